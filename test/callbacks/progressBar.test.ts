import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { progressBar } from '../../src/callbacks';
import { formatDuration, renderLine, summaryLine } from '../../src/callbacks/progressBar';
import type { Display, MimeBundle } from '../../src/display/types';
import { tinyModel } from './helpers';

class FakeDisplay implements Display {
  readonly inNotebook = true;
  shown: MimeBundle[] = [];
  updates: MimeBundle[] = [];
  show(bundle: MimeBundle) {
    this.shown.push(bundle);
    return { update: (b: MimeBundle) => void this.updates.push(b) };
  }
}

/** Drives the bar through `epochs` x `steps` batches, each taking `batchMs` of fake time. */
async function drive(bar: ReturnType<typeof progressBar>, clock: { t: number }, epochs: number, steps: number, batchMs: number) {
  bar.setParams({ epochs, samples: steps * 10, batchSize: 10 });
  await bar.onTrainBegin();
  for (let e = 0; e < epochs; e++) {
    await bar.onEpochBegin(e);
    for (let b = 0; b < steps; b++) {
      clock.t += batchMs;
      await bar.onBatchEnd(b, { batch: b, size: 10, loss: 1 / (b + 1) });
    }
    await bar.onEpochEnd(e, { loss: 0.5, val_loss: 0.75 });
  }
  await bar.onTrainEnd();
}

test('progressBar in a notebook shows one output and updates it in place, throttled', async () => {
  await tf.setBackend('cpu');
  const display = new FakeDisplay();
  const clock = { t: 0 };
  const bar = progressBar({ display, now: () => clock.t, maxUpdatesPerSecond: 4 });
  bar.setModel(tinyModel());
  // 2 epochs x 100 batches of 10 ms = 2 s: at most 4 draws/s during batches + 1 per epoch end.
  await drive(bar, clock, 2, 100, 10);
  assert.equal(display.shown.length, 1);
  assert.ok(bar.draws <= 2 * 4 + 2 + 2, `draws ${bar.draws}`);
  assert.ok(bar.draws >= 4);
  const last = display.updates[display.updates.length - 1];
  assert.match(String(last['text/plain']), /^Epoch 1\/2 \[=+\] 100\/100 .* loss 0\.5000 val_loss 0\.7500\nEpoch 2\/2 \[=+\] 100\/100/);
  assert.match(String(last['text/html']), /<progress value="1.0000"/);
  assert.match(String(last['text/plain']), /\nDone: 2\/2 epochs in 2\.0s · final loss 0\.5000, val_loss 0\.7500 · best loss 0\.5000 \(epoch 1\), val_loss 0\.7500 \(epoch 1\)$/);
  assert.match(String(last['text/html']), /<div style="font-weight:bold">Done: 2\/2 epochs/);
});

test('progressBar in a terminal rewrites one line with \\r and ends each epoch with a newline', async () => {
  await tf.setBackend('cpu');
  let out = '';
  const clock = { t: 0 };
  const bar = progressBar({ display: { inNotebook: false, show: () => ({ update: () => undefined }) }, stream: { write: (s: string) => (out += s) }, now: () => clock.t });
  bar.setModel(tinyModel());
  await drive(bar, clock, 2, 4, 300);
  const lines = out.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 3, 'two epoch lines and the summary');
  assert.equal(lines[2], 'Done: 2/2 epochs in 2.4s · final loss 0.5000, val_loss 0.7500 · best loss 0.5000 (epoch 1), val_loss 0.7500 (epoch 1)');
  assert.ok(out.includes('\r'));
  assert.match(lines[0].split('\r').pop() ?? '', /^Epoch 1\/2 \[=+\] 4\/4 1\.2s ETA 1\.2s loss 0\.5000 val_loss 0\.7500/);
  assert.match(lines[1].split('\r').pop() ?? '', /^Epoch 2\/2 \[=+\] 4\/4 2\.4s loss/);
});

const lineCases: Array<[Parameters<typeof renderLine>[0], string]> = [
  [{ epoch: 0, epochs: 3, batch: 5, steps: 10, elapsedMs: 1500, etaMs: 4500, metrics: { loss: 0.25 }, done: false }, 'Epoch 1/3 [=====>....] 5/10 1.5s ETA 4.5s loss 0.2500'],
  [{ epoch: 2, epochs: 3, batch: 7, steps: undefined, elapsedMs: 61000, etaMs: undefined, metrics: { acc: 1e-5 }, done: false }, 'Epoch 3/3 batch 7 1m 01s acc 1.000e-5'],
];
for (const [state, expected] of lineCases) {
  test(`renderLine → ${expected}`, () => {
    assert.equal(renderLine(state, 10), expected);
  });
}

test('formatDuration', () => {
  assert.deepEqual([500, 65000, 3725000].map(formatDuration), ['0.5s', '1m 05s', '1h 02m']);
});

test('progressBar rejects bad options', () => {
  assert.throws(() => progressBar({ maxUpdatesPerSecond: 0 }), /progressBar: maxUpdatesPerSecond must be a number > 0, received 0/);
  assert.throws(() => progressBar({ width: 0 }), /progressBar: width must be a whole number >= 1, received 0/);
});

test('progressBar runs inside model.fit without leaking', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  const x = tf.ones([20, 3]);
  const y = tf.zeros([20, 1]);
  let out = '';
  const before = tf.memory().numTensors;
  await model.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0, callbacks: [progressBar({ display: { inNotebook: false, show: () => ({ update: () => undefined }) }, stream: { write: (s: string) => (out += s) } })] });
  assert.equal(tf.memory().numTensors, before + 0);
  assert.match(out, /Epoch 2\/2 \[=+\] 4\/4/);
  tf.dispose([x, y]);
});

test("train's progress bar ends with a line naming the error when the fit throws (escaped in HTML)", async () => {
  const { train } = await import('../../src/training');
  await tf.setBackend('cpu');
  const model = tinyModel();
  const [inputs, outputs] = [model.inputs[0].shape[1] as number, model.outputs[0].shape[1] as number];
  const x = tf.randomNormal([20, inputs]);
  const y = tf.randomNormal([20, outputs]);
  const boom = new tf.CustomCallback({
    onEpochEnd: async (epoch) => {
      if (epoch === 1) throw new Error('<b>boom</b> in epoch 2');
    },
  });
  const display = new FakeDisplay();
  await assert.rejects(train(model, { x, y }, { epochs: 5, batchSize: 5 }, { callbacks: [boom], progress: { display } }), /<b>boom<\/b> in epoch 2/);
  const last = display.updates[display.updates.length - 1];
  assert.match(String(last['text/plain']), /\nStopped in epoch 2\/5 by an error: <b>boom<\/b> in epoch 2: 1\/5 epochs in \d+\.\ds · final loss \d\.\d{4}$/);
  assert.match(String(last['text/html']), /Stopped in epoch 2\/5 by an error: &lt;b&gt;boom&lt;\/b&gt; in epoch 2/);

  let out = '';
  const terminal = { display: { inNotebook: false, show: () => ({ update: () => undefined }) }, stream: { write: (s: string) => void (out += s) } };
  await assert.rejects(train(model, { x, y }, { epochs: 5, batchSize: 5 }, { callbacks: [boom], progress: terminal }), /boom/);
  assert.match(out, /\nStopped in epoch 2\/5 by an error: <b>boom<\/b> in epoch 2: 1\/5 epochs in \d+\.\ds · final loss \d\.\d{4}\n$/);
  tf.dispose([x, y]);
  model.dispose();
});

const summaryCases: Array<[Parameters<typeof summaryLine>[0], string]> = [
  [
    { epochs: 3, plannedEpochs: 3, elapsedMs: 1500, verdict: 'Done', epochLogs: [{ loss: 0.9, val_acc: 0.5, lr: 0.1 }, { loss: 0.5, val_acc: 0.7, lr: 0.1 }, { loss: 0.4, val_acc: 0.6, lr: 0.1 }] },
    'Done: 3/3 epochs in 1.5s · final loss 0.4000, val_acc 0.6000 · best loss 0.4000 (epoch 3), val_acc 0.7000 (epoch 2)',
  ],
  [{ epochs: 1, plannedEpochs: 1, elapsedMs: 200, verdict: 'Done', epochLogs: [{ loss: 0.25 }] }, 'Done: 1/1 epoch in 0.2s · final loss 0.2500'],
  [
    { epochs: 2, plannedEpochs: 10, elapsedMs: 65000, verdict: 'Stopped early (a callback or the stop button set stopTraining)', epochLogs: [{ loss: Number.NaN, myScore: 2 }, { loss: 0.3, myScore: 1 }] },
    'Stopped early (a callback or the stop button set stopTraining): 2/10 epochs in 1m 05s · final loss 0.3000, myScore 1.0000 · best loss 0.3000 (epoch 2)',
  ],
  [{ epochs: 0, plannedEpochs: 5, elapsedMs: 10, verdict: 'Stopped in epoch 1/5 by an error: x', epochLogs: [] }, 'Stopped in epoch 1/5 by an error: x: 0/5 epochs in 0.0s'],
  // A custom metric's declared mode (the model's metrics, see metricModes) gives it a best value.
  [
    { epochs: 2, plannedEpochs: 2, elapsedMs: 100, verdict: 'Done', epochLogs: [{ loss: 0.5, myScore: 2 }, { loss: 0.3, myScore: 1 }], modes: { myScore: 'max' } },
    'Done: 2/2 epochs in 0.1s · final loss 0.3000, myScore 1.0000 · best loss 0.3000 (epoch 2), myScore 2.0000 (epoch 1)',
  ],
  // A continued fit (initialEpoch 32, 5 more epochs): its own count, which epochs, true epoch numbers.
  [
    { epochs: 5, plannedEpochs: 5, initialEpoch: 32, elapsedMs: 100, verdict: 'Done', epochLogs: [{ loss: 0.5 }, { loss: 0.3 }, { loss: 0.4 }, { loss: 0.45 }, { loss: 0.41 }] },
    'Done: 5/5 epochs (epochs 33–37) in 0.1s · final loss 0.4100 · best loss 0.3000 (epoch 34)',
  ],
];
for (const [input, expected] of summaryCases) {
  test(`summaryLine → ${expected}`, () => {
    assert.equal(summaryLine(input), expected);
  });
}

test('progressBar: a fit stopped by earlyStopping ends with "Stopped early"', async () => {
  await tf.setBackend('cpu');
  const display = new FakeDisplay();
  const clock = { t: 0 };
  const bar = progressBar({ display, now: () => clock.t });
  const model = tinyModel();
  bar.setModel(model);
  bar.setParams({ epochs: 5, samples: 10, batchSize: 10 });
  await bar.onTrainBegin();
  await bar.onEpochBegin(0);
  clock.t += 100;
  await bar.onEpochEnd(0, { loss: 0.5 });
  model.stopTraining = true;
  await bar.onTrainEnd();
  assert.equal(bar.summary, 'Stopped early (a callback or the stop button set stopTraining): 1/5 epochs in 0.1s · final loss 0.5000');
  assert.ok(String(display.updates[display.updates.length - 1]['text/plain']).endsWith(bar.summary));
});

test('progressBar on a continued fit (tfjs initialEpoch) ends "Done" with this call\'s epochs, numbered as the epoch lines are', async () => {
  await tf.setBackend('cpu');
  const display = new FakeDisplay();
  const clock = { t: 0 };
  const bar = progressBar({ display, now: () => clock.t });
  bar.setModel(tinyModel());
  // What tfjs passes for fit({initialEpoch: 32, epochs: 37}): five epochs, numbered 32..36.
  bar.setParams({ epochs: 37, initialEpoch: 32, samples: 10, batchSize: 10 });
  await bar.onTrainBegin();
  for (let e = 32; e < 37; e++) {
    await bar.onEpochBegin(e);
    clock.t += 10;
    await bar.onEpochEnd(e, { loss: 1 / e });
  }
  await bar.onTrainEnd();
  assert.match(bar.summary, /^Done: 5\/5 epochs \(epochs 33–37\) in 0\.1s · final loss 0\.0278 · best loss 0\.0278 \(epoch 37\)$/);
  const last = display.updates[display.updates.length - 1];
  assert.match(String(last['text/plain']), /^Epoch 33\/37 /);
  assert.match(String(last['text/html']), /<progress value="1.0000"/);
});
