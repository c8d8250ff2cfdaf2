import * as tf from '@tensorflow/tfjs';
import { getDisplay } from '../display';
import type { Display, DisplayHandle } from '../display/types';
import { ChartError, describeValue } from './errors';
import { plotlyText } from './escape';
import type { HistoryRow } from './history';
import { liveUpdateHtml } from './html';
import { lossCurves } from './lossCurves';
import { ChartOutput } from './output';
import { show } from './show';
import type { Figure } from './types';

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
export class LiveChart extends tf.Callback {
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

  constructor(private readonly options: LiveChartOptions = {}) {
    super();
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
  }

  /** The figure for the data so far (`final` marks the best epoch and drops the status). */
  figure(final = false): Figure {
    const title = this.options.title ?? 'Training';
    const epochs = typeof this.params?.epochs === 'number' ? (this.params.epochs as number) : undefined;
    const status = final ? '' : ` — epoch ${this.rows.length}${epochs !== undefined ? `/${epochs}` : ''}`;
    let fig: Figure;
    if (this.rows.length === 0) {
      fig = {
        data: [],
        layout: { title: { text: `${plotlyText(title)}${status}` }, height: 380, xaxis: { title: { text: 'epoch' } }, yaxis: { title: { text: 'loss' } } },
        config: { responsive: true, displaylogo: false },
      };
    } else {
      const metrics = this.options.metrics;
      fig = lossCurves(
        this.rows.map((r, i) => ({ ...r, epoch: i })),
        { title: `${title}${status}`, logY: this.options.logY, metrics, markBest: final },
      );
    }
    if (this.batchPoints.length > 0) {
      const step = Math.ceil(this.batchPoints.length / MAX_BATCH_POINTS);
      const pts = this.batchPoints.filter((_, i) => i % step === 0 || i === this.batchPoints.length - 1);
      fig.data.unshift({ type: 'scatter', mode: 'lines', name: 'loss (batch)', x: pts.map((p) => p[0]), y: pts.map((p) => p[1]), line: { color: '#c7cbff', width: 1 }, yaxis: 'y', hoverinfo: 'skip' });
    }
    return fig;
  }

  override async onTrainBegin(): Promise<void> {
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
    if (this.display === undefined) return;
    if (this.rows.length === 0 && this.batchPoints.length === 0) return;
    const final = this.figure(true);
    if (this.chart !== undefined) {
      this.chart.update(final, { plotlyJson: true });
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
