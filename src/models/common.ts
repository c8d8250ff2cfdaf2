import * as tf from '@tensorflow/tfjs';
import { ModelError } from './errors';

/** Activation names tfjs layers accept, e.g. `'relu'`, `'tanh'`, `'sigmoid'`. */
export type Activation = NonNullable<Parameters<typeof tf.layers.dense>[0]['activation']>;

/**
 * What the last layer produces:
 * - `'regression'`: 1 linear unit;
 * - `'binary'`: 1 sigmoid unit (use with `binaryCrossentropy` and `target: 'index'` data);
 * - `{classes: k}`: k softmax units (use with `categoricalCrossentropy` and one-hot targets);
 * - `{units, activation}`: anything else; activation defaults to `'linear'`.
 */
export type OutputSpec = 'regression' | 'binary' | { classes: number } | { units: number; activation?: Activation };

/** Units and activation of the output layer described by `output`. */
export function outputLayerArgs(where: string, output: OutputSpec | undefined): { units: number; activation: Activation } {
  if (output === 'regression') return { units: 1, activation: 'linear' };
  if (output === 'binary') return { units: 1, activation: 'sigmoid' };
  if (output !== null && typeof output === 'object' && 'classes' in output) {
    checkWhole(where, 'output.classes', output.classes, 2);
    return { units: output.classes, activation: 'softmax' };
  }
  if (output !== null && typeof output === 'object' && 'units' in output) {
    checkWhole(where, 'output.units', output.units, 1);
    return { units: output.units, activation: output.activation ?? 'linear' };
  }
  throw new ModelError(
    `${where}: output must be 'regression', 'binary', {classes: k} or {units, activation}, received ${JSON.stringify(output)}. ` +
      `Pass e.g. output: {classes: 3} for 3-class data.`,
  );
}

export function checkWhole(where: string, field: string, value: unknown, min: number): void {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min)) {
    throw new ModelError(`${where}: ${field} must be a whole number >= ${min}, received ${JSON.stringify(value)}. Pass e.g. ${field}: ${Math.max(min, 2)}.`);
  }
}

export function checkRate(where: string, field: string, value: number, max: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value < max)) {
    throw new ModelError(`${where}: ${field} must be in [0, ${max}), received ${String(value)}. Pass e.g. ${field}: 0.${field === 'dropout' ? '2' : '001'}.`);
  }
}

/** Kernel regularizer for `l1` / `l2` penalties, or undefined when both are 0. */
export function kernelRegularizer(where: string, l1: number, l2: number): ReturnType<typeof tf.regularizers.l1l2> | undefined {
  checkRate(where, 'l1', l1, Infinity);
  checkRate(where, 'l2', l2, Infinity);
  return l1 > 0 || l2 > 0 ? tf.regularizers.l1l2({ l1, l2 }) : undefined;
}

/** A seeded Glorot-uniform initializer per layer, so a seeded builder gives the same weights. */
export function kernelInitializer(seed: number | undefined, layer: number): ReturnType<typeof tf.initializers.glorotUniform> | undefined {
  return seed === undefined ? undefined : tf.initializers.glorotUniform({ seed: seed + layer });
}

export function checkSeed(where: string, seed: number | undefined): void {
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new ModelError(`${where}: seed must be a whole number, received ${String(seed)}. Pass e.g. seed: 42, or leave it out.`);
  }
}

/**
 * Options shared by a hidden dense or conv layer. With batch norm the layer itself is
 * linear and has no bias (BatchNorm's offset replaces it); the activation comes after.
 */
export function hiddenLayerArgs(o: {
  activation: Activation;
  batchNorm: boolean;
  seed: number | undefined;
  layer: number;
  regularizer: ReturnType<typeof kernelRegularizer>;
}): { activation: Activation; useBias: boolean; kernelInitializer: ReturnType<typeof kernelInitializer>; kernelRegularizer: ReturnType<typeof kernelRegularizer> } {
  return {
    activation: o.batchNorm ? 'linear' : o.activation,
    useBias: !o.batchNorm,
    kernelInitializer: kernelInitializer(o.seed, o.layer),
    kernelRegularizer: o.regularizer,
  };
}

/** Adds BatchNorm then the activation after a layer built with `hiddenLayerArgs` (no-op without batch norm). */
export function addBatchNormActivation(model: tf.Sequential, batchNorm: boolean, activation: Activation): void {
  if (!batchNorm) return;
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({ activation }));
}
