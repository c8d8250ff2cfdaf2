import * as tf from '@tensorflow/tfjs';
import { dispose, runStock, type WasmKernelArgs, type WasmBackend } from './wasmBackend';

// Inside wasm a matmul with transposeA/transposeB runs ~20x slower than the plain one,
// and every backward pass is made of transposed matmuls. Transposing first (a cheap,
// memory-bound copy) and then calling the plain kernel is ~10x faster.

/** Swaps the last two axes with the stock Transpose kernel. */
function transposeLastTwo(backend: WasmBackend, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return runStock('Transpose', { x }, backend, { perm });
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

export function batchMatMul(args: WasmKernelArgs): tf.TensorInfo {
  return untransposed('BatchMatMul', args);
}

export function fusedMatMul(args: WasmKernelArgs): tf.TensorInfo {
  return untransposed('_FusedMatMul', args);
}
