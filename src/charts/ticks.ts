/**
 * Tick labels a reader can use: log axes labelled at decades (or at full numbers such as
 * 0.2 and 0.5 when the data span less than two decades), one number format per axis.
 * Plotly's own log ticks label minor ticks with bare digits ("2 3 4 5") and mix formats
 * ("10²⁰, 10B, 100k") on wide ranges; matplotlib's log formatters are the model here.
 */
import type { Axis } from './types';
import { extent } from '../util/extent';

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** `10⁻³`, `10⁵`. */
function power(exponent: number): string {
  return '10' + String(exponent).split('').map((c) => SUPERSCRIPT[c] ?? c).join('');
}

/** Plain decimals stay readable between these; outside them every label of the axis is a power of ten. */
const PLAIN_MIN = 1e-4;
const PLAIN_MAX = 1e5;

function* positiveNumbers(values: Iterable<unknown>): Generator<number> {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v) && v > 0) yield v;
}

/** Tick values and their labels for a log axis over positive `values` (the others are ignored). */
export function logTicks(values: Iterable<unknown>): { tickvals: number[]; ticktext: string[] } | undefined {
  const [lo, hi] = extent(positiveNumbers(values));
  if (!Number.isFinite(lo)) return undefined;
  const span = Math.log10(hi / lo);
  // Fewer decades: more ticks per decade, each labelled with its full value.
  const mantissas = span < 0.6 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : span < 2 ? [1, 2, 5] : [1];
  const first = Math.floor(Math.log10(lo));
  const last = Math.ceil(Math.log10(hi));
  const step = mantissas.length > 1 ? 1 : Math.max(1, Math.ceil((last - first) / 8));
  const tickvals: number[] = [];
  for (let e = first; e <= last; e += step) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12));
      // One tick either side of the data, so the ends of the axis are labelled too.
      if (v >= lo / (mantissas.length > 1 ? 1.5 : 10.01) && v <= hi * (mantissas.length > 1 ? 1.5 : 10.01)) tickvals.push(v);
    }
  }
  const plain = tickvals.every((v) => v >= PLAIN_MIN && v < PLAIN_MAX);
  const ticktext = tickvals.map((v) => {
    if (plain) return String(v);
    const e = Math.floor(Math.log10(v) + 1e-9);
    const m = Math.round(v / 10 ** e);
    return m === 1 ? power(e) : `${m}×${power(e)}`;
  });
  return { tickvals, ticktext };
}

/**
 * A log axis with {@link logTicks} labels for `values`, merged into `axis` (kept as is when
 * there is no positive value). Plotly's minor ticks stay unlabelled.
 */
export function logAxis(axis: Axis, values: Iterable<unknown>): Axis {
  const ticks = logTicks(values);
  return { ...axis, type: 'log', ...(ticks !== undefined ? { tickmode: 'array', tickvals: ticks.tickvals, ticktext: ticks.ticktext } : {}) };
}

/** Every finite number of the given value arrays, for {@link logTicks}. */
export function* numbersOf(...arrays: Array<ReadonlyArray<unknown> | undefined>): Generator<number> {
  for (const a of arrays) {
    if (a === undefined) continue;
    for (const v of a) if (typeof v === 'number' && Number.isFinite(v)) yield v;
  }
}

/** The single value of `values` when every finite one is the same (a constant learning rate), else undefined. */
export function constantValue(values: ReadonlyArray<unknown>): number | undefined {
  let seen: number | undefined;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (seen === undefined) seen = v;
    else if (Math.abs(v - seen) > 1e-12 * Math.abs(seen)) return undefined;
  }
  return seen;
}

/** A number as a legend or title shows it: 4 significant digits, exponent form outside [1e-4, 1e5). */
export function formatNumber(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= PLAIN_MIN && a < PLAIN_MAX ? String(Number(v.toPrecision(4))) : v.toExponential(2).replace('e+', 'e');
}
