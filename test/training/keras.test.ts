// train as a Keras user expects it: compile once, train several times, read one history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { earlyStopping } from '../../src/callbacks';
import { compareRuns, lossCurves, sweepResults } from '../../src/charts';
import { defineConfig, METRIC_NAMES, metricDirection, type TrainingConfigInput } from '../../src/config';
import { datasets } from '../../src/data';
import { disposeTrainingState, sweep, train, findLearningRate } from '../../src/training';
import { mlp, regressionData } from './helpers';

test.before(async () => {
  await tf.setBackend('cpu');
});

function classifier(activation: string, units: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu', kernelInitializer: 'glorotUniform' }));
  model.add(tf.layers.dense({ units, activation: activation as never }));
  return model;
}

test('train continues: epochs numbered on, one history, the same optimizer with its moments, the loss falling from where it was', async () => {
  const { x, y } = regressionData(64);
  const model = mlp(1);
  const cases: Array<[config: TrainingConfigInput, epochs: number[]]> = [
    [{ epochs: 3, learningRate: 0.01, shuffle: false }, [0, 1, 2]],
    [{ epochs: 2, learningRate: 0.01, shuffle: false }, [0, 1, 2, 3, 4]],
    [{ epochs: 1, shuffle: false }, [0, 1, 2, 3, 4, 5]],
  ];
  let optimizer: tf.Optimizer | undefined;
  let iterations = 0;
  let lastLoss = Infinity;
  for (const [i, [config, epochs]] of cases.entries()) {
    const seen: number[] = [];
    const run = await train(model, { x, y }, config, { progress: false, callbacks: [{ onEpochBegin: async (e: number) => void seen.push(e) }] });
    assert.deepEqual(run.history.map((r) => r.epoch), epochs, `call ${i}: one history`);
    assert.deepEqual(seen, epochs.slice(-run.epochsRun), `call ${i}: callbacks see the true epoch`);
    assert.equal(run.initialEpoch, epochs.length - run.epochsRun);
    if (optimizer === undefined) optimizer = model.optimizer;
    assert.equal(model.optimizer, optimizer, `call ${i}: the optimizer is kept`);
    const now = (optimizer as unknown as { iterations: number }).iterations;
    assert.equal(now, iterations + run.epochsRun * 2, `call ${i}: Adam's step count goes on (its moments with it)`);
    iterations = now;
    assert.ok(run.history[run.initialEpoch].loss < lastLoss, `call ${i}: starts below where the last call ended`);
    lastLoss = run.final!.loss;
    assert.equal(run.loss, 'meanSquaredError');
  }
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test('a per-batch schedule continues from the step the last call reached', async () => {
  const { x, y } = regressionData(32);
  const model = mlp(1);
  const config = { epochs: 1, batchSize: 8, lrSchedule: { name: 'exponentialDecay', initial: 0.1, decaySteps: 1, decayRate: 0.5, per: 'batch' } } as never;
  await train(model, { x, y }, config, { progress: false });
  const second = await train(model, { x, y }, config, { progress: false });
  // 4 batches per epoch: the second call's last batch is step 7.
  assert.ok(Math.abs(second.final!.lr - 0.1 * 0.5 ** 7) < 1e-9, `lr ${second.final!.lr}`);
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test("a model the user compiled keeps its loss, metrics and optimizer; a contradicting config names recompile: true", async () => {
  const x = tf.randomNormal([32, 2], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), 'int32'), 3).toFloat();
  const model = classifier('softmax', 3);
  const mine = tf.train.sgd(0.05);
  model.compile({ optimizer: mine, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const run = await train(model, { x, y }, { epochs: 1 }, { progress: false });
  assert.equal(model.optimizer, mine);
  assert.equal(run.loss, 'categoricalCrossentropy');
  assert.equal(typeof run.final!.acc, 'number');
  const contradictions: Array<[TrainingConfigInput, RegExp]> = [
    [{ loss: 'meanSquaredError' }, /config\.loss 'meanSquaredError' contradicts the compiled model: the model was compiled with loss 'categoricalCrossentropy'\. .*pass recompile: true/],
    [{ optimizer: 'rmsprop' }, /config\.optimizer 'rmsprop' contradicts the compiled model: the model was compiled with optimizer 'sgd'/],
    // A plain object's default values state nothing; defineConfig remembers what it was given.
    [defineConfig({ optimizer: 'adam' }), /config\.optimizer 'adam' contradicts the compiled model: the model was compiled with optimizer 'sgd'/],
    [{ learningRate: 0.1 }, /config\.learningRate 0\.1 contradicts the compiled model: the model was compiled with learningRate 0\.05/],
    [{ metrics: ['mae'] }, /config\.metrics \["mae"\] contradicts|config\.metrics .*contradicts the compiled model/],
  ];
  for (const [config, message] of contradictions) {
    const before = tf.memory().numTensors;
    await assert.rejects(train(model, { x, y }, config, { progress: false }), message, JSON.stringify(config));
    assert.equal(tf.memory().numTensors, before);
  }
  // Agreeing values are no contradiction; recompile: true starts a fresh optimizer from the config.
  await train(model, { x, y }, { learningRate: 0.05, optimizer: 'sgd', epochs: 1 }, { progress: false });
  const again = await train(model, { x, y }, { loss: 'meanSquaredError', recompile: true, epochs: 1 }, { progress: false });
  assert.notEqual(model.optimizer, mine);
  assert.equal(again.loss, 'meanSquaredError');
  assert.deepEqual(again.history.map((r) => r.epoch), [0, 1, 2], 'epoch numbering goes on across a recompile');
  disposeTrainingState(model);
  mine.dispose();
  tf.dispose([x, y]);
});

test('train compiled by an earlier train: a changed learning rate is an error until recompile: true', async () => {
  const { x, y } = regressionData(16);
  const model = mlp(1);
  await train(model, { x, y }, { epochs: 1, learningRate: 0.01 }, { progress: false });
  await assert.rejects(train(model, { x, y }, { epochs: 1, learningRate: 0.1 }, { progress: false }), /config\.learningRate 0\.1 contradicts the compiled model: the last train call compiled it with learningRate 0\.01\. .*recompile: true/);
  const cfg = defineConfig({ epochs: 1, learningRate: 0.01 });
  await train(model, { x, y }, { ...cfg, epochs: 2 }, { progress: false });
  const run = await train(model, { x, y }, { epochs: 1, learningRate: 0.1, recompile: true }, { progress: false });
  assert.equal(run.final!.lr, 0.1);
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

// Output activation and target shape → the loss train infers.
const inferred: Array<[activation: string, units: number, targets: 'oneHot' | 'index' | 'binary' | 'value', loss: string]> = [
  ['softmax', 3, 'oneHot', 'categoricalCrossentropy'],
  ['softmax', 3, 'index', 'sparseCategoricalCrossentropy'],
  ['sigmoid', 1, 'binary', 'binaryCrossentropy'],
  ['linear', 1, 'value', 'meanSquaredError'],
  ['relu', 1, 'value', 'meanSquaredError'],
];
for (const [activation, units, targets, loss] of inferred) {
  test(`a ${activation} output with ${targets} targets trains with ${loss}, printed once and recorded`, async () => {
    const n = 24;
    const x = tf.randomNormal([n, 2], 0, 1, 'float32', 3);
    const labels = Array.from({ length: n }, (_, i) => i % (units > 1 ? units : 2));
    const y = targets === 'oneHot' ? tf.oneHot(tf.tensor1d(labels, 'int32'), units).toFloat() : tf.tensor2d(labels.map((v) => [targets === 'value' ? v * 0.5 : v]));
    const model = classifier(activation, units);
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(' '));
    try {
      const first = await train(model, { x, y }, { epochs: 1 }, { progress: false });
      await train(model, { x, y }, { epochs: 1 }, { progress: false });
      assert.equal(first.loss, loss);
      assert.equal(model.loss, loss);
    } finally {
      console.log = log;
    }
    assert.deepEqual(lines, [`train: loss '${loss}' (inferred from its ${activation} activation); set config.loss to choose another.`]);
    disposeTrainingState(model);
    tf.dispose([x, y]);
  });
}

test('a custom loss and a custom metric: named in the logs, the result and the charts', async () => {
  const { x, y } = regressionData(32);
  const model = mlp(1);
  const halfSquared = (t: tf.Tensor, p: tf.Tensor) => tf.mul(0.5, tf.mean(tf.square(tf.sub(t, p)), -1));
  function maxError(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
    return tf.max(tf.abs(tf.sub(t, p)), -1);
  }
  const run = await train(model, { x, y }, { epochs: 2, loss: halfSquared, metrics: [maxError, 'mae'], validationSplit: 0.25 }, { progress: false });
  assert.equal(run.loss, 'halfSquared');
  for (const key of ['loss', 'maxError', 'val_maxError', 'mae']) assert.equal(typeof run.final![key], 'number', key);
  const figure = lossCurves(run);
  const names = figure.data.map((t) => String(t.name));
  assert.ok(names.some((n) => n.includes('maxError')), names.join(', '));
  // An unknown metric gets no "better" wording in compareRuns (its direction is not guessed).
  assert.equal(metricDirection('maxError'), undefined);
  const compared = compareRuns([run], { metric: 'maxError' });
  assert.equal((compared.layout.yaxis as { title: { text: string } }).title.text, 'maxError');
  await assert.rejects(train(mlp(1), { x, y }, { metrics: [(a: tf.Tensor) => a] as never }, { progress: false }), /metrics\[0\] must be a metric name or a named function/);
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test("classWeight scales each example's loss as Keras's formula says: one SGD step moves the weights by lr · ∇ mean(w_class · loss_i)", async () => {
  const x = tf.tensor2d([[1, 0], [0, 1], [1, 1], [0.5, -1]]);
  const labels = [0, 1, 1, 0];
  const y = tf.tensor2d(labels.map((v) => [v]));
  const classWeight = { 0: 1, 1: 3 };
  const lr = 0.1;
  const build = () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid', kernelInitializer: 'ones', biasInitializer: 'zeros' }));
    return m;
  };
  const model = build();
  await train(model, { x, y }, { epochs: 1, batchSize: 4, shuffle: false, optimizer: 'sgd', learningRate: lr, classWeight }, { progress: false });
  const got = model.getWeights().map((w) => Array.from(w.dataSync()));
  const reference = build();
  const [kernel, bias] = reference.getWeights();
  const expected = tf.tidy(() => {
    const w = tf.tensor1d(labels.map((c) => classWeight[c as 0 | 1]));
    const grads = tf.grads((k: tf.Tensor, b: tf.Tensor) => {
      const p = tf.sigmoid(tf.add(tf.matMul(x, k), b));
      const perExample = tf.metrics.binaryCrossentropy(y, p);
      return tf.mean(tf.mul(perExample, w));
    })([kernel, bias]);
    return [tf.sub(kernel, tf.mul(lr, grads[0])), tf.sub(bias, tf.mul(lr, grads[1]))].map((t) => Array.from(t.dataSync()));
  });
  expected.flat().forEach((v, i) => assert.ok(Math.abs(v - got.flat()[i]) < 1e-5, `weight ${i}: ${got.flat()[i]} vs ${v}`));
  // Without classWeight the step differs.
  const plain = build();
  await train(plain, { x, y }, { epochs: 1, batchSize: 4, shuffle: false, optimizer: 'sgd', learningRate: lr }, { progress: false });
  assert.ok(Math.abs(plain.getWeights()[0].dataSync()[0] - got[0][0]) > 1e-4);
  await assert.rejects(train(build(), { x, y }, { classWeight: { cat: 2 } }, { progress: false }), /config\.classWeight keys must be class indices 0, 1, \.\.\.; received 'cat'/);
  for (const m of [model, plain, reference]) disposeTrainingState(m);
  tf.dispose([x, y]);
});

test('a two-input, two-output model: x and y as name maps or arrays, per-output losses and weights, logs named as Keras names them', async () => {
  const a = tf.input({ shape: [2], name: 'a' });
  const b = tf.input({ shape: [1], name: 'b' });
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 4, activation: 'relu' }).apply(joined) as tf.SymbolicTensor;
  const price = tf.layers.dense({ units: 1, name: 'price' }).apply(hidden) as tf.SymbolicTensor;
  const kind = tf.layers.dense({ units: 3, activation: 'softmax', name: 'kind' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: [price, kind] });
  const n = 20;
  const xa = tf.randomNormal([n, 2], 0, 1, 'float32', 5);
  const xb = tf.randomNormal([n, 1], 0, 1, 'float32', 6);
  const yPrice = tf.randomNormal([n, 1], 0, 1, 'float32', 7);
  const yKind = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32'), 3).toFloat();
  const log = console.log;
  console.log = () => {};
  try {
    const run = await train(model, { x: { a: xa, b: xb }, y: { price: yPrice, kind: yKind } }, { epochs: 2, lossWeights: { price: 1, kind: 0.5 }, metrics: ['accuracy'] }, { progress: false });
    assert.deepEqual(run.loss, { price: 'meanSquaredError', kind: 'categoricalCrossentropy' });
    for (const key of ['loss', 'price_loss', 'kind_loss', 'kind_acc']) assert.equal(typeof run.final![key], 'number', key);
    assert.equal(metricDirection('kind_acc'), 'max');
    assert.equal(metricDirection('val_price_loss'), 'min');
    const more = await train(model, { x: [xa, xb], y: [yPrice, yKind] }, { epochs: 1 }, { progress: false });
    assert.deepEqual(more.history.map((r) => r.epoch), [0, 1, 2]);
    await assert.rejects(train(model, { x: xa, y: [yPrice, yKind] }, { epochs: 1 }, { progress: false }), /data\.x is one tensor but the model has 2 \(a, b\)/);
    await assert.rejects(train(model, { x: [xa, xb], y: [yPrice, yKind] }, { loss: ['meanSquaredError'], recompile: true }, { progress: false }), /config\.loss has 1 entries but the model has 2 outputs \(price, kind\)/);
    const lrTest = await findLearningRate(model, { x: [xa, xb], y: { price: yPrice, kind: yKind } }, { numSteps: 5 });
    assert.equal(lrTest.losses.length, 5);
  } finally {
    console.log = log;
  }
  disposeTrainingState(model);
  tf.dispose([xa, xb, yPrice, yKind]);
});

test('every accepted metric has one direction, which earlyStopping, the charts and sweep ranking all use', async () => {
  for (const metric of METRIC_NAMES) {
    const direction = metricDirection(metric);
    assert.ok(direction === 'min' || direction === 'max', metric);
    for (const key of [metric, `val_${metric}`, `out1_${metric}`]) {
      assert.equal(earlyStopping({ monitor: key }).direction, direction, `earlyStopping ${key}`);
    }
    // Values that rise: best is the last epoch for 'max', the first for 'min'.
    const history = [0.1, 0.2, 0.3].map((v, epoch) => ({ epoch, loss: 1 - v, [metric]: v }));
    const curves = lossCurves({ history, monitor: metric }, { logY: true });
    const best = curves.data.find((t) => String(t.name).startsWith('best'));
    assert.deepEqual((best as { x: number[] }).x, [direction === 'max' ? 3 : 1], `lossCurves best ${metric}`);
    const panel = Object.values(curves.layout).find((v) => (v as { title?: { text?: string } })?.title?.text === metric) as { type?: string } | undefined;
    assert.equal(panel?.type === 'log', direction === 'min', `lossCurves log-scales only minimized ${metric}`);
    const compared = compareRuns([{ history }], { metric });
    assert.match((compared.layout.yaxis as { title: { text: string } }).title.text, direction === 'min' ? /lower is better/ : /higher is better/);
    const rows = [{ learningRate: 0.1, [metric]: 0.2 }, { learningRate: 0.01, [metric]: 0.3 }];
    const fig = sweepResults(rows, { metric, params: ['learningRate'], kind: 'scatter' });
    assert.equal((fig.data[0] as unknown as { marker: { reversescale: boolean } }).marker.reversescale, direction === 'min', `sweepResults ${metric}`);
  }
  // sweep ranks runs by their result's direction: with a maximized monitor the higher value wins.
  const { x, y } = regressionData(32);
  const result = await sweep({ epochs: 2, earlyStopping: { monitor: 'loss', mode: 'max', patience: 5 } }, { learningRate: [0.001, 0.05] }, () => mlp(1), { x, y }, { progress: false });
  const values = result.runs.map((r) => r.result!.bestValue!);
  assert.equal(result.best?.result?.bestValue, Math.max(...values));
  tf.dispose([x, y]);
});

test("after train Math.random is the caller's again and tfjs's Adam is untouched", async () => {
  const { x, y } = regressionData(16);
  const model = mlp(1);
  const random = Math.random;
  const stockApply = tf.AdamOptimizer.prototype.applyGradients;
  const run = await train(model, { x, y }, { epochs: 1, seed: 5 }, { progress: false });
  assert.equal(run.end, 'completed');
  assert.equal(Math.random, random, 'Math.random restored');
  assert.equal(tf.AdamOptimizer.prototype.applyGradients, stockApply, "tfjs's Adam prototype unchanged");
  assert.equal(tf.serialization.SerializationMap.getMap().classNameMap['Adam']?.[0], tf.AdamOptimizer, "tfjs's 'Adam' class still registered");
  const other = mlp(1);
  const seeded = Math.random;
  await assert.rejects(train(other, { x, y }, { epochs: 0, seed: 5 }, { progress: false }));
  assert.equal(Math.random, seeded, 'unchanged by a failed call too');
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test("checking a dataset's first batch does not advance its epoch: epoch e uses seed + e under train", async () => {
  const x = tf.tensor2d(Array.from({ length: 12 }, (_, i) => [i, -i]));
  const y = tf.tensor2d(Array.from({ length: 12 }, (_, i) => [i]));
  const order = async (ds: tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>) => {
    const batches = await ds.toArray();
    const out = batches.flatMap((b) => Array.from(b.xs.dataSync()).filter((_, i) => i % 2 === 0));
    tf.dispose(batches as never);
    return out;
  };
  const expected = await order(datasets.fromArrays({ x, y }, { batchSize: 4, shuffle: true, seed: 9 }));
  const seen: number[][] = [];
  const ds = datasets.fromArrays({ x, y }, { batchSize: 4, shuffle: true, seed: 9 });
  const model = mlp(1);
  const spy = ds.map((b) => {
    seen.push(Array.from((b as { xs: tf.Tensor }).xs.dataSync()).filter((_, i) => i % 2 === 0));
    return b;
  });
  (spy as unknown as Record<symbol, unknown>)[Symbol.for('trainlab.peekFirstBatch')] = (ds as unknown as Record<symbol, unknown>)[Symbol.for('trainlab.peekFirstBatch')];
  const before = tf.memory().numTensors;
  await train(model, { dataset: spy as never }, { epochs: 1 }, { progress: false });
  assert.deepEqual(seen.flat(), expected, 'the first epoch trained is epoch 0 (seed + 0)');
  disposeTrainingState(model);
  assert.equal(tf.memory().numTensors, before, 'fromArrays holds no tensors of its own');
  tf.dispose([x, y]);
});

test('NaN checks read back one small tensor per call and nothing for tensors already checked', async () => {
  const { x, y } = regressionData(16);
  const model = mlp(1);
  await train(model, { x, y }, { epochs: 1 }, { progress: false });
  const dataSync = tf.Tensor.prototype.dataSync;
  const sizes: number[] = [];
  tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
    sizes.push(this.size);
    return dataSync.call(this) as never;
  } as never;
  try {
    await train(model, { x, y }, { epochs: 1 }, { progress: false });
  } finally {
    tf.Tensor.prototype.dataSync = dataSync;
  }
  assert.ok(!sizes.includes(x.size) && !sizes.includes(y.size), `no copy of x or y: ${sizes.join(', ')}`);
  disposeTrainingState(model);
  tf.dispose([x, y]);
});
