import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { installFastKernels, uninstallFastKernels } from '../../src/kernels';
import { ADAM_UPDATE } from '../../src/kernels/adam';
import { createOptimizer } from '../../src/optimizers';
import { assertMatchesCpu, randomTensor, values } from './helpers';

type MakeOptimizer = () => tf.Optimizer;

const OPTIMIZERS: Array<[label: string, make: MakeOptimizer]> = [
  ['tf.train.adam(0.01)', () => tf.train.adam(0.01)],
  ['tf.train.adam(0.1, 0.8, 0.95, 1e-3)', () => tf.train.adam(0.1, 0.8, 0.95, 1e-3)],
  ["createOptimizer('adam')", () => createOptimizer({ name: 'adam', learningRate: 0.02 })],
  ["createOptimizer('adamw')", () => createOptimizer({ name: 'adamw', learningRate: 0.02, weightDecay: 0.1 })],
  ['adam with clipping', () => createOptimizer({ name: 'adam', learningRate: 0.05, globalClipNorm: 0.5 })],
];

// Sizes around the SIMD width (groups of 4 plus a JS tail), odd shapes, a dense kernel.
const SHAPES: number[][][] = [
  [[1], [4], [5]],
  [[3, 7], [7]],
  [[2, 3, 5], [9, 13]],
  [[33, 17], [17]],
];

/**
 * Three Adam steps with fixed gradients (the third with a changed learning rate, as
 * schedules do), then the variables and the optimizer's moments, as clones.
 */
function trainedState(make: MakeOptimizer, shapes: number[][], gradientsAsArray: boolean): tf.Tensor[] {
  const vars = shapes.map((shape, i) => tf.tidy(() => tf.variable(randomTensor(shape, 10 + i), true, `adamTest${shape.join('x')}_${i}_${Math.random()}`)));
  const optimizer = make();
  for (let step = 0; step < 3; step++) {
    if (step === 2) (optimizer as unknown as { learningRate: number }).learningRate *= 0.5;
    const grads = vars.map((v, i) => ({ name: v.name, tensor: randomTensor(v.shape, 100 * step + i) }));
    const map: tf.NamedTensorMap = Object.fromEntries(grads.map((g) => [g.name, g.tensor]));
    optimizer.applyGradients(gradientsAsArray ? grads : map);
    tf.dispose(grads.map((g) => g.tensor));
  }
  const moments = (optimizer as unknown as { accumulatedFirstMoment: Array<{ variable: tf.Variable }>; accumulatedSecondMoment: Array<{ variable: tf.Variable }> });
  const out = [...vars, ...moments.accumulatedFirstMoment.map((m) => m.variable), ...moments.accumulatedSecondMoment.map((m) => m.variable)].map((t) => t.clone());
  optimizer.dispose();
  tf.dispose(vars);
  return out;
}

for (const [label, make] of OPTIMIZERS) {
  for (const shapes of SHAPES) {
    for (const asArray of [false, true]) {
      const name = `${label} on [${shapes.map((s) => `[${s}]`).join(', ')}]${asArray ? ' (gradients as a list)' : ''}`;
      test(`${name}: fused Adam update on wasm matches tfjs's Adam on cpu (values and moments), no leaks`, async () => {
        await assertMatchesCpu(name, () => trainedState(make, shapes, asArray), 1e-5);
      });
    }
  }
}

test('the fused kernel runs on wasm (once per variable) and not on cpu', async () => {
  const kernelsRun = async (stock = false): Promise<string[]> => {
    const v = tf.tidy(() => [tf.variable(tf.ones([6, 5]), true, `fusedCheckA${Math.random()}`), tf.variable(tf.ones([5]), true, `fusedCheckB${Math.random()}`)]);
    const optimizer = stock ? tf.train.adam(0.1) : createOptimizer({ name: 'adam', learningRate: 0.1 });
    const grads = v.map((x) => ({ name: x.name, tensor: tf.fill(x.shape, 0.5) }));
    const info = await tf.profile(() => optimizer.applyGradients(grads));
    tf.dispose([...v, ...grads.map((g) => g.tensor)]);
    optimizer.dispose();
    return info.kernels.map((k) => k.name);
  };
  await useBackend('wasm', { quiet: true });
  installFastKernels();
  const wasmKernels = await kernelsRun();
  assert.equal(wasmKernels.filter((k) => k === ADAM_UPDATE).length, 2, `kernels run: ${wasmKernels.join(', ')}`);
  assert.ok(!wasmKernels.includes('Sqrt'), 'no separate Sqrt on wasm');
  // tfjs's own Adam is left alone unless asked for.
  const untouched = await kernelsRun(true);
  assert.ok(!untouched.includes(ADAM_UPDATE) && untouched.includes('Sqrt'), "tf.train.adam keeps tfjs's update");
  installFastKernels({ patchStockAdam: true });
  const patched = await kernelsRun(true);
  assert.equal(patched.filter((k) => k === ADAM_UPDATE).length, 2, 'patchStockAdam: tf.train.adam fused too');
  uninstallFastKernels();
  const unpatched = await kernelsRun(true);
  assert.ok(!unpatched.includes(ADAM_UPDATE), 'uninstallFastKernels unpatches the stock Adam');
  const stockKernels = await kernelsRun();
  assert.ok(!stockKernels.includes(ADAM_UPDATE) && stockKernels.includes('Sqrt'), 'stock Adam after uninstallFastKernels');
  installFastKernels();
  await useBackend('cpu', { quiet: true });
  const cpuKernels = await kernelsRun();
  assert.ok(!cpuKernels.includes(ADAM_UPDATE) && cpuKernels.includes('Sqrt'), 'stock Adam on cpu');
});

test('a variable without a gradient keeps its value; moments are named like tfjs names them', async () => {
  await useBackend('wasm', { quiet: true });
  installFastKernels();
  const before = tf.memory().numTensors;
  const [a, b] = tf.tidy(() => [tf.variable(tf.tensor1d([1, 2, 3]), true, `noGradA${Math.random()}`), tf.variable(tf.tensor1d([4, 5]), true, `noGradB${Math.random()}`)]);
  const optimizer = createOptimizer({ name: 'adam', learningRate: 0.1 });
  const g = tf.tensor1d([1, -1, 0]);
  optimizer.applyGradients({ [a.name]: g, [b.name]: null } as unknown as tf.NamedTensorMap as never);
  assert.deepEqual(Array.from(b.dataSync()), [4, 5]);
  // First step: m = 0.1 g, v = 0.001 g², so each moved by -lr·sign(g) (up to epsilon).
  const moved = Array.from(a.dataSync());
  [0.9, 2.1, 3].forEach((want, i) => assert.ok(Math.abs(moved[i] - want) < 1e-5, `a[${i}] = ${moved[i]}, expected ${want}`));
  const weights = await optimizer.getWeights();
  assert.deepEqual(weights.map((w) => w.name), ['iter', `${a.name}/m`, `${b.name}/m`, `${a.name}/v`, `${b.name}/v`]);
  assert.equal(optimizer.iterations, 1);
  tf.dispose([a, b, g, ...weights.slice(0, 1).map((w) => w.tensor)]);
  optimizer.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("a gradient whose shape differs from its variable goes to tfjs's own update (which rejects it), as on cpu", async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await useBackend(backend, { quiet: true });
    if (backend === 'wasm') installFastKernels();
    const before = tf.memory().numTensors;
    const v = tf.tidy(() => tf.variable(tf.zeros([3, 7]), true, `shapeCheck${Math.random()}`));
    const g = tf.ones([21]);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.1 });
    assert.throws(() => optimizer.applyGradients([{ name: v.name, tensor: g }]), /shape|broadcast/i, backend);
    tf.dispose([v, g]);
    optimizer.dispose();
    assert.equal(tf.memory().numTensors, before, `${backend}: no leaks`);
  }
});

test('model.fit with Adam on wasm gives the weights it gives on cpu', async () => {
  await assertMatchesCpu('fit', () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [7], units: 6, activation: 'relu', kernelInitializer: 'ones' }), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: 'ones' })],
    });
    model.compile({ optimizer: createOptimizer({ name: 'adam', learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
    const x = tf.tensor2d(values([20, 7], 5), [20, 7]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: 20 }, (_, i) => i % 3), 'int32'), 3).toFloat());
    // Synchronous training steps (model.fit is async): the same update path.
    for (let i = 0; i < 5; i++) {
      const optimizer = model.optimizer;
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar);
    }
    const out = model.getWeights().map((w) => w.clone());
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
    return out;
  }, 1e-5);
});
