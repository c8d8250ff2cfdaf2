export * as models from './models';
export { ModelError } from './errors';
