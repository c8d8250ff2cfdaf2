import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend, setSeed } from '../../src/backend';
import { liveChart, ChartError } from '../../src';
import { PLOTLY_MIME } from '../../src/charts';
import { FakeDisplay } from '../display/fake';

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
  assert.deepEqual(Object.keys(final), [PLOTLY_MIME, 'text/html', 'text/plain']);
  const fig = final[PLOTLY_MIME] as { data: Array<{ name: string; y: number[] }>; layout: { title: { text: string } } };
  assert.deepEqual(fig.data.map((t) => t.name), ['loss', 'val_loss', 'learning rate', 'best val_loss']);
  assert.equal(fig.data[0].y.length, 6);
  assert.equal(fig.layout.title.text, '&lt;b&gt;run&lt;/b&gt;');
  assert.deepEqual(updater.history[updater.history.length - 1], { 'text/html': '', 'text/plain': '' }, 'updater emptied');
  assert.equal(String(final['text/html']).includes('plotly.js v'), true, 'still the page carrier');
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
  assert.throws(() => liveChart({ granularity: 'step' as never }), /granularity "step" is not one of 'epoch' \| 'batch'/);
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
    assert.ok(PLOTLY_MIME in final);
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
  const final = d.outputs[0].history[d.outputs[0].history.length - 1][PLOTLY_MIME] as { data: Array<{ name: string }> };
  assert.ok(final.data.some((t) => t.name === 'learning rate'));
  const fig = charts.lossCurves(run);
  assert.deepEqual(fig.data.map((t) => t.name).slice(0, 3), ['loss', 'val_loss', 'learning rate']);
  assert.equal(charts.compareRuns([run, run]).data.length, 2);
  tf.dispose([x, y]);
  model.dispose();
});
