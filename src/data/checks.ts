import * as tf from '@tensorflow/tfjs';
import { DataError } from './errors';

/** Throws when `x` holds NaN or ±Infinity, naming the first bad row and column. */
export function assertFinite(x: tf.Tensor, where: string, field: string): void {
  const values = x.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const cols = x.rank >= 2 ? x.size / Math.max(x.shape[0], 1) : 1;
      const at = x.rank >= 2 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new DataError(
        `${where}: ${field} contains ${String(values[i])} at ${at}. Drop or impute missing values first ` +
          `(datasets.load does this with missing: 'drop' | 'impute'), or clean the array before making a tensor.`,
      );
    }
  }
}

/** Throws unless `data.x` is 2-D and `x` and `y` have the same number of rows. */
export function assertXY(data: { x?: unknown; y?: unknown }, where: string, argument = 'data'): asserts data is { x: tf.Tensor2D; y: tf.Tensor } {
  if (!(data !== null && typeof data === 'object' && data.x instanceof tf.Tensor && data.y instanceof tf.Tensor)) {
    throw new DataError(`${where}: ${argument} must be an object {x, y} of tensors, received ${describe(data)}. Pass e.g. datasets.moons() or {x: tf.tensor2d(...), y: tf.tensor2d(...)}.`);
  }
  if (data.x.rank !== 2) {
    throw new DataError(`${where}: ${argument}.x must be 2-D [rows, features], received shape [${data.x.shape.join(', ')}]. Reshape it, e.g. x.reshape([rows, -1]).`);
  }
  if (data.x.shape[0] !== data.y.shape[0]) {
    throw new DataError(`${where}: ${argument}.x has ${data.x.shape[0]} rows but ${argument}.y has ${data.y.shape[0]}. Pass features and targets for the same rows.`);
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
