import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { plotlyText } from './escape';
import { displayableFigure } from './figureDisplay';
import { formatNumber, logAxis } from './ticks';
import type { Figure, Trace } from './types';
import { extent } from '../util/extent';

/** A suggested learning rate: the rate itself, or `{lr, loss?}`. */
export type LrSuggestion = number | { lr: number; loss?: number };

/** The result of an LR range test (`findLearningRate`). */
export interface LrFinderResult {
  lrs: number[];
  losses: number[];
  /** Smoothed losses, same length as `lrs`. Defaults to `losses`. */
  smoothedLosses?: number[];
  /** Named suggestions, e.g. `{steepest, minimumDiv10, valley}`. */
  suggestions?: Record<string, LrSuggestion | undefined>;
}

/** Options of {@link lrFinder}. */
export interface LrFinderOptions {
  /** Figure title. Defaults to `'Learning-rate range test'`. */
  title?: string;
  /** Draw the raw (unsmoothed) losses too. Defaults to `true`. */
  showRaw?: boolean;
}

const SUGGESTION_COLOURS = ['#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

function nearestIndex(lrs: number[], lr: number): number {
  let best = 0;
  lrs.forEach((v, i) => {
    if (Math.abs(Math.log(v) - Math.log(lr)) < Math.abs(Math.log(lrs[best]) - Math.log(lr))) best = i;
  });
  return best;
}

/** Loss against learning rate on a log x axis, with each suggested rate marked. */
export function lrFinder(result: LrFinderResult, options: LrFinderOptions = {}): Figure {
  checkChartOptions('lrFinder', options);
  const { lrs, losses } = result ?? ({} as LrFinderResult);
  if (!Array.isArray(lrs) || !Array.isArray(losses) || lrs.length === 0) {
    throw new ChartError(`lrFinder: result must have non-empty arrays lrs and losses (what findLearningRate returns); received ${describeValue(result)}.`);
  }
  const smoothed = result.smoothedLosses ?? losses;
  if (losses.length !== lrs.length || smoothed.length !== lrs.length) {
    throw new ChartError(`lrFinder: lrs (${lrs.length}), losses (${losses.length}) and smoothedLosses (${smoothed.length}) must have the same length.`);
  }
  const bad = lrs.findIndex((v) => !(v > 0));
  if (bad >= 0) throw new ChartError(`lrFinder: lrs[${bad}] is ${describeValue(lrs[bad])}; learning rates must be > 0 for the log axis.`);
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  const data: Trace[] = [];
  if (options.showRaw ?? true) {
    data.push({ type: 'scatter', mode: 'lines', name: 'loss', x: lrs, y: losses.map(finite), line: { color: '#b0b8ff', width: 1 } });
  }
  data.push({ type: 'scatter', mode: 'lines', name: 'smoothed loss', x: lrs, y: smoothed.map(finite), line: { color: '#636efa', width: 2.5 } });
  const finiteSmoothed = smoothed.filter((v) => Number.isFinite(v));
  const shapes: Array<Record<string, unknown>> = [];
  Object.entries(result.suggestions ?? {}).forEach(([name, s], i) => {
    if (s === undefined || s === null) return;
    const lr = typeof s === 'number' ? s : s.lr;
    if (!(typeof lr === 'number' && lr > 0)) return;
    const loss = typeof s === 'object' && typeof s.loss === 'number' ? s.loss : smoothed[nearestIndex(lrs, lr)];
    const c = SUGGESTION_COLOURS[i % SUGGESTION_COLOURS.length];
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: `${plotlyText(name)}: ${formatNumber(lr)}`,
      x: [lr],
      y: [finite(loss)],
      marker: { size: 12, color: c, symbol: 'circle-open', line: { width: 3, color: c } },
    });
    shapes.push({ type: 'line', xref: 'x', yref: 'paper', x0: lr, x1: lr, y0: 0, y1: 1, line: { color: c, width: 1, dash: 'dot' } });
  });
  const [lo] = extent(finiteSmoothed);
  const start = finiteSmoothed[0];
  // Keep the divergence tail from squashing the interesting part.
  const yRange = finiteSmoothed.length > 1 ? [lo - 0.05 * Math.abs(start - lo || 1), start + 0.5 * Math.abs(start - lo || 1)] : undefined;
  return displayableFigure({
    data,
    layout: {
      title: { text: plotlyText(options.title ?? 'Learning-rate range test') },
      xaxis: logAxis({ title: { text: 'learning rate' } }, lrs),
      yaxis: { title: { text: 'loss' }, ...(yRange !== undefined ? { range: yRange } : {}) },
      shapes,
      height: 420,
    },
    config: { responsive: true, displaylogo: false },
  });
}
