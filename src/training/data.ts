import * as tf from '@tensorflow/tfjs';
import { describe, TrainingError } from './errors';
import { modelProblem } from '../util/models';

/**
 * Training data held in memory: `x` with one example per row of its first axis, `y` the
 * targets in the same order. (A union so that streamed datasets can be added later.)
 */
export interface TensorData {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** One batch as `model.fitDataset` takes it. */
export type Batch = { xs: tf.Tensor; ys: tf.Tensor };

/**
 * Streamed data for `train`: a `tf.data.Dataset` of batches `{xs, ys}` (e.g.
 * `tf.data.array(...).batch(32)` or a mapped `tf.data.csv(...)`), trained with
 * `model.fitDataset`, so data larger than memory works. `config.batchSize`, `shuffle` and
 * `validationSplit` do not apply (batch and shuffle the dataset itself); validation comes
 * from `validation` or `config.validationData`.
 */
export interface DatasetData {
  dataset: tf.data.Dataset<Batch>;
  /** Batches of validation data. Defaults to none (or `config.validationData`). */
  validation?: tf.data.Dataset<Batch>;
  /** Batches per epoch, for datasets that repeat forever. Defaults to one full pass. */
  batchesPerEpoch?: number;
}

/** What `train` accepts as data: tensors in memory (`findLearningRate` and `sweep` take `TensorData`). */
export type TrainData = TensorData | DatasetData;

export function isDatasetData(data: unknown): data is DatasetData {
  return typeof data === 'object' && data !== null && 'dataset' in data;
}

/** Problems with streamed data: read the first batch (then dispose it) to check its shapes against the model. */
export async function datasetProblems(model: tf.LayersModel, data: DatasetData, sparseTargets: boolean): Promise<string[]> {
  const problems: string[] = [];
  if (!(data.dataset instanceof tf.data.Dataset)) return [`data.dataset must be a tf.data.Dataset of batches {xs, ys}, received ${describe(data.dataset)}.`];
  if (data.validation !== undefined && !(data.validation instanceof tf.data.Dataset)) problems.push(`data.validation must be a tf.data.Dataset of batches {xs, ys}, received ${describe(data.validation)}.`);
  if (data.batchesPerEpoch !== undefined && !(Number.isInteger(data.batchesPerEpoch) && data.batchesPerEpoch > 0)) {
    problems.push(`data.batchesPerEpoch must be a whole number >= 1, received ${describe(data.batchesPerEpoch)}.`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    problems.push(`the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; train supports one of each. Use model.fitDataset directly.`);
    return problems;
  }
  const first = await data.dataset.take(1).toArray();
  if (first.length === 0) return [...problems, 'data.dataset is empty. Pass a dataset with at least one batch.'];
  const batch = first[0] as unknown;
  try {
    if (typeof batch !== 'object' || batch === null || !('xs' in batch) || !('ys' in batch)) {
      problems.push(`data.dataset must yield batches {xs, ys}, its first element is ${describe(batch)}. Map it, e.g. dataset.map(({x, y}) => ({xs: x, ys: y})).batch(32).`);
    } else {
      const { xs, ys } = batch as Batch;
      const found = dataProblems(model, xs, ys, 'data.dataset batch', sparseTargets).filter((p) => !/NaN or infinite/.test(p));
      problems.push(...found.map((p) => p.replace(/ Pass \{x.*$/, '')));
    }
  } finally {
    tf.dispose(batch as tf.TensorContainer);
  }
  return problems;
}

function shapeText(shape: ReadonlyArray<number | null>): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

function nonFiniteCount(t: tf.Tensor): number {
  if (t.dtype !== 'float32') return 0;
  return tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(t)), 'int32')).dataSync()[0]);
}

/** Problems with one `[x, y]` pair against the model (empty when fine). */
export function dataProblems(model: tf.LayersModel, x: unknown, y: unknown, label: string, sparseTargets: boolean): string[] {
  const problems: string[] = [];
  const xOk = x instanceof tf.Tensor && !x.isDisposed;
  const yOk = y instanceof tf.Tensor && !y.isDisposed;
  if (!xOk) problems.push(`${label}.x must be a live tf.Tensor, received ${x instanceof tf.Tensor ? 'a disposed tensor' : describe(x)}. Pass {x: tf.tensor2d(...), y: ...}.`);
  if (!yOk) problems.push(`${label}.y must be a live tf.Tensor, received ${y instanceof tf.Tensor ? 'a disposed tensor' : describe(y)}. Pass {x, y: tf.tensor(...)}.`);
  if (!xOk || !yOk) return problems;
  const xt = x as tf.Tensor;
  const yt = y as tf.Tensor;
  if (xt.rank === 0 || xt.shape[0] === 0) problems.push(`${label} is empty (x has shape ${shapeText(xt.shape)}). Pass at least one example.`);
  else if (yt.rank === 0 || xt.shape[0] !== yt.shape[0]) {
    problems.push(`${label}.x has ${xt.shape[0]} examples but ${label}.y has ${yt.rank === 0 ? 'none (a scalar)' : yt.shape[0]}. Pass x and y with the same first dimension.`);
  }
  const input = model.inputs[0]?.shape;
  if (input !== undefined && xt.rank > 0) {
    const want = input.slice(1);
    const got = xt.shape.slice(1);
    if (want.length !== got.length || want.some((d, i) => d !== null && d !== got[i])) {
      problems.push(`${label}.x has shape ${shapeText(xt.shape)} but the model expects input ${shapeText(input)} (null = any). Reshape x or fix the model's inputShape.`);
    }
  }
  const output = model.outputs[0]?.shape;
  if (output !== undefined && yt.rank > 0 && !sparseTargets) {
    const want = output.slice(1);
    const got = yt.shape.slice(1);
    if (want.length !== got.length || want.some((d, i) => d !== null && d !== got[i])) {
      problems.push(
        `${label}.y has shape ${shapeText(yt.shape)} but the model outputs ${shapeText(output)}. Reshape y (e.g. y.reshape([-1, 1])), one-hot encode it, or use loss 'sparseCategoricalCrossentropy' for integer labels.`,
      );
    }
  }
  const badX = nonFiniteCount(xt);
  if (badX > 0) problems.push(`${label}.x contains ${badX} NaN or infinite value${badX > 1 ? 's' : ''}. Drop or impute them before training.`);
  const badY = nonFiniteCount(yt);
  if (badY > 0) problems.push(`${label}.y contains ${badY} NaN or infinite value${badY > 1 ? 's' : ''}. Drop or impute them before training.`);
  return problems;
}

/** Problems with `data` as a whole (shape of the argument, single input/output models). */
export function trainDataProblems(model: tf.LayersModel, data: unknown, sparseTargets: boolean): string[] {
  if (typeof data !== 'object' || data === null || !('x' in data) || !('y' in data)) {
    return [`data must be {x, y} with two tf.Tensors (or {dataset} with a tf.data.Dataset of batches), received ${describe(data)}. Pass e.g. {x: xs, y: ys}.`];
  }
  const problems: string[] = [];
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    problems.push(`the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; train supports one of each. Use model.fit directly for multi-input or multi-output models.`);
    return problems;
  }
  const { x, y } = data as { x: unknown; y: unknown };
  problems.push(...dataProblems(model, x, y, 'data', sparseTargets));
  return problems;
}

export function checkModel(component: string, model: unknown): asserts model is tf.LayersModel {
  // Not a model, or a disposed one (tfjs would fail deep inside with "already disposed").
  const problem = modelProblem(model);
  if (problem !== undefined) throw new TrainingError(component, [{ path: 'model', message: problem, received: model }]);
}
