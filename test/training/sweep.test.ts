import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from '../../src/config';
import type { Display, MimeBundle } from '../../src/display/types';
import { gridTrials, randomTrials, setPath, sweep, TrainingError } from '../../src/training';
import { mlp, regressionData } from './helpers';

const quiet = { progress: false };

test('gridTrials is the cartesian product, first field slowest', () => {
  assert.deepEqual(gridTrials({ a: [1, 2], b: ['x', 'y'] }), [
    { a: 1, b: 'x' },
    { a: 1, b: 'y' },
    { a: 2, b: 'x' },
    { a: 2, b: 'y' },
  ]);
});

test('setPath writes dotted paths without touching the input', () => {
  const base = { optimizer: 'adam', earlyStopping: false, regularization: { l1: 0.1 } };
  assert.deepEqual(setPath(base, 'optimizer.beta1', 0.8), { optimizer: { name: 'adam', beta1: 0.8 }, earlyStopping: false, regularization: { l1: 0.1 } });
  assert.deepEqual(setPath(base, 'regularization.l2', 0.5).regularization, { l1: 0.1, l2: 0.5 });
  assert.deepEqual(setPath(base, 'earlyStopping.patience', 3).earlyStopping, { patience: 3 });
  assert.deepEqual(base, { optimizer: 'adam', earlyStopping: false, regularization: { l1: 0.1 } });
});

test('randomTrials draws within the ranges and repeats for a seed', () => {
  const space = { strategy: 'random' as const, trials: 50, seed: 4, params: { learningRate: { logUniform: [1e-4, 1e-1] as const }, batchSize: [16, 32], 'earlyStopping.patience': { int: [1, 3] as const }, 'regularization.l2': { uniform: [0, 0.01] as const } } };
  const trials = randomTrials(space);
  assert.equal(trials.length, 50);
  for (const t of trials) {
    assert.ok((t.learningRate as number) >= 1e-4 && (t.learningRate as number) <= 1e-1);
    assert.ok([16, 32].includes(t.batchSize as number));
    assert.ok([1, 2, 3].includes(t['earlyStopping.patience'] as number));
    assert.ok((t['regularization.l2'] as number) >= 0 && (t['regularization.l2'] as number) <= 0.01);
  }
  // Log-uniform: about half the draws below the geometric middle 10^-2.5.
  const below = trials.filter((t) => (t.learningRate as number) < 10 ** -2.5).length;
  assert.ok(below > 12 && below < 38, `${below}`);
  assert.deepEqual(randomTrials(space), trials);
  assert.notDeepEqual(randomTrials({ ...space, seed: 5 }), trials);
});

test('sweep runs a grid: one row per run, every history kept, repeatable, no leaks', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(48);
  const before = tf.memory().numTensors;
  const factory = (config: TrainingConfig) => {
    assert.ok(config.learningRate > 0);
    return mlp();
  };
  const base = { epochs: 3, validationSplit: 0.25 };
  const space = { learningRate: [1e-3, 1e-2], batchSize: [8, 16] };
  const result = await sweep(base, space, factory, { x, y }, quiet);
  assert.equal(tf.memory().numTensors, before, 'every model and optimizer disposed');
  assert.equal(result.rows.length, 4);
  assert.deepEqual(result.rows.map((r) => [r.learningRate, r.batchSize]), [[1e-3, 8], [1e-3, 16], [1e-2, 8], [1e-2, 16]]);
  for (const [i, row] of result.rows.entries()) {
    assert.equal(row.run, i);
    assert.equal(row.seed, 0);
    assert.equal(row.monitor, 'val_loss');
    assert.equal(row.error, null);
    assert.equal(row.epochsRun, 3);
    assert.equal(row.stoppedBy, null);
    assert.equal(typeof row.best_val_loss, 'number');
    assert.equal(typeof row.final_loss, 'number');
    assert.equal(typeof row.durationMs, 'number');
    assert.equal(result.runs[i].result?.history.length, 3);
    assert.equal(row.best_val_loss, result.runs[i].result?.bestValue);
  }
  const bestValue = Math.min(...result.rows.map((r) => r.best_val_loss as number));
  assert.equal(result.best?.result?.bestValue, bestValue);
  const frame = result.frame();
  assert.equal(frame.shape[0], 4);
  assert.ok(frame.columns.includes('best_val_loss') && frame.columns.includes('learningRate'));
  const again = await sweep(base, space, factory, { x, y }, quiet);
  const strip = (rows: typeof result.rows) => rows.map(({ durationMs: _d, ...rest }) => rest);
  assert.deepEqual(strip(again.rows), strip(result.rows), 'seeded runs repeat exactly');
  tf.dispose([x, y]);
});

test('a failing run is recorded with its error and the sweep goes on', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(32);
  const result = await sweep(
    { epochs: 1 },
    { batchSize: [8, 16, 32] },
    (config) => {
      if (config.batchSize === 16) throw new Error('factory broke for 16');
      return mlp();
    },
    { x, y },
    quiet,
  );
  assert.deepEqual(result.rows.map((r) => r.error), [null, 'factory broke for 16', null]);
  assert.equal(result.runs[1].result, undefined);
  assert.equal(result.runs[1].error?.message, 'factory broke for 16');
  assert.equal(typeof result.rows[2].best_loss, 'number');
  assert.notEqual(result.best?.index, 1);
  tf.dispose([x, y]);
});

test('a random sweep over dotted paths', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(32);
  const result = await sweep({ epochs: 2 }, { strategy: 'random', trials: 3, seed: 9, params: { learningRate: { logUniform: [1e-3, 1e-1] }, 'regularization.l2': [0, 0.01] } }, () => mlp(), { x, y }, quiet);
  assert.equal(result.rows.length, 3);
  for (const run of result.runs) {
    assert.equal(run.config.regularization.l2, run.params['regularization.l2']);
    assert.equal(run.config.learningRate, run.params.learningRate);
    assert.ok('regularization.l2' in result.rows[run.index]);
  }
  tf.dispose([x, y]);
});

test('sweep shows progress in one in-place notebook output', async () => {
  await tf.setBackend('cpu');
  const { x, y } = regressionData(16);
  const shown: MimeBundle[] = [];
  const updates: MimeBundle[] = [];
  const display: Display = { inNotebook: true, show: (b) => (shown.push(b), { update: (u) => void updates.push(u) }) };
  await sweep({ epochs: 1 }, { learningRate: [1e-3, 1e-2] }, () => mlp(), { x, y }, { display });
  assert.equal(shown.length, 1);
  assert.equal(updates.length, 1);
  assert.match(String(updates[0]['text/plain']), /^Sweep: 2\/2 runs\nrun 0 learningRate=0\.001 → best loss .*\nrun 1 learningRate=0\.01 → best loss/);
  tf.dispose([x, y]);
});

const bad: Array<[string, unknown, RegExp]> = [
  ['empty grid', {}, /sweep: space names no field/],
  ['grid value not a list', { learningRate: 0.1 }, /sweep: space\['learningRate'\] must be a non-empty list of values, received 0\.1/],
  ['unknown strategy', { strategy: 'bayes', params: {} }, /space\.strategy 'bayes' is not one of 'grid' \| 'random'/],
  ['random without trials', { strategy: 'random', params: { learningRate: [1] } }, /space\.trials must be a whole number >= 1, received undefined/],
  ['bad distribution', { strategy: 'random', trials: 2, params: { learningRate: { logUniform: [0, 1] } } }, /logUniform needs a > 0/],
  ['invalid trial config', { learningRate: [0.01, 20] }, /sweep: run 1 \(learningRate=20\): defineConfig: learningRate/],
];
for (const [name, space, message] of bad) {
  test(`sweep rejects ${name} before running anything`, async () => {
    const x = tf.zeros([4, 2]);
    const y = tf.zeros([4, 1]);
    let built = 0;
    await assert.rejects(
      sweep({}, space as never, () => (built++, mlp()), { x, y }, quiet),
      (e: unknown) => e instanceof TrainingError && message.test(e.message),
    );
    assert.equal(built, 0);
    tf.dispose([x, y]);
  });
}
