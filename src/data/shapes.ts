import * as tf from '@tensorflow/tfjs';
import { DataError } from './errors';
import { normal, permutation, seededRng } from './random';
import { checkDataOptions } from './options';
import { didYouMean } from '../util/names';

/** The shapes `datasets.shapes` can draw; each looks the same mirrored left-right. */
export const SHAPE_NAMES = ['circle', 'square', 'triangle', 'cross', 'ring', 'diamond'] as const;
export type ShapeName = (typeof SHAPE_NAMES)[number];

export interface ShapesOptions {
  /** Number of images in total (classes get equal shares, the first ones one more). Defaults to 300. */
  n?: number;
  /** Height and width of every image in pixels, at least 8. Defaults to 16. */
  size?: number;
  /** The shapes to draw, one class each, at least 2, from {@link SHAPE_NAMES}. Defaults to `['circle', 'square', 'triangle']`. */
  classes?: readonly ShapeName[];
  /** Standard deviation of the gaussian noise added to every pixel (before clipping to [0, 1]). Defaults to 0.1. */
  noise?: number;
  /** Seed of the generator: the same seed gives the same images. Defaults to 0. */
  seed?: number;
  /** `'oneHot'` (`y` `[n, classes]`, the default) or `'index'` (`y` `[n, 1]`). */
  target?: 'oneHot' | 'index';
}

/** Images with class labels: `x` `[n, size, size, 1]` in [0, 1], `y` as `target` says. */
// A type alias (not an interface) so that `tf.dispose(data)` accepts it.
export type ImageSet = {
  x: tf.Tensor4D;
  y: tf.Tensor2D;
  /** Class names, index = class number. */
  classes: string[];
  targetName: string;
  task: 'classification';
  target: 'oneHot' | 'index';
};

/** Is the point (u, v), in units of the object's radius from its centre (v downwards), inside `shape`? */
const INSIDE: Record<ShapeName, (u: number, v: number) => boolean> = {
  circle: (u, v) => u * u + v * v <= 1,
  square: (u, v) => Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8,
  // Apex up, base down: a left-right mirror is the same triangle, an up-down one is not.
  triangle: (u, v) => v >= -0.9 && v <= 0.9 && Math.abs(u) <= (v + 0.9) / 1.8,
  cross: (u, v) => (Math.abs(u) <= 0.3 && Math.abs(v) <= 1) || (Math.abs(v) <= 0.3 && Math.abs(u) <= 1),
  ring: (u, v) => u * u + v * v <= 1 && u * u + v * v >= 0.36,
  diamond: (u, v) => Math.abs(u) + Math.abs(v) <= 1,
};

/** Sub-pixel samples per axis: edges are anti-aliased, so a shape moved by a fraction of a pixel changes smoothly. */
const SAMPLES = 4;

/**
 * Small grey images of simple shapes, one class per shape, each drawn at a random position,
 * size (radius 20-40 % of the image) and brightness (0.6-1) on a black background, plus
 * pixel noise. A shift or a left-right flip keeps an image's class, so they are the
 * augmentations to try on it. Rows come shuffled.
 */
export function shapes(options: ShapesOptions = {}): ImageSet {
  const where = 'datasets.shapes';
  checkDataOptions(where, options);
  const { n = 300, size = 16, classes = ['circle', 'square', 'triangle'], noise = 0.1, seed = 0 } = options;
  if (!Number.isInteger(n) || n < 1) {
    throw new DataError(`${where}: n must be a whole number >= 1, received ${String(n)}. Pass e.g. n: 300.`, { path: 'n', received: n });
  }
  if (!Number.isInteger(size) || size < 8 || size > 256) {
    throw new DataError(`${where}: size must be a whole number of pixels from 8 to 256, received ${String(size)}. Pass e.g. size: 16.`, { path: 'size', received: size });
  }
  if (!Number.isFinite(noise) || noise < 0) {
    throw new DataError(`${where}: noise must be a finite number >= 0, received ${String(noise)}. Pass e.g. noise: 0.1 (0 for clean images).`, { path: 'noise', received: noise });
  }
  if (classes.length < 2) {
    throw new DataError(`${where}: classes must name at least 2 shapes, received ${JSON.stringify(classes)}. Pass e.g. classes: ['circle', 'square', 'triangle'].`, { path: 'classes', received: classes });
  }
  classes.forEach((name, i) => {
    if (!(SHAPE_NAMES as readonly string[]).includes(name)) {
      const hint = didYouMean(String(name), SHAPE_NAMES);
      throw new DataError(
        `${where}: classes[${i}] ${JSON.stringify(name)} is not a shape it draws; expected one of ${SHAPE_NAMES.map((s) => `'${s}'`).join(' | ')}.${hint === undefined ? '' : ` Did you mean '${hint}'?`}`,
        { path: `classes.${i}`, received: name },
      );
    }
    if (classes.indexOf(name) !== i) {
      throw new DataError(`${where}: classes names '${name}' twice (at ${classes.indexOf(name)} and ${i}); each shape is one class. Pass each name once.`, { path: `classes.${i}`, received: name });
    }
  });
  const rng = seededRng(seed, where);
  const C = classes.length;
  const labels = permutation(n, rng).map((i) => i % C);
  const pixels = new Float32Array(n * size * size);
  labels.forEach((label, image) => {
    const inside = INSIDE[classes[label]];
    const radius = size * (0.2 + 0.2 * rng());
    const cx = radius + rng() * (size - 2 * radius);
    const cy = radius + rng() * (size - 2 * radius);
    const brightness = 0.6 + 0.4 * rng();
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        let covered = 0;
        for (let a = 0; a < SAMPLES; a++) {
          for (let b = 0; b < SAMPLES; b++) {
            const u = (col + (b + 0.5) / SAMPLES - cx) / radius;
            const v = (row + (a + 0.5) / SAMPLES - cy) / radius;
            if (inside(u, v)) covered++;
          }
        }
        const value = (brightness * covered) / (SAMPLES * SAMPLES) + noise * normal(rng);
        pixels[(image * size + row) * size + col] = Math.min(1, Math.max(0, value));
      }
    }
  });
  const target = options.target ?? 'oneHot';
  return {
    x: tf.tensor4d(pixels, [n, size, size, 1], 'float32'),
    y:
      target === 'oneHot'
        ? tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), C).toFloat() as tf.Tensor2D)
        : tf.tensor2d(labels, [n, 1], 'float32'),
    classes: [...classes],
    targetName: 'shape',
    task: 'classification',
    target,
  };
}
