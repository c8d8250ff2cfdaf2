/** Optimizers: `createOptimizer(spec)`, learning-rate access and the schedule marker. */
export { createOptimizer } from './create';
export type { OptimizerDefaults } from './create';
export {
  OPTIMIZER_NAMES,
  DEFAULT_LEARNING_RATES,
  MAX_LEARNING_RATE,
  OptimizerError,
  checkOptimizerSpec,
  optimizerSchemas,
} from './spec';
export type { OptimizerName, OptimizerOptions, OptimizerSpec, ResolvedOptimizerOptions } from './spec';
export { getLearningRate, setLearningRate, markScheduled, unmarkScheduled, scheduledBy } from './learning-rate';
export type { ClipOptions } from './clipping';
export { SGD, Momentum, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax } from './classes';
