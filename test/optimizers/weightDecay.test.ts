import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { AdamW, OptimizerError, createOptimizer, getLearningRate, setLearningRate, type OptimizerSpec } from '../../src/optimizers';
import { decayProductIssue } from '../../src/optimizers/spec';
import { ConfigError, defineConfig, type TrainingConfigInput } from '../../src/config';
import { disposeTrainingState, train, TrainingError } from '../../src/training';
import { mlp, regressionData } from '../training/helpers';

const RULE = 'but AdamW multiplies each weight by 1 − learningRate × weightDecay every step, so it must stay below 1 (at 1 or more the weights are zeroed or flip sign).';

test('decayProductIssue: lr × weightDecay below 1 is fine, from 1 on it names both values and the fix', () => {
  const cases: Array<[number, number, string | undefined]> = [
    [1e-3, 0, undefined],
    [1e-3, 0.5, undefined],
    [1e-3, 1, undefined],
    [1e-3, 5, undefined],
    [1e-3, 999, undefined],
    [1e-3, 1000, `weightDecay = 1000 and learningRate = 0.001 give learningRate × weightDecay = 1, ${RULE} Lower weightDecay below 1000 or the learning rate below 0.001.`],
    [0.1, 20, `weightDecay = 20 and learningRate = 0.1 give learningRate × weightDecay = 2, ${RULE} Lower weightDecay below 10 or the learning rate below 0.05.`],
  ];
  for (const [lr, wd, message] of cases) {
    const issue = decayProductIssue(lr, wd, { path: 'weightDecay', learningRate: 'learningRate' });
    assert.equal(issue?.message, message, `lr ${lr}, wd ${wd}`);
    if (issue !== undefined) assert.deepEqual([issue.path, issue.received], ['weightDecay', wd]);
  }
});

test('createOptimizer takes any finite weightDecay ≥ 0 (as PyTorch and Keras) while lr × weightDecay < 1', () => {
  const cases: Array<[OptimizerSpec, number]> = [
    [{ name: 'adamw', learningRate: 1e-3, weightDecay: 0 }, 0],
    [{ name: 'adamw', learningRate: 1e-3, weightDecay: 0.5 }, 0.5],
    [{ name: 'adamw', learningRate: 1e-3, weightDecay: 1 }, 1],
    [{ name: 'adamw', learningRate: 1e-3, weightDecay: 5 }, 5],
    [{ name: 'adamw', weightDecay: 100 }, 100],
  ];
  const start = tf.memory().numTensors;
  for (const [spec, wd] of cases) {
    const opt = createOptimizer(spec) as AdamW;
    assert.equal(opt.weightDecay, wd, JSON.stringify(spec));
    opt.dispose();
  }
  assert.equal(tf.memory().numTensors, start);
});

test('weightDecay 5 at lr 1e-3 shrinks the weights by exactly 1 − 0.005 before the Adam step', () => {
  const opt = createOptimizer({ name: 'adamw', learningRate: 1e-3, weightDecay: 5 });
  const w = tf.variable(tf.tensor1d([2, -4]));
  // A zero gradient: Adam's step is 0, only the decay moves the weights.
  opt.minimize(() => tf.sum(tf.mul(w, 0)) as tf.Scalar, false, [w]);
  const got = Array.from(w.dataSync());
  [2 * 0.995, -4 * 0.995].forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-6, `w[${i}] = ${got[i]}, expected ${v}`));
  w.dispose();
  opt.dispose();
});

test('createOptimizer and new AdamW refuse lr × weightDecay ≥ 1 and a negative, NaN or infinite weightDecay, allocating nothing', () => {
  const cases: Array<[() => unknown, string]> = [
    [
      () => createOptimizer({ name: 'adamw', learningRate: 0.1, weightDecay: 10 }),
      `createOptimizer: weightDecay = 10 and learningRate = 0.1 give learningRate × weightDecay = 1, ${RULE} Lower weightDecay below 10 or the learning rate below 0.1.`,
    ],
    [
      () => createOptimizer({ name: 'adamw', weightDecay: 1000 }),
      `createOptimizer: weightDecay = 1000 and the default learningRate = 0.001 give learningRate × weightDecay = 1, ${RULE} Lower weightDecay below 1000 or the learning rate below 0.001.`,
    ],
    [
      () => createOptimizer({ name: 'adamw', weightDecay: 50 }, { learningRate: 0.04 }),
      `createOptimizer: weightDecay = 50 and defaults.learningRate = 0.04 give learningRate × weightDecay = 2, ${RULE} Lower weightDecay below 25 or the learning rate below 0.02.`,
    ],
    [() => createOptimizer({ name: 'adamw', weightDecay: -0.1 }), 'createOptimizer: weightDecay must be a number ≥ 0; received -0.1.'],
    [() => createOptimizer({ name: 'adamw', weightDecay: NaN }), 'createOptimizer: weightDecay must be a finite number; received NaN.'],
    [() => createOptimizer({ name: 'adamw', weightDecay: Infinity }), 'createOptimizer: weightDecay must be a finite number; received Infinity.'],
    [
      () => new AdamW(0.5, 0.9, 0.999, 1e-7, 4),
      `AdamW: weightDecay = 4 and learningRate = 0.5 give learningRate × weightDecay = 2, ${RULE} Lower weightDecay below 2 or the learning rate below 0.25.`,
    ],
  ];
  const start = tf.memory().numTensors;
  for (const [call, message] of cases) {
    assert.throws(call, (error: unknown) => {
      assert.ok(error instanceof OptimizerError, message);
      assert.equal(error.message, message);
      return true;
    });
  }
  assert.equal(tf.memory().numTensors, start, 'a refused optimizer allocates nothing');
});

test('setLearningRate refuses a learning rate that makes an AdamW lr × weightDecay ≥ 1 and leaves the rate as it was', () => {
  const opt = createOptimizer({ name: 'adamw', learningRate: 1e-3, weightDecay: 5 });
  const cases: Array<[number, string | undefined]> = [
    [0, undefined],
    [0.1, undefined],
    [0.2, `setLearningRate: the AdamW optimizer's weightDecay = 5 and lr = 0.2 give learningRate × weightDecay = 1, ${RULE} Lower the AdamW optimizer's weightDecay below 5 or the learning rate below 0.2.`],
    [1, `setLearningRate: the AdamW optimizer's weightDecay = 5 and lr = 1 give learningRate × weightDecay = 5, ${RULE} Lower the AdamW optimizer's weightDecay below 1 or the learning rate below 0.2.`],
  ];
  for (const [lr, message] of cases) {
    const before = getLearningRate(opt);
    if (message === undefined) {
      setLearningRate(opt, lr);
      assert.equal(getLearningRate(opt), lr);
    } else {
      assert.throws(() => setLearningRate(opt, lr), (e: unknown) => e instanceof OptimizerError && e.message === message && e.issues[0].path === 'lr' && e.issues[0].received === lr);
      assert.equal(getLearningRate(opt), before, 'a refused rate changes nothing');
    }
  }
  opt.dispose();
});

test('defineConfig checks AdamW weightDecay against the config learning rate, wherever it is written', () => {
  const cases: Array<[TrainingConfigInput, string | undefined]> = [
    [{ optimizer: { name: 'adamw', weightDecay: 5 }, learningRate: 1e-3 }, undefined],
    [{ optimizer: { name: 'adamw', weightDecay: 999 } }, undefined],
    [
      { optimizer: { name: 'adamw', weightDecay: 50 }, learningRate: 0.02 },
      `defineConfig: optimizer.weightDecay = 50 and learningRate = 0.02 give learningRate × weightDecay = 1, ${RULE} Lower optimizer.weightDecay below 50 or the learning rate below 0.02.`,
    ],
    [
      { optimizer: { name: 'adamw', weightDecay: 50, learningRate: 0.04 } },
      `defineConfig: optimizer.weightDecay = 50 and learningRate = 0.04 give learningRate × weightDecay = 2, ${RULE} Lower optimizer.weightDecay below 25 or the learning rate below 0.02.`,
    ],
    [
      { optimizer: { name: 'adamw', weightDecay: 1000 } },
      `defineConfig: optimizer.weightDecay = 1000 and the default learningRate = 0.001 give learningRate × weightDecay = 1, ${RULE} Lower optimizer.weightDecay below 1000 or the learning rate below 0.001.`,
    ],
    [{ optimizer: { name: 'adamw', weightDecay: -1 } }, 'defineConfig: optimizer.weightDecay must be a number ≥ 0; received -1.'],
  ];
  for (const [input, message] of cases) {
    if (message === undefined) assert.doesNotThrow(() => defineConfig(input), JSON.stringify(input));
    else assert.throws(() => defineConfig(input), (e: unknown) => e instanceof ConfigError && e.message === message);
  }
});

test('train refuses an lrSchedule whose learning rate times AdamW weightDecay reaches 1, before the model changes', async () => {
  const data = regressionData(32);
  const model = mlp(1);
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  const start = tf.memory().numTensors;
  const cases: Array<[TrainingConfigInput, RegExp | undefined]> = [
    // Peaks at 0.1 in epoch 2: 0.1 × 5 = 0.5 is fine.
    [{ epochs: 3, optimizer: { name: 'adamw', weightDecay: 5 }, lrSchedule: { name: 'piecewiseConstant', boundaries: [1], values: [0.001, 0.1] } }, undefined],
    [
      { epochs: 3, optimizer: { name: 'adamw', weightDecay: 5 }, lrSchedule: { name: 'piecewiseConstant', boundaries: [1], values: [0.001, 0.5] } },
      /^TrainingError: train: config\.optimizer\.weightDecay = 5 and the learning rate config\.lrSchedule sets at epoch 2 = 0\.5 give learningRate × weightDecay = 2.5, .* Lower config\.optimizer\.weightDecay below 2 or the learning rate below 0\.2\.$/,
    ],
    [
      { epochs: 2, batchSize: 8, optimizer: { name: 'adamw', weightDecay: 5 }, lrSchedule: { name: 'piecewiseConstant', boundaries: [5], values: [0.001, 0.4], per: 'batch' } },
      /config\.lrSchedule sets at batch 6 = 0\.4 give learningRate × weightDecay = 2,/,
    ],
  ];
  try {
    for (const [config, pattern] of cases) {
      const fresh = mlp(1);
      if (pattern === undefined) {
        const run = await train(fresh, data, config, { progress: false });
        assert.equal(run.epochsRun, config.epochs);
      } else {
        await assert.rejects(train(model, data, config, { progress: false }), (e: unknown) => e instanceof TrainingError && pattern.test(String(e)));
        assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), weights, 'a refused run leaves the model as it was');
        assert.equal(model.optimizer, undefined, 'not compiled either');
      }
      disposeTrainingState(fresh);
      fresh.dispose();
    }
  } finally {
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, start - weights.length, 'no tensor left but the disposed model');
  tf.dispose([data.x, data.y]);
});
