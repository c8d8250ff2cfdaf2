import * as tf from '@tensorflow/tfjs';
import { simdOps } from './simd';
import { heapF32, runStock, type WasmKernelArgs } from './wasmBackend';

/**
 * The number of columns when `bias` is added to every row of `x` (x: [..., n], bias: [n] or
 * [1, ..., 1, n], both float32, the output shaped like x), else undefined.
 */
export function biasColumns(x: tf.TensorInfo, bias: tf.TensorInfo): number | undefined {
  if (x.dtype !== 'float32' || bias.dtype !== 'float32' || x.shape.length < 2) return undefined;
  const n = x.shape[x.shape.length - 1];
  const leadingOnes = bias.shape.slice(0, -1).every((d) => d === 1);
  const fits = bias.shape.length >= 1 && bias.shape.length <= x.shape.length && leadingOnes && bias.shape[bias.shape.length - 1] === n;
  return fits && n > 0 ? n : undefined;
}

/**
 * Add where one operand is a bias row added to every row of the other (every dense layer's
 * forward pass) as SIMD row additions: wasm's broadcasting Add took ~25 µs for a 128x256
 * batch. Every other Add goes to wasm's own kernel.
 */
export function add({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const a = inputs.a as tf.TensorInfo;
  const b = inputs.b as tf.TensorInfo;
  const simd = simdOps(backend.wasm)?.addRows;
  const bCols = biasColumns(a, b);
  const aCols = bCols === undefined ? biasColumns(b, a) : undefined;
  const cols = bCols ?? aCols;
  if (simd === undefined || cols === undefined || cols < 4) return runStock('Add', inputs, backend, attrs ?? {});
  const [x, bias] = bCols !== undefined ? [a, b] : [b, a];
  const rows = tf.util.sizeFromShape(x.shape) / cols;
  const out = backend.makeOutput(x.shape.slice(), 'float32');
  const src = heapF32(backend, x);
  const row = heapF32(backend, bias);
  const dst = heapF32(backend, out);
  const head = cols - (cols % 4);
  if (rows > 0) simd(src.byteOffset, row.byteOffset, dst.byteOffset, rows, cols * 4, head * 4);
  for (let r = 0; r < rows; r++) {
    for (let c = head; c < cols; c++) dst[r * cols + c] = src[r * cols + c] + row[c];
  }
  return out;
}
