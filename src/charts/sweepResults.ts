import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { plotlyText } from './escape';
import { metricModes } from '../config/direction';
import { isTableLike, metricMode, tableRows, type TableLike } from './history';
import { displayableFigure } from './figureDisplay';
import { logAxis } from './ticks';
import type { Axis, Figure, Trace } from './types';

/** Options of {@link sweepResults}. */
export interface SweepResultsOptions {
  /** Result column to colour by / plot on y. Defaults to the first of `best_val_loss`, `val_loss`, `bestValue`, `best_loss`, `loss` present. */
  metric?: string;
  /** Parameter columns. Defaults to every other column that varies, except result-like ones (loss, accuracy, time, error, epochs...). */
  params?: string[];
  /** `'parcoords'` (parallel coordinates) or `'scatter'` (metric against each parameter). Defaults to parcoords with 2+ parameters, else scatter. */
  kind?: 'parcoords' | 'scatter';
  /** Figure title. Defaults to `'Sweep: <metric>'`. */
  title?: string;
}

const METRIC_CANDIDATES = ['best_val_loss', 'bestValLoss', 'val_loss', 'bestValue', 'best_loss', 'loss', 'final_val_loss', 'final_loss'];
const RESULT_LIKE = /(loss|acc|accuracy|auc|mse|mae|error|time|duration|seconds|ms$|epoch|stopped|best|final|value|^run$|^index$|^id$)/i;

type Cell = number | string;

function cellOf(v: unknown): Cell | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return undefined;
  return JSON.stringify(v);
}

/** What `sweep` returns, as far as the chart reads it: its rows, and its runs for metric directions. */
export interface SweepResultLike {
  /** One row per run (`sweep`'s `rows`). */
  rows: Array<Record<string, unknown>>;
  /** The runs: their configs' metrics (custom metrics' `mode`) and their results' monitor and its direction. */
  runs: ReadonlyArray<{ config?: { metrics?: unknown }; result?: { monitor: string; direction: 'min' | 'max' } }>;
}

function isSweepResultLike(v: unknown): v is SweepResultLike {
  return typeof v === 'object' && v !== null && Array.isArray((v as SweepResultLike).rows) && Array.isArray((v as SweepResultLike).runs);
}

/**
 * Directions a sweep's runs know (each run's monitor, as `best_<monitor>` too, and custom
 * metrics' `mode`), so a custom metric colours the right way round.
 */
function sweepModes(result: SweepResultLike): Record<string, 'min' | 'max'> {
  const modes: Record<string, 'min' | 'max'> = {};
  for (const run of result.runs) {
    Object.assign(modes, metricModes(run.config?.metrics));
    if (run.result !== undefined) modes[run.result.monitor] = modes[`best_${run.result.monitor}`] = run.result.direction;
  }
  return modes;
}

/**
 * Sweep results (what `sweep` returns, or one row per run: a danfojs DataFrame or an array
 * of objects): parallel coordinates of the parameters coloured by the metric, or the
 * metric against each parameter. Rows whose metric is missing or not finite (failed runs)
 * are left out and counted in the title. Which way the metric improves comes from its
 * name, or, given the sweep's result, from its runs (custom metrics' `mode`).
 */
export function sweepResults(rows: Array<Record<string, unknown>> | TableLike | SweepResultLike, options: SweepResultsOptions = {}): Figure {
  checkChartOptions('sweepResults', options);
  const modes = isSweepResultLike(rows) ? sweepModes(rows) : {};
  const all = isSweepResultLike(rows) ? rows.rows : isTableLike(rows) ? tableRows(rows) : rows;
  if (!Array.isArray(all) || all.length === 0) {
    throw new ChartError(`sweepResults: expected a DataFrame or a non-empty array of row objects, received ${describeValue(rows)}.`);
  }
  const columns: string[] = [];
  for (const r of all) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const metric = options.metric ?? METRIC_CANDIDATES.find((c) => columns.includes(c));
  if (metric === undefined || !columns.includes(metric)) {
    throw new ChartError(`sweepResults: metric ${describeValue(metric)} is not a column. Columns: ${columns.join(', ')}. Pass metric: one of them.`);
  }
  const ok = all.filter((r) => typeof r[metric] === 'number' && Number.isFinite(r[metric]));
  const failed = all.length - ok.length;
  if (ok.length === 0) throw new ChartError(`sweepResults: no row has a finite ${metric} (all ${all.length} runs failed?).`);
  const varies = (c: string): boolean => new Set(ok.map((r) => JSON.stringify(r[c]))).size > 1;
  const params =
    options.params ??
    columns.filter((c) => c !== metric && !RESULT_LIKE.test(c) && ok.every((r) => cellOf(r[c]) !== undefined) && varies(c) && ok.some((r) => typeof r[c] !== 'object' || r[c] === null));
  for (const p of params) {
    if (!columns.includes(p)) throw new ChartError(`sweepResults: parameter ${describeValue(p)} is not a column. Columns: ${columns.join(', ')}.`);
  }
  if (params.length === 0) {
    throw new ChartError(`sweepResults: found no varying parameter columns among ${columns.join(', ')}. Pass params: [...] naming them.`);
  }
  const kind = options.kind ?? (params.length >= 2 ? 'parcoords' : 'scatter');
  const metricValues = ok.map((r) => r[metric] as number);
  const reversescale = metricMode(metric, modes) === 'min';
  const title = plotlyText(options.title ?? `Sweep: ${metric}`) + (failed > 0 ? ` (${failed} failed run${failed > 1 ? 's' : ''} left out)` : '');
  let data: Trace[];
  const layout: Record<string, unknown> = { title: { text: title }, height: 480 };
  if (kind === 'parcoords') {
    const dimension = (c: string): Record<string, unknown> => {
      const cells = ok.map((r) => cellOf(r[c]));
      if (cells.every((v) => typeof v === 'number')) {
        const nums = cells as number[];
        const positive = nums.every((v) => v > 0);
        // Learning rates and the like span decades: show them on a log10 scale.
        const log = positive && Math.max(...nums) / Math.min(...nums) >= 100;
        return log
          ? { label: `log10(${plotlyText(c)})`, values: nums.map((v) => Math.log10(v)) }
          : { label: plotlyText(c), values: nums };
      }
      // parcoords draws tick text as plain SVG text (no entity decoding): no plotlyText here.
      const cats = [...new Set(cells.map((v) => String(v)))];
      // A no-break space keeps each name off the axis line (parcoords draws labels flush against it).
      return { label: plotlyText(c), values: cells.map((v) => cats.indexOf(String(v))), tickvals: cats.map((_, i) => i), ticktext: cats.map((t) => `${t}\u00a0`) };
    };
    data = [
      {
        type: 'parcoords',
        name: plotlyText(metric),
        line: { color: metricValues, colorscale: 'Viridis', reversescale, showscale: true, colorbar: { title: { text: plotlyText(metric), side: 'right' } } },
        dimensions: [...params.map(dimension), { label: plotlyText(metric), values: metricValues }],
      },
    ];
    layout.margin = { l: 80, r: 80, t: 90, b: 40 };
  } else {
    data = params.map((p, i) => ({
      type: 'scatter',
      mode: 'markers',
      name: plotlyText(p),
      x: ok.map((r) => cellOf(r[p]) ?? null),
      y: metricValues,
      xaxis: i === 0 ? 'x' : `x${i + 1}`,
      yaxis: 'y',
      marker: { size: 9, color: metricValues, colorscale: 'Viridis', reversescale, showscale: i === 0 },
      hovertemplate: `${plotlyText(p)}=%{x}<br>${plotlyText(metric)}=%{y:.4g}<extra></extra>`,
      showlegend: false,
    }));
    const gap = 0.06;
    const w = (1 - gap * (params.length - 1)) / params.length;
    params.forEach((p, i) => {
      const nums = ok.map((r) => r[p]).filter((v): v is number => typeof v === 'number');
      const log = nums.length === ok.length && nums.every((v) => v > 0) && Math.max(...nums) / Math.min(...nums) >= 100;
      const axis: Axis = { title: { text: plotlyText(p) }, domain: [i * (w + gap), i * (w + gap) + w], anchor: 'y' };
      layout[i === 0 ? 'xaxis' : `xaxis${i + 1}`] = log ? logAxis(axis, nums) : axis;
    });
    layout.yaxis = { title: { text: plotlyText(metric) } };
  }
  return displayableFigure({ data, layout, config: { responsive: true, displaylogo: false } });
}
