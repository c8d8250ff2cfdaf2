import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { applyRegularization, regularizationPenalty, setDropoutRate } from '../../src/regularization';

function mlp(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }));
  model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
  return model;
}

function cnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ filters: 2, kernelSize: 2, inputShape: [4, 4, 1] }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
  return model;
}

/** Training loss of one batch at lr 0 (weights unchanged; dropout off via rate 0). */
async function trainLoss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  return (await model.trainOnBatch(x, y)) as number;
}

function kernelSums(model: tf.LayersModel): { abs: number; sq: number } {
  let abs = 0;
  let sq = 0;
  for (const w of model.trainableWeights.filter((v) => v.originalName.endsWith('kernel'))) {
    const v = w.read().dataSync();
    for (const e of v) {
      abs += Math.abs(e);
      sq += e * e;
    }
  }
  return { abs, sq };
}

const penalties: Array<[string, () => tf.Sequential, { l1?: number; l2?: number }, number[]]> = [
  ['l2 on an MLP', mlp, { l2: 0.01 }, [1, 3]],
  ['l1 on an MLP', mlp, { l1: 0.001 }, [1, 3]],
  ['l1 + l2 on an MLP', mlp, { l1: 0.002, l2: 0.03 }, [1, 3]],
  ['l2 on a Conv2D + Dense', cnn, { l2: 0.05 }, [1, 4, 4, 1]],
];

for (const [name, build, penalty, xShape] of penalties) {
  test(`applyRegularization adds exactly l1*sum|w| + l2*sum(w²) to the training loss: ${name}`, async () => {
    await tf.setBackend('cpu');
    const model = build();
    setDropoutRate(model, 0);
    const x = tf.randomNormal(xShape.map((d, i) => (i === 0 ? 8 : d)), 0, 1, 'float32', 1);
    const y = tf.randomNormal([8, 1], 0, 1, 'float32', 2);
    const plain = await trainLoss(model, x, y);
    const report = applyRegularization(model, penalty);
    assert.equal(report.layers.length, 2);
    const before = tf.memory().numTensors;
    const regularized = await trainLoss(model, x, y);
    assert.equal(tf.memory().numTensors, before, 'the penalty leaks no tensors');
    const { abs, sq } = kernelSums(model);
    const expected = (penalty.l1 ?? 0) * abs + (penalty.l2 ?? 0) * sq;
    assert.ok(expected > 0);
    assert.ok(Math.abs(regularized - plain - expected) < 1e-5 * Math.max(1, expected), `${regularized} - ${plain} vs ${expected}`);
    assert.ok(Math.abs(regularizationPenalty(model, penalty) - expected) < 1e-6);
    // Applying again replaces, and zero removes.
    applyRegularization(model, penalty);
    assert.ok(Math.abs((await trainLoss(model, x, y)) - regularized) < 1e-6);
    assert.deepEqual(applyRegularization(model, { l1: 0, l2: 0 }).layers, []);
    assert.ok(Math.abs((await trainLoss(model, x, y)) - plain) < 1e-6);
    tf.dispose([x, y]);
    model.dispose();
  });
}

test('applyRegularization on a layer not built yet takes effect when it is built', async () => {
  await tf.setBackend('cpu');
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  applyRegularization(model, { l2: 0.1 });
  model.add(tf.layers.dense({ units: 1, kernelInitializer: 'ones' })); // added later: not touched
  model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
  const x = tf.zeros([2, 3]);
  const y = tf.zeros([2, 1]);
  const loss = (await model.trainOnBatch(x, y)) as number;
  const k = model.layers[0].getWeights()[0];
  const expected = 0.1 * tf.sum(tf.square(k)).dataSync()[0];
  assert.ok(Math.abs(loss - expected) < 1e-6);
  tf.dispose([x, y]);
});

test('applyRegularization refuses a layer that already has its own kernelRegularizer, changing nothing', async () => {
  await tf.setBackend('cpu');
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  model.add(tf.layers.dense({ units: 1, kernelRegularizer: tf.regularizers.l2({ l2: 0.1 }) }));
  assert.throws(() => applyRegularization(model, { l2: 0.5 }), /applyRegularization: layer 'dense_Dense\d+' already has a kernelRegularizer/);
  assert.equal(model.layers[0].losses.length, 0);
});

const bad: Array<[unknown, unknown, RegExp]> = [
  [{}, { l2: 0.1 }, /applyRegularization: model must be a tf.LayersModel/],
  ['model', { l2: -1 }, /applyRegularization: l2 must be a finite number >= 0, received -1/],
  ['model', { l1: Number.NaN }, /applyRegularization: l1 must be a finite number >= 0, received NaN/],
  ['model', null, /applyRegularization: penalty \(the second argument\) must be \{l1\?, l2\?\}/],
];
for (const [model, penalty, message] of bad) {
  test(`applyRegularization rejects ${JSON.stringify(penalty)}`, () => {
    const m = model === 'model' ? mlp() : model;
    assert.throws(() => applyRegularization(m as tf.LayersModel, penalty as never), message);
  });
}

test('setDropoutRate changes every Dropout layer and refuses models without one', () => {
  const model = mlp();
  assert.equal(setDropoutRate(model, 0.25).length, 1);
  assert.equal((model.layers[1] as unknown as { rate: number }).rate, 0.25);
  const plain = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  assert.throws(() => setDropoutRate(plain, 0.3), /setDropoutRate: model '.*' has no Dropout layer, so dropout 0.3 cannot take effect/);
  assert.deepEqual(setDropoutRate(plain, 0), []);
  assert.throws(() => setDropoutRate(model, 1), /setDropoutRate: rate must be a number in \[0, 1\), received 1/);
});
