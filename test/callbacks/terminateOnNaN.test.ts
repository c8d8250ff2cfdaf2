import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { terminateOnNaN } from '../../src/callbacks';
import { tinyModel } from './helpers';

const cases: Array<[string, Array<number>, { epoch: number; batch: number } | undefined]> = [
  ['finite losses never stop', [1, 0.5, 0.25], undefined],
  ['NaN stops at that batch', [1, Number.NaN, 0.5], { epoch: 0, batch: 1 }],
  ['Infinity stops too', [Number.POSITIVE_INFINITY], { epoch: 0, batch: 0 }],
  ['-Infinity stops too', [2, Number.NEGATIVE_INFINITY], { epoch: 0, batch: 1 }],
];

for (const [name, losses, expected] of cases) {
  test(`terminateOnNaN: ${name}`, async () => {
    await tf.setBackend('cpu');
    const model = tinyModel();
    const cb = terminateOnNaN({ verbose: false });
    cb.setModel(model);
    await cb.onTrainBegin();
    await cb.onEpochBegin(0);
    for (let b = 0; b < losses.length && !model.stopTraining; b++) {
      const loss = tf.scalar(losses[b]);
      await cb.onBatchEnd(b, { loss });
      loss.dispose();
    }
    assert.equal(model.stopTraining, expected !== undefined);
    assert.deepEqual(cb.terminatedAt === undefined ? undefined : { epoch: cb.terminatedAt.epoch, batch: cb.terminatedAt.batch }, expected);
  });
}

test('terminateOnNaN stops a real fit whose loss overflows', async () => {
  await tf.setBackend('cpu');
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'ones' })] });
  model.compile({ optimizer: tf.train.sgd(1e6), loss: 'meanSquaredError' });
  const x = tf.tensor2d([[1e3], [2e3], [3e3], [4e3]]);
  const y = tf.tensor2d([[0], [1], [2], [3]]);
  const cb = terminateOnNaN({ verbose: false });
  const history = await model.fit(x, y, { epochs: 50, batchSize: 1, callbacks: [cb], verbose: 0 });
  assert.ok(cb.terminatedAt !== undefined);
  assert.ok(history.epoch.length < 50);
  tf.dispose([x, y]);
  model.dispose();
});
