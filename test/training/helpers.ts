import * as tf from '@tensorflow/tfjs';
import { setSeed } from '../../src/backend';

/** y = x0 + 2 x1 with a little structure: a regression problem a small MLP learns in a few epochs. */
export function regressionData(n = 64, seed = 1): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, 2], 0, 1, 'float32', seed) as tf.Tensor2D;
    const y = tf.matMul(x, tf.tensor2d([[1], [2]])) as tf.Tensor2D;
    return { x, y };
  });
}

export function mlp(seed?: number, dropout = false): tf.Sequential {
  if (seed !== undefined) setSeed(seed);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, inputShape: [2], activation: 'relu' }));
  if (dropout) model.add(tf.layers.dropout({ rate: 0.1 }));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}

export function weightsOf(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}
