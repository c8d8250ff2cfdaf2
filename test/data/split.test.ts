import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { datasets, oneHot, splitData } from '../../src';
import { classIndices as classIndicesOf } from '../../src/data/types';

before(async () => {
  await useBackend('cpu', { quiet: true });
});

/** Row ids stored in the single feature column, so a split can be traced back. */
function ids(n: number, classes = 2) {
  return {
    x: tf.tensor2d(Array.from({ length: n }, (_, i) => i), [n, 1]),
    y: tf.tensor2d(Array.from({ length: n }, (_, i) => i % classes), [n, 1]),
  };
}

describe('splitData', () => {
  const sizes: Array<[number, number, number, [number, number, number]]> = [
    // rows, validation, test, [train, validation, test]
    [100, 0.2, 0.2, [60, 20, 20]],
    [100, 0.25, 0, [75, 25, 0]],
    [10, 0.15, 0.15, [6, 2, 2]],
    [7, 0.3, 0, [5, 2, 0]],
  ];
  for (const [n, validation, test, expected] of sizes) {
    it(`${n} rows, validation ${validation}, test ${test} → ${expected.join('/')}; a partition of the rows`, () => {
      const data = ids(n);
      const before = tf.memory().numTensors;
      const s = splitData(data, { validation, test, seed: 1 });
      assert.equal(tf.memory().numTensors, before + 6);
      assert.deepEqual([s.train.x.shape[0], s.validation.x.shape[0], s.test.x.shape[0]], expected);
      const all = [s.train, s.validation, s.test].flatMap((p) => Array.from(p.x.dataSync()));
      assert.deepEqual(all.sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
      // y travelled with x
      for (const part of [s.train, s.validation, s.test]) {
        const xs = part.x.dataSync();
        part.y.dataSync().forEach((label, i) => assert.equal(label, xs[i] % 2));
      }
      tf.dispose([s, data]);
      assert.equal(tf.memory().numTensors, before - 2);
    });
  }

  it('same seed → same split; other seed → other split', () => {
    const data = ids(50);
    const [a, b, c] = [1, 1, 2].map((seed) => splitData(data, { seed }));
    assert.deepEqual(Array.from(a.test.x.dataSync()), Array.from(b.test.x.dataSync()));
    assert.notDeepEqual(Array.from(a.test.x.dataSync()), Array.from(c.test.x.dataSync()));
    tf.dispose([a, b, c, data]);
  });

  it('stratify keeps class shares in every part (one-hot targets)', () => {
    // 80 of class 0, 20 of class 1
    const labels = Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const data = { x: tf.tensor2d(labels.map((_, i) => i), [100, 1]), y: oneHot(labels, 2) };
    const s = splitData(data, { validation: 0.2, test: 0.1, stratify: true, seed: 3 });
    const count1 = (t: tf.Tensor) => tf.tidy(() => t.slice([0, 1], [-1, 1]).sum().dataSync()[0]);
    assert.deepEqual([count1(s.train.y), count1(s.validation.y), count1(s.test.y)], [14, 4, 2]);
    assert.deepEqual([s.train.y.shape[0], s.validation.y.shape[0], s.test.y.shape[0]], [70, 20, 10]);
    tf.dispose([s, data]);
  });

  it('keeps the metadata of LabeledData', () => {
    const d = datasets.moons({ n: 50 });
    const s = splitData(d);
    assert.deepEqual(s.train.classes, d.classes);
    assert.equal(s.test.task, 'classification');
    tf.dispose([s, d]);
  });

  /** n samples of shape `sample`, every element of sample i equal to i; y holds i % 3 in the given layout. */
  function samples(n: number, sample: number[], y: 'index' | 'column' | 'oneHot') {
    const size = sample.reduce((a, b) => a * b, 1);
    const labels = Array.from({ length: n }, (_, i) => i % 3);
    return {
      x: tf.tensor(Array.from({ length: n * size }, (_, k) => Math.floor(k / size)), [n, ...sample]),
      y: y === 'oneHot' ? oneHot(labels, 3) : y === 'column' ? tf.tensor2d(labels, [n, 1]) : tf.tensor1d(labels),
    };
  }
  const ranks: Array<[string, number[], 'index' | 'column' | 'oneHot', boolean]> = [
    // name, shape of one sample, layout of y, stratify
    ['1-D x [n], y [n]', [], 'index', false],
    ['3-D x [n, t, f] (sequences)', [4, 2], 'column', false],
    ['4-D x [n, h, w, c] (images), one-hot y', [3, 3, 1], 'oneHot', false],
    ['4-D x [n, h, w, c], y [n], stratified', [2, 2, 3], 'index', true],
    ['5-D x [n, d, h, w, c]', [2, 2, 2, 1], 'column', false],
  ];
  for (const [name, sample, layout, stratify] of ranks) {
    it(`any rank ≥ 1 splits along the first axis: ${name}; the same rows as a 2-D split with that seed`, () => {
      const n = 30;
      const data = samples(n, sample, layout);
      const flat = { x: tf.tensor2d(Array.from({ length: n }, (_, i) => i), [n, 1]), y: data.y };
      const before = tf.memory().numTensors;
      const s = splitData(data, { validation: 0.2, test: 0.1, seed: 7, stratify });
      assert.equal(tf.memory().numTensors, before + 6);
      const size = sample.reduce((a, b) => a * b, 1);
      const rowsOf = (x: tf.Tensor) => {
        const values = Array.from(x.dataSync());
        return Array.from({ length: x.shape[0] }, (_, r) => values.slice(r * size, (r + 1) * size));
      };
      for (const part of [s.train, s.validation, s.test]) {
        assert.deepEqual(part.x.shape.slice(1), sample);
        assert.deepEqual(part.y.shape.slice(1), data.y.shape.slice(1));
        const ids = rowsOf(part.x).map((row) => {
          assert.ok(row.every((v) => v === row[0]), 'a sample stays whole');
          return row[0];
        });
        assert.deepEqual(classIndicesOf(part.y), ids.map((i) => i % 3), 'y travelled with x');
      }
      assert.deepEqual([s.train, s.validation, s.test].map((p) => p.x.shape[0]), [21, 6, 3]);
      const all = [s.train, s.validation, s.test].flatMap((p) => rowsOf(p.x).map((row) => row[0]));
      assert.deepEqual(all.sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
      // Same shuffle as the 2-D data: the rank of x does not change which rows go where.
      const ref = splitData(flat, { validation: 0.2, test: 0.1, seed: 7, stratify });
      for (const key of ['train', 'validation', 'test'] as const) {
        assert.deepEqual(rowsOf(s[key].x).map((row) => row[0]), Array.from(ref[key].x.dataSync()), key);
      }
      tf.dispose([s, ref, data, flat.x]);
      assert.equal(tf.memory().numTensors, before - 3);
    });
  }

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['part left empty', () => splitData(ids(5), { validation: 0.05, test: 0 }), /splitData: validation: 0\.05 of 5 rows leaves the validation part empty\. Pass a larger fraction/],
    ['fractions sum to 1', () => splitData(ids(10), { validation: 0.5, test: 0.5 }), /validation \+ test = 1 leaves nothing to train on/],
    ['negative fraction', () => splitData(ids(10), { test: -0.1 }), /splitData: test must be a fraction in \[0, 1\), received -0\.1/],
    ['row mismatch', () => splitData({ x: tf.zeros([4, 2]), y: tf.zeros([3, 1]) }), /data\.x has 4 rows but data\.y has 3/],
    ['scalar x', () => splitData({ x: tf.scalar(1), y: tf.zeros([4]) }), /^DataError: splitData: data\.x is a scalar \(shape \[\]\); it needs a first axis of samples \(rank ≥ 1, e\.g\. \[rows, features\] or \[n, h, w, c\]\)\. Pass one entry per sample along the first axis, e\.g\. x\.reshape\(\[1, -1\]\) for a single sample\.$/],
    ['scalar y', () => splitData({ x: tf.zeros([4, 2]), y: tf.scalar(0) }), /^DataError: splitData: data\.y is a scalar \(shape \[\]\); it needs a first axis of samples/],
    ['4-D row mismatch', () => splitData({ x: tf.zeros([4, 3, 3, 1]), y: tf.zeros([3, 2]) }), /^DataError: splitData: data\.x has 4 rows but data\.y has 3 \(shapes \[4, 3, 3, 1\] and \[3, 2\]\)\. Pass features and targets for the same rows \(the first axis\)\.$/],
    ['NaN in a 4-D x', () => splitData({ x: tf.tensor4d([0, 0, 0, 0, 0, 0, 0, NaN], [2, 2, 2, 1]), y: tf.zeros([2, 1]) }), /^DataError: splitData: data\.x contains NaN at row 1, element \[1, 1, 0\]\./],
    ['stratify with a 3-D y', () => splitData({ x: tf.zeros([10, 2]), y: tf.zeros([10, 2, 2]) }, { stratify: true }), /^DataError: splitData: stratify: true reads one class per row from data\.y \(\[rows\], \[rows, 1\] or one-hot \[rows, classes\]\), but data\.y has shape \[10, 2, 2\]\. Pass stratify: false/],
    ['NaN in x', () => splitData({ x: tf.tensor2d([1, NaN, 3, 4], [2, 2]), y: tf.zeros([2, 1]) }), /splitData: data\.x contains NaN at row 0, column 1/],
    ['not data', () => splitData([1, 2] as never), /data must be an object \{x, y\} of tensors, received an array of length 2/],
    ['stratify regression', () => splitData(datasets.regression({ n: 10 }), { stratify: true }), /stratify: true needs class labels but data\.task is 'regression'/],
  ];
  for (const [name, call, message] of bad) {
    it(`bad input: ${name}`, () => {
      tf.engine().startScope();
      const before = tf.memory().numTensors;
      assert.throws(call, message);
      assert.ok(tf.memory().numTensors - before <= 2, 'at most the argument tensors remain');
      tf.engine().endScope();
    });
  }
});

describe('oneHot', () => {
  it('encodes indices as float32 rows', () => {
    const t = oneHot([2, 0, 1], 3);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.arraySync(), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    t.dispose();
  });
  const bad: Array<[unknown[], number, RegExp]> = [
    [[0, 3], 3, /oneHot: labels\[1\] is 3, not a class index in 0\.\.2/],
    [[0.5], 2, /labels\[0\] is 0\.5/],
    [[0], 0, /numClasses must be a whole number >= 1, received 0/],
  ];
  for (const [labels, k, message] of bad) {
    it(`rejects ${JSON.stringify(labels)} with ${k} classes`, () => assert.throws(() => oneHot(labels as number[], k), message));
  }
});
