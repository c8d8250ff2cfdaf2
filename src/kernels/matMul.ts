import * as tf from '@tensorflow/tfjs';
import { simdOps } from './simd';
import { dispose, heapF32, reshapeInfo, runStock, type WasmKernelArgs, type WasmBackend } from './wasmBackend';

// Inside wasm a matmul with transposeA/transposeB runs ~20x slower than the plain one,
// and every backward pass is made of transposed matmuls. Transposing first (a cheap,
// memory-bound copy) and then calling the plain kernel is ~10x faster.

/**
 * Swaps the last two axes: SIMD 4x4 blocks when both are multiples of 4 (2-3x faster than
 * wasm's element-by-element Transpose), the stock kernel otherwise.
 */
function transposeLastTwo(backend: WasmBackend, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const [rows, cols] = x.shape.slice(-2);
  const simd = simdOps(backend.wasm)?.transpose;
  if (simd !== undefined && x.dtype === 'float32' && rows % 4 === 0 && cols % 4 === 0 && rows * cols > 0) {
    const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], 'float32');
    const src = heapF32(backend, x);
    const dst = heapF32(backend, out);
    const size = rows * cols * 4;
    for (let offset = 0; offset < src.byteLength; offset += size) simd(src.byteOffset + offset, dst.byteOffset + offset, rows, cols);
    return out;
  }
  const perm = x.shape.map((_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return runStock('Transpose', { x }, backend, { perm });
}

// XNNPACK packs the right-hand operand ("weights") every time it changes, which in training
// is every step: ~3 ns per element, against ~0.1-0.6 ns for a SIMD transpose. When the
// right operand is much larger than the left one (X·W with more units than samples), the
// product is cheaper as (op(B)ᵀ·op(A)ᵀ)ᵀ. Costs below in ns per element, measured here.
const PACK_NS = 3;
const SIMD_TRANSPOSE_NS = 0.4;
const STOCK_TRANSPOSE_NS = 1.5;
/**
 * Products whose packed operand is smaller than this stay as they are. At 16384 elements a
 * swap the model favours still measured ~8% faster (128x64 · (256x64)ᵀ); the MLP's second
 * layer input gradient, 128x128 · (256x128)ᵀ, ~10% (385 against 430 µs).
 */
const MIN_SWAP_PACK = 16384;

function transposeNs(rows: number, cols: number): number {
  return rows * cols * (rows % 4 === 0 && cols % 4 === 0 ? SIMD_TRANSPOSE_NS : STOCK_TRANSPOSE_NS);
}

/** Whether op(A)·op(B), A: m×k, B: k×n, is estimated >20% cheaper computed swapped. */
export function swapIsCheaper(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): boolean {
  if (k * n < MIN_SWAP_PACK) return false;
  const straight = PACK_NS * k * n + (transposeA ? transposeNs(k, m) : 0) + (transposeB ? transposeNs(n, k) : 0);
  const swapped = PACK_NS * k * m + (transposeB ? 0 : transposeNs(k, n)) + (transposeA ? 0 : transposeNs(m, k)) + transposeNs(n, m);
  return swapped < 0.8 * straight;
}

/** op(A)·op(B) for 2-D operands as the transpose of op(B)ᵀ·op(A)ᵀ (XNNPACK then packs op(A)ᵀ). */
function swappedMatMul(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo {
  const left = transposeB ? b : transposeLastTwo(backend, b);
  const right = transposeA ? a : transposeLastTwo(backend, a);
  try {
    const productT = runStock('BatchMatMul', { a: left, b: right }, backend, { transposeA: false, transposeB: false });
    const product = transposeLastTwo(backend, productT);
    dispose(backend, productT);
    return product;
  } finally {
    if (!transposeB) dispose(backend, left);
    if (!transposeA) dispose(backend, right);
  }
}

/** Calls `stockName` on (a, b) with both transposes applied beforehand. */
function untransposed(
  stockName: string,
  { inputs, backend, attrs }: WasmKernelArgs,
): tf.TensorInfo {
  const transposeA = attrs?.transposeA === true;
  const transposeB = attrs?.transposeB === true;
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  if (stockName === 'BatchMatMul' && a.shape.length === 2 && b.shape.length === 2) {
    const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
    const n = transposeB ? b.shape[0] : b.shape[1];
    if (swapIsCheaper(m, k, n, transposeA, transposeB)) return swappedMatMul(backend, a, b, transposeA, transposeB);
  }
  const aPlain = transposeA ? transposeLastTwo(backend, a) : a;
  const bPlain = transposeB ? transposeLastTwo(backend, b) : b;
  try {
    return runStock(stockName, { ...inputs, a: aPlain, b: bPlain }, backend, {
      ...attrs,
      transposeA: false,
      transposeB: false,
    });
  } finally {
    if (transposeA) dispose(backend, aPlain);
    if (transposeB) dispose(backend, bPlain);
  }
}

/** Products smaller than this (m·k·n) stay on wasm's own batched loop. */
const MIN_SLICED_WORK = 4096;

/** Rows [i·size, (i+1)·size) of `t` as a new 2-D tensor, or `t` itself reshaped when it has one slice. */
function slice2d(backend: WasmBackend, t: tf.TensorInfo, i: number, rows: number, cols: number): tf.TensorInfo {
  if (tf.util.sizeFromShape(t.shape) === rows * cols) return reshapeInfo(backend, t, [rows, cols]);
  const out = backend.makeOutput([rows, cols], 'float32');
  const size = rows * cols;
  heapF32(backend, out).set(heapF32(backend, t).subarray(i * size, (i + 1) * size));
  return out;
}

/**
 * wasm multiplies batched (rank > 2) operands with a naive loop at ~2 GFLOP/s; only a
 * single 2-D product goes through XNNPACK (~20 GFLOP/s). Multiplies slice by slice instead.
 * Returns undefined where wasm's own loop is as good (tiny products, general broadcasting).
 */
function slicedBatchMatMul(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | undefined {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = tf.util.sizeFromShape(batchShape);
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const simple = (batchA === batch || batchA === 1) && (batchB === batch || batchB === 1);
  if (batch <= 1 || !simple || m * k * n < MIN_SLICED_WORK || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const out = backend.makeOutput([...batchShape, m, n], 'float32');
  for (let i = 0; i < batch; i++) {
    const ai = slice2d(backend, a, i, m, k);
    const bi = slice2d(backend, b, i, k, n);
    const ci = runStock('BatchMatMul', { a: ai, b: bi }, backend, { transposeA: false, transposeB: false });
    heapF32(backend, out).set(heapF32(backend, ci), i * m * n);
    dispose(backend, ai, bi, ci);
  }
  return out;
}

export function batchMatMul(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  if (a.shape.length <= 2 && b.shape.length <= 2) return untransposed('BatchMatMul', args);
  const aPlain = attrs?.transposeA === true ? transposeLastTwo(backend, a) : a;
  const bPlain = attrs?.transposeB === true ? transposeLastTwo(backend, b) : b;
  try {
    return (
      slicedBatchMatMul(backend, aPlain, bPlain) ??
      runStock('BatchMatMul', { a: aPlain, b: bPlain }, backend, { transposeA: false, transposeB: false })
    );
  } finally {
    if (aPlain !== a) dispose(backend, aPlain);
    if (bPlain !== b) dispose(backend, bPlain);
  }
}

export function fusedMatMul(args: WasmKernelArgs): tf.TensorInfo {
  return untransposed('_FusedMatMul', args);
}
