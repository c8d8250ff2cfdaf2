/**
 * Augmentations of a whole batch `{x, y}`, for `train(model, data, config, {augment})`:
 * ready-made ones built on the helpers in augment.ts, and `chain` to apply several. They
 * take no seed: `train` seeds Math.random with `config.seed`, so a seeded run draws the
 * same augmentations every time (a fixed seed here would draw the same ones every batch).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { agree, anyNumber as num, checkOptions, type SchemaAgrees } from '../util/options';
import { gaussianNoise, mixup as mixupPair, randomFlip, randomShift } from './augment';
import { describe, RegularizationError } from './errors';

/** One training batch: inputs and targets, first dimension the batch. */
export interface AugmentBatch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/**
 * Maps a batch to an augmented batch. Return new tensors or the ones received (the caller
 * owns and disposes both); intermediate tensors are best made inside `tf.tidy`.
 */
export type Augmentation = (batch: AugmentBatch) => AugmentBatch;

export interface FlipAugmentOptions {
  /** Which flips to draw, each with probability ½ per image. Defaults to `'horizontal'`. */
  mode?: 'horizontal' | 'vertical' | 'both';
}
export interface ShiftAugmentOptions {
  /** Largest shift as a fraction of height/width, in [0, 1). Defaults to `0.1`. */
  maxFraction?: number;
  /** Value for the pixels shifted in. Defaults to `0`. */
  fill?: number;
}
export interface NoiseAugmentOptions {
  /** Standard deviation of the gaussian noise added to every input value (>= 0). Required. */
  stddev: number;
}
export interface MixupAugmentOptions {
  /** Beta(alpha, alpha) concentration of the mixing weights (> 0); 0.2-0.4 is typical. Defaults to `0.2`. */
  alpha?: number;
}

const SCHEMAS = {
  'augmentations.flip': z.strictObject({ mode: z.enum(['horizontal', 'vertical', 'both']).optional() }),
  'augmentations.shift': z.strictObject({ maxFraction: num.optional(), fill: num.optional() }),
  'augmentations.noise': z.strictObject({ stddev: num }),
  'augmentations.mixup': z.strictObject({ alpha: num.optional() }),
} as const;
agree<SchemaAgrees<FlipAugmentOptions, (typeof SCHEMAS)['augmentations.flip']>>();
agree<SchemaAgrees<ShiftAugmentOptions, (typeof SCHEMAS)['augmentations.shift']>>();
agree<SchemaAgrees<NoiseAugmentOptions, (typeof SCHEMAS)['augmentations.noise']>>();
agree<SchemaAgrees<MixupAugmentOptions, (typeof SCHEMAS)['augmentations.mixup']>>();

function check<T>(component: keyof typeof SCHEMAS, options: T): T {
  return checkOptions(component, SCHEMAS[component], options, (message, issues) => new RegularizationError(message, issues));
}

/**
 * Checks the options once, here, by a trial call on a tiny batch: a bad `stddev` or
 * `maxFraction` is an error when the augmentation is made, not at the first batch.
 */
function tried(make: () => AugmentBatch, fn: Augmentation): Augmentation {
  tf.dispose(make() as unknown as tf.TensorContainer);
  return fn;
}

/** Flips NHWC images `x` left-right (and/or up-down), each with probability ½; `y` unchanged. */
export function flip(options: FlipAugmentOptions = {}): Augmentation {
  check('augmentations.flip', options);
  const fn: Augmentation = ({ x, y }) => ({ x: randomFlip(x as tf.Tensor4D, options), y });
  return tried(() => tf.tidy(() => ({ x: randomFlip(tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, { ...options, seed: 0 }), y: tf.zeros([1]) })), fn);
}

/** Shifts NHWC images `x` by up to `maxFraction` of their size, per image and axis; `y` unchanged. */
export function shift(options: ShiftAugmentOptions = {}): Augmentation {
  check('augmentations.shift', options);
  const fn: Augmentation = ({ x, y }) => ({ x: randomShift(x as tf.Tensor4D, options), y });
  return tried(() => tf.tidy(() => ({ x: randomShift(tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, { ...options, seed: 0 }), y: tf.zeros([1]) })), fn);
}

/** Adds gaussian noise of `stddev` to every value of `x` (jitter for points, pixel noise for images); `y` unchanged. */
export function noise(options: NoiseAugmentOptions): Augmentation {
  check('augmentations.noise', options);
  const fn: Augmentation = ({ x, y }) => ({ x: gaussianNoise(x, options), y });
  return tried(() => tf.tidy(() => ({ x: gaussianNoise(tf.zeros([1, 1]), { ...options, seed: 0 }), y: tf.zeros([1]) })), fn);
}

/** mixup: mixes each example and its one-hot (or continuous) label with another of the batch, weights ~ Beta(alpha, alpha). */
export function mixup(options: MixupAugmentOptions = {}): Augmentation {
  check('augmentations.mixup', options);
  const fn: Augmentation = ({ x, y }) => {
    const mixed = mixupPair(x, y, options);
    return { x: mixed.x, y: mixed.y };
  };
  return tried(() => tf.tidy(() => { const m = mixupPair(tf.zeros([2, 1]), tf.zeros([2, 2]), { ...options, seed: 0 }); return { x: m.x, y: m.y }; }), fn);
}

/** Applies `fns` in order (e.g. `chain(shift(), flip())`), disposing the intermediate batches. */
export function chain(...fns: Augmentation[]): Augmentation {
  const bad = fns.findIndex((f) => typeof f !== 'function');
  if (fns.length === 0 || bad >= 0) {
    throw new RegularizationError(`augmentations.chain: pass one or more augmentations (functions of a batch {x, y}); ${fns.length === 0 ? 'received none' : `argument ${bad} is ${describe(fns[bad])}`}. Pass e.g. chain(shift(), flip()).`);
  }
  return (batch) => {
    let current = batch;
    for (const f of fns) {
      const next = f(current);
      if (current !== batch) disposeUnless(current, next);
      current = next;
    }
    return current;
  };
}

/** Disposes the tensors of `old` that `kept` does not hold. */
export function disposeUnless(old: AugmentBatch, kept: AugmentBatch): void {
  for (const t of [old.x, old.y]) if (t !== kept.x && t !== kept.y && !t.isDisposed) t.dispose();
}
