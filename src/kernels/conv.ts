import * as tf from '@tensorflow/tfjs';
import { batchMatMul } from './matMul';
import { dispose, heapF32, reshapeInfo, runStock, type WasmBackend, type WasmKernelArgs } from './wasmBackend';

type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** Patch buffers above this many floats are built and multiplied batch slice by batch slice. */
const MAX_PATCH_FLOATS = 1 << 20;

/**
 * Writes the patches of samples [n0, n1) of NHWC `x` as the columns of `colsT`
 * ([filterH·filterW·inChannels, (n1-n0)·outH·outW], zero where a window hits padding).
 * Row k = (fr, fc, c) of colsT is x shifted by that filter tap, so with stride 1 and one
 * channel each output row is one contiguous copy.
 */
function im2colT(x: Float32Array, colsT: Float32Array, info: Conv2DInfo, n0: number, n1: number): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const columns = (n1 - n0) * outHeight * outWidth;
  let k = 0;
  for (let fr = 0; fr < filterHeight; fr++) {
    for (let fc = 0; fc < filterWidth; fc++) {
      // Output columns whose input column lies inside x for this tap: ow in [owMin, owMax).
      const shift = fc * dilationWidth - padLeft;
      const owMin = Math.max(0, Math.ceil(-shift / strideWidth));
      const owMax = Math.min(outWidth, Math.floor((inWidth - 1 - shift) / strideWidth) + 1);
      for (let c = 0; c < inChannels; c++, k++) {
        let col = k * columns;
        for (let n = n0; n < n1; n++) {
          const xBatch = n * inHeight * inWidth * inChannels;
          for (let oh = 0; oh < outHeight; oh++, col += outWidth) {
            const ih = oh * strideHeight - padTop + fr * dilationHeight;
            if (ih < 0 || ih >= inHeight || owMin >= owMax) {
              colsT.fill(0, col, col + outWidth);
              continue;
            }
            if (owMin > 0) colsT.fill(0, col, col + owMin);
            if (owMax < outWidth) colsT.fill(0, col + owMax, col + outWidth);
            const rowBase = xBatch + ih * inWidth * inChannels + c;
            if (strideWidth === 1 && inChannels === 1) {
              const from = rowBase + owMin + shift;
              colsT.set(x.subarray(from, from + owMax - owMin), col + owMin);
            } else {
              const step = strideWidth * inChannels;
              let src = rowBase + (owMin * strideWidth + shift) * inChannels;
              for (let ow = owMin; ow < owMax; ow++, src += step) colsT[col + ow] = x[src];
            }
          }
        }
      }
    }
  }
}

function toChannelsLast(backend: WasmBackend, t: tf.TensorInfo): tf.TensorInfo {
  return runStock('Transpose', { x: t }, backend, { perm: [0, 2, 3, 1] });
}

/** NHWC to NCHW, disposing the input. */
function toChannelsFirst(backend: WasmBackend, t: tf.TensorInfo): tf.TensorInfo {
  const out = runStock('Transpose', { x: t }, backend, { perm: [0, 3, 1, 2] });
  dispose(backend, t);
  return out;
}

/** Copies a float32 tensor's rows [start, end) of its first axis into a new tensor. */
function sliceRows(backend: WasmBackend, t: tf.TensorInfo, start: number, end: number): tf.TensorInfo {
  const rowSize = tf.util.sizeFromShape(t.shape.slice(1));
  const out = backend.makeOutput([end - start, ...t.shape.slice(1)], 'float32');
  heapF32(backend, out).set(heapF32(backend, t).subarray(start * rowSize, end * rowSize));
  return out;
}

/**
 * For stride 1, dW is itself a convolution in which samples play the role of channels:
 * x as [inC, H, W, batch] convolved with dy as a [outH, outW, batch, outC] filter (same
 * padding as the forward pass) gives [filterH, filterW, inC, outC] laid out as
 * [inC, filterH, filterW, outC]. wasm's XNNPACK convolution runs it without building patches.
 */
function backpropFilterAsConv(backend: WasmBackend, x: tf.TensorInfo, dy: tf.TensorInfo, info: Conv2DInfo): tf.TensorInfo {
  const xT = runStock('Transpose', { x }, backend, { perm: [3, 1, 2, 0] });
  const dyT = runStock('Transpose', { x: dy }, backend, { perm: [1, 2, 0, 3] });
  const { top, bottom, left, right } = info.padInfo;
  const conv = runStock('Conv2D', { x: xT, filter: dyT }, backend, {
    strides: [1, 1],
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  });
  const out = runStock('Transpose', { x: conv }, backend, { perm: [1, 2, 0, 3] });
  dispose(backend, xT, dyT, conv);
  return out;
}

/**
 * dW = Σ patches(x)ᵀ · dy, with the patches built in JS (im2col) and the product done by
 * the wasm matmul. Matches the cpu backend's Conv2DBackpropFilter (which wasm lacks).
 */
export function conv2DBackpropFilter({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const channelsFirst = a.dataFormat === 'NCHW';
  const x = channelsFirst ? toChannelsLast(backend, inputs.x as tf.TensorInfo) : (inputs.x as tf.TensorInfo);
  const dy = channelsFirst ? toChannelsLast(backend, inputs.dy as tf.TensorInfo) : (inputs.dy as tf.TensorInfo);
  try {
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    if (info.strideHeight === 1 && info.strideWidth === 1 && info.inChannels > 1) return backpropFilterAsConv(backend, x, dy, info);
    const patchLength = info.filterHeight * info.filterWidth * info.inChannels;
    const positions = info.outHeight * info.outWidth;
    const batch = info.batchSize;
    const perSlice = Math.max(1, Math.floor(MAX_PATCH_FLOATS / (patchLength * positions)));
    const dy2d = reshapeInfo(backend, dy, [batch * positions, info.outChannels]);
    let total: tf.TensorInfo | undefined;
    try {
      for (let n0 = 0; n0 < batch; n0 += perSlice) {
        const n1 = Math.min(batch, n0 + perSlice);
        const colsT = backend.makeOutput([patchLength, (n1 - n0) * positions], 'float32');
        im2colT(heapF32(backend, x), heapF32(backend, colsT), info, n0, n1);
        const dyPart = n0 === 0 && n1 === batch ? dy2d : sliceRows(backend, dy2d, n0 * positions, n1 * positions);
        const part = runStock('BatchMatMul', { a: colsT, b: dyPart }, backend, { transposeA: false, transposeB: false });
        dispose(backend, colsT);
        if (dyPart !== dy2d) dispose(backend, dyPart);
        if (total === undefined) {
          total = part;
        } else {
          const sum = heapF32(backend, total);
          const add = heapF32(backend, part);
          for (let i = 0; i < sum.length; i++) sum[i] += add[i];
          dispose(backend, part);
        }
      }
    } finally {
      dispose(backend, dy2d);
    }
    const out = reshapeInfo(backend, total as tf.TensorInfo, a.filterShape);
    dispose(backend, total as tf.TensorInfo);
    return out;
  } finally {
    if (channelsFirst) dispose(backend, x, dy);
  }
}

/**
 * Adds each patch row of `cols` ([(n1-n0)·outH·outW, filterH·filterW·inChannels]) back onto
 * the input positions it was taken from (the adjoint of im2col), into NHWC `dx`.
 */
function col2im(cols: Float32Array, dx: Float32Array, info: Conv2DInfo, n0: number, n1: number): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const rowLength = filterHeight * filterWidth * inChannels;
  let row = 0;
  for (let n = n0; n < n1; n++) {
    const xBatch = n * inHeight * inWidth * inChannels;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, row++) {
        const rowBase = row * rowLength;
        for (let fr = 0; fr < filterHeight; fr++) {
          const ih = oh * strideHeight - padTop + fr * dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let fc = 0; fc < filterWidth; fc++) {
            const iw = ow * strideWidth - padLeft + fc * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            const dst = xBatch + (ih * inWidth + iw) * inChannels;
            const src = rowBase + (fr * filterWidth + fc) * inChannels;
            for (let c = 0; c < inChannels; c++) dx[dst + c] += cols[src + c];
          }
        }
      }
    }
  }
}

/**
 * For stride 1, dx is the full convolution of dy with the filter rotated by 180° and its
 * channels swapped; wasm's XNNPACK convolution runs it. Undefined when a padding would be
 * negative (explicit paddings wider than the filter).
 */
function backpropInputAsConv(backend: WasmBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, info: Conv2DInfo): tf.TensorInfo | undefined {
  const { top, bottom, left, right } = info.padInfo;
  const pads = [info.filterHeight - 1 - top, info.filterHeight - 1 - bottom, info.filterWidth - 1 - left, info.filterWidth - 1 - right];
  if (pads.some((p) => p < 0)) return undefined;
  const reversed = runStock('Reverse', { x: filter }, backend, { dims: [0, 1] });
  const rotated = runStock('Transpose', { x: reversed }, backend, { perm: [0, 1, 3, 2] });
  const dx = runStock('Conv2D', { x: dy, filter: rotated }, backend, {
    strides: [1, 1],
    pad: [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  });
  dispose(backend, reversed, rotated);
  return dx;
}

/**
 * dx = col2im(dy · Wᵀ): one XNNPACK matmul per batch slice and a JS scatter-add. wasm's own
 * Conv2DBackpropInput (the gradient of every conv layer after the first, and
 * conv2dTranspose) runs ~10x slower than the forward convolution.
 */
export function conv2DBackpropInput({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const channelsFirst = a.dataFormat === 'NCHW';
  const filter = inputs.filter as tf.TensorInfo;
  const dy = channelsFirst ? toChannelsLast(backend, inputs.dy as tf.TensorInfo) : (inputs.dy as tf.TensorInfo);
  const [batch, d1, d2, d3] = a.inputShape;
  const inputShape: [number, number, number, number] = channelsFirst ? [batch, d2, d3, d1] : [batch, d1, d2, d3];
  try {
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    const viaConv = info.strideHeight === 1 && info.strideWidth === 1 ? backpropInputAsConv(backend, dy, filter, info) : undefined;
    if (viaConv !== undefined) return channelsFirst ? toChannelsFirst(backend, viaConv) : viaConv;
    const patchLength = info.filterHeight * info.filterWidth * info.inChannels;
    const positions = info.outHeight * info.outWidth;
    const perSlice = Math.max(1, Math.floor(MAX_PATCH_FLOATS / (patchLength * positions)));
    const dy2d = reshapeInfo(backend, dy, [batch * positions, info.outChannels]);
    const w2d = reshapeInfo(backend, filter, [patchLength, info.outChannels]);
    const dx = backend.makeOutput(inputShape, 'float32');
    heapF32(backend, dx).fill(0);
    try {
      for (let n0 = 0; n0 < batch; n0 += perSlice) {
        const n1 = Math.min(batch, n0 + perSlice);
        const dyPart = n0 === 0 && n1 === batch ? dy2d : sliceRows(backend, dy2d, n0 * positions, n1 * positions);
        const cols = batchMatMul({ inputs: { a: dyPart, b: w2d }, backend, attrs: { transposeA: false, transposeB: true } });
        col2im(heapF32(backend, cols), heapF32(backend, dx), info, n0, n1);
        dispose(backend, cols);
        if (dyPart !== dy2d) dispose(backend, dyPart);
      }
    } finally {
      dispose(backend, dy2d, w2d);
    }
    return channelsFirst ? toChannelsFirst(backend, dx) : dx;
  } finally {
    if (channelsFirst) dispose(backend, dy);
  }
}

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap): Conv2DInfo {
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations,
    a.pad,
    a.dimRoundingMode,
    true,
  );
}

/**
 * Visits every (sample, output position, filter tap) whose input position lies inside x,
 * passing flat offsets of the x pixel, the dy pixel and the filter tap (channel 0).
 */
function forEachTap(info: Conv2DInfo, visit: (xPixel: number, dyPixel: number, tap: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyPixel = ((n * outHeight + oh) * outWidth + ow) * outChannels;
        for (let fr = 0; fr < filterHeight; fr++) {
          const ih = oh * strideHeight - padTop + fr * dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let fc = 0; fc < filterWidth; fc++) {
            const iw = ow * strideWidth - padLeft + fc * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            visit(((n * inHeight + ih) * inWidth + iw) * inChannels, dyPixel, (fr * filterWidth + fc) * outChannels);
          }
        }
      }
    }
  }
}

/** dW[fr, fc, c, m] = Σ x[n, ih, iw, c] · dy[n, oh, ow, c·mult + m]. */
export function depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  const dy = inputs.dy as tf.TensorInfo;
  const filterShape = (attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs).filterShape;
  const info = depthwiseInfo(x.shape, filterShape, attrs ?? {});
  const out = backend.makeOutput(filterShape, 'float32');
  const dw = heapF32(backend, out);
  dw.fill(0);
  const xv = heapF32(backend, x);
  const dyv = heapF32(backend, dy);
  const channels = info.inChannels;
  const mult = info.outChannels / channels;
  forEachTap(info, (xPixel, dyPixel, tap) => {
    for (let c = 0; c < channels; c++) {
      const xValue = xv[xPixel + c];
      for (let m = 0; m < mult; m++) {
        const o = c * mult + m;
        dw[tap + o] += xValue * dyv[dyPixel + o];
      }
    }
  });
  return out;
}

/** dx[n, ih, iw, c] = Σ dy[n, oh, ow, c·mult + m] · w[fr, fc, c, m]. */
export function depthwiseConv2dNativeBackpropInput({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo {
  const dy = inputs.dy as tf.TensorInfo;
  const filter = inputs.filter as tf.TensorInfo;
  const inputShape = (attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs).inputShape;
  const info = depthwiseInfo(inputShape, filter.shape, attrs ?? {});
  const out = backend.makeOutput(inputShape, 'float32');
  const dx = heapF32(backend, out);
  dx.fill(0);
  const wv = heapF32(backend, filter);
  const dyv = heapF32(backend, dy);
  const channels = info.inChannels;
  const mult = info.outChannels / channels;
  forEachTap(info, (xPixel, dyPixel, tap) => {
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let m = 0; m < mult; m++) {
        const o = c * mult + m;
        sum += dyv[dyPixel + o] * wv[tap + o];
      }
      dx[xPixel + c] += sum;
    }
  });
  return out;
}
