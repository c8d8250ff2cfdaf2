import * as tf from '@tensorflow/tfjs';
import { GuardedCallback } from './fitGuard';
import { readLogValue, type UnresolvedLogs } from './logs';
import { checkCallbackOptions } from './options';

/** Options of {@link terminateOnNaN}. */
export interface TerminateOnNaNOptions {
  /** Print a line when stopping. Defaults to `true`. */
  verbose?: boolean;
}

/**
 * Stops training at the end of the first batch whose loss is NaN or infinite (Keras
 * `TerminateOnNaN`). `terminatedAt` records where.
 */
export class TerminateOnNaN extends GuardedCallback {
  /** Epoch and batch of the non-finite loss, undefined while training is healthy. */
  terminatedAt: { epoch: number; batch: number; loss: number } | undefined;
  private epoch = 0;
  private readonly verbose: boolean;

  constructor(options: TerminateOnNaNOptions = {}) {
    super();
    checkCallbackOptions('terminateOnNaN', options);
    this.verbose = options.verbose ?? true;
  }

  override async onTrainBegin(): Promise<void> {
    this.terminatedAt = undefined;
    this.epoch = 0;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number, logs?: UnresolvedLogs): Promise<void> {
    if (logs === undefined || logs['loss'] === undefined) return;
    const loss = await readLogValue(logs['loss']);
    if (Number.isFinite(loss)) return;
    this.terminatedAt = { epoch: this.epoch, batch, loss };
    if (this.verbose) console.log(`terminateOnNaN: batch ${batch} of epoch ${this.epoch + 1}: invalid loss ${loss}, terminating training.`);
    this.model.stopTraining = true;
  }
}

/** Stops training as soon as a batch loss is NaN or infinite. */
export function terminateOnNaN(options: TerminateOnNaNOptions = {}): TerminateOnNaN {
  return new TerminateOnNaN(options);
}
