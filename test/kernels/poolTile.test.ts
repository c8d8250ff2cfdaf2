import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertMatchesCpu, randomTensor } from './helpers';

const poolCases: Array<[xShape: number[], filterSize: number | [number, number], strides: number | [number, number], pad: 'same' | 'valid' | number]> = [
  [[2, 6, 6, 3], 2, 2, 'valid'],
  [[2, 7, 9, 3], 2, 2, 'same'],
  [[1, 8, 7, 2], 3, 1, 'same'],
  [[3, 9, 9, 4], [3, 2], [2, 1], 'valid'],
  [[2, 7, 7, 1], 3, 2, 1],
  [[64, 26, 26, 16], 2, 2, 'valid'],
];

for (const [xShape, filterSize, strides, pad] of poolCases) {
  const label = `maxPool x [${xShape}] filter ${JSON.stringify(filterSize)} strides ${JSON.stringify(strides)} pad ${pad}`;
  test(`${label}: forward and MaxPoolGrad match cpu`, async () => {
    await assertMatchesCpu(label, () =>
      tf.tidy(() => {
        // Rounded values make ties, which both backends must send to the first maximum.
        const x = tf.round(tf.mul(randomTensor(xShape, 1), 3)) as tf.Tensor4D;
        const pool = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, filterSize, strides, pad);
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), randomTensor(pool(a).shape, 2))))(x);
        return [pool(x), dx];
      }),
    );
  });
}

const tileCases: Array<[shape: number[], reps: number[], dtype: 'float32' | 'int32' | 'bool']> = [
  [[3], [4], 'float32'],
  [[1, 1, 1, 16], [64, 13, 13, 1], 'float32'],
  [[2, 3], [3, 1], 'int32'],
  [[2, 1, 3], [1, 5, 2], 'float32'],
  [[2, 2], [2, 3], 'bool'],
  [[4, 3], [1, 1], 'float32'],
  [[2, 3], [0, 2], 'float32'],
];

for (const [shape, reps, dtype] of tileCases) {
  test(`tile [${shape}] ${dtype} by [${reps}] matches cpu (forward and gradient)`, async () => {
    await assertMatchesCpu(`tile ${shape} ${reps}`, () =>
      tf.tidy(() => {
        const x = randomTensor(shape, 3);
        const typed = dtype === 'float32' ? x : dtype === 'int32' ? tf.cast(tf.mul(x, 10), 'int32') : tf.greater(x, 0);
        const results = [tf.cast(tf.tile(typed, reps), 'float32')];
        if (dtype === 'float32') {
          const weights = randomTensor(tf.tile(x, reps).shape, 4);
          results.push(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.tile(a, reps), weights)))(x));
        }
        return results;
      }),
    );
  });
}
