/** Everything under `trainlab.datasets`. */
export { spirals, moons, circles, xor, regression, randomLabels } from './generated';
export type { GeneratedOptions, SpiralsOptions, MoonsOptions, CirclesOptions, XorOptions, RegressionOptions, RegressionData, RandomLabelsOptions } from './generated';
export { shapes, SHAPE_NAMES } from './shapes';
export type { ShapesOptions, ShapeName, ImageSet } from './shapes';
export { DataError } from './errors';
export type { LabeledData, TargetFormat, XY, ClassificationTargetOptions } from './types';
export { load, DATASET_NAMES } from './load';
export type { LoadOptions, LoadedData, DatasetName } from './load';
export { fromCSV, fromArrays, fromGenerator, isDataset, datasetProblems } from './stream';
export type { Batch, Row, StreamOptions, CsvOptions } from './stream';
