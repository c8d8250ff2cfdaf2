import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useBackend, BackendError } from '../../src/backend';
import { defaultThreads, machineCores, poolWins } from '../../src/backend/threads';

const script = path.resolve(__dirname, '..', 'fixtures', 'threads', 'train.js');
const noSharedMemory = path.resolve(__dirname, '..', 'fixtures', 'threads', 'nosab.js');

interface ChildRun {
  threads?: number;
  backend?: string;
  mlpLoss?: number[];
  mlpWeights?: number[][];
  cnnLoss?: number[];
  cnnWeights?: number[][];
  tensors?: number;
  osThreads?: number;
  workerGlobal?: string;
  lines?: string[];
  loss?: number;
  poolBetweenOps?: number;
  changeError?: string;
  error?: string;
  pid: number;
  code: number | null;
}

/** Runs the fixture in a fresh process (the thread count is fixed per process) and waits for it to end by itself. */
function runChild(args: string[], env: NodeJS.ProcessEnv = {}, file = script): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { env: { ...process.env, TRAINLAB_THREADS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // A pool thread that kept the process alive would show as this timeout.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not exit by itself within 120 s (a worker kept it alive?)\n${out}\n${err}`));
    }, 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve({ ...(JSON.parse(line) as object), pid: child.pid as number, code });
      } catch {
        reject(new Error(`no JSON from the child (exit ${code}):\n${out}\n${err}`));
      }
    });
  });
}

test('wasm with 2 threads (pool for large products only) trains an MLP and a CNN to the same losses and weights as 1 thread; the same tensors left; the process ends by itself', async () => {
  const [one, two] = await Promise.all([runChild(['1']), runChild(['2'])]);
  for (const r of [one, two]) assert.equal(r.error, undefined, r.error);
  assert.deepEqual([one.threads, two.threads], [1, 2]);
  // Between large products XNNPACK has no pool (small ops run inline); the 1-thread build has a pool of 1.
  assert.deepEqual([one.poolBetweenOps, two.poolBetweenOps], [1, -1]);
  assert.equal(two.backend, 'wasm');
  // The Worker global the pthread pool needs is there only while the backend starts.
  assert.deepEqual([one.workerGlobal, two.workerGlobal], ['undefined', 'undefined']);
  // Bit for bit: XNNPACK splits a product's outputs between threads, never its sums.
  assert.deepEqual(two.mlpLoss, one.mlpLoss, 'MLP loss');
  assert.deepEqual(two.mlpWeights, one.mlpWeights, 'MLP weights');
  assert.deepEqual(two.cnnLoss, one.cnnLoss, 'CNN loss');
  assert.deepEqual(two.cnnWeights, one.cnnWeights, 'CNN weights');
  // Threads add no tensors (what train itself keeps between runs is the same in both).
  assert.equal(two.tensors, one.tensors);
  // The threaded build runs its pthread pool (8 workers, tfjs's PTHREAD_POOL_SIZE) as threads of the process.
  assert.ok((two.osThreads as number) >= (one.osThreads as number) + 8, `${two.osThreads} vs ${one.osThreads}`);
  for (const r of [one, two]) {
    assert.equal(r.code, 0);
    assert.equal(fs.existsSync(`/proc/${r.pid}`), false, 'nothing of the process is left');
  }
});

test('TRAINLAB_THREADS sets the thread count; changing it after wasm started is refused with the fix', async () => {
  const r = await runChild(['env', 'change'], { TRAINLAB_THREADS: '2' });
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.threads, 2);
  assert.equal(
    r.changeError,
    "BackendError: useBackend: the wasm backend already runs with 2 threads, and its thread count is fixed when it starts. Restart the kernel (or process) and call useBackend('wasm', { threads: 1 }) before anything else uses wasm, or set TRAINLAB_THREADS=1.",
  );
});

test('the default thread count is one per core, at most 8; TRAINLAB_THREADS overrides it; a bad one is a problem naming it', () => {
  const cases: Array<[NodeJS.ProcessEnv, number, ReturnType<typeof defaultThreads>]> = [
    [{}, 1, { threads: 1, source: 'cores' }],
    [{}, 2, { threads: 2, source: 'cores' }],
    [{}, 64, { threads: 8, source: 'cores' }],
    [{ TRAINLAB_THREADS: '' }, 4, { threads: 4, source: 'cores' }],
    [{ TRAINLAB_THREADS: ' ' }, 4, { threads: 4, source: 'cores' }],
    [{ TRAINLAB_THREADS: '3' }, 2, { threads: 3, source: 'TRAINLAB_THREADS' }],
    [{ TRAINLAB_THREADS: '1' }, 8, { threads: 1, source: 'TRAINLAB_THREADS' }],
  ];
  for (const [env, cores, expected] of cases) assert.deepEqual(defaultThreads(env, cores), expected, `${JSON.stringify(env)} on ${cores} cores`);
  assert.match((defaultThreads({ TRAINLAB_THREADS: 'lots' }, 2) as { problem: string }).problem, /^TRAINLAB_THREADS: threads must be a whole number from 1 to 8 \(tfjs-backend-wasm's thread pool\), received 'lots'/);
  assert.match((defaultThreads({ TRAINLAB_THREADS: '0' }, 2) as { problem: string }).problem, /received 0\./);
  assert.match((defaultThreads({ TRAINLAB_THREADS: '9' }, 2) as { problem: string }).problem, /received 9\./);
});

test('with no threads option and no TRAINLAB_THREADS, wasm runs one thread per core (at most 8), with the same results as 1 thread and no Worker global left', async () => {
  const [one, auto] = await Promise.all([runChild(['1']), runChild(['env'])]);
  for (const r of [one, auto]) assert.equal(r.error, undefined, r.error);
  assert.equal(auto.threads, Math.min(machineCores(), 8));
  for (const key of ['mlpLoss', 'mlpWeights', 'cnnLoss', 'cnnWeights'] as const) assert.deepEqual(auto[key], one[key], key);
  assert.equal(auto.workerGlobal, 'undefined');
  assert.equal(auto.code, 0);
});

test('a thread count that is not a whole number from 1 to 8 throws before any backend starts, naming the value and the fix', async () => {
  const cases: Array<[unknown, string]> = [
    [0, '0'],
    [-2, '-2'],
    [1.5, '1.5'],
    [9, '9'],
    [Number.NaN, 'NaN'],
    ['2', "'2'"],
  ];
  for (const [threads, shown] of cases) {
    await assert.rejects(useBackend('wasm', { quiet: true, threads: threads as number }), (error: unknown) => {
      assert.ok(error instanceof BackendError);
      assert.equal(
        (error as Error).message,
        `useBackend: threads must be a whole number from 1 to 8 (tfjs-backend-wasm's thread pool), received ${shown}. Pass e.g. threads: ${Math.min(os.cpus().length, 8)} (this machine's cores) or 1.`,
      );
      return true;
    });
  }
});

test('a bad TRAINLAB_THREADS fails the wasm start with its message', async () => {
  const r = await runChild(['env'], { TRAINLAB_THREADS: 'two' });
  assert.match(r.error ?? '', /^BackendError: TRAINLAB_THREADS: threads must be a whole number from 1 to 8 \(tfjs-backend-wasm's thread pool\), received 'two'/);
});

test('where the runtime has no shared memory, asked-for threads give one line, said once, and a one-thread run', async () => {
  const cases: Array<[string, string]> = [
    ['2', '2 wasm threads requested'],
    ['8', '8 wasm threads requested'],
    ['default', `${Math.min(machineCores(), 8)} wasm threads (one per core)`],
  ];
  const runs = await Promise.all(cases.map(([arg]) => runChild([arg], {}, noSharedMemory)));
  runs.forEach((r, i) => {
    const [arg, asked] = cases[i];
    assert.equal(r.error, undefined, `${arg}: ${r.error}`);
    assert.equal(r.threads, 1, arg);
    assert.equal(r.loss, 64, arg);
    const said = arg === 'default' && machineCores() === 1 ? [] : [`trainlab: ${asked}, but this JavaScript runtime has no SharedArrayBuffer; running on one thread.`];
    assert.deepEqual(r.lines, [...said, 'trainlab: using the wasm backend (requested, 1 thread)', 'trainlab: using the wasm backend (requested, 1 thread)'], arg);
  });
});

test('a size class uses the pool when its median probe time beats inline; one delayed call does not decide', () => {
  const cases: Array<[number[], number[], boolean, string]> = [
    [[1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2], true, 'pool twice as fast'],
    [[2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1], false, 'pool slower'],
    [[1, 1, 1, 1, 1, 40], [2, 2, 2, 2, 2, 2], true, 'one pooled call preempted (a mean would say inline)'],
    [[2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 40], false, 'one inline call preempted (a mean would say pool)'],
    [[1, 1, 1], [1, 1, 1], false, 'a tie stays inline'],
    [[], [1], false, 'no pooled probe'],
    [[1, 3], [2.5, 2.5], true, 'even count: mean of the middle two'],
  ];
  for (const [pooled, inline, expected, what] of cases) assert.equal(poolWins(pooled, inline), expected, what);
});
