import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { FAST_KERNEL_NAMES, fastKernelsInstalled, fastKernelsWanted, installFastKernels, uninstallFastKernels } from '../../src/kernels';

const ADDED = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum', 'TrainlabAdamUpdate'];
const REPLACED = ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Tile', 'GatherV2', 'Identity', 'Cast', 'Add', 'Sum', 'Conv2D', 'FusedConv2D'];

test('FAST_KERNEL_NAMES lists the replaced and the added kernels', () => {
  assert.deepEqual([...FAST_KERNEL_NAMES].sort(), [...ADDED, ...REPLACED].sort());
});

test('install / uninstall swap the kernels and restore the stock ones exactly', async () => {
  await useBackend('wasm', { quiet: true });
  uninstallFastKernels();
  const stock = new Map(REPLACED.map((name) => [name, tf.getKernel(name, 'wasm')?.kernelFunc]));
  for (const name of ADDED) assert.equal(tf.getKernel(name, 'wasm'), undefined, `${name} should be absent from stock wasm`);
  assert.equal(fastKernelsInstalled(), false);

  for (let round = 0; round < 2; round++) {
    installFastKernels();
    installFastKernels(); // twice is harmless
    assert.equal(fastKernelsInstalled(), true);
    for (const name of REPLACED) assert.notEqual(tf.getKernel(name, 'wasm')?.kernelFunc, stock.get(name), `${name} replaced`);
    for (const name of ADDED) assert.equal(typeof tf.getKernel(name, 'wasm')?.kernelFunc, 'function', `${name} added`);
    uninstallFastKernels();
    assert.equal(fastKernelsInstalled(), false);
    for (const name of REPLACED) assert.equal(tf.getKernel(name, 'wasm')?.kernelFunc, stock.get(name), `${name} restored`);
    for (const name of ADDED) assert.equal(tf.getKernel(name, 'wasm'), undefined, `${name} removed`);
  }
  installFastKernels();
});

test('the cpu backend is left alone', async () => {
  await useBackend('cpu', { quiet: true });
  const before = FAST_KERNEL_NAMES.map((name) => tf.getKernel(name, 'cpu'));
  installFastKernels();
  assert.deepEqual(FAST_KERNEL_NAMES.map((name) => tf.getKernel(name, 'cpu')), before);
});

const envCases: Array<[value: string | undefined, wanted: boolean]> = [
  [undefined, true],
  ['', true],
  ['1', true],
  ['0', false],
  ['false', false],
  [' FALSE ', false],
];

for (const [value, wanted] of envCases) {
  test(`TRAINLAB_FAST_KERNELS=${JSON.stringify(value)} → fastKernelsWanted() is ${wanted}`, () => {
    assert.equal(fastKernelsWanted(value === undefined ? {} : { TRAINLAB_FAST_KERNELS: value }), wanted);
  });
}

test("useBackend('wasm') installs the kernels unless TRAINLAB_FAST_KERNELS=0", async () => {
  uninstallFastKernels();
  process.env.TRAINLAB_FAST_KERNELS = '0';
  try {
    await useBackend('wasm', { quiet: true });
    assert.equal(fastKernelsInstalled(), false);
  } finally {
    delete process.env.TRAINLAB_FAST_KERNELS;
  }
  await useBackend('wasm', { quiet: true });
  assert.equal(fastKernelsInstalled(), true);
});

test('Identity shares data: a clone outlives its disposed original, and variables update independently', async () => {
  await useBackend('wasm', { quiet: true });
  installFastKernels();
  const before = tf.memory().numTensors;
  const original = tf.tensor1d([1, 2, 3]);
  const copy = tf.clone(original);
  original.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1, 2, 3]);
  const v: tf.Variable = tf.variable(copy as tf.Tensor);
  const doubled: tf.Tensor = tf.mul(v, 2);
  v.assign(doubled);
  doubled.dispose();
  assert.deepEqual(Array.from(v.dataSync()), [2, 4, 6]);
  assert.deepEqual(Array.from(copy.dataSync()), [1, 2, 3]);
  tf.dispose([copy, v]);
  assert.equal(tf.memory().numTensors, before);
});
