import * as tf from '@tensorflow/tfjs';
import { assertFinite, assertXY } from './checks';
import { DataError } from './errors';
import { permutation, seededRng } from './random';
import { classIndices, type LabeledData, type XY } from './types';
import { checkDataOptions } from './options';

export interface SplitOptions {
  /** Fraction of rows (0 to 1) for the validation part; 0 gives an empty (0-row) part. Defaults to 0.2. */
  validation?: number;
  /** Fraction of rows (0 to 1) for the test part; 0 gives an empty (0-row) part. Defaults to 0.2. */
  test?: number;
  /** Seed of the shuffle: the same seed gives the same split. Defaults to 0. */
  seed?: number;
  /**
   * Keep each class's share the same in every part (classification only; classes are read
   * from `y`: argmax of one-hot rows, else the value). Defaults to false.
   */
  stratify?: boolean;
}

/** The three parts of a split; each owns its tensors (dispose them when done). */
export type Split<D> = {
  train: D;
  validation: D;
  test: D;
};

function checkFraction(field: 'validation' | 'test', value: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value < 1)) {
    throw new DataError(`splitData: ${field} must be a fraction in [0, 1), received ${String(value)}. Pass e.g. ${field}: 0.2.`);
  }
}

/** The rows `indices` of `data`, as new tensors; other fields are kept. */
export function takeRows<D extends XY>(data: D, indices: number[]): D {
  const [x, y] = tf.tidy(() => {
    const at = tf.tensor1d(indices, 'int32');
    return [tf.gather(data.x, at), tf.gather(data.y, at)];
  });
  return { ...data, x, y };
}

/**
 * stratify groups rows by label value: a continuous target would make every value its own
 * class (and the smaller parts come out empty), so say that instead.
 */
function continuousTargetCheck(y: tf.Tensor): void {
  if (y.rank > 2) {
    throw new DataError(
      `splitData: stratify: true reads one class per row from data.y ([rows], [rows, 1] or one-hot [rows, classes]), but data.y has shape [${y.shape.join(', ')}]. ` +
        'Pass stratify: false, or a y with one class per row.',
      { path: 'stratify', received: true, expected: 'data.y of shape [rows], [rows, 1] or [rows, classes]' },
    );
  }
  if (y.rank === 2 && y.shape[1]! > 1) return; // one-hot rows: classes by argMax
  const values = y.dataSync();
  const fractional = values.findIndex((v) => !Number.isInteger(v));
  const distinct = new Set(values).size;
  if (fractional < 0 && !(values.length >= 10 && distinct > values.length / 2)) return;
  const cause = fractional >= 0 ? `data.y holds non-integer values (${values[fractional]} in row ${fractional})` : `data.y has ${distinct} distinct values in ${values.length} rows`;
  throw new DataError(
    `splitData: stratify: true splits each class separately, but ${cause}: it looks continuous, so every value became a class of its own. ` +
      'Bin the target into classes first (e.g. quantiles), or pass stratify: false.',
    { path: 'stratify', received: true, expected: 'class labels in data.y' },
  );
}

/**
 * Shuffles the rows of `data` (seeded) and cuts them into training, validation and test
 * parts. A row is one sample: the first axis of `x` and `y`, whatever their rank
 * (`[rows, features]`, images `[n, h, w, c]`, sequences `[n, t, f]`, labels `[n]`); the
 * shuffle depends only on the number of rows and the seed. The result owns new tensors;
 * `data` is left as it was; other fields (names, classes, a loaded set's raw `frame`) are
 * shared by the parts as they are. Rounds each part's size to the nearest row; a requested
 * part that would get no rows is an error.
 */
export function splitData<D extends XY>(data: D, options: SplitOptions = {}): Split<D> {
  checkDataOptions('splitData', options);
  const { validation = 0.2, test = 0.2, seed = 0, stratify = false } = options;
  assertXY(data, 'splitData');
  checkFraction('validation', validation);
  checkFraction('test', test);
  if (validation + test >= 1) {
    throw new DataError(`splitData: validation + test = ${validation + test} leaves nothing to train on. Pass fractions that sum to less than 1, e.g. validation: 0.2, test: 0.2.`);
  }
  assertFinite(data.x, 'splitData', 'data.x');
  const rng = seededRng(seed, 'splitData');
  const n = data.x.shape[0];
  const groups: number[][] = [];
  if (stratify) {
    const task = (data as Partial<LabeledData>).task;
    if (task === 'regression') {
      throw new DataError('splitData: stratify: true needs class labels but data.task is \'regression\'. Pass stratify: false for regression data.');
    }
    continuousTargetCheck(data.y);
    const labels = classIndices(data.y);
    const byClass = new Map<number, number[]>();
    labels.forEach((label, i) => byClass.set(label, [...(byClass.get(label) ?? []), i]));
    for (const key of [...byClass.keys()].sort((a, b) => a - b)) groups.push(byClass.get(key)!);
  } else {
    groups.push(Array.from({ length: n }, (_, i) => i));
  }
  const parts = { train: [] as number[], validation: [] as number[], test: [] as number[] };
  for (const group of groups) {
    const order = permutation(group.length, rng).map((i) => group[i]);
    const nTest = Math.round(test * group.length);
    const nValidation = Math.round(validation * group.length);
    parts.test.push(...order.slice(0, nTest));
    parts.validation.push(...order.slice(nTest, nTest + nValidation));
    parts.train.push(...order.slice(nTest + nValidation));
  }
  const requested = { train: 1 - validation - test, validation, test };
  for (const name of ['train', 'validation', 'test'] as const) {
    if (requested[name] > 0 && parts[name].length === 0) {
      throw new DataError(
        `splitData: ${name}: ${requested[name]} of ${n} rows leaves the ${name} part empty. ` +
          `Pass a larger fraction (at least ${(1 / n).toPrecision(2)}) or use more data.`,
      );
    }
  }
  // Stratified parts were built class by class; mix them so batches see every class.
  const mix = (indices: number[]): number[] => (stratify ? permutation(indices.length, rng).map((i) => indices[i]) : indices);
  return {
    train: takeRows(data, mix(parts.train)),
    validation: takeRows(data, mix(parts.validation)),
    test: takeRows(data, mix(parts.test)),
  };
}

/** One-hot rows `[labels.length, numClasses]`, float32, from class indices 0..numClasses-1. */
export function oneHot(labels: number[] | Int32Array | tf.Tensor, numClasses: number): tf.Tensor2D {
  if (!(Number.isInteger(numClasses) && numClasses >= 1)) {
    throw new DataError(`oneHot: numClasses must be a whole number >= 1, received ${String(numClasses)}. Pass the number of classes, e.g. oneHot(labels, 3).`);
  }
  const values = labels instanceof tf.Tensor ? Array.from(labels.dataSync()) : Array.from(labels);
  values.forEach((v, i) => {
    if (!(Number.isInteger(v) && v >= 0 && v < numClasses)) {
      throw new DataError(`oneHot: labels[${i}] is ${String(v)}, not a class index in 0..${numClasses - 1}. Pass integer labels below numClasses (or a larger numClasses).`);
    }
  });
  return tf.tidy(() => tf.oneHot(tf.tensor1d(values, 'int32'), numClasses).toFloat() as tf.Tensor2D);
}
