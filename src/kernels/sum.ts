import * as tf from '@tensorflow/tfjs';
import { simdOps } from './simd';
import { heapF32, runStock, type WasmKernelArgs } from './wasmBackend';

/**
 * Sum over leading axes — the bias gradient of every dense layer (a sum over the batch) —
 * as SIMD row additions, without the transpose that wasm's Sum makes first (~25-75 µs
 * per bias in an MLP step). Every other reduction goes to wasm's own kernel.
 */
export function sum({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
  const cols = tf.util.sizeFromShape(x.shape.slice(axes.length));
  if (x.dtype !== 'float32' || !leading || rows === 0 || cols === 0) return runStock('Sum', inputs, backend, attrs ?? {});
  const outShape = keepDims === true ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
  const out = backend.makeOutput(outShape, 'float32');
  const src = heapF32(backend, x);
  const dst = heapF32(backend, out);
  const simd = simdOps(backend.wasm)?.sumRows;
  const head = simd === undefined ? 0 : cols - (cols % 4);
  if (simd !== undefined && head > 0) simd(src.byteOffset, dst.byteOffset, rows, cols * 4, head * 4);
  for (let c = head; c < cols; c++) {
    let total = 0;
    for (let r = 0; r < rows; r++) total += src[r * cols + c];
    dst[c] = total;
  }
  return out;
}
