import { ChartError, describeValue } from './errors';
import { plotlyText } from './escape';
import { metricMode, normalizeHistory, type HistoryInput, type NormalizedHistory } from './history';
import { colour } from './palette';
import type { Figure, Trace } from './types';

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
  hs.forEach((h, i) => {
    const flat = h.config === undefined ? {} : flattenConfig(h.config);
    const described = params.filter((p) => p in flat).map((p) => `${p}=${formatValue(flat[p])}`).join(', ');
    const label = [h.name, described].filter((s) => s !== undefined && s !== '').join(': ') || `run ${i + 1}`;
    const c = colour(i);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: plotlyText(label),
      legendgroup: `run${i}`,
      x: h.epochs,
      y: h.rows.map((r) => (typeof r[metric] === 'number' && Number.isFinite(r[metric]) ? r[metric] : null)),
      line: { color: c },
      marker: { size: 4 },
    });
    const train = metric.startsWith('val_') ? metric.slice(4) : undefined;
    if (options.showTrain === true && train !== undefined && has(h, train)) {
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: plotlyText(`${label} (${train})`),
        legendgroup: `run${i}`,
        showlegend: false,
        x: h.epochs,
        y: h.rows.map((r) => (typeof r[train] === 'number' ? r[train] : null)),
        line: { color: c, dash: 'dot', width: 1 },
      });
    }
  });
  const better = metricMode(metric) === 'min' ? 'lower is better' : 'higher is better';
  return {
    data,
    layout: {
      title: { text: plotlyText(options.title ?? `${metric} by run`) },
      xaxis: { title: { text: 'epoch' } },
      yaxis: { title: { text: `${plotlyText(metric)} (${better})` }, ...(options.logY === true ? { type: 'log' } : {}) },
      legend: { title: { text: params.length > 0 ? 'differs: ' + plotlyText(params.join(', ')) : 'runs' } },
      height: 450,
    },
    config: { responsive: true, displaylogo: false },
  };
}
