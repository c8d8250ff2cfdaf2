import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  OPTIMIZER_NAMES,
  OptimizerError,
  createOptimizer,
  getLearningRate,
  setLearningRate,
  type OptimizerName,
  type OptimizerSpec,
} from '../../src/optimizers';
import { useBackend } from '../../src/backend';

const W0 = [1, -2, 3, 0.5];
const EPS = 1e-7;

/** Runs `steps` updates of `opt` on f(w) = 0.5 Σ w² (gradient = w); returns w after each step. */
function descend(opt: tf.Optimizer, steps: number, w0 = W0): number[][] {
  const w = tf.variable(tf.tensor1d(w0));
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    opt.minimize(() => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar, false, [w]);
    out.push(Array.from(w.dataSync()));
  }
  w.dispose();
  return out;
}

function assertClose(actual: number[], expected: number[], label: string, rel = 2e-6): void {
  assert.equal(actual.length, expected.length, label);
  actual.forEach((a, i) => {
    const e = expected[i];
    assert.ok(Math.abs(a - e) <= rel * Math.max(1, Math.abs(e)), `${label}[${i}]: got ${a}, expected ${e}`);
  });
}

type RefSpec = { name: OptimizerName; [option: string]: number | boolean | string };

/**
 * Reference update rules in float64, written from the Keras / PyTorch formulas, for the
 * quadratic (g = w). Returns the trajectory of one coordinate.
 */
function reference(spec: RefSpec, lr: number, w0: number, steps: number): number[] {
  const n = (k: string, d: number) => (spec[k] as number | undefined) ?? d;
  let w = w0;
  let a = 0; // first state
  let b = 0; // second state
  let c = 0; // third state
  const out: number[] = [];
  for (let t = 1; t <= steps; t++) {
    const g = w;
    switch (spec.name) {
      case 'sgd':
        w -= lr * g;
        break;
      case 'momentum': {
        const m = n('momentum', 0.9);
        a = m * a + g;
        w -= spec.nesterov === true ? lr * (g + m * a) : lr * a;
        break;
      }
      case 'rmsprop': {
        const rho = n('rho', 0.9);
        const mom = n('momentum', 0);
        a = rho * a + (1 - rho) * g * g;
        let den = a + EPS;
        if (spec.centered === true) {
          c = rho * c + (1 - rho) * g;
          den = a - c * c + EPS;
        }
        const inc = (lr * g) / Math.sqrt(den);
        if (mom > 0) {
          b = mom * b + inc;
          w -= b;
        } else w -= inc;
        break;
      }
      case 'adam':
      case 'adamw': {
        const b1 = n('beta1', 0.9);
        const b2 = n('beta2', 0.999);
        if (spec.name === 'adamw') w -= lr * n('weightDecay', 0.004) * w;
        a = b1 * a + (1 - b1) * g;
        b = b2 * b + (1 - b2) * g * g;
        const mHat = a / (1 - b1 ** t);
        const vHat = b / (1 - b2 ** t);
        w -= (lr * mHat) / (Math.sqrt(vHat) + EPS);
        break;
      }
      case 'adagrad':
        if (t === 1) a = n('initialAccumulatorValue', 0.1);
        a += g * g;
        w -= (lr * g) / Math.sqrt(a + EPS);
        break;
      case 'adadelta': {
        const rho = n('rho', 0.95);
        a = rho * a + (1 - rho) * g * g;
        const delta = (Math.sqrt(b + EPS) / Math.sqrt(a + EPS)) * g;
        b = rho * b + (1 - rho) * delta * delta;
        w -= lr * delta;
        break;
      }
      case 'adamax': {
        const b1 = n('beta1', 0.9);
        const b2 = n('beta2', 0.999);
        a = b1 * a + (1 - b1) * g;
        b = Math.max(b2 * b, Math.abs(g));
        w -= (lr / (1 - b1 ** t)) * (a / (b + EPS));
        break;
      }
    }
    out.push(w);
  }
  return out;
}

function referenceTrajectory(spec: RefSpec, lr: number, steps: number): number[][] {
  const perCoordinate = W0.map((w0) => reference(spec, lr, w0, steps));
  return Array.from({ length: steps }, (_, t) => perCoordinate.map((traj) => traj[t]));
}

test.before(async () => {
  await tf.setBackend('cpu');
});

test('first step of every optimizer on f(w) = ½w² matches its closed form', () => {
  const lr = 0.1;
  const firstStep: Array<[OptimizerSpec, (w: number) => number]> = [
    ['sgd', (w) => w - lr * w],
    [{ name: 'momentum', momentum: 0.9 }, (w) => w - lr * w],
    [{ name: 'momentum', momentum: 0.9, nesterov: true }, (w) => w - lr * 1.9 * w],
    ['rmsprop', (w) => w - (lr * w) / Math.sqrt(0.1 * w * w + EPS)],
    [{ name: 'rmsprop', centered: true }, (w) => w - (lr * w) / Math.sqrt(0.1 * w * w - 0.01 * w * w + EPS)],
    ['adam', (w) => w - (lr * w) / (Math.abs(w) + EPS)],
    ['adamw', (w) => w * (1 - lr * 0.004) - (lr * w) / (Math.abs(w) + EPS)],
    ['adagrad', (w) => w - (lr * w) / Math.sqrt(0.1 + w * w + EPS)],
    ['adadelta', (w) => w - lr * (Math.sqrt(EPS) / Math.sqrt(0.05 * w * w + EPS)) * w],
    ['adamax', (w) => w - (lr * w) / (Math.abs(w) + EPS)],
  ];
  for (const [spec, expected] of firstStep) {
    const opt = createOptimizer(typeof spec === 'string' ? { name: spec, learningRate: lr } : { ...spec, learningRate: lr });
    const [after] = descend(opt, 1);
    assertClose(after, W0.map(expected), `first step of ${JSON.stringify(spec)}`);
    opt.dispose();
  }
});

test('five steps of every optimizer (and variants) match float64 reference implementations', () => {
  const specs: RefSpec[] = [
    { name: 'sgd' },
    { name: 'momentum', momentum: 0.8 },
    { name: 'momentum', momentum: 0.8, nesterov: true },
    { name: 'rmsprop' },
    { name: 'rmsprop', momentum: 0.5 },
    { name: 'rmsprop', centered: true, momentum: 0.3, rho: 0.8 },
    { name: 'adam' },
    { name: 'adam', beta1: 0.5, beta2: 0.9 },
    { name: 'adamw', weightDecay: 0.1 },
    { name: 'adagrad', initialAccumulatorValue: 0.5 },
    { name: 'adadelta', rho: 0.9 },
    { name: 'adamax' },
  ];
  const lr = 0.05;
  for (const spec of specs) {
    const opt = createOptimizer({ ...spec, learningRate: lr } as OptimizerSpec);
    const got = descend(opt, 5);
    const want = referenceTrajectory(spec, lr, 5);
    got.forEach((w, t) => assertClose(w, want[t], `${JSON.stringify(spec)} step ${t + 1}`, 1e-5));
    opt.dispose();
  }
});

test('the first step is linear in the learning rate for every optimizer', () => {
  for (const name of OPTIMIZER_NAMES) {
    const steps = [0.01, 0.02, 0.04].map((lr) => {
      const opt = createOptimizer({ name, learningRate: lr });
      const [after] = descend(opt, 1);
      opt.dispose();
      return after.map((w, i) => w - W0[i]);
    });
    assertClose(steps[1], steps[0].map((d) => 2 * d), `${name}: step at 2·lr`, 1e-5);
    assertClose(steps[2], steps[0].map((d) => 4 * d), `${name}: step at 4·lr`, 1e-5);
    assert.ok(steps[0].every((d, i) => Math.sign(d) === -Math.sign(W0[i])), `${name} steps downhill`);
  }
});

test('setLearningRate changes the very next update of every optimizer; getLearningRate reads it back', () => {
  for (const name of OPTIMIZER_NAMES) {
    const reference = createOptimizer({ name, learningRate: 0.1 });
    const changed = createOptimizer({ name, learningRate: 0.1 });
    const wRef = tf.variable(tf.tensor1d(W0));
    const wChanged = tf.variable(tf.tensor1d(W0));
    const loss = (w: tf.Variable) => () => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar;
    reference.minimize(loss(wRef), false, [wRef]);
    changed.minimize(loss(wChanged), false, [wChanged]);
    const before = Array.from(wRef.dataSync());
    assert.equal(getLearningRate(changed), 0.1, name);
    setLearningRate(changed, 0.025);
    assert.equal(getLearningRate(changed), 0.025, name);
    reference.minimize(loss(wRef), false, [wRef]);
    changed.minimize(loss(wChanged), false, [wChanged]);
    const stepRef = Array.from(wRef.dataSync()).map((w, i) => w - before[i]);
    const stepChanged = Array.from(wChanged.dataSync()).map((w, i) => w - before[i]);
    // Same state after step 1, so step 2 scales with the learning rate: a quarter of the reference's.
    assertClose(stepChanged, stepRef.map((d) => d / 4), `${name}: second step after setLearningRate`, 1e-4);
    setLearningRate(changed, 0);
    const frozen = Array.from(wChanged.dataSync());
    changed.minimize(loss(wChanged), false, [wChanged]);
    assertClose(Array.from(wChanged.dataSync()), frozen, `${name}: lr 0 freezes the weights`, 0);
    tf.dispose([wRef, wChanged]);
    reference.dispose();
    changed.dispose();
  }
});

test('setLearningRate also drives tfjs stock optimizers (tf.train.*)', () => {
  const stock: Array<[string, () => tf.Optimizer]> = [
    ['sgd', () => tf.train.sgd(0.1)],
    ['momentum', () => tf.train.momentum(0.1, 0.9)],
    ['adam', () => tf.train.adam(0.1)],
    ['rmsprop', () => tf.train.rmsprop(0.1)],
    ['adagrad', () => tf.train.adagrad(0.1)],
    ['adadelta', () => tf.train.adadelta(0.1)],
    ['adamax', () => tf.train.adamax(0.1)],
  ];
  for (const [name, make] of stock) {
    const a = make();
    const b = make();
    descend(a, 1);
    descend(b, 1);
    setLearningRate(b, 0);
    assert.equal(getLearningRate(b), 0, name);
    const w = tf.variable(tf.tensor1d(W0));
    b.minimize(() => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar, false, [w]);
    assertClose(Array.from(w.dataSync()), W0, `${name}: lr 0 means no change`, 0);
    w.dispose();
    a.dispose();
    b.dispose();
  }
});

test('gradient clipping follows Keras: clipNorm per tensor, clipValue per element, globalClipNorm jointly', () => {
  // Two variables, loss = a·x + b·y with constant gradients a = [3, 4] (norm 5), b = [12] (norm 12).
  const run = (spec: OptimizerSpec) => {
    const x = tf.variable(tf.zeros([2]));
    const y = tf.variable(tf.zeros([1]));
    const opt = createOptimizer(spec);
    opt.minimize(
      () => tf.add(tf.sum(tf.mul(x, tf.tensor1d([3, 4]))), tf.sum(tf.mul(y, tf.tensor1d([12])))) as tf.Scalar,
      false,
      [x, y],
    );
    const out = [...Array.from(x.dataSync()), ...Array.from(y.dataSync())];
    tf.dispose([x, y]);
    opt.dispose();
    return out;
  };
  const cases: Array<[OptimizerSpec, number[]]> = [
    [{ name: 'sgd', learningRate: 1 }, [-3, -4, -12]],
    [{ name: 'sgd', learningRate: 1, clipNorm: 1 }, [-0.6, -0.8, -1]],
    [{ name: 'sgd', learningRate: 1, clipNorm: 10 }, [-3, -4, -10]],
    [{ name: 'sgd', learningRate: 1, clipNorm: 100 }, [-3, -4, -12]],
    [{ name: 'sgd', learningRate: 1, clipValue: 3.5 }, [-3, -3.5, -3.5]],
    [{ name: 'sgd', learningRate: 1, globalClipNorm: 6.5 }, [-1.5, -2, -6]],
    [{ name: 'sgd', learningRate: 1, globalClipNorm: 13 }, [-3, -4, -12]],
    [{ name: 'momentum', learningRate: 1, clipNorm: 1 }, [-0.6, -0.8, -1]],
    [{ name: 'adadelta', learningRate: 1, clipValue: 1e-9 }, run({ name: 'adadelta', learningRate: 1, clipValue: 1e-9 })],
  ];
  for (const [spec, expected] of cases) assertClose(run(spec), expected, JSON.stringify(spec), 1e-6);
  // Adam's first step is lr·sign(g) whatever the scale, so clipping shows in later steps only;
  // with clipValue the update of RMSprop's first step (lr·g/sqrt(0.1 g²)) is unchanged too: check a
  // rule where scale matters instead.
  const adagrad = run({ name: 'adagrad', learningRate: 1, clipValue: 1 });
  assertClose(adagrad, [-1 / Math.sqrt(1.1 + EPS), -1 / Math.sqrt(1.1 + EPS), -1 / Math.sqrt(1.1 + EPS)], 'adagrad clipValue', 1e-6);
});

test('every optimizer works in model.compile + model.fit (with clipping) and lowers the loss', async () => {
  const xs = tf.tensor2d([[0], [1], [2], [3]]);
  const ys = tf.tensor2d([[1], [3], [5], [7]]);
  const rates: Record<OptimizerName, number> = {
    sgd: 0.05,
    momentum: 0.02,
    rmsprop: 0.05,
    adam: 0.1,
    adamw: 0.1,
    adagrad: 0.5,
    adadelta: 1,
    adamax: 0.1,
  };
  for (const name of OPTIMIZER_NAMES) {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })] });
    model.compile({ optimizer: createOptimizer({ name, learningRate: rates[name], clipNorm: 10 }), loss: 'meanSquaredError' });
    const history = await model.fit(xs, ys, { epochs: 15, batchSize: 4, verbose: 0 });
    const losses = history.history.loss as number[];
    assert.ok(losses[losses.length - 1] < losses[0], `${name}: loss ${losses[0]} → ${losses[losses.length - 1]}`);
    model.dispose();
  }
  tf.dispose([xs, ys]);
});

test('setLearningRate(model.optimizer, 0) during fit stops the weights from moving', async () => {
  const xs = tf.tensor2d([[0], [1], [2], [3]]);
  const ys = tf.tensor2d([[1], [3], [5], [7]]);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ optimizer: createOptimizer('adamw'), loss: 'meanSquaredError' });
  await model.fit(xs, ys, { epochs: 2, verbose: 0 });
  setLearningRate(model.optimizer, 0);
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  await model.fit(xs, ys, { epochs: 2, verbose: 0 });
  const after = model.getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(after, before);
  model.dispose();
  tf.dispose([xs, ys]);
});

test('no tensor leaks: create, step, dispose returns to the starting count', () => {
  const specs: OptimizerSpec[] = [
    ...OPTIMIZER_NAMES,
    { name: 'rmsprop', centered: true, momentum: 0.5 },
    { name: 'momentum', nesterov: true, clipNorm: 1 },
    { name: 'adam', globalClipNorm: 1 },
    { name: 'adamw', clipValue: 0.1 },
  ];
  for (const spec of specs) {
    const w = tf.variable(tf.tensor1d(W0));
    const start = tf.memory().numTensors;
    const opt = createOptimizer(spec);
    for (let i = 0; i < 3; i++) opt.minimize(() => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar, false, [w]);
    setLearningRate(opt, 0.5);
    getLearningRate(opt);
    opt.minimize(() => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar, false, [w]);
    opt.dispose();
    assert.equal(tf.memory().numTensors, start, `${JSON.stringify(spec)} leaked`);
    w.dispose();
  }
});

test('bad specs throw OptimizerError listing every problem with did-you-mean', () => {
  const cases: Array<[unknown, string]> = [
    [
      'adamm',
      "createOptimizer: name: 'adamm' is not a known optimizer; expected one of 'sgd' | 'momentum' | 'rmsprop' | 'adam' | 'adamw' | 'adagrad' | 'adadelta' | 'adamax'. Did you mean 'adam'?",
    ],
    [
      { name: 'SGD' },
      "createOptimizer: name: 'SGD' is not a known optimizer; expected one of 'sgd' | 'momentum' | 'rmsprop' | 'adam' | 'adamw' | 'adagrad' | 'adadelta' | 'adamax'. Did you mean 'sgd'?",
    ],
    [{ name: 'adam', learningRate: -0.1 }, 'createOptimizer: learningRate must be a number > 0; received -0.1.'],
    [{ name: 'adam', learningRate: 0 }, 'createOptimizer: learningRate must be a number > 0; received 0.'],
    [{ name: 'adam', learningRate: NaN }, 'createOptimizer: learningRate must be a finite number; received NaN.'],
    [{ name: 'adam', learningRate: Infinity }, 'createOptimizer: learningRate must be a finite number; received Infinity.'],
    [{ name: 'sgd', learningRate: 1e6 }, 'createOptimizer: learningRate must be a number ≤ 10; received 1000000.'],
    [{ name: 'adam', learningrate: 0.1 }, "createOptimizer: learningrate is not a known option. Did you mean 'learningRate'?"],
    [
      { name: 'sgd', momentum: 0.9 },
      'createOptimizer: momentum is not a known option. Known options: name, learningRate, clipNorm, clipValue, globalClipNorm.',
    ],
    [{ name: 'momentum', nesterov: 'yes' }, "createOptimizer: nesterov must be true or false; received 'yes' (a string)."],
    [
      { name: 'adam', beta1: 1, beta2: -0.5, epsilon: 0 },
      'createOptimizer: 3 problems:\n' +
        '  - beta1 must be a number < 1; received 1.\n' +
        '  - beta2 must be a number ≥ 0; received -0.5.\n' +
        '  - epsilon must be a number > 0; received 0.',
    ],
    [
      { name: 'sgd', clipNorm: 1, globalClipNorm: 2 },
      'createOptimizer: globalClipNorm: set at most one of clipNorm, clipValue, globalClipNorm (as Keras); received clipNorm and globalClipNorm. Keep the one you mean.',
    ],
    [{ name: 'sgd', clipValue: -1 }, 'createOptimizer: clipValue must be a number > 0; received -1.'],
    [42, 'createOptimizer: optimizer must be an optimizer name or {name, ...options}; received 42.'],
    [null, 'createOptimizer: optimizer must be an optimizer name or {name, ...options}; received null (null).'],
  ];
  for (const [spec, message] of cases) {
    assert.throws(
      () => createOptimizer(spec as OptimizerSpec),
      (error: unknown) => {
        assert.ok(error instanceof OptimizerError, `${JSON.stringify(spec)}: not an OptimizerError`);
        assert.equal(error.message, message);
        return true;
      },
    );
  }
  const start = tf.memory().numTensors;
  assert.throws(() => createOptimizer('adam', { learningRate: -1 }), /defaults\.learningRate must be a number > 0 and ≤ 10; received -1\./);
  assert.equal(tf.memory().numTensors, start, 'a failed createOptimizer allocates nothing');
});

test('defaults.learningRate applies when the spec has none; the spec wins otherwise; Keras defaults last', () => {
  const cases: Array<[OptimizerSpec, number | undefined, number]> = [
    ['adam', undefined, 0.001],
    ['sgd', undefined, 0.01],
    ['momentum', undefined, 0.01],
    ['adam', 0.05, 0.05],
    [{ name: 'adam', learningRate: 0.2 }, 0.05, 0.2],
  ];
  for (const [spec, fallback, expected] of cases) {
    const opt = createOptimizer(spec, fallback === undefined ? undefined : { learningRate: fallback });
    assert.equal(getLearningRate(opt), expected, JSON.stringify([spec, fallback]));
    opt.dispose();
  }
});

test('setLearningRate / getLearningRate reject bad input clearly', () => {
  const opt = createOptimizer('sgd');
  const cases: Array<[() => unknown, RegExp]> = [
    [() => setLearningRate(opt, -0.1), /^OptimizerError: setLearningRate: lr must be a finite number ≥ 0; received -0\.1\.$/],
    [() => setLearningRate(opt, NaN), /setLearningRate: lr must be a finite number ≥ 0; received NaN\./],
    [() => setLearningRate(opt, Infinity), /received Infinity/],
    [() => setLearningRate(opt, '0.1' as never), /received '0\.1' \(a string\)/],
    [() => getLearningRate({} as never), /getLearningRate: expects a tf\.Optimizer .*received \{\} \(an object\)/],
    [() => setLearningRate(undefined as never, 0.1), /setLearningRate: expects a tf\.Optimizer/],
  ];
  for (const [call, pattern] of cases) assert.throws(call, (e: unknown) => pattern.test(String(e)));
  assert.equal(getLearningRate(opt), 0.01, 'failed calls change nothing');
  opt.dispose();
});

test('optimizer configs round-trip: getConfig carries the options, AdamW has its own class name', () => {
  const adamw = createOptimizer({ name: 'adamw', learningRate: 0.01, weightDecay: 0.05, globalClipNorm: 1 });
  assert.equal(adamw.getClassName(), 'AdamW');
  assert.deepEqual(adamw.getConfig(), {
    learningRate: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    weightDecay: 0.05,
    globalClipNorm: 1,
  });
  const copy = tf.serialization.SerializationMap.getMap().classNameMap['AdamW'];
  assert.ok(copy !== undefined, 'AdamW is registered for (de)serialization');
  adamw.dispose();
  const rms = createOptimizer({ name: 'rmsprop', centered: true });
  assert.deepEqual(rms.getConfig(), { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: true });
  rms.dispose();
});

test('on the wasm backend every update rule matches the same references', async () => {
  await useBackend('wasm');
  try {
    assert.equal(tf.getBackend(), 'wasm');
    const lr = 0.05;
    for (const name of OPTIMIZER_NAMES) {
      const opt = createOptimizer({ name, learningRate: lr });
      const got = descend(opt, 3);
      const want = referenceTrajectory({ name }, lr, 3);
      got.forEach((w, t) => assertClose(w, want[t], `wasm ${name} step ${t + 1}`, 1e-5));
      opt.dispose();
    }
  } finally {
    await tf.setBackend('cpu');
  }
});
