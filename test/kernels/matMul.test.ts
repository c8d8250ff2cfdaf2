import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import { swapIsCheaper } from '../../src/kernels/matMul';
import { assertMatchesCpu, randomTensor } from './helpers';

type Case = [aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean];

const cases: Case[] = [
  [[3, 5], [5, 7], false, false],
  [[5, 3], [5, 7], true, false],
  [[3, 5], [7, 5], false, true],
  [[5, 3], [7, 5], true, true],
  [[1, 9], [9, 1], false, false],
  [[17, 33], [29, 33], false, true],
  [[130, 64], [130, 70], true, false],
  [[2, 3, 5], [2, 5, 4], false, false],
  [[2, 5, 3], [2, 5, 4], true, false],
  [[2, 3, 5], [2, 4, 5], false, true],
  [[2, 5, 3], [2, 4, 5], true, true],
  [[2, 3, 4, 5], [2, 3, 6, 5], false, true],
  [[2, 3, 5, 4], [2, 3, 5, 6], true, false],
  // Large enough to be multiplied slice by slice, with and without broadcast batches.
  [[3, 20, 30], [3, 30, 25], false, false],
  [[3, 30, 20], [1, 25, 30], true, true],
  [[1, 20, 30], [4, 30, 25], false, false],
  [[2, 3, 20, 30], [2, 3, 25, 30], false, true],
  [[2, 1, 20, 30], [1, 3, 30, 25], false, false],
  // Transposed operands whose last two axes are multiples of 4 (SIMD 4x4-block transposes).
  [[4, 4], [4, 4], true, true],
  [[128, 64], [128, 72], true, false],
  [[12, 8], [20, 8], false, true],
  [[2, 8, 12], [2, 8, 4], true, false],
  [[2, 3, 4, 8], [2, 3, 12, 8], false, true],
  // Right operand much larger than the left: computed as (op(B)ᵀ·op(A)ᵀ)ᵀ, any transposes, odd sizes.
  [[8, 300], [300, 256], false, false],
  [[300, 8], [256, 300], true, true],
  [[8, 300], [256, 300], false, true],
  [[300, 8], [300, 256], true, false],
  [[5, 301], [301, 255], false, false],
  // Packed operand just above the swap threshold (k·n ≥ 16384), like dY·Wᵀ of a hidden layer.
  [[9, 64], [257, 64], false, true],
  [[64, 9], [64, 260], true, false],
];

/** Output weights make each gradient depend on where each output lands. */
function weightedSum(y: tf.Tensor, seed: number): tf.Scalar {
  return tf.sum(tf.mul(y, randomTensor(y.shape, seed)));
}

for (const [aShape, bShape, transposeA, transposeB] of cases) {
  const label = `matMul [${aShape}]${transposeA ? 'ᵀ' : ''} x [${bShape}]${transposeB ? 'ᵀ' : ''}`;

  test(`${label}: BatchMatMul forward (and gradients unless batches broadcast) match cpu`, async () => {
    await assertMatchesCpu(label, () =>
      tf.tidy(() => {
        const a = randomTensor(aShape, 1);
        const b = randomTensor(bShape, 2);
        const y = tf.matMul(a, b, transposeA, transposeB);
        // tfjs has no gradient for broadcast batch dimensions (on any backend).
        if (aShape.slice(0, -2).join() !== bShape.slice(0, -2).join()) return [y];
        const [da, db] = tf.grads((x: tf.Tensor, w: tf.Tensor) => weightedSum(tf.matMul(x, w, transposeA, transposeB), 3))([a, b]);
        return [y, da, db];
      }),
    );
  });

  if (aShape.length === 2) {
    for (const activation of ['linear', 'relu'] as const) {
      test(`${label}: _FusedMatMul with bias and ${activation} matches cpu, forward and gradients`, async () => {
        const outCols = transposeB ? bShape[0] : bShape[1];
        await assertMatchesCpu(`${label} fused ${activation}`, () =>
          tf.tidy(() => {
            const a = randomTensor(aShape, 4);
            const b = randomTensor(bShape, 5);
            const bias = randomTensor([outCols], 6);
            const f = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
              tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, transposeA, transposeB, bias: c, activation });
            const [da, db, dbias] = tf.grads((x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => weightedSum(f(x, w, c), 7))([a, b, bias]);
            return [f(a, b, bias), da, db, dbias];
          }),
        );
      });
    }
  }
}

const fusedForwardOnly: Array<[activation: 'elu' | 'prelu' | 'leakyrelu' | 'sigmoid', transposeA: boolean, transposeB: boolean]> = [
  ['elu', true, false],
  ['prelu', false, true],
  ['leakyrelu', true, true],
  ['sigmoid', false, true],
];

for (const [activation, transposeA, transposeB] of fusedForwardOnly) {
  test(`_FusedMatMul ${activation} (transposeA ${transposeA}, transposeB ${transposeB}) matches cpu`, async () => {
    await assertMatchesCpu(`fused ${activation}`, () =>
      tf.tidy(() => {
        const a = randomTensor(transposeA ? [6, 4] : [4, 6], 8);
        const b = randomTensor(transposeB ? [5, 6] : [6, 5], 9);
        const y = tf.fused.matMul({
          a: a as tf.Tensor2D,
          b: b as tf.Tensor2D,
          transposeA,
          transposeB,
          bias: randomTensor([5], 10),
          activation,
          preluActivationWeights: activation === 'prelu' ? randomTensor([5], 11) : undefined,
          leakyreluAlpha: activation === 'leakyrelu' ? 0.3 : undefined,
        });
        return [y];
      }),
    );
  });
}

const swapCases: Array<[m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, swapped: boolean]> = [
  [128, 784, 256, false, false, true], // the MLP's first layer, forward
  [128, 256, 128, false, false, false], // square-ish: no gain
  [784, 128, 256, false, false, false], // the packed operand is already the smaller one
  [128, 128, 256, false, true, true], // the MLP's second layer, input gradient dY·Wᵀ
  [128, 64, 256, false, true, true],
  [16, 64, 128, false, false, false], // packed operand small (k·n < 16384)
  [8, 300, 256, false, false, true],
  [300, 300, 256, false, false, false], // left operand as large as the right one
];

for (const [m, k, n, transposeA, transposeB, swapped] of swapCases) {
  test(`swapIsCheaper(${m}, ${k}, ${n}, ${transposeA}, ${transposeB}) is ${swapped}`, () => {
    assert.equal(swapIsCheaper(m, k, n, transposeA, transposeB), swapped);
  });
}
