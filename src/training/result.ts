import type { DataFrame } from 'danfojs-node';
import type { TrainingConfig } from '../config';
import { inferDirection } from '../callbacks/monitor';
import type { RunStatistics } from './stats';

/** One epoch of a run: `epoch` (0-based, as tfjs and Keras) plus every logged value (`loss`, `val_loss`, `acc`, `lr`, ...). */
export type EpochRecord = { epoch: number } & Record<string, number>;

/** Why the run ended. */
export type RunEnd = 'completed' | 'earlyStopping' | 'nonFiniteLoss' | 'interrupted' | 'superseded' | 'callback';

/**
 * What `train` returns. Besides its data it has the statistics methods `epochsTo`,
 * `timeTo`, `tailMean` and `gap` (hidden from JSON and `Object.keys`, as its display method is).
 */
export interface RunResult extends RunStatistics {
  /**
   * Per-epoch records, including the learning rate `lr` used in each epoch: every epoch this
   * model has run under `train` so far (a second call's records follow the first's).
   */
  history: EpochRecord[];
  /**
   * Seconds of training at the end of each epoch of `history` (same index), cumulative over
   * the `train` calls the history spans: wall time from the start of each fit (checks and
   * compile left out) to the epoch's end, callbacks included. Measured, so it differs from
   * run to run; nothing else in the result depends on it. `run.timeTo` reads it.
   */
  elapsedSeconds: number[];
  /** 0-based number of this call's first epoch (the epochs run by earlier calls). */
  initialEpoch: number;
  /** The loss trained on: its name (a custom function's name), or one per output by output name. */
  loss: string | Record<string, string>;
  /** The history as a danfojs DataFrame (danfojs-node is loaded on the first call, ~1 s). */
  historyFrame(): DataFrame;
  /** The metric `bestEpoch` / `bestValue` refer to: earlyStopping's monitor, else `val_loss` when validating, else `loss`. */
  monitor: string;
  /** Whether lower (`'min'`) or higher (`'max'`) `monitor` is better. */
  direction: 'min' | 'max';
  /** 0-based epoch with the best `monitor` value (earlyStopping's own choice when it ran), undefined when no epoch logged it. */
  bestEpoch: number | undefined;
  bestValue: number | undefined;
  /** The last epoch's record (undefined when no epoch ran). */
  final: EpochRecord | undefined;
  /** True when earlyStopping ended the run. */
  stoppedEarly: boolean;
  /** 0-based epoch at which training stopped before its planned end (any reason), undefined when it ran all epochs. */
  stoppedEpoch: number | undefined;
  /** Why the run ended. */
  end: RunEnd;
  /** True when the run was stopped by SIGINT (Jupyter's stop button) or by `stopTraining(model)`. */
  interrupted: boolean;
  /** Epochs this call ran (a partial epoch cut short by an interrupt counts). */
  epochsRun: number;
  /** Wall time of the fit, compile and checks included. */
  durationMs: number;
  /** The complete config the run used. */
  config: TrainingConfig;
  /** tfjs backend the run used (`tf.getBackend()`). */
  backend: string;
}

/** A run's data: a RunResult without its methods (what a worker thread sends back). */
export type RunData = Omit<RunResult, keyof RunStatistics>;

/** Per-epoch records from tfjs's History (`history.history[key][i]`). */
export function epochRecords(epochs: number[], columns: Record<string, unknown[]>): EpochRecord[] {
  return epochs.map((epoch, i) => {
    const record: EpochRecord = { epoch } as EpochRecord;
    for (const [key, values] of Object.entries(columns)) {
      const v = values[i];
      if (typeof v === 'number') (record as Record<string, number>)[key] = v;
    }
    return record;
  });
}

/** Best epoch of `monitor` in `history` (first one on ties), if any epoch logged a finite value. */
export function bestOf(history: readonly EpochRecord[], monitor: string, direction: 'min' | 'max'): { epoch: number; value: number } | undefined {
  let best: { epoch: number; value: number } | undefined;
  for (const record of history) {
    const v = record[monitor];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (best === undefined || (direction === 'min' ? v < best.value : v > best.value)) best = { epoch: record.epoch, value: v };
  }
  return best;
}

/** The metric a run is judged by when nothing says otherwise. */
export function defaultMonitor(history: readonly EpochRecord[]): string {
  return history.some((r) => typeof r['val_loss'] === 'number') ? 'val_loss' : 'loss';
}

export function directionOf(monitor: string, mode: 'auto' | 'min' | 'max' | undefined): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  return inferDirection(monitor) ?? 'min';
}

/** A danfojs DataFrame with one row per record; danfojs-node is required lazily (it takes about a second). */
export function recordsFrame(records: ReadonlyArray<Record<string, unknown>>): DataFrame {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dfd = require('danfojs-node') as typeof import('danfojs-node');
  const columns: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  if (records.length === 0) return new dfd.DataFrame([], { columns });
  const rows = records.map((r) => columns.map((c) => (r[c] === undefined ? null : r[c])));
  return new dfd.DataFrame(rows, { columns });
}
