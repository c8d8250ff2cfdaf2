import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { datasets } from '../../src';
import type { LabeledData } from '../../src';
import { DataError } from '../../src/data/errors';
import { classIndices } from '../../src/data/types';

before(async () => {
  await useBackend('cpu', { quiet: true });
});

const makers: Array<[string, (seed: number) => LabeledData, number, number]> = [
  // name, maker, expected rows, expected classes
  ['spirals', (seed) => datasets.spirals({ n: 150, classes: 3, seed }), 150, 3],
  ['moons', (seed) => datasets.moons({ n: 101, seed }), 101, 2],
  ['circles', (seed) => datasets.circles({ n: 80, seed }), 80, 2],
  ['xor', (seed) => datasets.xor({ n: 64, seed }), 64, 2],
];

describe('generated classification data', () => {
  for (const [name, make, rows, classes] of makers) {
    it(`${name}: shapes, dtypes, one-hot rows, class counts`, () => {
      const before = tf.memory().numTensors;
      const d = make(1);
      assert.equal(tf.memory().numTensors, before + 2, 'returns exactly x and y');
      assert.deepEqual(d.x.shape, [rows, 2]);
      assert.deepEqual(d.y.shape, [rows, classes]);
      assert.equal(d.x.dtype, 'float32');
      assert.equal(d.y.dtype, 'float32');
      assert.equal(d.task, 'classification');
      assert.equal(d.target, 'oneHot');
      assert.equal(d.classes.length, classes);
      assert.deepEqual(d.featureNames, ['x1', 'x2']);
      const rowSums = tf.tidy(() => Array.from(d.y.sum(1).dataSync()));
      assert.ok(rowSums.every((s) => s === 1));
      const counts = tf.tidy(() => Array.from(d.y.sum(0).dataSync()));
      assert.equal(counts.reduce((a, b) => a + b), rows);
      if (name !== 'xor') assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `balanced classes, got ${counts}`);
      tf.dispose(d);
      assert.equal(tf.memory().numTensors, before);
    });

    it(`${name}: same seed gives the same data, another seed different data`, () => {
      const [a, b, c] = [make(7), make(7), make(8)];
      assert.deepEqual(Array.from(a.x.dataSync()), Array.from(b.x.dataSync()));
      assert.deepEqual(Array.from(a.y.dataSync()), Array.from(b.y.dataSync()));
      assert.notDeepEqual(Array.from(a.x.dataSync()), Array.from(c.x.dataSync()));
      tf.dispose([a, b, c]);
    });
  }

  it('target: index gives one class-index column', () => {
    const d = datasets.moons({ n: 10, target: 'index' });
    assert.deepEqual(d.y.shape, [10, 1]);
    assert.equal(d.target, 'index');
    assert.deepEqual([...new Set(d.y.dataSync())].sort(), [0, 1]);
    tf.dispose(d);
  });

  it('rows are shuffled so a trailing validationSplit sees every class', () => {
    const d = datasets.spirals({ n: 300, classes: 3, seed: 0, target: 'index' });
    const tail = tf.tidy(() => Array.from(d.y.slice([240, 0], [60, 1]).dataSync()));
    assert.deepEqual([...new Set(tail)].sort(), [0, 1, 2]);
    tf.dispose(d);
  });

  it('xor labels follow the sign rule when there is no noise', () => {
    const d = datasets.xor({ n: 200, noise: 0, seed: 3, target: 'index' });
    const x = d.x.arraySync();
    const y = d.y.dataSync();
    x.forEach(([a, b], i) => assert.equal(y[i], a * b < 0 ? 1 : 0));
    tf.dispose(d);
  });

  it('circles without noise lie on radii 1 and factor', () => {
    const d = datasets.circles({ n: 40, noise: 0, factor: 0.3, target: 'index' });
    const x = d.x.arraySync();
    const y = d.y.dataSync();
    x.forEach(([a, b], i) => assert.ok(Math.abs(Math.hypot(a, b) - (y[i] === 0 ? 1 : 0.3)) < 1e-6));
    tf.dispose(d);
  });
});

describe('datasets.regression', () => {
  it('follows fn within the noise and marks outliers', () => {
    const before = tf.memory().numTensors;
    const d = datasets.regression({ n: 200, fn: (x) => 2 * x + 1, noise: 0, outliers: 0.05, range: [0, 1], seed: 4 });
    assert.equal(tf.memory().numTensors, before + 2);
    assert.deepEqual(d.x.shape, [200, 1]);
    assert.deepEqual(d.y.shape, [200, 1]);
    assert.equal(d.outlierIndices.length, 10);
    const x = d.x.dataSync();
    const y = d.y.dataSync();
    for (let i = 0; i < 200; i++) {
      const off = Math.abs(y[i] - (2 * x[i] + 1));
      if (d.outlierIndices.includes(i)) assert.ok(off >= 3 - 1e-4, `outlier ${i} off by ${off}`);
      else assert.ok(off < 1e-5, `row ${i} off by ${off}`);
      assert.ok(x[i] >= 0 && x[i] < 1);
    }
    tf.dispose(d);
  });

  it('is deterministic with a seed', () => {
    const [a, b] = [datasets.regression({ seed: 9, outliers: 0.1 }), datasets.regression({ seed: 9, outliers: 0.1 })];
    assert.deepEqual(Array.from(a.y.dataSync()), Array.from(b.y.dataSync()));
    assert.deepEqual(a.outlierIndices, b.outlierIndices);
    tf.dispose([a, b]);
  });
});

describe('datasets.randomLabels', () => {
  it('keeps x, replaces labels (seeded), owns its tensors', () => {
    const d = datasets.spirals({ n: 300, seed: 1 });
    const before = tf.memory().numTensors;
    const r1 = datasets.randomLabels(d, { seed: 5 });
    const r2 = datasets.randomLabels(d, { seed: 5 });
    assert.equal(tf.memory().numTensors, before + 4);
    assert.deepEqual(Array.from(r1.x.dataSync()), Array.from(d.x.dataSync()));
    assert.deepEqual(r1.y.shape, d.y.shape);
    assert.deepEqual(Array.from(r1.y.dataSync()), Array.from(r2.y.dataSync()));
    const agree = tf.tidy(() => r1.y.argMax(1).equal(d.y.argMax(1)).sum().dataSync()[0]);
    assert.ok(agree > 50 && agree < 150, `about a third of labels agree by chance, got ${agree}`);
    tf.dispose([r1, r2]);
    assert.equal(d.x.isDisposed, false);
    tf.dispose(d);
  });

  it('fraction changes exactly that share of labels, each to another class, seeded, in the same encoding', () => {
    const cases: Array<[string, () => LabeledData, number, number]> = [
      ['spirals one-hot, 3 classes', () => datasets.spirals({ n: 300, seed: 1 }), 0.2, 60],
      ['moons as indices', () => datasets.moons({ n: 101, seed: 1, target: 'index' }), 0.3, 30],
      ['circles, none', () => datasets.circles({ n: 40, seed: 1 }), 0, 0],
      ['xor, all', () => datasets.xor({ n: 50, seed: 3 }), 1, 50],
    ];
    for (const [name, make, fraction, wrong] of cases) {
      const d = make();
      const before = tf.memory().numTensors;
      const r1 = datasets.randomLabels(d, { fraction, seed: 7 });
      const r2 = datasets.randomLabels(d, { fraction, seed: 7 });
      assert.equal(tf.memory().numTensors, before + 4, `${name}: tensors`);
      assert.deepEqual(r1.y.shape, d.y.shape, name);
      assert.equal(r1.target, d.target, name);
      const truth = classIndices(d.y);
      const noisy = classIndices(r1.y);
      assert.equal(noisy.filter((c, i) => c !== truth[i]).length, wrong, `${name}: wrong labels`);
      assert.ok(noisy.every((c) => c >= 0 && c < d.classes.length), `${name}: classes in range`);
      assert.deepEqual(Array.from(r1.y.dataSync()), Array.from(r2.y.dataSync()), `${name}: seeded`);
      tf.dispose([d, r1, r2]);
    }
  });

  it('fraction: wrong classes are spread over the other classes', () => {
    const d = datasets.spirals({ n: 300, classes: 3, seed: 2, target: 'index' });
    const r = datasets.randomLabels(d, { fraction: 1, seed: 3 });
    const truth = classIndices(d.y);
    const offsets = classIndices(r.y).map((c, i) => (c - truth[i] + 3) % 3);
    const ones = offsets.filter((o) => o === 1).length;
    assert.ok(ones > 120 && ones < 180, `about half move by one class, got ${ones}`);
    tf.dispose([d, r]);
  });

  it('fraction: out of range or on regression data is a DataError naming the fix', () => {
    const cases: Array<[() => LabeledData, RegExp]> = [
      [() => datasets.moons({ n: 10 }), /^datasets\.randomLabels: fraction is the share of labels changed and must be between 0 and 1, received 1\.5\. Pass e\.g\. fraction: 0\.2/],
      [() => datasets.regression({ n: 10 }), /^datasets\.randomLabels: fraction changes class labels, but this data has a regression target\./],
    ];
    for (const [make, message] of cases) {
      const d = make();
      const fraction = d.task === 'regression' ? 0.5 : 1.5;
      assert.throws(() => datasets.randomLabels(d, { fraction }), (e: unknown) => e instanceof DataError && message.test(e.message));
      tf.dispose([d.x, d.y]);
    }
    const d = datasets.moons({ n: 10 });
    assert.throws(() => datasets.randomLabels(d, { fractoin: 0.2 } as never), /fractoin.*Did you mean 'fraction'/s);
    tf.dispose(d);
  });

  it('permutes regression targets', () => {
    const d = datasets.regression({ n: 50, seed: 2 });
    const r = datasets.randomLabels(d, { seed: 1 });
    const sorted = (t: tf.Tensor) => Array.from(t.dataSync()).sort((a, b) => a - b);
    assert.deepEqual(sorted(r.y), sorted(d.y));
    assert.notDeepEqual(Array.from(r.y.dataSync()), Array.from(d.y.dataSync()));
    tf.dispose([d, r]);
  });
});

describe('generated data: bad input', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['n = 0', () => datasets.moons({ n: 0 }), /datasets\.moons: n must be a whole number >= 2, received 0/],
    ['n fractional', () => datasets.spirals({ n: 10.5 }), /datasets\.spirals: n must be a whole number/],
    ['1 class', () => datasets.spirals({ classes: 1 }), /classes must be a whole number >= 2, received 1/],
    ['negative noise', () => datasets.xor({ noise: -1 }), /datasets\.xor: noise must be a finite number >= 0, received -1/],
    ['factor 1', () => datasets.circles({ factor: 1 }), /factor must be between 0 and 1/],
    ['seed 1.5', () => datasets.moons({ seed: 1.5 }), /seed must be a whole number, received 1\.5/],
    ['outliers 2', () => datasets.regression({ outliers: 2 }), /outliers .* between 0 and 1, received 2/],
    ['range reversed', () => datasets.regression({ range: [1, 0] }), /range must be \[low, high\]/],
    ['fn NaN', () => datasets.regression({ fn: Math.log, range: [-1, 1] }), /fn returned NaN/],
  ];
  for (const [name, call, message] of cases) {
    it(name, () => {
      const before = tf.memory().numTensors;
      assert.throws(call, message);
      assert.equal(tf.memory().numTensors, before);
    });
  }
});
