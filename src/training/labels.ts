/**
 * Labels checked against the loss before training: a label the loss cannot mean (class 5
 * of 2, -1, 0.5 as a class, 2 for a binary loss, a row that is not one-hot) trains
 * without an error in tfjs, with a wrong or zero loss. Each check finds the first bad
 * value on the device and reads back only the counts and that one value.
 */
import * as tf from '@tensorflow/tfjs';
import type { ValidationIssue } from '../util/errors';
import { tensorText } from '../util/errors';

const NUMERIC = new Set(['float32', 'int32']);

/** Wrong dtypes of `x` and `y` (strings, booleans, complex numbers). */
export function dtypeProblems(x: tf.Tensor, y: tf.Tensor, label: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const [name, t] of [['x', x], ['y', y]] as const) {
    if (!NUMERIC.has(t.dtype)) {
      const path = `${label}.${name}`;
      out.push({
        path,
        received: tensorText(t),
        expected: 'a float32 or int32 tensor',
        message: `${path} is a ${tensorText(t)}; train needs numbers (float32 or int32). ${t.dtype === 'string' ? 'Parse the strings into numbers (and encode categories as one-hot columns) first.' : `Convert it: ${name}.cast('float32').`}`,
      });
    }
  }
  return out;
}

interface FirstBad {
  count: number;
  index: number;
  value: number;
}

/** Count of entries where `mask` holds, the first such flat index and the value of `t` there. */
function firstWhere(t: tf.Tensor, mask: (flat: tf.Tensor1D) => tf.Tensor1D): FirstBad | undefined {
  const [count, index] = tf.tidy(() => {
    const flat = t.reshape([-1]).toFloat() as tf.Tensor1D;
    const m = mask(flat).toFloat();
    return [m.sum(), m.argMax()];
  });
  try {
    const n = count.dataSync()[0];
    if (n === 0) return undefined;
    const i = index.dataSync()[0];
    const value = tf.tidy(() => (t.reshape([-1]).slice([i], [1]).toFloat().dataSync()[0]));
    return { count: n, index: i, value };
  } finally {
    tf.dispose([count, index]);
  }
}

function rowOf(t: tf.Tensor, flatIndex: number): number {
  const width = t.rank <= 1 ? 1 : t.size / t.shape[0];
  return Math.floor(flatIndex / width);
}

/**
 * Problems of targets `y` under `loss` for a model with `units` outputs per example
 * (undefined when unknown): sparse labels integers in [0, units), binary labels in [0, 1],
 * categorical rows non-negative and summing to 1. Other losses: none.
 */
export function labelProblems(y: tf.Tensor, loss: unknown, units: number | undefined, label: string): ValidationIssue[] {
  if (!NUMERIC.has(y.dtype) || y.size === 0) return [];
  const path = `${label}.y`;
  const issue = (bad: FirstBad, what: string, expected: string, fix: string): ValidationIssue => ({
    path,
    received: bad.value,
    expected,
    message: `${path} has ${bad.count} value${bad.count > 1 ? 's' : ''} that ${what}; the first is ${bad.value} in row ${rowOf(y, bad.index)}. ${fix}`,
  });
  if (loss === 'sparseCategoricalCrossentropy') {
    const last = y.rank >= 2 ? y.shape[y.rank - 1] : 1;
    if (units !== undefined && units > 1 && last === units && last > 1) {
      return [{ path, received: tensorText(y), expected: `class numbers, shape [n] or [n, 1]`, message: `${path} is a ${tensorText(y)}, one column per class (one-hot), but loss 'sparseCategoricalCrossentropy' takes one class number per row. Use loss 'categoricalCrossentropy', or pass y.argMax(-1).` }];
    }
    const classes = units ?? Number.POSITIVE_INFINITY;
    const bad = firstWhere(y, (v) => tf.logicalOr(tf.notEqual(v, tf.floor(v)), tf.logicalOr(tf.less(v, 0), tf.greaterEqual(v, classes))) as tf.Tensor1D);
    if (bad !== undefined) {
      return [issue(bad, `are not a class number in [0, ${classes})`, `integers 0..${classes - 1}`, `Sparse labels are whole class numbers from 0 to ${classes - 1}: renumber the classes, or give the output layer more units.`)];
    }
    return [];
  }
  if (loss === 'binaryCrossentropy') {
    const bad = firstWhere(y, (v) => tf.logicalOr(tf.less(v, 0), tf.greater(v, 1)) as tf.Tensor1D);
    if (bad !== undefined) return [issue(bad, 'are outside [0, 1]', 'values in [0, 1]', `Binary labels are 0 or 1 (or probabilities). For more than two classes use 'categoricalCrossentropy' with one-hot labels or 'sparseCategoricalCrossentropy'.`)];
    return [];
  }
  if (loss === 'categoricalCrossentropy') {
    const negative = firstWhere(y, (v) => tf.less(v, 0) as tf.Tensor1D);
    if (negative !== undefined) return [issue(negative, 'are negative', 'one-hot rows', `Categorical labels are one-hot rows (or probabilities): encode them with oneHot(labels, classes).`)];
    if (y.rank < 2) return [];
    const sums = tf.tidy(() => y.toFloat().sum(-1).reshape([-1]));
    try {
      const off = firstWhere(sums, (s) => tf.greater(tf.abs(tf.sub(s, 1)), 1e-3) as tf.Tensor1D);
      if (off !== undefined) {
        return [{ path, received: off.value, expected: 'rows that sum to 1', message: `${path} has ${off.count} row${off.count > 1 ? 's' : ''} that do not sum to 1 (not one-hot); the first is row ${off.index}, summing to ${off.value}. Encode class numbers with oneHot(labels, classes), or use loss 'sparseCategoricalCrossentropy' for class numbers.` }];
      }
    } finally {
      sums.dispose();
    }
  }
  return [];
}

type TensorsIn = tf.Tensor | tf.Tensor[] | { [name: string]: tf.Tensor };

function list(value: unknown, names: readonly string[]): unknown[] {
  if (value instanceof tf.Tensor) return [value];
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) return names.map((n) => (value as Record<string, unknown>)[n]);
  return [];
}

/** The loss of output `i`: from the config (one name, a list, or a map by output name), else the model's compiled loss. */
function lossOf(model: tf.LayersModel, configLoss: unknown, i: number): unknown {
  const loss = configLoss ?? (model as unknown as { loss?: unknown }).loss;
  if (typeof loss === 'string') return loss;
  if (Array.isArray(loss)) return loss[i];
  if (typeof loss === 'object' && loss !== null) return (loss as Record<string, unknown>)[model.outputNames[i]];
  return undefined;
}

/**
 * Dtype and label problems of in-memory training data (and validation data) against the
 * losses; call after the shape checks passed. Streamed data is checked on its first batch.
 */
export function labelIssues(model: tf.LayersModel, pairs: ReadonlyArray<readonly [string, unknown, unknown]>, configLoss: unknown): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const [label, x, y] of pairs) {
    const xs = list(x as TensorsIn, model.inputNames);
    const ys = list(y as TensorsIn, model.outputNames);
    xs.forEach((t, i) => {
      if (t instanceof tf.Tensor && !t.isDisposed) out.push(...dtypeProblems(t, t, xs.length === 1 ? label : `${label}.x[${i}]`).filter((p) => p.path.endsWith('.x') || p.path.endsWith(']')).map((p) => ({ ...p, path: xs.length === 1 ? `${label}.x` : p.path })));
    });
    ys.forEach((t, i) => {
      if (!(t instanceof tf.Tensor) || t.isDisposed) return;
      const name = ys.length === 1 ? label : `${label}.y[${i}]`;
      const dtype = dtypeProblems(t, t, name).filter((p) => p.path.endsWith('.y'));
      if (dtype.length > 0) return void out.push(...dtype.map((p) => ({ ...p, path: ys.length === 1 ? `${label}.y` : name })));
      const units = model.outputs[i]?.shape[model.outputs[i].shape.length - 1] ?? undefined;
      const found = labelProblems(t, lossOf(model, configLoss, i), units ?? undefined, name);
      out.push(...found.map((p) => (ys.length === 1 ? p : { ...p, path: name, message: p.message.replace(`${name}.y`, name) })));
    });
  }
  return out;
}
