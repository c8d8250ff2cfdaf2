import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { plotlyText } from './escape';
import { baseMetrics, bestIndex, lrKey, metricMode, normalizeHistory, type HistoryInput } from './history';
import { colour } from './palette';
import { placeLegendBelow } from './legend';
import { displayableFigure } from './figureDisplay';
import { constantValue, formatNumber, logAxis, numbersOf } from './ticks';
import type { Axis, Figure, Layout, Trace } from './types';
import { extent } from '../util/extent';

/** Options of {@link lossCurves}. */
export interface LossCurvesOptions {
  /** Log scale on the y axes of minimised metrics (loss, mse, ...). Defaults to `false`. */
  logY?: boolean;
  /**
   * Plot the learning rate (`lr` in the logs) on a secondary log axis of the loss panel; a
   * constant rate gets no axis, its value is named in the legend. Defaults to `true` when the
   * history has `lr`.
   */
  showLR?: boolean;
  /** Figure title. Defaults to `'Training history'`. */
  title?: string;
  /** Metrics to plot (train names, `val_` added automatically). Defaults to every metric in the history. */
  metrics?: string[];
  /** Metric whose best epoch is marked. Defaults to the run's `monitor`, else `val_loss`, else `loss`. */
  monitor?: string;
  /** Mark the best epoch. Defaults to `true`. */
  markBest?: boolean;
}

const PANEL_GAP = 0.07;

function axisName(i: number): string {
  return i === 0 ? 'y' : `y${i + 1}`;
}

function layoutKey(axis: string): string {
  return axis === 'y' ? 'yaxis' : `yaxis${axis.slice(1)}`;
}

/**
 * Training curves of a run: one panel per metric (loss first) with train as solid and
 * validation as dashed lines, the best epoch marked, and the learning rate on a secondary
 * log axis of the loss panel. Accepts a run result (`{history, bestEpoch?, monitor?}`),
 * a tfjs `History` or an array of epoch rows.
 */
export function lossCurves(run: HistoryInput, options: LossCurvesOptions = {}): Figure {
  checkChartOptions('lossCurves', options);
  return displayableFigure(lossCurvesWith(run, options));
}

/** Up to this many epochs on the x axis, each gets its own tick (no 1.2, 1.4, ... between them). */
const MAX_EPOCH_TICKS = 12;

/** What liveChart adds to a {@link lossCurves} figure while the fit runs. */
export interface LiveFrame {
  /** Traces drawn first (the batch loss); the legend is sized for them too. */
  extra?: Trace[];
  /** The legend's entries, when some come later (liveChart reserves room for them). */
  legendNames?: string[];
  /** The epochs the x axis spans (the planned ones), instead of the ones in the history. */
  xRange?: [number, number];
}

/**
 * One tick per epoch when the axis shows at most {@link MAX_EPOCH_TICKS} epochs. Decided on
 * the span shown, not on the number of points: a live chart of 2000 planned epochs (or 12
 * rows logged every 100 epochs) with one tick each would be 1000 tick labels, and Plotly
 * takes seconds to lay out each frame.
 */
function epochTicks(epochsShown: number): Axis {
  return epochsShown <= MAX_EPOCH_TICKS ? { dtick: 1 } : {};
}

/** {@link lossCurves} with what a live frame adds ({@link LiveFrame}). */
export function lossCurvesWith(run: HistoryInput, options: LossCurvesOptions, frame: LiveFrame = {}): Figure {
  const extra = frame.extra ?? [];
  const h = normalizeHistory(run, 'lossCurves');
  const all = baseMetrics(h.rows);
  const metrics = options.metrics ?? all;
  for (const m of metrics) {
    if (!all.includes(m)) {
      throw new ChartError(`lossCurves: metric ${describeValue(m)} is not in the history. Available: ${all.join(', ')}.`);
    }
  }
  if (metrics.length === 0) throw new ChartError(`lossCurves: the history has no metrics to plot (only ${Object.keys(h.rows[0]).join(', ')}).`);
  const lr = lrKey(h.rows);
  const showLR = options.showLR ?? lr !== undefined;
  if (showLR && lr === undefined) {
    throw new ChartError('lossCurves: showLR is true but the history has no `lr` values. Log the learning rate (a schedule or reduceLROnPlateau writes `lr`) or pass showLR: false.');
  }
  const n = metrics.length;
  const panelHeight = (1 - PANEL_GAP * (n - 1)) / n;
  const data: Trace[] = [...extra];
  const [firstEpoch, lastEpoch] = extent(h.epochs);
  const epochsShown = frame.xRange !== undefined ? frame.xRange[1] - frame.xRange[0] : lastEpoch - firstEpoch + 1;
  const layout: Layout = {
    title: { text: plotlyText(options.title ?? 'Training history') },
    height: Math.min(260 * n + 120, 1000),
    hovermode: 'x unified',
    margin: { t: 60, r: 80, l: 70, b: 40 },
    xaxis: {
      title: { text: 'epoch', standoff: 8 },
      anchor: axisName(n - 1),
      automargin: true,
      ...(frame.xRange !== undefined ? { range: frame.xRange } : {}),
      ...epochTicks(epochsShown),
    },
    shapes: [],
    annotations: [],
  };
  metrics.forEach((metric, i) => {
    const axis = axisName(i);
    const top = 1 - i * (panelHeight + PANEL_GAP);
    // Huge or tiny values as 7×10¹², not Plotly's SI letters ("7T"): the same form as the log axes.
    let yAxis: Axis = { title: { text: plotlyText(metric) }, domain: [Math.max(0, top - panelHeight), top], anchor: 'x', exponentformat: 'power' };
    if (options.logY === true && metricMode(metric, h.modes) !== 'max') yAxis = logAxis(yAxis, numbersOf(...[metric, `val_${metric}`].map((k) => h.rows.map((r) => r[k]))));
    layout[layoutKey(axis)] = yAxis;
    const c = colour(i);
    for (const [key, dash] of [[metric, 'solid'], [`val_${metric}`, 'dash']] as const) {
      if (!h.rows.some((r) => typeof r[key] === 'number')) continue;
      data.push({
        type: 'scatter',
        mode: h.rows.length > 40 ? 'lines' : 'lines+markers',
        name: plotlyText(key),
        x: h.epochs,
        y: h.rows.map((r) => (typeof r[key] === 'number' && Number.isFinite(r[key]) ? r[key] : null)),
        yaxis: axis,
        line: { color: c, dash },
        marker: { size: 5 },
      });
    }
  });
  const lrValues = lr !== undefined ? h.rows.map((r) => r[lr]) : [];
  const constantLR = constantValue(lrValues);
  if (showLR && lr !== undefined && constantLR !== undefined) {
    // A second axis for one value would only show a meaningless range around it.
    data.push({ type: 'scatter', mode: 'lines', name: `learning rate ${formatNumber(constantLR)} (constant)`, x: [null], y: [null], yaxis: 'y', line: { color: '#7f7f7f', dash: 'dot', width: 1.5 }, hoverinfo: 'skip' });
  } else if (showLR && lr !== undefined) {
    const axis = axisName(n);
    layout[layoutKey(axis)] = logAxis({ title: { text: 'learning rate' }, overlaying: 'y', side: 'right', anchor: 'x', showgrid: false, tickfont: { size: 10 } }, numbersOf(lrValues));
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: 'learning rate',
      x: h.epochs,
      y: h.rows.map((r) => (typeof r[lr] === 'number' ? r[lr] : null)),
      yaxis: axis,
      line: { color: '#7f7f7f', dash: 'dot', shape: 'hv', width: 1.5 },
    });
  }
  if (options.markBest ?? true) addBestMarker(data, layout, h, metrics, options.monitor);
  placeLegendBelow(layout, frame.legendNames ?? data.map((t) => t.name ?? ''));
  return { data, layout, config: { responsive: true, displaylogo: false } };
}

function addBestMarker(data: Trace[], layout: Layout, h: ReturnType<typeof normalizeHistory>, metrics: string[], monitorOption: string | undefined): void {
  const has = (k: string): boolean => h.rows.some((r) => typeof r[k] === 'number' && Number.isFinite(r[k]));
  const monitor = monitorOption ?? h.monitor ?? (has('val_loss') ? 'val_loss' : 'loss');
  if (!has(monitor)) {
    if (monitorOption !== undefined) {
      throw new ChartError(`lossCurves: monitor ${describeValue(monitor)} is not in the history. Available: ${Object.keys(h.rows[0]).join(', ')}.`);
    }
    return;
  }
  const index = h.bestEpoch !== undefined ? h.epochs.indexOf(h.bestEpoch + 1) : bestIndex(h.rows, monitor, h.modes);
  if (index === undefined || index < 0) return;
  const base = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  const panel = Math.max(0, metrics.indexOf(base));
  const x = h.epochs[index];
  const y = h.rows[index][monitor];
  data.push({
    type: 'scatter',
    mode: 'markers',
    name: `best ${plotlyText(monitor)}`,
    x: [x],
    y: [y],
    yaxis: axisName(panel),
    marker: { symbol: 'star', size: 14, color: '#222', line: { color: 'white', width: 1 } },
    hovertemplate: `best epoch %{x}: ${plotlyText(monitor)}=%{y:.4g}<extra></extra>`,
  });
  layout.shapes?.push({ type: 'line', xref: 'x', yref: 'paper', x0: x, x1: x, y0: 0, y1: 1, line: { color: '#999', width: 1, dash: 'dot' } });
  layout.annotations?.push({ x, y: 1, xref: 'x', yref: 'paper', yanchor: 'bottom', showarrow: false, text: `best epoch ${x}`, font: { size: 11, color: '#555' } });
}
