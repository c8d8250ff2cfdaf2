import * as tf from '@tensorflow/tfjs';

/**
 * The one rule for a callback's error inside tfjs's fit loop. Thrown there, it aborts the loop
 * half-way: tfjs then never disposes its own running totals (BaseLogger), the epoch's shuffled
 * index tensor or the logs of the batch, and no callback can reach them. So the first error a
 * hook throws after training began is kept, the model is told to stop at the end of this
 * batch, every later hook behind the same latch is skipped (as if the fit had ended there),
 * and tfjs finishes its loop and frees what it made; the kept error is thrown after the fit.
 *
 * Two users: `train` puts every callback of its fit behind one latch ({@link ErrorLatch.wrap})
 * and throws the kept error when `model.fit` returns; in a plain `model.fit`, each of
 * trainlab's own callbacks keeps its hooks' errors in a latch of its own and throws from its
 * `onTrainEnd` (GuardedCallback, fitGuard.ts). Errors in `onTrainBegin` and `onEpochBegin`
 * propagate at once: tfjs holds no tensors of its own at those points. An error in
 * `onBatchBegin` lets that one batch train before the loop stops (tfjs checks for a stop only
 * after a batch).
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

  /** The kept error (if a hook threw), and the latch open again for the next fit. */
  take(): { error: unknown } | undefined {
    const caught = this.caught;
    this.caught = undefined;
    return caught;
  }
}

type Hook = 'onTrainBegin' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd' | 'onTrainEnd';
const HOOKS: readonly Hook[] = ['onTrainBegin', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onTrainEnd'];
const DONE: Promise<void> = Promise.resolve();

/** The hooks `callback` really has: overridden on its class or instance, not tf.Callback's no-ops. */
function ownHooks(callback: InstanceType<typeof tf.Callback>): ReadonlySet<Hook> {
  const base = tf.Callback.prototype as unknown as Record<Hook, unknown>;
  return new Set(HOOKS.filter((h) => (callback as unknown as Record<Hook, unknown>)[h] !== base[h]));
}

/**
 * Forwards to `inner`, through the latch. Hooks `inner` does not define are not called at
 * all, and no hook adds an async frame of its own: a fit runs a few of these per batch for
 * each callback, and on small models the per-batch cost shows.
 */
class Latched extends tf.Callback {
  private readonly hooks: ReadonlySet<Hook>;

  constructor(private readonly inner: InstanceType<typeof tf.Callback>, private readonly latch: ErrorLatch) {
    super();
    this.hooks = ownHooks(inner);
  }

  override setParams(params: tf.CustomCallbackArgs | Record<string, unknown>): void {
    super.setParams(params as never);
    this.inner.setParams(params as never);
  }

  override setModel(model: tf.LayersModel): void {
    super.setModel(model);
    this.inner.setModel(model);
  }

  // Errors at these two propagate at once (see ErrorLatch).
  override onTrainBegin(logs?: tf.Logs): Promise<void> {
    return this.latch.tripped || !this.hooks.has('onTrainBegin') ? DONE : this.inner.onTrainBegin(logs);
  }

  override onEpochBegin(epoch: number, logs?: tf.Logs): Promise<void> {
    return this.latch.tripped || !this.hooks.has('onEpochBegin') ? DONE : this.inner.onEpochBegin(epoch, logs);
  }

  override onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    return this.guarded('onEpochEnd', () => this.inner.onEpochEnd(epoch, logs));
  }

  override onBatchBegin(batch: number, logs?: tf.Logs): Promise<void> {
    return this.guarded('onBatchBegin', () => this.inner.onBatchBegin(batch, logs));
  }

  override onBatchEnd(batch: number, logs?: tf.Logs): Promise<void> {
    return this.guarded('onBatchEnd', () => this.inner.onBatchEnd(batch, logs));
  }

  override onTrainEnd(logs?: tf.Logs): Promise<void> {
    return this.guarded('onTrainEnd', () => this.inner.onTrainEnd(logs));
  }

  private guarded(hook: Hook, run: () => Promise<void> | void): Promise<void> {
    if (this.latch.tripped || !this.hooks.has(hook)) return DONE;
    const trip = (error: unknown): void => this.latch.trip(error, this.model);
    let result: Promise<void> | void;
    try {
      result = run();
    } catch (error) {
      trip(error);
      return DONE;
    }
    if (result instanceof Promise) return result.then(undefined, trip);
    // Another thenable (a hook need not be a native async function): adopt it.
    return result != null && typeof (result as PromiseLike<void>).then === 'function' ? Promise.resolve(result).then(undefined, trip) : DONE;
  }
}
