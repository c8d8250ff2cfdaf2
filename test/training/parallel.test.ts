import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { sweep, TrainingError, type SweepResult } from '../../src/training';
import { AUTO_MIN_SAMPLES, closeSweepWorkers, parallelPlan, sweepWorkerThreadIds } from '../../src/training/parallel';
import * as os from 'os';
import { requestStop } from '../../src/util/interrupt';
import { asKernel } from '../helpers/kernelMode';
import { mlp, regressionData } from './helpers';

const crashModule = path.resolve(__dirname, '..', 'fixtures', 'workers', 'crashLayer.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CrashOnCall } = require(crashModule) as { CrashOnCall: new (config: { crash: boolean }) => tf.layers.Layer };

// Each test starts without the workers an earlier sweep left waiting.
afterEach(closeSweepWorkers);

/** A model factory whose trial with this learning rate crashes its worker (CrashOnCall). */
function crashingAt(learningRate: number): (config: { learningRate?: number }) => tf.Sequential {
  return (config) => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 4, inputShape: [2] }));
    model.add(new CrashOnCall({ crash: config.learningRate === learningRate }));
    model.add(tf.layers.dense({ units: 1 }));
    return model;
  };
}

/** OS threads of this process: a worker thread that outlives its sweep shows here. */
function threads(): number {
  return fs.readdirSync('/proc/self/task').length;
}

/** Rows without timings (the only fields that may differ between two equal sweeps). */
function rowsOf(result: SweepResult): unknown[] {
  return result.rows.map(({ durationMs: _d, ...row }) => row);
}

const base = { epochs: 4, batchSize: 16, loss: 'meanSquaredError' as const };
const space = { learningRate: [0.01, 0.03], 'optimizer.name': ['adam', 'sgd'] };

test('sweep in 2 worker threads: same rows, runs, order, seeds and histories as serially; no tensors or threads left', async () => {
  const data = regressionData(64);
  const tensors = tf.memory().numTensors;
  const before = threads();
  try {
    // Dropout: the seeded masks must also match.
    const serial = await sweep(base, space, () => mlp(undefined, true), data, { workers: 1, progress: false, seed: 3 });
    const parallel = await sweep(base, space, () => mlp(undefined, true), data, { workers: 2, progress: false, seed: 3 });
    assert.deepEqual(rowsOf(parallel), rowsOf(serial));
    assert.deepEqual(parallel.runs.map((r) => [r.index, r.seed, r.result?.history]), serial.runs.map((r) => [r.index, r.seed, r.result?.history]));
    assert.equal(parallel.best?.index, serial.best?.index);
    assert.equal(typeof parallel.runs[0].result?.historyFrame, 'function');
    assert.equal(parallel.runs[0].result?.config, parallel.runs[0].config);
    assert.equal(tf.memory().numTensors, tensors);
    await closeSweepWorkers();
    assert.equal(threads(), before);
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

test('sweep in workers: progress shows each run as it finishes, counting up to the total', async () => {
  const data = regressionData(32);
  const shown: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  // Only sweep's lines: the test runner reports the previous test through this stream too.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    typeof chunk === 'string' && chunk.startsWith('Sweep: ') ? (shown.push(chunk), true) : original(chunk, ...rest)) as typeof process.stdout.write;
  try {
    await sweep(base, space, () => mlp(), data, { workers: 2, display: { inNotebook: false, show: () => ({ update: () => undefined }) } });
  } finally {
    process.stdout.write = original;
    tf.dispose([data.x, data.y]);
  }
  const lines = shown.filter((l) => l.startsWith('Sweep: '));
  assert.deepEqual(lines.map((l) => l.slice(0, 'Sweep: 1/4'.length)), ['Sweep: 1/4', 'Sweep: 2/4', 'Sweep: 3/4', 'Sweep: 4/4']);
  assert.deepEqual(lines.map((l) => Number(/run (\d+) /.exec(l)?.[1])).sort(), [0, 1, 2, 3]);
});

test('a worker that crashes mid-trial fails that trial with its exit code; the other trials finish and no thread is left', async () => {
  const data = regressionData(32);
  const before = threads();
  const factory = crashingAt(0.02);
  try {
    const result = await sweep(base, { learningRate: [0.01, 0.02, 0.03, 0.04] }, factory as never, data, { workers: 2, workerModules: [crashModule], progress: false, workerIdleMs: 0 });
    assert.deepEqual(result.runs.map((r) => r.index), [0, 1, 2, 3]);
    assert.deepEqual(result.runs.map((r) => r.result?.end ?? null), ['completed', null, 'completed', 'completed']);
    assert.equal(result.runs[1].error?.message, 'run 1 failed: its worker thread exited with code 7 during the trial');
    assert.equal(result.rows[1].error, 'run 1 failed: its worker thread exited with code 7 during the trial');
    assert.equal(threads(), before);
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

test('a custom layer the workers do not know fails each trial with tfjs\'s message', async () => {
  const data = regressionData(32);
  const factory = () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 4, inputShape: [2] }));
    model.add(new CrashOnCall({ crash: false }));
    return model;
  };
  try {
    const result = await sweep(base, { learningRate: [0.01, 0.02] }, factory, data, { workers: 2, progress: false });
    assert.deepEqual(result.runs.map((r) => r.result), [undefined, undefined]);
    for (const run of result.runs) assert.match(run.error?.message ?? '', /Unknown layer: CrashOnCall/);
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

test('bad workers options throw at once, naming the value and the fix', async () => {
  const data = regressionData(16);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ workers: 0 }, /options\.workers must be a whole number from 1 to 64, received 0\. Pass e\.g\. workers: \d+ \(one per core\), or 1/],
    [{ workers: 1.5 }, /options\.workers must be a whole number from 1 to 64, received 1\.5/],
    [{ workers: 65 }, /options\.workers must be a whole number from 1 to 64, received 65/],
    // A string is caught by sweep's option types (or, without them, by the range check).
    [{ workers: '2' }, /options\.workers must be a (whole )?number.*received '2'/],
    [{ workers: 2, callbacks: () => [] }, /options\.workers is 2 but the trials cannot run in worker threads: options\.callbacks are functions of this thread\. Pass workers: 1/],
    [{ workers: 2, workerModules: 'x.js' }, /options\.workerModules must be (a list of module paths|an array).*'x\.js'/],
    [{ workers: 2, workerIdleMs: -1 }, /options\.workerIdleMs must be a number of milliseconds >= 0, received -1\. Pass 0 to end the workers with the sweep\./],
  ];
  try {
    for (const [options, message] of cases) {
      await assert.rejects(sweep(base, space, () => mlp(), data, { progress: false, ...options }), (error: unknown) => {
        assert.ok(error instanceof TrainingError);
        assert.match((error as Error).message, message);
        return true;
      });
    }
    const fnLoss = { ...base, loss: (a: tf.Tensor, b: tf.Tensor) => tf.losses.meanSquaredError(a, b) };
    await assert.rejects(sweep(fnLoss, space, () => mlp(), data, { progress: false, workers: 2 }), /run 0: config\.loss is a function\. Pass workers: 1/);
    const dataset = { dataset: tf.data.array([{ xs: tf.zeros([2, 2]), ys: tf.zeros([2, 1]) }]) };
    await assert.rejects(sweep(base, space, () => mlp(), dataset as never, { progress: false, workers: 2 }), /a tf\.data\.Dataset cannot be copied to another thread/);
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

test('without options.workers a sweep that cannot use workers runs serially (callbacks are called for every run)', async () => {
  const data = regressionData(16);
  let calls = 0;
  try {
    const result = await sweep(base, space, () => mlp(), data, { progress: false, callbacks: () => (calls++, []) });
    assert.equal(calls, 4);
    assert.equal(result.runs.length, 4);
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

test('the stop button stops a sweep in workers: running trials end at a batch edge, waiting ones never start, no thread is left', async () => {
  const data = regressionData(64);
  const before = threads();
  // The first finished run shows progress; the stop comes then, with the other worker mid-trial.
  const display = { inNotebook: true, show: () => (requestStop(), { update: () => undefined }) };
  try {
    await asKernel(async (lines) => {
      const grid = { learningRate: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06], batchSize: [8] };
      const result = await sweep({ ...base, epochs: 40, batchSize: 8 }, grid, () => mlp(), data, { workers: 2, display, workerIdleMs: 0 });
      assert.equal(result.interrupted, true);
      assert.ok(result.runs.length < 6, `${result.runs.length} runs`);
      assert.ok(result.runs.some((r) => r.result?.end === 'interrupted'), JSON.stringify(result.runs.map((r) => r.result?.end)));
      assert.deepEqual(result.runs.map((r) => r.index), [...result.runs.map((r) => r.index)].sort((a, b) => a - b));
      assert.equal(lines.filter((l) => l.startsWith('sweep: stopped by the stop button')).length, 1);
      assert.equal(threads(), before);
    });
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

test('the next sweep reuses the warm workers (same threads, same rows as serially); idle, they end after workerIdleMs', async () => {
  const data = regressionData(32);
  const before = threads();
  try {
    const serial = await sweep(base, space, () => mlp(), data, { workers: 1, progress: false });
    const first = await sweep(base, space, () => mlp(), data, { workers: 2, progress: false, workerIdleMs: 60_000 });
    const ids = sweepWorkerThreadIds();
    assert.equal(ids.length, 2);
    assert.equal(threads(), before + 2);
    // Other data in the next sweep: each worker gets it with its first trial of that sweep.
    const other = regressionData(48, 2);
    try {
      const serialOther = await sweep(base, space, () => mlp(), other, { workers: 1, progress: false });
      const second = await sweep(base, space, () => mlp(), other, { workers: 2, progress: false, workerIdleMs: 300 });
      assert.deepEqual(sweepWorkerThreadIds(), ids);
      assert.deepEqual(rowsOf(first), rowsOf(serial));
      assert.deepEqual(rowsOf(second), rowsOf(serialOther));
    } finally {
      tf.dispose([other.x, other.y]);
    }
    for (let waited = 0; threads() !== before && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.equal(threads(), before);
    assert.deepEqual(sweepWorkerThreadIds(), []);
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

test('a sweep that asks for fewer workers shrinks the pool; one after a stopped sweep runs every trial', async () => {
  const data = regressionData(32);
  const before = threads();
  try {
    await asKernel(async () => {
      const display = { inNotebook: true, show: () => (requestStop(), { update: () => undefined }) };
      const grid = { learningRate: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06] };
      const stopped = await sweep({ ...base, epochs: 40, batchSize: 8 }, grid, () => mlp(), data, { workers: 3, display });
      assert.equal(stopped.interrupted, true);
      assert.equal(sweepWorkerThreadIds().length, 3);
      const next = await sweep(base, space, () => mlp(), data, { workers: 2, progress: false });
      assert.equal(next.interrupted, false);
      assert.deepEqual(next.runs.map((r) => r.result?.end), ['completed', 'completed', 'completed', 'completed']);
      assert.equal(sweepWorkerThreadIds().length, 2);
    });
  } finally {
    await closeSweepWorkers();
    tf.dispose([data.x, data.y]);
  }
  for (let waited = 0; threads() !== before && waited < 5_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  assert.equal(threads(), before);
});

test('waiting workers do not keep a script from exiting', async () => {
  const script = `
    const tf = require('@tensorflow/tfjs');
    const { sweep } = require(${JSON.stringify(path.resolve(__dirname, '..', '..', 'src', 'training'))});
    const x = tf.randomNormal([32, 2], 0, 1, 'float32', 1), y = tf.randomNormal([32, 1], 0, 1, 'float32', 2);
    const mlp = () => tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2] }), tf.layers.dense({ units: 1 })] });
    sweep({ epochs: 2, batchSize: 16, loss: 'meanSquaredError' }, { learningRate: [0.01, 0.02] }, mlp, { x, y }, { workers: 2, progress: false })
      .then((r) => { console.log('runs', r.runs.length); globalThis.started = Date.now(); });
  `;
  const { execFile } = await import('child_process');
  const started = Date.now();
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', '-e', script], { cwd: path.resolve(__dirname, '..', '..'), timeout: 25_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
  assert.match(out, /runs 2/);
  // The default wait is 30 s: a script held open by its workers would be killed by the timeout above.
  assert.ok(Date.now() - started < 25_000);
});

test('without options.workers, parallelPlan picks one worker per core only where that helps', () => {
  const data = regressionData(16);
  const cores = os.availableParallelism();
  const request: Parameters<typeof parallelPlan>[0] = { workers: undefined, workerModules: undefined, trials: 8, inputs: [{ epochs: 2 }], data, hasCallbacks: false, samples: AUTO_MIN_SAMPLES };
  const cases: Array<[Partial<typeof request>, unknown]> = [
    [{}, cores >= 2 ? { workers: Math.min(cores, 8), modules: [], auto: true } : { workers: 1, why: 'this machine has one core' }],
    [{ samples: AUTO_MIN_SAMPLES - 1 }, { workers: 1, why: `its trials train ${AUTO_MIN_SAMPLES - 1} samples in all, fewer than the ${AUTO_MIN_SAMPLES} that pay for starting workers` }],
    [{ trials: 1 }, { workers: 1, why: 'the sweep has one trial' }],
    [{ hasCallbacks: true }, { workers: 1, why: 'options.callbacks are functions of this thread' }],
    [{ inputs: [{ loss: () => 0 }] }, { workers: 1, why: 'run 0: config.loss is a function' }],
    [{ workers: 1 }, { workers: 1, why: 'options.workers is 1' }],
    [{ workers: 2, samples: 10 }, { workers: 2, modules: [], auto: false }],
  ];
  try {
    for (const [change, expected] of cases) {
      const plan = parallelPlan({ ...request, ...change });
      if (cores < 2 && 'workers' in change) continue;
      assert.deepEqual('plan' in plan ? plan.plan : plan, expected, JSON.stringify(change, (_k, v) => (typeof v === 'function' ? 'fn' : v)));
    }
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

// Needs two cores to pick workers by itself; registered only where there are (CI machines have 2).
const autoWorkersTest = os.availableParallelism() >= 2 ? test : () => undefined;
autoWorkersTest('without options.workers a sweep large enough runs in workers (same rows as serially); a tiny one, or one with a custom layer, runs here', async () => {
  const data = regressionData(1024);
  const bigBase = { epochs: 25, batchSize: 256, loss: 'meanSquaredError' as const };
  try {
    const serial = await sweep(bigBase, space, () => mlp(), data, { workers: 1, progress: false });
    const auto = await sweep(bigBase, space, () => mlp(), data, { progress: false });
    assert.equal(sweepWorkerThreadIds().length, Math.min(os.availableParallelism(), 4));
    assert.deepEqual(rowsOf(auto), rowsOf(serial));
    await closeSweepWorkers();
    await sweep(base, space, () => mlp(), data, { progress: false });
    assert.deepEqual(sweepWorkerThreadIds(), []);
    // CrashOnCall is registered here only: workers would fail every trial with "Unknown layer".
    const custom = () => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ units: 4, inputShape: [2] }));
      model.add(new CrashOnCall({ crash: false }));
      model.add(tf.layers.dense({ units: 1 }));
      return model;
    };
    const here = await sweep(bigBase, space, custom, data, { progress: false });
    assert.deepEqual(here.runs.map((r) => r.error?.message ?? r.result?.end), ['completed', 'completed', 'completed', 'completed']);
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

test('keepModels in workers: each finished run gets the factory model built here with the trained weights, equal to the serial ones; a failed, stopped or skipped run keeps none; nothing left after disposing', async () => {
  const data = regressionData(64);
  const tensors = tf.memory().numTensors;
  const weightsOf = (m: tf.LayersModel | undefined) => m?.getWeights().map((w) => Array.from(w.dataSync()));
  try {
    const serial = await sweep(base, space, () => mlp(undefined, true), data, { workers: 1, progress: false, seed: 3, keepModels: true });
    const parallel = await sweep(base, space, () => mlp(undefined, true), data, { workers: 2, progress: false, seed: 3, keepModels: true });
    assert.deepEqual(rowsOf(parallel), rowsOf(serial));
    assert.ok(parallel.runs.every((r) => r.model instanceof tf.LayersModel));
    assert.deepEqual(parallel.runs.map((r) => weightsOf(r.model)), serial.runs.map((r) => weightsOf(r.model)), 'bit for bit the serial weights');
    assert.equal(parallel.best?.model, parallel.runs[parallel.best?.index ?? -1].model);
    for (const r of [...serial.runs, ...parallel.runs]) r.model?.dispose();
    assert.equal(tf.memory().numTensors, tensors);

    // A trial whose worker crashes keeps no model; the others do.
    const crashing = crashingAt(0.02);
    const failed = await sweep(base, { learningRate: [0.01, 0.02, 0.03] }, crashing as never, data, { workers: 2, workerModules: [crashModule], progress: false, workerIdleMs: 0, keepModels: true });
    assert.deepEqual(failed.runs.map((r) => [r.error === undefined, r.model instanceof tf.LayersModel]), [[true, true], [false, false], [true, true]]);
    for (const r of failed.runs) r.model?.dispose();
    assert.equal(tf.memory().numTensors, tensors);
  } finally {
    tf.dispose([data.x, data.y]);
  }
});

test('keepModels in workers stopped by the stop button: the runs cut short and the trials never started keep no model', async () => {
  const data = regressionData(64);
  const tensors = tf.memory().numTensors;
  const display = { inNotebook: true, show: () => (requestStop(), { update: () => undefined }) };
  try {
    await asKernel(async () => {
      const grid = { learningRate: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06], batchSize: [8] };
      const result = await sweep({ ...base, epochs: 40, batchSize: 8 }, grid, () => mlp(), data, { workers: 2, display, workerIdleMs: 0, keepModels: true });
      assert.equal(result.interrupted, true);
      assert.ok(result.runs.length < 6, `${result.runs.length} runs`);
      for (const r of result.runs) assert.equal(r.model instanceof tf.LayersModel, r.result?.end === 'completed', `run ${r.index}: ${r.result?.end}`);
      for (const r of result.runs) r.model?.dispose();
      assert.equal(tf.memory().numTensors, tensors);
    });
  } finally {
    tf.dispose([data.x, data.y]);
  }
});
