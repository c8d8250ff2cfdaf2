import * as tf from '@tensorflow/tfjs';
import type { DataFrame } from 'danfojs-node';
import { mulberry32, setSeed } from '../backend';
import { defineConfig, type TrainingConfig, type TrainingConfigInput } from '../config';
import { getDisplay } from '../display';
import type { Display, DisplayHandle } from '../display/types';
import type { TrainData } from './data';
import { describe, TrainingError } from './errors';
import { recordsFrame, type RunResult } from './result';
import { disposeTrainingState, handOptimizerToModel, trainModel } from './train';
import { onInterrupt } from '../util/interrupt';
import { trainingOptionIssues } from './options';
import { parallelPlan, runInWorkers } from './parallel';

/** Values to try for one config field in a grid: every combination of every field is run. */
export type GridSpace = Record<string, readonly unknown[]>;

/** How a random search draws one field. */
export type Distribution =
  | readonly unknown[]
  | { uniform: readonly [number, number] }
  | { logUniform: readonly [number, number] }
  | { int: readonly [number, number] };

/** Random search: `trials` configs with each field drawn from its distribution. */
export interface RandomSpace {
  strategy: 'random';
  /** Number of runs (whole number >= 1). */
  trials: number;
  /** Seed of the draws, so the same space gives the same trials. Defaults to `0`. */
  seed?: number;
  /** Field (dotted path, e.g. `'regularization.l2'`) → a list to choose from, `{uniform: [a, b]}`, `{logUniform: [a, b]}` or `{int: [a, b]}` (inclusive). */
  params: Record<string, Distribution>;
}

/** Grid search written out: same as passing the `params` record directly. */
export interface GridSpaceSpec {
  strategy: 'grid';
  params: GridSpace;
}

export type SweepSpace = GridSpace | GridSpaceSpec | RandomSpace;

/** Options of {@link sweep}. */
export interface SweepOptions {
  /**
   * Seed for each run (model init via the factory, shuffling, dropout) when the run's
   * config has none; the same for every run so they differ only in the swept fields.
   * Defaults to `0`.
   */
  seed?: number;
  /** Show progress (one in-place output in a notebook, one line per run elsewhere). Defaults to `true`. */
  progress?: boolean;
  /** Display for progress. Defaults to `getDisplay()`. */
  display?: Display;
  /** Fresh callbacks for each run (callbacks keep state, so they are not shared). Defaults to none. */
  callbacks?: (config: TrainingConfig) => Array<InstanceType<typeof tf.Callback> | tf.CustomCallbackArgs>;
  /**
   * Trials trained at once, each in its own worker thread (1 to 64). The model factory still
   * runs here, seeded per trial; the worker trains a copy of the model it built, so runs,
   * order and seeds are those of a serial sweep, and a worker that crashes fails only its
   * trial. Workers need the data as tensors and a config without functions or tensors, and
   * no `callbacks`. Defaults to one per core when that helps: at least 2 cores and 2 trials,
   * trials training 100,000 samples in all (epochs × rows), the wasm or cpu backend, and
   * trials that can cross threads (else serially; README, Every core). `1` is serial.
   */
  workers?: number;
  /** Modules each worker thread loads before its first trial, e.g. one registering custom layers with `tf.serialization.registerClass`. Defaults to none. */
  workerModules?: string[];
  /**
   * How long worker threads wait after a sweep for the next one, which then starts with
   * them loaded and warm, in milliseconds. Waiting workers never keep a script from exiting,
   * and a kernel that restarts takes them with it. `0` ends them with the sweep. Defaults to `30000`.
   */
  workerIdleMs?: number;
  /**
   * Keep each finished run's trained model in `runs[i].model` (and so `best.model`), e.g. to
   * score the best configuration on a test set without training it again. A run that failed
   * or that the stop button cut short keeps none. The caller owns the kept models: dispose
   * each (`run.model?.dispose()`; that frees its optimizer too). Serially the model is the
   * trained one, optimizer state included, and trains on with `train`; with `workers` it is
   * the factory's model built here with the worker's trained weights (no optimizer state).
   * Defaults to `false`: every model is disposed after its run.
   */
  keepModels?: boolean;
}

/** One row of the results table. */
export type SweepRow = Record<string, number | string | boolean | null>;

/** One run of a sweep. */
export interface SweepRun {
  index: number;
  /** The swept fields' values (dotted path → value). */
  params: Record<string, unknown>;
  config: TrainingConfig;
  seed: number;
  /** The run's result, undefined when it failed. */
  result: RunResult | undefined;
  /** The error that ended a failed run. */
  error: Error | undefined;
  /** The trained model, with `options.keepModels` and a run that finished (see {@link keepsModel}); the caller disposes it. */
  model?: tf.LayersModel;
}

/** Which runs `keepModels` keeps a model for: those with a result that the stop button did not cut short. */
export function keepsModel(run: SweepRun): boolean {
  return run.result !== undefined && run.result.end !== 'interrupted';
}

/** What {@link sweep} returns. */
export interface SweepResult {
  /** One row per run: `run`, the swept fields, `seed`, `monitor`, `best_<monitor>`, `bestEpoch`, `final_<metric>`..., `epochsRun`, `stoppedEpoch`, `stoppedBy` (null, or why the run ended early), `durationMs`, `error`. */
  rows: SweepRow[];
  /** The rows as a danfojs DataFrame (danfojs-node loads on the first call). */
  frame(): DataFrame;
  /** Every run with its config and full RunResult (history included). */
  runs: SweepRun[];
  /** The run with the best `best_<monitor>` value, if any run succeeded. */
  best: SweepRun | undefined;
  /** True when SIGINT stopped the sweep (the interrupted run is the last one). */
  interrupted: boolean;
  durationMs: number;
}

/** Rows of in-memory data (0 for a dataset, whose size is not known before it is read). */
function trainingRows(data: TrainData): number {
  const x = (data as { x?: unknown }).x;
  const first = x instanceof tf.Tensor ? x : Array.isArray(x) ? x[0] : typeof x === 'object' && x !== null ? Object.values(x)[0] : undefined;
  return first instanceof tf.Tensor ? (first.shape[0] ?? 0) : 0;
}

/** How long a sweep's workers wait for the next sweep by default (ms). */
const DEFAULT_WORKER_IDLE_MS = 30_000;

type ModelFactory = (config: TrainingConfig) => tf.LayersModel | Promise<tf.LayersModel>;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Copy of `target` with `value` at the dotted `path`; a string on the way becomes `{name}` (e.g. `optimizer: 'adam'`), anything else not an object becomes `{}`. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const out = { ...target };
  if (rest.length === 0) {
    out[head] = value;
    return out;
  }
  const current = out[head];
  const inner = isObject(current) ? current : typeof current === 'string' ? { name: current } : {};
  out[head] = setPath(inner, rest.join('.'), value);
  return out;
}

/** Every combination of the grid's values, first field varying slowest. */
export function gridTrials(space: GridSpace): Array<Record<string, unknown>> {
  let trials: Array<Record<string, unknown>> = [{}];
  for (const [key, values] of Object.entries(space)) {
    trials = trials.flatMap((t) => values.map((v) => ({ ...t, [key]: v })));
  }
  return trials;
}

/** `trials` draws from the distributions, repeatable for a seed. */
export function randomTrials(space: RandomSpace): Array<Record<string, unknown>> {
  const random = mulberry32(space.seed ?? 0);
  return Array.from({ length: space.trials }, () => {
    const trial: Record<string, unknown> = {};
    for (const [key, d] of Object.entries(space.params)) trial[key] = draw(d, random);
    return trial;
  });
}

function draw(d: Distribution, random: () => number): unknown {
  if (Array.isArray(d)) return d[Math.floor(random() * d.length)];
  const dist = d as Exclude<Distribution, readonly unknown[]>;
  if ('uniform' in dist) return dist.uniform[0] + random() * (dist.uniform[1] - dist.uniform[0]);
  if ('logUniform' in dist) {
    const [a, b] = dist.logUniform;
    return Math.exp(Math.log(a) + random() * (Math.log(b) - Math.log(a)));
  }
  const [a, b] = dist.int;
  return a + Math.floor(random() * (b - a + 1));
}

function spaceProblems(space: unknown): string[] {
  if (!isObject(space)) return [`space must be {field: [values...]} (grid) or {strategy: 'random', trials, params}, received ${describe(space)}.`];
  if (space.strategy === undefined) return gridProblems(space);
  if (space.strategy === 'grid') return isObject(space.params) ? gridProblems(space.params) : [`space.params must be {field: [values...]}, received ${describe(space.params)}.`];
  if (space.strategy !== 'random') return [`space.strategy ${describe(space.strategy)} is not one of 'grid' | 'random'.`];
  const problems: string[] = [];
  if (!Number.isInteger(space.trials) || (space.trials as number) < 1) problems.push(`space.trials must be a whole number >= 1, received ${describe(space.trials)}.`);
  if (space.seed !== undefined && !Number.isSafeInteger(space.seed)) problems.push(`space.seed must be a whole number, received ${describe(space.seed)}.`);
  if (!isObject(space.params) || Object.keys(space.params).length === 0) {
    problems.push(`space.params must name at least one field with a distribution, received ${describe(space.params)}.`);
    return problems;
  }
  for (const [key, d] of Object.entries(space.params)) {
    const where = `space.params['${key}']`;
    if (Array.isArray(d)) {
      if (d.length === 0) problems.push(`${where} is an empty list. Give at least one value.`);
      continue;
    }
    const range = isObject(d) ? ((d.uniform ?? d.logUniform ?? d.int) as unknown) : undefined;
    const kind = isObject(d) ? Object.keys(d)[0] : undefined;
    const ok = Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === 'number' && Number.isFinite(v)) && range[0] <= range[1];
    if (!ok || Object.keys(d as object).length !== 1) {
      problems.push(`${where} must be a list of values or {uniform: [a, b]}, {logUniform: [a, b]}, {int: [a, b]} with a <= b, received ${describe(d)}.`);
    } else if (kind === 'logUniform' && (range as number[])[0] <= 0) {
      problems.push(`${where}: logUniform needs a > 0, received ${describe(d)}.`);
    } else if (kind === 'int' && !(range as number[]).every(Number.isInteger)) {
      problems.push(`${where}: int needs whole-number bounds, received ${describe(d)}.`);
    }
  }
  return problems;
}

function gridProblems(grid: Record<string, unknown>): string[] {
  const keys = Object.keys(grid);
  if (keys.length === 0) return [`space names no field. Pass e.g. {learningRate: [1e-3, 1e-2], batchSize: [32, 64]}.`];
  return keys.filter((k) => !Array.isArray(grid[k]) || (grid[k] as unknown[]).length === 0).map((k) => `space['${k}'] must be a non-empty list of values, received ${describe(grid[k])}.`);
}

function paramText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : JSON.stringify(v)}`)
    .join(' ');
}

function cell(v: unknown): number | string | boolean | null {
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v === undefined || v === null) return null;
  return JSON.stringify(v);
}

/** The table row of one run. */
function rowOf(run: SweepRun): SweepRow {
  const row: SweepRow = { run: run.index };
  for (const [k, v] of Object.entries(run.params)) row[k] = cell(v);
  row.seed = run.seed;
  const r = run.result;
  if (r !== undefined) {
    row.monitor = r.monitor;
    row[`best_${r.monitor}`] = r.bestValue ?? null;
    row.bestEpoch = r.bestEpoch ?? null;
    for (const [k, v] of Object.entries(r.final ?? {})) if (k !== 'epoch') row[`final_${k}`] = v;
    row.epochsRun = r.epochsRun;
    row.stoppedEpoch = r.stoppedEpoch ?? null;
    // Named so charts.sweepResults treats it as a result, not a swept parameter.
    row.stoppedBy = r.end === 'completed' ? null : r.end;
    row.durationMs = r.durationMs;
  }
  row.error = run.error === undefined ? null : run.error.message;
  return row;
}

class SweepProgress {
  private handle: DisplayHandle | undefined;
  private readonly lines: string[] = [];
  private readonly indices: number[] = [];
  constructor(private readonly display: Display, private readonly total: number) {}

  /** Runs finish out of order in worker threads; the notebook output lists them by index. */
  report(line: string, done: number, index = done - 1): void {
    let at = this.indices.length;
    while (at > 0 && this.indices[at - 1] > index) at--;
    this.indices.splice(at, 0, index);
    this.lines.splice(at, 0, line);
    const header = `Sweep: ${done}/${this.total} runs`;
    const text = [header, ...this.lines].join('\n');
    if (!this.display.inNotebook) {
      process.stdout.write(`${header}: ${line}\n`);
      return;
    }
    const html = `<div style="font-family:monospace;font-size:12px"><progress value="${done}" max="${this.total}"></progress> ${header}${this.lines
      .map((l) => `<div>${l.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</div>`)
      .join('')}</div>`;
    const bundle = { 'text/plain': text, 'text/html': html };
    if (this.handle === undefined) this.handle = this.display.show(bundle);
    else this.handle.update(bundle);
  }
}

/**
 * Runs `train` once per point of `space` (a grid, or random draws) on top of `base`, each
 * with a fresh model from `modelFactory(config)`, and collects one row per run (swept
 * fields, best and final metrics, time, stopped epoch, error) plus every RunResult. Every
 * trial config is validated before the first run; a run that fails while training is
 * recorded with its error and the sweep goes on; SIGINT stops the sweep after the current
 * run. Each run is seeded (before the factory builds its model), so a sweep repeats exactly.
 * Every model is disposed after its run unless `options.keepModels` keeps the finished runs'
 * trained models in `runs[i].model` (the caller then disposes them).
 *
 * @example await sweep({epochs: 20, validationSplit: 0.2}, {learningRate: [1e-3, 1e-2], batchSize: [32, 64]}, () => buildModel(), {x, y})
 */
export async function sweep(base: TrainingConfigInput, space: SweepSpace, modelFactory: ModelFactory, data: TrainData, options: SweepOptions = {}): Promise<SweepResult> {
  const started = Date.now();
  const problems = [...trainingOptionIssues('sweep', options).map((issue) => issue.message), ...spaceProblems(space)];
  if (typeof modelFactory !== 'function') problems.push(`modelFactory must be a function (config) => tf.LayersModel, received ${describe(modelFactory)}.`);
  if (problems.length > 0) throw new TrainingError('sweep', problems);
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) problems.push(`options.seed must be a whole number, received ${describe(options.seed)}.`);
  if (options.workerIdleMs !== undefined && !(Number.isFinite(options.workerIdleMs) && options.workerIdleMs >= 0)) {
    problems.push(`options.workerIdleMs must be a number of milliseconds >= 0, received ${describe(options.workerIdleMs)}. Pass 0 to end the workers with the sweep.`);
  }
  if (problems.length > 0) throw new TrainingError('sweep', problems);
  const s = space as Record<string, unknown>;
  const trials = s.strategy === 'random' ? randomTrials(space as RandomSpace) : gridTrials((s.strategy === 'grid' ? s.params : s) as GridSpace);
  const configs: TrainingConfig[] = [];
  const trialInputs: Array<Record<string, unknown>> = [];
  trials.forEach((params, i) => {
    let input = { ...(base ?? {}) } as Record<string, unknown>;
    for (const [path, value] of Object.entries(params)) input = setPath(input, path, value);
    trialInputs.push(input);
    try {
      configs.push(defineConfig(input as TrainingConfigInput));
    } catch (error) {
      problems.push(`run ${i} (${paramText(params)}): ${(error as Error).message}`);
    }
  });
  const dataRows = trainingRows(data);
  const samples = configs.reduce((sum, c) => sum + c.epochs * Math.round(dataRows * (1 - (c.validationSplit ?? 0))), 0);
  const planned = parallelPlan({ workers: options.workers, workerModules: options.workerModules, trials: trials.length, inputs: trialInputs, data, hasCallbacks: options.callbacks !== undefined, samples });
  if ('problems' in planned) problems.push(...planned.problems);
  if (problems.length > 0) throw new TrainingError('sweep', problems);
  let inWorkers = 'plan' in planned && 'modules' in planned.plan ? planned.plan : undefined;

  const progress = options.progress ?? true ? new SweepProgress(options.display ?? getDisplay(), trials.length) : undefined;
  let runs: SweepRun[] = [];
  let interrupted = false;
  let sigint = false;
  let stopWorkers: (() => void) | undefined;
  const unregister = onInterrupt(() => {
    sigint = true;
    stopWorkers?.();
  });
  try {
    if (inWorkers !== undefined) {
      const parallel = runInWorkers({
        ...inWorkers,
        params: trials,
        inputs: trialInputs,
        configs,
        seeds: configs.map((c) => c.seed ?? options.seed ?? 0),
        modelFactory,
        data,
        setSeed,
        idleMs: options.workerIdleMs ?? DEFAULT_WORKER_IDLE_MS,
        keepModel: options.keepModels === true ? keepsModel : undefined,
        onRun: (run, done) => progress?.report(runLine(run), done, run.index),
      });
      stopWorkers = parallel.stop;
      const done = await parallel.done;
      if (Array.isArray(done)) {
        runs = done;
        interrupted = runs.some((r) => r.result?.end === 'interrupted');
      } else {
        // Workers were this sweep's choice, not the caller's: train here instead.
        inWorkers = undefined;
      }
    }
    for (let i = 0; i < trials.length && !sigint && inWorkers === undefined; i++) {
      const config = configs[i];
      const seed = config.seed ?? options.seed ?? 0;
      const run: SweepRun = { index: i, params: trials[i], config, seed, result: undefined, error: undefined };
      let model: tf.LayersModel | undefined;
      try {
        setSeed(seed);
        model = await modelFactory(config);
        // The stop button's line is sweep's to print (naming the run), not train's.
        run.result = await trainModel(model, data, { ...(config as TrainingConfigInput), seed }, { progress: false, callbacks: options.callbacks?.(config) }, false);
        if (run.result.end === 'interrupted') interrupted = true;
      } catch (error) {
        run.error = error instanceof Error ? error : new Error(String(error));
      } finally {
        if (model instanceof tf.LayersModel && options.keepModels === true && keepsModel(run)) {
          handOptimizerToModel(model);
          run.model = model;
        } else if (model instanceof tf.LayersModel) {
          disposeTrainingState(model);
          model.dispose();
        }
      }
      runs.push(run);
      progress?.report(runLine(run), i + 1);
      if (interrupted) break;
    }
  } finally {
    unregister();
  }
  if (sigint) console.log(`sweep: ${stopLine(runs, trials.length)}`);
  const rows = runs.map(rowOf);
  let frame: DataFrame | undefined;
  return {
    rows,
    frame: () => (frame ??= recordsFrame(rows)),
    runs,
    best: bestRun(runs),
    interrupted: interrupted || sigint,
    durationMs: Date.now() - started,
  };
}

/** A run's progress line. */
function runLine(run: SweepRun): string {
  const r = run.result;
  return (
    `run ${run.index} ${paramText(run.params)} → ` +
    (r !== undefined ? `best ${r.monitor} ${r.bestValue?.toPrecision(4) ?? 'n/a'} at epoch ${r.bestEpoch ?? 'n/a'} (${(r.durationMs / 1000).toFixed(1)}s)` : `failed: ${run.error?.message}`)
  );
}

/** Where the stop button stopped a sweep: runs by index and count (as the progress lines), epochs from 1. */
function stopLine(runs: readonly SweepRun[], total: number): string {
  const last = runs[runs.length - 1];
  const cut = last?.result?.end === 'interrupted' ? last.result : undefined;
  const where =
    last === undefined
      ? 'before its first run'
      : cut !== undefined
        ? `during run ${last.index} (${runs.length}/${total}), after its epoch ${cut.epochsRun} of ${cut.config.epochs}`
        : `after run ${last.index} (${runs.length}/${total})`;
  return `stopped by the stop button ${where} (result.interrupted is true; the finished runs are in result.runs)`;
}

function bestRun(runs: SweepRun[]): SweepRun | undefined {
  let best: SweepRun | undefined;
  for (const run of runs) {
    const v = run.result?.bestValue;
    if (v === undefined || !Number.isFinite(v)) continue;
    const b = best?.result?.bestValue;
    if (b === undefined || (run.result?.direction === 'max' ? v > b : v < b)) best = run;
  }
  return best;
}
