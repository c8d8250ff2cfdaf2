import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { learningRateScheduler } from '../../src/callbacks';
import { createOptimizer, getLearningRate, scheduledBy } from '../../src/optimizers';

function compiled(lr = 1): tf.LayersModel {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  model.compile({ optimizer: createOptimizer({ name: 'adam', learningRate: lr }), loss: 'meanSquaredError' });
  return model;
}

const halve = (step: number) => 0.1 * 0.5 ** step;

test("learningRateScheduler per: 'epoch' sets schedule(epoch) before each epoch and logs it as lr", async () => {
  await tf.setBackend('cpu');
  const model = compiled();
  const x = tf.ones([8, 2]);
  const y = tf.ones([8, 1]);
  const history = await model.fit(x, y, { epochs: 4, batchSize: 4, verbose: 0, callbacks: [learningRateScheduler(halve)] });
  assert.deepEqual(history.history['lr'], [0.1, 0.05, 0.025, 0.0125]);
  assert.equal(scheduledBy(model.optimizer), undefined, 'the claim is released at train end');
  tf.dispose([x, y]);
});

test("learningRateScheduler per: 'batch' counts updates across epochs", async () => {
  await tf.setBackend('cpu');
  const model = compiled();
  const x = tf.ones([8, 2]);
  const y = tf.ones([8, 1]);
  const seen: number[] = [];
  const spy = new (class extends tf.Callback {
    override async onBatchEnd() {
      seen.push(getLearningRate(this.model.optimizer));
    }
  })();
  const cb = learningRateScheduler((step) => 0.01 * (step + 1), { per: 'batch' });
  const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [cb, spy] });
  assert.deepEqual(seen.map((v) => +v.toFixed(10)), [0.01, 0.02, 0.03, 0.04]);
  assert.deepEqual(history.history['lr'].map((v) => +(v as number).toFixed(10)), [0.02, 0.04]);
  assert.equal(cb.step, 4);
  tf.dispose([x, y]);
});

test('learningRateScheduler rejects a bad schedule value at the step it happens', async () => {
  await tf.setBackend('cpu');
  const model = compiled();
  const cb = learningRateScheduler((step) => (step === 2 ? Number.NaN : 0.1));
  cb.setModel(model);
  await cb.onTrainBegin();
  await cb.onEpochBegin(0);
  await cb.onEpochBegin(1);
  await assert.rejects(cb.onEpochBegin(2), /learningRateScheduler: the schedule returned NaN at step 2; a learning rate must be a finite number >= 0/);
  cb.release();
});

test('two schedulers on one optimizer are an error', async () => {
  await tf.setBackend('cpu');
  const model = compiled();
  const a = learningRateScheduler(halve);
  const b = learningRateScheduler(halve);
  a.setModel(model);
  b.setModel(model);
  await a.onTrainBegin();
  await assert.rejects(b.onTrainBegin(), /learningRateScheduler: the optimizer's learning rate is already driven by learningRateScheduler#\d+/);
  a.release();
});

test('learningRateScheduler rejects bad arguments', () => {
  assert.throws(() => learningRateScheduler(0.1 as never), /learningRateScheduler: schedule must be a function \(step\) => lr, received 0\.1/);
  assert.throws(() => learningRateScheduler(halve, { per: 'step' as never }), /learningRateScheduler: per: 'step' is not a known schedule unit; expected one of 'epoch' \| 'batch'/);
});

test('learningRateScheduler takes a JSON schedule spec and its per', async () => {
  await tf.setBackend('cpu');
  const model = compiled();
  const x = tf.ones([8, 2]);
  const y = tf.ones([8, 1]);
  const cb = learningRateScheduler({ name: 'exponentialDecay', initial: 0.1, decayRate: 0.5, decaySteps: 1, per: 'batch' });
  assert.equal(cb.per, 'batch');
  const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [cb] });
  // per batch: steps 0,1 in epoch 0 and 2,3 in epoch 1; lr logged at epoch end is the last batch's.
  assert.deepEqual(history.history['lr'].map((v) => +(v as number).toFixed(10)), [0.05, 0.0125]);
  assert.throws(() => learningRateScheduler({ name: 'cosineDecayy' } as never), /cosineDecay/);
  tf.dispose([x, y]);
});
