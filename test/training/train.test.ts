import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { earlyStopping, reduceLROnPlateau } from '../../src/callbacks';
import { ConfigError } from '../../src/config';
import { disposeTrainingState, isTraining, train, TrainingError } from '../../src/training';
import { mlp, regressionData, weightsOf } from './helpers';

test('train compiles from the config, fits, and reports history with lr, best epoch and run facts', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData();
  const model = mlp(1);
  const run = await train(model, { x, y }, { epochs: 4, learningRate: 0.01, validationSplit: 0.25, seed: 3, metrics: ['mae'] }, { progress: false });
  assert.equal(run.epochsRun, 4);
  assert.equal(run.end, 'completed');
  assert.equal(run.stoppedEarly, false);
  assert.equal(run.stoppedEpoch, undefined);
  assert.equal(run.interrupted, false);
  assert.equal(run.monitor, 'val_loss');
  assert.equal(run.backend, 'cpu');
  assert.equal(run.config.learningRate, 0.01);
  assert.ok(run.durationMs > 0);
  assert.deepEqual(run.history.map((r) => r.epoch), [0, 1, 2, 3]);
  for (const r of run.history) {
    assert.equal(r.lr, 0.01);
    for (const key of ['loss', 'val_loss', 'mae', 'val_mae']) assert.equal(typeof r[key], 'number', key);
  }
  const losses = run.history.map((r) => r.val_loss);
  assert.equal(run.bestValue, Math.min(...losses));
  assert.equal(run.bestEpoch, losses.indexOf(Math.min(...losses)));
  assert.deepEqual(run.final, run.history[3]);
  const frame = run.historyFrame();
  assert.deepEqual(frame.columns.slice().sort(), ['epoch', 'loss', 'lr', 'mae', 'val_loss', 'val_mae']);
  assert.equal(frame.shape[0], 4);
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test('train: the same seed gives the same history', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData();
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const model = mlp(7, true);
    runs.push(await train(model, { x, y }, { epochs: 3, batchSize: 8, seed: 11, regularization: { dropout: 0.2 } }, { progress: false }));
    disposeTrainingState(model);
  }
  assert.deepEqual(runs[0].history, runs[1].history);
  tf.dispose([x, y]);
});

test('train leaks nothing over 20 runs: afterwards only the model variables and the optimizer slots remain', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(32);
  const model = mlp(1);
  const before = tf.memory().numTensors;
  let afterFirst = -1;
  for (let i = 0; i < 20; i++) {
    await train(model, { x, y }, { epochs: 2, batchSize: 8, validationSplit: 0.25, earlyStopping: { patience: 5, restoreBestWeights: true }, lrSchedule: { name: 'cosineDecay', initial: 0.01, decaySteps: 8, per: 'batch' } as never, regularization: { l2: 1e-3 } }, { progress: false });
    const now = tf.memory().numTensors;
    if (i === 0) afterFirst = now;
    else assert.equal(now, afterFirst, `run ${i + 1}`);
  }
  // Adam: m and v per weight (4 weights) + two beta accumulators.
  assert.equal(afterFirst - before, 2 * model.trainableWeights.length + 2);
  disposeTrainingState(model);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
});

// The training loss falls every epoch; in max mode that is never an improvement. An
// earlyStopping in the config and one passed as a callback must report the stop alike.
const earlyStopCases: Array<[string, Parameters<typeof train>[2], () => Parameters<typeof train>[3]]> = [
  ['in the config', { epochs: 10, learningRate: 0.01, earlyStopping: { monitor: 'loss', mode: 'max', patience: 1 } }, () => ({ progress: false })],
  ['as a callback in options', { epochs: 10, learningRate: 0.01 }, () => ({ progress: false, callbacks: [earlyStopping({ monitor: 'loss', mode: 'max', patience: 1 })] })],
];
for (const [where, config, options] of earlyStopCases) {
  test(`train with earlyStopping ${where} stops and says so`, async () => {
    await tf.setBackend('cpu');
    const { x, y } = regressionData();
    const model = mlp(1);
    const run = await train(model, { x, y }, config, options());
    assert.equal(run.stoppedEarly, true);
    assert.equal(run.end, 'earlyStopping');
    assert.equal(run.stoppedEpoch, 1);
    assert.equal(run.epochsRun, 2);
    assert.equal(run.monitor, 'loss');
    assert.equal(run.bestEpoch, 0);
    disposeTrainingState(model);
    tf.dispose([x, y]);
  });
}

test('train: SIGINT (the stop button) stops at the next batch boundary with the model intact', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(256);
  const model = mlp(1);
  const listeners = process.listenerCount('SIGINT');
  let batches = 0;
  let batchesAfterSignal = -1;
  const counter = new (class extends tf.Callback {
    override async onBatchEnd() {
      batches += 1;
      if (batchesAfterSignal >= 0) batchesAfterSignal += 1;
      if (batches === 10) {
        process.emit('SIGINT');
        batchesAfterSignal = 0;
      }
    }
  })();
  const run = await train(model, { x, y }, { epochs: 50, batchSize: 8 }, { callbacks: [counter], progress: false });
  assert.equal(run.interrupted, true);
  assert.equal(run.end, 'interrupted');
  // The signal arrived after RunControl's check for batch 10, so batch 11 is the boundary it stops at.
  assert.equal(batchesAfterSignal, 1);
  assert.equal(run.epochsRun, 1);
  assert.equal(process.listenerCount('SIGINT'), listeners, 'the listener is removed');
  assert.ok(weightsOf(model).flat().every(Number.isFinite));
  const again = await train(model, { x, y }, { epochs: 1, batchSize: 64 }, { progress: false });
  assert.equal(again.end, 'completed');
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test('train: a second train on the same model stops the first before starting (re-run cell)', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(128);
  const model = mlp(1);
  let active = 0;
  let maxActive = 0;
  const overlap = () =>
    new (class extends tf.Callback {
      override async onTrainBegin() {
        active += 1;
        maxActive = Math.max(maxActive, active);
      }
      override async onTrainEnd() {
        active -= 1;
      }
    })();
  const first = train(model, { x, y }, { epochs: 200, batchSize: 8 }, { callbacks: [overlap()], progress: false });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(isTraining(model), true);
  const second = train(model, { x, y }, { epochs: 2, batchSize: 32 }, { callbacks: [overlap()], progress: false });
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.end, 'superseded');
  assert.equal(a.interrupted, true);
  assert.ok(a.epochsRun < 200);
  assert.equal(b.end, 'completed');
  assert.equal(b.epochsRun, 2);
  assert.equal(maxActive, 1, 'never two fits at once');
  assert.equal(isTraining(model), false);
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test("train with onBusy: 'wait' lets the first run finish", async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(32);
  const model = mlp(1);
  const first = train(model, { x, y }, { epochs: 3, batchSize: 8 }, { progress: false });
  const second = train(model, { x, y }, { epochs: 1, batchSize: 8 }, { progress: false, onBusy: 'wait' });
  const [a, b] = await Promise.all([first, second]);
  assert.deepEqual([a.end, a.epochsRun, b.end, b.epochsRun], ['completed', 3, 'completed', 1]);
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test('train: l2 from the config raises the training loss, dropout from the config sets the rate', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData();
  const plain = mlp(5, true);
  const a = await train(plain, { x, y }, { epochs: 1, batchSize: 64, shuffle: false, regularization: { dropout: 0 } }, { progress: false });
  const penalized = mlp(5, true);
  const b = await train(penalized, { x, y }, { epochs: 1, batchSize: 64, shuffle: false, regularization: { l2: 0.5, dropout: 0.3 } }, { progress: false });
  assert.ok(b.history[0].loss > a.history[0].loss, `${b.history[0].loss} > ${a.history[0].loss}`);
  assert.equal((penalized.layers[1] as unknown as { rate: number }).rate, 0.3);
  disposeTrainingState(plain);
  disposeTrainingState(penalized);
  tf.dispose([x, y]);
});

const badInputs: Array<[string, () => { model: tf.LayersModel; data: unknown; config?: unknown; options?: unknown; cleanup: tf.Tensor[] }, RegExp | typeof ConfigError]> = [
  ['x/y length mismatch', () => { const x = tf.zeros([10, 2]); const y = tf.zeros([9, 1]); return { model: mlp(), data: { x, y }, cleanup: [x, y] }; }, /train: data\.x has 10 examples but data\.y has 9/],
  ['x shape vs model input', () => { const x = tf.zeros([10, 3]); const y = tf.zeros([10, 1]); return { model: mlp(), data: { x, y }, cleanup: [x, y] }; }, /train: data\.x has shape \[10, 3\] but the model expects input \[null, 2\]/],
  ['y shape vs model output', () => { const x = tf.zeros([10, 2]); const y = tf.zeros([10, 3]); return { model: mlp(), data: { x, y }, cleanup: [x, y] }; }, /train: data\.y has shape \[10, 3\] but the model outputs \[null, 1\]/],
  ['NaN in x', () => { const x = tf.tensor2d([[1, Number.NaN], [2, 3]]); const y = tf.zeros([2, 1]); return { model: mlp(), data: { x, y }, cleanup: [x, y] }; }, /train: data\.x contains 1 NaN or infinite value\./],
  ['empty data', () => { const x = tf.zeros([0, 2]); const y = tf.zeros([0, 1]); return { model: mlp(), data: { x, y }, cleanup: [x, y] }; }, /train: data is empty/],
  ['not tensors', () => ({ model: mlp(), data: { x: [[1, 2]], y: [[1]] }, cleanup: [] }), /train: 2 problems:\n  - data\.x must be a live tf\.Tensor, received \[\[1,2\]\]/],
  ['disposed tensor', () => { const x = tf.zeros([2, 2]); x.dispose(); const y = tf.zeros([2, 1]); return { model: mlp(), data: { x, y }, cleanup: [y] }; }, /data\.x must be a live tf\.Tensor, received a disposed tensor/],
  ['data not an object', () => ({ model: mlp(), data: 5, cleanup: [] }), /train: data must be \{x, y\} with two tf\.Tensors \(or \{dataset\} with a tf\.data\.Dataset of batches\), received 5/],
  ['bad config', () => { const x = tf.zeros([4, 2]); const y = tf.zeros([4, 1]); return { model: mlp(), data: { x, y }, config: { learningRate: -1, epochs: 0 }, cleanup: [x, y] }; }, ConfigError],
  ['validationSplit too large for the data', () => { const x = tf.zeros([1, 2]); const y = tf.zeros([1, 1]); return { model: mlp(), data: { x, y }, config: { validationSplit: 0.5 }, cleanup: [x, y] }; }, /validationSplit 0\.5 of 1 examples leaves 0 for training/],
  ['dropout without a Dropout layer', () => { const x = tf.zeros([4, 2]); const y = tf.zeros([4, 1]); return { model: mlp(), data: { x, y }, config: { regularization: { dropout: 0.2 } }, cleanup: [x, y] }; }, /regularization\.dropout is 0\.2 but model '.*' has no Dropout layer/],
  ['lrSchedule plus reduceLROnPlateau', () => { const x = tf.zeros([4, 2]); const y = tf.zeros([4, 1]); return { model: mlp(), data: { x, y }, config: { lrSchedule: { name: 'constant', value: 0.1 } }, options: { callbacks: [reduceLROnPlateau()] }, cleanup: [x, y] }; }, /config\.lrSchedule and a reduceLROnPlateau callback would both drive the learning rate/],
  ['bad onBusy', () => { const x = tf.zeros([4, 2]); const y = tf.zeros([4, 1]); return { model: mlp(), data: { x, y }, options: { onBusy: 'queue' }, cleanup: [x, y] }; }, /options\.onBusy: 'queue' is not a known value; expected one of 'stop' \| 'wait'/],
];

for (const [name, make, expected] of badInputs) {
  test(`train rejects ${name} before changing anything`, async () => {
    await tf.setBackend('cpu');
    const { model, data, config, options, cleanup } = make();
    const before = tf.memory().numTensors;
    const listeners = process.listenerCount('SIGINT');
    await assert.rejects(train(model, data as never, config as never, { progress: false, ...(options as object) }), expected as RegExp);
    assert.equal(tf.memory().numTensors, before, 'no tensors created or leaked');
    assert.equal(model.optimizer, undefined, 'the model was not compiled');
    assert.equal(isTraining(model), false);
    assert.equal(process.listenerCount('SIGINT'), listeners);
    tf.dispose(cleanup);
  });
}

test('train rejects a non-model and reports every data problem at once', async () => {
  await assert.rejects(train({} as never, {} as never), /train: model must be a tf\.LayersModel/);
  const x = tf.tensor2d([[Number.NaN, 1, 2]]);
  const y = tf.zeros([2, 1]);
  await assert.rejects(train(mlp(), { x, y }), (e: unknown) => e instanceof TrainingError && e.problems.length === 3);
  tf.dispose([x, y]);
});

test('train accepts plain {onEpochEnd} hook objects and validationData from the config', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(32);
  const val = regressionData(8, 9);
  const model = mlp(1);
  const seen: number[] = [];
  const run = await train(model, { x, y }, { epochs: 2, validationData: [val.x, val.y] }, { progress: false, callbacks: [{ onEpochEnd: async (epoch: number) => void seen.push(epoch) }] });
  assert.deepEqual(seen, [0, 1]);
  assert.equal(run.monitor, 'val_loss');
  assert.equal(typeof run.history[1].val_loss, 'number');
  disposeTrainingState(model);
  tf.dispose([x, y, val.x, val.y]);
});

test('train: an interrupted epoch without validation logs does not make earlyStopping warn', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(64);
  const model = mlp(1);
  const warned: string[] = [];
  const original = console.warn;
  console.warn = (m: unknown) => void warned.push(String(m));
  try {
    const stopper = { onBatchEnd: async (batch: number) => void (batch === 2 && process.emit('SIGINT')) };
    const run = await train(model, { x, y }, { epochs: 5, batchSize: 8, validationSplit: 0.25, earlyStopping: { patience: 2 } }, { progress: false, callbacks: [stopper] });
    assert.equal(run.end, 'interrupted');
    assert.equal(run.history[0].val_loss, undefined, 'the cut-short epoch has no validation');
  } finally {
    console.warn = original;
  }
  assert.deepEqual(warned, []);
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test('train: a callback that throws mid-fit leaves no saved weights, listeners or claims behind', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(32);
  const model = mlp(1);
  await train(model, { x, y }, { epochs: 1 }, { progress: false }); // optimizer of a previous run
  const before = tf.memory().numTensors;
  const listeners = process.listenerCount('SIGINT');
  const boom = { onEpochEnd: async (epoch: number) => { if (epoch === 1) throw new Error('boom'); } };
  await assert.rejects(
    train(model, { x, y }, { epochs: 5, earlyStopping: { monitor: 'loss', patience: 9, restoreBestWeights: true }, lrSchedule: { name: 'constant', value: 0.01 } }, { progress: false, callbacks: [boom] }),
    /boom/,
  );
  assert.equal(process.listenerCount('SIGINT'), listeners);
  assert.equal(isTraining(model), false);
  // What remains is the new run's optimizer slots, replacing the previous run's.
  assert.equal(tf.memory().numTensors, before);
  const again = await train(model, { x, y }, { epochs: 1, lrSchedule: { name: 'constant', value: 0.01 } }, { progress: false });
  assert.equal(again.end, 'completed', 'no stale schedule claim on the model');
  disposeTrainingState(model);
  tf.dispose([x, y]);
});

test('train shows a progress bar by default in a notebook (one output, updated in place)', async () => {
  await tf.setBackend('cpu');
  const { setDisplay } = await import('../../src/display');
  const shown: unknown[] = [];
  const updates: Array<Record<string, unknown>> = [];
  setDisplay({ inNotebook: true, show: (b) => (shown.push(b), { update: (u) => void updates.push(u) }) });
  const { x, y } = regressionData(32);
  const model = mlp(1);
  try {
    await train(model, { x, y }, { epochs: 3, batchSize: 8 });
  } finally {
    setDisplay(undefined);
  }
  assert.equal(shown.length, 1);
  assert.match(String(updates[updates.length - 1]['text/plain']), /Epoch 3\/3 \[=+\] 4\/4 .* loss \d/);
  disposeTrainingState(model);
  tf.dispose([x, y]);
});
