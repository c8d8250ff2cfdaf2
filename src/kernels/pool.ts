import * as tf from '@tensorflow/tfjs';
import { heapF32, type WasmKernelArgs } from './wasmBackend';

/**
 * dx of max pooling: each dy value goes to the first maximum (row-major, strict `>`) of
 * its window in x, the rule of the cpu backend. wasm's own MaxPoolGrad is ~50x slower.
 */
export function maxPoolGrad({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const dy = inputs.dy as tf.TensorInfo;
  const x = inputs.input as tf.TensorInfo;
  const a = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const out = backend.makeOutput(x.shape, 'float32');
  const dx = heapF32(backend, out);
  dx.fill(0);
  const xv = heapF32(backend, x);
  const dyv = heapF32(backend, dy);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Window taps outside, channels inside: memory is read contiguously, one channel per lane.
  const best = new Float32Array(channels);
  const at = new Int32Array(channels);
  for (let n = 0; n < batchSize; n++) {
    const xBatch = n * inHeight * inWidth * channels;
    for (let oh = 0; oh < outHeight; oh++) {
      const rowCorner = oh * strideHeight - padTop;
      let rowMin = rowCorner;
      while (rowMin < 0) rowMin += dilationHeight;
      const rowMax = Math.min(inHeight, rowCorner + effectiveFilterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const colCorner = ow * strideWidth - padLeft;
        let colMin = colCorner;
        while (colMin < 0) colMin += dilationWidth;
        const colMax = Math.min(inWidth, colCorner + effectiveFilterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        at.fill(-1);
        for (let r = rowMin; r < rowMax; r += dilationHeight) {
          for (let q = colMin; q < colMax; q += dilationWidth) {
            const base = xBatch + (r * inWidth + q) * channels;
            for (let c = 0; c < channels; c++) {
              const v = xv[base + c];
              if (v > best[c]) {
                best[c] = v;
                at[c] = base + c;
              }
            }
          }
        }
        const o = ((n * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) if (at[c] >= 0) dx[at[c]] += dyv[o + c];
      }
    }
  }
  return out;
}
