import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { disposeTrainingState, train, TrainingError } from '../../src/training';
import { mlp } from './helpers';

/** Batches of y = x0 + 2 x1 generated on the fly (nothing held in memory between batches). */
function stream(examples: number, batchSize: number, width = 2): tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }> {
  const rows = Array.from({ length: examples }, (_, i) => {
    const x = Array.from({ length: width }, (_, j) => Math.sin(i * (j + 1)));
    return { x, y: [x[0] + 2 * (x[1] ?? 0)] };
  });
  return tf.data.array(rows).map((r) => {
    const { x, y } = r as { x: number[]; y: number[] };
    return { xs: tf.tensor1d(x), ys: tf.tensor1d(y) };
  }).batch(batchSize) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
}

test('train streams a tf.data.Dataset with fitDataset, with validation batches, without leaks', async () => {
  await tf.setBackend('cpu');
  const model = mlp(1);
  const before = tf.memory().numTensors;
  const run = await train(model, { dataset: stream(64, 16), validation: stream(16, 8) }, { epochs: 3, learningRate: 0.01 }, { progress: false });
  assert.equal(run.epochsRun, 3);
  assert.equal(run.end, 'completed');
  assert.equal(run.monitor, 'val_loss');
  for (const r of run.history) {
    assert.equal(typeof r.loss, 'number');
    assert.equal(typeof r.val_loss, 'number');
    assert.equal(r.lr, 0.01);
  }
  disposeTrainingState(model);
  assert.equal(tf.memory().numTensors, before);
});

test('train with a dataset honours batchesPerEpoch and the stop button', async () => {
  await tf.setBackend('cpu');
  const model = mlp(1);
  let batches = 0;
  const counter = { onBatchEnd: async () => void (++batches === 5 && process.emit('SIGINT')) };
  const run = await train(model, { dataset: stream(64, 4).repeat(), batchesPerEpoch: 4 }, { epochs: 10 }, { progress: false, callbacks: [counter] });
  assert.equal(run.end, 'interrupted');
  assert.equal(batches, 6);
  assert.equal(run.epochsRun, 2);
  disposeTrainingState(model);
});

const bad: Array<[string, () => unknown, object, RegExp]> = [
  ['wrong feature width', () => ({ dataset: stream(8, 4, 3) }), {}, /data\.dataset batch\.x has shape \[4, 3\] but the model expects input \[null, 2\]/],
  ['not a dataset', () => ({ dataset: [1, 2] }), {}, /data\.dataset must be a tf\.data\.Dataset of batches \{xs, ys\}/],
  ['elements without xs/ys', () => ({ dataset: tf.data.array([1, 2, 3]).batch(2) }), {}, /data\.dataset must yield batches \{xs, ys\}/],
  ['empty dataset', () => ({ dataset: stream(0, 4) }), {}, /data\.dataset is empty/],
  ['validationSplit', () => ({ dataset: stream(8, 4) }), { validationSplit: 0.2 }, /validationSplit cannot split a streamed dataset/],
  ['bad batchesPerEpoch', () => ({ dataset: stream(8, 4), batchesPerEpoch: 0 }), {}, /data\.batchesPerEpoch must be a whole number >= 1, received 0/],
];
for (const [name, make, config, message] of bad) {
  test(`train rejects a dataset with ${name} before compiling, leaking nothing`, async () => {
    await tf.setBackend('cpu');
    const model = mlp();
    const data = make();
    const before = tf.memory().numTensors;
    await assert.rejects(train(model, data as never, config, { progress: false }), (e: unknown) => e instanceof TrainingError && message.test(e.message));
    assert.equal(tf.memory().numTensors, before);
    assert.equal(model.optimizer, undefined);
  });
}
