import * as tf from '@tensorflow/tfjs';
import { onInterrupt } from '../util/interrupt';
import { ErrorLatch } from './latch';

/**
 * The stop button in a plain `model.fit(x, y, {callbacks: [liveChart()]})`. tfjs lets the
 * event loop run between batches only when every callback is a plain object, so with a
 * `tf.Callback` in the list SIGINT would never be handled until the fit ends. While a fit
 * runs, the first trainlab callback in it guards it: lets the event loop run at most every
 * ~50 ms, registers with the stop button and, when pressed, stops at the next batch edge
 * and says so in one line. Other trainlab callbacks in the same fit leave it to that one;
 * in a fit that `train` runs, its own RunControl does all this and the guard stays out.
 */

const YIELD_EVERY_MS = 50;
/** How often to look for a guarded fit that ended without onTrainEnd (tfjs skips it when fit throws). */
const WATCH_EVERY_MS = 250;

interface Guard {
  /** tfjs's History of the fit: a new object per fit, so it tells this fit from a later one. */
  readonly history: unknown;
  /** The callback doing the work, or the claim of a loop that does it itself (train). */
  readonly owner: object;
  readonly active: boolean;
  stopRequested: boolean;
  lastYield: number;
  release(): void;
}

/** Per model a fit runs on (the callbacks' `this.model`: for a Sequential, its inner model). */
const guards = new WeakMap<tf.LayersModel, Guard>();

function modelOf(callback: tf.Callback): tf.LayersModel | undefined {
  return (callback as { model?: tf.LayersModel }).model ?? undefined;
}

/** True while tfjs runs fit/fitDataset on the model (false for hooks driven by hand, as in unit tests). */
function fitting(model: tf.LayersModel): boolean {
  return (model as unknown as { isTraining?: boolean }).isTraining === true;
}

/** True when `guard` is not the guard of the fit running now on `model` (that fit threw, or it was replaced). */
function outdated(model: tf.LayersModel, guard: Guard): boolean {
  return guards.get(model) !== guard || !fitting(model) || model.history !== guard.history;
}

/** The guard of the fit running now on `model`; drops one left by a fit that threw. */
function currentGuard(model: tf.LayersModel): Guard | undefined {
  const guard = guards.get(model);
  if (guard !== undefined && outdated(model, guard)) {
    guard.release();
    return undefined;
  }
  return guard;
}

function addGuard(model: tf.LayersModel, owner: object, active: boolean): void {
  let unregister = () => {};
  let watch: ReturnType<typeof setInterval> | undefined;
  const guard: Guard = {
    history: model.history,
    owner,
    active,
    stopRequested: false,
    lastYield: Date.now(),
    release() {
      unregister();
      if (watch !== undefined) clearInterval(watch);
      if (guards.get(model) === guard) guards.delete(model);
    },
  };
  guards.set(model, guard);
  if (!active) return;
  unregister = onInterrupt(() => {
    if (outdated(model, guard)) {
      guard.release();
      return false;
    }
    guard.stopRequested = true;
  });
  watch = setInterval(() => {
    if (outdated(model, guard)) guard.release();
  }, WATCH_EVERY_MS);
  watch.unref();
}

/** Ends the guard `owner` holds, if any. Safe to call more than once. */
function releaseFit(owner: tf.Callback): void {
  const model = modelOf(owner);
  const guard = model === undefined ? undefined : guards.get(model);
  if (guard?.owner === owner) guard.release();
}

function beginFit(callback: tf.Callback): void {
  const model = modelOf(callback);
  if (model === undefined || !fitting(model) || currentGuard(model) !== undefined) return;
  addGuard(model, callback, true);
}

async function batchEdge(callback: tf.Callback): Promise<void> {
  const model = modelOf(callback);
  const guard = model === undefined ? undefined : guards.get(model);
  if (model === undefined || guard?.owner !== callback || !guard.active) return;
  if (Date.now() - guard.lastYield >= YIELD_EVERY_MS) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    guard.lastYield = Date.now();
  }
  // Set after the yield, where the SIGINT was handled; fit() resets it after onTrainBegin.
  if (guard.stopRequested) model.stopTraining = true;
}

function endFit(callback: tf.Callback): void {
  const model = modelOf(callback);
  const guard = model === undefined ? undefined : guards.get(model);
  if (model === undefined || guard?.owner !== callback) return;
  guard.release();
  if (!guard.active || !guard.stopRequested) return;
  const epochs = (model.history as { epoch?: number[] } | undefined)?.epoch ?? [];
  const planned = callback.params?.['epochs'];
  const last = epochs.length > 0 ? epochs[epochs.length - 1] + 1 : undefined;
  const where = last === undefined ? 'before its first epoch ended' : `after epoch ${last}${typeof planned === 'number' ? ` of ${planned}` : ''}`;
  console.log(`model.fit: stopped by the stop button ${where} (the model keeps its weights)`);
}

/**
 * First in the callbacks of a fit whose loop yields and listens to the stop button itself
 * (train's RunControl): trainlab callbacks in that fit then do neither, and print nothing.
 * The loop calls `release()` when it ends, however it ends (tfjs skips onTrainEnd on errors).
 */
export class FitClaim extends tf.Callback {
  override async onTrainBegin(): Promise<void> {
    const model = modelOf(this);
    if (model === undefined || !fitting(model)) return;
    currentGuard(model)?.release();
    addGuard(model, this, false);
  }

  override async onTrainEnd(): Promise<void> {
    this.release();
  }

  release(): void {
    releaseFit(this);
  }
}

/** Turns the History's tensors into numbers (frees them), as tfjs does after onTrainEnd. */
async function syncHistory(callback: tf.Callback): Promise<void> {
  const history = modelOf(callback)?.history as { syncData?: () => Promise<void> } | undefined;
  await history?.syncData?.();
}

/** True when `train` runs this fit: its latch then handles a hook's error (see latch.ts). */
function inTrain(callback: tf.Callback): boolean {
  const model = modelOf(callback);
  const guard = model === undefined ? undefined : guards.get(model);
  return model !== undefined && guard !== undefined && guard.owner instanceof FitClaim && !outdated(model, guard);
}

/**
 * Base of trainlab's callbacks: takes part in the fit's guard around the hooks a subclass
 * defines, so subclasses override `onTrainBegin`, `onBatchEnd`, `onTrainEnd` and
 * `onTrainError` as usual, without calling `super`.
 *
 * In a plain `model.fit`, an error in the callback's `onBatchBegin`, `onBatchEnd` or
 * `onEpochEnd` goes into the callback's own {@link ErrorLatch} (the rule is in latch.ts): the
 * callback skips its later hooks and stops the fit at the end of that batch; in `onTrainEnd`
 * it syncs the History (freeing its tensors), calls `onTrainError` and throws the kept error,
 * so `model.fit` rejects with it.
 */
export abstract class GuardedCallback extends tf.Callback {
  constructor() {
    super();
    // The subclass's hooks are already on the prototype chain here; wrap this instance's.
    const { onTrainBegin, onBatchBegin, onBatchEnd, onEpochEnd, onTrainEnd, onTrainError } = this;
    const latch = new ErrorLatch();
    const keeping = <A extends unknown[]>(hook: (...args: A) => Promise<void>) => async (...args: A): Promise<void> => {
      if (latch.tripped) return;
      try {
        await hook.apply(this, args);
      } catch (error) {
        const model = modelOf(this);
        // Inside `train`, train's own latch (around this callback) keeps it.
        if (model === undefined || !fitting(model) || inTrain(this)) throw error;
        latch.trip(error, model);
      }
    };
    this.onTrainBegin = async (logs) => {
      latch.take();
      beginFit(this);
      await onTrainBegin.call(this, logs);
    };
    this.onBatchBegin = keeping(onBatchBegin);
    this.onEpochEnd = keeping(onEpochEnd);
    const batchEnd = keeping(onBatchEnd);
    this.onBatchEnd = async (batch, logs) => {
      await batchEnd(batch, logs);
      if (!latch.tripped) await batchEdge(this);
    };
    this.onTrainEnd = async (logs) => {
      try {
        const kept = latch.take();
        if (kept === undefined) {
          await onTrainEnd.call(this, logs).catch(async (error: unknown) => {
            await syncHistory(this);
            throw error;
          });
          return;
        }
        const { error } = kept;
        await syncHistory(this);
        await onTrainError.call(this, error);
        throw error;
      } finally {
        endFit(this);
      }
    };
    this.onTrainError = async (error) => {
      try {
        await onTrainError.call(this, error);
      } finally {
        releaseFit(this);
      }
    };
  }

  /**
   * tfjs skips `onTrainEnd` when a fit throws; trainlab's `train` calls this instead (after a
   * failed `model.fit`, call it yourself). Subclasses that draw something end it here.
   */
  async onTrainError(_error?: unknown): Promise<void> {}
}

/**
 * A callback with no hooks of its own, only the guard: the trainlab kernel registers it for
 * every `model.fit` (`tf.registerCallbackConstructor(0, StopButtonGuard)`), so ■ also stops
 * a fit that has none of trainlab's callbacks.
 */
export class StopButtonGuard extends GuardedCallback {}
