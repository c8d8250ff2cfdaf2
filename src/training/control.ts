import * as tf from '@tensorflow/tfjs';

/** Why a run stopped before its last epoch, if it did. */
export type StopReason = 'interrupted' | 'superseded';

/**
 * Stops a fit at the next batch boundary when asked (SIGINT from Jupyter's stop button,
 * or a newer `train` on the same model), and lets the event loop run now and then so the
 * signal and notebook messages get through while tfjs trains on microtasks.
 */
export class RunControl extends tf.Callback {
  stopRequest: StopReason | undefined;
  private lastYield = 0;

  constructor(private readonly yieldEveryMs = 50) {
    super();
  }

  request(reason: StopReason): void {
    this.stopRequest ??= reason;
  }

  override async onTrainBegin(): Promise<void> {
    this.lastYield = Date.now();
    this.check();
  }

  override async onBatchEnd(): Promise<void> {
    if (Date.now() - this.lastYield >= this.yieldEveryMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.lastYield = Date.now();
    }
    this.check();
  }

  override async onEpochEnd(): Promise<void> {
    this.check();
  }

  private check(): void {
    if (this.stopRequest !== undefined) this.model.stopTraining = true;
  }
}

interface Running {
  control: RunControl;
  done: Promise<void>;
}

const running = new WeakMap<tf.LayersModel, Running>();

/** What to do when `train` is called on a model that is still training. */
export type OnBusy = 'stop' | 'wait';

/**
 * Registers a new run on `model` synchronously (so two calls in the same tick still queue)
 * and waits until any earlier run on it has finished, stopping it first with `'stop'`.
 * Returns the function that marks this run finished.
 */
export async function acquireModel(model: tf.LayersModel, control: RunControl, onBusy: OnBusy): Promise<() => void> {
  const previous = running.get(model);
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  running.set(model, { control, done });
  if (previous !== undefined) {
    if (onBusy === 'stop') previous.control.request('superseded');
    await previous.done;
  }
  return () => {
    if (running.get(model)?.done === done) running.delete(model);
    finish();
  };
}

/** True while a `train` call is running (or waiting) on this model. */
export function isTraining(model: tf.LayersModel): boolean {
  return running.has(model);
}

/** Asks the run on `model`, if any, to stop at the next batch boundary (as the stop button does). */
export function stopTraining(model: tf.LayersModel): boolean {
  const run = running.get(model);
  run?.control.request('interrupted');
  return run !== undefined;
}
