import * as tf from '@tensorflow/tfjs';
import { getDisplay } from '../display';
import type { Display, DisplayHandle } from '../display/types';
import { escapeHtml } from '../charts/escape';
import { metricDirection } from '../config/direction';
import { CallbackError } from './errors';
import { GuardedCallback } from './fitGuard';
import { readLogs, type NumericLogs, type UnresolvedLogs } from './logs';
import { describe, modelMetricModes } from './monitor';
import { checkCallbackOptions } from './options';

/** Where a terminal progress line goes. */
export interface TextSink {
  write(text: string): unknown;
}

/** Options of {@link progressBar}. */
export interface ProgressBarOptions {
  /**
   * Display to draw on. In a notebook (`display.inNotebook`) the bar is one cell output
   * updated in place; otherwise it is a `\r`-updated line on `stream`. Defaults to `getDisplay()`.
   */
  display?: Display;
  /** Terminal output when no notebook display is used. Defaults to `process.stdout`. */
  stream?: TextSink;
  /** At most this many redraws per second during an epoch (epoch ends always draw). Defaults to `4`. */
  maxUpdatesPerSecond?: number;
  /** Width of the bar in characters. Defaults to `30`. */
  width?: number;
  /** Clock in milliseconds, for tests. Defaults to `Date.now`. */
  now?: () => number;
}

/** What the bar shows at one moment; rendering is a pure function of it. */
export interface ProgressState {
  epoch: number;
  epochs: number;
  batch: number;
  /** Batches per epoch, undefined when unknown (datasets without a size). */
  steps: number | undefined;
  elapsedMs: number;
  etaMs: number | undefined;
  metrics: NumericLogs;
  done: boolean;
}

/**
 * Shows epoch, batch, elapsed time, ETA and metrics while training: one in-place cell output
 * in a notebook, a `\r`-updated line in a terminal. Works in `model.fit` and `train`.
 */
export class ProgressBar extends GuardedCallback {
  private readonly display: Display | undefined;
  private readonly stream: TextSink;
  private readonly minIntervalMs: number;
  private readonly width: number;
  private readonly now: () => number;
  private handle: DisplayHandle | undefined;
  private trainStart = 0;
  private epochStart = 0;
  private lastDraw = -Infinity;
  private epoch = 0;
  /** The fit's last epoch number (tfjs `params.epochs`: initialEpoch + the epochs asked for). */
  private epochs = 1;
  /** tfjs `params.initialEpoch`: where a continued fit begins. */
  private initialEpoch = 0;
  private steps: number | undefined;
  private completedEpochMs: number[] = [];
  private lastLine = '';
  /** Logs of each finished epoch, for the summary line. */
  private epochLogs: NumericLogs[] = [];
  /** Set by onTrainError: the summary says the run ended with an error. */
  private failed = false;
  /** Lines of the epochs finished so far (also what the notebook output keeps). */
  readonly epochLines: string[] = [];
  /** The line the output ends with once training ends (see {@link summaryLine}); `''` before. */
  summary = '';
  /** Number of redraws made (for tests and throttling checks). */
  draws = 0;

  constructor(options: ProgressBarOptions = {}) {
    super();
    checkCallbackOptions('progressBar', options);
    const rate = options.maxUpdatesPerSecond ?? 4;
    if (typeof rate !== 'number' || !(rate > 0)) {
      throw new CallbackError(`progressBar: maxUpdatesPerSecond must be a number > 0, received ${describe(rate)}. Pass e.g. maxUpdatesPerSecond: 4.`);
    }
    const width = options.width ?? 30;
    if (!Number.isInteger(width) || width < 1) {
      throw new CallbackError(`progressBar: width must be a whole number >= 1, received ${describe(width)}. Pass e.g. width: 30.`);
    }
    this.display = options.display ?? getDisplay();
    this.stream = options.stream ?? process.stdout;
    this.minIntervalMs = 1000 / rate;
    this.width = width;
    this.now = options.now ?? Date.now;
  }

  /** Epochs this fit was asked for. */
  private get plannedEpochs(): number {
    return Math.max(1, this.epochs - this.initialEpoch);
  }

  private get inNotebook(): boolean {
    return this.display !== undefined && this.display.inNotebook;
  }

  override async onTrainBegin(): Promise<void> {
    const params = this.params ?? {};
    this.epochs = typeof params['epochs'] === 'number' ? params['epochs'] : 1;
    this.initialEpoch = typeof params['initialEpoch'] === 'number' ? params['initialEpoch'] : 0;
    const steps = params['steps'];
    const samples = params['samples'];
    const batchSize = params['batchSize'];
    this.steps =
      typeof steps === 'number' ? steps : typeof samples === 'number' && typeof batchSize === 'number' ? Math.ceil(samples / batchSize) : undefined;
    this.trainStart = this.now();
    this.completedEpochMs = [];
    this.epochLines.length = 0;
    this.epochLogs = [];
    this.failed = false;
    this.summary = '';
    this.handle = undefined;
    this.draws = 0;
    this.lastLine = '';
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    this.epochStart = this.now();
    this.lastDraw = -Infinity;
  }

  override async onBatchEnd(batch: number, logs?: UnresolvedLogs): Promise<void> {
    const t = this.now();
    if (t - this.lastDraw < this.minIntervalMs) return;
    this.lastDraw = t;
    const metrics = await readLogs(logs);
    delete metrics['batch'];
    delete metrics['size'];
    this.draw(this.state(batch + 1, metrics, false, t));
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const t = this.now();
    this.completedEpochMs.push(t - this.epochStart);
    const state = this.state(this.steps ?? 0, await readLogs(logs), true, t);
    this.epochLogs.push(state.metrics);
    const line = renderLine(state, this.width);
    this.epochLines.push(line);
    this.draw(state);
  }

  /**
   * Called by trainlab's `train` when the fit throws (tfjs then skips onTrainEnd): the
   * output ends with a line saying training stopped and why, instead of a bar left mid-way.
   */
  override async onTrainError(error?: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : error === undefined ? 'unknown error' : String(error);
    this.failed = true;
    this.finish(`Stopped in epoch ${this.epoch + 1}/${this.epochs} by an error: ${reason.split('\n')[0]}`);
  }

  override async onTrainEnd(): Promise<void> {
    if (this.failed) return;
    const done = this.epochLogs.length;
    const stopped = (this.model as { stopTraining?: boolean } | undefined)?.stopTraining === true;
    this.finish(done >= this.plannedEpochs ? 'Done' : stopped ? 'Stopped early (a callback or the stop button set stopTraining)' : 'Stopped');
  }

  /** Ends the output with the summary line (notebook: the last epoch lines and it; terminal: one more line). */
  private finish(verdict: string): void {
    this.summary = summaryLine({ epochs: this.epochLogs.length, plannedEpochs: this.plannedEpochs, initialEpoch: this.initialEpoch, elapsedMs: this.now() - this.trainStart, epochLogs: this.epochLogs, verdict, modes: modelMetricModes(this.model) });
    if (this.inNotebook && this.display !== undefined) {
      const lines = [...this.epochLines.slice(-5), this.summary];
      const value = Math.min(1, this.epochLogs.length / Math.max(1, this.plannedEpochs));
      const bar = `<progress value="${value.toFixed(4)}" max="1" style="width:300px"></progress> ${(value * 100).toFixed(0)}%`;
      const html = `<div class="trainlab-progress" style="font-family:monospace;font-size:12px">${bar}${lines.map((l, i) => `<div${i === lines.length - 1 ? ' style="font-weight:bold"' : ''}>${escapeHtml(l)}</div>`).join('')}</div>`;
      const bundle = { 'text/plain': [...this.epochLines, this.summary].join('\n'), 'text/html': html };
      if (this.handle === undefined) this.handle = this.display.show(bundle);
      else this.handle.update(bundle);
      return;
    }
    this.stream.write((this.lastLine === '' || this.lastLine.endsWith('\n') ? '' : '\n') + this.summary + '\n');
    this.lastLine = this.summary + '\n';
  }

  private state(batch: number, metrics: NumericLogs, done: boolean, t: number): ProgressState {
    const epochElapsed = t - this.epochStart;
    const remainingEpochs = this.epochs - this.epoch - 1;
    let etaMs: number | undefined;
    if (done) {
      const mean = this.completedEpochMs.reduce((a, b) => a + b, 0) / Math.max(1, this.completedEpochMs.length);
      etaMs = remainingEpochs * mean;
    } else if (this.steps !== undefined && batch > 0) {
      const perBatch = epochElapsed / batch;
      etaMs = (this.steps - batch) * perBatch + remainingEpochs * this.steps * perBatch;
    }
    return { epoch: this.epoch, epochs: this.epochs, batch, steps: this.steps, elapsedMs: t - this.trainStart, etaMs, metrics, done };
  }

  private draw(state: ProgressState): void {
    this.draws += 1;
    const line = renderLine(state, this.width);
    if (this.inNotebook && this.display !== undefined) {
      const bundle = { 'text/plain': [...this.epochLines.slice(0, state.done ? -1 : undefined), line].join('\n'), 'text/html': renderHtml(state, this.epochLines, state.done) };
      if (this.handle === undefined) this.handle = this.display.show(bundle);
      else this.handle.update(bundle);
      return;
    }
    const pad = this.lastLine.length > line.length && !this.lastLine.endsWith('\n') ? ' '.repeat(this.lastLine.length - line.length) : '';
    const text = (state.done ? line + pad + '\n' : line + pad);
    this.stream.write((this.lastLine.endsWith('\n') || this.lastLine === '' ? '' : '\r') + text);
    this.lastLine = text;
  }
}

/** `1.2s`, `3m 04s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** What {@link summaryLine} summarises. */
export interface SummaryInput {
  /** Epochs that finished. */
  epochs: number;
  /** Epochs asked for (in this call: a continued fit counts from its `initialEpoch`). */
  plannedEpochs: number;
  /** The epoch index (0-based) the fit began at: tfjs's `initialEpoch`. Defaults to 0. */
  initialEpoch?: number;
  elapsedMs: number;
  /** Logs of each finished epoch. */
  epochLogs: readonly NumericLogs[];
  /** How training ended, first on the line: `'Done'`, `'Stopped early (...)'`, `'Stopped in epoch 2/5 by an error: ...'`. */
  verdict: string;
  /** Directions custom metrics declare (`{f1: 'max'}`, see `metricModes`). Defaults to none. */
  modes?: Readonly<Record<string, 'min' | 'max'>>;
}

/**
 * The one line a finished progress output ends with, e.g.
 * `Done: 5/5 epochs in 12.3s · final loss 0.1234, val_loss 0.2345 · best loss 0.1234 (epoch 5), val_loss 0.2100 (epoch 4)`.
 * Best values are given for metrics whose direction is known (loss-like: lowest, accuracy-like: highest).
 */
export function summaryLine(input: SummaryInput): string {
  const first = input.initialEpoch ?? 0;
  // A continued fit also says which epochs it ran, counted from 1 as the epoch lines are.
  const span = first > 0 && input.epochs > 0 ? ` (epochs ${first + 1}–${first + input.epochs})` : '';
  const parts = [`${input.verdict}: ${input.epochs}/${input.plannedEpochs} epoch${input.plannedEpochs === 1 ? '' : 's'}${span} in ${formatDuration(input.elapsedMs)}`];
  const last = input.epochLogs[input.epochLogs.length - 1];
  if (last !== undefined) {
    const keys = Object.keys(last).filter((k) => k !== 'lr' && k !== 'batch' && k !== 'size');
    if (keys.length > 0) parts.push(`final ${keys.map((k) => `${k} ${formatMetric(last[k])}`).join(', ')}`);
    const best: string[] = [];
    for (const k of keys) {
      const mode = metricDirection(k, input.modes);
      if (mode === undefined || input.epochLogs.length < 2) continue;
      let at = -1;
      input.epochLogs.forEach((logs, i) => {
        const v = logs[k];
        if (typeof v !== 'number' || !Number.isFinite(v)) return;
        if (at < 0 || (mode === 'min' ? v < input.epochLogs[at][k] : v > input.epochLogs[at][k])) at = i;
      });
      if (at >= 0) best.push(`${k} ${formatMetric(input.epochLogs[at][k])} (epoch ${first + at + 1})`);
    }
    if (best.length > 0) parts.push(`best ${best.join(', ')}`);
  }
  return parts.join(' · ');
}

function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const a = Math.abs(value);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? value.toExponential(3) : value.toFixed(4);
}

/** The terminal line for a state, e.g. `Epoch 2/5 [=====>....] 10/20 1.2s ETA 3.4s loss 0.1234`. */
export function renderLine(state: ProgressState, width = 30): string {
  const parts = [`Epoch ${state.epoch + 1}/${state.epochs}`];
  if (state.steps !== undefined && state.steps > 0) {
    const frac = Math.min(1, state.batch / state.steps);
    const filled = Math.round(frac * width);
    const bar = filled >= width ? '='.repeat(width) : '='.repeat(filled) + '>' + '.'.repeat(width - filled - 1);
    parts.push(`[${bar}]`, `${state.batch}/${state.steps}`);
  } else {
    parts.push(`batch ${state.batch}`);
  }
  parts.push(formatDuration(state.elapsedMs));
  if (state.etaMs !== undefined && !(state.done && state.epoch + 1 >= state.epochs)) parts.push(`ETA ${formatDuration(state.etaMs)}`);
  for (const [key, value] of Object.entries(state.metrics)) parts.push(`${key} ${formatMetric(value)}`);
  return parts.join(' ');
}

function renderHtml(state: ProgressState, epochLines: readonly string[], done: boolean): string {
  const value = state.steps !== undefined && state.steps > 0 ? Math.min(1, (state.epoch + Math.min(1, state.batch / state.steps)) / state.epochs) : (state.epoch + (done ? 1 : 0)) / state.epochs;
  const finished = done ? epochLines : [...epochLines, renderLine(state)];
  const recent = finished.slice(-5).map((l) => `<div>${escapeHtml(l)}</div>`).join('');
  return (
    `<div class="trainlab-progress" style="font-family:monospace;font-size:12px">` +
    `<progress value="${value.toFixed(4)}" max="1" style="width:300px"></progress> ${(value * 100).toFixed(0)}%` +
    recent +
    `</div>`
  );
}

/** Epoch/batch progress with ETA and metrics, throttled to a few redraws per second. */
export function progressBar(options: ProgressBarOptions = {}): ProgressBar {
  return new ProgressBar(options);
}
