/**
 * trainlab: learn and prototype deep-learning training in Jupyter notebooks.
 * This barrel is the whole public API.
 */

// Errors: every error trainlab throws on purpose is a TrainlabError with `issues` as data
export { TrainlabError } from './util/errors';

// Backends and reproducibility
export { useBackend, BackendError, BACKEND_NAMES, setSeed, wasmThreads, MAX_THREADS } from './backend';
export type { BackendName, UseBackendOptions } from './backend';
export { installFastKernels, uninstallFastKernels, fastKernelsInstalled } from './kernels';

// Configs, optimizers, schedules
export { defineConfig, optimizerFromConfig, configSummary, configDiff, resolveLoss } from './config';
export { ConfigError, ValidationError, LOSS_NAMES, METRIC_NAMES } from './config';
export type { TrainingConfig, TrainingConfigInput, EarlyStoppingConfig, RegularizationConfig, EarlyStoppingConfigInput, RegularizationConfigInput } from './config';
export type { ValidationIssue, ConfigDifference, LossName, MetricName, ValidationData, ValidationTensors, MetricFunction, NamedMetric, MetricSpec, MetricMode } from './config';
export { createOptimizer, getLearningRate, setLearningRate, OptimizerError, OPTIMIZER_NAMES } from './optimizers';
export { markScheduled, unmarkScheduled, scheduledBy } from './optimizers';
export type { OptimizerName, OptimizerSpec, OptimizerOptions, ClipOptions } from './optimizers';
export * as schedules from './schedules';
export { scheduleFromSpec, ScheduleError } from './schedules';
export type { Schedule, ScheduleSpec } from './schedules';

// Callbacks
export { earlyStopping, EarlyStopping, reduceLROnPlateau, ReduceLROnPlateau, learningRateScheduler, LearningRateScheduler } from './callbacks';
export { terminateOnNaN, TerminateOnNaN, csvLogger, CsvLogger, modelCheckpoint, ModelCheckpoint, saveCheckpoint, loadCheckpoint } from './callbacks';
export { progressBar, ProgressBar, MonitorCallback, CallbackError } from './callbacks';
export type { MonitorMode, MonitorOptions, EarlyStoppingOptions, ReduceLROnPlateauOptions, LearningRateSchedulerOptions } from './callbacks';
export type { TerminateOnNaNOptions, CsvLoggerOptions, ModelCheckpointOptions, ProgressBarOptions, ProgressState } from './callbacks';

// Regularization and augmentation
export { applyRegularization, regularizationPenalty, setDropoutRate, gaussianNoise, mixup, randomFlip, randomShift, RegularizationError } from './regularization';
export type { WeightPenalty, RegularizationReport, GaussianNoiseOptions, MixupOptions, RandomFlipOptions, RandomShiftOptions } from './regularization';
export { augmentations } from './regularization';
export type { Augmentation, AugmentBatch, FlipAugmentOptions, ShiftAugmentOptions, NoiseAugmentOptions, MixupAugmentOptions } from './regularization';

// Training, LR range test, sweeps
export { train, disposeTrainingState, isTraining, stopTraining, TrainingError } from './training';
export { findLearningRate, suggestLearningRates, sweep } from './training';
export { roughness, upward } from './training';
export type { RunStatistics, RunGap, MetricDirectionOptions } from './training';
export type { TrainOptions, TrainData, TensorData, DatasetData, Batch, RunResult, EpochRecord, RunEnd, OnBusy } from './training';
export type { FindLearningRateOptions, LearningRateFinderResult, LearningRateSuggestions } from './training';
export type { SweepSpace, GridSpace, GridSpaceSpec, RandomSpace, Distribution, SweepOptions, SweepResult, SweepRun, SweepRow } from './training';

// Data sets, models, summaries
export { datasets, splitData, standardize, minMaxScale, oneHot, DataError } from './data';
export type { LabeledData, TargetFormat, XY, SplitOptions, Split, Scalable, Scaler, ScaledParts, ScaledSplit } from './data';
export { models, ModelError, summary, ModelSummary } from './models';
export type { SummaryRow, SummaryTotals, SummaryOptions } from './models';

// Charts and notebook display
export * as charts from './charts';
export { show, figureToHTML, liveChart, LiveChart, ChartError } from './charts';
export { decisionBoundaryCallback, DecisionBoundaryCallback } from './charts';
export type { Figure, Trace, Layout, ShowOptions, ShowResult, LiveChartOptions, HistoryInput, HistoryRow, RunLike } from './charts';
export type { DecisionBoundaryOptions, DecisionBoundaryCallbackOptions } from './charts';
export type { Display, DisplayHandle, MimeBundle } from './display/types';
export { getDisplay, setDisplay, TextDisplay, TslabDisplay, DisplayError, clearOutput } from './display';
export type { ClearOutputOptions } from './display';
export { displayBundle, JUPYTER_DISPLAY, DisplayProtocolError } from './display/repr';
export type { Displayable } from './display/repr';
export { report, OBSERVATIONS_MIME, claim, CLAIM_MIME } from './report';
export type { Observation, ReportOptions, ClaimRecord, ClaimOptions, Evidence } from './report';
