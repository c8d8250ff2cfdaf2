import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, modelCheckpoint, saveCheckpoint } from '../../src/callbacks';
import { formatPath } from '../../src/callbacks/modelCheckpoint';
import { fillWeights, firstWeight, tinyModel } from './helpers';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-ckpt-'));
}

test('saveCheckpoint + loadCheckpoint round-trip topology and weights', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  fillWeights(model, 0.5);
  const dir = path.join(tempDir(), 'ckpt');
  await saveCheckpoint(model, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['.trainlab-checkpoint', 'model.json', 'weights.bin']);
  const loaded = await loadCheckpoint(dir);
  assert.equal(loaded.layers.length, 2);
  const a = model.predict(tf.ones([1, 3])) as tf.Tensor;
  const b = loaded.predict(tf.ones([1, 3])) as tf.Tensor;
  assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
  tf.dispose([a, b]);
  loaded.dispose();
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['ckpt'], 'no temporary directories left behind');
});

test('a crash after writing the temp files leaves the previous checkpoint intact', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  const dir = path.join(tempDir(), 'ckpt');
  fillWeights(model, 1);
  await saveCheckpoint(model, dir);
  fillWeights(model, 2);
  await assert.rejects(
    saveCheckpoint(model, dir, {
      afterTempWritten: () => {
        throw new Error('simulated crash');
      },
    }),
    /simulated crash/,
  );
  const loaded = await loadCheckpoint(dir);
  assert.equal(firstWeight(loaded), 1);
  loaded.dispose();
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['ckpt']);
});

test('a crash between the two renames still loads the previous complete checkpoint, and the next save recovers', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  const dir = path.join(tempDir(), 'ckpt');
  fillWeights(model, 1);
  await saveCheckpoint(model, dir);
  fillWeights(model, 2);
  await assert.rejects(
    saveCheckpoint(model, dir, {
      afterOldMoved: () => {
        throw new Error('simulated crash');
      },
    }),
  );
  assert.equal(fs.existsSync(dir), false);
  let loaded = await loadCheckpoint(dir);
  assert.equal(firstWeight(loaded), 1);
  loaded.dispose();
  fillWeights(model, 3);
  await saveCheckpoint(model, dir);
  loaded = await loadCheckpoint(dir);
  assert.equal(firstWeight(loaded), 3);
  loaded.dispose();
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['ckpt']);
});

test('modelCheckpoint saveBestOnly saves only on improvement (shared MonitorCallback rule)', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  const dir = path.join(tempDir(), 'best');
  const cb = modelCheckpoint({ path: dir, saveBestOnly: true, minDelta: 0.05 });
  cb.setModel(model);
  await cb.onTrainBegin();
  const losses = [1.0, 0.8, 0.78, 0.9, 0.5];
  for (let e = 0; e < losses.length; e++) {
    fillWeights(model, e + 1);
    await cb.onEpochEnd(e, { val_loss: losses[e] });
  }
  assert.equal(cb.saved.length, 3); // epochs 0, 1, 4 (0.78 is within minDelta of 0.8)
  assert.equal(cb.best, 0.5);
  const loaded = await loadCheckpoint(dir);
  assert.equal(firstWeight(loaded), 5);
  loaded.dispose();
});

test('modelCheckpoint without saveBestOnly saves every epoch into templated paths', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  const root = tempDir();
  const cb = modelCheckpoint({ path: path.join(root, 'e{epoch}-{loss:.2f}') });
  cb.setModel(model);
  await cb.onTrainBegin();
  await cb.onEpochEnd(0, { loss: 0.5, val_loss: 1 });
  await cb.onEpochEnd(1, { loss: 0.25, val_loss: 1 });
  assert.deepEqual(fs.readdirSync(root).sort(), ['e1-0.50', 'e2-0.25']);
});

test('modelCheckpoint works inside model.fit: the saved model is the best epoch\'s', async () => {
  await tf.setBackend('cpu');
  const model = tinyModel();
  const dir = path.join(tempDir(), 'fit');
  const x = tf.ones([4, 3]);
  const y = tf.zeros([4, 1]);
  // Predictions and loss at the end of each epoch, to compare with what was saved.
  const seen: Array<{ loss: number; pred: number[] }> = [];
  const spy = new (class extends tf.Callback {
    override async onEpochEnd(_e: number, logs?: Record<string, unknown>) {
      const pred = model.predict(x) as tf.Tensor;
      const loss = logs?.['loss'] as number | tf.Scalar;
      seen.push({ loss: typeof loss === 'number' ? loss : (await loss.data())[0], pred: Array.from(pred.dataSync()) });
      pred.dispose();
    }
  })();
  await model.fit(x, y, { epochs: 4, verbose: 0, callbacks: [spy, modelCheckpoint({ path: dir, monitor: 'loss', saveBestOnly: true })] });
  const best = seen.reduce((b, s) => (s.loss < b.loss ? s : b));
  const loaded = await loadCheckpoint(dir);
  const b = loaded.predict(x) as tf.Tensor;
  assert.deepEqual(Array.from(b.dataSync()), best.pred);
  tf.dispose([b, x, y]);
  loaded.dispose();
});

const formatCases: Array<[string, number, Record<string, number>, string]> = [
  ['ckpt', 0, {}, 'ckpt'],
  ['ckpt-{epoch}', 4, {}, 'ckpt-5'],
  ['c-{val_loss:.3f}', 0, { val_loss: 0.12345 }, 'c-0.123'],
  ['c-{epoch}-{acc}', 1, { acc: 0.5 }, 'c-2-0.5'],
  ['w.{epoch:02d}-{val_loss:.2f}', 8, { val_loss: 0.256 }, 'w.09-0.26'],
];
for (const [template, epoch, logs, expected] of formatCases) {
  test(`formatPath(${template}) = ${expected}`, () => {
    assert.equal(formatPath(template, epoch, logs), expected);
  });
}

test('errors: missing path, unknown placeholder, missing checkpoint', async () => {
  assert.throws(() => modelCheckpoint({} as never), /modelCheckpoint: path must be a non-empty directory path, received undefined/);
  assert.throws(() => formatPath('c-{val_acc}', 0, { loss: 1 }), /modelCheckpoint: path placeholder \{val_acc\} names no log key; available: epoch, loss/);
  await assert.rejects(loadCheckpoint(path.join(tempDir(), 'nothing')), /loadCheckpoint: no checkpoint at '.*nothing' \(expected model.json and weights.bin there\)/);
});

test('modelCheckpoint leaves a seeded train unchanged: the same losses with and without it (it draws no Math.random)', async () => {
  await tf.setBackend('cpu');
  const { train } = await import('../../src/training');
  const x = tf.randomNormal([64, 3], 0, 1, 'float32', 7);
  const y = tf.randomNormal([64, 1], 0, 1, 'float32', 8);
  const losses = async (callbacks: Array<InstanceType<typeof tf.Callback>>) => {
    const model = tinyModel();
    fillWeights(model, 0.1);
    // Shuffling draws from Math.random, which train seeds: an extra draw would reorder the batches.
    const run = await train(model, { x, y }, { epochs: 4, batchSize: 8, seed: 3 }, { progress: false, callbacks });
    model.dispose();
    return run.history.map((r) => r.loss);
  };
  const without = await losses([]);
  const withCheckpoint = await losses([modelCheckpoint({ path: path.join(tempDir(), 'every-{epoch}') })]);
  assert.deepEqual(withCheckpoint, without);
  tf.dispose([x, y]);
});
