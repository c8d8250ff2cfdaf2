import * as tf from '@tensorflow/tfjs';
import { assertFinite, describe } from './checks';
import { DataError } from './errors';

/** A feature matrix `[rows, features]`, or an object holding one as `x` (e.g. LabeledData). */
export type Scalable = tf.Tensor2D | { x: tf.Tensor2D; y?: tf.Tensor };

/**
 * Statistics fitted on training features, applied as `(x - offset) / scale` per column.
 * `transform` and `inverse` return new tensors and keep nothing.
 */
export interface Scaler {
  kind: 'standardize' | 'minMax';
  /** Subtracted from each column: the mean (standardize) or the minimum (minMax). */
  offset: number[];
  /** Each column is divided by this: the standard deviation or max - min (1 for a constant column). */
  scale: number[];
  /** Applies the fitted statistics to new features. */
  transform(x: tf.Tensor2D): tf.Tensor2D;
  /** Undoes `transform`. */
  inverse(x: tf.Tensor2D): tf.Tensor2D;
}

/** Scaled parts in the order given, plus the fitted scaler as `.scaler`. */
export type ScaledParts<T extends Scalable, R extends Scalable[]> = [T, ...R] & { scaler: Scaler };

/** A split `{train, validation?, test?}` with every part scaled, plus the fitted scaler. */
export type ScaledSplit<S> = { [K in keyof S]: S[K] } & { scaler: Scaler };

const FUNCTION_NAME: Record<Scaler['kind'], string> = { standardize: 'standardize', minMax: 'minMaxScale' };

function featuresOf(part: Scalable, where: string, index: number): tf.Tensor2D {
  const x = part instanceof tf.Tensor ? part : part?.x;
  const name = index === 0 ? 'train' : `part ${index}`;
  if (!(x instanceof tf.Tensor) || x.rank !== 2) {
    throw new DataError(`${where}: ${name} must be a 2-D tensor [rows, features] or an object with such an x, received ${describe(x ?? part)}. Pass e.g. split.train or a tf.tensor2d.`);
  }
  return x;
}

function makeScaler(kind: Scaler['kind'], offset: number[], scale: number[]): Scaler {
  const apply = (x: tf.Tensor2D, forward: boolean): tf.Tensor2D => {
    if (x.shape[1] !== offset.length) {
      throw new DataError(`${FUNCTION_NAME[kind]}: x has ${x.shape[1]} columns but the scaler was fitted on ${offset.length}. Pass features with the same columns as the training part.`);
    }
    return tf.tidy(() => {
      const o = tf.tensor2d(offset, [1, offset.length]);
      const s = tf.tensor2d(scale, [1, scale.length]);
      return forward ? x.sub(o).div(s) : x.mul(s).add(o);
    });
  };
  return { kind, offset, scale, transform: (x) => apply(x, true), inverse: (x) => apply(x, false) };
}

function fit(kind: Scaler['kind'], train: tf.Tensor2D): Scaler {
  const where = FUNCTION_NAME[kind];
  if (train.shape[0] === 0) {
    throw new DataError(`${where}: the training part has no rows, so there is nothing to fit. Pass a non-empty training part first.`);
  }
  assertFinite(train, where, 'train');
  const [offset, scale] = tf.tidy(() => {
    if (kind === 'standardize') {
      const { mean, variance } = tf.moments(train, 0);
      return [Array.from(mean.dataSync()), Array.from(variance.sqrt().dataSync())];
    }
    const min = train.min(0);
    return [Array.from(min.dataSync()), Array.from(train.max(0).sub(min).dataSync())];
  });
  // A constant column carries no information; dividing by 1 keeps it finite (as scikit-learn does).
  return makeScaler(kind, offset, scale.map((s) => (s > 0 ? s : 1)));
}

function scalePart<T extends Scalable>(part: T, scaler: Scaler, where: string, index: number): T {
  const x = featuresOf(part, where, index);
  assertFinite(x, where, index === 0 ? 'train' : `part ${index}`);
  const scaled = scaler.transform(x);
  if (part instanceof tf.Tensor) return scaled as T;
  const data = part as Exclude<T, tf.Tensor2D>;
  return { ...data, x: scaled, ...(data.y instanceof tf.Tensor ? { y: data.y.clone() } : {}) } as T;
}

function isSplit(value: unknown): value is { train: Scalable } {
  return value !== null && typeof value === 'object' && !(value instanceof tf.Tensor) && 'train' in value && !('x' in value);
}

function scaleAll(kind: Scaler['kind'], first: unknown, others: Scalable[]): unknown {
  const where = FUNCTION_NAME[kind];
  if (isSplit(first)) {
    if (others.length > 0) {
      throw new DataError(`${where}: pass either a split {train, validation, test} or parts (train, ...others), not both. Drop the extra arguments.`);
    }
    const split = first as Record<string, Scalable>;
    const scaler = fit(kind, featuresOf(split.train, where, 0));
    const keys = Object.keys(split);
    const scaled = scaleParts(keys.map((key) => split[key]), scaler, where, (i) => (keys[i] === 'train' ? 0 : i + 1));
    const out: Record<string, unknown> = { scaler };
    keys.forEach((key, i) => {
      out[key] = scaled[i];
    });
    return out;
  }
  const parts = [first as Scalable, ...others];
  const scaler = fit(kind, featuresOf(parts[0], where, 0));
  return Object.assign(scaleParts(parts, scaler, where, (i) => i), { scaler });
}

/** Every part scaled, or none: a part that fails disposes the ones already scaled. */
function scaleParts(parts: Scalable[], scaler: Scaler, where: string, indexOf: (i: number) => number): Scalable[] {
  const done: Scalable[] = [];
  try {
    parts.forEach((part, i) => done.push(scalePart(part, scaler, where, indexOf(i))));
    return done;
  } catch (error) {
    // Only what scalePart made: the scaled x and the copied y (other fields are the caller's).
    tf.dispose(done.flatMap((d) => (d instanceof tf.Tensor ? [d] : [d.x, ...(d.y instanceof tf.Tensor ? [d.y] : [])])));
    throw error;
  }
}

/**
 * Rescales features to zero mean and unit variance per column, with statistics from the
 * training part only (no leakage), applied unchanged to the other parts.
 * Call as `standardize(split)` on a `{train, validation, test}` split, or
 * `standardize(train, ...others)`. Tensors in, tensors out; data objects in, data objects out
 * (targets copied). The results own new tensors; the inputs are left as they were.
 */
export function standardize<S extends { train: Scalable }>(split: S): ScaledSplit<S>;
export function standardize<T extends Scalable, R extends Scalable[]>(train: T, ...others: R): ScaledParts<T, R>;
export function standardize(first: unknown, ...others: Scalable[]): unknown {
  return scaleAll('standardize', first, others);
}

/**
 * Rescales features to [0, 1] per column using the training part's minimum and maximum
 * only; other parts may fall outside [0, 1]. Same call forms and ownership as
 * {@link standardize}.
 */
export function minMaxScale<S extends { train: Scalable }>(split: S): ScaledSplit<S>;
export function minMaxScale<T extends Scalable, R extends Scalable[]>(train: T, ...others: R): ScaledParts<T, R>;
export function minMaxScale(first: unknown, ...others: Scalable[]): unknown {
  return scaleAll('minMax', first, others);
}
