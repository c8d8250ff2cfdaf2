/**
 * Reading and changing an optimizer's learning rate between steps, and a marker that says
 * which schedule (callback) currently drives it, so two schedulers cannot fight over one
 * optimizer.
 */
import type * as tf from '@tensorflow/tfjs';
import { describe } from '../config/issues';
import { AdamW } from './classes';
import { decayProductIssue, OptimizerError } from './spec';

interface WithLearningRate {
  learningRate?: unknown;
  setLearningRate?: (lr: number) => void;
}

function isOptimizer(value: unknown): value is tf.Optimizer {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { applyGradients?: unknown }).applyGradients === 'function' &&
    typeof (value as { minimize?: unknown }).minimize === 'function'
  );
}

function requireOptimizer(component: string, opt: unknown): asserts opt is tf.Optimizer {
  const model = opt as { layers?: unknown; getClassName?: unknown; optimizer?: unknown; name?: unknown } | null;
  if (typeof model === 'object' && model !== null && Array.isArray(model.layers) && typeof model.getClassName === 'function') {
    const compiled = isOptimizer(model.optimizer);
    throw new OptimizerError(component, [
      {
        path: 'optimizer',
        received: opt,
        expected: 'a tf.Optimizer',
        message: compiled
          ? `expects the optimizer, not the model; received the model '${String(model.name)}'. Pass model.optimizer.`
          : `expects the optimizer, not the model; received the model '${String(model.name)}', which has no optimizer yet. Compile it (or train it) first, then pass model.optimizer.`,
      },
    ]);
  }
  if (!isOptimizer(opt)) {
    throw new OptimizerError(component, [
      {
        path: 'optimizer',
        received: opt,
        expected: 'a tf.Optimizer',
        message: `expects a tf.Optimizer (e.g. from createOptimizer or model.optimizer); received ${describe(opt)}. If you passed a model, compile it first.`,
      },
    ]);
  }
}

function className(opt: tf.Optimizer): string {
  return opt.getClassName?.() ?? opt.constructor?.name ?? 'optimizer';
}

/**
 * The optimizer's current learning rate. Works on every optimizer `createOptimizer` makes
 * and on tfjs's stock optimizers (`tf.train.*`), which all keep it in `learningRate`.
 */
export function getLearningRate(opt: tf.Optimizer): number {
  requireOptimizer('getLearningRate', opt);
  const lr = (opt as unknown as WithLearningRate).learningRate;
  if (typeof lr !== 'number') {
    throw new OptimizerError('getLearningRate', [
      {
        path: 'optimizer',
        received: opt,
        expected: 'an optimizer with a numeric learning rate',
        message: `${className(opt)} does not expose a numeric learning rate. Build it with createOptimizer.`,
      },
    ]);
  }
  return lr;
}

/**
 * Sets the learning rate used from the optimizer's next update on. `lr` must be finite and
 * ≥ 0 (0 is allowed: schedules may pause learning, e.g. at the start of a warmup); for
 * AdamW, `lr * weightDecay` must stay below 1 (see `decayProductIssue`).
 */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  requireOptimizer('setLearningRate', opt);
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    throw new OptimizerError('setLearningRate', [
      {
        path: 'lr',
        received: lr,
        expected: 'a finite number ≥ 0',
        message: `lr must be a finite number ≥ 0; received ${describe(lr)}.`,
      },
    ]);
  }
  if (opt instanceof AdamW) {
    const decay = decayProductIssue(lr, opt.weightDecay, { path: 'lr', on: 'learningRate', learningRate: 'lr', weightDecay: "the AdamW optimizer's weightDecay" });
    if (decay !== undefined) throw new OptimizerError('setLearningRate', [decay]);
  }
  const target = opt as unknown as WithLearningRate;
  getLearningRate(opt); // throws with a clear message when there is no learning rate to change
  // SGD and Momentum cache -lr in a scalar tensor; their own setter refreshes it.
  if (typeof target.setLearningRate === 'function') target.setLearningRate(lr);
  else target.learningRate = lr;
}

const drivers = new WeakMap<tf.Optimizer, string>();

/**
 * Records that `owner` (e.g. `'learningRateScheduler#3'`) drives this optimizer's learning
 * rate. Throws when another owner already does; marking again by the same owner is fine.
 */
export function markScheduled(opt: tf.Optimizer, owner: string): void {
  requireOptimizer('markScheduled', opt);
  if (typeof owner !== 'string' || owner === '') {
    throw new OptimizerError('markScheduled', [
      {
        path: 'owner',
        received: owner,
        expected: 'a non-empty string',
        message: `owner must be a non-empty string naming the schedule; received ${describe(owner)}.`,
      },
    ]);
  }
  const current = drivers.get(opt);
  if (current !== undefined && current !== owner) {
    throw new OptimizerError('markScheduled', [
      {
        path: 'owner',
        received: owner,
        expected: `no other schedule (already driven by ${current})`,
        message: `the optimizer's learning rate is already driven by ${current}; ${owner} cannot drive it too. Use one learning-rate schedule or plateau callback per optimizer, or remove the lrSchedule from the config.`,
      },
    ]);
  }
  drivers.set(opt, owner);
}

/** Releases the mark set by `owner` (no-op when another owner or nobody holds it). */
export function unmarkScheduled(opt: tf.Optimizer, owner: string): void {
  if (drivers.get(opt) === owner) drivers.delete(opt);
}

/** Who drives this optimizer's learning rate, if anybody. */
export function scheduledBy(opt: tf.Optimizer): string | undefined {
  return drivers.get(opt);
}
