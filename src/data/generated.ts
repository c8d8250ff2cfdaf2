import * as tf from '@tensorflow/tfjs';
import { DataError } from './errors';
import { normal, permutation, seededRng, type Rng } from './random';
import { classIndices, classificationData, type ClassificationTargetOptions, type LabeledData, type XY } from './types';
import { checkDataOptions } from './options';
import { extent } from '../util/extent';

/** Options shared by every generated data set. */
export interface GeneratedOptions {
  /** Number of points in total (classes get equal shares, the first ones one more). Defaults to 300. */
  n?: number;
  /** Seed of the generator: the same seed gives the same data. Defaults to 0. */
  seed?: number;
}

export interface SpiralsOptions extends GeneratedOptions, ClassificationTargetOptions {
  /** Number of spiral arms (classes), at least 2. Defaults to 3. */
  classes?: number;
  /** Standard deviation of the gaussian noise added to each point's angle (radians). Defaults to 0.2. */
  noise?: number;
}

export interface MoonsOptions extends GeneratedOptions, ClassificationTargetOptions {
  /** Standard deviation of the gaussian noise added to each coordinate. Defaults to 0.1. */
  noise?: number;
}

export interface CirclesOptions extends GeneratedOptions, ClassificationTargetOptions {
  /** Standard deviation of the gaussian noise added to each coordinate. Defaults to 0.05. */
  noise?: number;
  /** Radius of the inner circle relative to the outer one (0 < factor < 1). Defaults to 0.5. */
  factor?: number;
}

export interface XorOptions extends GeneratedOptions, ClassificationTargetOptions {
  /** Standard deviation of the gaussian noise added to each coordinate after labelling. Defaults to 0.1. */
  noise?: number;
}

export interface RegressionOptions extends GeneratedOptions {
  /** The true function the data follow. Defaults to `Math.sin`. */
  fn?: (x: number) => number;
  /** Interval `[low, high]` the inputs are drawn from, uniformly. Defaults to `[-3, 3]`. */
  range?: [number, number];
  /** Standard deviation of the gaussian noise added to every target. Defaults to 0.1. */
  noise?: number;
  /** Fraction of points (0 to 1) whose target is pushed far off by `outlierScale`. Defaults to 0. */
  outliers?: number;
  /** Size of an outlier's offset, in units of the function's output; sign is random. Defaults to 3. */
  outlierScale?: number;
}

/** A generated regression set; `outlierIndices` lists the rows that were made outliers. */
export type RegressionData = LabeledData & {
  outlierIndices: number[];
};

export interface RandomLabelsOptions {
  /** Seed of the generator. Defaults to 0. */
  seed?: number;
  /**
   * Label noise: the fraction (0 to 1) of rows, chosen at random, whose class is changed to
   * another class (uniform among the others); the other rows keep their label. Exactly
   * `Math.round(fraction · rows)` labels end up wrong. Classification data only. Defaults to
   * undefined: every row gets a uniformly random class (about 1/k of them stay right by chance).
   */
  fraction?: number;
}

function checkCount(where: string, field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new DataError(`${where}: ${field} must be a whole number >= ${min}, received ${String(value)}. Pass e.g. ${field}: ${Math.max(min, 300)}.`);
  }
}

function checkNonNegative(where: string, field: string, value: number, fix: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new DataError(`${where}: ${field} must be a finite number >= 0, received ${String(value)}. ${fix}`);
  }
}

/** Sizes of `classes` groups summing to `n`, as equal as possible. */
function shares(n: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => Math.floor(n / classes) + (c < n % classes ? 1 : 0));
}

/**
 * Rows in a seeded random order, so that a trailing `validationSplit` (which tfjs takes
 * from the end without shuffling) still sees every class.
 */
function shuffled(rows: number[][], labels: number[], rng: Rng): { rows: number[][]; labels: number[] } {
  const order = permutation(rows.length, rng);
  return { rows: order.map((i) => rows[i]), labels: order.map((i) => labels[i]) };
}

const XY_NAMES = ['x1', 'x2'];

/**
 * Interleaved spiral arms, one class per arm (the CS231n toy problem): a straight line
 * cannot separate them, so a model needs hidden layers.
 */
export function spirals(options: SpiralsOptions = {}): LabeledData {
  checkDataOptions('datasets.spirals', options);
  const { n = 300, classes = 3, noise = 0.2, seed = 0 } = options;
  checkCount('datasets.spirals', 'n', n, 2);
  checkCount('datasets.spirals', 'classes', classes, 2);
  checkNonNegative('datasets.spirals', 'noise', noise, 'Pass e.g. noise: 0.2 (0 for clean arms).');
  const rng = seededRng(seed, 'datasets.spirals');
  const rows: number[][] = [];
  const labels: number[] = [];
  shares(n, classes).forEach((count, c) => {
    for (let i = 0; i < count; i++) {
      const r = count === 1 ? 1 : i / (count - 1);
      const t = (c + r) * 4 + normal(rng) * noise;
      rows.push([r * Math.sin(t), r * Math.cos(t)]);
      labels.push(c);
    }
  });
  const s = shuffled(rows, labels, rng);
  const names = Array.from({ length: classes }, (_, c) => `arm ${c}`);
  return classificationData(s.rows, s.labels, { featureNames: XY_NAMES, classes: names, target: options.target });
}

/** Two interleaving half circles (scikit-learn's `make_moons`). */
export function moons(options: MoonsOptions = {}): LabeledData {
  checkDataOptions('datasets.moons', options);
  const { n = 300, noise = 0.1, seed = 0 } = options;
  checkCount('datasets.moons', 'n', n, 2);
  checkNonNegative('datasets.moons', 'noise', noise, 'Pass e.g. noise: 0.1 (0 for clean moons).');
  const rng = seededRng(seed, 'datasets.moons');
  const rows: number[][] = [];
  const labels: number[] = [];
  shares(n, 2).forEach((count, c) => {
    for (let i = 0; i < count; i++) {
      const t = count === 1 ? 0 : (Math.PI * i) / (count - 1);
      const [px, py] = c === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
      rows.push([px + normal(rng) * noise, py + normal(rng) * noise]);
      labels.push(c);
    }
  });
  const s = shuffled(rows, labels, rng);
  return classificationData(s.rows, s.labels, { featureNames: XY_NAMES, classes: ['upper', 'lower'], target: options.target });
}

/** A small circle inside a large one (scikit-learn's `make_circles`). */
export function circles(options: CirclesOptions = {}): LabeledData {
  checkDataOptions('datasets.circles', options);
  const { n = 300, noise = 0.05, factor = 0.5, seed = 0 } = options;
  checkCount('datasets.circles', 'n', n, 2);
  checkNonNegative('datasets.circles', 'noise', noise, 'Pass e.g. noise: 0.05 (0 for clean circles).');
  if (!(factor > 0 && factor < 1)) {
    throw new DataError(`datasets.circles: factor must be between 0 and 1 (exclusive), received ${String(factor)}. Pass e.g. factor: 0.5.`);
  }
  const rng = seededRng(seed, 'datasets.circles');
  const rows: number[][] = [];
  const labels: number[] = [];
  shares(n, 2).forEach((count, c) => {
    const radius = c === 0 ? 1 : factor;
    for (let i = 0; i < count; i++) {
      const t = (2 * Math.PI * i) / count;
      rows.push([radius * Math.cos(t) + normal(rng) * noise, radius * Math.sin(t) + normal(rng) * noise]);
      labels.push(c);
    }
  });
  const s = shuffled(rows, labels, rng);
  return classificationData(s.rows, s.labels, { featureNames: XY_NAMES, classes: ['outer', 'inner'], target: options.target });
}

/**
 * Points uniform in [-1, 1]², labelled 1 where the signs of the two coordinates differ
 * (exclusive or); noise is added after labelling, so some points cross the axes.
 */
export function xor(options: XorOptions = {}): LabeledData {
  checkDataOptions('datasets.xor', options);
  const { n = 300, noise = 0.1, seed = 0 } = options;
  checkCount('datasets.xor', 'n', n, 2);
  checkNonNegative('datasets.xor', 'noise', noise, 'Pass e.g. noise: 0.1 (0 for clean quadrants).');
  const rng = seededRng(seed, 'datasets.xor');
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng() * 2 - 1;
    const b = rng() * 2 - 1;
    labels.push(a * b < 0 ? 1 : 0);
    rows.push([a + normal(rng) * noise, b + normal(rng) * noise]);
  }
  return classificationData(rows, labels, { featureNames: XY_NAMES, classes: ['same sign', 'different sign'], target: options.target });
}

/**
 * Noisy samples of a 1-D function, optionally with outliers: `x` is `[n, 1]` drawn
 * uniformly from `range` (unsorted), `y` is `[n, 1]` = `fn(x)` + noise.
 */
export function regression(options: RegressionOptions = {}): RegressionData {
  checkDataOptions('datasets.regression', options);
  const { n = 100, fn = Math.sin, range = [-3, 3], noise = 0.1, outliers = 0, outlierScale = 3, seed = 0 } = options;
  const where = 'datasets.regression';
  checkCount(where, 'n', n, 1);
  checkNonNegative(where, 'noise', noise, 'Pass e.g. noise: 0.1.');
  checkNonNegative(where, 'outlierScale', outlierScale, 'Pass e.g. outlierScale: 3.');
  if (!(outliers >= 0 && outliers <= 1)) {
    throw new DataError(`${where}: outliers is the fraction of points made outliers and must be between 0 and 1, received ${String(outliers)}. Pass e.g. outliers: 0.05.`);
  }
  if (!Array.isArray(range) || range.length !== 2 || !Number.isFinite(range[0]) || !Number.isFinite(range[1]) || !(range[0] < range[1])) {
    throw new DataError(`${where}: range must be [low, high] with finite low < high, received ${JSON.stringify(range)}. Pass e.g. range: [-3, 3].`);
  }
  const rng = seededRng(seed, where);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = range[0] + rng() * (range[1] - range[0]);
    const y = fn(x);
    if (!Number.isFinite(y)) {
      throw new DataError(`${where}: fn returned ${String(y)} at x = ${x}. Pass a function that is finite on the whole range, or a narrower range.`);
    }
    xs.push(x);
    ys.push(y + normal(rng) * noise);
  }
  const outlierIndices = permutation(n, rng).slice(0, Math.round(outliers * n)).sort((a, b) => a - b);
  for (const i of outlierIndices) ys[i] += (rng() < 0.5 ? -1 : 1) * outlierScale * (1 + rng());
  return {
    x: tf.tensor2d(xs, [n, 1], 'float32'),
    y: tf.tensor2d(ys, [n, 1], 'float32'),
    featureNames: ['x'],
    targetName: 'y',
    task: 'regression',
    classes: [],
    target: 'value',
    outlierIndices,
  };
}

/**
 * The same inputs with targets that carry no information, for the memorisation
 * experiment (Zhang et al. 2017): classification data get a uniformly random class per
 * row (in the same encoding), regression data get their targets shuffled. With
 * `fraction`, only that share of the labels is changed, each to a wrong class: label noise.
 * The result owns new tensors; `data` is left as it was.
 */
export function randomLabels<D extends XY>(data: D, options: RandomLabelsOptions = {}): D {
  const where = 'datasets.randomLabels';
  checkDataOptions(where, options);
  const { fraction } = options;
  if (fraction !== undefined && !(fraction >= 0 && fraction <= 1)) {
    throw new DataError(`${where}: fraction is the share of labels changed and must be between 0 and 1, received ${String(fraction)}. Pass e.g. fraction: 0.2 (a fifth of the labels wrong).`);
  }
  const rng = seededRng(options.seed ?? 0, where);
  const labelled = data as Partial<LabeledData> & XY;
  const rows = data.y.shape[0] ?? 0;
  const isClassification = labelled.task === 'classification' || (labelled.task === undefined && data.y.rank === 2 && (data.y.shape[1] ?? 0) > 1);
  if (!isClassification && fraction !== undefined) {
    throw new DataError(`${where}: fraction changes class labels, but this data has a regression target. Leave fraction out to shuffle the targets, or pass classification data.`);
  }
  if (!isClassification) {
    const order = permutation(rows, rng);
    const y = tf.tidy(() => tf.gather(data.y, tf.tensor1d(order, 'int32')));
    return { ...data, x: data.x.clone(), y };
  }
  const oneHot = data.y.rank === 2 && data.y.shape[1]! > 1;
  const named = labelled.classes !== undefined && labelled.classes.length > 0 ? labelled.classes.length : undefined;
  const numClasses = named ?? (oneHot ? data.y.shape[1]! : extent(classIndices(data.y))[1] + 1);
  let labels: number[];
  if (fraction === undefined) {
    labels = Array.from({ length: rows }, () => Math.floor(rng() * numClasses));
  } else {
    if (numClasses < 2) throw new DataError(`${where}: fraction needs at least 2 classes to change a label to another, found ${numClasses}.`);
    labels = classIndices(data.y);
    // Another class uniformly: an offset of 1..k-1 from the true one.
    for (const i of permutation(rows, rng).slice(0, Math.round(fraction * rows))) labels[i] = (labels[i] + 1 + Math.floor(rng() * (numClasses - 1))) % numClasses;
  }
  const y = oneHot
    ? tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat())
    : tf.tensor(labels, data.y.shape, 'float32');
  return { ...data, x: data.x.clone(), y };
}
