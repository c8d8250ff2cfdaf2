import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertMatchesCpu, randomTensor } from './helpers';

// A bias row added to every row (trainlab's SIMD path, either operand order, column counts
// around the SIMD width of 4) and other broadcasts that must reach wasm's own kernel.
const cases: Array<[aShape: number[], bShape: number[], dtype: 'float32' | 'int32']> = [
  [[128, 256], [256], 'float32'],
  [[128, 10], [10], 'float32'],
  [[7, 13], [13], 'float32'],
  [[5, 4], [1, 4], 'float32'],
  [[2, 3, 6], [6], 'float32'],
  [[2, 3, 9], [1, 1, 9], 'float32'],
  [[17], [17, 17], 'float32'],
  [[6], [3, 6], 'float32'],
  [[0, 8], [8], 'float32'],
  // Fewer than 4 columns, not a bias row, or int32: wasm's own kernel.
  [[3, 3], [3], 'float32'],
  [[4, 6], [4, 6], 'float32'],
  [[4, 6], [4, 1], 'float32'],
  [[4, 6], [], 'float32'],
  [[3, 1], [1, 5], 'float32'],
  [[9], [9], 'float32'],
  [[8, 8], [8], 'int32'],
];

for (const [aShape, bShape, dtype] of cases) {
  const label = `add [${aShape}] + [${bShape}] ${dtype}`;
  test(`${label}: forward and gradients match cpu`, async () => {
    await assertMatchesCpu(label, () =>
      tf.tidy(() => {
        const a = randomTensor(aShape, 1);
        const b = randomTensor(bShape, 2);
        if (dtype === 'int32') return [tf.cast(tf.add(tf.cast(tf.mul(a, 50), 'int32'), tf.cast(tf.mul(b, 50), 'int32')), 'float32')];
        const y = tf.add(a, b);
        const weights = randomTensor(y.shape, 3);
        const [da, db] = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.add(x, w), weights)))([a, b]);
        return [y, da, db];
      }),
    );
  });
}
