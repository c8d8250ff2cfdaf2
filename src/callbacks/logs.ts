import * as tf from '@tensorflow/tfjs';

/** What tfjs passes to callback hooks: numbers, or scalars it disposes itself afterwards. */
export type UnresolvedLogs = { [key: string]: number | tf.Scalar };

/** Epoch or batch logs with every value read back as a number. */
export type NumericLogs = { [key: string]: number };

/**
 * Reads every value of `logs` as a number without touching `logs` itself: tfjs still owns
 * (and later disposes) the scalars it put there, so callbacks never dispose or replace them.
 */
export async function readLogs(logs: UnresolvedLogs | undefined): Promise<NumericLogs> {
  const out: NumericLogs = {};
  if (logs === undefined || logs === null) return out;
  const keys = Object.keys(logs);
  const values = await Promise.all(keys.map((key) => readLogValue(logs[key])));
  keys.forEach((key, i) => {
    out[key] = values[i];
  });
  return out;
}

/** One log value as a number (a disposed scalar reads as NaN rather than throwing). */
export async function readLogValue(value: number | tf.Scalar | undefined): Promise<number> {
  if (value === undefined || value === null) return Number.NaN;
  if (typeof value === 'number') return value;
  if (value.isDisposed) return Number.NaN;
  const data = await value.data();
  return data[0];
}
