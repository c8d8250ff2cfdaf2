import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../backend/seed';
import { describe, RegularizationError } from './errors';
import { checkRegularizationOptions, type GaussianNoiseOptions, type MixupOptions, type RandomFlipOptions, type RandomShiftOptions } from './options';

export type { GaussianNoiseOptions, MixupOptions, RandomFlipOptions, RandomShiftOptions } from './options';

function checkTensor(fn: string, field: string, value: unknown, rank?: number): tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    throw new RegularizationError(`${fn}: ${field} must be a tf.Tensor, received ${describe(value)}. Pass e.g. tf.tensor(...).`);
  }
  if (value.isDisposed) throw new RegularizationError(`${fn}: ${field} has been disposed. Pass a live tensor.`);
  if (rank !== undefined && value.rank !== rank) {
    throw new RegularizationError(`${fn}: ${field} must have rank ${rank} (NHWC images: [batch, height, width, channels]), received shape [${value.shape.join(', ')}].`);
  }
  if (value.shape[0] === 0) throw new RegularizationError(`${fn}: ${field} is empty (shape [${value.shape.join(', ')}]). Pass at least one example.`);
  return value;
}

function checkSeed(fn: string, seed: unknown): number | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new RegularizationError(`${fn}: seed must be a whole number, received ${describe(seed)}. Pass e.g. seed: 42, or leave it out.`);
  }
  return seed;
}

function randomSource(seed: number | undefined): () => number {
  return seed === undefined ? Math.random : mulberry32(seed);
}

/** `x + N(0, stddev²)` noise, a new tensor of x's shape; x is not disposed. */
export function gaussianNoise(x: tf.Tensor, options: GaussianNoiseOptions): tf.Tensor {
  checkTensor('gaussianNoise', 'x', x);
  checkRegularizationOptions('gaussianNoise', options);
  const stddev = options?.stddev;
  if (typeof stddev !== 'number' || !Number.isFinite(stddev) || stddev < 0) {
    throw new RegularizationError(`gaussianNoise: stddev must be a finite number >= 0, received ${describe(stddev)}. Pass e.g. {stddev: 0.1}.`);
  }
  const seed = checkSeed('gaussianNoise', options.seed) ?? Math.floor(Math.random() * 2 ** 31);
  return tf.tidy(() => tf.add(x.toFloat(), tf.randomNormal(x.shape, 0, stddev, 'float32', seed)));
}

/**
 * mixup (Zhang et al. 2018): each example i becomes `λᵢ·xᵢ + (1-λᵢ)·x_π(i)` with the same
 * mix for its label, `λᵢ ~ Beta(alpha, alpha)` and π a random permutation. y should be
 * one-hot / continuous. Returns new tensors `{x, y}`; the inputs are not disposed.
 */
export function mixup(x: tf.Tensor, y: tf.Tensor, options: MixupOptions = {}): { x: tf.Tensor; y: tf.Tensor; lambdas: number[] } {
  checkTensor('mixup', 'x', x);
  checkTensor('mixup', 'y', y);
  checkRegularizationOptions('mixup', options);
  if (x.shape[0] !== y.shape[0]) {
    throw new RegularizationError(`mixup: x has ${x.shape[0]} examples but y has ${y.shape[0]}. Pass x and y with the same first dimension.`);
  }
  const alpha = options.alpha ?? 0.2;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) {
    throw new RegularizationError(`mixup: alpha must be a finite number > 0, received ${describe(alpha)}. Pass e.g. {alpha: 0.2}.`);
  }
  const random = randomSource(checkSeed('mixup', options.seed));
  const n = x.shape[0];
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const lambdas = perm.map(() => sampleBeta(alpha, random));
  const out = tf.tidy(() => {
    const mix = (t: tf.Tensor) => {
      const lam = tf.tensor1d(lambdas).reshape([n, ...t.shape.slice(1).map(() => 1)]);
      const shuffled = tf.gather(t, tf.tensor1d(perm, 'int32'));
      const f = t.toFloat();
      return tf.add(tf.mul(lam, f), tf.mul(tf.sub(1, lam), shuffled.toFloat()));
    };
    return { x: mix(x), y: mix(y) };
  });
  return { ...out, lambdas };
}

/** Beta(a, a) from two Gamma draws (Marsaglia-Tsang, with the a < 1 boost). */
function sampleBeta(a: number, random: () => number): number {
  const g1 = sampleGamma(a, random);
  const g2 = sampleGamma(a, random);
  return g1 + g2 === 0 ? 0.5 : g1 / (g1 + g2);
}

function sampleGamma(a: number, random: () => number): number {
  if (a < 1) return sampleGamma(a + 1, random) * Math.pow(random() || Number.MIN_VALUE, 1 / a);
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      z = normal(random);
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * z ** 4 || Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) return d * v;
  }
}

function normal(random: () => number): number {
  const u = random() || Number.MIN_VALUE;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Flips each NHWC image left-right (and/or up-down) with probability ½. Returns a new tensor. */
export function randomFlip(images: tf.Tensor4D, options: RandomFlipOptions = {}): tf.Tensor4D {
  checkTensor('randomFlip', 'images', images, 4);
  checkRegularizationOptions('randomFlip', options);
  const mode = options.mode ?? 'horizontal';
  if (mode !== 'horizontal' && mode !== 'vertical' && mode !== 'both') {
    throw new RegularizationError(`randomFlip: mode ${describe(mode)} is not one of 'horizontal' | 'vertical' | 'both'. Pass e.g. {mode: 'horizontal'}.`);
  }
  const random = randomSource(checkSeed('randomFlip', options.seed));
  const n = images.shape[0];
  const draw = () => Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
  const horizontal = mode !== 'vertical' ? draw() : undefined;
  const vertical = mode !== 'horizontal' ? draw() : undefined;
  return tf.tidy(() => {
    let out: tf.Tensor4D = images;
    const apply = (flags: number[], axis: number) => {
      const mask = tf.tensor1d(flags, 'bool').reshape([n, 1, 1, 1]);
      out = tf.where(tf.broadcastTo(mask, out.shape), tf.reverse(out, axis), out) as tf.Tensor4D;
    };
    if (horizontal !== undefined) apply(horizontal, 2);
    if (vertical !== undefined) apply(vertical, 1);
    return out === images ? tf.clone(images) : out;
  });
}

/** Translates each NHWC image by a random whole number of pixels, filling the gap with `fill`. Returns a new tensor. */
export function randomShift(images: tf.Tensor4D, options: RandomShiftOptions = {}): tf.Tensor4D {
  checkTensor('randomShift', 'images', images, 4);
  checkRegularizationOptions('randomShift', options);
  const maxFraction = options.maxFraction ?? 0.1;
  if (typeof maxFraction !== 'number' || !(maxFraction >= 0 && maxFraction < 1)) {
    throw new RegularizationError(`randomShift: maxFraction must be a number in [0, 1), received ${describe(maxFraction)}. Pass e.g. {maxFraction: 0.1}.`);
  }
  const fill = options.fill ?? 0;
  if (typeof fill !== 'number' || !Number.isFinite(fill)) {
    throw new RegularizationError(`randomShift: fill must be a finite number, received ${describe(fill)}.`);
  }
  const random = randomSource(checkSeed('randomShift', options.seed));
  const [n, h, w] = images.shape;
  const maxDy = Math.floor(maxFraction * h);
  const maxDx = Math.floor(maxFraction * w);
  const shifts = Array.from({ length: n }, () => [drawInt(random, maxDy), drawInt(random, maxDx)] as const);
  return tf.tidy(() => {
    const padded = tf.pad(images, [[0, 0], [maxDy, maxDy], [maxDx, maxDx], [0, 0]], fill);
    const pieces = shifts.map(([dy, dx], i) => tf.slice(padded, [i, maxDy - dy, maxDx - dx, 0], [1, h, w, images.shape[3]]));
    return tf.concat(pieces, 0) as tf.Tensor4D;
  });
}

function drawInt(random: () => number, max: number): number {
  return max === 0 ? 0 : Math.floor(random() * (2 * max + 1)) - max;
}
