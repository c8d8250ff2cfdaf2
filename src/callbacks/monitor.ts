import * as tf from '@tensorflow/tfjs';
import { metricDirection, metricModes, type MetricMode } from '../config/direction';
import { didYouMean } from '../util/names';
import { showValue } from '../util/errors';
import { CallbackError } from './errors';
import { GuardedCallback } from './fitGuard';
import type { NumericLogs } from './logs';

/** How a monitored quantity improves: `'min'` lower is better, `'max'` higher is better, `'auto'` infer from its name. */
export type MonitorMode = 'auto' | 'min' | 'max';

export const MONITOR_MODES: readonly MonitorMode[] = ['auto', 'min', 'max'];

/** Options shared by every callback that watches one metric. */
export interface MonitorOptions {
  /** Log key to watch, as it appears in the epoch logs (`loss`, `val_loss`, `acc`, `val_acc`, ...). Defaults to `'val_loss'`. */
  monitor?: string;
  /**
   * `'min'`, `'max'`, or `'auto'` (losses and errors are minimized, accuracies, precision,
   * recall, AUC maximized; a custom metric as its `mode` on the model says, read at
   * `onTrainBegin`). Defaults to `'auto'`.
   */
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement (absolute, >= 0). Defaults to `0` (reduceLROnPlateau: `1e-4`). */
  minDelta?: number;
}

/**
 * The direction a metric improves in (see `metricDirection`, the one table callbacks,
 * charts and sweep share; `modes` are custom metrics' own, see `metricModes`);
 * `undefined` when nothing says.
 */
export function inferDirection(monitor: string, modes: Readonly<Record<string, MetricMode>> = {}): MetricMode | undefined {
  return metricDirection(monitor, modes);
}

/** The directions the custom metrics a model was compiled with declare (`{f1: 'max'}`). */
export function modelMetricModes(model: unknown): Record<string, MetricMode> {
  // A Sequential model keeps its compile arguments on its inner model.
  const m = model as { metrics?: unknown; model?: { metrics?: unknown } } | undefined;
  return metricModes([m?.metrics, m?.model?.metrics]);
}

function checkMode(component: string, monitor: string, mode: unknown): void {
  if (mode === 'min' || mode === 'max' || mode === 'auto') return;
  const hint = typeof mode === 'string' ? didYouMean(mode, MONITOR_MODES) : undefined;
  throw new CallbackError(
    `${component}: mode ${JSON.stringify(mode)} is not one of 'auto' | 'min' | 'max'.` +
      (hint !== undefined ? ` Did you mean '${hint}'?` : '') +
      ` Pass mode: 'min' when lower ${monitor} is better or mode: 'max' when higher is better.`,
  );
}

/** The sentence for a monitor whose direction nothing states. */
export function cannotTell(component: string, monitor: string): string {
  return (
    `${component}: mode 'auto' cannot tell whether '${monitor}' should be minimized or maximized. ` +
    `Pass mode: 'max' to treat the highest value as best, or mode: 'min' for the lowest (or give the custom metric a mode: {name, fn, mode: 'max'}).`
  );
}

export function checkMonitor(component: string, monitor: unknown): string {
  if (typeof monitor !== 'string' || monitor.length === 0) {
    throw new CallbackError(
      `${component}: monitor must be a non-empty log key such as 'val_loss' or 'acc', received ${describe(monitor)}.`,
    );
  }
  return monitor;
}

export function checkNonNegative(component: string, field: string, value: unknown, integer = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= 0 && (!integer || Number.isInteger(value));
  if (!ok) {
    throw new CallbackError(
      `${component}: ${field} must be a ${integer ? 'whole number' : 'finite number'} >= 0, received ${describe(value)}.` +
        ` Pass ${field}: 0 or a larger value.`,
    );
  }
  return value as number;
}

/** A received value for a message; tensors as `Tensor [40, 2] float32`. */
export const describe = showValue;

/**
 * Base for callbacks that watch one metric (earlyStopping, reduceLROnPlateau,
 * modelCheckpoint) so they agree on what "improved" means, as Keras's MonitorCallback does.
 */
export abstract class MonitorCallback extends GuardedCallback {
  readonly monitor: string;
  readonly mode: MonitorMode;
  private resolved: MetricMode | undefined;
  /** Always >= 0; applied in the direction of improvement. */
  readonly minDelta: number;
  /** Name used in warnings and errors. */
  protected readonly component: string;
  private warnedMissing = false;

  protected constructor(component: string, options: MonitorOptions, defaultMinDelta = 0) {
    super();
    this.component = component;
    this.monitor = checkMonitor(component, options.monitor ?? 'val_loss');
    this.mode = (options.mode ?? 'auto') as MonitorMode;
    checkMode(component, this.monitor, this.mode);
    // A custom metric's name says nothing: its direction comes from the model it watches (Keras 3 does the same).
    this.resolved = this.mode === 'auto' ? inferDirection(this.monitor) : this.mode;
    this.minDelta = checkNonNegative(component, 'minDelta', options.minDelta ?? defaultMinDelta);
    const onTrainBegin = this.onTrainBegin;
    this.onTrainBegin = async (logs) => {
      const problem = this.directionFrom(modelMetricModes(this.model));
      if (problem !== undefined) throw new CallbackError(problem);
      await onTrainBegin.call(this, logs);
    };
  }

  /**
   * The direction the monitored value improves in: the `mode` given, else from its name,
   * else from the custom metric's own `mode` on the model (known from `onTrainBegin`, or
   * after {@link directionFrom}). Throws when nothing says.
   */
  get direction(): MetricMode {
    if (this.resolved === undefined) throw new CallbackError(cannotTell(this.component, this.monitor));
    return this.resolved;
  }

  /**
   * Decides `'auto'` for a monitor its name says nothing about from custom metrics'
   * directions (`{f1: 'max'}`, see `metricModes`). Returns the problem when still unknown
   * (train reports it before fitting), else undefined.
   */
  directionFrom(modes: Readonly<Record<string, MetricMode>>): string | undefined {
    this.resolved ??= inferDirection(this.monitor, modes);
    return this.resolved === undefined ? cannotTell(this.component, this.monitor) : undefined;
  }

  /**
   * True when `current` beats `reference` by more than minDelta (Keras: `current - minDelta < best`
   * for min); an undefined reference (nothing seen yet) is always beaten; NaN never improves.
   */
  isImprovement(current: number, reference: number | undefined): boolean {
    if (reference === undefined) return !Number.isNaN(current);
    return this.direction === 'min' ? current + this.minDelta < reference : current - this.minDelta > reference;
  }

  /** The monitored value from `logs`, or undefined after warning (once per run) which keys exist. */
  protected monitorValue(logs: NumericLogs): number | undefined {
    const value = logs[this.monitor];
    if (value !== undefined) return value;
    // An epoch cut short (stop button, NaN guard) has no validation logs: nothing to warn about.
    if (!this.warnedMissing && !this.stopRequested()) {
      this.warnedMissing = true;
      const available = Object.keys(logs);
      console.warn(
        `${this.component}: the monitored metric '${this.monitor}' is not in the logs; available: ` +
          (available.length > 0 ? available.join(', ') : '(none)') +
          `. Pass monitor: one of those, or add validation data / the metric to compile().`,
      );
    }
    return undefined;
  }

  private stopRequested(): boolean {
    try {
      return this.model?.stopTraining === true;
    } catch {
      return false; // uncompiled Sequential models throw on stopTraining
    }
  }

  /** Re-arms the missing-metric warning; subclasses call it from onTrainBegin. */
  protected resetWarnings(): void {
    this.warnedMissing = false;
  }
}
