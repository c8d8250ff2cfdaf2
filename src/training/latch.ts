import * as tf from '@tensorflow/tfjs';

/**
 * A callback that throws inside tfjs's fit loop aborts it half-way: tfjs then never disposes
 * its own running totals (BaseLogger), the epoch's shuffled index tensor or the logs of the
 * batch, and no callback can reach them. So `train` runs every callback behind a latch: the
 * first error a hook throws after training began is kept, the model is told to stop at the
 * end of this batch, every later hook of every latched callback is skipped (as if the fit had
 * ended there), and tfjs finishes its loop and frees what it made. `train` then throws the
 * kept error. Errors in `onTrainBegin` and `onEpochBegin` propagate at once: tfjs holds no
 * tensors of its own at those points. An error in `onBatchBegin` lets that one batch train
 * before the loop stops (tfjs checks for a stop only after a batch).
 */
export class ErrorLatch {
  private caught: { error: unknown } | undefined;

  /** True once a hook has thrown; every latched hook is skipped from then on. */
  get tripped(): boolean {
    return this.caught !== undefined;
  }

  /** Wraps `callback` so its errors go through this latch. */
  wrap(callback: InstanceType<typeof tf.Callback>): InstanceType<typeof tf.Callback> {
    return new Latched(callback, this);
  }

  trip(error: unknown, model: tf.LayersModel | undefined): void {
    if (this.caught !== undefined) return;
    this.caught = { error };
    if (model != null) model.stopTraining = true;
  }

  /** Throws the kept error, if a hook threw. */
  rethrow(): void {
    if (this.caught !== undefined) throw this.caught.error;
  }
}

class Latched extends tf.Callback {
  constructor(private readonly inner: InstanceType<typeof tf.Callback>, private readonly latch: ErrorLatch) {
    super();
  }

  override setParams(params: tf.CustomCallbackArgs | Record<string, unknown>): void {
    super.setParams(params as never);
    this.inner.setParams(params as never);
  }

  override setModel(model: tf.LayersModel): void {
    super.setModel(model);
    this.inner.setModel(model);
  }

  override async onTrainBegin(logs?: tf.Logs): Promise<void> {
    if (!this.latch.tripped) await this.inner.onTrainBegin(logs);
  }

  override async onEpochBegin(epoch: number, logs?: tf.Logs): Promise<void> {
    if (!this.latch.tripped) await this.inner.onEpochBegin(epoch, logs);
  }

  override async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    await this.guarded(() => this.inner.onEpochEnd(epoch, logs));
  }

  override async onBatchBegin(batch: number, logs?: tf.Logs): Promise<void> {
    await this.guarded(() => this.inner.onBatchBegin(batch, logs));
  }

  override async onBatchEnd(batch: number, logs?: tf.Logs): Promise<void> {
    await this.guarded(() => this.inner.onBatchEnd(batch, logs));
  }

  override async onTrainEnd(logs?: tf.Logs): Promise<void> {
    await this.guarded(() => this.inner.onTrainEnd(logs));
  }

  private async guarded(run: () => Promise<void>): Promise<void> {
    if (this.latch.tripped) return;
    try {
      await run();
    } catch (error) {
      this.latch.trip(error, this.model);
    }
  }
}
