import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { plotlyText } from './escape';
import { metricMode, normalizeHistory, type HistoryInput, type NormalizedHistory } from './history';
import { colour } from './palette';
import { placeLegendBelow } from './legend';
import { displayableFigure } from './figureDisplay';
import { logAxis, numbersOf } from './ticks';
import type { Figure, Layout, Trace } from './types';

/** Options of {@link compareRuns}. */
export interface CompareRunsOptions {
  /** Metric to overlay. Defaults to `val_loss` when every run has it, else `loss`. */
  metric?: string;
  /** Also draw the training counterpart (dotted) of a `val_` metric. Defaults to `false`. */
  showTrain?: boolean;
  /** Log scale on the y axis. Defaults to `false`. */
  logY?: boolean;
  /** Figure title. Defaults to `'<metric> by run'`. */
  title?: string;
  /** At most this many differing parameters in each legend entry. Defaults to `4`. */
  maxParams?: number;
}

/** Flattens nested config objects to dotted keys: `{optimizer: {name: 'adam'}}` → `optimizer.name`. */
export function flattenConfig(config: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) Object.assign(out, flattenConfig(value as Record<string, unknown>, name));
    else if (typeof value !== 'function') out[name] = value;
  }
  return out;
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

/** Config keys whose values are not the same in every run, in first-seen order. */
export function differingParams(configs: Array<Record<string, unknown> | undefined>): string[] {
  const flat = configs.map((c) => (c === undefined ? {} : flattenConfig(c)));
  const keys: string[] = [];
  for (const f of flat) for (const k of Object.keys(f)) if (!keys.includes(k)) keys.push(k);
  return keys.filter((k) => new Set(flat.map((f) => JSON.stringify(f[k]) ?? 'undefined')).size > 1);
}

/** Runs as an array or as an object of name → run. */
export type RunsInput = HistoryInput[] | Record<string, HistoryInput>;

/**
 * Overlays one metric of several runs, one colour per run. Each legend entry names the
 * run (when it has a name) and the config parameters that differ between the runs, e.g.
 * `learningRate=0.01, batchSize=32`.
 */
export function compareRuns(runs: RunsInput, options: CompareRunsOptions = {}): Figure {
  checkChartOptions('compareRuns', options);
  const entries: Array<[string | undefined, HistoryInput]> = Array.isArray(runs) ? runs.map((r) => [undefined, r]) : Object.entries(runs);
  if (entries.length === 0) throw new ChartError('compareRuns: no runs given. Pass an array of run results (or an object name → run) with at least one run.');
  const hs: NormalizedHistory[] = entries.map(([name, run], i) => {
    const h = normalizeHistory(run, `compareRuns (run ${name ?? i})`);
    return { ...h, name: name ?? h.name };
  });
  const has = (h: NormalizedHistory, k: string): boolean => h.rows.some((r) => typeof r[k] === 'number');
  const metric = options.metric ?? (hs.every((h) => has(h, 'val_loss')) ? 'val_loss' : 'loss');
  hs.forEach((h, i) => {
    if (!has(h, metric)) {
      throw new ChartError(`compareRuns: run ${h.name ?? i} has no ${describeValue(metric)} values. Available: ${Object.keys(h.rows[0]).join(', ')}. Pass metric: one of those.`);
    }
  });
  const params = differingParams(hs.map((h) => h.config)).slice(0, options.maxParams ?? 4);
  const data: Trace[] = [];
  const annotations: Array<Record<string, unknown>> = [];
  const labels: string[] = [];
  hs.forEach((h, i) => {
    const flat = h.config === undefined ? {} : flattenConfig(h.config);
    const described = params.filter((p) => p in flat).map((p) => `${p}=${formatValue(flat[p])}`).join(', ');
    const label = [h.name, described].filter((s) => s !== undefined && s !== '').join(': ') || `run ${i + 1}`;
    const c = colour(i);
    const y = h.rows.map((r) => finiteOrNull(r[metric]));
    const diverged = divergence(h, metric);
    const name = plotlyText(diverged === undefined ? label : `${label} (diverged at epoch ${diverged.epoch})`);
    labels.push(name);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name,
      legendgroup: `run${i}`,
      x: h.epochs,
      y,
      line: { color: c },
      marker: { size: 4 },
    });
    if (diverged !== undefined && diverged.lastFinite !== undefined) {
      // An ✕ where the run was last finite: the line stops there, the ✕ says why.
      const [x, v] = diverged.lastFinite;
      data.push({
        type: 'scatter',
        mode: 'markers',
        name: `${name}: last finite value`,
        legendgroup: `run${i}`,
        showlegend: false,
        x: [x],
        y: [v],
        marker: { symbol: 'x-thin', size: 14, color: c, line: { color: c, width: 3 } },
        hovertemplate: `${name}<br>last finite ${plotlyText(metric)} %{y:.4g} at epoch %{x}<extra></extra>`,
      });
    } else if (diverged !== undefined) {
      // No finite value to draw: say so on the plot, at the epoch it diverged.
      annotations.push({
        x: diverged.epoch,
        xref: 'x',
        y: 1 - 0.08 * annotations.length,
        yref: 'paper',
        yanchor: 'top',
        xanchor: 'left',
        showarrow: false,
        text: `✕ ${plotlyText(h.name ?? (described !== '' ? described : `run ${i + 1}`))}: ${plotlyText(metric)} not finite from epoch ${diverged.epoch} (diverged)`,
        font: { color: c, size: 12 },
      });
    }
    const train = metric.startsWith('val_') ? metric.slice(4) : undefined;
    if (options.showTrain === true && train !== undefined && has(h, train)) {
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: plotlyText(`${label} (${train})`),
        legendgroup: `run${i}`,
        showlegend: false,
        x: h.epochs,
        y: h.rows.map((r) => finiteOrNull(r[train])),
        line: { color: c, dash: 'dot', width: 1 },
      });
    }
  });
  const mode = metricMode(metric, Object.assign({}, ...hs.map((h) => h.modes)));
  const better = mode === undefined ? '' : mode === 'min' ? ' (lower is better)' : ' (higher is better)';
  const layout: Layout = {
    title: { text: plotlyText(options.title ?? `${metric} by run`) },
    xaxis: { title: { text: 'epoch', standoff: 8 }, automargin: true },
    yaxis: options.logY === true ? logAxis({ title: { text: `${plotlyText(metric)}${better}` } }, numbersOf(...data.map((t) => t.y))) : { title: { text: `${plotlyText(metric)}${better}` } },
    legend: { title: { text: params.length > 0 ? 'differs: ' + plotlyText(params.join(', ')) : 'runs' } },
    height: 450,
    ...(annotations.length > 0 ? { annotations } : {}),
  };
  // A legend on the right as wide as its longest entry squeezes the plot: put long ones below.
  if (Math.max(...labels.map((l) => l.length)) > LONG_LEGEND_ENTRY) placeLegendBelow(layout, labels, true);
  return displayableFigure({ data, layout, config: { responsive: true, displaylogo: false } });
}

/** Legend entries longer than this many characters go below the plot, in rows. */
const LONG_LEGEND_ENTRY = 32;

function finiteOrNull(v: number | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * When a run's `metric` ends in non-finite values (NaN, Infinity: the run diverged), the
 * epoch that stretch starts at and the last finite point before it, if any.
 */
export function divergence(h: NormalizedHistory, metric: string): { epoch: number; lastFinite: [number, number] | undefined } | undefined {
  const logged = h.rows.map((r, i) => [h.epochs[i], r[metric]] as const).filter((p): p is readonly [number, number] => typeof p[1] === 'number');
  let start = logged.length;
  while (start > 0 && !Number.isFinite(logged[start - 1][1])) start--;
  if (start === logged.length) return undefined;
  const before = start > 0 ? logged[start - 1] : undefined;
  return { epoch: logged[start][0], lastFinite: before === undefined ? undefined : [before[0], before[1]] };
}
