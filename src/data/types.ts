import * as tf from '@tensorflow/tfjs';

/** What the target tensor `y` holds. */
export type TargetFormat =
  /** One column per class, 1 for the row's class (for `categoricalCrossentropy`). */
  | 'oneHot'
  /** One column holding the class index (for `binaryCrossentropy` or `sparseCategoricalCrossentropy`). */
  | 'index'
  /** One column holding a real number (regression). */
  | 'value';

/** Features and targets as tensors, with the names needed to read them. */
// A type alias (not an interface) so that `tf.dispose(data)` accepts it.
export type LabeledData = {
  /** Features, shape `[rows, features]`, float32. */
  x: tf.Tensor2D;
  /** Targets, shape `[rows, classes]` for `'oneHot'`, `[rows, 1]` otherwise, float32. */
  y: tf.Tensor2D;
  /** One name per column of `x`. */
  featureNames: string[];
  /** What `y` holds, e.g. `'class'` or `'Miles_per_Gallon'`. */
  targetName: string;
  task: 'classification' | 'regression';
  /** Class names, index = class number; empty for regression. */
  classes: string[];
  /** How `y` encodes the target. */
  target: TargetFormat;
};

/** Anything with features and targets, e.g. {@link LabeledData} or a plain `{x, y}`. */
export interface XY {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** Options shared by the generated classification data sets. */
export interface ClassificationTargetOptions {
  /**
   * How `y` encodes the class: `'oneHot'` (`[n, classes]`, for `categoricalCrossentropy`)
   * or `'index'` (`[n, 1]`, for `binaryCrossentropy` / `sparseCategoricalCrossentropy`).
   * Defaults to `'oneHot'`.
   */
  target?: 'oneHot' | 'index';
}

/** Class index of every row of `y`: argmax of a one-hot `y`, else the rounded value. */
export function classIndices(y: tf.Tensor): number[] {
  return tf.tidy(() => {
    const flat = y.rank === 2 && y.shape[1]! > 1 ? y.argMax(1) : y.reshape([-1]);
    return Array.from(flat.dataSync(), (v) => Math.round(v));
  });
}

/** Builds a classification {@link LabeledData} from rows of features and class indices. */
export function classificationData(
  rows: number[][],
  labels: number[],
  meta: { featureNames: string[]; classes: string[]; targetName?: string; target?: 'oneHot' | 'index' },
): LabeledData {
  const target = meta.target ?? 'oneHot';
  const numClasses = meta.classes.length;
  return {
    x: tf.tensor2d(rows, [rows.length, meta.featureNames.length], 'float32'),
    y:
      target === 'oneHot'
        ? tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat() as tf.Tensor2D)
        : tf.tensor2d(labels, [labels.length, 1], 'float32'),
    featureNames: meta.featureNames,
    targetName: meta.targetName ?? 'class',
    task: 'classification',
    classes: meta.classes,
    target,
  };
}
