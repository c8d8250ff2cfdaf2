import * as tf from '@tensorflow/tfjs';
import { showValue, TrainlabError } from './errors';

/** Why `model` cannot be used (not a LayersModel, or disposed), or undefined when it can. */
export function modelProblem(model: unknown): string | undefined {
  if (!(model instanceof tf.LayersModel)) return `model must be a tf.LayersModel (tf.sequential() or tf.model()), received ${showValue(model)}.`;
  if (isDisposedModel(model)) return `model '${model.name}' has been disposed (model.dispose() was called). Build the model again, or load it with loadCheckpoint(path).`;
  return undefined;
}

/** True once `model.dispose()` ran: its weights are gone. */
export function isDisposedModel(model: tf.LayersModel): boolean {
  const refCount = (model as unknown as { _refCount?: number | null })._refCount;
  return refCount === 0 || model.weights.some((w) => (w as unknown as { val?: tf.Variable }).val?.isDisposed === true);
}

/** Throws a TrainlabError (issue path `model`) unless `model` is a live LayersModel. */
export function checkLiveModel(component: string, model: unknown, makeError: (message: string) => Error = (m) => new TrainlabError(m, [{ path: 'model', message: m, received: model }])): asserts model is tf.LayersModel {
  const problem = modelProblem(model);
  if (problem !== undefined) throw makeError(`${component}: ${problem}`);
}
