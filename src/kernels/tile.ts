import * as tf from '@tensorflow/tfjs';
import type { WasmKernelArgs } from './wasmBackend';

type Values = Float32Array | Int32Array | Uint8Array;

/**
 * Writes x tiled by `reps` into out by copying whole innermost rows and then whole
 * blocks (wasm's own Tile goes element by element and is ~50x slower).
 */
function tileInto(x: Values, out: Values, shape: number[], reps: number[]): void {
  const strides: number[] = [];
  let size = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = size;
    size *= shape[d];
  }
  const write = (d: number, src: number, dst: number): number => {
    if (d === shape.length - 1) {
      const row = x.subarray(src, src + shape[d]);
      for (let r = 0; r < reps[d]; r++, dst += shape[d]) out.set(row, dst);
      return dst;
    }
    const start = dst;
    for (let i = 0; i < shape[d]; i++) dst = write(d + 1, src + i * strides[d], dst);
    const block = dst - start;
    for (let r = 1; r < reps[d]; r++, dst += block) out.copyWithin(dst, start, start + block);
    return dst;
  };
  write(0, 0, 0);
}

export function tile({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  const reps = (attrs as unknown as tf.TileAttrs).reps;
  const outShape = x.shape.map((s, i) => s * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  if (x.shape.length === 0) {
    backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x));
    return out;
  }
  tileInto(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), x.shape, reps);
  return out;
}
