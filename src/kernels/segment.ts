import * as tf from '@tensorflow/tfjs';
import type { WasmKernelArgs } from './wasmBackend';

/**
 * out[s, ...] = Σ over i with segmentIds[i] = s of x[i, ...]; ids outside [0, numSegments)
 * are dropped, as on the cpu backend. This is the gradient of `gather` (embeddings).
 */
export function unsortedSegmentSum({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  const segmentIds = inputs.segmentIds as tf.TensorInfo;
  const numSegments = (attrs as unknown as tf.UnsortedSegmentSumAttrs).numSegments;
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(
      `UnsortedSegmentSum (trainlab wasm kernel): segmentIds must be 1-D with one id per row of x ` +
        `(length ${x.shape[0]}), got shape [${segmentIds.shape.join(', ')}]. Flatten x and segmentIds first.`,
    );
  }
  const rowSize = tf.util.sizeFromShape(x.shape.slice(1));
  const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
  const result = backend.typedArrayFromHeap(out);
  result.fill(0);
  const values = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const from = i * rowSize;
    const to = s * rowSize;
    for (let j = 0; j < rowSize; j++) result[to + j] += values[from + j];
  }
  return out;
}
