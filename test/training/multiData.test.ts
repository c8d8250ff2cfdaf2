// Models with several inputs and outputs: validationData and streamed datasets checked like `data`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { configRows, defineConfig } from '../../src/config';
import { datasets } from '../../src/data';
import { disposeTrainingState, sweep, train } from '../../src/training';

test.before(async () => {
  await tf.setBackend('cpu');
});

/** Inputs `a` [2] and `b` [1]; outputs `price` (linear, [1]) and `kind` (softmax, [3]). */
function twoByTwo(): tf.LayersModel {
  const a = tf.input({ shape: [2], name: 'a' });
  const b = tf.input({ shape: [1], name: 'b' });
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 4, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(joined) as tf.SymbolicTensor;
  const price = tf.layers.dense({ units: 1, name: 'price', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(hidden) as tf.SymbolicTensor;
  const kind = tf.layers.dense({ units: 3, activation: 'softmax', name: 'kind', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: [price, kind] });
}

interface Split {
  a: tf.Tensor;
  b: tf.Tensor;
  price: tf.Tensor;
  kind: tf.Tensor;
}

function split(n: number, seed: number): Split {
  return tf.tidy(() => ({
    a: tf.randomNormal([n, 2], 0, 1, 'float32', seed),
    b: tf.randomNormal([n, 1], 0, 1, 'float32', seed + 1),
    price: tf.randomNormal([n, 1], 0, 1, 'float32', seed + 2),
    kind: tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32'), 3).toFloat(),
  }));
}

const disposeSplit = (s: Split) => tf.dispose([s.a, s.b, s.price, s.kind]);

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await f();
  } finally {
    console.log = log;
  }
}

const VAL_KEYS = ['val_loss', 'val_price_loss', 'val_kind_loss'];

// How validationData is given → it trains and logs validation per output.
const validationForms: Array<[form: string, pair: (v: Split) => [unknown, unknown]]> = [
  ['name maps', (v) => [{ a: v.a, b: v.b }, { price: v.price, kind: v.kind }]],
  ['arrays in model order', (v) => [[v.a, v.b], [v.price, v.kind]]],
  ['an array x and a map y', (v) => [[v.a, v.b], { kind: v.kind, price: v.price }]],
];

for (const [form, pair] of validationForms) {
  test(`validationData for a two-input, two-output model as ${form}: validation logged per output, no tensors left`, async () => {
    const data = split(24, 10);
    const val = split(8, 20);
    const model = twoByTwo();
    const before = tf.memory().numTensors;
    const run = await quietly(() => train(model, { x: { a: data.a, b: data.b }, y: [data.price, data.kind] }, { epochs: 2, validationData: pair(val) as never }, { progress: false }));
    for (const key of VAL_KEYS) assert.equal(typeof run.final![key], 'number', key);
    assert.equal(run.monitor, 'val_loss');
    // Only the optimizer's slots (Adam: 2 per weight) and its step counter are new.
    const slots = model.trainableWeights.length * 2;
    assert.ok(tf.memory().numTensors - before <= slots + 2, `${tf.memory().numTensors - before} new tensors, at most ${slots + 2} expected`);
    disposeTrainingState(model);
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
    disposeSplit(data);
    disposeSplit(val);
  });
}

// validationData checked like data: each problem named by its path, nothing trained, nothing leaked.
const badValidation: Array<[what: string, pair: (v: Split) => [unknown, unknown], message: RegExp]> = [
  ['one tensor for two inputs', (v) => [v.a, [v.price, v.kind]], /validationData\.x is one tensor but the model has 2 \(a, b\)\. Pass an array in that order or \{a: tensor, b: tensor\}/],
  ['a missing output', (v) => [[v.a, v.b], { price: v.price }], /validationData\.y has keys \{price\} but the model's are \{price, kind\}\. Add kind\./],
  ['a misspelt input', (v) => [{ a: v.a, bb: v.b }, [v.price, v.kind]], /validationData\.x has keys \{a, bb\} but the model's are \{a, b\}\. Add b\. Rename or drop bb\./],
  ['three tensors for two outputs', (v) => [[v.a, v.b], [v.price, v.kind, v.kind]], /validationData\.y has 3 tensors but the model has 2 \(price, kind\)/],
  ['a wrong feature width', (v) => [[v.a, v.a], [v.price, v.kind]], /validationData\.x\[1\] has shape \[8, 2\] but the model expects input \[null, 1\]/],
  ['a wrong target width', (v) => [[v.a, v.b], { price: v.price, kind: v.price }], /validationData\.y\.kind has shape \[8, 1\] but the model outputs \[null, 3\]/],
  ['fewer targets than examples', (v) => [[v.a, v.b], [v.price.slice(0, 4), v.kind]], /validationData\.x\[0\] has 8 examples but validationData\.y\[0\] has 4/],
];

for (const [what, pair, message] of badValidation) {
  test(`train rejects validationData with ${what} before training`, async () => {
    const data = split(16, 30);
    const val = split(8, 40);
    const model = twoByTwo();
    const validationData = pair(val);
    const before = tf.memory().numTensors;
    await assert.rejects(quietly(() => train(model, { x: [data.a, data.b], y: [data.price, data.kind] }, { epochs: 1, validationData: validationData as never }, { progress: false })), message);
    assert.equal(model.optimizer, undefined, 'not compiled');
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(validationData as tf.TensorContainer);
    model.dispose();
    disposeSplit(data);
    disposeSplit(val);
  });
}

test("validationData's labels are checked against each output's loss, and NaN in any of its tensors is found", async () => {
  const data = split(16, 50);
  const val = split(6, 60);
  const model = twoByTwo();
  const notOneHot = tf.tensor2d(Array.from({ length: 6 }, () => [0.5, 0.5, 0.5]));
  const withNaN = tf.tensor2d(Array.from({ length: 6 }, (_, i) => [i === 2 ? NaN : 0]));
  const cases: Array<[pair: [unknown, unknown], message: RegExp]> = [
    [[[val.a, val.b], { price: val.price, kind: notOneHot }], /validationData\.y\[1\].*(one-hot|sum to 1|categoricalCrossentropy)/],
    [[{ a: val.a, b: withNaN }, [val.price, val.kind]], /validationData\.x\.b contains 1 NaN or infinite value/],
  ];
  for (const [pair, message] of cases) {
    const before = tf.memory().numTensors;
    await assert.rejects(quietly(() => train(model, { x: [data.a, data.b], y: [data.price, data.kind] }, { epochs: 1, validationData: pair as never }, { progress: false })), message);
    assert.equal(tf.memory().numTensors, before);
  }
  model.dispose();
  tf.dispose([notOneHot, withNaN]);
  disposeSplit(data);
  disposeSplit(val);
});

test('the config check takes arrays and maps of live tensors for validationData and names what it received otherwise', async () => {
  const data = split(8, 70);
  const model = twoByTwo();
  const gone = tf.zeros([8, 1]);
  gone.dispose();
  const cases: Array<[unknown, RegExp]> = [
    [[[data.a, gone], [data.price, data.kind]], /validationData must be \[x, y\]: two live tf\.Tensors, or for several inputs \/ outputs arrays or \{name: tensor\} maps of live tensors/],
    [[[], [data.price, data.kind]], /validationData must be \[x, y\]/],
    [[{ a: data.a, b: [1, 2] }, [data.price, data.kind]], /validationData must be \[x, y\]/],
  ];
  for (const [validationData, message] of cases) {
    await assert.rejects(train(model, { x: [data.a, data.b], y: [data.price, data.kind] }, { validationData: validationData as never }, { progress: false }), message);
  }
  model.dispose();
  disposeSplit(data);
});

test("a config's summary shows multi-input/output validationData by shape, as given", () => {
  const val = split(8, 75);
  const cases: Array<[pair: [unknown, unknown], text: string]> = [
    [[{ a: val.a, b: val.b }, [val.price, val.kind]], '[x {a: 8×2, b: 8×1}, y [8×1, 8×3]]'],
    [[[val.a, val.b], val.price], '[x [8×2, 8×1], y 8×1]'],
  ];
  for (const [pair, text] of cases) {
    const rows = configRows(defineConfig({ validationData: pair as never }));
    assert.equal(rows.find(([k]) => k === 'validation')![1], text);
  }
  disposeSplit(val);
});

test('sweep passes multi-input/output validationData to every run', async () => {
  const data = split(16, 80);
  const val = split(8, 90);
  const before = tf.memory().numTensors;
  const result = await quietly(() =>
    sweep({ epochs: 1, validationData: [{ a: val.a, b: val.b }, [val.price, val.kind]] as never }, { learningRate: [0.001, 0.01] }, () => twoByTwo(), { x: [data.a, data.b], y: { price: data.price, kind: data.kind } }, { progress: false, workers: 1 }),
  );
  assert.deepEqual(result.rows.map((r) => r.monitor), ['val_loss', 'val_loss']);
  assert.ok(result.rows.every((r) => typeof r.final_val_kind_loss === 'number'), JSON.stringify(result.rows));
  assert.equal(tf.memory().numTensors, before, 'sweep disposes its models');
  disposeSplit(data);
  disposeSplit(val);
});

/**
 * Batches of a two-input, two-output split as a tf.data dataset; `form` picks maps or arrays
 * (mapped after `.batch()`: batching stacks an array of tensors into one tensor).
 */
function batches(s: Split, form: 'maps' | 'arrays', batchSize = 4): tf.data.Dataset<tf.TensorContainer> {
  const xs = tf.data.zip({ a: tf.data.array(tf.unstack(s.a)), b: tf.data.array(tf.unstack(s.b)) });
  const ys = tf.data.zip({ price: tf.data.array(tf.unstack(s.price)), kind: tf.data.array(tf.unstack(s.kind)) });
  const batched = tf.data.zip({ xs, ys }).batch(batchSize);
  if (form === 'maps') return batched;
  return batched.map((e) => {
    const { xs: x, ys: y } = e as { xs: Record<string, tf.Tensor>; ys: Record<string, tf.Tensor> };
    return { xs: [x.a, x.b], ys: [y.price, y.kind] };
  });
}

for (const form of ['maps', 'arrays'] as const) {
  test(`train streams a dataset of {xs, ys} ${form} into a two-input, two-output model, validating on a dataset or on tensors`, async () => {
    const data = split(16, 100);
    const val = split(8, 110);
    const model = twoByTwo();
    const first = await quietly(() => train(model, { dataset: batches(data, form) as never, validation: batches(val, form) as never }, { epochs: 2 }, { progress: false }));
    assert.deepEqual(first.loss, { price: 'meanSquaredError', kind: 'categoricalCrossentropy' }, 'losses inferred per output from the first batch');
    for (const key of ['loss', 'price_loss', 'kind_loss', ...VAL_KEYS]) assert.equal(typeof first.final![key], 'number', key);
    const second = await train(model, { dataset: batches(data, form) as never }, { epochs: 1, validationData: [[val.a, val.b], { price: val.price, kind: val.kind }] }, { progress: false });
    assert.deepEqual(second.history.map((r) => r.epoch), [0, 1, 2]);
    assert.equal(typeof second.final!.val_kind_loss, 'number');
    disposeTrainingState(model);
    model.dispose();
    disposeSplit(data);
    disposeSplit(val);
  });
}

test("a multi-input/output dataset's first batch is checked like data: keys, counts and shapes named, nothing trained or leaked", async () => {
  const data = split(8, 120);
  const doubled = tf.mul(data.kind, 2);
  const model = twoByTwo();
  const cases: Array<[what: string, dataset: () => tf.data.Dataset<tf.TensorContainer>, message: RegExp]> = [
    ['one xs tensor', () => tf.data.array([{ xs: data.a, ys: { price: data.price, kind: data.kind } }]), /data\.dataset batch\.x is one tensor but the model has 2 \(a, b\)/],
    // trainlab's own datasets yield one xs and one ys: map them for several inputs/outputs.
    ['a trainlab dataset as it comes', () => datasets.fromArrays({ x: data.a, y: data.price }, { batchSize: 4 }), /data\.dataset batch\.x is one tensor but the model has 2 \(a, b\)\. Map each batch to an array in that order or \{a: tensor, b: tensor\} with dataset\.map\(/],
    ['a missing output key', () => tf.data.array([{ xs: { a: data.a, b: data.b }, ys: { price: data.price } }]), /data\.dataset batch\.y has keys \{price\} but the model's are \{price, kind\}\. Add kind\./],
    ['a wrong input width', () => tf.data.array([{ xs: [data.a, data.a], ys: [data.price, data.kind] }]), /data\.dataset batch\.x\[1\] has shape \[8, 2\] but the model expects input \[null, 1\]/],
    ['labels the loss cannot use', () => tf.data.array([{ xs: [data.a, data.b], ys: [data.price, doubled] }]), /data\.dataset\.ys\[1\] \(first batch\)/],
  ];
  const good = () => tf.data.array([{ xs: { a: data.a, b: data.b }, ys: { price: data.price, kind: data.kind } }]);
  // The validation dataset's first batch is checked the same way.
  const withValidation: typeof cases = [
    ['a validation batch missing an input', () => tf.data.array([{ xs: { a: data.a }, ys: { price: data.price, kind: data.kind } }]), /data\.validation batch\.x has keys \{a\} but the model's are \{a, b\}\. Add b\./],
    ['a validation batch with a wrong target width', () => tf.data.array([{ xs: [data.a, data.b], ys: [data.price, data.price] }]), /data\.validation batch\.y\[1\] has shape \[8, 1\] but the model outputs \[null, 3\]/],
    ['an empty validation dataset', () => tf.data.array([] as tf.TensorContainer[]), /data\.validation is empty/],
  ];
  for (const [what, dataset, message, validation] of [...cases.map(([w, d, m]) => [w, d, m, false] as const), ...withValidation.map(([w, d, m]) => [w, d, m, true] as const)]) {
    const ds = dataset();
    const before = tf.memory().numTensors;
    const streamed = validation ? { dataset: good(), validation: ds } : { dataset: ds };
    await assert.rejects(quietly(() => train(model, streamed as never, { epochs: 1 }, { progress: false })), message, what);
    assert.equal(model.optimizer, undefined, `${what}: not compiled`);
    assert.equal(tf.memory().numTensors, before, `${what}: no leak`);
  }
  model.dispose();
  doubled.dispose();
  disposeSplit(data);
});

test('a trainlab dataset mapped into {xs: {a, b}, ys: {price, kind}} trains a two-input, two-output model and leaves no tensors', async () => {
  const data = split(16, 130);
  const x = tf.concat([data.a, data.b], 1);
  const y = tf.concat([data.price, data.kind], 1);
  const model = twoByTwo();
  const before = tf.memory().numTensors;
  const ds = datasets.fromArrays({ x, y }, { batchSize: 4, seed: 1 }).map((batch) => {
    const { xs, ys } = batch as { xs: tf.Tensor; ys: tf.Tensor };
    return { xs: { a: xs.slice([0, 0], [-1, 2]), b: xs.slice([0, 2], [-1, 1]) }, ys: { price: ys.slice([0, 0], [-1, 1]), kind: ys.slice([0, 1], [-1, 3]) } };
  });
  const run = await quietly(() => train(model, { dataset: ds as never }, { epochs: 2 }, { progress: false }));
  assert.deepEqual(run.history.map((r) => r.epoch), [0, 1]);
  for (const key of ['loss', 'price_loss', 'kind_loss']) assert.ok(Number.isFinite(run.final![key]), key);
  disposeTrainingState(model);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  tf.dispose([x, y]);
  disposeSplit(data);
});
