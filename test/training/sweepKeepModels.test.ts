import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { sweep, train, TrainingError, type SweepResult } from '../../src/training';
import { requestStop } from '../../src/util/interrupt';
import { asKernel } from '../helpers/kernelMode';
import { mlp, regressionData, weightsOf } from './helpers';

const quiet = { progress: false };
const base = { epochs: 3, batchSize: 16, loss: 'meanSquaredError' as const };

/** Disposes the kept models (the caller's part of keepModels). */
function disposeModels(result: SweepResult): void {
  for (const run of result.runs) run.model?.dispose();
}

test('keepModels keeps each run its trained model; after disposing them no tensor is left', async () => {
  await tf.setBackend('cpu');
  const data = regressionData(48);
  const before = tf.memory().numTensors;
  const cases: Array<[string, boolean | undefined, boolean]> = [
    ['keepModels: true', true, true],
    ['keepModels: false', false, false],
    ['keepModels not given', undefined, false],
  ];
  for (const [name, keepModels, kept] of cases) {
    const result = await sweep(base, { learningRate: [0.01, 0.03] }, () => mlp(), data, { ...quiet, ...(keepModels === undefined ? {} : { keepModels }) });
    assert.deepEqual(result.runs.map((r) => r.model instanceof tf.LayersModel), [kept, kept], name);
    if (kept) {
      assert.notEqual(result.runs[0].model, result.runs[1].model);
      assert.equal(result.best?.model, result.runs[result.best?.index ?? -1].model, `${name}: best.model is its run's`);
      // The kept model is the trained one: its loss on the training data is the run's final loss.
      const model = result.runs[1].model as tf.LayersModel;
      const loss = tf.tidy(() => (model.evaluate(data.x, data.y, { batchSize: 48 }) as tf.Scalar).dataSync()[0]);
      assert.ok(loss < (result.runs[1].result?.history[0].loss ?? 0), `${name}: trained (loss ${loss})`);
      // It trains on with train (its optimizer and epoch numbering kept).
      const more = await train(model, data, { ...base, epochs: 1 }, quiet);
      assert.equal(more.initialEpoch, 3, `${name}: continues the run's epochs`);
      assert.ok(tf.memory().numTensors > before, `${name}: the kept models hold tensors`);
    } else {
      assert.equal(tf.memory().numTensors, before, `${name}: every model disposed by the sweep`);
    }
    disposeModels(result);
    assert.equal(tf.memory().numTensors, before, `${name}: nothing left once the caller disposed the kept models`);
  }
  tf.dispose([data.x, data.y]);
});

test('keepModels: a failed run keeps no model and leaves nothing behind', async () => {
  await tf.setBackend('cpu');
  const data = regressionData(32);
  const before = tf.memory().numTensors;
  const cases: Array<[string, (lr: number) => tf.LayersModel]> = [
    [
      'the factory throws',
      (lr) => {
        if (lr === 0.02) throw new Error('factory broke');
        return mlp();
      },
    ],
    [
      'train refuses the model (wrong input shape)',
      (lr) => {
        if (lr !== 0.02) return mlp();
        return tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
      },
    ],
  ];
  for (const [name, factory] of cases) {
    const result = await sweep(base, { learningRate: [0.01, 0.02, 0.03] }, (c) => factory(c.learningRate), data, { ...quiet, keepModels: true });
    assert.deepEqual(result.runs.map((r) => [r.error === undefined, r.model instanceof tf.LayersModel]), [[true, true], [false, false], [true, true]], name);
    disposeModels(result);
    assert.equal(tf.memory().numTensors, before, name);
  }
  tf.dispose([data.x, data.y]);
});

test('keepModels: a sweep the stop button interrupts keeps the finished runs models only', async () => {
  await tf.setBackend('cpu');
  const data = regressionData(32);
  const before = tf.memory().numTensors;
  try {
    await asKernel(async () => {
      let runs = 0;
      // The stop comes in run 1's second epoch.
      const stopper = () => (runs++ === 1 ? [{ onEpochEnd: async (epoch: number) => void (epoch === 1 && requestStop()) }] : []);
      const result = await sweep({ ...base, epochs: 5 }, { learningRate: [0.01, 0.02, 0.03] }, () => mlp(), data, { ...quiet, keepModels: true, callbacks: stopper });
      assert.equal(result.interrupted, true);
      assert.deepEqual(result.runs.map((r) => [r.result?.end, r.model instanceof tf.LayersModel]), [['completed', true], ['interrupted', false]]);
      disposeModels(result);
      assert.equal(tf.memory().numTensors, before);
    });
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

test('keepModels is checked by the sweep options schema: a typo gets a did-you-mean, a non-boolean is refused', async () => {
  const data = regressionData(8);
  const model = mlp();
  const weights = weightsOf(model);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ keepModel: true }, /options\.keepModel is not a known option\. Did you mean 'keepModels'\?/],
    [{ keepmodels: true }, /options\.keepmodels is not a known option\. Did you mean 'keepModels'\?/],
    [{ keepModels: 'yes' }, /options\.keepModels must be true or false; received 'yes' \(a string\)\./],
  ];
  try {
    for (const [options, pattern] of cases) {
      await assert.rejects(sweep(base, { learningRate: [0.01] }, () => model, data, { ...quiet, ...options } as never), (e: unknown) => e instanceof TrainingError && pattern.test(e.message));
    }
    assert.deepEqual(weightsOf(model), weights, 'nothing trained');
  } finally {
    model.dispose();
    tf.dispose([data.x, data.y]);
  }
});
