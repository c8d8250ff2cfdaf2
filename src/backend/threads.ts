/**
 * Both cores for one model: starts tfjs-backend-wasm's threaded SIMD build (XNNPACK with a
 * pthread pool) under Node.
 *
 * tfjs 4.22 disables threads under Node, and forcing them fails with ERR_WORKER_PATH:
 * emscripten creates each pthread worker from a `blob:` URL, and then sends the worker its
 * main script as a Blob to import, neither of which Node's `Worker` loads. A `Worker`
 * global, defined only while the backend starts, that runs the package's own worker script from source (`eval`) and hands it the
 * package's glue file by path instead fixes both. tfjs also caps the pool at half the
 * logical cores (it assumes two hyperthreads per core), so the core count it reads is
 * doubled while the backend starts. Pthreads are threads of this process: a kernel that
 * exits or restarts takes them with it, and they are never ref'd, so they do not keep a
 * finished script alive.
 */
import * as os from 'os';
import * as path from 'path';
import * as workerThreads from 'worker_threads';
import * as tf from '@tensorflow/tfjs';

/** tfjs-backend-wasm starts 8 pthread workers and its C side uses at most 8 threads. */
export const MAX_THREADS = 8;

/** Thrown for a thread count that is not a whole number from 1 to {@link MAX_THREADS}. */
export function threadsProblem(value: unknown, where: string): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_THREADS) return undefined;
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  return (
    `${where}: threads must be a whole number from 1 to ${MAX_THREADS} (tfjs-backend-wasm's thread pool), received ${shown}. ` +
    `Pass e.g. threads: ${Math.min(machineCores(), MAX_THREADS)} (this machine's cores) or 1.`
  );
}

/** Cores this process may use (`os.availableParallelism`, which honours CPU affinity, where Node has it). */
export function machineCores(): number {
  const available = (os as { availableParallelism?: () => number }).availableParallelism;
  return Math.max(1, typeof available === 'function' ? available() : os.cpus().length);
}

/** Where a thread count came from: `useBackend`'s option, TRAINLAB_THREADS, or one per core. */
export type ThreadsSource = 'requested' | 'TRAINLAB_THREADS' | 'cores';

/**
 * The thread count when none is passed: TRAINLAB_THREADS, else one per core (at most
 * {@link MAX_THREADS}). Small products stay on the calling thread and large ones use the pool
 * only where it measures faster ({@link withThreadPool}), so every core is the default.
 */
export function defaultThreads(
  env: NodeJS.ProcessEnv = process.env,
  cores: number = machineCores(),
): { threads: number; source: ThreadsSource } | { problem: string } {
  const fromEnv = env.TRAINLAB_THREADS;
  if (fromEnv === undefined || fromEnv.trim() === '') return { threads: Math.min(Math.max(1, cores), MAX_THREADS), source: 'cores' };
  const n = /^\d+$/.test(fromEnv.trim()) ? Number(fromEnv) : fromEnv;
  const problem = threadsProblem(n, 'TRAINLAB_THREADS');
  return problem === undefined ? { threads: n as number, source: 'TRAINLAB_THREADS' } : { problem };
}

/** Why this runtime cannot run wasm threads, or undefined. */
export function threadsUnsupported(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined') return 'this JavaScript runtime has no SharedArrayBuffer';
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true } as WebAssembly.MemoryDescriptor);
    if (!(memory.buffer instanceof SharedArrayBuffer)) return 'this WebAssembly has no shared memory';
  } catch (error) {
    return `this WebAssembly has no shared memory (${(error as Error).message})`;
  }
  return undefined;
}

function wasmFile(name: string): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out', name);
}

/**
 * Defines the `Worker` global that emscripten's `new Worker(blob:...)` needs under Node (see the
 * module comment) and returns a function that puts back what was there before. emscripten
 * creates all of its pthread workers while the backend starts (tfjs's PTHREAD_POOL_SIZE, and
 * XNNPACK makes its threads once, at init), so the global is needed only for that time.
 */
function installWorkerShim(): () => void {
  // The worker script, as tfjs embeds it; '\n' inside its strings must stay escaped for eval.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const source = (require(wasmFile('tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string }).wasmWorkerContents.replace(/\n/g, '\\n');
  const glue = wasmFile('tfjs-backend-wasm-threaded-simd.js');
  class PthreadWorker extends workerThreads.Worker {
    constructor(url: string | URL, options?: workerThreads.WorkerOptions) {
      if (String(url).startsWith('blob:')) super(source, { ...options, eval: true });
      else super(url, options);
    }
    // XNNPACK's pool threads wait for work forever and only ever run while the main thread
    // is inside a wasm call, so they must never keep a finished process alive (emscripten refs
    // a worker while it runs a pthread).
    override ref(): void {
      this.unref();
    }
    override postMessage(message: unknown, transfer?: readonly workerThreads.TransferListItem[]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      // The glue arrives as a Blob that the worker cannot import; give it the file instead.
      if (m !== null && typeof m === 'object' && m.cmd === 'load' && typeof m.urlOrBlob !== 'string') message = { ...m, urlOrBlob: glue };
      super.postMessage(message, transfer);
    }
  }
  const before = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  // The threaded glue assigns Node's Worker to this global when it loads; the shim stays.
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => PthreadWorker, set: () => undefined });
  return () => {
    if (before === undefined) delete (globalThis as { Worker?: unknown }).Worker;
    else Object.defineProperty(globalThis, 'Worker', before);
  };
}

interface WasmPackage {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/**
 * Starts the wasm backend (`tf.setBackend('wasm')`) with `threads` XNNPACK threads:
 * the threaded SIMD build for 2 or more, tfjs's single-threaded SIMD build for 1.
 * Returns the thread count tfjs reports.
 */
export async function startWasm(threads: number): Promise<{ ok: boolean; threads: number }> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as WasmPackage;
  const threaded = threads > 1;
  const removeShim = threaded ? installWorkerShim() : undefined;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded);
  wasm.setThreadsCount(threads);
  // The os module itself (a TypeScript namespace import would be a copy): tfjs calls its cpus().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeOs = require('os') as { cpus: typeof os.cpus };
  const cpus = nodeOs.cpus;
  if (threaded) {
    nodeOs.cpus = () => {
      const list = cpus();
      return Array.from({ length: 2 * threads }, (_, i) => list[i % list.length]);
    };
  }
  try {
    const ok = await tf.setBackend('wasm');
    await tf.ready();
    if (!ok) return { ok, threads: 1 };
    const count = wasm.getThreadsCount();
    pool = threaded ? findPool((tf.backend() as unknown as { wasm: ThreadedModule }).wasm, count) : undefined;
    if (pool !== undefined) new Int32Array(pool.memory.buffer)[pool.index] = 0;
    return { ok, threads: count };
  } finally {
    nodeOs.cpus = cpus;
    removeShim?.();
  }
}

/**
 * Small ops must not pay for the pool: tfjs hands its one XNNPACK thread pool to every
 * op, and waking a thread for a 32x32 product costs more than the product (the tutorial
 * MLP ran ~5x slower on 2 threads). tfjs keeps the pool's pointer in a C global, found here
 * by the one word whose zeroing makes get_threads_count() report "no pool" (-1); with it
 * zeroed XNNPACK runs inline, and {@link withThreadPool} puts it back around large products
 * when that is faster.
 */
interface PoolSwitch {
  memory: WebAssembly.Memory;
  index: number;
  pointer: number;
  threads: number;
}

let pool: PoolSwitch | undefined;

interface ThreadedModule {
  wasmMemory?: WebAssembly.Memory;
  tfjs: { getThreadsCount(): number };
}

function findPool(module: ThreadedModule, threads: number): PoolSwitch | undefined {
  const memory = module.wasmMemory;
  if (memory === undefined || module.tfjs.getThreadsCount() <= 1) return undefined;
  const words = new Int32Array(memory.buffer);
  // The global lives in the static data, well below the first megabyte.
  const limit = Math.min(words.length, 1 << 18);
  for (let i = 64; i < limit; i++) {
    const v = words[i];
    if (v <= 0 || (v & 3) !== 0 || v >= memory.buffer.byteLength) continue;
    words[i] = 0;
    const hit = module.tfjs.getThreadsCount() === -1;
    words[i] = v;
    if (hit) return { memory, index: i, pointer: v, threads };
  }
  return undefined;
}

/** Products and convolutions below this many multiply-adds always run inline (a 32x32x32 product has 32K). */
export const POOL_MIN_WORK = 1 << 20;

/**
 * Whether the pool pays off is measured, not assumed: on a machine whose other cores are
 * busy, a parallel product waits for the slowest thread to be scheduled and is slower than
 * one thread (an MLP step on 2 threads ran at ~0.6x of 1 thread at a load average of 5 on 2
 * cores). Per size class (powers of two of the work), the first calls alternate pool and
 * inline, the faster median wins ({@link poolWins}), and the choice is measured again every
 * REPROBE calls as the load changes. Both ways compute the same values.
 */
const PROBES = 6;
const REPROBE = 400;

interface SizeClass {
  calls: number;
  pooledMs: number[];
  inlineMs: number[];
  pooled: boolean;
}

const classes = new Map<number, SizeClass>();

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Whether the pool won a size class's probes: its median time is below inline's. A median,
 * not a mean, so that one call delayed by another process (a preempted pool thread) does not
 * decide for the next REPROBE calls.
 */
export function poolWins(pooledMs: readonly number[], inlineMs: readonly number[]): boolean {
  if (pooledMs.length === 0 || inlineMs.length === 0) return false;
  return median(pooledMs) < median(inlineMs);
}

/** Runs `fn` (a product or convolution of `work` multiply-adds) on XNNPACK's pool or inline, whichever is faster here now. */
export function withThreadPool<T>(work: number, fn: () => T): T {
  if (pool === undefined || work < POOL_MIN_WORK) return fn();
  const key = Math.round(Math.log2(work));
  let c = classes.get(key);
  if (c === undefined) {
    c = { calls: 0, pooledMs: [], inlineMs: [], pooled: true };
    classes.set(key, c);
  }
  const phase = c.calls % REPROBE;
  if (phase === 0) {
    c.pooledMs = [];
    c.inlineMs = [];
  }
  c.calls++;
  const probing = phase < 2 * PROBES;
  const usePool = probing ? phase % 2 === 0 : c.pooled;
  const start = probing ? performance.now() : 0;
  const words = new Int32Array(pool.memory.buffer);
  if (usePool) words[pool.index] = pool.pointer;
  try {
    return fn();
  } finally {
    if (usePool) words[pool.index] = 0;
    if (probing) {
      (usePool ? c.pooledMs : c.inlineMs).push(performance.now() - start);
      if (phase === 2 * PROBES - 1) c.pooled = poolWins(c.pooledMs, c.inlineMs);
    }
  }
}

/** Per size class (log2 of the work): whether products use the pool now (for tests and the bench). */
export function poolChoices(): Record<number, boolean> {
  return Object.fromEntries([...classes].map(([k, c]) => [k, c.pooled]));
}

/** Whether tfjs has a wasm backend instance already (its thread count is then fixed). */
export function wasmStarted(): boolean {
  return (tf.engine() as unknown as { registry: Record<string, unknown> }).registry.wasm !== undefined;
}

/** XNNPACK threads of the running wasm backend; 1 before it starts. */
export function wasmThreads(): number {
  if (!wasmStarted()) return 1;
  if (pool !== undefined) return pool.threads;
  try {
    return (require('@tensorflow/tfjs-backend-wasm') as WasmPackage).getThreadsCount();
  } catch {
    return 1;
  }
}
