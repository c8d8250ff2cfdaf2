/**
 * The one schema a training config is validated against; `TrainingConfig` and
 * `TrainingConfigInput` are derived from it. `optimizer` and `lrSchedule` are validated by
 * the optimizers and schedules modules (their own schemas), so the rules live in one place.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { MAX_LEARNING_RATE, type OptimizerSpec } from '../optimizers/spec';
import type { ResolvedScheduleSpec, ScheduleSpec } from '../schedules/spec';
import { LOSS_NAMES, METRIC_NAMES, type LossFunction, type LossName, type MetricFunction, type MetricName, type NamedMetric } from './losses';

import type { Named } from '../util/named';
import type { DeepReadonly, ValidationData, ValidationTensors } from './readonly';

/** Largest batch size accepted (2^20); larger values are almost always typos. */
export const MAX_BATCH_SIZE = 1_048_576;
/** Largest number of epochs accepted. */
export const MAX_EPOCHS = 1_000_000;

export const EARLY_STOPPING_MODES = ['auto', 'min', 'max'] as const;

export const earlyStoppingSchema = z.strictObject({
  /** Quantity to watch, e.g. 'val_loss', 'val_acc', 'loss'. Defaults to 'val_loss'. */
  monitor: z.string().min(1).default('val_loss'),
  /** Smallest change that counts as an improvement (≥ 0). Defaults to 0. */
  minDelta: z.number().min(0).default(0),
  /** Epochs without improvement before stopping (integer ≥ 0). Defaults to 0 (Keras). */
  patience: z.number().int().min(0).default(0),
  /** Whether the monitored value should go down ('min'), up ('max') or be decided from its name or its custom metric's `mode` ('auto'). Defaults to 'auto'. */
  mode: z.enum(EARLY_STOPPING_MODES).default('auto'),
  /** Stop if the monitored value does not beat this. Defaults to none. */
  baseline: z.number().optional(),
  /** Restore the weights of the best epoch at the end of training. Defaults to false (Keras). */
  restoreBestWeights: z.boolean().default(false),
  /** Epochs to wait before starting to monitor (integer ≥ 0). Defaults to 0. */
  startFromEpoch: z.number().int().min(0).default(0),
});

export const regularizationSchema = z.strictObject({
  /** L1 penalty factor on Dense/Conv kernels, in [0, 1]. Defaults to 0. */
  l1: z.number().min(0).max(1).default(0),
  /** L2 penalty factor on Dense/Conv kernels, in [0, 1]. Defaults to 0. */
  l2: z.number().min(0).max(1).default(0),
  /** Dropout rate, in [0, 1). Defaults to 0. */
  dropout: z.number().min(0).lt(1).default(0),
});

const earlyStoppingDefaults = earlyStoppingSchema.parse({});
const regularizationDefaults = regularizationSchema.parse({});

const clipBound = z.number().positive();

/** One output's loss: a name or a function. */
export type SingleLoss = LossName | LossFunction;
/** What `loss` takes: one loss, or one per output. */
export type LossSpec = SingleLoss | readonly SingleLoss[] | Readonly<Record<string, SingleLoss>>;
/** What `metrics` takes: names, named metric functions, or `{name, fn, mode}` objects. */
export type MetricSpec = MetricName | MetricFunction | NamedMetric;

function isNamedMetric(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const { name, fn, mode, ...rest } = v as Record<string, unknown>;
  return typeof name === 'string' && name !== '' && typeof fn === 'function' && (mode === undefined || mode === 'min' || mode === 'max') && Object.keys(rest).length === 0;
}

// Any string passes here: defineConfig reports unknown names with a did-you-mean.
function isSingleLoss(v: unknown): boolean {
  return typeof v === 'function' || typeof v === 'string';
}

function isLossSpec(v: unknown): boolean {
  if (isSingleLoss(v)) return true;
  if (Array.isArray(v)) return v.length > 0 && v.every(isSingleLoss);
  return typeof v === 'object' && v !== null && Object.keys(v).length > 0 && Object.values(v).every(isSingleLoss);
}

/** What a config's validationData takes for x or y (readonly lists included). */
type ValidationTensorsInput = tf.Tensor | readonly tf.Tensor[] | Readonly<Record<string, tf.Tensor>>;

const isLive = (t: unknown): boolean => t instanceof tf.Tensor && !t.isDisposed;

function isValidationTensors(v: unknown): boolean {
  if (isLive(v)) return true;
  if (Array.isArray(v)) return v.length > 0 && v.every(isLive);
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype && Object.keys(v).length > 0 && Object.values(v).every(isLive);
}

// Mutable copies for tfjs; the tensors themselves are the user's (kept by reference).
function copyTensors(v: ValidationTensorsInput): ValidationTensors {
  if (v instanceof tf.Tensor) return v;
  return Array.isArray(v) ? [...v] : { ...(v as Readonly<Record<string, tf.Tensor>>) };
}

export const trainingConfigSchema = z.strictObject({
  /** Learning rate (> 0, ≤ 10). Defaults to the optimizer's (Keras) default: 0.01 for sgd and momentum, 0.001 for the others. */
  learningRate: z.number().positive().max(MAX_LEARNING_RATE).optional(),
  /** Samples per gradient update (integer ≥ 1). Defaults to 32. */
  batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).default(32),
  /** Passes over the training data (integer ≥ 1). Defaults to 10. */
  epochs: z.number().int().min(1).max(MAX_EPOCHS).default(10),
  /** An optimizer name or `{name, ...options}` (see createOptimizer). Defaults to 'adam'. */
  optimizer: z.custom<OptimizerSpec>().default('adam'),
  /**
   * A loss name, a function `(yTrue, yPred) => tf.Tensor` (logged as `loss`), or, for a model
   * with several outputs, one per output (an array in output order or a map by output name).
   * Defaults to the compiled model's loss, else one inferred from each output's activation
   * (softmax → categoricalCrossentropy, or sparseCategoricalCrossentropy for `[n, 1]` labels;
   * sigmoid → binaryCrossentropy; anything else → meanSquaredError).
   */
  loss: z
    .custom<LossSpec>((v) => isLossSpec(v), { message: `must be a loss name (${LOSS_NAMES.join(', ')}), a function (yTrue, yPred) => tf.Tensor, or one per output as an array or {outputName: loss}` })
    .optional(),
  /**
   * Metrics reported during training: names, named functions `(yTrue, yPred) => tf.Tensor`
   * (logged under the function's name), or `{name, fn, mode}` objects whose `mode`
   * (`'min'` | `'max'`) tells callbacks, charts and sweeps which way the metric improves.
   * Defaults to none (or the compiled model's).
   */
  metrics: z
    .array(
      // Unknown names are reported by defineConfig (with a did-you-mean).
      z.custom<MetricSpec>((v) => typeof v === 'string' || (typeof v === 'function' && v.name !== '') || isNamedMetric(v), {
        message: "must be a metric name or a named function (yTrue, yPred) => tf.Tensor (its name is the log key; write function f1(yTrue, yPred) {...}), or {name, fn, mode?} with mode 'min' | 'max'",
      }),
    )
    .default([]),
  /** Per-output loss weights (an array in output order or a map by output name), for models with several outputs. Defaults to 1 each. */
  lossWeights: z.union([z.array(z.number().min(0)), z.record(z.string(), z.number().min(0))]).optional(),
  /**
   * Class index → weight for each example's loss, as Keras `class_weight` (the loss becomes
   * mean(weight[class(y_i)] · loss_i)); for several outputs a map by output name. Defaults to none.
   */
  classWeight: z.union([z.record(z.string(), z.number().min(0)), z.record(z.string(), z.record(z.string(), z.number().min(0)))]).optional(),
  /**
   * Compile the model afresh from this config (new optimizer, its state reset) even when it
   * is already compiled. Defaults to false: a compiled model keeps its loss, metrics and
   * optimizer, and a config that contradicts them is an error.
   */
  recompile: z.boolean().default(false),
  /**
   * 0-based number of the first epoch of this call. Defaults to the epochs the model has
   * already run under `train` (so a second call continues the numbering).
   */
  initialEpoch: z.number().int().min(0).max(MAX_EPOCHS).optional(),
  /** Fraction of the training data held out for validation, in (0, 1). Defaults to none. */
  validationSplit: z.number().gt(0).lt(1).optional(),
  /**
   * `[x, y]` to validate on (not serialised to JSON), each as the data's `x` / `y`: a tensor,
   * or for a model with several inputs / outputs an array in model order or `{name: tensor}`.
   * Exclusive with validationSplit. Defaults to none.
   */
  validationData: z
    // A readonly pair (and readonly lists) are accepted too (configs written `as const`).
    .custom<ValidationData | readonly [ValidationTensorsInput, ValidationTensorsInput]>((v) => Array.isArray(v) && v.length === 2 && v.every(isValidationTensors), {
      message: 'must be [x, y]: two live tf.Tensors, or for several inputs / outputs arrays or {name: tensor} maps of live tensors',
    })
    .transform((v): ValidationData => [copyTensors(v[0]), copyTensors(v[1])])
    .optional(),
  /** Shuffle the training data before each epoch. Defaults to true. */
  shuffle: z.boolean().default(true),
  /** Seed for weight initialisation, shuffling and dropout (integer in [0, 2^32)). Defaults to none (random). */
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  /** Weight penalties and dropout. Defaults to none. */
  regularization: regularizationSchema.default(regularizationDefaults),
  /** `false`, `true` (Keras defaults) or early-stopping options. Defaults to false. */
  earlyStopping: z
    .union([z.literal(false), z.literal(true).transform(() => ({ ...earlyStoppingDefaults })), earlyStoppingSchema])
    .default(false),
  /** A learning-rate schedule as JSON (`{name, ...options, per}`). Defaults to none. */
  lrSchedule: z
    .custom<ScheduleSpec>()
    .transform((spec) => spec as unknown as ResolvedScheduleSpec)
    .optional(),
  /** Rescale each gradient tensor to at most this L2 norm (> 0). Defaults to none. */
  clipNorm: clipBound.optional(),
  /** Clip each gradient element to [-clipValue, clipValue] (> 0). Defaults to none. */
  clipValue: clipBound.optional(),
  /** Rescale all gradients together to at most this joint L2 norm (> 0). Defaults to none. */
  globalClipNorm: clipBound.optional(),
});

/** Top-level field names, in schema order (used to order problems and summaries). */
export const CONFIG_KEYS = Object.keys(trainingConfigSchema.shape) as Array<keyof typeof trainingConfigSchema.shape>;

// `& Named`: TypeScript names these types in errors ("'learningRat' does not exist in type
// 'TrainingConfigInput'") instead of printing the schema's expansion.

/** Early-stopping options as a config takes them: every field optional. */
export type EarlyStoppingConfigInput = DeepReadonly<z.input<typeof earlyStoppingSchema>> & Named;

/** Regularization as a config takes it: every field optional. */
export type RegularizationConfigInput = DeepReadonly<z.input<typeof regularizationSchema>> & Named;

type SchemaInput = DeepReadonly<z.input<typeof trainingConfigSchema>>;

/** What `defineConfig` accepts: every field optional (readonly, so a `TrainingConfig` spread back in fits). */
export type TrainingConfigInput = Omit<SchemaInput, 'earlyStopping' | 'regularization'> & {
  /** `false`, `true` (Keras defaults) or early-stopping options. Defaults to false. */
  readonly earlyStopping?: boolean | EarlyStoppingConfigInput;
  /** Weight penalties and dropout. Defaults to none. */
  readonly regularization?: RegularizationConfigInput;
} & Named;

/** A complete, validated, frozen training config (what `defineConfig` returns). */
export type TrainingConfig = DeepReadonly<Omit<z.output<typeof trainingConfigSchema>, 'learningRate'> & { learningRate: number }> & Named;

// Compile-time check that the two fields restated above still match the schema exactly.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AssertTrue<T extends true> = T;
type InputMatchesSchema = AssertTrue<Exact<TrainingConfigInput, SchemaInput>>;

/** Early-stopping options with defaults filled in. */
export type EarlyStoppingConfig = z.output<typeof earlyStoppingSchema>;
/** Regularization options with defaults filled in. */
export type RegularizationConfig = z.output<typeof regularizationSchema>;
