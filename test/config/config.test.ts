import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  ConfigError,
  configDiff,
  configSummary,
  defineConfig,
  optimizerFromConfig,
  resolveLoss,
  huber,
  didYouMean,
  levenshtein,
  type TrainingConfigInput,
} from '../../src/config';
import { createOptimizer, getLearningRate } from '../../src/optimizers';
import { scheduleFromSpec } from '../../src/schedules';

test.before(async () => {
  await tf.setBackend('cpu');
});

function problems(input: unknown): ConfigError {
  try {
    defineConfig(input as TrainingConfigInput);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`defineConfig(${JSON.stringify(input)}) did not throw`);
}

test('defineConfig() fills every default', () => {
  assert.deepEqual(
    { ...defineConfig() },
    {
      learningRate: 0.001,
      batchSize: 32,
      epochs: 10,
      optimizer: 'adam',
      metrics: [],
      recompile: false,
      shuffle: true,
      regularization: { l1: 0, l2: 0, dropout: 0 },
      earlyStopping: false,
    },
  );
});

test('the default learning rate follows the optimizer, from the table createOptimizer uses', () => {
  const cases: Array<[Parameters<typeof defineConfig>[0], number]> = [
    [{}, 0.001],
    [{ optimizer: 'sgd' }, 0.01],
    [{ optimizer: 'momentum' }, 0.01],
    [{ optimizer: { name: 'sgd' } }, 0.01],
    [{ optimizer: 'adamw' }, 0.001],
    [{ optimizer: 'sgd', learningRate: 0.2 }, 0.2],
  ];
  for (const [input, lr] of cases) {
    assert.equal(defineConfig(input).learningRate, lr, JSON.stringify(input));
    const spec = (input as { optimizer?: unknown }).optimizer ?? 'adam';
    if ((input as { learningRate?: number }).learningRate !== undefined) continue;
    const optimizer = createOptimizer(spec as never);
    assert.equal(getLearningRate(optimizer), lr);
    optimizer.dispose();
  }
});

test('earlyStopping: true and {} get Keras defaults; lrSchedule gets per: epoch', () => {
  const keras = { monitor: 'val_loss', minDelta: 0, patience: 0, mode: 'auto', restoreBestWeights: false, startFromEpoch: 0 };
  assert.deepEqual(defineConfig({ earlyStopping: true }).earlyStopping, keras);
  assert.deepEqual(defineConfig({ earlyStopping: {} }).earlyStopping, keras);
  assert.deepEqual(defineConfig({ earlyStopping: { patience: 3, mode: 'min' } }).earlyStopping, { ...keras, patience: 3, mode: 'min' });
  assert.deepEqual(defineConfig({ lrSchedule: { name: 'constant', value: 0.1 } }).lrSchedule, {
    name: 'constant',
    value: 0.1,
    per: 'epoch',
  });
});

test('a config spread into defineConfig with changes gives the changed config (sweeps do this)', () => {
  const base = defineConfig({ metrics: ['accuracy'], lrSchedule: { name: 'piecewiseConstant', boundaries: [2], values: [0.1, 0.01] } });
  const changed = defineConfig({ ...base, epochs: 3 });
  assert.deepEqual(configDiff(base, changed), [{ path: 'epochs', a: 10, b: 3 }]);
});

test('the config is deeply frozen and the input is neither frozen nor shared', () => {
  const input = { metrics: ['accuracy' as const], earlyStopping: { patience: 2 }, optimizer: { name: 'adam' as const, beta1: 0.8 } };
  const cfg = defineConfig(input);
  for (const part of [cfg, cfg.metrics, cfg.earlyStopping, cfg.regularization, cfg.optimizer]) assert.ok(Object.isFrozen(part));
  assert.throws(() => {
    (cfg as { epochs: number }).epochs = 99;
  }, TypeError);
  assert.equal(Object.isFrozen(input.metrics), false);
  input.metrics.push('accuracy');
  assert.deepEqual(cfg.metrics, ['accuracy']);
});

test('JSON round trip: defineConfig(JSON.parse(JSON.stringify(cfg))) deep-equals cfg', () => {
  const inputs: TrainingConfigInput[] = [
    {},
    {
      learningRate: 0.01,
      batchSize: 64,
      epochs: 3,
      optimizer: { name: 'adamw', weightDecay: 0.01 },
      loss: 'huber',
      metrics: ['mae'],
      validationSplit: 0.25,
      shuffle: false,
      seed: 7,
      regularization: { l2: 1e-4, dropout: 0.2 },
      earlyStopping: { patience: 4, restoreBestWeights: true, baseline: 0.5 },
      lrSchedule: {
        name: 'joinSchedules',
        per: 'batch',
        pieces: [
          { schedule: { name: 'constant', value: 0.001 }, steps: 10 },
          { schedule: { name: 'cosineDecay', initial: 0.01, decaySteps: 100 } },
        ],
      },
      globalClipNorm: 1,
    },
    // Learning rate and clipping given inside the optimizer move to the top level.
    { optimizer: { name: 'sgd', learningRate: 0.2, clipValue: 0.5 } },
  ];
  for (const input of inputs) {
    const cfg = defineConfig(input);
    const again = defineConfig(JSON.parse(JSON.stringify(cfg)));
    assert.deepEqual(again, cfg);
  }
  const moved = defineConfig({ optimizer: { name: 'sgd', learningRate: 0.2, clipValue: 0.5 } });
  assert.deepEqual(moved.optimizer, { name: 'sgd' });
  assert.equal(moved.learningRate, 0.2);
  assert.equal(moved.clipValue, 0.5);
});

test('validationData is kept by reference, excluded from JSON, and exclusive with validationSplit', () => {
  const x = tf.zeros([4, 2]);
  const y = tf.zeros([4, 1]);
  const cfg = defineConfig({ validationData: [x, y], epochs: 2 });
  assert.equal(cfg.validationData?.[0], x);
  const json = JSON.parse(JSON.stringify(cfg));
  assert.equal('validationData' in json, false);
  assert.equal(json.epochs, 2);
  assert.deepEqual(defineConfig({ ...json, validationData: [x, y] }), cfg);
  assert.match(configSummary(cfg), /\| validation \| \[x 4×2, y 4×1\] \|/);
  // a config written `as const` (a readonly pair) is accepted too
  const fromConst = defineConfig({ validationData: [x, y], epochs: 2 } as const);
  assert.equal(fromConst.validationData?.[1], y);
  const error = problems({ validationData: [x, y], validationSplit: 0.2 });
  assert.equal(
    error.message,
    'defineConfig: validationData and validationSplit (0.2) are both set; use one: validationSplit holds out part of the training data, validationData is a separate [x, y].',
  );
  const disposed = tf.zeros([1]);
  disposed.dispose();
  assert.match(problems({ validationData: [x, disposed] }).message, /validationData must be \[x, y\]: two live tf\.Tensors/);
  tf.dispose([x, y]);
});

test('every problem is reported at once, in field order, with exact messages', () => {
  const error = problems({
    learningrate: 0.1,
    optimizer: 'adamm',
    batchSize: 0,
    epochs: 2.5,
    loss: 'mse',
    metrics: ['acuracy'],
    validationSplit: 1,
    regularization: { l2: -1, dropuot: 0.1 },
    earlyStopping: { patiense: 2, mode: 'maxx' },
    lrSchedule: { name: 'cosineDecay', initial: 0.1, decaysteps: 10 },
    clipNorm: 1,
    clipValue: 1,
  });
  assert.equal(
    error.message,
    [
      'defineConfig: 14 problems:',
      '  - batchSize must be a number ≥ 1; received 0.',
      '  - epochs must be an integer; received 2.5.',
      "  - optimizer: 'adamm' is not a known optimizer; expected one of 'sgd' | 'momentum' | 'rmsprop' | 'adam' | 'adamw' | 'adagrad' | 'adadelta' | 'adamax'. Did you mean 'adam'?",
      "  - loss: 'mse' is not a known loss; expected one of 'meanSquaredError' | 'meanAbsoluteError' | 'meanAbsolutePercentageError' | 'meanSquaredLogarithmicError' | 'huber' | 'logcosh' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'binaryCrossentropy' | 'kullbackLeiblerDivergence' | 'poisson' | 'hinge' | 'squaredHinge' | 'categoricalHinge' | 'cosineProximity'. Did you mean 'meanSquaredError'?",
      "  - metrics[0]: 'acuracy' is not a known metric; expected one of 'accuracy' | 'acc' | 'crossentropy' | 'ce' | 'binaryAccuracy' | 'categoricalAccuracy' | 'precision' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'mse' | 'MSE' | 'mae' | 'MAE' | 'mape' | 'MAPE' | 'cosine'. Did you mean 'accuracy'?",
      '  - validationSplit must be a number < 1; received 1.',
      '  - regularization.l2 must be a number ≥ 0; received -1.',
      "  - regularization.dropuot is not a known option. Did you mean 'dropout'?",
      "  - earlyStopping.mode: 'maxx' is not a known mode; expected one of 'auto' | 'min' | 'max'. Did you mean 'max'?",
      "  - earlyStopping.patiense is not a known option. Did you mean 'patience'?",
      '  - lrSchedule.decaySteps is required: a finite number.',
      "  - lrSchedule.decaysteps is not a known option. Did you mean 'decaySteps'?",
      '  - clipValue: set at most one of clipNorm, clipValue, globalClipNorm (as Keras); received clipNorm and clipValue. Keep the one you mean.',
      "  - learningrate is not a known option. Did you mean 'learningRate'?",
    ].join('\n'),
  );
  assert.deepEqual(
    error.issues.map((i) => [i.path, i.received]),
    [
      ['batchSize', 0],
      ['epochs', 2.5],
      ['optimizer', 'adamm'],
      ['loss', 'mse'],
      ['metrics[0]', 'acuracy'],
      ['validationSplit', 1],
      ['regularization.l2', -1],
      ['regularization.dropuot', 0.1],
      ['earlyStopping.mode', 'maxx'],
      ['earlyStopping.patiense', 2],
      ['lrSchedule.decaySteps', undefined],
      ['lrSchedule.decaysteps', 10],
      ['clipValue', ['clipNorm', 'clipValue']],
      ['learningrate', 0.1],
    ],
  );
  assert.equal(error.issues[2].expected, "'sgd' | 'momentum' | 'rmsprop' | 'adam' | 'adamw' | 'adagrad' | 'adadelta' | 'adamax'");
  assert.equal(error.issues[0].expected, 'a number ≥ 1');
});

test('bad-input matrix: wrong types, NaN, negative, zero, huge, Infinity → one precise issue each', () => {
  const cases: Array<[TrainingConfigInput | Record<string, unknown>, string, string]> = [
    [{ learningRate: '0.01' }, 'learningRate', "learningRate must be a finite number; received '0.01' (a string)."],
    [{ learningRate: NaN }, 'learningRate', 'learningRate must be a finite number; received NaN.'],
    [{ learningRate: -0.1 }, 'learningRate', 'learningRate must be a number > 0; received -0.1.'],
    [{ learningRate: 0 }, 'learningRate', 'learningRate must be a number > 0; received 0.'],
    [{ learningRate: 1e3 }, 'learningRate', 'learningRate must be a number ≤ 10; received 1000.'],
    [{ learningRate: Infinity }, 'learningRate', 'learningRate must be a finite number; received Infinity.'],
    [{ batchSize: 0 }, 'batchSize', 'batchSize must be a number ≥ 1; received 0.'],
    [{ batchSize: 1e9 }, 'batchSize', 'batchSize must be a number ≤ 1048576; received 1000000000.'],
    [{ batchSize: 16.5 }, 'batchSize', 'batchSize must be an integer; received 16.5.'],
    [{ batchSize: null }, 'batchSize', 'batchSize must be a finite number; received null (null).'],
    [{ epochs: -1 }, 'epochs', 'epochs must be a number ≥ 1; received -1.'],
    [{ epochs: Infinity }, 'epochs', 'epochs must be a finite number; received Infinity.'],
    [{ shuffle: 'yes' }, 'shuffle', "shuffle must be true or false; received 'yes' (a string)."],
    [{ seed: -5 }, 'seed', 'seed must be a number ≥ 0; received -5.'],
    [{ seed: 1.5 }, 'seed', 'seed must be an integer; received 1.5.'],
    [{ metrics: 'accuracy' }, 'metrics', "metrics must be an array; received 'accuracy' (a string)."],
    [{ validationSplit: 0 }, 'validationSplit', 'validationSplit must be a number > 0; received 0.'],
    [{ validationSplit: NaN }, 'validationSplit', 'validationSplit must be a finite number; received NaN.'],
    [{ regularization: { dropout: 1 } }, 'regularization.dropout', 'regularization.dropout must be a number < 1; received 1.'],
    [{ regularization: { l1: 1e9 } }, 'regularization.l1', 'regularization.l1 must be a number ≤ 1; received 1000000000.'],
    [{ earlyStopping: 'yes' }, 'earlyStopping', "earlyStopping must be false or true or an object; received 'yes' (a string)."],
    [{ earlyStopping: { patience: -1 } }, 'earlyStopping.patience', 'earlyStopping.patience must be a number ≥ 0; received -1.'],
    [{ earlyStopping: { minDelta: NaN } }, 'earlyStopping.minDelta', 'earlyStopping.minDelta must be a finite number; received NaN.'],
    [{ optimizer: { name: 'adam', beta1: 1 } }, 'optimizer.beta1', 'optimizer.beta1 must be a number < 1; received 1.'],
    [{ optimizer: 7 }, 'optimizer', 'optimizer must be an optimizer name or {name, ...options}; received 7.'],
    [{ lrSchedule: { name: 'stepDecay', initial: 0.1, factor: 0, every: 2 } }, 'lrSchedule.factor', 'lrSchedule.factor must be a number > 0; received 0.'],
    [{ clipNorm: 0 }, 'clipNorm', 'clipNorm must be a number > 0; received 0.'],
    [{ globalClipNorm: -1 }, 'globalClipNorm', 'globalClipNorm must be a number > 0; received -1.'],
    [
      { learningRate: 0.1, optimizer: { name: 'adam', learningRate: 0.2 } },
      'optimizer.learningRate',
      'optimizer.learningRate (0.2) disagrees with learningRate (0.1). Set learningRate in one place.',
    ],
    [
      { clipNorm: 1, optimizer: { name: 'adam', globalClipNorm: 2 } },
      'globalClipNorm',
      'globalClipNorm: set at most one of clipNorm, clipValue, globalClipNorm (as Keras); received clipNorm and globalClipNorm. Keep the one you mean.',
    ],
  ];
  for (const [input, path, message] of cases) {
    const error = problems(input);
    assert.equal(error.issues.length, 1, `${JSON.stringify(input)}: ${error.message}`);
    assert.equal(error.issues[0].path, path);
    assert.equal(error.message, `defineConfig: ${message}`);
  }
  for (const input of [null, 5, 'adam', [1]]) {
    assert.match(problems(input).message, /^defineConfig: expects an object of config fields \(or nothing\); received /);
  }
});

test('configSummary renders a Markdown table', () => {
  const cfg = defineConfig({
    optimizer: { name: 'momentum', nesterov: true },
    learningRate: 0.05,
    metrics: ['accuracy'],
    loss: 'categoricalCrossentropy',
    validationSplit: 0.2,
    seed: 1,
    regularization: { l2: 0.001 },
    earlyStopping: { patience: 3, restoreBestWeights: true },
    lrSchedule: { name: 'stepDecay', initial: 0.05, factor: 0.5, every: 10 },
    clipNorm: 1,
  });
  assert.equal(
    configSummary(cfg),
    [
      '| setting | value |',
      '| --- | --- |',
      '| optimizer | momentum (nesterov true) |',
      '| learning rate | 0.05 |',
      '| loss | categoricalCrossentropy |',
      '| metrics | accuracy |',
      '| batch size | 32 |',
      '| epochs | 10 |',
      '| validation | 20% of the training data |',
      '| shuffle | yes |',
      '| seed | 1 |',
      '| regularization | l2 0.001 |',
      '| early stopping | val_loss (auto), patience 3, restore best weights |',
      '| lr schedule | stepDecay(initial 0.05, factor 0.5, every 10) per epoch |',
      '| gradient clipping | clipNorm 1 |',
    ].join('\n'),
  );
  assert.match(configSummary(defineConfig({ validationSplit: 0.15 })), /\| validation \| 15% of the training data \|/);
  assert.match(configSummary(defineConfig()), /\| early stopping \| off \|\n\| lr schedule \| none \|\n\| gradient clipping \| none \|$/);
});

test('configDiff lists the leaf fields that differ', () => {
  const base = defineConfig();
  const run = defineConfig({ learningRate: 0.01, optimizer: { name: 'adam', beta1: 0.8 }, regularization: { dropout: 0.5 } });
  assert.deepEqual(configDiff(base, run), [
    { path: 'learningRate', a: 0.001, b: 0.01 },
    { path: 'optimizer.beta1', a: undefined, b: 0.8 },
    { path: 'regularization.dropout', a: 0, b: 0.5 },
  ]);
  assert.deepEqual(configDiff(run, run), []);
  assert.deepEqual(configDiff(base, defineConfig({ optimizer: { name: 'adam' } })), []);
});

test('optimizerFromConfig applies the learning rate, options and clipping; the schedule spec builds', () => {
  const cfg = defineConfig({
    optimizer: { name: 'adamw', weightDecay: 0.02 },
    learningRate: 0.003,
    globalClipNorm: 2,
    lrSchedule: { name: 'exponentialDecay', initial: 0.003, decayRate: 0.5, decaySteps: 1 },
  });
  const opt = optimizerFromConfig(cfg);
  assert.equal(getLearningRate(opt), 0.003);
  assert.deepEqual(opt.getConfig(), { learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.02, globalClipNorm: 2 });
  opt.dispose();
  assert.ok(cfg.lrSchedule !== undefined);
  assert.equal(scheduleFromSpec(cfg.lrSchedule)(2), 0.00075);
});

test('resolveLoss: tfjs names pass through, huber is a Keras-equivalent function', () => {
  assert.equal(resolveLoss('meanSquaredError'), 'meanSquaredError');
  const fn = resolveLoss('huber');
  assert.equal(typeof fn, 'function');
  const yTrue = tf.tensor2d([[0, 0], [0, 0]]);
  const yPred = tf.tensor2d([[0.5, 2], [-3, 0]]);
  const start = tf.memory().numTensors;
  const loss = (fn as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(yTrue, yPred);
  // Per sample: mean(0.5·0.25, 1·(2 - 0.5)) = 0.8125; mean(1·(3 - 0.5), 0) = 1.25.
  assert.deepEqual(Array.from(loss.dataSync()), [0.8125, 1.25]);
  loss.dispose();
  assert.equal(tf.memory().numTensors, start, 'huber leaks nothing');
  const delta2 = huber(yTrue, yPred, 2);
  assert.deepEqual(Array.from(delta2.dataSync()), [(0.125 + 2) / 2, (2 * (3 - 1) + 0) / 2]);
  tf.dispose([yTrue, yPred, delta2]);
  assert.throws(() => resolveLoss('mse' as never), /resolveLoss: loss: 'mse' is not a known loss; .*Did you mean 'meanSquaredError'\?/);
});

test('huber trains in model.compile', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ optimizer: 'sgd', loss: resolveLoss('huber') });
  const xs = tf.tensor2d([[0], [1], [2]]);
  const ys = tf.tensor2d([[0], [10], [20]]);
  const history = await model.fit(xs, ys, { epochs: 3, verbose: 0 });
  const losses = history.history.loss as number[];
  assert.ok(losses[2] < losses[0]);
  model.dispose();
  tf.dispose([xs, ys]);
});

test('levenshtein and didYouMean', () => {
  const distances: Array<[string, string, number]> = [
    ['', '', 0],
    ['adam', 'adam', 0],
    ['adamm', 'adam', 1],
    ['adma', 'adam', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ];
  for (const [a, b, d] of distances) assert.equal(levenshtein(a, b), d, `${a} vs ${b}`);
  const names = ['learningRate', 'batchSize', 'epochs'];
  const guesses: Array<[string, string | undefined]> = [
    ['learningrate', 'learningRate'],
    ['learning_rate', 'learningRate'],
    ['batch_size', 'batchSize'],
    ['epoch', 'epochs'],
    ['lr', undefined],
    ['zzzzzz', undefined],
  ];
  for (const [input, expected] of guesses) assert.equal(didYouMean(input, names), expected, input);
});

test('defineConfig allocates no tensors, valid or not', () => {
  const start = tf.memory().numTensors;
  defineConfig({ optimizer: 'adamw', lrSchedule: { name: 'oneCycle', maxLR: 0.1, totalSteps: 10 } });
  assert.throws(() => defineConfig({ epochs: 0 }));
  assert.equal(tf.memory().numTensors, start);
});
