export { TrainingError } from './errors';
export { train, disposeTrainingState } from './train';
export type { TrainOptions } from './train';
export { isTraining, stopTraining } from './control';
export type { OnBusy } from './control';
export type { TrainData, TensorData } from './data';
export type { RunResult, EpochRecord, RunEnd } from './result';
export { findLearningRate, suggestLearningRates, smoothLosses, exponentialRamp } from './lrFinder';
export type { FindLearningRateOptions, LearningRateFinderResult, LearningRateSuggestions } from './lrFinder';
