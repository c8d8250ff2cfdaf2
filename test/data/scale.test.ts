import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { minMaxScale, splitData, standardize } from '../../src';

before(async () => {
  await useBackend('cpu', { quiet: true });
});

const close = (actual: number[], expected: number[], tol = 1e-5) =>
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) < tol, `[${i}] ${a} vs ${expected[i]}`));

describe('scalers fit on the training part only', () => {
  // train column 0: mean 2, std sqrt(2/3); column 1 constant 5
  const train = () => tf.tensor2d([[1, 5], [2, 5], [3, 5]]);
  const other = () => tf.tensor2d([[100, -7]]);

  it('standardize: statistics from train, applied to the others unchanged', () => {
    const [tr, ot] = [train(), other()];
    const before = tf.memory().numTensors;
    const scaled = standardize(tr, ot);
    const [a, b] = scaled;
    const { scaler } = scaled;
    assert.equal(tf.memory().numTensors, before + 2);
    const std = Math.sqrt(2 / 3);
    close(scaler.offset, [2, 5]);
    close(scaler.scale, [std, 1]); // constant column divided by 1, not 0
    close(Array.from(a.dataSync()), [-1 / std, 0, 0, 0, 1 / std, 0]);
    close(Array.from(b.dataSync()), [98 / std, -12]);
    close(Array.from(tf.tidy(() => scaler.inverse(b).dataSync())), [100, -7], 1e-3);
    tf.dispose([a, b, tr, ot]);
  });

  it('minMaxScale: min and range from train', () => {
    const [tr, ot] = [train(), other()];
    const [a, b] = minMaxScale(tr, ot);
    close(Array.from(a.dataSync()), [0, 0, 0.5, 0, 1, 0]);
    close(Array.from(b.dataSync()), [49.5, -12]);
    tf.dispose([a, b, tr, ot]);
  });

  it('split form: scales x of every part, copies y, returns the scaler; leaks nothing', () => {
    const n = 200;
    const data = { x: tf.tensor2d(Array.from({ length: n * 2 }, (_, i) => i), [n, 2]), y: tf.zeros([n, 1]) };
    const split = splitData(data, { seed: 2 });
    const before = tf.memory().numTensors;
    const s = standardize(split);
    assert.equal(tf.memory().numTensors, before + 6);
    const trainMean = tf.tidy(() => Array.from(split.train.x.mean(0).dataSync()));
    const allMean = tf.tidy(() => Array.from(data.x.mean(0).dataSync()));
    close(s.scaler.offset, trainMean, 1e-3);
    assert.notDeepEqual(s.scaler.offset.map(Math.round), allMean.map(Math.round), 'fitted on train, not on all rows');
    close(tf.tidy(() => Array.from(s.train.x.mean(0).dataSync())), [0, 0], 1e-4);
    assert.notEqual(s.train.y, split.train.y, 'y is a copy the result owns');
    tf.dispose([s.train, s.validation, s.test]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([split, data]);
  });

  it('scaler.transform rejects a different number of columns', () => {
    const tr = train();
    const scaled = standardize(tr);
    const [a] = scaled;
    const { scaler } = scaled;
    assert.throws(() => scaler.transform(tf.zeros([1, 3]) as tf.Tensor2D), /x has 3 columns but the scaler was fitted on 2/);
    tf.dispose([a, tr]);
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['NaN in train', () => standardize(tf.tensor2d([[1], [NaN]])), /standardize: train contains NaN at row 1, column 0/],
    ['NaN in other', () => minMaxScale(tf.tensor2d([[1], [2]]), tf.tensor2d([[Infinity]])), /minMaxScale: part 1 contains Infinity/],
    ['empty train', () => standardize(tf.zeros([0, 2]) as tf.Tensor2D), /standardize: the training part has no rows/],
    ['1-D', () => standardize(tf.zeros([3]) as unknown as tf.Tensor2D), /standardize: train must be a 2-D tensor/],
  ];
  for (const [name, call, message] of bad) {
    it(`bad input: ${name}`, () => {
      tf.engine().startScope();
      assert.throws(call, message);
      tf.engine().endScope();
    });
  }
});
