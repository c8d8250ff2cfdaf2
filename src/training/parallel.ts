/**
 * Parallel sweep trials in worker threads.
 *
 * A model factory is a function and cannot be sent to another thread, but what it builds
 * can: the main thread calls the factory (seeded, exactly as a serial sweep does), sends
 * the model's topology, initial weights and compile settings to a worker, and the worker
 * rebuilds that model and trains it with the trial's config. The worker therefore starts
 * from the same weights the serial run would, and with the same seed gets the same result.
 * What cannot cross a thread boundary (callbacks, functions or tensors in the config,
 * streamed datasets, custom loss functions) keeps a sweep serial; see {@link parallelPlan}.
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from '../config';
import { fastKernelsInstalled } from '../kernels';
import { describe } from './errors';
import { isDatasetData, type TrainData } from './data';
import type { RunData, RunResult } from './result';
import type { SweepRun } from './sweep';
import { disposeTrainingState } from './train';
import { withRunDisplay } from './resultDisplay';
import { recordsFrame } from './result';

/** Most worker threads a sweep may ask for (each holds its own tfjs and a copy of the data). */
export const MAX_WORKERS = 64;

/** A tensor as plain data that structured clone can copy. */
interface EncodedTensor {
  tensor: { shape: number[]; dtype: tf.DataType; values: tf.TypedArray };
}

/** Tensors (single, arrays, maps) with every tensor replaced by {@link EncodedTensor}. */
export type Encoded = EncodedTensor | Encoded[] | { [key: string]: Encoded };

export function encodeTensors(value: unknown): Encoded {
  if (value instanceof tf.Tensor) return { tensor: { shape: value.shape, dtype: value.dtype, values: value.dataSync() as tf.TypedArray } };
  if (Array.isArray(value)) return value.map(encodeTensors);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, encodeTensors(v)]));
}

export function decodeTensors(value: Encoded): unknown {
  if (Array.isArray(value)) return value.map(decodeTensors);
  if ('tensor' in value && !Array.isArray(value.tensor) && 'values' in (value.tensor as object)) {
    const t = (value as EncodedTensor).tensor;
    return tf.tensor(t.values, t.shape, t.dtype);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeTensors(v as Encoded)]));
}

/** Why `value` cannot be copied to a worker thread (first offending path), or undefined. */
function uncloneable(value: unknown, where: string): string | undefined {
  if (typeof value === 'function') return `${where} is a function`;
  if (value instanceof tf.Tensor) return `${where} holds a tensor`;
  if (typeof value !== 'object' || value === null) return undefined;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return `${where} is a ${proto?.constructor?.name ?? 'class'} instance`;
  for (const [k, v] of Object.entries(value)) {
    const why = uncloneable(v, Array.isArray(value) ? `${where}[${k}]` : `${where}.${k}`);
    if (why !== undefined) return why;
  }
  return undefined;
}

function isTensors(value: unknown): boolean {
  if (value instanceof tf.Tensor) return true;
  if (Array.isArray(value)) return value.length > 0 && value.every((t) => t instanceof tf.Tensor);
  return typeof value === 'object' && value !== null && Object.values(value).length > 0 && Object.values(value).every((t) => t instanceof tf.Tensor);
}

/** What a sweep needs to know to run in workers. */
export interface ParallelRequest {
  /** `options.workers` as given. */
  workers: unknown;
  /** Modules each worker imports first (`options.workerModules`). */
  workerModules: unknown;
  trials: number;
  /** Every trial's config input (base with the trial's fields set). */
  inputs: ReadonlyArray<Record<string, unknown>>;
  data: TrainData;
  hasCallbacks: boolean;
  /** Samples all trials train together (epochs × training rows, summed). */
  samples: number;
}

/**
 * A decision: run in `workers` threads (>= 2), or serially, with the reason. `auto` marks a
 * plan made without `options.workers`: it goes back to serial trials if the first model
 * turns out not to cross (see {@link crossProblem}).
 */
export type ParallelPlan = { workers: number; modules: string[]; auto: boolean } | { workers: 1; why: string };

/**
 * Without `options.workers`, a sweep uses one worker per core when its trials together
 * train at least this many samples (epochs × training rows, summed). The first sweep
 * starts the workers, about a second of wall clock on 2 cores; a sweep of the smallest
 * models this size runs ~2.5 s serially (README, Every core), so below it serial is as fast.
 */
export const AUTO_MIN_SAMPLES = 100_000;

/** Cores this process may use. */
function cores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/**
 * Decides how many worker threads a sweep uses. With `workers` undefined: one per core
 * when that helps (at least 2 cores and 2 trials, {@link AUTO_MIN_SAMPLES} samples, trials
 * that can cross threads), else serially; an explicit `workers >= 2` on a sweep that
 * cannot run in workers is a problem (the caller throws). Returns the plan or the problems.
 */
export function parallelPlan(request: ParallelRequest): { plan: ParallelPlan } | { problems: string[] } {
  const { workers } = request;
  const problems: string[] = [];
  if (workers !== undefined && (!Number.isInteger(workers) || (workers as number) < 1 || (workers as number) > MAX_WORKERS)) {
    problems.push(`options.workers must be a whole number from 1 to ${MAX_WORKERS}, received ${describe(workers)}. Pass e.g. workers: ${cores()} (one per core), or 1 to run the trials one after another.`);
  }
  const modules = request.workerModules;
  if (modules !== undefined && (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string' && m !== ''))) {
    problems.push(`options.workerModules must be a list of module paths, received ${describe(modules)}.`);
  }
  if (problems.length > 0) return { problems };
  const cwd = process.cwd();
  const resolved = ((modules as string[] | undefined) ?? []).map((m) => (m.startsWith('.') ? path.resolve(cwd, m) : m));
  if (workers === undefined) {
    const why =
      cores() < 2
        ? 'this machine has one core'
        : request.trials < 2
          ? 'the sweep has one trial'
          : request.samples < AUTO_MIN_SAMPLES
            ? `its trials train ${request.samples} samples in all, fewer than the ${AUTO_MIN_SAMPLES} that pay for starting workers`
            : !['wasm', 'cpu'].includes(tf.getBackend())
              ? `the ${tf.getBackend()} backend is not started in workers unless asked`
              : serialReason(request);
    if (why !== undefined) return { plan: { workers: 1, why } };
    return { plan: { workers: Math.min(cores(), request.trials, MAX_WORKERS), modules: resolved, auto: true } };
  }
  const wanted = Math.min(workers as number, request.trials);
  if (wanted <= 1) return { plan: { workers: 1, why: workers === 1 ? 'options.workers is 1' : 'the sweep has one trial' } };
  const why = serialReason(request);
  if (why !== undefined) {
    return { problems: [`options.workers is ${String(workers)} but the trials cannot run in worker threads: ${why}. Pass workers: 1 to run them here, one after another.`] };
  }
  return { plan: { workers: wanted, modules: resolved, auto: false } };
}

function serialReason(request: ParallelRequest): string | undefined {
  if (request.hasCallbacks) return 'options.callbacks are functions of this thread';
  if (isDatasetData(request.data)) return 'a tf.data.Dataset cannot be copied to another thread';
  const data = request.data as { x?: unknown; y?: unknown };
  if (!isTensors(data.x) || !isTensors(data.y)) return 'data.x and data.y must be tensors (or arrays / maps of tensors)';
  for (const [i, input] of request.inputs.entries()) {
    const why = uncloneable(input, 'config');
    if (why !== undefined) return `run ${i}: ${why}`;
  }
  return undefined;
}

/** Classes tfjs registers itself (taken when trainlab loads, before a notebook registers its own). */
const BUILT_IN_CLASSES = new Set(Object.keys((tf.serialization.SerializationMap.getMap() as unknown as { classNameMap: Record<string, unknown> }).classNameMap));

/** Class names in a serialized topology. */
function classNames(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) classNames(v, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'class_name' && typeof v === 'string') into.add(v);
      else classNames(v, into);
    }
  }
  return into;
}

/**
 * Why a sweep that did not ask for workers should train this model here after all: it was
 * compiled with a loss function, or uses classes a worker would not know (custom layers
 * without `options.workerModules`). Undefined when it crosses.
 */
export function crossProblem(model: tf.LayersModel, modules: readonly string[]): string | undefined {
  try {
    const payload = modelPayload(model);
    if (modules.length > 0) return undefined;
    const custom = [...classNames(payload.topology, new Set())].filter((c) => !BUILT_IN_CLASSES.has(c));
    return custom.length > 0 ? `the model uses ${custom.join(', ')}, which workers know only through options.workerModules` : undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A model as the worker rebuilds it. */
export interface ModelPayload {
  topology: unknown;
  weights: Array<{ shape: number[]; dtype: tf.DataType; values: tf.TypedArray }>;
  /** tfjs's training config when the factory compiled the model (optimizer, loss, metrics). */
  trainingConfig?: unknown;
}

/** The factory's model as plain data; throws naming what cannot be sent. */
export function modelPayload(model: tf.LayersModel): ModelPayload {
  const topology = model.toJSON(undefined, false);
  const weights = model.getWeights().map((w) => ({ shape: w.shape, dtype: w.dtype, values: w.dataSync() as tf.TypedArray }));
  if (model.optimizer == null) return { topology, weights };
  const losses = [model.loss].flat().flatMap((l) => (typeof l === 'object' && l !== null && !Array.isArray(l) ? Object.values(l) : [l]));
  if (!losses.every((l) => typeof l === 'string')) {
    throw new Error('the model factory compiled the model with a loss function, which cannot reach a worker thread. Compile with a loss name, or pass config.loss, or workers: 1.');
  }
  const trainingConfig = (model as unknown as { getTrainingConfig(): unknown }).getTrainingConfig();
  return { topology, weights, trainingConfig };
}

/** One trial for a worker. */
export interface TrialTask {
  index: number;
  seed: number;
  input: Record<string, unknown>;
  model: ModelPayload;
  /** Send the trained weights back with the result (sweep's keepModels). */
  keepWeights: boolean;
}

/** What a worker sends back: the result's data (functions are re-attached here) or an error. */
export type TrialReply =
  | { index: number; result: Omit<RunData, 'historyFrame' | 'config'>; weights?: ModelPayload['weights'] }
  | { index: number; error: { name: string; message: string; stack?: string } }
  /** Not started: the sweep was stopped first. */
  | { index: number; skipped: true };

/** A worker's reply as a RunResult with this thread's config, frame and display. */
export function resultOf(reply: Omit<RunData, 'historyFrame' | 'config'>, config: TrainingConfig): RunResult {
  let frame: ReturnType<typeof recordsFrame> | undefined;
  return withRunDisplay({ ...reply, config, historyFrame: () => (frame ??= recordsFrame(reply.history)) });
}

function failed(task: TrialTask, message: string): TrialReply {
  return { index: task.index, error: { name: 'TrainingError', message: `run ${task.index} failed: ${message}` } };
}

/** The compiled worker entry (tests and tsx run src/, workers always run dist/). */
function workerEntry(): string {
  const here = __filename.endsWith('.ts') ? path.resolve(__dirname, '..', '..', 'dist', 'training') : __dirname;
  return path.join(here, 'parallelWorker.js');
}

/** What every worker of a pool is started with: trials of another backend or module list need another pool. */
export interface PoolInit {
  backend: string;
  fastKernels: boolean;
  modules: string[];
}

/** One sweep's share of a pool: its id (a worker's data and stop belong to one sweep) and its data, encoded once. */
interface SweepShare {
  id: number;
  data: Encoded;
}

interface Job {
  task: TrialTask;
  sweep: SweepShare;
  resolve(reply: TrialReply): void;
}

interface Slot {
  worker: Worker;
  busy: Job | undefined;
  /** The sweep whose data this worker holds. */
  sweep: number | undefined;
  /** Ended on purpose (pool shrunk or closed): its exit fails nothing. */
  retired: boolean;
  dead: boolean;
}

/**
 * Worker threads, each training one trial at a time, taken from a queue as they free up.
 * The pool outlives a sweep so that the next one finds its workers loaded and warm: tfjs,
 * the backend and V8's compiled code cost each new worker about a second of CPU (its first
 * trials run slower). Idle, it holds no ref on the process and ends after `idleMs`.
 * A worker that dies fails only the trial it was running and is replaced for the next one;
 * when every worker died before any trial (they could not start), the waiting trials fail.
 */
export class TrialPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** True while a sweep uses the pool (another sweep at the same time gets its own). */
  inUse = false;

  constructor(readonly init: PoolInit) {}

  /** Same backend, kernels and modules. */
  fits(init: PoolInit): boolean {
    return init.backend === this.init.backend && init.fastKernels === this.init.fastKernels && JSON.stringify(init.modules) === JSON.stringify(this.init.modules);
  }

  /** Makes the pool exactly `size` workers (new ones start loading at once) and holds the process open until {@link release}. */
  acquire(size: number): void {
    clearTimeout(this.idleTimer);
    this.inUse = true;
    while (this.slots.length > size) this.retire(this.slots.pop() as Slot);
    while (this.slots.length < size) this.slots.push(this.spawn());
    for (const slot of this.slots) slot.worker.ref();
  }

  /** The sweep is over: workers stop holding the process open and end after `idleMs` (0: now). */
  async release(idleMs: number): Promise<void> {
    this.inUse = false;
    for (const slot of this.slots) slot.worker.unref();
    if (idleMs <= 0) return this.close();
    this.idleTimer = setTimeout(() => void this.close(), idleMs);
    this.idleTimer.unref();
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    void slot.worker.terminate();
  }

  private spawn(): Slot {
    const worker = new Worker(workerEntry(), { workerData: this.init });
    const slot: Slot = { worker, busy: undefined, sweep: undefined, retired: false, dead: false };
    worker.on('message', (reply: TrialReply) => {
      const job = slot.busy;
      slot.busy = undefined;
      job?.resolve(reply);
      this.next(slot);
    });
    // 'error' (an uncaught exception in the worker) is followed by 'exit'.
    let crash: Error | undefined;
    worker.on('error', (error) => {
      crash = error;
    });
    worker.on('exit', (code) => {
      slot.dead = true;
      if (this.closed || slot.retired) return;
      const why = crash !== undefined ? `its worker thread crashed: ${crash.message}` : `its worker thread exited with code ${code}`;
      const job = slot.busy;
      slot.busy = undefined;
      const i = this.slots.indexOf(slot);
      if (job !== undefined) {
        job.resolve(failed(job.task, `${why} during the trial`));
        this.slots[i] = this.spawn();
        if (!this.inUse) this.slots[i].worker.unref();
        this.next(this.slots[i]);
      } else if (this.slots.every((s) => s.dead)) {
        for (const waiting of this.queue.splice(0)) waiting.resolve(failed(waiting.task, `${why} before its first trial`));
      } else if (i >= 0) {
        this.slots.splice(i, 1);
      }
    });
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.busy = job;
    // Each worker gets a sweep's data once, with its first trial of that sweep.
    const data = slot.sweep === job.sweep.id ? undefined : job.sweep.data;
    slot.sweep = job.sweep.id;
    slot.worker.postMessage({ cmd: 'trial', sweep: job.sweep.id, task: job.task, data });
  }

  private next(slot: Slot): void {
    if (slot.dead || slot.retired) return;
    const job = this.queue.shift();
    if (job !== undefined) this.start(slot, job);
  }

  /** Trains one trial of `sweep` in the next free worker. */
  run(task: TrialTask, sweep: SweepShare): Promise<TrialReply> {
    return new Promise((resolve) => {
      const job = { task, sweep, resolve };
      const free = this.slots.find((s) => s.busy === undefined && !s.dead);
      if (free !== undefined) this.start(free, job);
      else this.queue.push(job);
    });
  }

  /** Asks `sweep`'s running trials to stop at their next batch edge; its waiting trials do not start. */
  stop(sweep: number): void {
    for (const job of this.queue.filter((j) => j.sweep.id === sweep)) {
      this.queue.splice(this.queue.indexOf(job), 1);
      job.resolve({ index: job.task.index, skipped: true });
    }
    for (const slot of this.slots) if (slot.busy?.sweep.id === sweep) slot.worker.postMessage({ cmd: 'stop', sweep });
  }

  /** Ends every worker thread; resolves when all have exited. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    if (sharedPool === this) sharedPool = undefined;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Worker threads alive now (for tests). */
  get threadIds(): number[] {
    return this.slots.filter((s) => !s.dead).map((s) => s.worker.threadId);
  }
}

/** The pool sweeps share between them. */
let sharedPool: TrialPool | undefined;
let sweepIds = 0;

/** The shared pool if it is free and fits (else it is replaced), or a pool of its own for a sweep running next to another. */
async function poolFor(init: PoolInit): Promise<TrialPool> {
  if (sharedPool?.inUse === true) return new TrialPool(init);
  if (sharedPool !== undefined && !sharedPool.fits(init)) await sharedPool.close();
  sharedPool ??= new TrialPool(init);
  return sharedPool;
}

/** The shared pool's live worker threads (for tests). */
export function sweepWorkerThreadIds(): number[] {
  return sharedPool?.threadIds ?? [];
}

/** Ends the shared pool's workers now (tests; a process that exits takes them with it anyway). */
export async function closeSweepWorkers(): Promise<void> {
  await sharedPool?.close();
}

/** Everything {@link runInWorkers} needs from sweep. */
export interface WorkerSweep {
  workers: number;
  modules: string[];
  /** Chosen without options.workers: a first model that cannot cross sends the sweep back to serial (`done` then says why). */
  auto: boolean;
  params: ReadonlyArray<Record<string, unknown>>;
  inputs: ReadonlyArray<Record<string, unknown>>;
  configs: readonly TrainingConfig[];
  seeds: readonly number[];
  modelFactory(config: TrainingConfig): tf.LayersModel | Promise<tf.LayersModel>;
  data: TrainData;
  setSeed(seed: number): void;
  /** How long the workers stay for the next sweep once this one is over (ms; 0 ends them with it). */
  idleMs: number;
  /** Called as each run finishes (in finishing order), with the count finished so far. */
  onRun(run: SweepRun, done: number): void;
  /** With keepModels: which runs keep a model (sweep's rule). The factory's model then waits here for its trained weights. */
  keepModel: ((run: SweepRun) => boolean) | undefined;
}

/** The worker's trained weights in the factory's model built here; throws when there are none that fit. */
function receiveWeights(model: tf.LayersModel, weights: ModelPayload['weights'] | undefined): void {
  if (weights === undefined) throw new Error('the worker sent back no trained weights (a trainlab build older than this one?). Rebuild trainlab (npm run build), or pass workers: 1.');
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape, w.dtype));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * Runs a sweep's trials in worker threads. The factory runs here, seeded per trial as in
 * the serial sweep; the returned `stop` asks running trials to stop and drops waiting ones.
 * `done` resolves with the runs that started, in trial order; the workers stay for the next
 * sweep for `idleMs` (with 0, `done` resolves after they have exited).
 */
export function runInWorkers(sweep: WorkerSweep): { stop(): void; done: Promise<SweepRun[] | { serial: string }> } {
  const id = ++sweepIds;
  let pool: TrialPool | undefined;
  let stopped = false;
  const done = (async (): Promise<SweepRun[] | { serial: string }> => {
    const runs: SweepRun[] = [];
    const pending: Array<Promise<void>> = [];
    const finish = (run: SweepRun) => {
      runs.push(run);
      sweep.onRun(run, runs.length);
    };
    // Workers start loading before the first model is built; the data is encoded once for all of them.
    const active = await poolFor({ backend: tf.getBackend(), fastKernels: fastKernelsInstalled(), modules: sweep.modules });
    pool = active;
    active.acquire(sweep.workers);
    if (stopped) active.stop(id);
    const d = sweep.data as { x: unknown; y: unknown };
    const share: SweepShare = { id, data: encodeTensors({ x: d.x, y: d.y }) };
    try {
      for (let i = 0; i < sweep.params.length && !stopped; i++) {
        const config = sweep.configs[i];
        const seed = sweep.seeds[i];
        const run: SweepRun = { index: i, params: sweep.params[i], config, seed, result: undefined, error: undefined };
        let model: tf.LayersModel | undefined;
        let held: tf.LayersModel | undefined;
        let payload: ModelPayload;
        try {
          sweep.setSeed(seed);
          model = await sweep.modelFactory(config);
          if (!(model instanceof tf.LayersModel)) throw new Error(`modelFactory must return a tf.LayersModel, received ${describe(model)}.`);
          if (i === 0 && sweep.auto) {
            const why = crossProblem(model, sweep.modules);
            if (why !== undefined) return { serial: why };
          }
          payload = modelPayload(model);
          if (sweep.keepModel !== undefined) [held, model] = [model, undefined];
        } catch (error) {
          run.error = error instanceof Error ? error : new Error(String(error));
          finish(run);
          continue;
        } finally {
          if (model instanceof tf.LayersModel) {
            disposeTrainingState(model);
            model.dispose();
          }
        }
        pending.push(
          active
            .run({ index: i, seed, input: sweep.inputs[i], model: payload, keepWeights: held !== undefined }, share)
            .then((reply) => {
              if ('skipped' in reply) return;
              if ('error' in reply) {
                const error = new Error(reply.error.message);
                error.name = reply.error.name;
                if (reply.error.stack !== undefined) error.stack = reply.error.stack;
                run.error = error;
              } else {
                run.result = resultOf(reply.result, config);
                if (held !== undefined && sweep.keepModel?.(run) === true) {
                  try {
                    receiveWeights(held, reply.weights);
                    run.model = held;
                  } catch (error) {
                    run.error = error instanceof Error ? error : new Error(String(error));
                  }
                }
              }
              finish(run);
            })
            .finally(() => {
              // A model not handed to its run (failed, skipped, cut short) is freed here.
              if (held !== undefined && run.model !== held) held.dispose();
            }),
        );
      }
      await Promise.all(pending);
    } finally {
      await active.release(active === sharedPool ? sweep.idleMs : 0);
    }
    return runs.sort((a, b) => a.index - b.index);
  })();
  return {
    stop: () => {
      stopped = true;
      pool?.stop(id);
    },
    done,
  };
}
