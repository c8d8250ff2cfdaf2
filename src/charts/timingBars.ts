import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { plotlyText } from './escape';
import { colour } from './palette';
import { displayableFigure } from './figureDisplay';
import { formatNumber, logAxis } from './ticks';
import type { Axis, Figure, Trace } from './types';

/** One measured time. Items with the same `group` share a colour and a legend entry. */
export interface TimingItem {
  label: string;
  value: number;
  group?: string;
  /** Spread (e.g. standard deviation) drawn as an error bar. */
  error?: number;
}

/** Options of {@link timingBars}. */
export interface TimingBarsOptions {
  /** Figure title. Defaults to `'Timings'`. */
  title?: string;
  /** Unit of the values, shown on the axis and the bar labels. Defaults to `'ms'`. */
  unit?: string;
  /** `'h'` for horizontal bars (long labels), `'v'` for columns. Defaults to `'h'`. */
  orientation?: 'h' | 'v';
  /** Sort bars by value, fastest first. Defaults to `false` (input order). */
  sort?: boolean;
  /** Log scale on the value axis. Defaults to `false`. */
  log?: boolean;
}

const TIME_UNITS = /^(ns|µs|us|ms|s|sec|min|h)$/;

/** Bar chart of timings (`{label, value, group?}` items, or an object label → value). */
export function timingBars(items: TimingItem[] | Record<string, number>, options: TimingBarsOptions = {}): Figure {
  checkChartOptions('timingBars', options);
  const list: TimingItem[] = Array.isArray(items) ? items : Object.entries(items ?? {}).map(([label, value]) => ({ label, value }));
  if (list.length === 0) throw new ChartError('timingBars: no timings given. Pass e.g. [{label: "cpu", value: 120}] or {cpu: 120}.');
  list.forEach((it, i) => {
    if (typeof it?.label !== 'string' || typeof it.value !== 'number' || !Number.isFinite(it.value)) {
      throw new ChartError(`timingBars: item ${i} must be {label: string, value: finite number}, received ${describeValue(it)}.`);
    }
  });
  const unit = options.unit ?? 'ms';
  const horizontal = (options.orientation ?? 'h') === 'h';
  const sorted = options.sort === true ? [...list].sort((a, b) => a.value - b.value) : list;
  const groups: Array<string | undefined> = [];
  for (const it of sorted) if (!groups.includes(it.group)) groups.push(it.group);
  const data: Trace[] = groups.map((g, gi) => {
    const rows = sorted.filter((it) => it.group === g);
    const labels = rows.map((r) => plotlyText(r.label));
    const values = rows.map((r) => r.value);
    const trace: Trace = {
      type: 'bar',
      name: g === undefined ? plotlyText(unit) : plotlyText(g),
      showlegend: g !== undefined,
      orientation: horizontal ? 'h' : 'v',
      x: horizontal ? values : labels,
      y: horizontal ? labels : values,
      text: rows.map((r) => `${formatNumber(Number(r.value.toPrecision(3)))} ${plotlyText(unit)}`),
      textposition: 'auto',
      marker: { color: colour(gi) },
    };
    if (rows.some((r) => typeof r.error === 'number')) {
      trace[horizontal ? 'error_x' : 'error_y'] = { type: 'data', array: rows.map((r) => r.error ?? 0), visible: true };
    }
    return trace;
  });
  // The axis says what is measured, not only the unit: "time (ms)".
  const valueTitle: Axis = { title: { text: TIME_UNITS.test(unit) ? `time (${plotlyText(unit)})` : plotlyText(unit) } };
  const valueAxis = options.log === true ? logAxis(valueTitle, sorted.map((it) => it.value)) : valueTitle;
  const labelAxis = horizontal ? { automargin: true, autorange: 'reversed' } : { automargin: true };
  return displayableFigure({
    data,
    layout: {
      title: { text: plotlyText(options.title ?? 'Timings') },
      barmode: 'group',
      xaxis: horizontal ? valueAxis : labelAxis,
      yaxis: horizontal ? labelAxis : valueAxis,
      height: horizontal ? Math.max(300, 60 + 32 * sorted.length) : 420,
    },
    config: { responsive: true, displaylogo: false },
  });
}
