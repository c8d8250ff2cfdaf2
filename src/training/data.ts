import * as tf from '@tensorflow/tfjs';
import { labelIssues } from './labels';
import { describe, TrainingError } from './errors';
import { modelProblem } from '../util/models';

/**
 * Training data held in memory: `x` with one example per row of its first axis, `y` the
 * targets in the same order. (A union so that streamed datasets can be added later.)
 */
export interface TensorData {
  /** One tensor, or for a model with several inputs one per input: an array in input order or `{inputName: tensor}`. */
  x: TensorOrTensors;
  /** One tensor, or for a model with several outputs one per output: an array in output order or `{outputName: tensor}`. */
  y: TensorOrTensors;
}

/** The model's input names (layer names, as Keras; known before a Sequential model is compiled). */
export function inputNamesOf(model: tf.LayersModel): string[] {
  return model.inputs.map((t) => t.sourceLayer.name);
}

/** The model's output names: the layer names Keras and tfjs prefix multi-output logs with (`dense_2_loss`). */
export function outputNamesOf(model: tf.LayersModel): string[] {
  return model.outputs.map((t) => t.sourceLayer.name);
}

/** A tensor, or one per model input/output (array in order, or a map by name). */
export type TensorOrTensors = tf.Tensor | tf.Tensor[] | { [name: string]: tf.Tensor };

/** `value` as one entry per name in `names` (inputs or outputs), or a sentence saying why not. */
export function tensorsFor(value: unknown, names: readonly string[], label: string): { tensors: unknown[] } | { problem: string } {
  if (value instanceof tf.Tensor) {
    if (names.length === 1) return { tensors: [value] };
    return { problem: `${label} is one tensor but the model has ${names.length} (${names.join(', ')}). Pass an array in that order or {${names.map((n) => `${n}: tensor`).join(', ')}}.` };
  }
  // A plain nested array for a one-input model is a (wrong) value, not a list of tensors.
  if (Array.isArray(value) && (names.length > 1 || value.some((t) => t instanceof tf.Tensor))) {
    if (value.length !== names.length) return { problem: `${label} has ${value.length} tensors but the model has ${names.length} (${names.join(', ')}). Pass one per entry, in that order.` };
    return { tensors: value };
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const map = value as Record<string, unknown>;
    const unknown = Object.keys(map).filter((k) => !names.includes(k));
    const missing = names.filter((k) => !(k in map));
    if (unknown.length > 0 || missing.length > 0) {
      return { problem: `${label} has keys {${Object.keys(map).join(', ')}} but the model's are {${names.join(', ')}}.${missing.length > 0 ? ` Add ${missing.join(', ')}.` : ''}${unknown.length > 0 ? ` Rename or drop ${unknown.join(', ')}.` : ''}` };
    }
    return { tensors: names.map((k) => map[k]) };
  }
  return { tensors: [value] };
}

/**
 * One batch as `model.fitDataset` takes it: `xs` and `ys` one tensor each, or for several
 * inputs / outputs an array in model order or `{name: tensor}`.
 */
export type Batch = { xs: TensorOrTensors; ys: TensorOrTensors };

/**
 * Streamed data for `train`: a `tf.data.Dataset` of batches `{xs, ys}` (e.g.
 * `tf.data.array(...).batch(32)` or a mapped `tf.data.csv(...)`; for a model with several
 * inputs or outputs `{xs: {a, b}, ys: {out1, out2}}` or arrays in model order), trained with
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

/**
 * Problems with streamed data: read the first batch (then dispose it) to check its shapes
 * against the model. For several inputs or outputs a batch's `xs` / `ys` are arrays in
 * model order or `{name: tensor}` maps, as `model.fitDataset` takes them.
 */
export async function datasetProblems(model: tf.LayersModel, data: DatasetData, sparseTargets: boolean | readonly boolean[], losses?: readonly unknown[]): Promise<string[]> {
  const problems: string[] = [];
  if (!(data.dataset instanceof tf.data.Dataset)) return [`data.dataset must be a tf.data.Dataset of batches {xs, ys}, received ${describe(data.dataset)}.`];
  if (data.validation !== undefined && !(data.validation instanceof tf.data.Dataset)) problems.push(`data.validation must be a tf.data.Dataset of batches {xs, ys}, received ${describe(data.validation)}.`);
  if (data.batchesPerEpoch !== undefined && !(Number.isInteger(data.batchesPerEpoch) && data.batchesPerEpoch > 0)) {
    problems.push(`data.batchesPerEpoch must be a whole number >= 1, received ${describe(data.batchesPerEpoch)}.`);
  }
  problems.push(...(await firstBatchProblems(model, data.dataset, 'data.dataset', sparseTargets, losses)));
  // The validation batches are checked the same way (a mismatch would otherwise fail after the first epoch).
  if (data.validation instanceof tf.data.Dataset) problems.push(...(await firstBatchProblems(model, data.validation, 'data.validation', sparseTargets, losses)));
  return problems;
}

/**
 * Problems of a dataset's first batch (read without counting an epoch, then disposed)
 * against the model: its form, one tensor per input and output, shapes, and labels
 * against the losses (the rest streams in during training).
 */
async function firstBatchProblems(model: tf.LayersModel, dataset: tf.data.Dataset<tf.TensorContainer>, label: string, sparseTargets: boolean | readonly boolean[], losses: readonly unknown[] | undefined): Promise<string[]> {
  const batch = await firstBatch(dataset);
  if (batch === undefined) return [`${label} is empty. Pass a dataset with at least one batch.`];
  try {
    if (typeof batch !== 'object' || batch === null || !('xs' in batch) || !('ys' in batch)) {
      return [`${label} must yield batches {xs, ys}, its first element is ${describe(batch)}. Map it, e.g. dataset.map(({x, y}) => ({xs: x, ys: y})).batch(32).`];
    }
    const { xs, ys } = batch as Batch;
    // NaN is left to training (TerminateOnNaN): only the first batch could be checked here.
    const found = pairProblems(model, xs, ys, `${label} batch`, sparseTargets, { checkFinite: false }).map((p) =>
      p.replace(/ Pass \{x.*$/, '').replace(/ Pass an array in that order or (\{.*\})\.$/, ' Map each batch to an array in that order or $1 with dataset.map(({xs, ys}) => ...).'),
    );
    if (found.length > 0 || losses === undefined) return found;
    const at = label.replace('.', '\\.');
    return labelIssues(model, [[label, xs, ys]], losses).map((issue) =>
      issue.message.replace(new RegExp(`^${at}\\.y(\\[\\d+\\])?(?![\\w.])`), `${label}.ys$1 (first batch)`).replace(new RegExp(`^${at}\\.x(\\[\\d+\\])?(?![\\w.])`), `${label}.xs$1 (first batch)`),
    );
  } finally {
    tf.dispose(batch as tf.TensorContainer);
  }
}

function shapeText(shape: ReadonlyArray<number | null>): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/**
 * A dataset's first batch, read without counting as an epoch: datasets from
 * `datasets.fromCSV` / `fromArrays` / `fromGenerator` number their epochs (epoch e shuffles
 * with seed + e) and offer a peek for this; any other dataset is read with `take(1)`.
 */
export async function firstBatch(dataset: tf.data.Dataset<tf.TensorContainer>): Promise<unknown> {
  const peek = (dataset as unknown as { [PEEK_FIRST_BATCH]?: () => Promise<unknown> })[PEEK_FIRST_BATCH];
  if (typeof peek === 'function') return peek();
  const first = await dataset.take(1).toArray();
  return first[0];
}

/** Where a dataset keeps its non-counting first-batch peek (see {@link firstBatch}). */
export const PEEK_FIRST_BATCH = Symbol.for('trainlab.peekFirstBatch');

/** Finite tensors already checked: tensors are immutable, so a second train or sweep run need not look again. */
const checkedFinite = new WeakSet<tf.Tensor>();

/**
 * NaN/infinite counts of every float tensor in `tensors`, computed on the backend and read
 * back together (one small download, however many tensors); counts of non-float tensors
 * and of tensors found finite before are 0 without work.
 */
export function nonFiniteCounts(tensors: readonly tf.Tensor[]): number[] {
  const todo = tensors.map((t, i) => [t, i] as const).filter(([t]) => t.dtype === 'float32' && !checkedFinite.has(t));
  const counts = tensors.map(() => 0);
  if (todo.length === 0) return counts;
  const found = tf.tidy(() => tf.stack(todo.map(([t]) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(t)), 'float32')))).dataSync());
  todo.forEach(([t, i], j) => {
    counts[i] = found[j];
    if (found[j] === 0) checkedFinite.add(t);
  });
  return counts;
}

/** The NaN problems of labelled tensors, from one fused check. */
export function nonFiniteProblems(labelled: ReadonlyArray<readonly [string, tf.Tensor]>): string[] {
  const counts = nonFiniteCounts(labelled.map(([, t]) => t));
  return labelled.flatMap(([label, _], i) => (counts[i] > 0 ? [`${label} contains ${counts[i]} NaN or infinite value${counts[i] > 1 ? 's' : ''}. Drop or impute them before training.`] : []));
}

/**
 * Problems with one `[x, y]` pair against the model's input `inputIndex` and output
 * `outputIndex` (empty when fine). NaN checks are left to {@link nonFiniteProblems}, which
 * does all tensors in one reduction, unless `checkFinite`.
 */
export function dataProblems(model: tf.LayersModel, x: unknown, y: unknown, label: string, sparseTargets: boolean, where: { input?: number; output?: number; xLabel?: string; yLabel?: string; checkFinite?: boolean } = {}): string[] {
  const problems: string[] = [];
  const xOk = x instanceof tf.Tensor && !x.isDisposed;
  const yOk = y instanceof tf.Tensor && !y.isDisposed;
  const xl = where.xLabel ?? `${label}.x`;
  const yl = where.yLabel ?? `${label}.y`;
  if (!xOk) problems.push(`${xl} must be a live tf.Tensor, received ${x instanceof tf.Tensor ? 'a disposed tensor' : describe(x)}. Pass {x: tf.tensor2d(...), y: ...}.`);
  if (!yOk) problems.push(`${yl} must be a live tf.Tensor, received ${y instanceof tf.Tensor ? 'a disposed tensor' : describe(y)}. Pass {x, y: tf.tensor(...)}.`);
  if (!xOk || !yOk) return problems;
  const xt = x as tf.Tensor;
  const yt = y as tf.Tensor;
  if (xt.rank === 0 || xt.shape[0] === 0) problems.push(`${label} is empty (x has shape ${shapeText(xt.shape)}). Pass at least one example.`);
  else if (yt.rank === 0 || xt.shape[0] !== yt.shape[0]) {
    problems.push(`${xl} has ${xt.shape[0]} examples but ${yl} has ${yt.rank === 0 ? 'none (a scalar)' : yt.shape[0]}. Pass x and y with the same first dimension.`);
  }
  const input = model.inputs[where.input ?? 0]?.shape;
  if (input !== undefined && xt.rank > 0) {
    const want = input.slice(1);
    const got = xt.shape.slice(1);
    if (want.length !== got.length || want.some((d, i) => d !== null && d !== got[i])) {
      problems.push(`${xl} has shape ${shapeText(xt.shape)} but the model expects input ${shapeText(input)} (null = any). Reshape x or fix the model's inputShape.`);
    }
  }
  const output = model.outputs[where.output ?? 0]?.shape;
  if (output !== undefined && yt.rank > 0 && !sparseTargets) {
    const want = output.slice(1);
    const got = yt.shape.slice(1);
    if (want.length !== got.length || want.some((d, i) => d !== null && d !== got[i])) {
      problems.push(
        `${yl} has shape ${shapeText(yt.shape)} but the model outputs ${shapeText(output)}. Reshape y (e.g. y.reshape([-1, 1])), one-hot encode it, or use loss 'sparseCategoricalCrossentropy' for integer labels.`,
      );
    }
  }
  if (where.checkFinite === true) problems.push(...nonFiniteProblems([[xl, xt], [yl, yt]]));
  return problems;
}

/**
 * Problems with `data` as a whole: its form, one tensor per model input and output (arrays
 * or name maps for several), shapes, and NaN in any tensor (one fused check). `sparseTargets`
 * says per output whether its targets are class indices.
 */
export function trainDataProblems(model: tf.LayersModel, data: unknown, sparseTargets: boolean | readonly boolean[]): string[] {
  if (typeof data !== 'object' || data === null || !('x' in data) || !('y' in data)) {
    return [`data must be {x, y} with two tf.Tensors (or {dataset} with a tf.data.Dataset of batches), received ${describe(data)}. Pass e.g. {x: xs, y: ys}.`];
  }
  const { x, y } = data as { x: unknown; y: unknown };
  return pairProblems(model, x, y, 'data', sparseTargets);
}

/**
 * Problems with an `[x, y]` pair for the whole model (train data, validationData, a
 * dataset's first batch): one tensor per input and output (arrays in order or name maps),
 * shapes, and NaN (one fused check) unless `checkFinite` is false.
 */
export function pairProblems(model: tf.LayersModel, x: unknown, y: unknown, label: string, sparseTargets: boolean | readonly boolean[], options: { checkFinite?: boolean } = {}): string[] {
  const inputs = tensorsFor(x, inputNamesOf(model), `${label}.x`);
  const outputs = tensorsFor(y, outputNamesOf(model), `${label}.y`);
  const problems: string[] = [];
  if ('problem' in inputs) problems.push(inputs.problem);
  if ('problem' in outputs) problems.push(outputs.problem);
  if ('problem' in inputs || 'problem' in outputs) return problems;
  const xs = inputs.tensors;
  const ys = outputs.tensors;
  // `data.x` for one tensor (or a wrong value), `data.x[1]` / `data.x.name` for lists and maps.
  const name = (kind: 'x' | 'y', list: unknown, names: readonly string[], i: number): string => {
    if (Array.isArray(list) && (names.length > 1 || list.some((t) => t instanceof tf.Tensor))) return `${label}.${kind}[${i}]`;
    if (typeof list === 'object' && list !== null && !Array.isArray(list) && Object.getPrototypeOf(list) === Object.prototype && names.length > 1) return `${label}.${kind}.${names[i]}`;
    return `${label}.${kind}`;
  };
  const sparse = (i: number) => (typeof sparseTargets === 'boolean' ? sparseTargets : (sparseTargets[i] ?? false));
  const pairs = Math.max(xs.length, ys.length);
  const seen = new Set<string>();
  for (let i = 0; i < pairs; i++) {
    const xi = Math.min(i, xs.length - 1);
    const yi = Math.min(i, ys.length - 1);
    const found = dataProblems(model, xs[xi], ys[yi], label, sparse(yi), { input: xi, output: yi, xLabel: name('x', x, inputNamesOf(model), xi), yLabel: name('y', y, outputNamesOf(model), yi) });
    // Pairs share tensors when inputs and outputs differ in number: report each sentence once.
    for (const p of found) if (!seen.has(p)) (seen.add(p), problems.push(p));
  }
  const labelled = [...xs.map((t, i) => [name('x', x, inputNamesOf(model), i), t] as const), ...ys.map((t, i) => [name('y', y, outputNamesOf(model), i), t] as const)];
  const live = labelled.filter((pair): pair is readonly [string, tf.Tensor] => pair[1] instanceof tf.Tensor && !pair[1].isDisposed);
  return options.checkFinite === false ? problems : [...problems, ...nonFiniteProblems(live)];
}

export function checkModel(component: string, model: unknown): asserts model is tf.LayersModel {
  // Not a model, or a disposed one (tfjs would fail deep inside with "already disposed").
  const problem = modelProblem(model);
  if (problem !== undefined) throw new TrainingError(component, [{ path: 'model', message: problem, received: model }]);
}
