import * as tf from '@tensorflow/tfjs';
import { GuardedCallback } from '../callbacks/fitGuard';
import { getDisplay } from '../display';
import type { Display, DisplayHandle } from '../display/types';
import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { plotlyText } from './escape';
import { baseMetrics, type HistoryRow } from './history';
import { liveUpdateHtml } from './html';
import { placeLegendBelow } from './legend';
import { lossCurvesWith } from './lossCurves';
import { ChartOutput } from './output';
import { show } from './show';
import type { Axis, Figure, Layout, Trace } from './types';

/** Options of {@link liveChart}. */
export interface LiveChartOptions {
  /** Minimum time between two chart updates, in milliseconds (epoch ends wait too; the last one is always drawn at train end). Defaults to `500`. */
  updateEveryMs?: number;
  /** `'epoch'`: one point per epoch. `'batch'`: the training loss after every batch too. Defaults to `'epoch'`. */
  granularity?: 'epoch' | 'batch';
  /** Figure title. Defaults to `'Training'`. */
  title?: string;
  /** Log scale for loss panels. Defaults to `false`. */
  logY?: boolean;
  /** Metrics to plot (train names). Defaults to every metric in the logs. */
  metrics?: string[];
  /** Where to draw. Defaults to `getDisplay()` at train begin. */
  display?: Display;
  /** Outside a notebook, write the final figure to an HTML file (`show`) at train end. Defaults to `true`. */
  writeFileOutsideNotebook?: boolean;
  /** Clock in milliseconds, for tests. Defaults to `Date.now`. */
  now?: () => number;
}

type LogValue = number | { dataSync(): ArrayLike<number>; isDisposed?: boolean } | undefined;

function readValue(v: LogValue): number {
  if (typeof v === 'number') return v;
  if (v === undefined || v === null || v.isDisposed === true) return Number.NaN;
  return v.dataSync()[0];
}

function readLogs(logs: Record<string, LogValue> | undefined): HistoryRow {
  const row: HistoryRow = {};
  if (logs === undefined || logs === null) return row;
  for (const [k, v] of Object.entries(logs)) row[k] = readValue(v);
  return row;
}

const MAX_BATCH_POINTS = 2000;

/**
 * A live training chart: one notebook output that shows loss, metrics and `lr` (when the
 * logs have it) while training, updated in place at most every `updateEveryMs`, and ends
 * as the final `lossCurves` figure. The chart's own output stays put during training; new
 * points reach it through a second, invisible output whose updates call `Plotly.react`,
 * so the chart never blanks. Works in `model.fit({callbacks})` and in `train`.
 */
export class LiveChart extends GuardedCallback {
  /** Epoch rows received so far. */
  readonly rows: HistoryRow[] = [];
  /** Batch-level training loss as `[fractional epoch, loss]` (granularity `'batch'`). */
  readonly batchPoints: Array<[number, number]> = [];
  /** Live updates sent during the current fit (for tests and benchmarks). */
  updates = 0;
  private readonly minIntervalMs: number;
  private readonly granularity: 'epoch' | 'batch';
  private readonly now: () => number;
  private display: Display | undefined;
  private chart: ChartOutput | undefined;
  private updater: DisplayHandle | undefined;
  private lastSent = -Infinity;
  private epoch = 0;
  private batchesInEpoch = 0;
  private stepsPerEpoch: number | undefined;
  private dirty = false;
  /** Requested metrics already warned about as missing from the logs (warn once each). */
  private readonly warned = new Set<string>();
  /** Between onTrainBegin and onTrainEnd / onTrainError. */
  private running = false;
  /** Log keys the fit announced at train begin (tfjs `params.metrics`: `loss`, `acc`, `val_loss`, ...). */
  private plannedKeys: string[] = [];

  constructor(private readonly options: LiveChartOptions = {}) {
    super();
    checkChartOptions('liveChart', options);
    const every = options.updateEveryMs ?? 500;
    if (typeof every !== 'number' || !(every >= 0) || !Number.isFinite(every)) {
      throw new ChartError(`liveChart: updateEveryMs must be a finite number >= 0, received ${describeValue(every)}. Pass e.g. updateEveryMs: 500.`);
    }
    const granularity = options.granularity ?? 'epoch';
    if (granularity !== 'epoch' && granularity !== 'batch') {
      throw new ChartError(`liveChart: granularity ${describeValue(granularity)} is not one of 'epoch' | 'batch'. Pass granularity: 'epoch' or 'batch'.`);
    }
    this.minIntervalMs = every;
    this.granularity = granularity;
    this.now = options.now ?? Date.now;
    // tfjs wraps plain objects in CustomCallback, which calls the hooks unbound.
    this.onTrainBegin = this.onTrainBegin.bind(this);
    this.onEpochBegin = this.onEpochBegin.bind(this);
    this.onEpochEnd = this.onEpochEnd.bind(this);
    this.onBatchEnd = this.onBatchEnd.bind(this);
    this.onTrainEnd = this.onTrainEnd.bind(this);
    this.onTrainError = this.onTrainError.bind(this);
  }

  /**
   * The figure for the data so far. `final` marks the best epoch and replaces the
   * "epoch i/n" status of the title by `note` (default none).
   */
  figure(final = false, note = ''): Figure {
    const title = this.options.title ?? 'Training';
    const epochs = typeof this.params?.epochs === 'number' ? (this.params.epochs as number) : undefined;
    // A continued fit (tfjs initialEpoch) numbers its epochs on, as the progress lines do.
    const first = typeof this.params?.initialEpoch === 'number' ? (this.params.initialEpoch as number) : 0;
    const status = final ? note : ` — epoch ${first + this.rows.length}${epochs !== undefined ? `/${epochs}` : ''}`;
    const extra: Trace[] = [];
    if (this.batchPoints.length > 0) {
      const step = Math.ceil(this.batchPoints.length / MAX_BATCH_POINTS);
      const pts = this.batchPoints.filter((_, i) => i % step === 0 || i === this.batchPoints.length - 1);
      extra.push({ type: 'scatter', mode: 'lines', name: 'loss (batch)', x: pts.map((p) => p[0]), y: pts.map((p) => p[1]), line: { color: '#c7cbff', width: 1 }, yaxis: 'y', hoverinfo: 'skip' });
    }
    // Before the first epoch: the panels the fit will log (tfjs's params.metrics), with no points yet.
    const known = this.rows.length === 0 ? [Object.fromEntries(this.plannedKeys.map((k) => [k, Number.NaN]))] : this.rows;
    if (known.length === 0 || Object.keys(known[0]).length === 0) {
      const layout: Layout = { title: { text: `${plotlyText(title)}${status}` }, height: 380, margin: { t: 60, r: 80, l: 70 }, xaxis: { title: { text: 'epoch' } }, yaxis: { title: { text: 'loss' } } };
      placeLegendBelow(layout, extra.map((t) => t.name ?? ''));
      return { data: extra, layout, config: { responsive: true, displaylogo: false } };
    }
    const rows = known.map((r, i) => ({ ...r, epoch: first + i }));
    const metrics = this.availableMetrics(rows);
    // The x axis spans the planned epochs from the first frame, so it does not rescale as points
    // arrive; the final figure spans the epochs run (the same for a run that completed, not
    // squeezed into the left edge for one stopped early).
    const span = final ? first + Math.max(1, this.rows.length) : Math.max(epochs ?? 0, first + this.rows.length);
    const xRange: [number, number] | undefined = epochs !== undefined ? [first + 0.5, span + 0.5] : undefined;
    const fig = lossCurvesWith(rows, { title: `${title}${status}`, logY: this.options.logY, metrics, markBest: final }, { extra, legendNames: this.legendNames(rows, metrics), xRange });
    // No points yet: empty panels from 0 to 1 rather than Plotly's arbitrary -1 to 4.
    if (this.rows.length === 0) for (const [key, axis] of Object.entries(fig.layout)) if (/^yaxis\d*$/.test(key) && (axis as Axis).type !== 'log') (axis as Axis).range = [0, 1];
    return fig;
  }

  /**
   * The legend entries the chart will have by the end (best-epoch marker, learning rate), so
   * the legend, and with it the figure's height, is sized once, at the first frame.
   */
  private legendNames(rows: HistoryRow[], metrics: string[] | undefined): string[] {
    const names = this.batchPoints.length > 0 || this.granularity === 'batch' ? ['loss (batch)'] : [];
    for (const m of metrics ?? baseMetrics(rows)) for (const k of [m, `val_${m}`]) if (this.plannedKeys.includes(k) || rows.some((r) => k in r)) names.push(k);
    names.push('learning rate 0.0001 (constant)', `best ${names.includes('val_loss') ? 'val_loss' : 'loss'}`);
    return names;
  }

  /**
   * The requested metrics that the logs have. The first time some are missing, warns
   * (console.warn) naming them and the available ones; charts every metric if none is left.
   */
  private availableMetrics(rows: HistoryRow[]): string[] | undefined {
    const wanted = this.options.metrics;
    if (wanted === undefined) return undefined;
    const available = baseMetrics(rows);
    const missing = wanted.filter((m) => !available.includes(m));
    const fresh = missing.filter((m) => !this.warned.has(m));
    if (fresh.length > 0) {
      for (const m of fresh) this.warned.add(m);
      const kept = wanted.filter((m) => available.includes(m));
      console.warn(
        `liveChart: metric${fresh.length > 1 ? 's' : ''} ${fresh.map((m) => `'${m}'`).join(', ')} ${fresh.length > 1 ? 'are' : 'is'} not in the training logs. ` +
          `Available: ${available.join(', ')}. Charting ${kept.length > 0 ? kept.join(', ') : `every available metric`} instead; ` +
          `fix the metrics option (names as the logs have them, without val_) or compile the model with the metric.`,
      );
    }
    const kept = wanted.filter((m) => available.includes(m));
    return kept.length > 0 ? kept : undefined;
  }

  override async onTrainBegin(): Promise<void> {
    this.running = true;
    this.rows.length = 0;
    this.batchPoints.length = 0;
    this.updates = 0;
    this.lastSent = -Infinity;
    this.dirty = false;
    this.epoch = 0;
    this.stepsPerEpoch = undefined;
    const p = this.params ?? {};
    if (typeof p.steps === 'number' && p.steps > 0) this.stepsPerEpoch = p.steps;
    else if (typeof p.samples === 'number' && typeof p.batchSize === 'number' && p.batchSize > 0) this.stepsPerEpoch = Math.ceil(p.samples / p.batchSize);
    this.plannedKeys = Array.isArray(p.metrics) ? (p.metrics as unknown[]).filter((k): k is string => typeof k === 'string') : [];
    this.display = this.options.display ?? getDisplay();
    this.chart = undefined;
    this.updater = undefined;
    if (this.display.inNotebook) {
      this.chart = new ChartOutput(this.display, this.figure(), { plotlyJson: false });
      this.updater = this.display.show({ 'text/html': '', 'text/plain': '' });
    }
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    this.batchesInEpoch = 0;
  }

  override async onBatchEnd(batch: number, logs?: Record<string, LogValue>): Promise<void> {
    if (this.granularity !== 'batch') return;
    this.batchesInEpoch = batch + 1;
    const loss = readValue(logs?.loss);
    const steps = this.stepsPerEpoch ?? Math.max(batch + 1, 1);
    this.batchPoints.push([this.epoch + (batch + 1) / steps, loss]);
    this.dirty = true;
    this.maybeSend();
  }

  override async onEpochEnd(epoch: number, logs?: Record<string, LogValue>): Promise<void> {
    if (this.stepsPerEpoch === undefined && this.batchesInEpoch > 0) this.stepsPerEpoch = this.batchesInEpoch;
    this.rows.push(readLogs(logs));
    this.dirty = true;
    this.maybeSend();
  }

  override async onTrainEnd(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.rows.length === 0 && this.batchPoints.length === 0) return;
    this.sendFinal(this.figure(true));
  }

  /**
   * Ends the chart of a fit that threw: tfjs skips `onTrainEnd` when `model.fit` rejects, so
   * the chart would stay at its last live update. trainlab's `train` calls this for you; after
   * a failed `model.fit` call it yourself. Draws the epochs so far, titled "stopped by an
   * error after N epochs". Does nothing if the fit already ended or never began.
   */
  override async onTrainError(_error?: unknown): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const n = this.rows.length;
    const note = n === 0 ? ' — stopped by an error before the first epoch ended' : ` — stopped by an error after ${n} epoch${n === 1 ? '' : 's'}`;
    if (n === 0 && this.batchPoints.length === 0 && this.chart === undefined) return;
    this.sendFinal(this.figure(true, note));
  }

  private sendFinal(final: Figure): void {
    if (this.display === undefined) return;
    if (this.chart !== undefined) {
      // Same MIME types as while training: the same renderer draws it, at the same size and look.
      this.chart.update(final);
      this.updater?.update({ 'text/html': '', 'text/plain': '' });
    } else if (this.options.writeFileOutsideNotebook ?? true) {
      show(final, { display: this.display });
    }
  }

  private maybeSend(): void {
    if (this.updater === undefined || this.chart === undefined || !this.dirty) return;
    const t = this.now();
    if (t - this.lastSent < this.minIntervalMs) return;
    this.lastSent = t;
    this.dirty = false;
    this.updates++;
    this.updater.update({ 'text/html': liveUpdateHtml(this.chart.id, this.figure(), this.updates), 'text/plain': '' });
  }
}

/** A {@link LiveChart} callback: `model.fit(x, y, {callbacks: [liveChart()]})`. */
export function liveChart(options: LiveChartOptions = {}): LiveChart {
  return new LiveChart(options);
}
