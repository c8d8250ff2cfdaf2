import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { models } from '../../src';
import type { MlpOptions } from '../../src/models/mlp';

before(async () => {
  await useBackend('cpu', { quiet: true });
});

describe('models.mlp', () => {
  const cases: Array<[string, MlpOptions, number, number[], string]> = [
    // name, options, expected params, output shape, last activation
    ['2-16-3 softmax', { inputShape: [2], hidden: [16], output: { classes: 3 } }, 2 * 16 + 16 + 16 * 3 + 3, [null as never, 3], 'softmax'],
    ['regression, no hidden', { inputShape: 4, hidden: [], output: 'regression' }, 5, [null as never, 1], 'linear'],
    ['binary, two hidden', { inputShape: [3], hidden: [8, 4], output: 'binary', activation: 'tanh' }, 3 * 8 + 8 + 8 * 4 + 4 + 5, [null as never, 1], 'sigmoid'],
    ['flatten 28x28', { inputShape: [28, 28], hidden: [10], output: { units: 5 } }, 784 * 10 + 10 + 55, [null as never, 5], 'linear'],
    // BatchNorm: dense without bias + 4 params per unit (2 trainable, 2 moving stats)
    ['batchNorm + dropout', { inputShape: [2], hidden: [8], batchNorm: true, dropout: 0.5, output: { classes: 2 } }, 16 + 32 + 18, [null as never, 2], 'softmax'],
  ];
  for (const [name, options, params, outputShape, activation] of cases) {
    it(name, () => {
      const before = tf.memory().numTensors;
      const model = models.mlp(options);
      assert.equal(model.countParams(), params);
      assert.deepEqual(model.outputs[0].shape, outputShape);
      const last = model.layers[model.layers.length - 1].getConfig();
      assert.equal(last.activation, activation);
      const weights = model.weights.length;
      assert.equal(tf.memory().numTensors, before + weights, 'only the weights are allocated');
      model.dispose();
      assert.equal(tf.memory().numTensors, before);
    });
  }

  it('has dropout layers and l2 regularizers when asked', () => {
    const model = models.mlp({ inputShape: [2], hidden: [4, 4], dropout: 0.3, l2: 0.01, output: 'binary' });
    const kinds = model.layers.map((l) => l.getClassName());
    assert.deepEqual(kinds, ['Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']);
    const reg = model.layers[0].getConfig().kernelRegularizer as { config: { l2: number } };
    assert.ok(Math.abs(reg.config.l2 - 0.01) < 1e-9);
    model.dispose();
  });

  it('same seed → same initial weights', () => {
    const [a, b, c] = [1, 1, 2].map((seed) => models.mlp({ inputShape: [2], hidden: [4], output: 'binary', seed }));
    const w = (m: tf.LayersModel) => Array.from(m.getWeights()[0].dataSync());
    assert.deepEqual(w(a), w(b));
    assert.notDeepEqual(w(a), w(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['no inputShape', { output: 'binary' }, /models\.mlp: inputShape must be a positive whole number or an array of them .* received nothing/],
    ['bad hidden', { inputShape: [2], hidden: [4, 0], output: 'binary' }, /hidden\[1\] must be a whole number >= 1, received 0/],
    ['dropout 1', { inputShape: [2], dropout: 1, output: 'binary' }, /dropout must be in \[0, 1\), received 1/],
    ['unknown output', { inputShape: [2], output: 'multiclass' }, /output must be 'regression', 'binary', \{classes: k\} or \{units, activation\}, received "multiclass"/],
    ['1 class', { inputShape: [2], output: { classes: 1 } }, /output\.classes must be a whole number >= 2, received 1/],
    ['negative l2', { inputShape: [2], output: 'binary', l2: -1 }, /l2 must be in \[0, Infinity\), received -1/],
  ];
  for (const [name, options, message] of bad) {
    it(`bad input: ${name}`, () => {
      const before = tf.memory().numTensors;
      assert.throws(() => models.mlp(options as MlpOptions), message);
      assert.equal(tf.memory().numTensors, before);
    });
  }
});
