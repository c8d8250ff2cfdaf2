import * as tf from '@tensorflow/tfjs';
import { ModelError } from './errors';
import { checkModelOptions } from './options';
import { checkRate, checkSeed, checkWhole, kernelInitializer, kernelRegularizer, outputLayerArgs, type Activation, type OutputSpec, hiddenLayerArgs, addBatchNormActivation } from './common';
import { normalizeInputShape } from './mlp';

export interface CnnOptions {
  /** Shape of one image `[height, width, channels]`, e.g. `[28, 28, 1]`. */
  inputShape: [number, number, number];
  /** Filters of each convolution block, in order. Defaults to `[16, 32]`. */
  filters?: number[];
  /** Square kernel size of every convolution. Defaults to 3. */
  kernelSize?: number;
  /** Max-pooling size after each convolution block; 0 for none. Defaults to 2. */
  pool?: number;
  /** Padding of the convolutions. Defaults to `'same'`. */
  padding?: 'same' | 'valid';
  /** Units of the Dense layers between the flattened features and the output. Defaults to `[64]`. */
  dense?: number[];
  /** Dropout rate before each Dense layer after flattening; 0 adds none. Defaults to 0. */
  dropout?: number;
  /** A BatchNormalization layer after each convolution (before its activation). Defaults to false. */
  batchNorm?: boolean;
  /** Activation of convolutions and hidden Dense layers. Defaults to `'relu'`. */
  activation?: Activation;
  /** Number of classes for a softmax output; give this or `output`. */
  classes?: number;
  /** Any other output (see OutputSpec); overrides `classes`. Defaults to `{classes}`. */
  output?: OutputSpec;
  /** L1 penalty on every kernel. Defaults to 0. */
  l1?: number;
  /** L2 penalty on every kernel. Defaults to 0. */
  l2?: number;
  /** Seed for the weight initialisers and dropout masks. Defaults to undefined (Math.random, see setSeed). */
  seed?: number;
  /** Model name. Defaults to `'cnn'`. */
  name?: string;
}

/**
 * A small convolutional classifier as an ordinary, uncompiled tfjs `LayersModel`:
 * (Conv2D → [BatchNorm] → activation → [MaxPool]) per entry of `filters` → Flatten →
 * ([Dropout] → Dense) per entry of `dense` → [Dropout] → output Dense.
 */
export function cnn(options: CnnOptions): tf.LayersModel {
  const where = 'models.cnn';
  checkModelOptions(where, options);
  const { filters = [16, 32], kernelSize = 3, pool = 2, padding = 'same', dense = [64], dropout = 0, batchNorm = false, activation = 'relu', l1 = 0, l2 = 0, seed, name = 'cnn' } = options;
  const inputShape = normalizeInputShape(where, options.inputShape);
  if (inputShape.length !== 3) {
    throw new ModelError(`${where}: inputShape must be [height, width, channels], received ${JSON.stringify(options.inputShape)}. Pass e.g. inputShape: [28, 28, 1] for grey images (reshape flat pixels first).`);
  }
  if (!Array.isArray(filters) || filters.length === 0) {
    throw new ModelError(`${where}: filters must be a non-empty array of filter counts, received ${JSON.stringify(filters)}. Pass e.g. filters: [16, 32]; use models.mlp for no convolutions.`);
  }
  filters.forEach((f, i) => checkWhole(where, `filters[${i}]`, f, 1));
  if (!Array.isArray(dense)) throw new ModelError(`${where}: dense must be an array of layer sizes, received ${JSON.stringify(dense)}. Pass e.g. dense: [64] or [].`);
  dense.forEach((u, i) => checkWhole(where, `dense[${i}]`, u, 1));
  checkWhole(where, 'kernelSize', kernelSize, 1);
  if (pool !== 0) checkWhole(where, 'pool', pool, 2);
  if (padding !== 'same' && padding !== 'valid') {
    throw new ModelError(`${where}: padding must be 'same' or 'valid', received ${JSON.stringify(padding)}. Pass padding: 'same'.`);
  }
  checkRate(where, 'dropout', dropout, 1);
  checkSeed(where, seed);
  if (options.output === undefined && options.classes === undefined) {
    throw new ModelError(`${where}: give classes (softmax output) or output, received neither. Pass e.g. classes: 10.`);
  }
  const out = outputLayerArgs(where, options.output ?? { classes: options.classes as number });
  const kernelReg = kernelRegularizer(where, l1, l2);

  // Follow the spatial size so a stack too deep for the image fails here, before any weights exist.
  let [height, width] = inputShape;
  filters.forEach((_, i) => {
    if (padding === 'valid') [height, width] = [height - kernelSize + 1, width - kernelSize + 1];
    if (pool > 0) [height, width] = [Math.floor(height / pool), Math.floor(width / pool)];
    if (height < 1 || width < 1) {
      throw new ModelError(
        `${where}: the image ${inputShape[0]}x${inputShape[1]} shrinks to nothing after convolution block ${i + 1} of ${filters.length}. ` +
          `Use fewer filters entries, a smaller pool or kernelSize, or padding: 'same'.`,
      );
    }
  });
  const model = tf.sequential({ name });
  filters.forEach((count, i) => {
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape } : {}),
        filters: count,
        kernelSize,
        padding,
        ...hiddenLayerArgs({ activation, batchNorm, seed, layer: i, regularizer: kernelReg }),
      }),
    );
    addBatchNormActivation(model, batchNorm, activation);
    if (pool > 0) model.add(tf.layers.maxPooling2d({ poolSize: pool }));
  });
  model.add(tf.layers.flatten());
  const dropoutLayer = (i: number) => tf.layers.dropout({ rate: dropout, seed: seed === undefined ? undefined : seed + 1000 + i });
  dense.forEach((units, i) => {
    if (dropout > 0) model.add(dropoutLayer(i));
    model.add(tf.layers.dense({ units, activation, kernelInitializer: kernelInitializer(seed, filters.length + i), kernelRegularizer: kernelReg }));
  });
  if (dropout > 0) model.add(dropoutLayer(dense.length));
  model.add(
    tf.layers.dense({
      units: out.units,
      activation: out.activation,
      kernelInitializer: kernelInitializer(seed, filters.length + dense.length),
      kernelRegularizer: kernelReg,
    }),
  );
  return model;
}
