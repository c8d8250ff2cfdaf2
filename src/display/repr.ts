/**
 * What a notebook shows for a cell's last value: the value's own bundle when it implements
 * the display protocol, a built-in one for tfjs tensors and models and danfojs frames, or
 * nothing (the kernel falls back to `util.inspect` text).
 */
import * as tf from '@tensorflow/tfjs';
import { isTableLike, type TableLike } from '../charts/history';
import { tableBundle } from '../charts/table';
import { summary } from '../models/summary';
import { JUPYTER_DISPLAY } from './protocol';
import { isTensor, tensorBundle } from './tensorRepr';
import type { MimeBundle } from './types';
import { TrainlabError } from '../util/errors';

export { JUPYTER_DISPLAY } from './protocol';
export type { Displayable } from './protocol';

/** Rows of a DataFrame shown before the middle is elided (first and last half kept). */
const FRAME_ROWS = 10;
/** Frames longer than this show only their first and last {@link FRAME_ROWS} / 2 rows. */
const FRAME_MAX_ROWS = 20;

const MIME_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

/** A value's display method threw or returned something that is not a MIME bundle. */
export class DisplayProtocolError extends TrainlabError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, undefined, options);
    this.name = 'DisplayProtocolError';
  }
}

function className(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}

function received(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return typeof (x as { then?: unknown }).then === 'function' ? 'a Promise' : `an object with keys [${Object.keys(x).slice(0, 6).join(', ')}]`;
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  return typeof x === 'undefined' ? 'undefined' : `${typeof x} ${String(x)}`;
}

function ownBundle(value: object, method: (this: unknown) => unknown): MimeBundle {
  const where = `${className(value)}[Symbol.for('Jupyter.display')]()`;
  let bundle: unknown;
  try {
    bundle = method.call(value);
  } catch (error) {
    throw new DisplayProtocolError(`displayBundle: ${where} threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const fix = "Return a MIME bundle object such as {'text/plain': 'summary', 'text/html': '<b>summary</b>'}.";
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle) || typeof (bundle as { then?: unknown }).then === 'function') {
    throw new DisplayProtocolError(`displayBundle: ${where} must return an object of MIME type → data, received ${received(bundle)}. ${fix}`);
  }
  const bad = Object.keys(bundle).filter((k) => !MIME_TYPE.test(k));
  if (bad.length > 0) {
    throw new DisplayProtocolError(`displayBundle: ${where} returned keys that are not MIME types: ${bad.map((k) => JSON.stringify(k)).join(', ')}. ${fix}`);
  }
  return bundle as MimeBundle;
}

/** A danfojs DataFrame or Series (recognised by shape and class name: danfojs is not loaded here). */
function isFrame(value: object): value is TableLike {
  const name = className(value);
  return (name === 'DataFrame' || name === 'Series') && isTableLike(value);
}

/**
 * The rich MIME bundle for a value, or `undefined` when it has none (the kernel then uses
 * `util.inspect` text). Never changes or disposes the value.
 *
 * In order:
 * 1. a value with a method at `[Symbol.for('Jupyter.display')]` (the protocol of Deno's
 *    Jupyter kernel) shows what that method returns: an object of MIME type → data. If the
 *    method throws or returns something else, a {@link DisplayProtocolError} naming the class
 *    is thrown (the kernel then shows plain text and a one-line warning). trainlab's figures,
 *    `train` results and configs implement it;
 * 2. built-ins: a tfjs `Tensor` (shape, dtype and values as NumPy prints them; HTML table for
 *    1-D / 2-D), a `LayersModel` (its {@link summary}), a danfojs `DataFrame` / `Series`
 *    (HTML and text table, long frames as head and tail);
 * 3. `undefined` for anything else, including plain objects, arrays and Promises.
 *
 * @example
 * // Your own class shows itself as the last value of a cell:
 * class Accuracy {
 *   constructor(readonly value: number) {}
 *   [JUPYTER_DISPLAY]() {
 *     return { 'text/plain': `accuracy ${this.value}`, 'text/html': `<b>accuracy</b> ${this.value}` };
 *   }
 * }
 * displayBundle(new Accuracy(0.93)) // → {'text/plain': 'accuracy 0.93', 'text/html': '<b>accuracy</b> 0.93'}
 */
export function displayBundle(value: unknown): MimeBundle | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  const method = (value as { [JUPYTER_DISPLAY]?: unknown })[JUPYTER_DISPLAY];
  if (typeof method === 'function') return ownBundle(value, method as (this: unknown) => unknown);
  if (isTensor(value)) return tensorBundle(value);
  if (value instanceof tf.LayersModel) {
    const s = summary(value, { show: false });
    return { 'text/html': s.html, 'text/plain': s.text };
  }
  if (isFrame(value)) {
    const { html, text } = tableBundle(value, { maxRows: value.values.length > FRAME_MAX_ROWS ? FRAME_ROWS : FRAME_MAX_ROWS });
    return { 'text/html': html, 'text/plain': `${className(value)}\n${text}` };
  }
  return undefined;
}
