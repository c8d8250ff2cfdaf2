/**
 * A tensor as NumPy prints an array: shape, dtype and values, the middle of big tensors
 * elided (`...`), numbers in one compact aligned format; plus an HTML table for 1-D / 2-D.
 */
import * as tf from '@tensorflow/tfjs';
import { escapeHtml } from '../charts/escape';
import type { MimeBundle } from './types';

/** Tensors with more elements than this are summarised (NumPy's `threshold`). */
export const SUMMARY_THRESHOLD = 1000;
/** Items kept at each end of a summarised axis (NumPy's `edgeitems`). */
export const EDGE_ITEMS = 3;
/** Text lines are wrapped at this width (NumPy's `linewidth`). */
const LINE_WIDTH = 75;
/** Rows / columns of the HTML table before the middle is elided (first and last half kept). */
const HTML_MAX = 20;

/** What is read of a tensor: `Tensor` and `Variable` of this or another copy of tfjs. */
interface TensorLike {
  readonly shape: number[];
  readonly dtype: string;
  readonly size: number;
  readonly isDisposed: boolean;
  dataSync(): ArrayLike<number | string> | string[];
  slice(begin: number[], size: number[]): TensorLike;
  dispose(): void;
}

/** True for a tfjs tensor, also one from another copy of tfjs (a notebook's own install). */
export function isTensor(x: unknown): boolean {
  if (x instanceof tf.Tensor) return true;
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Partial<Record<keyof TensorLike, unknown>>;
  const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
  return (name === 'Tensor' || name === 'Variable') && Array.isArray(t.shape) && typeof t.dtype === 'string' && typeof t.dataSync === 'function' && typeof t.isDisposed === 'boolean';
}

type Cell = number | string | boolean;

/** The kept values of `t` in row-major order over `kept` indices per axis (slices read and disposed). */
function readValues(t: TensorLike): { kept: number[][]; cut: boolean[]; values: Cell[] } {
  const shape = t.shape;
  const summarise = t.size > SUMMARY_THRESHOLD;
  const cut = shape.map((d) => summarise && d > 2 * EDGE_ITEMS);
  const kept = shape.map((d, a) => (cut[a] ? [...range(0, EDGE_ITEMS), ...range(d - EDGE_ITEMS, d)] : range(0, d)));
  const convert = (v: number | string): Cell => (t.dtype === 'bool' ? v !== 0 : v);
  if (!cut.some(Boolean)) return { kept, cut, values: Array.from(t.dataSync() as ArrayLike<number | string>, convert) };

  const gridShape = kept.map((k) => k.length);
  const strides = stridesOf(gridShape);
  const values: Cell[] = new Array(gridShape.reduce((a, b) => a * b, 1));
  const cutAxes = shape.map((_, a) => a).filter((a) => cut[a]);
  // One slice per corner block (head or tail on every summarised axis), each read then disposed.
  for (let mask = 0; mask < 2 ** cutAxes.length; mask++) {
    const begin = shape.map(() => 0);
    const size = [...shape];
    const gridStart = shape.map(() => 0);
    cutAxes.forEach((a, bit) => {
      const tail = (mask >> bit) & 1;
      begin[a] = tail ? shape[a] - EDGE_ITEMS : 0;
      size[a] = EDGE_ITEMS;
      gridStart[a] = tail ? EDGE_ITEMS : 0;
    });
    const block = t.slice(begin, size);
    let data: ArrayLike<number | string>;
    try {
      data = block.dataSync() as ArrayLike<number | string>;
    } finally {
      block.dispose();
    }
    const blockStrides = stridesOf(size);
    for (let i = 0; i < data.length; i++) {
      let rest = i;
      let at = 0;
      for (let a = 0; a < size.length; a++) {
        const idx = Math.floor(rest / blockStrides[a]);
        rest -= idx * blockStrides[a];
        at += (gridStart[a] + idx) * strides[a];
      }
      values[at] = convert(data[i]);
    }
  }
  return { kept, cut, values };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = shape.map(() => 1);
  for (let a = shape.length - 2; a >= 0; a--) strides[a] = strides[a + 1] * shape[a + 1];
  return strides;
}

/**
 * One format for all the numbers of a tensor, as NumPy chooses it: integers as integers;
 * otherwise fixed-point with up to 6 significant digits, or scientific when the values
 * span more than 3 decades, reach 1e8 or go below 1e-4.
 */
function numberFormat(values: readonly number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const special = (v: number): string | undefined => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : undefined);
  if (finite.every((v) => Number.isInteger(v) && Math.abs(v) < 1e16)) return (v) => special(v) ?? String(v === 0 ? 0 : v);
  const abs = finite.map(Math.abs).filter((v) => v > 0);
  const max = Math.max(...abs);
  const min = Math.min(...abs);
  const scientific = max >= 1e8 || min < 1e-4 || max / min > 1e3;
  if (scientific) return (v) => special(v) ?? Number(v.toPrecision(5)).toExponential();
  return (v) => special(v) ?? String(Number(v.toPrecision(6)));
}

/** Each value's text, padded to one width (numbers aligned on the decimal point). */
function cellTexts(dtype: string, values: readonly Cell[]): { padded: string[]; plain: string[] } {
  if (dtype === 'string') {
    const plain = values.map((v) => JSON.stringify(String(v)));
    return { padded: plain, plain };
  }
  if (dtype === 'bool') {
    const plain = values.map((v) => String(v));
    const w = Math.max(0, ...plain.map((s) => s.length));
    return { padded: plain.map((s) => s.padStart(w)), plain };
  }
  const nums = values as number[];
  const fmt = numberFormat(nums);
  const plain = nums.map(fmt);
  const parts = plain.map((s) => {
    const dot = /^-?\d+\./.test(s) ? s.indexOf('.') : -1;
    return dot < 0 || s.includes('e') ? [s, ''] : [s.slice(0, dot), s.slice(dot)];
  });
  const intW = Math.max(0, ...parts.map((p) => p[0].length));
  const fracW = Math.max(0, ...parts.map((p) => p[1].length));
  return { padded: parts.map(([i, f]) => i.padStart(intW) + f.padEnd(fracW)), plain };
}

function shapeText(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : `[${shape.join(', ')}]`;
}

/** The nested-bracket text of the kept values. */
function nestedText(gridShape: readonly number[], cut: readonly boolean[], cells: readonly string[]): string {
  const rank = gridShape.length;
  if (rank === 0) return cells[0];
  const strides = stridesOf(gridShape);
  const walk = (axis: number, offset: number): string => {
    const items: string[] = [];
    for (let i = 0; i < gridShape[axis]; i++) {
      if (cut[axis] && i === EDGE_ITEMS) items.push('...');
      items.push(axis === rank - 1 ? cells[offset + i] : walk(axis + 1, offset + i * strides[axis]));
    }
    if (axis < rank - 1) return `[${items.join(`,${'\n'.repeat(rank - axis - 1)}${' '.repeat(axis + 1)}`)}]`;
    // The innermost row starts after `axis` opening brackets; wrap it at LINE_WIDTH.
    const lines: string[] = [];
    let line = '[';
    items.forEach((item, i) => {
      const piece = i === 0 ? item : ` ${item}`;
      if (i > 0 && axis + line.length + piece.length + 2 > LINE_WIDTH) {
        lines.push(line);
        line = `${' '.repeat(axis + 1)}${item}`;
      } else line += piece;
      if (i < items.length - 1) line += ',';
    });
    lines.push(`${line}]`);
    return lines.join('\n');
  };
  return walk(0, 0);
}

/** Positions of a grid axis the HTML table shows (`'gap'` where rows or columns are left out). */
function htmlPositions(kept: readonly number[], cut: boolean): Array<number | 'gap'> {
  const all: Array<number | 'gap'> = kept.map((_, i) => i);
  if (cut) all.splice(EDGE_ITEMS, 0, 'gap');
  if (kept.length <= HTML_MAX) return all;
  const half = HTML_MAX / 2;
  return [...all.slice(0, half), 'gap', ...all.slice(all.length - half)];
}

function tensorHtml(header: string, dtype: string, kept: number[][], cut: boolean[], plain: readonly string[]): string {
  const matrix = kept.length === 1 ? [[0], ...kept] : kept; // a 1-D tensor is one row
  const rowCut = kept.length === 1 ? false : cut[0];
  const colCut = cut[kept.length - 1];
  const rows = htmlPositions(matrix[0], rowCut);
  const cols = htmlPositions(matrix[1], colCut);
  const width = matrix[1].length;
  const align = dtype === 'string' ? 'left' : 'right';
  const head = `<tr><th></th>${cols.map((c) => `<th style="text-align:${align}">${c === 'gap' ? '…' : matrix[1][c]}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => {
      const label = r === 'gap' ? '…' : kept.length === 1 ? '' : String(matrix[0][r]);
      const tds = cols.map((c) => `<td style="text-align:${align}">${r === 'gap' || c === 'gap' ? '…' : escapeHtml(plain[r * width + c])}</td>`);
      return `<tr><th>${label}</th>${tds.join('')}</tr>`;
    })
    .join('');
  return (
    `<div class="trainlab-tensor" style="overflow:auto;max-height:640px;"><table class="dataframe">` +
    `<caption style="text-align:left;white-space:nowrap">${escapeHtml(header)}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`
  );
}

/**
 * The bundle of a tensor: `text/plain` like `Tensor float32 [2, 3]\n[[1, 2, 3],\n [4, 5, 6]]`
 * (more than {@link SUMMARY_THRESHOLD} elements: the first and last {@link EDGE_ITEMS} of
 * each long axis, with `...`), plus `text/html` for 1-D and 2-D tensors. A disposed tensor
 * shows `Tensor (disposed)`. The tensor is not changed; tensors read from are disposed.
 */
export function tensorBundle(value: unknown): MimeBundle {
  const t = value as TensorLike;
  if (t.isDisposed) return { 'text/plain': 'Tensor (disposed)' };
  const header = `Tensor ${t.dtype} ${shapeText(t.shape)}`;
  if (t.dtype === 'complex64') return { 'text/plain': `${header}\n(complex values are not shown; use tf.real / tf.imag)` };
  const { kept, cut, values } = readValues(t);
  const { padded, plain } = cellTexts(t.dtype, values);
  const text = `${header}\n${nestedText(kept.map((k) => k.length), cut, padded)}`;
  if (t.shape.length !== 1 && t.shape.length !== 2) return { 'text/plain': text };
  return { 'text/html': tensorHtml(header, t.dtype, kept, cut, plain), 'text/plain': text };
}
