import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertMatchesCpu, randomTensor } from './helpers';

// Leading axes take trainlab's SIMD path (column counts around the SIMD width of 4);
// the rest must reach wasm's own kernel unchanged.
const cases: Array<[shape: number[], axis: number | number[] | undefined, keepDims: boolean, dtype: 'float32' | 'int32']> = [
  [[128, 256], 0, false, 'float32'],
  [[128, 10], 0, false, 'float32'],
  [[7, 3], 0, true, 'float32'],
  [[5, 1], 0, false, 'float32'],
  [[9, 13], -2, false, 'float32'],
  [[2, 3, 5], [0, 1], false, 'float32'],
  [[2, 3, 5], [1, 0], true, 'float32'],
  [[2, 3, 8], 0, false, 'float32'],
  [[1, 17], 0, false, 'float32'],
  // Not leading axes, all axes, or int32: wasm's own kernel.
  [[4, 6], 1, false, 'float32'],
  [[2, 3, 5], [0, 2], false, 'float32'],
  [[4, 6], [0, 1], false, 'float32'],
  [[4, 6], undefined, true, 'float32'],
  [[6, 5], 0, false, 'int32'],
];

for (const [shape, axis, keepDims, dtype] of cases) {
  const label = `sum [${shape}] ${dtype} axis ${JSON.stringify(axis)}${keepDims ? ' keepDims' : ''}`;
  test(`${label}: forward and gradient match cpu`, async () => {
    await assertMatchesCpu(label, () =>
      tf.tidy(() => {
        const x = dtype === 'int32' ? tf.cast(tf.mul(randomTensor(shape, 1), 100), 'int32') : randomTensor(shape, 1);
        const y = tf.sum(x, axis, keepDims);
        if (dtype === 'int32') return [tf.cast(y, 'float32')];
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.sum(a, axis, keepDims), randomTensor(y.shape, 2))))(x);
        return [y, dx];
      }),
    );
  });
}

test('bias gradients of a dense layer (sums over the batch) match cpu', async () => {
  await assertMatchesCpu('dense bias gradient', () =>
    tf.tidy(() => {
      const x = randomTensor([33, 6], 3);
      const w = randomTensor([6, 10], 4);
      const b = randomTensor([10], 5);
      const f = (bias: tf.Tensor) => tf.sum(tf.mul(tf.relu(tf.add(tf.matMul(x, w), bias)), randomTensor([33, 10], 6)));
      return [tf.grad(f)(b)];
    }),
  );
});
