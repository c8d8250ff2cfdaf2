import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useBackend, BackendError } from '../../src/backend';
import { defaultThreads } from '../../src/backend/threads';

const script = path.resolve(__dirname, '..', 'fixtures', 'threads', 'train.js');

interface ChildRun {
  threads?: number;
  backend?: string;
  mlpLoss?: number[];
  mlpWeights?: number[][];
  cnnLoss?: number[];
  cnnWeights?: number[][];
  tensors?: number;
  osThreads?: number;
  poolBetweenOps?: number;
  changeError?: string;
  error?: string;
  pid: number;
  code: number | null;
}

/** Runs the fixture in a fresh process (the thread count is fixed per process) and waits for it to end by itself. */
function runChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, TRAINLAB_THREADS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

function assertClose(actual: number[][], expected: number[][], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= tolerance * (1 + Math.abs(expected[i][j])), `${what}[${i}][${j}]: ${v} vs ${expected[i][j]}`)),
  );
}

test('wasm with 2 threads (pool for large products only) trains an MLP and a CNN to the same losses and weights as 1 thread; the same tensors left; the process ends by itself', async () => {
  const [one, two] = await Promise.all([runChild(['1']), runChild(['2'])]);
  for (const r of [one, two]) assert.equal(r.error, undefined, r.error);
  assert.deepEqual([one.threads, two.threads], [1, 2]);
  // Between large products XNNPACK has no pool (small ops run inline); the 1-thread build has a pool of 1.
  assert.deepEqual([one.poolBetweenOps, two.poolBetweenOps], [1, -1]);
  assert.equal(two.backend, 'wasm');
  assertClose([two.mlpLoss as number[]], [one.mlpLoss as number[]], 1e-5, 'MLP loss');
  assertClose(two.mlpWeights as number[][], one.mlpWeights as number[][], 1e-5, 'MLP weights');
  assertClose([two.cnnLoss as number[]], [one.cnnLoss as number[]], 1e-5, 'CNN loss');
  assertClose(two.cnnWeights as number[][], one.cnnWeights as number[][], 1e-5, 'CNN weights');
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

test('the default thread count is 1 (threads are opt-in); TRAINLAB_THREADS overrides it', () => {
  assert.deepEqual(defaultThreads({}), { threads: 1 });
  assert.deepEqual(defaultThreads({ TRAINLAB_THREADS: '3' }), { threads: 3 });
  assert.match((defaultThreads({ TRAINLAB_THREADS: 'lots' }) as { problem: string }).problem, /^TRAINLAB_THREADS: threads must be a whole number from 1 to 8 \(tfjs-backend-wasm's thread pool\), received 'lots'/);
  assert.match((defaultThreads({ TRAINLAB_THREADS: '0' }) as { problem: string }).problem, /received 0\./);
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
