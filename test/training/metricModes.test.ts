// A custom metric states which way it improves once ({name, fn, mode} or fn.mode); callbacks, charts and sweeps all use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { earlyStopping, reduceLROnPlateau } from '../../src/callbacks';
import { compareRuns, lossCurves, sweepResults } from '../../src/charts';
import { configRows, metricDirection, metricModes, type MetricFunction, type NamedMetric } from '../../src/config';
import { disposeTrainingState, sweep, train } from '../../src/training';
import { mlp, regressionData } from './helpers';

test.before(async () => {
  await tf.setBackend('cpu');
});

/** A score that rises as the model improves: 1 / (1 + mean squared error). */
const score = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => tf.tidy(() => tf.div(1, tf.add(1, tf.mean(tf.square(tf.sub(yTrue, yPred)), -1))));

function scoreFunction(mode?: 'min' | 'max'): MetricFunction {
  const f = Object.defineProperty((yTrue: tf.Tensor, yPred: tf.Tensor) => score(yTrue, yPred), 'name', { value: 'fit' }) as MetricFunction;
  if (mode !== undefined) f.mode = mode;
  return f;
}

// How the metric is given → the mode everything sees for `fit`, `val_fit` and `out1_fit`.
const forms: Array<[form: string, metric: () => NamedMetric | MetricFunction, mode: 'min' | 'max' | undefined]> = [
  ["{name, fn, mode: 'max'}", () => ({ name: 'fit', fn: score, mode: 'max' }), 'max'],
  ["{name, fn, mode: 'min'}", () => ({ name: 'fit', fn: score, mode: 'min' }), 'min'],
  ['a function with fit.mode', () => scoreFunction('max'), 'max'],
  ['{name, fn} without a mode', () => ({ name: 'fit', fn: score }), undefined],
];

for (const [form, metric, mode] of forms) {
  test(`metricModes reads ${form}: metricDirection is ${mode ?? 'unknown'} for fit, val_fit and out1_fit`, () => {
    const modes = metricModes([metric(), 'mae']);
    for (const key of ['fit', 'val_fit', 'out1_fit', 'val_out1_fit']) assert.equal(metricDirection(key, modes), mode, key);
    assert.equal(metricDirection('val_mae', modes), 'min');
  });
}

test('a run with a maximized custom metric: earlyStopping (config and callback) keeps the highest, charts say higher is better', async () => {
  const { x, y } = regressionData(48);
  const val = regressionData(16, 2);
  const metric: NamedMetric = { name: 'fit', fn: score, mode: 'max' };
  const model = mlp(1);
  const run = await train(model, { x, y }, { epochs: 6, learningRate: 0.02, metrics: [metric], validationData: [val.x, val.y], earlyStopping: { monitor: 'val_fit', patience: 10 } }, { progress: false });
  assert.equal(run.monitor, 'val_fit');
  assert.equal(run.direction, 'max');
  const values = run.history.map((r) => r.val_fit);
  assert.equal(run.bestValue, Math.max(...values));
  assert.equal(run.bestEpoch, values.indexOf(Math.max(...values)));
  // The compiled model carries the mode: a callback built without one resolves it at onTrainBegin.
  const stopper = earlyStopping({ monitor: 'val_fit', patience: 10 });
  const plateau = reduceLROnPlateau({ monitor: 'fit', patience: 10 });
  await train(model, { x, y }, { epochs: 1, validationData: [val.x, val.y] }, { progress: false, callbacks: [stopper, plateau] });
  assert.equal(stopper.direction, 'max');
  assert.equal(plateau.direction, 'max');
  // Charts take the direction from the run's config.
  const curves = lossCurves(run, { logY: true, monitor: 'val_fit' });
  const panel = Object.values(curves.layout).find((v) => (v as { title?: { text?: string } })?.title?.text === 'fit') as { type?: string } | undefined;
  assert.notEqual(panel?.type, 'log', 'a maximized metric is not log-scaled');
  const compared = compareRuns([run], { metric: 'val_fit' });
  assert.match((compared.layout.yaxis as { title: { text: string } }).title.text, /val_fit \(higher is better\)/);
  assert.match(configRows(run.config).find(([k]) => k === 'metrics')![1], /fit \(function, max\)/);
  disposeTrainingState(model);
  tf.dispose([x, y, val.x, val.y]);
});

test("lossCurves' best epoch follows the metric's mode: the highest value for 'max', the lowest for 'min'", () => {
  const history = [0.2, 0.6, 0.4].map((v, epoch) => ({ epoch, loss: 1 - v, fit: v }));
  const cases: Array<[mode: 'min' | 'max', bestX: number]> = [
    ['max', 2],
    ['min', 1],
  ];
  for (const [mode, bestX] of cases) {
    const curves = lossCurves({ history, monitor: 'fit', config: { metrics: [{ name: 'fit', fn: score, mode }] } });
    const best = curves.data.find((t) => String(t.name).startsWith('best'));
    assert.deepEqual((best as { x: number[] }).x, [bestX], mode);
  }
  // Without a mode the best point is not guessed.
  const unknown = lossCurves({ history, monitor: 'fit', config: { metrics: [{ name: 'fit', fn: score }] } });
  assert.equal(unknown.data.find((t) => String(t.name).startsWith('best')), undefined);
});

test("a custom metric without a mode cannot be monitored with mode 'auto': train says so before training", async () => {
  const { x, y } = regressionData(16);
  const cases: Array<[config: Record<string, unknown>, callbacks: unknown[], message: RegExp]> = [
    [{ metrics: [{ name: 'fit', fn: score }], earlyStopping: { monitor: 'val_fit' }, validationSplit: 0.25 }, [], /config\.earlyStopping: mode 'auto' cannot tell whether 'val_fit' should be minimized or maximized\. Pass mode: 'max' .*\{name, fn, mode: 'max'\}/],
    [{ metrics: [scoreFunction()] }, [earlyStopping({ monitor: 'fit' })], /earlyStopping: mode 'auto' cannot tell whether 'fit' should be minimized or maximized/],
  ];
  for (const [config, callbacks, message] of cases) {
    const model = mlp(1);
    const before = tf.memory().numTensors;
    await assert.rejects(train(model, { x, y }, config as never, { progress: false, callbacks: callbacks as never }), message);
    assert.equal(model.optimizer, undefined, 'not compiled');
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  }
  // An explicit mode needs nothing from the metric.
  const model = mlp(1);
  const run = await train(model, { x, y }, { epochs: 2, metrics: [{ name: 'fit', fn: score }], earlyStopping: { monitor: 'fit', mode: 'max', patience: 5 } }, { progress: false });
  assert.equal(run.direction, 'max');
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test("sweep ranks runs by a maximized custom metric and sweepResults colours it as 'higher is better'", async () => {
  const { x, y } = regressionData(32);
  const val = regressionData(16, 3);
  const cases: Array<['min' | 'max', boolean]> = [
    ['max', false],
    ['min', true],
  ];
  for (const [mode, reversescale] of cases) {
    const result = await sweep(
      { epochs: 2, metrics: [{ name: 'fit', fn: score, mode }], validationData: [val.x, val.y], earlyStopping: { monitor: 'val_fit', patience: 5 } },
      { learningRate: [0.001, 0.05] },
      () => mlp(1),
      { x, y },
      { progress: false, workers: 1 },
    );
    const values = result.runs.map((r) => r.result!.bestValue!);
    assert.equal(result.best?.result?.bestValue, mode === 'max' ? Math.max(...values) : Math.min(...values), `best run for mode ${mode}`);
    const fig = sweepResults(result, { metric: 'best_val_fit', params: ['learningRate'], kind: 'scatter' });
    assert.equal((fig.data[0] as unknown as { marker: { reversescale: boolean } }).marker.reversescale, reversescale, `sweepResults colours for mode ${mode}`);
  }
  tf.dispose([x, y, val.x, val.y]);
});

test('a named metric that is not {name, fn, mode?} is named in the config error', async () => {
  const { x, y } = regressionData(8);
  const cases: unknown[] = [{ name: 'fit', fn: score, mode: 'up' }, { name: '', fn: score }, { name: 'fit' }, { name: 'fit', fn: score, direction: 'max' }];
  for (const metric of cases) {
    await assert.rejects(train(mlp(1), { x, y }, { metrics: [metric] as never }, { progress: false }), /metrics\[0\] must be a metric name or a named function .*or \{name, fn, mode\?\} with mode 'min' \| 'max'/, JSON.stringify(metric));
  }
  tf.dispose([x, y]);
});
