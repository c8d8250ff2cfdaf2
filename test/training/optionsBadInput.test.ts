// Issue 11: options of train / findLearningRate / sweep / createOptimizer checked by zod strict
// schemas, the misleading messages it names, and label checks on a streamed dataset's first batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { DataError, datasets, splitData, standardize } from '../../src/data';
import { createOptimizer, OptimizerError, setLearningRate } from '../../src/optimizers';
import { findLearningRate, sweep, train, TrainingError } from '../../src/training';
import { badInputSuite, type BadInput } from '../helpers/badInput';

type Data = { x: tf.Tensor; y: tf.Tensor };
const classifier = () => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: 'softmax' })] });
const regressor = () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });

/** Runs `fn` with a fresh model and data, all disposed afterwards (the model's weights must not have changed). */
function withRun(fn: (model: tf.LayersModel, data: Data) => unknown, build: () => tf.LayersModel = regressor): () => Promise<unknown> {
  return async () => {
    const model = build();
    const data = { x: tf.randomNormal([8, 2]), y: tf.zeros([8, 1]) };
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    try {
      return await fn(model, data);
    } finally {
      assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), before, 'training ran');
      model.dispose();
      tf.dispose([data.x, data.y]);
    }
  };
}
const T = (name: string, run: () => unknown, field: string, message?: RegExp): BadInput => ({ name, run, error: TrainingError, field, message });
const O = (name: string, run: () => unknown, field: string, message?: RegExp): BadInput => ({ name, run, error: OptimizerError, field, message });
const D = (name: string, run: () => unknown, field: string, message?: RegExp): BadInput => ({ name, run, error: DataError, field, message });
const cfg = { epochs: 1, loss: 'meanSquaredError' } as const;

/** A streamed dataset of the rows in batches of 4 with sparse labels `labels`, and its source tensors (the caller disposes them). */
function stream(labels: number[]): [ReturnType<typeof datasets.fromArrays>, tf.Tensor[]] {
  const x = tf.tidy(() => tf.randomNormal([labels.length, 2], 0, 1, 'float32', 1)) as tf.Tensor2D;
  const y = tf.tensor2d(labels.map((v) => [v]));
  return [datasets.fromArrays({ x, y }, { batchSize: 4, shuffle: true, seed: 3 }), [x, y]];
}

badInputSuite('train/findLearningRate/sweep options', [
  T('train(..., {progres})', withRun((m, d) => train(m, d, cfg, { progres: false } as never)), 'progres', /options\.progres is not a known option\. Did you mean 'progress'\?/),
  T('train(..., {callback: [...]})', withRun((m, d) => train(m, d, cfg, { callback: [] } as never)), 'callback', /Did you mean 'callbacks'/),
  T('train(..., {stopOnNan})', withRun((m, d) => train(m, d, cfg, { stopOnNan: false } as never)), 'stopOnNan', /Did you mean 'stopOnNaN'/),
  T("train(..., {stopOnNaN: 'no'})", withRun((m, d) => train(m, d, cfg, { stopOnNaN: 'no' as never })), 'stopOnNaN', /must be true or false/),
  T('train(..., {progress: {widht}})', withRun((m, d) => train(m, d, cfg, { progress: { widht: 20 } } as never)), 'widht', /options\.progress\.widht is not a known option\. Did you mean 'width'\?/),
  T('train(..., {callbacks: {}})', withRun((m, d) => train(m, d, cfg, { callbacks: {} as never })), 'callbacks', /must be an array of callbacks/),
  T('train(..., {augmnt})', withRun((m, d) => train(m, d, cfg, { augmnt: ({ x, y }: never) => ({ x, y }) } as never)), 'augmnt', /options\.augmnt is not a known option\. Did you mean 'augment'\?/),
  T("train(..., {augment: 'flip'})", withRun((m, d) => train(m, d, cfg, { augment: 'flip' as never })), 'augment', /options\.augment must be a function/),
  T('train(..., false) positional', withRun((m, d) => train(m, d, cfg, false as never)), 'options', /options must be an options object \{callbacks, progress, stopOnNaN, onBusy, augment\}/),
  T('train(model, [x, y]) shows the tensors, not their internals', withRun((m, d) => train(m, [d.x, d.y] as never, cfg, { progress: false })), 'data', /received \[Tensor \[8, 2\] float32, Tensor \[8, 1\] float32\]/),
  T('findLearningRate({startLr})', withRun((m, d) => findLearningRate(m, d, { startLr: 1e-5 } as never)), 'startLr', /Did you mean 'startLR'/),
  T('findLearningRate({numStep})', withRun((m, d) => findLearningRate(m, d, { numStep: 10 } as never)), 'numStep', /Did you mean 'numSteps'/),
  T("findLearningRate({beta: '0.9'})", withRun((m, d) => findLearningRate(m, d, { beta: '0.9' as never })), 'beta'),
  T('findLearningRate(model, data, 100) positional', withRun((m, d) => findLearningRate(m, d, 100 as never)), 'options', /must be an options object/),
  T('sweep({seeed})', withRun((m, d) => sweep(cfg, { learningRate: [0.1] }, () => m, d, { seeed: 1 } as never)), 'seeed', /Did you mean 'seed'/),
  T('sweep({worker})', withRun((m, d) => sweep(cfg, { learningRate: [0.1] }, () => m, d, { worker: 2 } as never)), 'worker', /Did you mean 'workers'/),
  T('sweep({keepModel})', withRun((m, d) => sweep(cfg, { learningRate: [0.1] }, () => m, d, { keepModel: true } as never)), 'keepModel', /options\.keepModel is not a known option\. Did you mean 'keepModels'\?/),
  T("sweep({keepModels: 1})", withRun((m, d) => sweep(cfg, { learningRate: [0.1] }, () => m, d, { keepModels: 1 as never })), 'keepModels', /options\.keepModels must be true or false; received 1\./),
  T("sweep({progress: 'off'})", withRun((m, d) => sweep(cfg, { learningRate: [0.1] }, () => m, d, { progress: 'off' as never })), 'progress'),
  T('sweep(..., null) positional', withRun((m, d) => sweep(cfg, { learningRate: [0.1] }, () => m, d, null as never)), 'options', /must be an options object/),
  T('streamed labels outside [0, classes) (first batch)', async () => {
    const model = classifier();
    const [ds, source] = stream([5, 5, 5, 5, 5, 5, 5, 5]);
    try {
      return await train(model, { dataset: ds }, { epochs: 1, loss: 'sparseCategoricalCrossentropy' }, { progress: false });
    } finally {
      model.dispose();
      tf.dispose(source);
    }
  }, 'data.dataset.ys', /data\.dataset\.ys \(first batch\)/),
  T('streamed labels that are not 0/1 for a binary loss (first batch)', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid' })] });
    const [ds, source] = stream([2, 2, 2, 2, 2, 2, 2, 2]);
    try {
      return await train(model, { dataset: ds }, { epochs: 1, loss: 'binaryCrossentropy' }, { progress: false });
    } finally {
      model.dispose();
      tf.dispose(source);
    }
  }, 'data.dataset.ys', /first batch/),
  T('streamed data with validationData labels outside [0, classes)', async () => {
    const model = classifier();
    const [ds, source] = stream([0, 1, 0, 1, 0, 1, 0, 1]);
    const validation: [tf.Tensor, tf.Tensor] = [tf.zeros([4, 2]), tf.tensor2d([[0], [1], [7], [0]])];
    try {
      return await train(model, { dataset: ds }, { epochs: 1, loss: 'sparseCategoricalCrossentropy', validationData: validation }, { progress: false });
    } finally {
      model.dispose();
      tf.dispose([...source, ...validation]);
    }
  }, 'validationData.y', /7 in row 2/),
  O('createOptimizer(spec, {learningRat})', () => createOptimizer('adam', { learningRat: 0.1 } as never), 'learningRat', /Did you mean 'learningRate'/),
  O('createOptimizer({name, beta_1})', () => createOptimizer({ name: 'adam', beta_1: 0.8 } as never), 'beta_1'),
  O('setLearningRate(compiled model, 0.01)', () => {
    const model = regressor();
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    try {
      return setLearningRate(model as never, 0.01);
    } finally {
      model.dispose();
    }
  }, 'optimizer', /not the model; received the model '.*'\. Pass model\.optimizer\./),
  O('setLearningRate(uncompiled model, 0.01)', () => {
    const model = regressor();
    try {
      return setLearningRate(model as never, 0.01);
    } finally {
      model.dispose();
    }
  }, 'optimizer', /has no optimizer yet\. Compile it \(or train it\) first, then pass model\.optimizer/),
  D('splitData({stratify: true}) on a continuous target', () => {
    const data = { x: tf.randomNormal([20, 2]) as tf.Tensor2D, y: tf.randomNormal([20, 1]) as tf.Tensor2D };
    try {
      return splitData(data, { stratify: true });
    } finally {
      tf.dispose([data.x, data.y]);
    }
  }, 'stratify', /looks continuous, so every value became a class of its own\. Bin the target into classes first .*, or pass stratify: false/),
  D('splitData({stratify: true}) on many distinct whole numbers', () => {
    const data = { x: tf.randomNormal([20, 2]) as tf.Tensor2D, y: tf.tensor2d(Array.from({ length: 20 }, (_, i) => [100 + i * 7])) };
    try {
      return splitData(data, { stratify: true });
    } finally {
      tf.dispose([data.x, data.y]);
    }
  }, 'stratify', /20 distinct values in 20 rows/),
  D('standardize(train, val, test with other columns) keeps nothing it scaled', () => {
    const [a, b, c] = [tf.randomNormal([6, 2]) as tf.Tensor2D, tf.randomNormal([3, 2]) as tf.Tensor2D, tf.randomNormal([3, 3]) as tf.Tensor2D];
    try {
      return standardize(a, b, c);
    } finally {
      tf.dispose([a, b, c]);
    }
  }, 'x', /x has 3 columns but the scaler was fitted on 2/),
]);

test("the streamed label check reads the first batch without advancing the dataset's epoch", async () => {
  await tf.setBackend('cpu');
  const labels = [5, 5, 5, 5, 5, 5, 5, 5];
  const firstEpoch = async ([ds]: ReturnType<typeof stream>) => {
    const out: number[][] = [];
    await ds.forEachAsync((b) => {
      out.push(Array.from((b as { ys: tf.Tensor }).ys.dataSync()));
      tf.dispose(b);
    });
    return out;
  };
  const model = classifier();
  // Labels that differ per row (5 + row), so the batch order shows in the labels read back.
  const rowLabels = labels.map((v, i) => v + i);
  const checked = stream(rowLabels);
  const fresh = stream(rowLabels);
  await assert.rejects(train(model, { dataset: checked[0] }, { epochs: 1, loss: 'sparseCategoricalCrossentropy' }, { progress: false }), /data\.dataset\.ys \(first batch\)/);
  assert.deepEqual(await firstEpoch(checked), await firstEpoch(fresh), 'the check consumed an epoch (its shuffle order moved on)');
  model.dispose();
  tf.dispose([...checked[1], ...fresh[1]]);
});
