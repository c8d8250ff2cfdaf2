import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { assertFinite } from './checks';
import { csvRecords, type CsvRecord } from './csv';
import { DataError } from './errors';
import { permutation, seededRng, type Rng } from './random';
import { checkDataOptions } from './options';

/** One batch as `model.fitDataset` expects it: features `[batch, features]`, targets `[batch, k]`. */
export type Batch = { xs: tf.Tensor2D; ys: tf.Tensor2D };

/** A row of features and its target, as plain numbers. */
export type Row = { x: number[]; y: number[] };

export interface StreamOptions {
  /** Rows per batch. Defaults to 32. */
  batchSize?: number;
  /**
   * Shuffle: for arrays, reorder all rows each epoch; for CSV files and generators, draw rows
   * at random from a buffer of this many rows (`true` = 1000). Defaults to false (file order).
   */
  shuffle?: boolean | number;
  /** Seed of the shuffle (epoch e uses seed + e, so runs repeat). Defaults to 0. */
  seed?: number;
}

export interface CsvOptions extends StreamOptions {
  /** Column holding the target. */
  label: string;
  /** Feature columns, in order. Defaults to every column except `label`. */
  features?: string[];
  /**
   * Class names for a text label column, index = class number. Needed for text labels:
   * a stream cannot look ahead to find them. Defaults to none (numeric label).
   */
  classes?: string[];
  /**
   * How the target is encoded: `'value'` (one column, the number), `'index'` (one column,
   * the class number) or `'oneHot'` (needs `classes` or `numClasses`).
   * Defaults to `'oneHot'` when `classes` is given, else `'value'`.
   */
  target?: 'value' | 'index' | 'oneHot';
  /** Number of classes of a numeric class label, for `target: 'oneHot'`. Defaults to `classes.length`. */
  numClasses?: number;
  /** Column separator. Defaults to `','`. */
  delimiter?: string;
  /** Bytes read from the file at a time; the file is never read whole. Defaults to 65536. */
  chunkBytes?: number;
}

function checkStreamOptions(where: string, options: StreamOptions): { batchSize: number; buffer: number; seed: number } {
  const batchSize = options.batchSize ?? 32;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new DataError(`${where}: batchSize must be a whole number >= 1, received ${String(batchSize)}. Pass e.g. batchSize: 32.`);
  }
  const shuffle = options.shuffle ?? false;
  const buffer = shuffle === true ? 1000 : shuffle === false ? 0 : shuffle;
  if (!(Number.isInteger(buffer) && buffer >= 0)) {
    throw new DataError(`${where}: shuffle must be true, false or a whole number of rows to buffer, received ${String(shuffle)}. Pass e.g. shuffle: 1000.`);
  }
  const seed = options.seed ?? 0;
  seededRng(seed, where);
  return { batchSize, buffer, seed };
}

function toBatch(rows: Row[]): Batch {
  const features = rows[0].x.length;
  const targets = rows[0].y.length;
  const xs = new Float32Array(rows.length * features);
  const ys = new Float32Array(rows.length * targets);
  rows.forEach((row, i) => {
    xs.set(row.x, i * features);
    ys.set(row.y, i * targets);
  });
  return { xs: tf.tensor2d(xs, [rows.length, features]), ys: tf.tensor2d(ys, [rows.length, targets]) };
}

/** Rows drawn at random from a buffer of `size` (size 0: in order), like tf.data's shuffle. */
function* shuffleBuffer(rows: Iterable<Row>, size: number, rng: Rng): Generator<Row> {
  if (size <= 1) {
    yield* rows;
    return;
  }
  const buffer: Row[] = [];
  for (const row of rows) {
    if (buffer.length < size) {
      buffer.push(row);
      continue;
    }
    const i = Math.floor(rng() * size);
    yield buffer[i];
    buffer[i] = row;
  }
  for (const i of permutation(buffer.length, rng)) yield buffer[i];
}

function* batches(rows: Iterable<Row>, batchSize: number): Generator<Batch> {
  let pending: Row[] = [];
  for (const row of rows) {
    pending.push(row);
    if (pending.length === batchSize) {
      yield toBatch(pending);
      pending = [];
    }
  }
  if (pending.length > 0) yield toBatch(pending);
}

/** A dataset whose every epoch runs `makeRows()` afresh, batched and optionally shuffled. */
function rowDataset(makeRows: (epoch: number) => Iterable<Row>, where: string, options: StreamOptions): tf.data.Dataset<Batch> {
  const { batchSize, buffer, seed } = checkStreamOptions(where, options);
  let epoch = 0;
  const epochBatches = (e: number) => batches(shuffleBuffer(makeRows(e), buffer, seededRng(seed + e, where)), batchSize);
  // The epoch is counted when its first batch is read, not when an iterator is made:
  // fitDataset makes one it never reads before the first epoch.
  const dataset = tf.data.generator(function* () {
    yield* epochBatches(epoch++);
  });
  // train checks the first batch of the next epoch through this, without counting an epoch.
  Object.defineProperty(dataset, Symbol.for('trainlab.peekFirstBatch'), {
    value: async () => epochBatches(epoch).next().value,
    enumerable: false,
  });
  return dataset;
}

export { readLines } from './csv';

/**
 * Streams a CSV file (header row first; quoted fields and headers, CRLF and a BOM are
 * read as RFC 4180 says, by papaparse's parser) as batches `{xs, ys}` for
 * `model.fitDataset` or `train`: the file is read in chunks each epoch, never whole, so it
 * may be larger than memory. Reads the header at once to check the column names.
 * (tf.data.csv with a file:// URL would read the whole file into memory under node.)
 */
export function fromCSV(path: string, options: CsvOptions): tf.data.Dataset<Batch> {
  const where = 'datasets.fromCSV';
  if (typeof path !== 'string' || !fs.existsSync(path)) {
    throw new DataError(`${where}: no file at ${JSON.stringify(path)}. Pass the path of an existing CSV file (relative to ${process.cwd()}).`, { path: 'path', received: path, expected: 'an existing file' });
  }
  if (options === null || typeof options !== 'object' || typeof options.label !== 'string') {
    throw new DataError(`${where}: options.label must name the target column, received ${JSON.stringify(options?.label)}. Pass e.g. {label: 'price'}.`, { path: 'label', received: options?.label, expected: 'a column name' });
  }
  checkDataOptions(where, options);
  const delimiter = options.delimiter ?? ',';
  const chunkBytes = options.chunkBytes ?? 65536;
  if (!(Number.isInteger(chunkBytes) && chunkBytes >= 1)) {
    throw new DataError(`${where}: chunkBytes must be a whole number >= 1, received ${String(chunkBytes)}. Pass e.g. chunkBytes: 65536.`);
  }
  const records = (): Generator<CsvRecord> => csvRecords(path, { delimiter, chunkBytes, where });
  const first = records().next();
  if (first.done === true) {
    throw new DataError(`${where}: ${path} is empty (no header, no rows). Pass a CSV file whose first line names the columns.`, { path: 'path', received: path, expected: 'a CSV file with a header' });
  }
  const header = first.value.cells.map((c) => c.trim());
  const missing = [options.label, ...(options.features ?? [])].filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new DataError(`${where}: column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')} not in ${path}. Available: ${header.map((c) => `'${c}'`).join(', ')}.`, { path: missing.includes(options.label) ? 'label' : 'features', received: missing, expected: header.join(' | ') });
  }
  const features = options.features ?? header.filter((c) => c !== options.label);
  const featureAt = features.map((c) => header.indexOf(c));
  const labelAt = header.indexOf(options.label);
  const classes = options.classes;
  const target = options.target ?? (classes !== undefined ? 'oneHot' : 'value');
  const numClasses = options.numClasses ?? classes?.length;
  if (target === 'oneHot' && !(numClasses !== undefined && Number.isInteger(numClasses) && numClasses >= 2)) {
    throw new DataError(`${where}: target 'oneHot' needs the number of classes. Pass classes: ['a', 'b', ...] or numClasses: k.`);
  }
  const encode = (value: string, line: number): number[] => {
    let index: number;
    if (classes !== undefined) {
      index = classes.indexOf(value);
      if (index < 0) throw new DataError(`${where}: line ${line} of ${path} has ${options.label} = ${JSON.stringify(value)}, not one of classes [${classes.join(', ')}]. Add it to classes.`);
    } else {
      index = Number(value);
      if (value === '' || !Number.isFinite(index)) {
        throw new DataError(`${where}: line ${line} of ${path} has ${options.label} = ${JSON.stringify(value)}, not a number. Pass classes: [...] for a text label, or clean the file.`, { path: options.label, received: value });
      }
    }
    if (target === 'oneHot') {
      if (!(Number.isInteger(index) && index >= 0 && index < numClasses!)) throw new DataError(`${where}: line ${line} of ${path}: class ${index} is not in 0..${numClasses! - 1}. Pass a larger numClasses.`);
      return Array.from({ length: numClasses! }, (_, c) => (c === index ? 1 : 0));
    }
    return [index];
  };
  function* rows(): Generator<Row> {
    let isHeader = true;
    for (const { cells, line } of records()) {
      if (isHeader) {
        isHeader = false;
        continue;
      }
      if (cells.length !== header.length) {
        throw new DataError(
          `${where}: line ${line} of ${path} has ${cells.length} cells but the header has ${header.length} columns. Fix that row (quote cells that hold the delimiter: "1,200").`,
          { path: 'path', received: path, expected: `${header.length} cells per row` },
        );
      }
      const x = featureAt.map((at, j) => {
        const value = Number(cells[at]);
        if (cells[at] === undefined || cells[at].trim() === '' || !Number.isFinite(value)) {
          throw new DataError(`${where}: line ${line} of ${path} has ${features[j]} = ${JSON.stringify(cells[at] ?? '')}, not a number (NaN in features). Clean or impute the file, or leave that column out with features: [...].`, { path: features[j], received: cells[at] });
        }
        return value;
      });
      yield { x, y: encode((cells[labelAt] ?? '').trim(), line) };
    }
  }
  return rowDataset(rows, where, options);
}

/**
 * Batches `{xs, ys}` from in-memory features and targets (tensors or nested arrays), each
 * epoch in a new seeded order when `shuffle` is on. Tensors are sliced per batch on the
 * backend (keep them alive while the dataset is used); arrays are read as they are.
 */
export function fromArrays(data: { x: tf.Tensor | number[][]; y: tf.Tensor | number[][] | number[] }, options: StreamOptions = {}): tf.data.Dataset<Batch> {
  const where = 'datasets.fromArrays';
  checkDataOptions(where, options);
  if (data === null || typeof data !== 'object' || data.x === undefined || data.y === undefined) {
    throw new DataError(`${where}: data must be {x, y} (tensors or arrays), received ${JSON.stringify(data)}. Pass e.g. {x: [[0, 1], [1, 0]], y: [1, 0]}.`);
  }
  if (data.x instanceof tf.Tensor && data.y instanceof tf.Tensor) return tensorBatches(data.x, data.y, where, options);
  const x = data.x instanceof tf.Tensor ? data.x : tf.tensor2d(data.x as number[][]);
  try {
    if (x.rank !== 2) throw new DataError(`${where}: data.x must be 2-D [rows, features], received shape [${x.shape.join(', ')}]. Reshape it first.`);
    assertFinite(x, where, 'data.x');
  } finally {
    if (x !== data.x) x.dispose();
  }
  const xRows = (data.x instanceof tf.Tensor ? (data.x.arraySync() as number[][]) : data.x).map((r) => Array.from(r));
  const yRaw = data.y instanceof tf.Tensor ? (data.y.arraySync() as number[] | number[][]) : data.y;
  const yRows = yRaw.map((v) => (Array.isArray(v) ? Array.from(v) : [v]));
  if (xRows.length !== yRows.length) {
    throw new DataError(`${where}: data.x has ${xRows.length} rows but data.y has ${yRows.length}. Pass features and targets for the same rows.`);
  }
  const { buffer } = checkStreamOptions(where, options);
  const order = (epoch: number) => (buffer > 0 ? permutation(xRows.length, seededRng((options.seed ?? 0) + epoch, where)) : xRows.map((_, i) => i));
  // Whole-array shuffling is exact here, so the buffer shuffle is turned off.
  return rowDataset((epoch) => order(epoch).map((i) => ({ x: xRows[i], y: yRows[i] })), where, { ...options, shuffle: false });
}

/**
 * fromArrays on tensors: each batch is a gather of rows on the backend (nothing is copied to
 * JavaScript, no tensor is held besides the inputs), so x and y must stay alive while the
 * dataset is used. NaN is found with one reduction (the row and column only on failure).
 */
function tensorBatches(x: tf.Tensor, y: tf.Tensor, where: string, options: StreamOptions): tf.data.Dataset<Batch> {
  if (x.rank !== 2) throw new DataError(`${where}: data.x must be 2-D [rows, features], received shape [${x.shape.join(', ')}]. Reshape it first.`);
  if (y.rank !== 1 && y.rank !== 2) throw new DataError(`${where}: data.y must be 1-D or 2-D [rows, targets], received shape [${y.shape.join(', ')}]. Reshape it first.`);
  const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(x))).dataSync()[0]);
  if (bad === 1) assertFinite(x, where, 'data.x');
  const n = x.shape[0];
  if (n !== y.shape[0]) throw new DataError(`${where}: data.x has ${n} rows but data.y has ${y.shape[0]}. Pass features and targets for the same rows.`);
  const { batchSize, buffer, seed } = checkStreamOptions(where, options);
  function* epochBatches(e: number): Generator<Batch> {
    const order = buffer > 0 ? permutation(n, seededRng(seed + e, where)) : Array.from({ length: n }, (_, i) => i);
    for (let start = 0; start < n; start += batchSize) {
      if (x.isDisposed || y.isDisposed) {
        throw new DataError(`${where}: data.${x.isDisposed ? 'x' : 'y'} was disposed while the dataset still reads from it. Keep x and y until you are done with the dataset (or pass arrays).`);
      }
      const rows = order.slice(start, start + batchSize);
      yield tf.tidy(() => {
        const idx = tf.tensor1d(rows, 'int32');
        const ys = tf.gather(y, idx);
        return { xs: tf.cast(tf.gather(x, idx), 'float32') as tf.Tensor2D, ys: tf.cast(ys.rank === 1 ? ys.reshape([-1, 1]) : ys, 'float32') as tf.Tensor2D };
      });
    }
  }
  let epoch = 0;
  // Counted on the first read, as in rowDataset.
  const dataset = tf.data.generator(function* () {
    yield* epochBatches(epoch++);
  });
  Object.defineProperty(dataset, Symbol.for('trainlab.peekFirstBatch'), { value: async () => epochBatches(epoch).next().value, enumerable: false });
  return dataset;
}

/**
 * Batches `{xs, ys}` from a function that returns a fresh iterator of rows `{x, y}` (plain
 * numbers) each epoch: data computed on the fly or read from anywhere, never all in memory.
 */
export function fromGenerator(makeRows: () => Iterator<{ x: number[]; y: number[] | number }> | Iterable<{ x: number[]; y: number[] | number }>, options: StreamOptions = {}): tf.data.Dataset<Batch> {
  const where = 'datasets.fromGenerator';
  checkDataOptions(where, options);
  if (typeof makeRows !== 'function') {
    throw new DataError(`${where}: expected a function returning an iterator of rows {x, y}, received ${typeof makeRows}. Pass e.g. function* () { yield {x: [0, 1], y: 1}; }.`);
  }
  let width: number | undefined;
  function* rows(): Generator<Row> {
    const made = makeRows();
    const iterator = Symbol.iterator in made ? (made as Iterable<Row>)[Symbol.iterator]() : (made as Iterator<Row>);
    let index = 0;
    for (let next = iterator.next(); next.done !== true; next = iterator.next(), index++) {
      const row = next.value as { x: number[]; y: number[] | number };
      const x = Array.isArray(row?.x) ? row.x : undefined;
      if (x === undefined || !x.every((v) => Number.isFinite(v))) {
        throw new DataError(`${where}: row ${index} has x = ${JSON.stringify(row?.x)}; x must be an array of finite numbers (NaN in features). Fix the generator.`);
      }
      width ??= x.length;
      if (x.length !== width) throw new DataError(`${where}: row ${index} has ${x.length} features but earlier rows have ${width}. Yield rows of one width.`);
      yield { x, y: Array.isArray(row.y) ? row.y : [row.y] };
    }
  }
  return rowDataset(rows, where, options);
}

/** True for a `tf.data.Dataset` (e.g. from fromCSV, fromArrays, fromGenerator, tf.data.*). */
export function isDataset(value: unknown): value is tf.data.Dataset<tf.TensorContainer> {
  return value instanceof tf.data.Dataset;
}

function shapeText(shape: ReadonlyArray<number | null>): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/**
 * Problems (empty when fine) between a dataset of `{xs, ys}` batches and a single-input,
 * single-output model, found from the dataset's first batch (which is then disposed):
 * element form, feature shape against the model's input, target shape against its output
 * (skipped with `sparseTargets`), NaN in the batch. For `train`'s input checks.
 */
export async function datasetProblems(model: tf.LayersModel, dataset: tf.data.Dataset<tf.TensorContainer>, label = 'data', sparseTargets = false): Promise<string[]> {
  const iterator = await dataset.iterator();
  const first = await iterator.next();
  if (first.done === true) return [`${label} is an empty dataset (no batches). Check the file or generator it reads from.`];
  const batch = first.value as { xs?: unknown; ys?: unknown };
  const problems: string[] = [];
  try {
    if (batch === null || typeof batch !== 'object' || !(batch.xs instanceof tf.Tensor) || !(batch.ys instanceof tf.Tensor)) {
      return [`${label} must yield batches {xs, ys} of tensors, its first element has keys {${Object.keys(batch ?? {}).join(', ')}}. Map it: dataset.map(({a, b}) => ({xs: a, ys: b})), or use datasets.fromCSV / fromArrays.`];
    }
    const [xs, ys] = [batch.xs, batch.ys];
    const input = model.inputs[0]?.shape;
    if (input !== undefined && (input.length !== xs.rank || input.slice(1).some((d, i) => d !== null && d !== xs.shape[i + 1]))) {
      problems.push(`${label} yields xs of shape ${shapeText(xs.shape)} but the model expects input ${shapeText(input)} (null = any). Pick matching feature columns or fix the model's inputShape.`);
    }
    const output = model.outputs[0]?.shape;
    if (!sparseTargets && output !== undefined && (output.length !== ys.rank || output.slice(1).some((d, i) => d !== null && d !== ys.shape[i + 1]))) {
      problems.push(`${label} yields ys of shape ${shapeText(ys.shape)} but the model outputs ${shapeText(output)}. Use target: 'oneHot' with classes, or fix the output layer.`);
    }
    const bad = tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(xs)), 'int32')).dataSync()[0]);
    if (bad > 0) problems.push(`${label}'s first batch has ${bad} NaN or infinite feature value${bad > 1 ? 's' : ''}. Clean or impute the data.`);
    return problems;
  } finally {
    tf.dispose(batch as tf.TensorContainer);
  }
}
