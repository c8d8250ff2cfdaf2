/** Everything under `trainlab.models`. */
export { mlp } from './mlp';
export type { MlpOptions } from './mlp';
export type { Activation, OutputSpec } from './common';
export { ModelError } from './errors';
export { cnn } from './cnn';
export type { CnnOptions } from './cnn';
