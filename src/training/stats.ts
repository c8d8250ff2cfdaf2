/**
 * Run statistics a notebook would otherwise compute by hand: epochs and seconds to a
 * target, the mean of the last epochs, the train/validation gap, and how noisy or upward a
 * curve is. Pure functions over a history (or a list of values); `RunResult` offers the
 * first four as methods.
 */
import { z } from 'zod';
import { metricDirection, metricModes, type MetricMode } from '../config/direction';
import type { TrainingConfig } from '../config';
import { agree, checkOptions, type SchemaAgrees } from '../util/options';
import { didYouMean } from '../util/names';
import { showValue } from '../util/errors';
import { TrainingError } from './errors';
import type { EpochRecord } from './result';

/** Which way a metric improves, when its name does not tell (a custom metric without `mode`). */
export interface MetricDirectionOptions {
  /** `'min'` when lower is better, `'max'` when higher is. Defaults to the metric's known direction (loss: min, acc: max, a custom metric's declared `mode`). */
  mode?: MetricMode;
}

const directionSchema = z.strictObject({ mode: z.enum(['min', 'max']).optional() });
agree<SchemaAgrees<MetricDirectionOptions, typeof directionSchema>>();

/** The train/validation gap of one metric: validation minus training value. */
export interface RunGap {
  /** The metric, e.g. `'loss'` (compared with `'val_loss'`). */
  metric: string;
  /** 0-based epoch (as `run.bestEpoch` and the history records) with the best validation value. */
  bestEpoch: number;
  /** `val_<metric> - <metric>` at `bestEpoch`. */
  atBest: number;
  /** `val_<metric> - <metric>` at the last epoch. */
  atEnd: number;
}

/** The statistics methods of a `RunResult`; `component` names the call in errors. */
export interface RunStatistics {
  /**
   * The first epoch, counted from 1 as a reader counts, at which `metric` reaches `target`
   * in its direction (at or below for a loss, at or above for accuracy; a value equal to
   * the target in float32, as tfjs logs it, counts: see {@link reaches}); undefined if it
   * never does. `run.epochsTo('val_acc', 0.9)`.
   */
  epochsTo(metric: string, target: number, options?: MetricDirectionOptions): number | undefined;
  /**
   * The seconds of training (`run.elapsedSeconds` at that epoch's end) until `metric` first
   * reached `target`, by the same rule as `epochsTo`; undefined exactly when `epochsTo` is.
   * `run.timeTo('val_acc', 0.9)`.
   */
  timeTo(metric: string, target: number, options?: MetricDirectionOptions): number | undefined;
  /** Mean of `metric` over the last `n` epochs (a steadier final value than the last one). `run.tailMean('val_loss', 5)`. */
  tailMean(metric: string, n: number): number;
  /** Validation minus training value of `metric` (default `'loss'`) at the best validation epoch and at the end. */
  gap(metric?: string, options?: MetricDirectionOptions): RunGap;
}

function fail(component: string, message: string): never {
  throw new TrainingError(component, [message]);
}

/** Metric names a history holds, in first-seen order (`epoch` left out). */
export function metricNames(history: readonly EpochRecord[]): string[] {
  const names: string[] = [];
  for (const r of history) for (const k of Object.keys(r)) if (k !== 'epoch' && !names.includes(k)) names.push(k);
  return names;
}

/** The values of `metric`, one per epoch; an unknown name is an error listing the available ones. */
export function metricValues(history: readonly EpochRecord[], metric: string, component = 'metricValues'): number[] {
  if (typeof metric !== 'string') fail(component, `metric must be a name such as 'loss' or 'val_acc'; received ${showValue(metric)}.`);
  const names = metricNames(history);
  if (!names.includes(metric)) {
    if (history.length === 0) fail(component, `metric '${metric}' cannot be read: the run has no epochs.`);
    // Keras spells metrics 'accuracy'; tfjs logs them as 'acc'.
    const alias = metric.replace(/accuracy$/, 'acc');
    const hint = names.includes(alias) ? alias : didYouMean(metric, names);
    fail(component, `metric '${metric}' is not in the run's history; it has ${names.map((n) => `'${n}'`).join(', ')}.${hint !== undefined ? ` Did you mean '${hint}'?` : ''}`);
  }
  return history.map((r) => (typeof r[metric] === 'number' ? r[metric] : Number.NaN));
}

function directionFor(component: string, metric: string, config: TrainingConfig | undefined, options: MetricDirectionOptions): MetricMode {
  const mode = options.mode ?? metricDirection(metric, config !== undefined ? metricModes(config.metrics) : {});
  if (mode === undefined) fail(component, `cannot tell whether '${metric}' should be minimized or maximized. Pass {mode: 'min'} or {mode: 'max'}.`);
  return mode;
}

function checkFinite(component: string, name: string, value: unknown, fix: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(component, `${name} must be a finite number; received ${showValue(value)}. ${fix}`);
}

/**
 * Whether `value` reaches `target` in direction `mode` (at or above for `'max'`, at or below
 * for `'min'`). tfjs logs metrics as float32, so a value equal to the target in float32
 * counts: 54 of 60 right logs acc 0.8999999761581421, which reaches 0.9. The bound is the
 * looser of `target` and `Math.fround(target)`, so an exact float64 value counts too.
 */
export function reaches(value: number, target: number, mode: MetricMode): boolean {
  const f = Math.fround(target);
  return mode === 'min' ? value <= Math.max(target, f) : value >= Math.min(target, f);
}

/** Index into `history` of the first epoch whose `metric` {@link reaches} `target`, -1 if none; checks the arguments. */
function firstReaching(history: readonly EpochRecord[], metric: string, target: number, options: MetricDirectionOptions, config: TrainingConfig | undefined, component: string, call: string): number {
  checkOptions(component, directionSchema, options, (message, issues) => new TrainingError(component, issues.length > 0 ? issues : [message]));
  const values = metricValues(history, metric, component);
  checkFinite(component, 'target', target, `Pass the value to reach, e.g. ${call}('val_loss', 0.3).`);
  const mode = directionFor(component, metric, config, options);
  return values.findIndex((v) => reaches(v, target, mode));
}

/** {@link RunStatistics.epochsTo} over a history. */
export function epochsTo(history: readonly EpochRecord[], metric: string, target: number, options: MetricDirectionOptions = {}, config?: TrainingConfig, component = 'epochsTo'): number | undefined {
  const i = firstReaching(history, metric, target, options, config, component, 'epochsTo');
  return i < 0 ? undefined : history[i].epoch + 1;
}

/** {@link RunStatistics.timeTo} over a history and its `elapsedSeconds` (one per record, cumulative). */
export function timeTo(history: readonly EpochRecord[], elapsedSeconds: readonly number[], metric: string, target: number, options: MetricDirectionOptions = {}, config?: TrainingConfig, component = 'timeTo'): number | undefined {
  if (!Array.isArray(elapsedSeconds) || elapsedSeconds.length !== history.length) {
    const entries = Array.isArray(elapsedSeconds) ? `has ${elapsedSeconds.length} entries` : `is ${showValue(elapsedSeconds)}`;
    fail(component, `elapsedSeconds ${entries} but the history has ${history.length} epochs; it needs one per epoch (cumulative seconds at each epoch's end, as train records them in run.elapsedSeconds).`);
  }
  const bad = elapsedSeconds.findIndex((t) => typeof t !== 'number' || !Number.isFinite(t) || t < 0);
  if (bad >= 0) fail(component, `elapsedSeconds[${bad}] is ${showValue(elapsedSeconds[bad])}; it needs finite seconds ≥ 0, one per epoch.`);
  const i = firstReaching(history, metric, target, options, config, component, 'timeTo');
  return i < 0 ? undefined : elapsedSeconds[i];
}

/** {@link RunStatistics.tailMean} over a history. */
export function tailMean(history: readonly EpochRecord[], metric: string, n: number, component = 'tailMean'): number {
  const values = metricValues(history, metric, component);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(component, `n must be a whole number of epochs ≥ 1; received ${showValue(n)}. Pass e.g. tailMean('val_loss', 5).`);
  if (n > values.length) fail(component, `n is ${n} but the run has ${values.length} epoch${values.length === 1 ? '' : 's'}. Pass n ≤ ${values.length}.`);
  return mean(values.slice(values.length - n));
}

/** {@link RunStatistics.gap} over a history. */
export function gap(history: readonly EpochRecord[], metric = 'loss', options: MetricDirectionOptions = {}, config?: TrainingConfig, component = 'gap'): RunGap {
  checkOptions(component, directionSchema, options, (message, issues) => new TrainingError(component, issues.length > 0 ? issues : [message]));
  if (typeof metric === 'string' && metric.startsWith('val_')) fail(component, `metric is the training metric, compared with its validation twin; received '${metric}'. Pass '${metric.slice(4)}'.`);
  const trainValues = metricValues(history, metric, component);
  const names = metricNames(history);
  if (!names.includes(`val_${metric}`)) {
    fail(component, `the run has no 'val_${metric}' to compare '${metric}' with (it has ${names.map((n) => `'${n}'`).join(', ')}). Train with validationSplit or validationData.`);
  }
  const valValues = metricValues(history, `val_${metric}`, component);
  const mode = directionFor(component, metric, config, options);
  let best = -1;
  valValues.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    if (best < 0 || (mode === 'min' ? v < valValues[best] : v > valValues[best])) best = i;
  });
  if (best < 0) fail(component, `no epoch logged a finite 'val_${metric}'.`);
  const last = history.length - 1;
  return { metric, bestEpoch: history[best].epoch, atBest: valValues[best] - trainValues[best], atEnd: valValues[last] - trainValues[last] };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function checkValues(component: string, values: unknown): number[] {
  const list = values instanceof Float32Array || values instanceof Float64Array ? Array.from(values) : values;
  if (!Array.isArray(list)) fail(component, `values must be an array of numbers; received ${showValue(values)}. Pass e.g. run.history.map((r) => r.loss).`);
  if (list.length < 2) fail(component, `values must hold at least 2 numbers (a step needs two); received ${list.length}.`);
  const bad = list.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) fail(component, `values[${bad}] is ${showValue(list[bad])}; ${component} needs finite numbers (a diverged run's curve ends in NaN: cut it off before).`);
  return list as number[];
}

/**
 * How noisy a curve is: the mean absolute change from one value to the next, relative to
 * the mean value. 0 for a constant curve; a smooth decay from 1 to 0.5 over 10 steps gives
 * about 0.07; a loss jumping between 1 and 2 gives 0.67.
 */
export function roughness(values: readonly number[] | Float32Array): number {
  const v = checkValues('roughness', values);
  const level = mean(v);
  if (level === 0) fail('roughness', 'the values have mean 0, so a change relative to it is undefined. Pass a curve of positive values such as a loss.');
  let steps = 0;
  for (let i = 1; i < v.length; i++) steps += Math.abs(v[i] - v[i - 1]);
  return steps / (v.length - 1) / Math.abs(level);
}

/** The fraction of steps that go up (`values[i] > values[i - 1]`): near 0 for a falling loss, near 0.5 for noise around a level. */
export function upward(values: readonly number[] | Float32Array): number {
  const v = checkValues('upward', values);
  let up = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[i - 1]) up += 1;
  return up / (v.length - 1);
}

/** Gives `run` the hidden (non-enumerable, so JSON and worker messages skip them) methods of {@link RunStatistics}. */
export function attachStatistics<T extends { history: EpochRecord[]; elapsedSeconds: number[]; config: TrainingConfig }>(run: T): T & RunStatistics {
  const methods: RunStatistics = {
    epochsTo(metric, target, options = {}) {
      return epochsTo(run.history, metric, target, options, run.config, 'run.epochsTo');
    },
    timeTo(metric, target, options = {}) {
      return timeTo(run.history, run.elapsedSeconds, metric, target, options, run.config, 'run.timeTo');
    },
    tailMean(metric, n) {
      return tailMean(run.history, metric, n, 'run.tailMean');
    },
    gap(metric = 'loss', options = {}) {
      return gap(run.history, metric, options, run.config, 'run.gap');
    },
  };
  for (const [name, value] of Object.entries(methods)) Object.defineProperty(run, name, { value, enumerable: false, writable: true, configurable: true });
  return run as T & RunStatistics;
}
