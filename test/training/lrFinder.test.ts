import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createOptimizer } from '../../src/optimizers';
import { exponentialRamp, findLearningRate, smoothLosses, suggestLearningRates } from '../../src/training';
import { mlp, regressionData, weightsOf } from './helpers';

test('exponentialRamp goes from startLR to endLR with a constant ratio', () => {
  const lrs = exponentialRamp(1e-4, 1, 5);
  const expected = [1e-4, 1e-3, 1e-2, 1e-1, 1];
  lrs.forEach((lr, i) => assert.ok(Math.abs(lr / expected[i] - 1) < 1e-12, `${lr} vs ${expected[i]}`));
});

test('smoothLosses is the bias-corrected moving average', () => {
  // beta 0.5: avg1 = 0.5*4 = 2 → /0.5 = 4; avg2 = 0.5*2 + 0.5*2 = 2 → /0.75 = 2.666..; avg3 = 1 + 0.5*8 = 5 → /0.875
  const s = smoothLosses([4, 2, 8], 0.5);
  [4, 2 / 0.75, 5 / 0.875].forEach((v, i) => assert.ok(Math.abs(s[i] - v) < 1e-12));
  assert.deepEqual(smoothLosses([3, 1], 0), [3, 1]);
});

test('suggestLearningRates on a synthetic U-shaped curve', () => {
  const lrs = exponentialRamp(1e-5, 10, 61);
  // Flat, then falling fastest around lr = 1e-2, lowest at 1e-1, then diverging.
  const losses = lrs.map((lr) => {
    const t = Math.log10(lr);
    return t < -3 ? 2 : t <= -1 ? 2 - 1.5 * (1 - Math.cos(((t + 3) / 2) * Math.PI)) / 2 : 0.5 + 3 * (t + 1) ** 2;
  });
  const s = suggestLearningRates(lrs, losses);
  // Steepest descent of the cosine-shaped fall from 1e-3 to 1e-1 is at its midpoint, 1e-2.
  assert.ok(s.steepest !== undefined && Math.abs(Math.log10(s.steepest) + 2) <= 0.1, `steepest ${s.steepest}`);
  assert.ok(s.minimumDiv10 !== undefined && Math.abs(Math.log10(s.minimumDiv10) + 2) <= 0.1, `minimumDiv10 ${s.minimumDiv10}`);
  // The longest strictly falling run is 1e-3..1e-1; valley sits half way along it.
  assert.ok(s.valley !== undefined && Math.abs(Math.log10(s.valley) + 2) <= 0.15, `valley ${s.valley}`);
});

test('suggestLearningRates returns undefined suggestions when there is no curve', () => {
  assert.deepEqual(suggestLearningRates([1e-3], [Number.NaN]), { steepest: undefined, minimumDiv10: undefined, valley: undefined });
});

test('findLearningRate ramps, detects divergence, and restores weights and optimizer exactly, without leaks', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(128);
  const model = mlp(1);
  const opt = createOptimizer('adam');
  model.compile({ optimizer: opt, loss: 'meanSquaredError', metrics: ['mae'] });
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 }); // gives Adam some state
  const weightsBefore = weightsOf(model);
  const optBefore = (await opt.getWeights()).map((w) => Array.from(w.tensor.dataSync()));
  const before = tf.memory().numTensors;
  const result = await findLearningRate(model, { x, y }, { numSteps: 100, config: { optimizer: 'sgd', batchSize: 16 }, seed: 1 });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  assert.deepEqual(weightsOf(model), weightsBefore);
  assert.equal(model.optimizer, opt);
  assert.deepEqual((await opt.getWeights()).map((w) => Array.from(w.tensor.dataSync())), optBefore);
  assert.deepEqual(model.metricsNames, ['loss', 'mae']);
  assert.equal(result.diverged, true);
  assert.ok(result.lrs.length < 100 && result.lrs.length > 20, `${result.lrs.length} steps`);
  assert.equal(result.lrs[0], 1e-7);
  assert.equal(result.losses.length, result.lrs.length);
  assert.equal(result.smoothedLosses.length, result.lrs.length);
  const last = result.smoothedLosses[result.smoothedLosses.length - 1];
  assert.ok(!Number.isFinite(result.losses[result.losses.length - 1]) || last > 4 * result.bestLoss);
  for (const key of ['steepest', 'minimumDiv10', 'valley'] as const) {
    const lr = result.suggestions[key];
    assert.ok(lr !== undefined && lr > 1e-7 && lr < 10, `${key} ${lr}`);
  }
  tf.dispose([x, y]);
});

test('findLearningRate with divergeFactor Infinity runs every step and ends at endLR', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(32);
  const model = mlp(2);
  const result = await findLearningRate(model, { x, y }, { numSteps: 12, startLR: 1e-4, endLR: 1e-1, divergeFactor: Infinity });
  assert.equal(result.lrs.length, 12);
  assert.ok(Math.abs(result.lrs[11] - 1e-1) < 1e-12);
  assert.equal(result.diverged, false);
  tf.dispose([x, y]);
});

test('findLearningRate with a model factory builds, tests and disposes the model', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(32);
  const before = tf.memory().numTensors;
  let built: tf.LayersModel | undefined;
  const result = await findLearningRate(() => (built = mlp(3)), { x, y }, { numSteps: 10, seed: 2 });
  assert.equal(result.lrs.length, 10);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(built !== undefined);
  tf.dispose([x, y]);
});

const bad: Array<[object, RegExp]> = [
  [{ startLR: 1, endLR: 0.1 }, /findLearningRate: endLR \(0\.1\) must be larger than startLR \(1\)/],
  [{ startLR: -1 }, /startLR must be a finite number > 0, received -1/],
  [{ numSteps: 1 }, /numSteps must be a whole number >= 2, received 1/],
  [{ divergeFactor: 1 }, /divergeFactor must be a number > 1 \(or Infinity\), received 1/],
  [{ beta: 1 }, /beta must be a number in \[0, 1\), received 1/],
  [{ numSteps: 0, beta: -1 }, /findLearningRate: 2 problems/],
];
for (const [options, message] of bad) {
  test(`findLearningRate rejects ${JSON.stringify(options)}`, async () => {
    await tf.setBackend('cpu');
    const { x, y } = regressionData(8);
    const model = mlp();
    const w = weightsOf(model);
    await assert.rejects(findLearningRate(model, { x, y }, options), message);
    assert.deepEqual(weightsOf(model), w);
    tf.dispose([x, y]);
  });
}

test('findLearningRate rejects mismatched data and disposes a factory model', async () => {
  await tf.setBackend('cpu');
  const x = tf.zeros([4, 3]);
  const y = tf.zeros([4, 1]);
  const before = tf.memory().numTensors;
  await assert.rejects(findLearningRate(() => mlp(), { x, y }), /findLearningRate: data\.x has shape \[4, 3\] but the model expects input \[null, 2\]/);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
});

test('findLearningRate stops on SIGINT and still restores the weights', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(64);
  const model = mlp(4);
  const w = weightsOf(model);
  const listeners = process.listenerCount('SIGINT');
  setTimeout(() => process.emit('SIGINT'), 0);
  const result = await findLearningRate(model, { x, y }, { numSteps: 100, divergeFactor: Infinity, startLR: 1e-5, endLR: 1e-2 });
  assert.equal(result.interrupted, true);
  assert.ok(result.lrs.length < 100, `${result.lrs.length} steps`);
  assert.deepEqual(weightsOf(model), w);
  assert.equal(process.listenerCount('SIGINT'), listeners);
  tf.dispose([x, y]);
});
