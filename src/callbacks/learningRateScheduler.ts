import * as tf from '@tensorflow/tfjs';
import { getLearningRate, setLearningRate } from '../optimizers';
import { scheduleFromSpec, type Schedule, type ScheduleSpec } from '../schedules';
import { CallbackError } from './errors';
import { GuardedCallback } from './fitGuard';
import type { UnresolvedLogs } from './logs';
import { claimLearningRate, optimizerOf, ownerName, releaseLearningRate } from './lrControl';
import { describe } from './monitor';
import { checkCallbackOptions } from './options';

/** Options of {@link learningRateScheduler}. */
export interface LearningRateSchedulerOptions {
  /**
   * What the schedule's step counts: `'epoch'` (step = epoch index, set before each epoch,
   * as Keras's `LearningRateScheduler`) or `'batch'` (step = updates done since training
   * began, set before each batch). Defaults to `'epoch'`.
   */
  per?: 'epoch' | 'batch';
  /** 1 prints the learning rate at each epoch start. Defaults to `0`. */
  verbose?: 0 | 1;
  /** Step (batch) count the schedule starts from with `per: 'batch'`, for training that continues an earlier run. Defaults to 0. */
  initialStep?: number;
}

/**
 * Sets the optimizer's learning rate from `schedule(step)` before every epoch or batch and
 * writes it into the epoch logs as `lr`. Claims the optimizer: an optimizer already driven
 * by another scheduler or by reduceLROnPlateau is an error.
 */
export class LearningRateScheduler extends GuardedCallback {
  readonly schedule: Schedule;
  readonly per: 'epoch' | 'batch';
  readonly verbose: 0 | 1;
  /** Updates done since training began (the step used when `per: 'batch'`). */
  step = 0;
  readonly initialStep: number;
  private readonly owner = ownerName('learningRateScheduler');
  private claimed: tf.Optimizer | undefined;

  constructor(schedule: Schedule | ScheduleSpec, options: LearningRateSchedulerOptions = {}) {
    super();
    checkCallbackOptions('learningRateScheduler', options);
    // A JSON spec ({name, ..., per}) as in a config's lrSchedule; its `per` applies unless options say otherwise.
    const specPer = isSpec(schedule) ? (schedule as { per?: unknown }).per : undefined;
    if (isSpec(schedule)) schedule = scheduleFromSpec(schedule);
    if (typeof schedule !== 'function') {
      throw new CallbackError(
        `learningRateScheduler: schedule must be a function (step) => lr, received ${describe(schedule)}. Pass e.g. schedules.cosineDecay({...}) or (step) => 0.01 * 0.9 ** step.`,
      );
    }
    const per = options.per ?? specPer ?? 'epoch';
    if (per !== 'epoch' && per !== 'batch') {
      throw new CallbackError(`learningRateScheduler: per ${describe(per)} is not one of 'epoch' | 'batch'. Pass per: 'epoch' or per: 'batch'.`);
    }
    this.schedule = schedule;
    this.per = per;
    this.verbose = options.verbose ?? 0;
    const initialStep = options.initialStep ?? 0;
    if (!(Number.isInteger(initialStep) && initialStep >= 0)) {
      throw new CallbackError(`learningRateScheduler: initialStep must be a whole number >= 0, received ${describe(initialStep)}. Pass initialStep: 0 or the batches already run.`);
    }
    this.initialStep = initialStep;
  }

  override async onTrainBegin(): Promise<void> {
    const optimizer = optimizerOf('learningRateScheduler', this.model);
    claimLearningRate('learningRateScheduler', optimizer, this.owner);
    this.claimed = optimizer;
    this.step = this.initialStep;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    if (this.per !== 'epoch') return;
    const lr = this.apply(epoch);
    if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: learningRateScheduler setting learning rate to ${lr}.`);
  }

  override async onBatchBegin(): Promise<void> {
    if (this.per === 'batch') this.apply(this.step);
  }

  override async onBatchEnd(): Promise<void> {
    this.step += 1;
  }

  override async onEpochEnd(_epoch: number, logs?: UnresolvedLogs): Promise<void> {
    if (logs !== undefined) logs['lr'] = getLearningRate(optimizerOf('learningRateScheduler', this.model));
  }

  override async onTrainEnd(): Promise<void> {
    this.release();
  }

  /** Gives up the claim on the optimizer (train() calls it even when training throws). */
  release(): void {
    releaseLearningRate(this.claimed, this.owner);
    this.claimed = undefined;
  }

  private apply(step: number): number {
    const lr = this.schedule(step);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new CallbackError(`learningRateScheduler: the schedule returned ${describe(lr)} at step ${step}; a learning rate must be a finite number >= 0. Check the schedule's options.`);
    }
    setLearningRate(optimizerOf('learningRateScheduler', this.model), lr);
    return lr;
  }
}

function isSpec(value: unknown): value is ScheduleSpec {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { name?: unknown }).name === 'string';
}

/** Drives the learning rate from a schedule `(step) => lr` (or a JSON schedule spec), per epoch or per batch. */
export function learningRateScheduler(schedule: Schedule | ScheduleSpec, options: LearningRateSchedulerOptions = {}): LearningRateScheduler {
  return new LearningRateScheduler(schedule, options);
}
