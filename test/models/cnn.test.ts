import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { models } from '../../src';
import type { CnnOptions } from '../../src/models/cnn';

before(async () => {
  await useBackend('cpu', { quiet: true });
});

describe('models.cnn', () => {
  const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
  const cases: Array<[string, CnnOptions, number, number[]]> = [
    // 28x28 → pool → 14 → pool → 7; flatten 7*7*32
    ['defaults on 28x28x1', { inputShape: [28, 28, 1], classes: 10 }, conv(3, 1, 16) + conv(3, 16, 32) + (7 * 7 * 32 * 64 + 64) + (64 * 10 + 10), [null as never, 10]],
    ['valid padding, no pool, no dense', { inputShape: [8, 8, 3], filters: [4], padding: 'valid', pool: 0, dense: [], classes: 2 }, conv(3, 3, 4) + (6 * 6 * 4 * 2 + 2), [null as never, 2]],
    // batchNorm: conv without bias + 4 per filter
    ['batchNorm, binary output', { inputShape: [4, 4, 1], filters: [2], batchNorm: true, dense: [3], output: 'binary' }, 9 * 2 + 8 + (2 * 2 * 2 * 3 + 3) + 4, [null as never, 1]],
  ];
  for (const [name, options, params, outputShape] of cases) {
    it(name, () => {
      const before = tf.memory().numTensors;
      const model = models.cnn(options);
      assert.equal(model.countParams(), params);
      assert.deepEqual(model.outputs[0].shape, outputShape);
      const out = tf.tidy(() => (model.predict(tf.zeros([2, ...options.inputShape])) as tf.Tensor).shape);
      assert.deepEqual(out, [2, outputShape[1]]);
      model.dispose();
      assert.equal(tf.memory().numTensors, before);
    });
  }

  it('dropout layers before dense and output', () => {
    const model = models.cnn({ inputShape: [8, 8, 1], filters: [2], dense: [4], dropout: 0.25, classes: 3 });
    assert.deepEqual(model.layers.map((l) => l.getClassName()), ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense', 'Dropout', 'Dense']);
    model.dispose();
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['2-D input', { inputShape: [28, 28], classes: 10 }, /models\.cnn: inputShape must be \[height, width, channels\], received \[28,28\]/],
    ['too deep', { inputShape: [8, 8, 1], filters: [4, 4, 4, 4], classes: 2 }, /the image 8x8 shrinks to nothing after convolution block 4 of 4/],
    ['no output', { inputShape: [8, 8, 1] }, /give classes \(softmax output\) or output, received neither/],
    ['pool 1', { inputShape: [8, 8, 1], pool: 1, classes: 2 }, /pool must be a whole number >= 2, received 1/],
    ['empty filters', { inputShape: [8, 8, 1], filters: [], classes: 2 }, /filters must be a non-empty array/],
  ];
  for (const [name, options, message] of bad) {
    it(`bad input: ${name}`, () => {
      const before = tf.memory().numTensors;
      assert.throws(() => models.cnn(options as CnnOptions), message);
      assert.equal(tf.memory().numTensors, before, 'no weights left behind');
    });
  }
});
