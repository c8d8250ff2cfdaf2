import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { installFastKernels, uninstallFastKernels } from '../../src/kernels';
import { assertMatchesCpu, randomTensor } from './helpers';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Strides = number | [number, number];

function weightedSum(y: tf.Tensor, seed: number): tf.Scalar {
  return tf.sum(tf.mul(y, randomTensor(y.shape, seed)));
}

const convCases: Array<[xShape: number[], filterShape: number[], strides: Strides, pad: Pad]> = [
  [[2, 7, 9, 3], [3, 3, 3, 4], 1, 'same'],
  [[2, 7, 9, 3], [3, 3, 3, 4], 2, 'valid'],
  [[3, 8, 6, 2], [2, 4, 2, 5], [2, 1], 'same'],
  [[1, 5, 5, 1], [5, 5, 1, 2], 1, 'valid'],
  // tfjs sizes numeric padding from the filter height and stride height only, so it is square here.
  [[2, 6, 7, 3], [3, 3, 3, 2], 2, 1],
  [[1, 6, 5, 2], [3, 3, 2, 3], 1, [[0, 0], [1, 2], [2, 0], [0, 0]]],
  [[4, 28, 28, 1], [3, 3, 1, 16], 1, 'valid'],
  // Large enough (>1M patch floats) to be built and multiplied in batch slices.
  [[8, 32, 32, 16], [3, 3, 16, 8], 1, 'same'],
];

for (const [xShape, filterShape, strides, pad] of convCases) {
  const label = `conv2d x [${xShape}] filter [${filterShape}] strides ${JSON.stringify(strides)} pad ${JSON.stringify(pad)}`;
  test(`${label}: forward and both gradients (Conv2DBackpropFilter/Input) match cpu`, async () => {
    await assertMatchesCpu(label, () =>
      tf.tidy(() => {
        const x = randomTensor(xShape, 1) as tf.Tensor4D;
        const f = randomTensor(filterShape, 2) as tf.Tensor4D;
        const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
        const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => weightedSum(conv(a, b), 3))([x, f]);
        return [conv(x, f), dx, df];
      }),
    );
  });
}

const transposeCases: Array<[dyShape: number[], filterShape: number[], outShape: number[], strides: Strides, pad: 'same' | 'valid']> = [
  [[2, 4, 5, 6], [3, 3, 3, 6], [2, 8, 10, 3], 2, 'same'],
  [[1, 5, 5, 4], [3, 3, 2, 4], [1, 7, 7, 2], 1, 'valid'],
  [[3, 3, 4, 2], [2, 3, 5, 2], [3, 6, 12, 5], [2, 3], 'same'],
];

for (const [dyShape, filterShape, outShape, strides, pad] of transposeCases) {
  test(`conv2dTranspose (Conv2DBackpropInput) dy [${dyShape}] filter [${filterShape}] to [${outShape}] strides ${JSON.stringify(strides)} ${pad} matches cpu`, async () => {
    await assertMatchesCpu(`conv2dTranspose ${dyShape}`, () =>
      tf.tidy(() => [
        tf.conv2dTranspose(randomTensor(dyShape, 14) as tf.Tensor4D, randomTensor(filterShape, 15) as tf.Tensor4D, outShape as [number, number, number, number], strides, pad),
      ]),
    );
  });
}

const nchwInputCases: Array<[strides: number, pad: 'same' | 'valid', dyShape: number[]]> = [
  [2, 'same', [2, 5, 4, 3]],
  [2, 'valid', [2, 5, 3, 2]],
  [1, 'same', [2, 5, 7, 6]],
  [1, 'valid', [2, 5, 5, 4]],
];

for (const [strides, pad, dyShape] of nchwInputCases) {
  test(`Conv2DBackpropInput with NCHW data, stride ${strides}, ${pad} matches cpu`, async () => {
    await assertMatchesCpu(`NCHW backprop input ${strides} ${pad}`, () =>
      tf.tidy(() => {
        const dy = randomTensor(dyShape, 16);
        const filter = randomTensor([3, 3, 3, 5], 17);
        const attrs = { strides, pad, dataFormat: 'NCHW', dimRoundingMode: undefined, inputShape: [2, 3, 7, 6] };
        return [tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor];
      }),
    );
  });
}

test('Conv2DBackpropFilter with NCHW data and dimRoundingMode matches cpu', async () => {
  for (const [pad, dimRoundingMode] of [['same', undefined], [1, 'floor'], [1, 'ceil']] as const) {
    await assertMatchesCpu(`NCHW pad ${pad} ${dimRoundingMode ?? ''}`, () =>
      tf.tidy(() => {
        const x = randomTensor([2, 3, 7, 6], 4);
        const outSize = pad === 'same' ? [4, 3] : dimRoundingMode === 'floor' ? [4, 3] : [4, 4];
        const dy = randomTensor([2, 5, ...outSize], 5);
        const attrs = { strides: [2, 2], pad, dataFormat: 'NCHW', dimRoundingMode, filterShape: [3, 3, 3, 5] };
        return [tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor];
      }),
    );
  }
});

const depthwiseCases: Array<[xShape: number[], filterShape: number[], strides: Strides, pad: 'same' | 'valid']> = [
  [[2, 7, 8, 3], [3, 3, 3, 2], 1, 'same'],
  [[2, 7, 8, 3], [3, 3, 3, 1], 2, 'valid'],
  [[1, 9, 6, 4], [2, 3, 4, 3], [2, 1], 'same'],
  [[3, 5, 5, 1], [5, 5, 1, 4], 1, 'valid'],
];

for (const [xShape, filterShape, strides, pad] of depthwiseCases) {
  const label = `depthwiseConv2d x [${xShape}] filter [${filterShape}] strides ${JSON.stringify(strides)} pad ${pad}`;
  test(`${label}: forward and both gradients (DepthwiseConv2dNativeBackpropFilter/Input) match cpu`, async () => {
    await assertMatchesCpu(label, () =>
      tf.tidy(() => {
        const x = randomTensor(xShape, 6) as tf.Tensor4D;
        const f = randomTensor(filterShape, 7) as tf.Tensor4D;
        const conv = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
        const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => weightedSum(conv(a, b), 8))([x, f]);
        return [conv(x, f), dx, df];
      }),
    );
  });
}

// tfjs's depthwise gradient refuses dilations > 1 and the cpu backprop kernels ignore them,
// so dilated backprops are checked against the adjoint identity of the (linear) forward op:
// <dFilter, f> = <dy, conv(x, f)> = <dInput, x>, with the forward computed on cpu.
for (const dilations of [2, [2, 3]] as Array<number | [number, number]>) {
  test(`depthwise backprop kernels with dilations ${JSON.stringify(dilations)} satisfy the adjoint identity`, async () => {
    const xShape = [2, 9, 10, 3];
    const filterShape = [3, 3, 3, 2];
    const dyShape = [2, 9, 10, 6];
    const attrs = { strides: 1, pad: 'same', dilations, dimRoundingMode: undefined };
    await useBackend('cpu', { quiet: true });
    const expected = tf.tidy(() => {
      const y = tf.depthwiseConv2d(randomTensor(xShape, 9) as tf.Tensor4D, randomTensor(filterShape, 10) as tf.Tensor4D, 1, 'same', 'NHWC', dilations);
      return tf.sum(tf.mul(y, randomTensor(dyShape, 11))).dataSync()[0];
    });
    await useBackend('wasm', { quiet: true });
    installFastKernels();
    const before = tf.memory().numTensors;
    const [viaFilter, viaInput] = tf.tidy(() => {
      const x = randomTensor(xShape, 9);
      const filter = randomTensor(filterShape, 10);
      const dy = randomTensor(dyShape, 11);
      const dFilter = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { ...attrs, filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const dInput = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, { ...attrs, inputShape: xShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [tf.sum(tf.mul(dFilter, filter)).dataSync()[0], tf.sum(tf.mul(dInput, x)).dataSync()[0]];
    });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(Math.abs(expected) > 1, `degenerate check: <dy, conv(x, f)> = ${expected}`);
    assert.ok(Math.abs(viaFilter - expected) < 1e-3 * Math.abs(expected), `<dFilter, f> = ${viaFilter}, expected ${expected}`);
    assert.ok(Math.abs(viaInput - expected) < 1e-3 * Math.abs(expected), `<dInput, x> = ${viaInput}, expected ${expected}`);
  });
}

test('a CNN layer trains on wasm only with trainlab kernels installed', async () => {
  await useBackend('wasm', { quiet: true });
  const x = randomTensor([2, 6, 6, 1], 12) as tf.Tensor4D;
  const f = tf.variable(randomTensor([3, 3, 1, 2], 13) as tf.Tensor4D);
  const loss = (): tf.Scalar => tf.sum(tf.conv2d(x, f, 1, 'valid'));
  uninstallFastKernels();
  assert.throws(() => tf.variableGrads(loss), /Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'/);
  installFastKernels();
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(loss);
  assert.deepEqual(grads[f.name].shape, [3, 3, 1, 2]);
  tf.dispose([value, grads[f.name]]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, f]);
});
