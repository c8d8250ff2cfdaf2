export * as datasets from './datasets';
export { splitData, oneHot } from './split';
export type { SplitOptions, Split } from './split';
export { standardize, minMaxScale } from './scale';
export type { Scalable, Scaler, ScaledParts, ScaledSplit } from './scale';
export { DataError } from './errors';
export type { LabeledData, TargetFormat, XY } from './types';
