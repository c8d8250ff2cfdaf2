import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { installFastKernels } from '../../src/kernels';
import { assertMatchesCpu, randomTensor } from './helpers';

type Dtype = 'float32' | 'int32' | 'bool';

// Same dtype (shared data) and real conversions (wasm's own kernel), odd sizes. Not
// float32 -> bool: stock wasm keeps the low byte there (-2 -> 254), unlike cpu (1).
const cases: Array<[shape: number[], from: Dtype, to: Dtype]> = [
  [[128, 10], 'float32', 'float32'],
  [[7, 3], 'float32', 'float32'],
  [[5], 'int32', 'int32'],
  [[3, 3], 'bool', 'bool'],
  [[128], 'float32', 'int32'],
  [[9, 2], 'int32', 'float32'],
  [[4, 5], 'bool', 'float32'],
  [[0, 3], 'float32', 'float32'],
];

function typed(shape: number[], dtype: Dtype): tf.Tensor {
  const x = tf.mul(randomTensor(shape, 1), 5);
  if (dtype === 'float32') return x;
  return dtype === 'int32' ? tf.cast(x, 'int32') : tf.greater(x, 0);
}

for (const [shape, from, to] of cases) {
  const label = `cast [${shape}] ${from} -> ${to}`;
  test(`${label}: forward (and gradient for float32) match cpu`, async () => {
    await assertMatchesCpu(label, () =>
      tf.tidy(() => {
        const x = typed(shape, from);
        const results = [tf.cast(tf.cast(x, to), 'float32')];
        if (from === 'float32' && to === 'float32') {
          const weights = randomTensor(shape, 2);
          results.push(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.square(tf.cast(a, 'float32')), weights)))(x));
        }
        return results;
      }),
    );
  });
}

test('a same-dtype cast outlives its disposed input, and the input outlives the cast', async () => {
  await useBackend('wasm', { quiet: true });
  installFastKernels();
  const before = tf.memory().numTensors;
  const original = tf.tensor1d([1.5, -2, 3]);
  const same = tf.cast(original, 'float32');
  const other = tf.cast(original, 'float32');
  original.dispose();
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 3]);
  same.dispose();
  assert.deepEqual(Array.from(other.dataSync()), [1.5, -2, 3]);
  assert.equal(other.dtype, 'float32');
  other.dispose();
  assert.equal(tf.memory().numTensors, before);
});
