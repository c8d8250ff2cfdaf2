import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend, setSeed } from '../../src/backend';
import { liveChart, ChartError } from '../../src';
import { PLOTLY_MIME } from '../../src/charts';
import { FakeDisplay, isLibraryOutput } from '../display/fake';

/** The figure a chart output's HTML draws (the JSON after `T.figs[id]=`). */
function figureIn(bundle: Record<string, unknown>): { data: Array<{ name: string; y: number[] }>; layout: { title: { text: string }; height: number; xaxis: { range?: number[] } } } {
  const html = String(bundle['text/html']);
  const start = html.lastIndexOf(']={"data"') + 2;
  const end = html.indexOf(';T.', start);
  return JSON.parse(html.slice(start, end).replace(/\\u003c/g, '<')) as ReturnType<typeof figureIn>;
}

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 0;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

test('liveChart: chart output fixed while training, throttled updates through a second output, final figure at the end', async () => {
  const d = new FakeDisplay();
  const c = clock();
  const cb = liveChart({ display: d, updateEveryMs: 500, now: c.now, title: '<b>run</b>' });
  cb.setParams({ epochs: 6 });
  await cb.onTrainBegin();
  assert.equal(d.outputs.length, 2, 'the chart and its (empty) updater');
  const [chart, updater] = d.outputs;
  assert.deepEqual(Object.keys(chart.history[0]), ['text/html', 'text/plain'], 'no plotly JSON while live: its renderer ignores updates');
  assert.deepEqual(updater.history[0], { 'text/html': '', 'text/plain': '' });
  // 6 epochs, 200 ms apart: updates at t=0, 600 (3rd epoch... ) only when 500 ms passed.
  for (let e = 0; e < 6; e++) {
    await cb.onEpochBegin(e);
    await cb.onEpochEnd(e, { loss: 1 / (e + 1), val_loss: 1.2 / (e + 1), lr: 0.01 });
    c.advance(200);
  }
  assert.equal(chart.history.length, 1, 'the chart output itself is never re-rendered during training');
  assert.equal(cb.updates, 2, 'epochs end at t=0, 200, ..., 1000: sent at 0 and 600 (>= 500 ms apart)');
  assert.equal(updater.history.length, 3);
  const live = String(updater.history[2]['text/html']);
  assert.match(live, new RegExp(`data-trainlab-live="${chart.history[0]['text/html'] ? String(chart.history[0]['text/html']).match(/id="([^"]+)"/)?.[1] : ''}"`));
  assert.match(live, /epoch 4\/6/);
  assert.ok(!live.includes('<b>run</b>'), 'title escaped in the live figure');
  await cb.onTrainEnd();
  assert.equal(chart.history.length, 2, 'one final update of the chart');
  const final = chart.history[1];
  assert.deepEqual(Object.keys(final), ['text/html', 'text/plain'], 'the same MIME types as while live: drawn by the same renderer');
  const fig = figureIn(final);
  assert.deepEqual(fig.data.map((t) => t.name), ['loss', 'val_loss', 'learning rate 0.01 (constant)', 'best val_loss']);
  assert.equal(fig.data[0].y.length, 6);
  assert.equal(fig.layout.title.text, '&lt;b&gt;run&lt;/b&gt;');
  assert.deepEqual(updater.history[updater.history.length - 1], { 'text/html': '', 'text/plain': '' }, 'updater emptied');
  assert.equal(String(final['text/html']).includes('plotly.js v'), false, 'a chart never holds plotly.js: its final update re-sends only the figure');
  assert.deepEqual(d.all.filter(isLibraryOutput).map((o) => o.history.length), [1], 'one hidden output, sent before the chart, holds it and is never re-sent');
});

test('backend', async () => {
  await useBackend('cpu');
});

test('liveChart granularity batch plots fractional epochs; updateEveryMs 0 updates on every log', async () => {
  const d = new FakeDisplay();
  const cb = liveChart({ display: d, granularity: 'batch', updateEveryMs: 0 });
  cb.setParams({ epochs: 2, samples: 40, batchSize: 10 });
  await cb.onTrainBegin();
  for (let e = 0; e < 2; e++) {
    await cb.onEpochBegin(e);
    for (let b = 0; b < 4; b++) await cb.onBatchEnd(b, { loss: tf.scalar(1 - 0.1 * (e * 4 + b)) as never });
    await cb.onEpochEnd(e, { loss: 0.5 });
  }
  assert.deepEqual(cb.batchPoints.map((p) => p[0]), [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
  assert.ok(Math.abs(cb.batchPoints[7][1] - 0.3) < 1e-6, 'tensor logs read as numbers');
  assert.equal(cb.updates, 10);
  const fig = cb.figure(true);
  assert.equal(fig.data[0].name, 'loss (batch)');
});

test('liveChart outside a notebook draws nothing live and writes the final chart once', async () => {
  const d = new FakeDisplay(false);
  const cb = liveChart({ display: d, writeFileOutsideNotebook: false });
  await cb.onTrainBegin();
  await cb.onEpochEnd(0, { loss: 1 });
  await cb.onTrainEnd();
  assert.equal(d.outputs.length, 0);
});

test('liveChart option errors', () => {
  assert.throws(() => liveChart({ updateEveryMs: -1 }), (e: unknown) => e instanceof ChartError && /updateEveryMs must be a finite number >= 0, received -1/.test(e.message));
  assert.throws(() => liveChart({ granularity: 'step' as never }), /liveChart: granularity: 'step' is not a known value; expected one of 'epoch' \| 'batch'/);
});

test('liveChart in a real model.fit (alone and next to a tfjs callback), no tensor leaks', async () => {
  await useBackend('cpu');
  setSeed(1);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError', metrics: ['mae'] });
  const x = tf.randomNormal([64, 4]);
  const y = tf.randomNormal([64, 1]);
  await model.fit(x, y, { epochs: 1, verbose: 0 }); // creates the optimizer's slots
  for (const extra of [[], [tf.callbacks.earlyStopping({ patience: 50 })]]) {
    const d = new FakeDisplay();
    const cb = liveChart({ display: d, updateEveryMs: 0 });
    const before = tf.memory().numTensors;
    const h = await model.fit(x, y, { epochs: 4, batchSize: 16, validationSplit: 0.25, verbose: 0, callbacks: [...extra, cb] });
    assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
    assert.equal(cb.rows.length, 4);
    assert.deepEqual(cb.rows.map((r) => r.loss), h.history.loss);
    assert.deepEqual(Object.keys(cb.rows[0]).sort(), ['loss', 'mae', 'val_loss', 'val_mae']);
    const final = d.outputs[0].history[d.outputs[0].history.length - 1];
    assert.ok(!(PLOTLY_MIME in final), 'final figure through the same renderer as the live one');
    assert.equal(figureIn(final).data[0].y.length, 4);
  }
  // As a plain object (tfjs wraps it in CustomCallback and calls hooks unbound).
  const d = new FakeDisplay();
  const cb = liveChart({ display: d, updateEveryMs: 0 });
  const plain = { onTrainBegin: cb.onTrainBegin, onEpochEnd: cb.onEpochEnd, onTrainEnd: cb.onTrainEnd };
  await model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0, callbacks: plain });
  assert.equal(cb.rows.length, 2);
  tf.dispose([x, y]);
  model.dispose();
});

test("liveChart in trainlab's train: epochs, lr from the logs, final figure; lossCurves and compareRuns take the RunResult", async () => {
  const { train } = await import('../../src/training');
  const { charts } = await import('../../src');
  await useBackend('cpu');
  setSeed(2);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2] }), tf.layers.dense({ units: 1 })] });
  const x = tf.randomNormal([64, 2]);
  const y = tf.randomNormal([64, 1]);
  const d = new FakeDisplay();
  const cb = liveChart({ display: d, updateEveryMs: 0 });
  const run = await train(model, { x, y }, { epochs: 3, validationSplit: 0.25, loss: 'meanSquaredError' }, { callbacks: [cb] });
  assert.equal(cb.rows.length, 3);
  assert.ok(cb.rows.every((r) => typeof r.lr === 'number' && r.lr > 0), JSON.stringify(cb.rows));
  const final = figureIn(d.outputs[0].history[d.outputs[0].history.length - 1]) as unknown as { data: Array<{ name: string }> };
  assert.ok(final.data.some((t) => /^learning rate/.test(t.name)));
  const fig = charts.lossCurves(run);
  assert.deepEqual(fig.data.map((t) => t.name).slice(0, 2), ['loss', 'val_loss']);
  assert.match(fig.data[2].name ?? '', /^learning rate/);
  assert.equal(charts.compareRuns([run, run]).data.length, 2);
  tf.dispose([x, y]);
  model.dispose();
});

test('liveChart metrics missing from the logs: warns once naming them and the available ones, charts the rest', async (t) => {
  const warn = t.mock.method(console, 'warn', () => undefined);
  const d = new FakeDisplay();
  const cb = liveChart({ display: d, updateEveryMs: 0, metrics: ['acc', 'f1', 'loss'] });
  await cb.onTrainBegin();
  for (let e = 0; e < 3; e++) await cb.onEpochEnd(e, { loss: 1 / (e + 1), val_loss: 1, acc: 0.5, val_acc: 0.4 });
  await cb.onTrainEnd();
  assert.equal(warn.mock.callCount(), 1, 'warned once, not at every epoch');
  assert.equal(
    warn.mock.calls[0].arguments[0],
    "liveChart: metric 'f1' is not in the training logs. Available: loss, acc. Charting acc, loss instead; fix the metrics option (names as the logs have them, without val_) or compile the model with the metric.",
  );
  assert.equal(cb.updates, 3, 'every epoch charted');
  const final = figureIn(d.outputs[0].history[1]) as unknown as { data: Array<{ name: string; yaxis: string }> };
  assert.deepEqual(final.data.map((tr) => [tr.name, tr.yaxis]), [['acc', 'y'], ['val_acc', 'y'], ['loss', 'y2'], ['val_loss', 'y2'], ['best val_loss', 'y2']]);
});

test('liveChart metrics none of which is logged: one warning, every logged metric charted', async (t) => {
  const warn = t.mock.method(console, 'warn', () => undefined);
  const cb = liveChart({ display: new FakeDisplay(), updateEveryMs: 0, metrics: ['accuracy', 'auc'] });
  await cb.onTrainBegin();
  await cb.onEpochEnd(0, { loss: 1, acc: 0.5 });
  await cb.onEpochEnd(1, { loss: 0.5, acc: 0.6 });
  assert.equal(warn.mock.callCount(), 1);
  assert.match(String(warn.mock.calls[0].arguments[0]), /^liveChart: metrics 'accuracy', 'auc' are not in the training logs\. Available: loss, acc\. Charting every available metric instead/);
  assert.deepEqual(cb.figure().data.map((tr) => tr.name), ['loss', 'acc']);
});

test('liveChart onTrainError ends the chart with the epochs so far, once; nothing after onTrainEnd', async () => {
  const d = new FakeDisplay();
  const cb = liveChart({ display: d, updateEveryMs: 1e9 });
  cb.setParams({ epochs: 10 });
  await cb.onTrainBegin();
  await cb.onEpochEnd(0, { loss: 1 });
  await cb.onEpochEnd(1, { loss: 0.5 });
  await cb.onTrainError(new Error('boom'));
  await cb.onTrainError(new Error('again'));
  await cb.onTrainEnd();
  const chart = d.outputs[0];
  assert.equal(chart.history.length, 2, 'one final figure');
  const fig = figureIn(chart.history[1]) as unknown as { data: Array<{ name: string; y: number[] }>; layout: { title: { text: string } } };
  assert.equal(fig.layout.title.text, 'Training — stopped by an error after 2 epochs');
  assert.deepEqual(fig.data[0].y, [1, 0.5]);
  assert.deepEqual(d.outputs[1].history[d.outputs[1].history.length - 1], { 'text/html': '', 'text/plain': '' }, 'updater emptied');
  // A completed fit: onTrainError afterwards changes nothing.
  const d2 = new FakeDisplay();
  const ok = liveChart({ display: d2 });
  await ok.onTrainBegin();
  await ok.onEpochEnd(0, { loss: 1 });
  await ok.onTrainEnd();
  await ok.onTrainError(new Error('late'));
  assert.equal(d2.outputs[0].history.length, 2);
  assert.equal((figureIn(d2.outputs[0].history[1]) as unknown as { layout: { title: { text: string } } }).layout.title.text, 'Training');
  // Failing before the first epoch ended: the chart says so instead of staying at "epoch 0".
  const d3 = new FakeDisplay();
  const early = liveChart({ display: d3 });
  await early.onTrainBegin();
  await early.onTrainError(new Error('shape mismatch'));
  assert.equal((figureIn(d3.outputs[0].history[1]) as unknown as { layout: { title: { text: string } } }).layout.title.text, 'Training — stopped by an error before the first epoch ended');
});

test("train calls onTrainError when the fit throws: liveChart gets its final figure, the fit's error is rethrown", async () => {
  const { train } = await import('../../src/training');
  await useBackend('cpu');
  setSeed(3);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  const x = tf.randomNormal([32, 2]);
  const y = tf.randomNormal([32, 1]);
  const d = new FakeDisplay();
  const cb = liveChart({ display: d, updateEveryMs: 1e9 });
  const failing = { onEpochEnd: async (epoch: number) => { if (epoch === 2) throw new Error('disk full'); } };
  await assert.rejects(train(model, { x, y }, { epochs: 6, loss: 'meanSquaredError' }, { callbacks: [cb, failing], progress: false }), /disk full/);
  assert.equal(cb.rows.length, 3, 'liveChart saw epochs 0-2 (it runs before the failing callback)');
  const chart = d.outputs[0];
  const fig = figureIn(chart.history[chart.history.length - 1]) as unknown as { data: Array<{ name: string; y: number[] }>; layout: { title: { text: string } } };
  assert.ok(fig !== undefined, 'final figure with plotly JSON sent');
  assert.equal(fig.layout.title.text, 'Training — stopped by an error after 3 epochs');
  assert.equal(fig.data[0].y.length, 3);
  // The model is free again: another train on it runs.
  const again = await train(model, { x, y }, { epochs: 1, loss: 'meanSquaredError' }, { progress: false });
  assert.equal(again.end, 'completed');
  tf.dispose([x, y]);
  model.dispose();
});

test('liveChart: the first frame has the final size (panels from the fit\'s params.metrics), the x axis spans the planned epochs', async () => {
  const d = new FakeDisplay();
  const cb = liveChart({ display: d, updateEveryMs: 0 });
  cb.setParams({ epochs: 4, metrics: ['loss', 'acc', 'val_loss', 'val_acc'] });
  await cb.onTrainBegin();
  const [chart, updater] = d.outputs;
  const first = figureIn(chart.history[0]);
  const sizes = [first.layout.height];
  for (let e = 0; e < 4; e++) {
    await cb.onEpochBegin(e);
    await cb.onEpochEnd(e, { loss: 1 / (e + 1), acc: 0.5 + e / 10, val_loss: 1.1 / (e + 1), val_acc: 0.45 + e / 10, lr: e < 2 ? 0.01 : 0.001 });
    sizes.push(figureIn(updater.history[updater.history.length - 1]).layout.height);
  }
  await cb.onTrainEnd();
  const final = figureIn(chart.history[chart.history.length - 1]);
  sizes.push(final.layout.height);
  assert.equal(first.layout.height, 260 * 2 + 120 - 40 + 62 + 2 * 28 + 8, 'two panels and a two-row legend from the first frame');
  assert.deepEqual(new Set(sizes).size, 1, `one height throughout: ${sizes.join(', ')}`);
  assert.deepEqual(first.layout.xaxis.range, [0.5, 4.5]);
  assert.deepEqual(final.layout.xaxis.range, [0.5, 4.5]);
  assert.ok(final.data.some((t) => t.name === 'best val_loss'));
});

test('liveChart: a fit stopped early ends on a figure that spans the epochs run, not the planned ones', async () => {
  const d = new FakeDisplay();
  const cb = liveChart({ display: d, updateEveryMs: 0 });
  cb.setParams({ epochs: 2000, metrics: ['loss'] });
  await cb.onTrainBegin();
  const [chart, updater] = d.outputs;
  for (let e = 0; e < 3; e++) {
    await cb.onEpochBegin(e);
    await cb.onEpochEnd(e, { loss: 1 / (e + 1) });
  }
  assert.deepEqual(figureIn(updater.history[updater.history.length - 1]).layout.xaxis.range, [0.5, 2000.5], 'live frames keep the planned span');
  await cb.onTrainEnd();
  assert.deepEqual(figureIn(chart.history[chart.history.length - 1]).layout.xaxis.range, [0.5, 3.5]);
});

test('liveChart on a continued fit (tfjs initialEpoch) numbers its epochs on: x values, title and axis start at the first epoch run', async () => {
  const d = new FakeDisplay();
  const cb = liveChart({ display: d, updateEveryMs: 0 });
  // What tfjs passes for fit({initialEpoch: 32, epochs: 37}).
  cb.setParams({ epochs: 37, initialEpoch: 32, metrics: ['loss'] });
  await cb.onTrainBegin();
  const [chart, updater] = d.outputs;
  for (let e = 32; e < 35; e++) {
    await cb.onEpochBegin(e);
    await cb.onEpochEnd(e, { loss: 1 / e });
  }
  const live = figureIn(updater.history[updater.history.length - 1]);
  const lossTrace = live.data.find((t) => t.name === 'loss') as unknown as { x: number[] } | undefined;
  assert.match(live.layout.title.text, /epoch 35\/37/);
  assert.deepEqual(lossTrace?.x, [33, 34, 35]);
  assert.deepEqual(live.layout.xaxis.range, [32.5, 37.5], 'live frames span the epochs this call plans');
  await cb.onTrainEnd();
  assert.deepEqual(figureIn(chart.history[chart.history.length - 1]).layout.xaxis.range, [32.5, 35.5], 'the final figure spans the epochs run');
});

/** Ticks Plotly lays out on the x axis: one per dtick across the range, or its own choice (about 10) without one. */
function xTicks(layout: { xaxis: { range?: number[]; dtick?: number } }, epochsRun: number): number {
  const { range, dtick } = layout.xaxis;
  if (dtick === undefined) return 10;
  const [lo, hi] = range ?? [1, Math.max(1, epochsRun)];
  return Math.floor((hi - lo) / dtick) + 1;
}

// A frame with a thousand tick labels takes Plotly seconds to lay out: a page drawing a live
// chart of 2000 planned epochs froze for minutes while the first 12 epochs arrived.
for (const c of [
  { planned: 2000, run: 3, stopped: true, liveDtick: undefined, finalDtick: 1 },
  { planned: 2000, run: 20, stopped: true, liveDtick: undefined, finalDtick: undefined },
  { planned: 10, run: 10, stopped: false, liveDtick: 1, finalDtick: 1 },
  { planned: 12, run: 12, stopped: false, liveDtick: 1, finalDtick: 1 },
  { planned: 13, run: 13, stopped: false, liveDtick: undefined, finalDtick: undefined },
]) {
  test(`liveChart x ticks: ${c.run} of ${c.planned} planned epochs: one tick per epoch only when at most 12 are shown`, async () => {
    const d = new FakeDisplay();
    const cb = liveChart({ display: d, updateEveryMs: 0 });
    cb.setParams({ epochs: c.planned, metrics: ['loss'] });
    await cb.onTrainBegin();
    const [chart, updater] = d.outputs;
    const frames = [figureIn(chart.history[0])];
    for (let e = 0; e < c.run; e++) {
      await cb.onEpochBegin(e);
      await cb.onEpochEnd(e, { loss: 1 / (e + 1) });
      frames.push(figureIn(updater.history[updater.history.length - 1]));
    }
    await cb.onTrainEnd();
    const final = figureIn(chart.history[chart.history.length - 1]) as unknown as { layout: { xaxis: { range?: number[]; dtick?: number } } };
    for (const frame of frames as unknown as Array<{ layout: { xaxis: { range?: number[]; dtick?: number } } }>) {
      assert.equal(frame.layout.xaxis.dtick, c.liveDtick, `live frame over ${JSON.stringify(frame.layout.xaxis.range)}`);
      assert.ok(xTicks(frame.layout, c.run) <= 13, `at most 13 x ticks, got ${xTicks(frame.layout, c.run)}`);
    }
    assert.equal(final.layout.xaxis.dtick, c.finalDtick, `final frame over ${JSON.stringify(final.layout.xaxis.range)}`);
    assert.ok(xTicks(final.layout, c.run) <= 13);
    if (c.stopped) assert.deepEqual(final.layout.xaxis.range, [0.5, c.run + 0.5]);
  });
}
