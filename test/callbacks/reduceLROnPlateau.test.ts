import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { learningRateScheduler, reduceLROnPlateau, type ReduceLROnPlateauOptions } from '../../src/callbacks';
import { createOptimizer, getLearningRate, scheduledBy } from '../../src/optimizers';
import { captureWarnings } from './helpers';

function compiled(lr = 1): tf.LayersModel {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  model.compile({ optimizer: createOptimizer({ name: 'sgd', learningRate: lr }), loss: 'meanSquaredError' });
  return model;
}

interface Case {
  name: string;
  options: ReduceLROnPlateauOptions;
  values: number[];
  /** Worked through keras/src/callbacks/reduce_lr_on_plateau.py (Keras 3) for the same logs, starting at lr 1. */
  reductions: Array<[number, number]>;
  /** `lr` written into each epoch's logs: the rate used during that epoch. */
  logged: number[];
}

const cases: Case[] = [
  { name: 'patience 2 on a flat metric', options: { patience: 2, factor: 0.5, minDelta: 0 }, values: [1, 1, 1, 1, 1, 1], reductions: [[2, 0.5], [4, 0.25]], logged: [1, 1, 1, 0.5, 0.5, 0.25] },
  { name: 'cooldown 2 skips counting after a reduction', options: { patience: 1, factor: 0.1, cooldown: 2, minDelta: 0 }, values: [1, 1, 1, 1, 1, 1, 1], reductions: [[1, 0.1], [3, 0.01], [5, 0.001]], logged: [1, 1, 0.1, 0.1, 0.01, 0.01, 0.001] },
  { name: 'default minDelta 1e-4: a tiny gain is a plateau', options: { patience: 1 }, values: [1.0, 0.99995, 0.9], reductions: [[1, 0.1]], logged: [1, 1, 0.1] },
  { name: 'minLR floors the rate and stops further reductions', options: { patience: 0, minLR: 0.05 }, values: [1, 2, 2, 2], reductions: [[1, 0.1], [2, 0.05]], logged: [1, 1, 0.1, 0.05] },
  { name: "mode 'max' on val_acc", options: { monitor: 'val_acc', mode: 'max', patience: 1, factor: 0.5 }, values: [0.5, 0.6, 0.6, 0.59], reductions: [[2, 0.5], [3, 0.25]], logged: [1, 1, 1, 0.5] },
  { name: 'an improvement resets the wait', options: { patience: 2, factor: 0.5 }, values: [1, 1, 0.5, 0.5, 0.5], reductions: [[4, 0.5]], logged: [1, 1, 1, 1, 1] },
  { name: 'NaN counts as no improvement', options: { patience: 1, factor: 0.5 }, values: [1, Number.NaN, 0.5], reductions: [[1, 0.5]], logged: [1, 1, 0.5] },
];

for (const c of cases) {
  test(`reduceLROnPlateau matches Keras: ${c.name}`, async () => {
    await tf.setBackend('cpu');
    const model = compiled(1);
    const cb = reduceLROnPlateau(c.options);
    cb.setModel(model);
    await cb.onTrainBegin();
    const logged: number[] = [];
    for (let e = 0; e < c.values.length; e++) {
      const logs: Record<string, number> = { [c.options.monitor ?? 'val_loss']: c.values[e] };
      await cb.onEpochEnd(e, logs);
      logged.push(logs['lr']);
    }
    await cb.onTrainEnd();
    assert.equal(cb.reductions.length, c.reductions.length, JSON.stringify(cb.reductions));
    cb.reductions.forEach(([epoch, lr], i) => {
      assert.equal(epoch, c.reductions[i][0]);
      assert.ok(Math.abs(lr - c.reductions[i][1]) < 1e-12, `${lr} vs ${c.reductions[i][1]}`);
    });
    logged.forEach((lr, i) => assert.ok(Math.abs(lr - c.logged[i]) < 1e-12, `epoch ${i}: ${lr} vs ${c.logged[i]}`));
    const last = c.reductions.length > 0 ? c.reductions[c.reductions.length - 1][1] : 1;
    assert.ok(Math.abs(getLearningRate(model.optimizer) - last) < 1e-12);
  });
}

test('reduceLROnPlateau changes the rate a real model.fit uses, and history records lr', async () => {
  await tf.setBackend('cpu');
  const model = compiled(0.01);
  const x = tf.ones([4, 2]);
  const y = tf.ones([4, 1]);
  // monitor a key that never improves after epoch 0: loss with lr tiny still decreases, so use max mode on loss.
  const cb = reduceLROnPlateau({ monitor: 'loss', mode: 'max', patience: 1, factor: 0.5 });
  const history = await model.fit(x, y, { epochs: 4, batchSize: 4, verbose: 0, callbacks: [cb] });
  assert.deepEqual(history.history['lr'], [0.01, 0.01, 0.005, 0.0025]);
  tf.dispose([x, y]);
});

test('reduceLROnPlateau and learningRateScheduler cannot drive the same optimizer', async () => {
  await tf.setBackend('cpu');
  const model = compiled(1);
  const scheduler = learningRateScheduler(() => 0.1);
  const plateau = reduceLROnPlateau();
  scheduler.setModel(model);
  plateau.setModel(model);
  await scheduler.onTrainBegin();
  await assert.rejects(plateau.onTrainBegin(), /reduceLROnPlateau: the optimizer's learning rate is already driven by learningRateScheduler#\d+; reduceLROnPlateau#\d+ cannot drive it too/);
  await scheduler.onTrainEnd();
  assert.equal(scheduledBy(model.optimizer), undefined);
  await plateau.onTrainBegin();
  assert.match(scheduledBy(model.optimizer) ?? '', /^reduceLROnPlateau#/);
  plateau.release();
});

test('reduceLROnPlateau warns once when the metric is missing and leaves the rate alone', async () => {
  await tf.setBackend('cpu');
  const model = compiled(1);
  const cb = reduceLROnPlateau({ patience: 0 });
  cb.setModel(model);
  const warnings = await captureWarnings(async () => {
    await cb.onTrainBegin();
    for (let e = 0; e < 3; e++) await cb.onEpochEnd(e, { loss: 1 });
    await cb.onTrainEnd();
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /reduceLROnPlateau: the monitored metric 'val_loss' is not in the logs; available: loss, lr/);
  assert.equal(getLearningRate(model.optimizer), 1);
});

const bad: Array<[ReduceLROnPlateauOptions, RegExp]> = [
  [{ factor: 1 }, /reduceLROnPlateau: factor must be a number in \(0, 1\) \(new lr = lr \* factor\), received 1\. Pass e\.g\. factor: 0\.5/],
  [{ factor: 1.5 }, /received 1\.5/],
  [{ factor: 0 }, /factor must be a number in \(0, 1\).*received 0/],
  [{ patience: -1 }, /reduceLROnPlateau: patience must be a whole number >= 0, received -1/],
  [{ cooldown: 0.5 }, /reduceLROnPlateau: cooldown must be a whole number >= 0, received 0\.5/],
  [{ minLR: -1 }, /reduceLROnPlateau: minLR must be a finite number >= 0/],
  [{ mode: 'mn' as never }, /reduceLROnPlateau: mode "mn" is not one of 'auto' \| 'min' \| 'max'\. Did you mean 'min'\?/],
];
for (const [options, message] of bad) {
  test(`reduceLROnPlateau rejects ${JSON.stringify(options)}`, () => {
    assert.throws(() => reduceLROnPlateau(options), message);
  });
}

test('reduceLROnPlateau on an uncompiled model says to compile it', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  const cb = reduceLROnPlateau();
  cb.setModel(model);
  await assert.rejects(cb.onTrainBegin(), /reduceLROnPlateau: the model has no optimizer yet\. Compile it/);
});
