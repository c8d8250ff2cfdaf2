import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { earlyStopping, type EarlyStoppingOptions } from '../../src/callbacks';
import { captureWarnings, fillWeights, firstWeight, tinyModel } from './helpers';

interface Case {
  name: string;
  options: EarlyStoppingOptions;
  values: number[];
  /** What Keras 3's EarlyStopping does on the same logs (worked through keras/src/callbacks/early_stopping.py). */
  stoppedAt: number | undefined;
  best: number;
  bestEpoch: number;
}

const cases: Case[] = [
  { name: 'patience 0 stops at the first non-improvement', options: {}, values: [1.0, 0.9, 0.95, 0.8], stoppedAt: 2, best: 0.9, bestEpoch: 1 },
  { name: 'patience 2 waits two epochs', options: { patience: 2 }, values: [1, 0.9, 0.95, 0.92, 0.91, 0.5], stoppedAt: 3, best: 0.9, bestEpoch: 1 },
  { name: 'minDelta: smaller gains do not count', options: { minDelta: 0.1, patience: 1 }, values: [1.0, 0.95, 0.85, 0.8], stoppedAt: 1, best: 1.0, bestEpoch: 0 },
  { name: 'minDelta: a large enough gain resets patience', options: { minDelta: 0.1, patience: 1 }, values: [1.0, 0.85, 0.8, 0.7], stoppedAt: 2, best: 0.85, bestEpoch: 1 },
  { name: 'equal value is no improvement', options: {}, values: [1.0, 1.0], stoppedAt: 1, best: 1.0, bestEpoch: 0 },
  { name: 'max mode on val_acc', options: { monitor: 'val_acc', mode: 'max', patience: 1 }, values: [0.5, 0.6, 0.6, 0.7], stoppedAt: 2, best: 0.6, bestEpoch: 1 },
  { name: 'auto mode infers max for accuracy', options: { monitor: 'val_acc', patience: 0 }, values: [0.5, 0.4], stoppedAt: 1, best: 0.5, bestEpoch: 0 },
  { name: 'baseline: improving but never beating it never resets wait, yet never stops while improving', options: { baseline: 0.5, patience: 2 }, values: [0.8, 0.7, 0.6, 0.55], stoppedAt: undefined, best: 0.55, bestEpoch: 3 },
  { name: 'baseline: first non-improvement after missing the baseline stops at once', options: { baseline: 0.5, patience: 2 }, values: [0.8, 0.9, 0.85, 0.7], stoppedAt: 1, best: 0.8, bestEpoch: 0 },
  { name: 'baseline beaten resets patience', options: { baseline: 0.5, patience: 1 }, values: [0.4, 0.45, 0.3, 0.35], stoppedAt: 1, best: 0.4, bestEpoch: 0 },
  { name: 'startFromEpoch ignores warm-up epochs', options: { startFromEpoch: 2 }, values: [1, 2, 3, 2.5, 2.6], stoppedAt: 4, best: 2.5, bestEpoch: 3 },
  { name: 'NaN is never an improvement', options: { patience: 1 }, values: [1.0, Number.NaN, 0.9], stoppedAt: 1, best: 1.0, bestEpoch: 0 },
  { name: 'minDelta with max mode', options: { monitor: 'acc', minDelta: 0.05, patience: 0 }, values: [0.5, 0.56, 0.6], stoppedAt: 2, best: 0.56, bestEpoch: 1 },
];

async function runScripted(options: EarlyStoppingOptions, values: number[], model = tinyModel()) {
  const cb = earlyStopping(options);
  cb.setModel(model);
  await cb.onTrainBegin();
  let ranUntil = -1;
  for (let epoch = 0; epoch < values.length; epoch++) {
    fillWeights(model, epoch + 1); // epoch e's weights are all e + 1
    await cb.onEpochEnd(epoch, { [options.monitor ?? 'val_loss']: values[epoch], loss: 0 });
    ranUntil = epoch;
    if (model.stopTraining) break;
  }
  await cb.onTrainEnd();
  return { cb, model, ranUntil };
}

for (const c of cases) {
  test(`earlyStopping matches Keras: ${c.name}`, async () => {
    await tf.setBackend('cpu');
    const { cb, model, ranUntil } = await runScripted(c.options, c.values);
    assert.equal(model.stopTraining, c.stoppedAt !== undefined);
    assert.equal(cb.stoppedEpoch, c.stoppedAt ?? 0);
    assert.equal(ranUntil, c.stoppedAt ?? c.values.length - 1);
    assert.equal(cb.best, c.best);
    assert.equal(cb.bestEpoch, c.bestEpoch);
  });
}

const restoreCases: Array<{ name: string; options: EarlyStoppingOptions; values: number[]; restoredEpoch: number }> = [
  { name: 'after stopping early', options: { patience: 1, restoreBestWeights: true }, values: [1.0, 0.5, 0.7, 0.8], restoredEpoch: 1 },
  { name: 'when training ran to the end (Keras 3)', options: { patience: 5, restoreBestWeights: true }, values: [1.0, 0.5, 0.7], restoredEpoch: 1 },
  { name: 'first epoch best', options: { patience: 1, restoreBestWeights: true }, values: [0.1, 0.5, 0.7], restoredEpoch: 0 },
  { name: 'with startFromEpoch', options: { startFromEpoch: 1, patience: 3, restoreBestWeights: true }, values: [0.01, 0.5, 0.4, 0.45], restoredEpoch: 2 },
];

for (const c of restoreCases) {
  test(`earlyStopping restoreBestWeights restores the best epoch's weights ${c.name}`, async () => {
    await tf.setBackend('cpu');
    const model = tinyModel();
    const before = tf.memory().numTensors;
    await runScripted(c.options, c.values, model);
    assert.equal(firstWeight(model), c.restoredEpoch + 1);
    for (const w of model.getWeights()) assert.ok(Array.from(w.dataSync()).every((v) => v === c.restoredEpoch + 1));
    assert.equal(tf.memory().numTensors, before, 'saved best weights are disposed at train end');
  });
}

test('earlyStopping without restoreBestWeights keeps the last weights', async () => {
  await tf.setBackend('cpu');
  const { model } = await runScripted({ patience: 1 }, [1.0, 0.5, 0.7, 0.8]);
  assert.equal(firstWeight(model), 3);
});

test('earlyStopping can be reused: onTrainBegin resets its state', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  const first = await runScripted({}, [1, 2], model);
  assert.equal(first.cb.stoppedEpoch, 1);
  model.stopTraining = false;
  const cb = first.cb;
  cb.setModel(model);
  await cb.onTrainBegin();
  assert.equal(cb.stoppedEpoch, 0);
  assert.equal(cb.best, undefined);
  assert.equal(cb.wait, 0);
});

test('earlyStopping warns once, listing the available metrics, when the monitor is missing', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  const cb = earlyStopping({ monitor: 'val_loss' });
  cb.setModel(model);
  const warnings = await captureWarnings(async () => {
    await cb.onTrainBegin();
    await cb.onEpochEnd(0, { loss: 1, acc: 0.5 });
    await cb.onEpochEnd(1, { loss: 2, acc: 0.5 });
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /earlyStopping: the monitored metric 'val_loss' is not in the logs; available: loss, acc/);
  assert.equal(model.stopTraining, false);
});

test('earlyStopping reads scalar tensors in the logs without disposing them', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  const cb = earlyStopping({ monitor: 'loss' });
  cb.setModel(model);
  await cb.onTrainBegin();
  const a = tf.scalar(1);
  const b = tf.scalar(2);
  await cb.onEpochEnd(0, { loss: a });
  await cb.onEpochEnd(1, { loss: b });
  assert.equal(model.stopTraining, true);
  assert.equal(a.isDisposed, false);
  tf.dispose([a, b]);
});

const badOptions: Array<[EarlyStoppingOptions, RegExp]> = [
  [{ mode: 'maxx' as never }, /earlyStopping: mode "maxx" is not one of 'auto' \| 'min' \| 'max'\. Did you mean 'max'\?/],
  [{ monitor: '' }, /earlyStopping: monitor must be a non-empty log key/],
  [{ patience: -1 }, /earlyStopping: patience must be a whole number >= 0, received -1/],
  [{ patience: 1.5 }, /earlyStopping: patience must be a whole number >= 0, received 1\.5/],
  [{ minDelta: -0.1 }, /earlyStopping: minDelta must be a finite number >= 0, received -0\.1/],
  [{ minDelta: Number.NaN }, /earlyStopping: minDelta must be a finite number >= 0, received NaN/],
  [{ startFromEpoch: -2 }, /earlyStopping: startFromEpoch must be a whole number >= 0/],
  [{ baseline: Number.POSITIVE_INFINITY }, /earlyStopping: baseline must be a finite number, received Infinity/],
];

for (const [options, message] of badOptions) {
  test(`earlyStopping rejects ${JSON.stringify(options)}`, () => {
    assert.throws(() => earlyStopping(options), message);
  });
}

test("earlyStopping on a metric whose name says nothing: decided at onTrainBegin from the model's metrics (Keras 3), else an error naming mode", async () => {
  await tf.setBackend('cpu');
  const cb = earlyStopping({ monitor: 'val_foo' });
  assert.throws(() => cb.direction, /earlyStopping: mode 'auto' cannot tell whether 'val_foo' should be minimized or maximized\. Pass mode: 'max'/);
  const plain = tinyModel();
  plain.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
  cb.setModel(plain);
  await assert.rejects(cb.onTrainBegin(), /earlyStopping: mode 'auto' cannot tell whether 'val_foo' should be minimized or maximized\. Pass mode: 'max'/);
  const foo = Object.assign((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.abs(tf.sub(yTrue, yPred))), { mode: 'max' as const });
  Object.defineProperty(foo, 'name', { value: 'foo' });
  const declared = tinyModel();
  declared.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError', metrics: [foo] });
  const again = earlyStopping({ monitor: 'val_foo' });
  again.setModel(declared);
  await again.onTrainBegin();
  assert.equal(again.direction, 'max');
  plain.dispose();
  declared.dispose();
});

test('earlyStopping stops a real model.fit', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
  const x = tf.ones([8, 3]);
  const y = tf.ones([8, 1]);
  const cb = earlyStopping({ monitor: 'loss', patience: 1 });
  const history = await model.fit(x, y, { epochs: 10, batchSize: 4, callbacks: [cb], verbose: 0 });
  // lr 0: the loss never changes, so epoch 1 is the first non-improvement.
  assert.equal(history.epoch.length, 2);
  assert.equal(cb.stoppedEpoch, 1);
  tf.dispose([x, y]);
  model.dispose();
});
