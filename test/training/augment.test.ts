// train(..., {augment}): every training batch of every epoch goes through the augmentation,
// validation rows never do, seeded runs repeat, and no tensor is left on any path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { disposeTrainingState, train, TrainingError } from '../../src/training';
import { augmentations, RegularizationError, type AugmentBatch, type Augmentation } from '../../src/regularization';
import { mlp, regressionData } from './helpers';

test.beforeEach(async () => {
  await tf.setBackend('cpu');
});

/** x = [row id, 0], y = row id: the augmentation sees which rows each batch holds. */
function rowData(n: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const ids = tf.range(0, n, 1, 'float32');
    return { x: tf.stack([ids, tf.zerosLike(ids)], 1) as tf.Tensor2D, y: ids.reshape([n, 1]) as tf.Tensor2D };
  });
}

test('every batch of every epoch is augmented; each epoch sees every training row once, reshuffled; validation rows never', async () => {
  const cases: Array<[string, { n: number; batchSize: number; epochs: number; validationSplit?: number; shuffle?: boolean }, number[]]> = [
    ['30 of 40 rows, batches of 8', { n: 40, batchSize: 8, epochs: 3, validationSplit: 0.25 }, [8, 8, 8, 6]],
    ['all 20 rows, batches of 5', { n: 20, batchSize: 5, epochs: 2 }, [5, 5, 5, 5]],
    ['unshuffled', { n: 12, batchSize: 4, epochs: 2, shuffle: false }, [4, 4, 4]],
  ];
  for (const [name, c, sizes] of cases) {
    const data = rowData(c.n);
    const model = mlp(1);
    const seen: number[][] = [];
    const augment: Augmentation = ({ x, y }) => {
      seen.push(Array.from(y.dataSync()));
      return { x, y };
    };
    const before = tf.memory().numTensors;
    const run = await train(model, data, { epochs: c.epochs, batchSize: c.batchSize, validationSplit: c.validationSplit, shuffle: c.shuffle, seed: 3, loss: 'meanSquaredError' }, { progress: false, augment });
    disposeTrainingState(model);
    assert.equal(tf.memory().numTensors, before, `${name}: tensors left`);
    assert.equal(run.epochsRun, c.epochs, name);
    assert.equal(seen.length, sizes.length * c.epochs, `${name}: augmented batches`);
    const trainRows = Math.floor(c.n * (1 - (c.validationSplit ?? 0)));
    const epochs = Array.from({ length: c.epochs }, (_, e) => seen.slice(e * sizes.length, (e + 1) * sizes.length));
    for (const epoch of epochs) {
      assert.deepEqual(epoch.map((b) => b.length), sizes, `${name}: batch sizes`);
      assert.deepEqual(epoch.flat().sort((a, b) => a - b), Array.from({ length: trainRows }, (_, i) => i), `${name}: each training row once, no validation row`);
    }
    if (c.shuffle === false) assert.deepEqual(epochs[0].flat(), epochs[1].flat(), `${name}: same order`);
    else assert.notDeepEqual(epochs[0].flat(), epochs[1].flat(), `${name}: reshuffled`);
    if (c.validationSplit !== undefined) assert.equal(typeof run.final!.val_loss, 'number', name);
    model.dispose();
    tf.dispose(data);
  }
});

test('the model trains on the augmented batch and is validated on the raw rows', async () => {
  const data = regressionData(64);
  const model = mlp(1);
  const zeroTargets: Augmentation = ({ x, y }) => ({ x, y: tf.zerosLike(y) });
  const run = await train(model, data, { epochs: 30, batchSize: 16, validationSplit: 0.25, seed: 1, learningRate: 0.01, loss: 'meanSquaredError' }, { progress: false, augment: zeroTargets });
  assert.ok(run.final!.loss < 0.05, `training loss on zero targets: ${run.final!.loss}`);
  assert.ok(run.final!.val_loss > 1, `validation loss on the true targets: ${run.final!.val_loss}`);
  disposeTrainingState(model);
  model.dispose();
  tf.dispose(data);
});

test('a seeded run with augmentation repeats exactly; another seed differs', async () => {
  const data = regressionData(48);
  const losses = async (seed: number) => {
    const model = mlp(7);
    const run = await train(model, data, { epochs: 4, batchSize: 8, validationSplit: 0.25, seed, loss: 'meanSquaredError' }, { progress: false, augment: augmentations.noise({ stddev: 0.3 }) });
    disposeTrainingState(model);
    model.dispose();
    return run.history.map((r) => [r.loss, r.val_loss]);
  };
  const a = await losses(5);
  assert.deepEqual(await losses(5), a);
  assert.notDeepEqual(await losses(6), a);
  tf.dispose(data);
});

test('ready-made augmentations: shapes, what they change, no tensors left; chain disposes the batches between', () => {
  const images = tf.tidy(() => tf.range(0, 2 * 4 * 4, 1, 'float32').reshape([2, 4, 4, 1]));
  const points = tf.tidy(() => tf.ones([6, 2]));
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1], 'int32'), 2).toFloat());
  const labels = tf.tensor1d([0, 1]);
  const cases: Array<[string, Augmentation, AugmentBatch, (out: AugmentBatch) => void]> = [
    ['flip', augmentations.flip({ mode: 'both' }), { x: images, y: labels }, (o) => assert.deepEqual(o.x.shape, [2, 4, 4, 1])],
    ['shift', augmentations.shift({ maxFraction: 0.25, fill: -1 }), { x: images, y: labels }, (o) => assert.deepEqual(o.x.shape, [2, 4, 4, 1])],
    ['noise', augmentations.noise({ stddev: 0.5 }), { x: points, y: oneHot }, (o) => assert.ok(tf.tidy(() => o.x.sub(points).abs().max().dataSync()[0]) > 0)],
    ['mixup', augmentations.mixup({ alpha: 0.4 }), { x: points, y: oneHot }, (o) => {
      assert.deepEqual(o.y.shape, [6, 2]);
      const sums = tf.tidy(() => Array.from(o.y.sum(1).dataSync()));
      for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-6, 'mixed one-hot rows still sum to 1');
    }],
    ['chain', augmentations.chain(augmentations.shift(), augmentations.flip(), augmentations.noise({ stddev: 0.1 })), { x: images, y: labels }, (o) => assert.deepEqual(o.x.shape, [2, 4, 4, 1])],
  ];
  for (const [name, augment, batch, check] of cases) {
    const before = tf.memory().numTensors;
    const out = augment(batch);
    check(out);
    assert.equal(out.y, batch.y === labels && name !== 'mixup' ? labels : out.y, `${name}: y`);
    const made = [out.x, out.y].filter((t) => t !== batch.x && t !== batch.y);
    tf.dispose(made);
    assert.equal(tf.memory().numTensors, before, `${name}: tensors left besides its output`);
  }
  tf.dispose([images, points, oneHot, labels]);
});

test('bad augment input is an error before training or a TrainingError at the batch; no tensor is left', async () => {
  const data = regressionData(16);
  const setup: Array<[string, () => unknown, RegExp, new (...a: never[]) => Error]> = [
    ['noise stddev', () => augmentations.noise({ stddev: -1 }), /^gaussianNoise: stddev must be a finite number >= 0, received -1/, RegularizationError],
    ['flip misspelt', () => augmentations.flip({ mod: 'both' } as never), /augmentations\.flip: mod is not a known option\. Did you mean 'mode'\?/, RegularizationError],
    ['shift range', () => augmentations.shift({ maxFraction: 1 }), /^randomShift: maxFraction must be a number in \[0, 1\)/, RegularizationError],
    ['empty chain', () => augmentations.chain(), /^augmentations\.chain: pass one or more augmentations .*received none/, RegularizationError],
  ];
  for (const [name, call, message, kind] of setup) {
    assert.throws(call, (e: unknown) => e instanceof kind && message.test((e as Error).message), name);
  }
  const rows = { xs: tf.unstack(data.x), ys: tf.unstack(data.y) };
  const dataset = tf.data.zip({ xs: tf.data.array(rows.xs), ys: tf.data.array(rows.ys) }).batch(8);
  const before = tf.memory().numTensors;
  const cases: Array<[string, unknown, Augmentation | unknown, RegExp]> = [
    ['not a function', data, 3, /options\.augment must be a function/],
    ['a dataset', { dataset }, ({ x, y }: AugmentBatch) => ({ x, y }), /options\.augment works on tensor data \{x, y\}; a streamed dataset is fed as it is/],
    ['returns nothing', data, () => undefined, /^train: options\.augment must return a batch \{x, y\} of tensors; it returned undefined/],
    ['drops rows', data, ({ x, y }: AugmentBatch) => ({ x: tf.slice(x, 0, 1), y }), /^train: options\.augment returned x with 1 examples and y with 8 \(the batch had 8\)/],
    ['throws', data, () => { throw new Error('augment failed'); }, /^augment failed$/],
  ];
  for (const [name, input, augment, message] of cases) {
    const model = mlp(1);
    const start = tf.memory().numTensors;
    await assert.rejects(train(model, input as never, { epochs: 2, batchSize: 8, loss: 'meanSquaredError' }, { progress: false, augment: augment as Augmentation }), (e: unknown) => {
      assert.match((e as Error).message, message, name);
      if (name !== 'throws') assert.ok(e instanceof TrainingError, `${name}: ${String(e)}`);
      return true;
    });
    disposeTrainingState(model);
    assert.equal(tf.memory().numTensors, start, `${name}: tensors left`);
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([data.x, data.y, ...rows.xs, ...rows.ys]);
});

test('images through a CNN with chain(shift(), flip()); stopped mid-epoch: no tensor is left either way', async () => {
  const { models } = await import('../../src/models');
  const { stopTraining } = await import('../../src/training');
  const x = tf.randomUniform([16, 8, 8, 1], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2).toFloat());
  const augment = augmentations.chain(augmentations.shift({ maxFraction: 0.25 }), augmentations.flip());
  for (const stopAt of [undefined, 1]) {
    const model = models.cnn({ inputShape: [8, 8, 1], filters: [4], dense: [8], classes: 2 });
    const before = tf.memory().numTensors;
    const stopper = new tf.CustomCallback({ onBatchEnd: async (batch) => { if (batch === stopAt) stopTraining(model); } });
    const run = await train(model, { x, y }, { epochs: 2, batchSize: 4, validationSplit: 0.25, seed: 2 }, { progress: false, augment, callbacks: [stopper] });
    assert.equal(run.end, stopAt === undefined ? 'completed' : 'interrupted');
    disposeTrainingState(model);
    assert.equal(tf.memory().numTensors, before, `stopAt ${stopAt}: tensors left`);
    model.dispose();
  }
  tf.dispose([x, y]);
});
