import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { datasets, models } from '../../src';
import { decisionBoundary, decisionBoundaryCallback } from '../../src/charts/decisionBoundary';
import { PLOTLY_MIME } from '../../src/charts/output';
import type { MimeBundle } from '../../src/display/types';
import { FakeDisplay } from '../display/fake';

before(async () => {
  await useBackend('cpu', { quiet: true });
});

/** A logistic model whose class is 1 exactly where x1 >= 0 (sigmoid(10·x1) >= 0.5). */
function signOfX1(): tf.LayersModel {
  const model = models.mlp({ inputShape: [2], hidden: [], output: 'binary' });
  tf.tidy(() => model.setWeights([tf.tensor2d([[10], [0]]), tf.tensor1d([0])]));
  return model;
}

/** The outputs a reader sees (the hidden plotly.js holder left out): what each first showed, and every update as [output, bundle]. */
function fakeDisplay(inNotebook: boolean) {
  const display = new FakeDisplay(inNotebook);
  return {
    display,
    get shown(): MimeBundle[] {
      return display.outputs.map((o) => o.history[0]);
    },
    get updates(): Array<[number, MimeBundle]> {
      return display.outputs.flatMap((o, i) => o.history.slice(1).map((b): [number, MimeBundle] => [i, b]));
    },
  };
}

describe('charts.decisionBoundary', () => {
  it('heatmap of the predicted class over the grid, data points on top per class', () => {
    const model = signOfX1();
    const data = datasets.moons({ n: 60, seed: 1 });
    const before = tf.memory().numTensors;
    const fig = decisionBoundary(model, data, { gridSize: 20, title: 'moons' });
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    const [heat, ...points] = fig.data;
    assert.equal(heat.type, 'heatmap');
    assert.equal(heat.x!.length, 20);
    assert.equal(heat.y!.length, 20);
    assert.equal(heat.z!.length, 20);
    const xs = heat.x as number[];
    heat.z!.forEach((row) => row.forEach((v, i) => assert.equal(v, xs[i] >= 0 ? 1 : 0)));
    assert.deepEqual(points.map((t) => [t.type, t.mode, t.name]), [['scatter', 'markers', 'upper'], ['scatter', 'markers', 'lower']]);
    assert.equal(points[0].x!.length + points[1].x!.length, 60);
    assert.equal(fig.layout.title?.text, 'moons');
    assert.deepEqual([fig.layout.xaxis?.title?.text, fig.layout.yaxis?.title?.text], ['x1', 'x2']);
    // the grid covers the data with 10 % margin
    const x = Array.from(tf.tidy(() => data.x.slice([0, 0], [-1, 1]).dataSync()));
    const [lo, hi] = [Math.min(...x), Math.max(...x)];
    assert.ok(Math.abs(xs[0] - (lo - 0.1 * (hi - lo))) < 1e-9);
    tf.dispose(data);
    model.dispose();
  });

  it('probability: sigmoid and 2-unit softmax give P(class 1) in [0, 1]; 3 classes give confidence', () => {
    const model = signOfX1();
    const data = datasets.moons({ n: 20 });
    const fig = decisionBoundary(model, data, { gridSize: 5, probability: true });
    const z = fig.data[0].z!.flat() as number[];
    assert.ok(z.every((v) => v >= 0 && v <= 1));
    assert.ok(z.some((v) => v > 0 && v < 1), 'a probability, not a class');
    assert.equal(fig.data[0].zmin, 0);
    const two = models.mlp({ inputShape: [2], hidden: [], output: { classes: 2 } });
    tf.tidy(() => two.setWeights([tf.tensor2d([[-5, 5], [0, 0]]), tf.tensor1d([0, 0])]));
    const fig2 = decisionBoundary(two, data, { gridSize: 5, probability: true });
    const xs2 = fig2.data[0].x as number[];
    fig2.data[0].z!.forEach((row) => row.forEach((v, i) => assert.ok(Math.abs((v as number) - 1 / (1 + Math.exp(-10 * xs2[i]))) < 1e-5)));
    assert.equal((fig2.data[0].colorbar as { title: { text: string } }).title.text, 'P(lower)');
    // P(class 1) = 1 has class 1's marker colour (#ef553b), 0 class 0's (#636efa), undecided is white.
    assert.deepEqual(fig2.data[0].colorscale, [[0, '#636efa'], [0.5, '#ffffff'], [1, '#ef553b']]);
    assert.equal(fig2.data[0].reversescale, undefined);
    assert.deepEqual(fig2.data.slice(1).map((t) => (t.marker as { color: string }).color), ['#636efa', '#ef553b']);
    two.dispose();
    const softmax = models.mlp({ inputShape: [2], hidden: [4], output: { classes: 3 }, seed: 1 });
    const spirals = datasets.spirals({ n: 30 });
    const fig3 = decisionBoundary(softmax, spirals, { gridSize: 5, probability: true });
    assert.ok((fig3.data[0].z!.flat() as number[]).every((v) => v >= 1 / 3 - 1e-6 && v <= 1));
    assert.equal((fig3.data[0].colorbar as { title: { text: string } }).title.text, 'confidence');
    assert.deepEqual(fig3.data[0].colorscale, [[0, '#ffffff'], [1, '#525252']], 'grey: not to be read as a class colour');
    tf.dispose([data, spirals]);
    model.dispose();
    softmax.dispose();
  });

  it('points have a dark outline; the class legend sits above the plot, away from the colour bar', () => {
    const model = signOfX1();
    const data = datasets.moons({ n: 20, seed: 2 });
    for (const probability of [false, true]) {
      const fig = decisionBoundary(model, data, { gridSize: 4, probability });
      for (const t of fig.data.slice(1)) assert.deepEqual((t.marker as { line: unknown }).line, { color: '#1a1a1a', width: 1 }, `${t.name} (probability ${probability})`);
      assert.deepEqual(fig.layout.legend, { title: { text: 'class', side: 'left' }, orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom' });
    }
    tf.dispose(data);
    model.dispose();
  });

  it('escapes class and feature names in plotly text', () => {
    const model = signOfX1();
    const data = { x: tf.tensor2d([[0, 0], [1, 1]]), y: tf.tensor2d([[0], [1]]), classes: ['<b>a</b>', 'b'], featureNames: ['<i>f</i>', 'g'] };
    const fig = decisionBoundary(model, data, { gridSize: 3 });
    assert.equal(fig.data[1].name, '&lt;b&gt;a&lt;/b&gt;');
    assert.equal(fig.layout.xaxis?.title?.text, '&lt;i&gt;f&lt;/i&gt;');
    tf.dispose(data);
    model.dispose();
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['3 features', () => decisionBoundary(signOfX1(), { x: tf.zeros([4, 3]), y: tf.zeros([4, 1]) }), /charts\.decisionBoundary: data\.x must have shape \[rows, 2\] .* received \[4, 3\]/],
    ['1-D x', () => decisionBoundary(signOfX1(), { x: tf.zeros([4]), y: tf.zeros([4]) }), /data\.x must have shape \[rows, 2\].*received \[4\]/],
    ['model for 3 inputs', () => decisionBoundary(models.mlp({ inputShape: [3], output: 'binary' }), { x: tf.zeros([4, 2]), y: tf.zeros([4, 1]) }), /the model takes inputs of shape \[null, 3\], not \[null, 2\]\. Build it with inputShape: \[2\]/],
    ['NaN point', () => decisionBoundary(signOfX1(), { x: tf.tensor2d([[0, NaN]]), y: tf.zeros([1, 1]) }), /data\.x\[0\] is \[0, NaN\]/],
    ['gridSize 1', () => decisionBoundary(signOfX1(), { x: tf.zeros([4, 2]), y: tf.zeros([4, 1]) }, { gridSize: 1 }), /gridSize must be a whole number in \[2, 500\], received 1/],
    ['no model', () => decisionBoundary(null as never, { x: tf.zeros([4, 2]), y: tf.zeros([4, 1]) }), /model must be a tfjs model with predict\(\)/],
    ['callback with 3-D data', () => decisionBoundaryCallback({ data: { x: tf.zeros([4, 3]), y: tf.zeros([4, 1]) } }), /decisionBoundaryCallback: data\.x must have shape \[rows, 2\], received \[4, 3\]/],
    ['callback every 0', () => decisionBoundaryCallback({ data: { x: tf.zeros([4, 2]), y: tf.zeros([4, 1]) }, every: 0 }), /every must be a whole number of epochs >= 1, received 0/],
  ];
  for (const [name, call, message] of bad) {
    it(`bad input: ${name}`, () => {
      tf.engine().startScope();
      assert.throws(call, message);
      tf.engine().endScope();
    });
  }
});

describe('decisionBoundaryCallback', () => {
  it('a fit that throws: onTrainError draws the final figure once, titled as stopped by an error', async () => {
    const data = datasets.moons({ n: 20, target: 'index' });
    const model = models.mlp({ inputShape: [2], hidden: [4], output: 'binary', seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const fake = fakeDisplay(true);
    const { display } = fake;
    const callback = decisionBoundaryCallback({ data, every: 10, gridSize: 5, display });
    const failing = new (class extends tf.Callback {
      override async onEpochEnd(epoch: number): Promise<void> {
        if (epoch === 1) throw new Error('boom');
      }
    })();
    await assert.rejects(model.fit(data.x, data.y, { epochs: 5, verbose: 0, callbacks: [callback, failing] }), /boom/);
    assert.equal(fake.updates.filter(([i]) => i === 0).length, 0, 'tfjs skipped onTrainEnd: chart still at "before training"');
    await callback.onTrainError(new Error('boom'));
    await callback.onTrainError(new Error('boom'));
    const finals = fake.updates.filter(([i]) => i === 0).map(([, b]) => b);
    assert.equal(finals.length, 1, 'drawn once');
    assert.match(JSON.stringify(finals[0][PLOTLY_MIME]), /stopped by an error after 2 epochs/);
    tf.dispose(data);
    model.dispose();
  });

  it('in a notebook: one chart, a live update every 2 epochs, the final figure at the end; no leaks', async () => {
    const data = datasets.moons({ n: 40, target: 'index' });
    const model = models.mlp({ inputShape: [2], hidden: [8], output: 'binary', seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    await model.fit(data.x, data.y, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    const fake = fakeDisplay(true);
    const { display } = fake;
    const callback = decisionBoundaryCallback({ data, every: 2, gridSize: 10, display });
    await model.fit(data.x, data.y, { epochs: 5, verbose: 0, callbacks: [callback] });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(callback.updates, 2, 'epochs 2 and 4');
    assert.equal(fake.shown.length, 2, 'the chart and its hidden updater');
    assert.match(String(fake.shown[0]['text/html']), /before training/);
    const live = fake.updates.filter(([i]) => i === 1).map(([, b]) => String(b['text/html']));
    assert.equal(live.length, 3, 'two redraws and the final clear');
    assert.match(live[0], /epoch 2/);
    assert.match(live[1], /epoch 4/);
    assert.equal(live[2], '');
    const final = fake.updates.filter(([i]) => i === 0).map(([, b]) => b).pop()!;
    assert.ok(PLOTLY_MIME in final, 'final figure carries the plotly JSON');
    assert.match(JSON.stringify(final[PLOTLY_MIME]), /after 5 epochs/);
    tf.dispose(data);
    model.dispose();
  });

  it('outside a notebook: nothing during training (no file when asked not to write one)', async () => {
    const data = datasets.xor({ n: 20, target: 'index' });
    const model = models.mlp({ inputShape: [2], hidden: [4], output: 'binary', seed: 2 });
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const fake = fakeDisplay(false);
    const { display } = fake;
    const callback = decisionBoundaryCallback({ data, every: 1, display, writeFileOutsideNotebook: false });
    await model.fit(data.x, data.y, { epochs: 2, verbose: 0, callbacks: [callback] });
    assert.equal(fake.shown.length, 0);
    assert.equal(callback.figure().data[0].type, 'heatmap');
    tf.dispose(data);
    model.dispose();
  });
});

describe('charts.decisionBoundary on a large dataset', () => {
  it('200,000 points draw (their extent is found without spreading them into Math.min), nothing leaks', () => {
    const model = signOfX1();
    const n = 200_000;
    const data = { x: tf.tensor2d(Array.from({ length: n * 2 }, (_, i) => ((i * 7919) % 1000) / 100 - 5), [n, 2]), y: tf.tensor1d(Array.from({ length: n }, (_, i) => i % 2), 'int32') };
    const before = tf.memory().numTensors;
    const fig = decisionBoundary(model, data);
    assert.equal(tf.memory().numTensors, before);
    const xaxis = fig.layout.xaxis as { range: [number, number] };
    assert.ok(xaxis.range[0] < -4.99 && xaxis.range[1] > 4.98, `x range ${xaxis.range}`);
    tf.dispose([data.x, data.y]);
    model.dispose();
  });
});
