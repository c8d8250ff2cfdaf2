/** Loss and metric names a config accepts, and how a loss name becomes what `model.compile` takes. */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, enumIssue } from './issues';

/** Loss names tfjs-layers accepts in `model.compile({loss})`, plus `huber` (implemented here). */
export const LOSS_NAMES = [
  'meanSquaredError',
  'meanAbsoluteError',
  'meanAbsolutePercentageError',
  'meanSquaredLogarithmicError',
  'huber',
  'logcosh',
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryCrossentropy',
  'kullbackLeiblerDivergence',
  'poisson',
  'hinge',
  'squaredHinge',
  'categoricalHinge',
  'cosineProximity',
] as const;

export type LossName = (typeof LOSS_NAMES)[number];

/**
 * Metric names tfjs-layers accepts in `model.compile({metrics})`. `'accuracy'`/`'acc'` and
 * `'crossentropy'`/`'ce'` pick the binary, categorical or sparse variant from the loss.
 */
export const METRIC_NAMES = [
  'accuracy',
  'acc',
  'crossentropy',
  'ce',
  'binaryAccuracy',
  'categoricalAccuracy',
  'precision',
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'mse',
  'MSE',
  'mae',
  'MAE',
  'mape',
  'MAPE',
  'cosine',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** A custom loss: per-example (or already averaged) loss from targets and predictions. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
/**
 * A custom metric: logged under the function's `name` (give it one: `function f1(yTrue, yPred) {...}`).
 * An optional `mode` property (`f1.mode = 'max'`) says which way it improves, as a
 * {@link NamedMetric}'s `mode` does.
 */
export type MetricFunction = ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor) & { mode?: 'min' | 'max' };

/**
 * A custom metric with its log name and the direction it improves in, e.g.
 * `{name: 'f1', fn: (yTrue, yPred) => ..., mode: 'max'}`. The `mode` is what callbacks
 * (earlyStopping, reduceLROnPlateau, modelCheckpoint with mode 'auto'), charts (best
 * epoch, "higher is better", log axes) and sweep ranking use for `f1`, `val_f1`, `out1_f1`.
 */
export interface NamedMetric {
  /** The log key (`val_` and, for several outputs, the output name are prefixed as Keras does). */
  readonly name: string;
  /** `(yTrue, yPred) => tf.Tensor`: per-example values (averaged by tfjs) or their mean. */
  readonly fn: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
  /** `'min'` when lower is better, `'max'` when higher is. Defaults to none: its direction is then unknown (charts name no best, callbacks need their own `mode`). */
  readonly mode?: 'min' | 'max';
}

/** A loss as `model.compile` takes it: a tfjs name or a function of (yTrue, yPred). */
export type CompiledLoss = string | LossFunction;

/**
 * Huber loss per sample, as Keras `Huber(delta=1)`: mean over the last axis of
 * `0.5 e²` where |e| ≤ delta, else `delta (|e| - 0.5 delta)`.
 */
export function huber(yTrue: tf.Tensor, yPred: tf.Tensor, delta = 1): tf.Tensor {
  return tf.tidy(() => {
    const error = tf.abs(tf.sub(yPred, yTrue));
    const quadratic = tf.minimum(error, delta);
    const linear = tf.sub(error, quadratic);
    return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear)), -1);
  });
}

/**
 * What to pass to `model.compile({loss})` for a config's loss name: the name itself when
 * tfjs knows it, a function for `huber`.
 */
export function resolveLoss(name: LossName | LossFunction): CompiledLoss {
  if (typeof name === 'function') return name;
  if (typeof name !== 'string' || !(LOSS_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError('resolveLoss', [enumIssue('loss', name, LOSS_NAMES, 'loss')]);
  }
  if (name === 'huber') return (yTrue: tf.Tensor, yPred: tf.Tensor) => huber(yTrue, yPred);
  return name;
}
