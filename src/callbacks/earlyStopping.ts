import * as tf from '@tensorflow/tfjs';
import { CallbackError } from './errors';
import { readLogs, type UnresolvedLogs } from './logs';
import { checkNonNegative, describe, MonitorCallback, type MonitorOptions } from './monitor';
import { checkCallbackOptions } from './options';

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions extends MonitorOptions {
  /** Epochs without improvement after which training stops. Defaults to `0` (stop at the first epoch that does not improve). */
  patience?: number;
  /**
   * Value the monitored metric must beat. The patience counter is only reset by epochs
   * that improve on both the best so far and the baseline. Defaults to none.
   */
  baseline?: number;
  /**
   * Restore the weights of the best epoch when training ends, whether or not it stopped
   * early (Keras 3 behaviour). Defaults to `false`.
   */
  restoreBestWeights?: boolean;
  /** Epochs to ignore at the start (warm-up) before watching for improvement. Defaults to `0`. */
  startFromEpoch?: number;
  /** 1 prints a line when stopping and when restoring weights. Defaults to `0`. */
  verbose?: 0 | 1;
}

/**
 * Stops training when the monitored metric stops improving. Makes the same decision as
 * Keras 3's `EarlyStopping` on any sequence of epoch logs (except that a NaN value is never
 * taken as the best, where Keras would take a NaN first value as best).
 */
export class EarlyStopping extends MonitorCallback {
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: 0 | 1;
  /** Epochs since the last improvement (Keras `wait`). */
  wait = 0;
  /** Epoch at which training was stopped, or 0 when it was not (as in Keras). */
  stoppedEpoch = 0;
  /** Epoch of the best value seen (0 before any). */
  bestEpoch = 0;
  /** Best monitored value seen, undefined before the first one. */
  best: number | undefined = undefined;
  private bestWeights: tf.Tensor[] | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    super('earlyStopping', checkCallbackOptions('earlyStopping', options));
    this.patience = checkNonNegative('earlyStopping', 'patience', options.patience ?? 0, true);
    this.startFromEpoch = checkNonNegative('earlyStopping', 'startFromEpoch', options.startFromEpoch ?? 0, true);
    if (options.baseline !== undefined && !Number.isFinite(options.baseline)) {
      throw new CallbackError(
        `earlyStopping: baseline must be a finite number, received ${describe(options.baseline)}. Leave it out or pass e.g. baseline: 0.5.`,
      );
    }
    this.baseline = options.baseline;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.verbose = options.verbose ?? 0;
  }

  override async onTrainBegin(): Promise<void> {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = undefined;
    this.bestEpoch = 0;
    this.disposeBestWeights();
    this.resetWarnings();
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const current = this.monitorValue(await readLogs(logs));
    if (current === undefined || epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === undefined) {
      this.saveBestWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.saveBestWeights();
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== undefined) {
      if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model.setWeights(this.bestWeights);
    }
    this.disposeBestWeights();
  }

  /** Frees the saved best weights without restoring them (train() calls it when a fit throws). */
  release(): void {
    this.disposeBestWeights();
  }

  private saveBestWeights(): void {
    this.disposeBestWeights();
    // getWeights() returns the live variables; later updates would overwrite them.
    this.bestWeights = tf.tidy(() => this.model.getWeights().map((w) => w.clone()));
  }

  private disposeBestWeights(): void {
    if (this.bestWeights !== undefined) tf.dispose(this.bestWeights);
    this.bestWeights = undefined;
  }
}

/** Stops training when the monitored metric stops improving (Keras `EarlyStopping`). */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}
