import * as tf from '@tensorflow/tfjs';
import { metricDirection } from '../config/direction';
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
  /** `'min'`, `'max'`, or `'auto'` (losses and errors are minimized, accuracies, precision, recall, AUC maximized). Defaults to `'auto'`. */
  mode?: MonitorMode;
  /** Smallest change that counts as an improvement (absolute, >= 0). Defaults to `0` (reduceLROnPlateau: `1e-4`). */
  minDelta?: number;
}

/**
 * The direction a metric improves in (see `metricDirection`, the one table callbacks,
 * charts and sweep share); `undefined` when the name says nothing.
 */
export function inferDirection(monitor: string): 'min' | 'max' | undefined {
  return metricDirection(monitor);
}

/** Validates `mode` and returns the direction it stands for, or throws naming the fix. */
export function resolveDirection(component: string, monitor: string, mode: unknown): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') {
    const hint = typeof mode === 'string' ? didYouMean(mode, MONITOR_MODES) : undefined;
    throw new CallbackError(
      `${component}: mode ${JSON.stringify(mode)} is not one of 'auto' | 'min' | 'max'.` +
        (hint !== undefined ? ` Did you mean '${hint}'?` : '') +
        ` Pass mode: 'min' when lower ${monitor} is better or mode: 'max' when higher is better.`,
    );
  }
  const direction = inferDirection(monitor);
  if (direction === undefined) {
    throw new CallbackError(
      `${component}: mode 'auto' cannot tell whether '${monitor}' should be minimized or maximized. ` +
        `Pass mode: 'max' to treat the highest value as best, or mode: 'min' for the lowest.`,
    );
  }
  return direction;
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
  /** The resolved direction (`'auto'` already decided). */
  readonly direction: 'min' | 'max';
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
    this.direction = resolveDirection(component, this.monitor, this.mode);
    this.minDelta = checkNonNegative(component, 'minDelta', options.minDelta ?? defaultMinDelta);
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
