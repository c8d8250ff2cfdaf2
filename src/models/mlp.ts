import * as tf from '@tensorflow/tfjs';
import { ModelError } from './errors';
import { checkModelOptions } from './options';
import { checkRate, checkSeed, checkWhole, kernelInitializer, kernelRegularizer, outputLayerArgs, type Activation, type OutputSpec, hiddenLayerArgs, addBatchNormActivation } from './common';

export interface MlpOptions {
  /** Shape of one example without the batch axis, e.g. `2` or `[2]`; several axes are flattened first. */
  inputShape: number | number[];
  /** Units of each hidden Dense layer, in order; `[]` gives a linear / logistic model. Defaults to `[32]`. */
  hidden?: number[];
  /** Activation of the hidden layers. Defaults to `'relu'`. */
  activation?: Activation;
  /** What the last layer produces (see {@link OutputSpec}). */
  output: OutputSpec;
  /** Dropout rate after each hidden layer, in [0, 1); 0 adds no Dropout layers. Defaults to 0. */
  dropout?: number;
  /** L1 penalty on every Dense kernel. Defaults to 0. */
  l1?: number;
  /** L2 penalty on every Dense kernel. Defaults to 0. */
  l2?: number;
  /** A BatchNormalization layer after each hidden Dense layer (before its activation). Defaults to false. */
  batchNorm?: boolean;
  /** Seed for the weight initialisers and dropout masks; without it tfjs uses Math.random (see setSeed). Defaults to undefined. */
  seed?: number;
  /** Model name. Defaults to `'mlp'`. */
  name?: string;
}

export function normalizeInputShape(where: string, inputShape: unknown): number[] {
  const shape = typeof inputShape === 'number' ? [inputShape] : inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ModelError(`${where}: inputShape must be a positive whole number or an array of them (without the batch axis), received ${JSON.stringify(inputShape)}. Pass e.g. inputShape: [2] for 2 features.`);
  }
  return shape as number[];
}

/**
 * A multi-layer perceptron as an ordinary, uncompiled tfjs `LayersModel`:
 * [Flatten] → (Dense → [BatchNorm] → activation → [Dropout]) per hidden layer → output Dense.
 */
export function mlp(options: MlpOptions): tf.LayersModel {
  const where = 'models.mlp';
  checkModelOptions(where, options);
  const { hidden = [32], activation = 'relu', dropout = 0, l1 = 0, l2 = 0, batchNorm = false, seed, name = 'mlp' } = options;
  const inputShape = normalizeInputShape(where, options.inputShape);
  if (!Array.isArray(hidden)) {
    throw new ModelError(`${where}: hidden must be an array of layer sizes, received ${JSON.stringify(hidden)}. Pass e.g. hidden: [64, 32].`);
  }
  hidden.forEach((units, i) => checkWhole(where, `hidden[${i}]`, units, 1));
  checkRate(where, 'dropout', dropout, 1);
  checkSeed(where, seed);
  const out = outputLayerArgs(where, options.output);
  const kernelReg = kernelRegularizer(where, l1, l2);

  const model = tf.sequential({ name });
  if (inputShape.length > 1) model.add(tf.layers.flatten({ inputShape }));
  hidden.forEach((units, i) => {
    const first = i === 0 && inputShape.length === 1 ? { inputShape } : {};
    model.add(
      tf.layers.dense({
        ...first,
        units,
        ...hiddenLayerArgs({ activation, batchNorm, seed, layer: i, regularizer: kernelReg }),
      }),
    );
    addBatchNormActivation(model, batchNorm, activation);
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout, seed: seed === undefined ? undefined : seed + 1000 + i }));
  });
  model.add(
    tf.layers.dense({
      ...(hidden.length === 0 && inputShape.length === 1 ? { inputShape } : {}),
      units: out.units,
      activation: out.activation,
      kernelInitializer: kernelInitializer(seed, hidden.length),
      kernelRegularizer: kernelReg,
    }),
  );
  return model;
}
