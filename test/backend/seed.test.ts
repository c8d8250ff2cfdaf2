import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend, setSeed, mulberry32 } from '../../src/backend';

/** Loss history of a small dropout MLP on fixed data, with shuffling, after setSeed(seed). */
async function lossHistory(seed: number): Promise<number[]> {
  setSeed(seed);
  const x = tf.tidy(() => tf.linspace(-1, 1, 64).reshape([32, 2]));
  const y = tf.tidy(() => x.sum(1, true).sin());
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  const history = await model.fit(x, y, { epochs: 4, batchSize: 8, shuffle: true, verbose: 0 });
  tf.dispose([x, y]);
  model.dispose();
  setSeed(undefined);
  return history.history.loss as number[];
}

test('same seed and backend give the identical loss history; another seed does not', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await useBackend(backend, { quiet: true });
    const first = await lossHistory(7);
    const again = await lossHistory(7);
    const other = await lossHistory(8);
    assert.deepEqual(again, first, backend);
    assert.notDeepEqual(other, first, backend);
  }
});

test('mulberry32 is deterministic and uniform enough', () => {
  const a = mulberry32(1);
  assert.equal(a(), 0.6270739405881613);
  const draws = Array.from({ length: 10000 }, mulberry32(123));
  const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, String(mean));
  assert.ok(draws.every((v) => v >= 0 && v < 1));
});

test('setSeed rejects seeds that are not whole numbers', () => {
  for (const bad of [1.5, Number.NaN, Infinity, -0.1]) {
    assert.throws(() => setSeed(bad), /setSeed: seed must be a whole number, received .*Pass an integer such as setSeed\(42\)/);
  }
});
