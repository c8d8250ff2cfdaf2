/** Training configs: one validated, frozen, JSON-serialisable object per run. */
export { defineConfig, optimizerFromConfig, givenKeys } from './define';
export { metricDirection, metricModes, METRIC_DIRECTIONS, type MetricMode } from './direction';
export { configSummary, configRows, configDiff } from './summary';
export type { ConfigDifference } from './summary';
export {
  trainingConfigSchema,
  earlyStoppingSchema,
  regularizationSchema,
  CONFIG_KEYS,
  EARLY_STOPPING_MODES,
  MAX_BATCH_SIZE,
  MAX_EPOCHS,
} from './schema';
export type { TrainingConfig, TrainingConfigInput, EarlyStoppingConfig, RegularizationConfig, EarlyStoppingConfigInput, RegularizationConfigInput } from './schema';
export type { DeepReadonly, ValidationData, ValidationTensors } from './readonly';
export { LOSS_NAMES, METRIC_NAMES, resolveLoss, huber } from './losses';
export type { LossName, MetricName, CompiledLoss, LossFunction, MetricFunction, NamedMetric } from './losses';
export type { LossSpec, SingleLoss, MetricSpec } from './schema';
export { ConfigError, ValidationError, didYouMean, levenshtein } from './issues';
export type { ValidationIssue } from './issues';
