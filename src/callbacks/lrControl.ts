import type * as tf from '@tensorflow/tfjs';
import { markScheduled, unmarkScheduled } from '../optimizers';
import { ValidationError } from '../config/issues';
import { CallbackError } from './errors';

let nextId = 1;

/** A unique owner name for the optimizer's "who drives the learning rate" marker. */
export function ownerName(component: string): string {
  return `${component}#${nextId++}`;
}

/** The compiled model's optimizer, or a clear error when there is none yet. */
export function optimizerOf(component: string, model: tf.LayersModel | null | undefined): tf.Optimizer {
  const optimizer = model?.optimizer;
  if (optimizer === undefined || optimizer === null) {
    throw new CallbackError(`${component}: the model has no optimizer yet. Compile it (model.compile({optimizer, loss})) or train it with trainlab's train() before this callback runs.`);
  }
  return optimizer;
}

/** Claims the optimizer's learning rate for `owner`, turning a conflict into this component's error. */
export function claimLearningRate(component: string, optimizer: tf.Optimizer, owner: string): void {
  try {
    markScheduled(optimizer, owner);
  } catch (error) {
    if (error instanceof ValidationError) {
      const detail = error.issues.map((i) => i.message).join(' ');
      throw new CallbackError(`${component}: ${detail}`);
    }
    throw error;
  }
}

export function releaseLearningRate(optimizer: tf.Optimizer | undefined, owner: string): void {
  if (optimizer !== undefined) unmarkScheduled(optimizer, owner);
}
