/**
 * Training histories in every shape users have at hand, reduced to one: rows of numbers
 * per epoch. Epoch numbers follow tfjs and Keras (0-based `epoch` fields and `bestEpoch`);
 * charts plot them 1-based ("after 1 epoch").
 */
import { metricDirection, metricModes } from '../config/direction';
import { ChartError, describeValue } from './errors';

/** One row per epoch: metric name → value (`loss`, `val_loss`, `acc`, `lr`, ...). */
export type HistoryRow = Record<string, number>;

/** tfjs's `History` (what `model.fit` resolves to): column arrays per metric. */
export interface TfjsHistoryLike {
  history: Record<string, Array<number | unknown>>;
  epoch?: number[];
}

/** Something with `columns` and `values`, such as a danfojs DataFrame. */
export interface TableLike {
  columns: string[];
  values: unknown[][] | unknown[];
  /** Row labels (a DataFrame's index). */
  index?: unknown[];
}

/** A run result like trainlab's `train` returns (only these fields are read). */
export interface RunLike {
  history: HistoryRow[] | Record<string, Array<number | unknown>> | TableLike;
  /** 0-based epoch of the best monitored value. Defaults to the best epoch of `monitor`. */
  bestEpoch?: number;
  /** Metric that picked the best epoch (`val_loss`). Defaults to `val_loss`, else `loss`. */
  monitor?: string;
  /** Run configuration; `compareRuns` names the parameters that differ. */
  config?: Record<string, unknown>;
  /** Display name of the run. */
  name?: string;
}

/** Anything `lossCurves` and `compareRuns` accept as a history. */
export type HistoryInput = RunLike | TfjsHistoryLike | HistoryRow[] | TableLike;

/** A history reduced to rows plus what the run said about its best epoch. */
export interface NormalizedHistory {
  rows: HistoryRow[];
  /** 1-based x value of each row. */
  epochs: number[];
  bestEpoch: number | undefined;
  monitor: string | undefined;
  config: Record<string, unknown> | undefined;
  name: string | undefined;
  /** Directions the run's custom metrics declare (`{f1: 'max'}`, from `config.metrics`). */
  modes: Record<string, 'min' | 'max'>;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  // A tfjs scalar left in a History.
  if (isObject(v) && typeof (v as { dataSync?: unknown }).dataSync === 'function') {
    return (v as { dataSync(): ArrayLike<number> }).dataSync()[0];
  }
  return Number.NaN;
}

/** True for a danfojs DataFrame or any `{columns, values}` table. */
export function isTableLike(x: unknown): x is TableLike {
  return isObject(x) && Array.isArray((x as { columns?: unknown }).columns) && Array.isArray((x as { values?: unknown }).values);
}

/** Rows of plain objects from a `{columns, values}` table. */
export function tableRows(table: TableLike): Array<Record<string, unknown>> {
  const { columns } = table;
  const values = table.values as unknown[];
  // A danfojs Series-like single column comes as a flat array.
  return values.map((row) => {
    const cells = Array.isArray(row) ? row : [row];
    const out: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      out[c] = cells[i];
    });
    return out;
  });
}

function columnsToRows(columns: Record<string, Array<number | unknown>>): HistoryRow[] {
  const keys = Object.keys(columns);
  const n = Math.max(0, ...keys.map((k) => (Array.isArray(columns[k]) ? columns[k].length : 0)));
  const rows: HistoryRow[] = [];
  for (let i = 0; i < n; i++) {
    const row: HistoryRow = {};
    for (const k of keys) {
      const col = columns[k];
      if (Array.isArray(col) && i < col.length) row[k] = toNumber(col[i]);
    }
    rows.push(row);
  }
  return rows;
}

function objectRows(rows: Array<Record<string, unknown>>): HistoryRow[] {
  return rows.map((r) => {
    const out: HistoryRow = {};
    for (const [k, v] of Object.entries(r)) {
      const n = toNumber(v);
      if (!Number.isNaN(n) || typeof v === 'number') out[k] = n;
    }
    return out;
  });
}

function historyRows(history: unknown, fn: string): HistoryRow[] {
  if (Array.isArray(history)) {
    history.forEach((row, i) => {
      if (!isObject(row)) {
        throw new ChartError(`${fn}: history[${i}] must be an object of metric values like {loss: 0.5}, received ${describeValue(row)}.`);
      }
    });
    return objectRows(history as Array<Record<string, unknown>>);
  }
  if (isTableLike(history)) return objectRows(tableRows(history));
  if (isObject(history) && Object.values(history).every((v) => Array.isArray(v))) {
    return columnsToRows(history as Record<string, unknown[]>);
  }
  throw new ChartError(
    `${fn}: history must be an array of rows ({loss, val_loss, ...} per epoch), a column object ({loss: number[]}), a DataFrame, or a run result with a history; received ${describeValue(history)}.`,
  );
}

/** Reduces any accepted history input to rows; `fn` names the caller in errors. */
export function normalizeHistory(input: unknown, fn: string): NormalizedHistory {
  let rows: HistoryRow[];
  let bestEpoch: number | undefined;
  let monitor: string | undefined;
  let config: Record<string, unknown> | undefined;
  let name: string | undefined;
  let epochIndex: number[] | undefined;
  if (Array.isArray(input) || isTableLike(input)) {
    rows = historyRows(input, fn);
  } else if (isObject(input) && 'history' in input) {
    rows = historyRows(input.history, fn);
    if (typeof input.bestEpoch === 'number') bestEpoch = input.bestEpoch;
    if (typeof input.monitor === 'string') monitor = input.monitor;
    if (isObject(input.config)) config = input.config;
    if (typeof input.name === 'string') name = input.name;
    if (Array.isArray(input.epoch) && input.epoch.length === rows.length) epochIndex = input.epoch as number[];
  } else {
    throw new ChartError(
      `${fn}: expected a run result ({history, bestEpoch?}), a tfjs History ({history: {loss: [...]}}) or an array of epoch rows; received ${describeValue(input)}.`,
    );
  }
  if (rows.length === 0) {
    throw new ChartError(`${fn}: the history is empty (no epochs). Train for at least one epoch before plotting.`);
  }
  const epochs = rows.map((row, i) => {
    const e = typeof row.epoch === 'number' && Number.isFinite(row.epoch) ? row.epoch : (epochIndex?.[i] ?? i);
    return e + 1;
  });
  return { rows, epochs, bestEpoch, monitor, config, name, modes: metricModes(config?.metrics) };
}

/**
 * Which way `metric` improves, from the table callbacks and sweep use too
 * (`metricDirection`; `modes`: custom metrics' own directions, see `metricModes`);
 * `undefined` for a name nothing says anything about.
 */
export function metricMode(metric: string, modes: Readonly<Record<string, 'min' | 'max'>> = {}): 'min' | 'max' | undefined {
  return metricDirection(metric, modes);
}

/** Index of the best finite value of `metric` in `rows`, or undefined. */
export function bestIndex(rows: HistoryRow[], metric: string, modes: Readonly<Record<string, 'min' | 'max'>> = {}): number | undefined {
  // An unknown metric: its best point is not guessed.
  const mode = metricMode(metric, modes);
  if (mode === undefined) return undefined;
  let best: number | undefined;
  rows.forEach((row, i) => {
    const v = row[metric];
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    if (best === undefined || (mode === 'min' ? v < rows[best][metric] : v > rows[best][metric])) best = i;
  });
  return best;
}

/** Keys that are not metrics. */
export const NON_METRIC_KEYS = new Set(['epoch', 'batch', 'size', 'lr', 'learningRate', 'learning_rate', 'time', 'timeMs', 'durationMs']);

/** Base metric names (train side) in first-seen order: `loss` first, then the others. */
export function baseMetrics(rows: HistoryRow[]): string[] {
  const seen: string[] = [];
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (NON_METRIC_KEYS.has(key)) continue;
      const base = key.startsWith('val_') ? key.slice(4) : key;
      if (!seen.includes(base)) seen.push(base);
    }
  }
  seen.sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
  return seen;
}

/** The learning-rate key present in the rows, if any. */
export function lrKey(rows: HistoryRow[]): string | undefined {
  for (const key of ['lr', 'learningRate', 'learning_rate']) {
    if (rows.some((r) => typeof r[key] === 'number' && Number.isFinite(r[key]))) return key;
  }
  return undefined;
}
