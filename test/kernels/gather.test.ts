import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { useBackend } from '../../src/backend';
import { installFastKernels } from '../../src/kernels';
import * as tf from '@tensorflow/tfjs';
import { assertMatchesCpu, randomTensor } from './helpers';

const segmentCases: Array<[xShape: number[], ids: number[], numSegments: number]> = [
  [[5, 3], [0, 2, 2, 4, 1], 5],
  [[6], [3, 3, 3, 0, 1, 1], 4],
  [[4, 2, 3], [1, 0, 1, 1], 3],
  [[5, 2], [0, -1, 7, 1, 1], 3],
  [[7, 33], [6, 5, 4, 3, 2, 1, 0], 9],
];

for (const [xShape, ids, numSegments] of segmentCases) {
  test(`unsortedSegmentSum x [${xShape}] ids [${ids}] into ${numSegments} matches cpu (float32 and int32)`, async () => {
    await assertMatchesCpu(`segments ${ids}`, () =>
      tf.tidy(() => {
        const x = randomTensor(xShape, 1);
        const segmentIds = tf.tensor1d(ids, 'int32');
        const asInt = tf.unsortedSegmentSum(tf.cast(tf.mul(x, 100), 'int32'), segmentIds, numSegments);
        return [tf.unsortedSegmentSum(x, segmentIds, numSegments), tf.cast(asInt, 'float32')];
      }),
    );
  });
}

const gatherCases: Array<[tableShape: number[], indices: number[]]> = [
  [[10, 4], [3, 3, 9, 0, 3]],
  [[7, 2, 3], [6, 0, 6]],
  [[50, 16], [49, 1, 1, 2, 3, 5, 8, 13, 21, 34, 1]],
];

for (const [tableShape, indices] of gatherCases) {
  test(`embedding gradient (gather of [${tableShape}] at [${indices}]) matches cpu`, async () => {
    await assertMatchesCpu(`gather ${indices}`, () =>
      tf.tidy(() => {
        const table = randomTensor(tableShape, 2);
        const at = tf.tensor1d(indices, 'int32');
        const weights = randomTensor([indices.length, ...tableShape.slice(1)], 3);
        const dTable = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, at), weights)))(table);
        return [dTable];
      }),
    );
  });
}

const gatherForward: Array<[xShape: number[], indices: number[][] | number[], axis: number, batchDims: number, dtype: 'float32' | 'int32']> = [
  [[10, 4], [3, 3, 9, 0], 0, 0, 'float32'],
  [[4, 5, 3], [4, 0, 2], 1, 0, 'float32'],
  [[4, 5, 3], [2, 1, 1, 0, 2], 2, 0, 'int32'],
  [[6], [[5, 4], [0, 1]], 0, 0, 'float32'],
  [[2, 5, 3], [[4, 0], [1, 1]], 1, 1, 'float32'],
  [[3, 784], [2, 0, 1, 2], 0, 0, 'float32'],
];

for (const [xShape, indices, axis, batchDims, dtype] of gatherForward) {
  test(`gather x [${xShape}] ${dtype} at ${JSON.stringify(indices)} axis ${axis} batchDims ${batchDims} matches cpu`, async () => {
    await assertMatchesCpu(`gather ${JSON.stringify(indices)}`, () =>
      tf.tidy(() => {
        const x = randomTensor(xShape, 5);
        const typed = dtype === 'float32' ? x : tf.cast(tf.mul(x, 10), 'int32');
        return [tf.cast(tf.gather(typed, tf.tensor(indices, undefined, 'int32'), axis, batchDims), 'float32')];
      }),
    );
  });
}

test('gather with an index out of range throws like the cpu backend', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await useBackend(backend, { quiet: true });
    installFastKernels();
    const x = tf.ones([3, 2]);
    const at = tf.tensor1d([0, 3], 'int32');
    assert.throws(() => tf.gather(x, at), /GatherV2: the index value 3 is not in \[0, 2\]/, backend);
    tf.dispose([x, at]);
  }
});
