import * as tf from '@tensorflow/tfjs';
import { DataError } from './errors';

/** Where flat index `i` of a tensor of `shape` sits, as an error names it: `index 3`, `row 1, column 2`, `row 1, element [0, 2, 1]`. */
export function positionOf(shape: readonly number[], i: number): string {
  if (shape.length < 2) return `index ${i}`;
  const inner = shape.slice(1);
  const per = inner.reduce((a, b) => a * b, 1);
  const row = Math.floor(i / Math.max(per, 1));
  if (inner.length === 1) return `row ${row}, column ${i % per}`;
  let rest = i % per;
  const at = inner.map((_, k) => {
    const stride = inner.slice(k + 1).reduce((a, b) => a * b, 1);
    const v = Math.floor(rest / stride);
    rest %= stride;
    return v;
  });
  return `row ${row}, element [${at.join(', ')}]`;
}

/** Throws when `x` holds NaN or ±Infinity, naming the first bad position (row and column, or row and element for rank ≥ 3). */
export function assertFinite(x: tf.Tensor, where: string, field: string): void {
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new DataError(
        `${where}: ${field} contains ${String(values[i])} at ${positionOf(x.shape, i)}. Drop or impute missing values first ` +
          `(datasets.load does this with missing: 'drop' | 'impute'), or clean the array before making a tensor.`,
      );
    }
  }
}

/**
 * Throws unless `data.x` and `data.y` are tensors of rank ≥ 1 (samples along the first
 * axis: `[rows, features]`, `[n, h, w, c]`, ...) with the same number of rows.
 */
export function assertXY(data: { x?: unknown; y?: unknown }, where: string, argument = 'data'): asserts data is { x: tf.Tensor; y: tf.Tensor } {
  if (!(data !== null && typeof data === 'object' && data.x instanceof tf.Tensor && data.y instanceof tf.Tensor)) {
    throw new DataError(`${where}: ${argument} must be an object {x, y} of tensors, received ${describe(data)}. Pass e.g. datasets.moons() or {x: tf.tensor2d(...), y: tf.tensor2d(...)}.`);
  }
  for (const [field, tensor] of [['x', data.x], ['y', data.y]] as const) {
    if (tensor.rank === 0) {
      throw new DataError(
        `${where}: ${argument}.${field} is a scalar (shape []); it needs a first axis of samples (rank ≥ 1, e.g. [rows, features] or [n, h, w, c]). ` +
          'Pass one entry per sample along the first axis, e.g. x.reshape([1, -1]) for a single sample.',
      );
    }
  }
  if (data.x.shape[0] !== data.y.shape[0]) {
    throw new DataError(
      `${where}: ${argument}.x has ${data.x.shape[0]} rows but ${argument}.y has ${data.y.shape[0]} (shapes [${data.x.shape.join(', ')}] and [${data.y.shape.join(', ')}]). ` +
        'Pass features and targets for the same rows (the first axis).',
    );
  }
  if (data.x.isDisposed || data.y.isDisposed) {
    throw new DataError(`${where}: ${argument} holds a disposed tensor. Create the data again (or do not dispose it before use).`);
  }
}

export function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object with keys {${Object.keys(value as object).join(', ')}}`;
  return `${typeof value} ${String(value)}`;
}
