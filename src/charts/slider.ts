import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { plotlyText } from './escape';
import { normalizeHistory, type HistoryInput, type NormalizedHistory } from './history';
import { colour } from './palette';
import { displayableFigure } from './figureDisplay';
import { formatNumber, logAxis, numbersOf } from './ticks';
import type { Axis, Figure, Trace } from './types';
import { extent } from '../util/extent';

/** One precomputed run and the value of the setting it was trained with. */
export interface SliderRun {
  /** The setting's value for this run, e.g. a learning rate `0.01` or `'adam'`. */
  value: number | string;
  /** The run: a `train` result, a tfjs History or epoch rows. */
  run: HistoryInput;
}

/** Options of {@link slider}. */
export interface SliderOptions {
  /** Name of the setting the slider moves over, e.g. `'learning rate'`. Defaults to `'setting'`. */
  setting?: string;
  /** Metrics to draw (log names such as `'loss'`, `'val_loss'`, `'acc'`). Defaults to `loss` and `val_loss`, those the runs have. */
  metrics?: string[];
  /** Figure title. Defaults to `'<first metric> by <setting>'`. */
  title?: string;
  /** Log scale on the y axis. Defaults to `false`. */
  logY?: boolean;
  /** Index of the run shown first. Defaults to `0`. */
  active?: number;
}

/** Pixels under the plot area: x tick labels and title, then the slider's current value, rail, ticks and labels. */
const X_AXIS_PX = 62;
const SLIDER_PX = 110;
/** Width (px) the step labels may take together before they would touch: past it only the current value is named. */
const LABEL_ROOM_PX = 600;

function label(value: number | string): string {
  return typeof value === 'number' ? formatNumber(value) : value;
}

/** A label as a legend entry shows it: long ones cut (the current value above the slider names the run in full). */
function short(text: string): string {
  return text.length > 16 ? `${text.slice(0, 15)}…` : text;
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * A figure with a slider over precomputed runs: one group of curves per value of a setting
 * (a learning rate, batch size, epochs, dropout), one slider step per group; moving the
 * slider shows that group and hides the others. The axes keep one range over every run,
 * so the curves can be compared step by step. Works offline like every figure (`show`, or
 * as a cell's last value); the runs are precomputed, nothing trains while sliding.
 *
 * @example charts.slider([0.001, 0.01, 0.1].map((lr, i) => ({value: lr, run: runs[i]})), {setting: 'learning rate'})
 */
export function slider(runs: SliderRun[], options: SliderOptions = {}): Figure {
  checkChartOptions('slider', options);
  if (!Array.isArray(runs) || runs.length === 0) {
    throw new ChartError(`slider: runs must be a non-empty array of {value, run}; received ${describeValue(runs)}. Pass e.g. [{value: 0.01, run: runA}, {value: 0.1, run: runB}].`);
  }
  runs.forEach((r, i) => {
    if (typeof r !== 'object' || r === null || !(typeof r.value === 'number' || typeof r.value === 'string') || r.run === undefined) {
      throw new ChartError(`slider: runs[${i}] must be {value: number | string, run}, received ${describeValue(r)}.`);
    }
  });
  const labels = runs.map((r) => label(r.value));
  const repeated = labels.find((l, i) => labels.indexOf(l) !== i);
  if (repeated !== undefined) throw new ChartError(`slider: two runs have the value ${repeated}; each slider step needs its own. Pass one run per value.`);
  const active = options.active ?? 0;
  if (!Number.isInteger(active) || active < 0 || active >= runs.length) {
    throw new ChartError(`slider: active must be the index of a run, 0 to ${runs.length - 1}; received ${String(active)}.`);
  }
  const histories: NormalizedHistory[] = runs.map((r) => normalizeHistory(r.run, 'slider'));
  const present = (m: string) => histories.some((h) => h.rows.some((row) => m in row));
  const metrics = options.metrics ?? ['loss', 'val_loss'].filter(present);
  if (metrics.length === 0) throw new ChartError(`slider: no metrics to draw: the runs have no 'loss' or 'val_loss'. Pass metrics, e.g. {metrics: ['acc']}.`);
  const missing = metrics.filter((m) => !present(m));
  if (missing.length > 0) {
    const known = [...new Set(histories.flatMap((h) => h.rows.flatMap((row) => Object.keys(row))))].filter((k) => k !== 'epoch');
    throw new ChartError(`slider: no run logged ${missing.map((m) => `'${m}'`).join(', ')}; the runs have ${known.map((k) => `'${k}'`).join(', ')}.`);
  }
  const setting = options.setting ?? 'setting';

  const data: Trace[] = [];
  const groupOf: number[] = [];
  histories.forEach((h, g) => {
    metrics.forEach((m, k) => {
      data.push({
        type: 'scatter',
        mode: h.rows.length === 1 ? 'markers' : 'lines',
        name: plotlyText(`${m} (${short(labels[g])})`),
        x: h.epochs,
        y: h.rows.map((row) => finite(row[m])),
        line: { color: colour(k), dash: m.startsWith('val_') ? 'dash' : 'solid' },
        marker: { color: colour(k) },
        visible: g === active,
      });
      groupOf.push(g);
    });
  });
  // A run with no finite value of a metric diverged or never logged it: say so on its step.
  const notes = histories.map((h, g) => {
    const blank = metrics.filter((m) => !h.rows.some((row) => finite(row[m]) !== null));
    // The current value above the slider names the run; the note stays short, on two lines.
    const text = blank.length === 0 ? undefined : `${plotlyText(`no finite ${blank.join(', ')}`)}<br>(diverged?)`;
    return text === undefined ? [] : [{ text, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, showarrow: false, font: { size: 14, color: '#b00' } }];
  });

  const values = [...numbersOf(...data.map((t) => t.y))].filter((v) => (options.logY === true ? v > 0 : true));
  const maxEpoch = Math.max(...histories.map((h) => h.epochs[h.epochs.length - 1]));
  const minEpoch = Math.min(...histories.map((h) => h.epochs[0]));
  const xaxis: Axis = { title: { text: 'epoch' }, range: minEpoch === maxEpoch ? [minEpoch - 0.5, maxEpoch + 0.5] : [minEpoch, maxEpoch] };
  // Few epochs: whole-epoch ticks only (no 0.6, 0.8, ...).
  if (maxEpoch - minEpoch < 10) Object.assign(xaxis, { tickmode: 'linear', tick0: minEpoch, dtick: 1 });
  let yaxis: Axis = { title: { text: plotlyText(metrics.length === 1 ? metrics[0] : metrics[0].replace(/^val_/, '')) } };
  if (values.length > 0) {
    if (options.logY === true) {
      yaxis = logAxis(yaxis, values);
      const [lo, hi] = extent(values).map(Math.log10);
      const pad = Math.max(0.05, (hi - lo) * 0.05);
      yaxis.range = [lo - pad, hi + pad];
    } else {
      const [lo, hi] = extent(values);
      const pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(hi) * 0.05, 1e-12);
      yaxis.range = [lo - pad, hi + pad];
    }
  }

  const crowded = labels.reduce((w, l) => w + 16 + 7 * l.length, 0) > LABEL_ROOM_PX;
  const steps = labels.map((l, g) => ({
    label: plotlyText(l),
    method: 'update',
    args: [{ visible: groupOf.map((owner) => owner === g) }, { annotations: notes[g] }],
  }));
  const title = options.title ?? `${metrics[0].replace(/^val_/, '')} by ${setting}`;
  return displayableFigure({
    data,
    layout: {
      title: { text: plotlyText(title) },
      xaxis,
      yaxis,
      annotations: notes[active],
      height: 420 + SLIDER_PX,
      margin: { b: X_AXIS_PX + SLIDER_PX },
      sliders: [
        {
          active,
          steps,
          x: 0,
          len: 1,
          y: 0,
          yanchor: 'top',
          pad: { t: X_AXIS_PX, b: 10 },
          currentvalue: { prefix: plotlyText(`${setting}: `), visible: true, xanchor: 'left', font: { size: 14, color: '#444' } },
          // Too many or too long labels would run into each other: the current value names the step.
          ...(crowded ? { font: { color: 'rgba(0,0,0,0)' } } : {}),
        },
      ],
    },
    config: { responsive: true, displaylogo: false },
  });
}
