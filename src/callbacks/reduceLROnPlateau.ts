import type * as tf from '@tensorflow/tfjs';
import { getLearningRate, setLearningRate } from '../optimizers';
import { CallbackError } from './errors';
import { readLogs, type UnresolvedLogs } from './logs';
import { claimLearningRate, optimizerOf, ownerName, releaseLearningRate } from './lrControl';
import { checkNonNegative, describe, MonitorCallback, type MonitorOptions } from './monitor';
import { checkCallbackOptions } from './options';

/** Options of {@link reduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions extends MonitorOptions {
  /** Multiplier applied to the learning rate on a plateau, in (0, 1). Defaults to `0.1`. */
  factor?: number;
  /** Epochs without improvement before reducing. Defaults to `10`. */
  patience?: number;
  /** Epochs to wait after a reduction before counting again. Defaults to `0`. */
  cooldown?: number;
  /** The learning rate never goes below this (>= 0). Defaults to `0`. */
  minLR?: number;
  /** 1 prints a line on each reduction. Defaults to `0`. */
  verbose?: 0 | 1;
}

/**
 * Multiplies the learning rate by `factor` when the monitored metric has not improved for
 * `patience` epochs (Keras 3 `ReduceLROnPlateau`, same decisions on any sequence of logs;
 * `minDelta` defaults to 1e-4 as there). Writes the epoch's learning rate into the logs as
 * `lr`. Claims the optimizer: using it together with another schedule is an error.
 */
export class ReduceLROnPlateau extends MonitorCallback {
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLR: number;
  readonly verbose: 0 | 1;
  wait = 0;
  cooldownCounter = 0;
  best: number | undefined;
  /** `[epoch, newLR]` for each reduction of the last run. */
  readonly reductions: Array<[number, number]> = [];
  private readonly owner = ownerName('reduceLROnPlateau');
  private claimed: tf.Optimizer | undefined;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    super('reduceLROnPlateau', checkCallbackOptions('reduceLROnPlateau', options), 1e-4);
    const factor = options.factor ?? 0.1;
    if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0 || factor >= 1) {
      throw new CallbackError(
        `reduceLROnPlateau: factor must be a number in (0, 1) (new lr = lr * factor), received ${describe(factor)}. Pass e.g. factor: 0.5.`,
      );
    }
    this.factor = factor;
    this.patience = checkNonNegative('reduceLROnPlateau', 'patience', options.patience ?? 10, true);
    this.cooldown = checkNonNegative('reduceLROnPlateau', 'cooldown', options.cooldown ?? 0, true);
    this.minLR = checkNonNegative('reduceLROnPlateau', 'minLR', options.minLR ?? 0);
    this.verbose = options.verbose ?? 0;
  }

  override async onTrainBegin(): Promise<void> {
    const optimizer = optimizerOf('reduceLROnPlateau', this.model);
    claimLearningRate('reduceLROnPlateau', optimizer, this.owner);
    this.claimed = optimizer;
    this.best = undefined;
    this.wait = 0;
    this.cooldownCounter = 0;
    this.reductions.length = 0;
    this.resetWarnings();
  }

  override async onEpochEnd(epoch: number, logs?: UnresolvedLogs): Promise<void> {
    const optimizer = optimizerOf('reduceLROnPlateau', this.model);
    const lr = getLearningRate(optimizer);
    if (logs !== undefined) logs['lr'] = lr;
    const values = await readLogs(logs);
    const current = this.monitorValue(values);
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait += 1;
    if (this.wait < this.patience) return;
    // Keras compares against float32(min_lr): its learning rate lives in a float32 variable.
    if (!(Math.fround(lr) > Math.fround(this.minLR))) return;
    const newLR = Math.max(lr * this.factor, this.minLR);
    setLearningRate(optimizer, newLR);
    this.reductions.push([epoch, newLR]);
    if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: reduceLROnPlateau reducing learning rate to ${newLR}.`);
    this.cooldownCounter = this.cooldown;
    this.wait = 0;
  }

  override async onTrainEnd(): Promise<void> {
    this.release();
  }

  /** Gives up the claim on the optimizer (train() calls it even when training throws). */
  release(): void {
    releaseLearningRate(this.claimed, this.owner);
    this.claimed = undefined;
  }
}

/** Reduces the learning rate when the monitored metric plateaus (Keras `ReduceLROnPlateau`). */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(options);
}
