import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { datasets } from '../../src';
import { DataError } from '../../src/data/errors';
import { classIndices } from '../../src/data/types';
import { badInputSuite, type BadInput } from '../helpers/badInput';

before(async () => {
  await useBackend('cpu', { quiet: true });
});

/** The pixels of each image as one flat list. */
function pixelsOf(x: tf.Tensor4D): number[][] {
  return (x.arraySync() as number[][][][]).map((img) => img.flat(2));
}

describe('datasets.shapes', () => {
  it('shapes, dtypes, one-hot rows, values in [0, 1], balanced classes, exactly two tensors', () => {
    const before = tf.memory().numTensors;
    const d = datasets.shapes({ n: 101, size: 12, classes: ['circle', 'square', 'triangle', 'cross'], seed: 1 });
    assert.equal(tf.memory().numTensors, before + 2, 'returns exactly x and y');
    assert.deepEqual(d.x.shape, [101, 12, 12, 1]);
    assert.deepEqual(d.y.shape, [101, 4]);
    assert.equal(d.x.dtype, 'float32');
    assert.equal(d.y.dtype, 'float32');
    assert.deepEqual(d.classes, ['circle', 'square', 'triangle', 'cross']);
    assert.equal(d.task, 'classification');
    assert.equal(d.target, 'oneHot');
    const [min, max] = tf.tidy(() => [d.x.min().dataSync()[0], d.x.max().dataSync()[0]]);
    assert.ok(min >= 0 && max <= 1, `pixels in [0, 1], got [${min}, ${max}]`);
    assert.ok(tf.tidy(() => Array.from(d.y.sum(1).dataSync())).every((s) => s === 1));
    assert.deepEqual(tf.tidy(() => Array.from(d.y.sum(0).dataSync())), [26, 25, 25, 25]);
    tf.dispose(d);
    assert.equal(tf.memory().numTensors, before);
  });

  it('defaults: 300 images of 16×16, circle / square / triangle, 100 each', () => {
    const d = datasets.shapes();
    assert.deepEqual(d.x.shape, [300, 16, 16, 1]);
    assert.deepEqual(d.classes, ['circle', 'square', 'triangle']);
    assert.deepEqual(tf.tidy(() => Array.from(d.y.sum(0).dataSync())), [100, 100, 100]);
    tf.dispose(d);
  });

  it('same seed gives the same images, another seed different ones', () => {
    const [a, b, c] = [7, 7, 8].map((seed) => datasets.shapes({ n: 30, seed }));
    assert.deepEqual(Array.from(a.x.dataSync()), Array.from(b.x.dataSync()));
    assert.deepEqual(Array.from(a.y.dataSync()), Array.from(b.y.dataSync()));
    assert.notDeepEqual(Array.from(a.x.dataSync()), Array.from(c.x.dataSync()));
    tf.dispose([a, b, c]);
  });

  it('rows come shuffled, so a trailing validationSplit sees every class', () => {
    const d = datasets.shapes({ n: 300, seed: 0, target: 'index' });
    assert.deepEqual(d.y.shape, [300, 1]);
    const labels = classIndices(d.y);
    assert.deepEqual([...new Set(labels.slice(240))].sort(), [0, 1, 2]);
    assert.notDeepEqual(labels.slice(0, 30), Array.from({ length: 30 }, (_, i) => i % 3), 'not in class order');
    tf.dispose(d);
  });

  it('without noise: a black background, objects of the drawn sizes at different places', () => {
    const d = datasets.shapes({ n: 60, noise: 0, seed: 2 });
    const images = pixelsOf(d.x);
    const lit = images.map((p) => p.filter((v) => v > 0).length);
    // radius 20-40 % of 16 px: even a small square (side 1.6 r) covers > 6 px, a large disc < 170.
    assert.ok(lit.every((k) => k > 6 && k < 170), `lit pixels ${Math.min(...lit)}..${Math.max(...lit)}`);
    assert.ok(new Set(lit).size > 20, 'sizes vary');
    const centres = images.map((p) => {
      let sum = 0, sx = 0;
      p.forEach((v, i) => { sum += v; sx += v * (i % 16); });
      return sx / sum;
    });
    assert.ok(Math.max(...centres) - Math.min(...centres) > 5, `horizontal centres vary: ${Math.min(...centres)}..${Math.max(...centres)}`);
    tf.dispose(d);
  });

  it('each shape is mirror-symmetric left-right (a flip keeps its class); a triangle is not up-down', () => {
    // Skewness of the brightness profile along one axis: 0 for a shape symmetric about its centre.
    const skew = (img: number[][], axis: 'x' | 'y') => {
      let mass = 0, m1 = 0, m2 = 0, m3 = 0;
      img.forEach((row, r) => row.forEach((v, c) => { const t = axis === 'x' ? c : r; mass += v; m1 += v * t; }));
      const mean = m1 / mass;
      img.forEach((row, r) => row.forEach((v, c) => { const d = (axis === 'x' ? c : r) - mean; m2 += v * d * d; m3 += v * d * d * d; }));
      return m3 / mass / Math.pow(m2 / mass, 1.5);
    };
    for (const name of datasets.SHAPE_NAMES) {
      const other = name === 'circle' ? 'square' : 'circle';
      const d = datasets.shapes({ n: 20, size: 32, classes: [name, other], noise: 0, seed: 3, target: 'index' });
      const labels = classIndices(d.y);
      const images = (d.x.arraySync() as number[][][][]).map((img) => img.map((row) => row.map((p) => p[0])));
      images.forEach((img, i) => {
        if (labels[i] !== 0) return;
        assert.ok(Math.abs(skew(img, 'x')) < 0.1, `${name} ${i}: left-right skewness ${skew(img, 'x')}`);
        if (name === 'triangle') assert.ok(skew(img, 'y') < -0.3, `triangle ${i}: wider at the bottom, up-down skewness ${skew(img, 'y')}`);
        else assert.ok(Math.abs(skew(img, 'y')) < 0.1, `${name} ${i}: up-down skewness ${skew(img, 'y')}`);
      });
      tf.dispose(d);
    }
  });
});

const E = DataError;
const make = (name: string, run: () => unknown, field: string, message?: RegExp): BadInput => ({ name, run, error: E, field, message });
const cases: BadInput[] = [
  make('shapes(100) positional', () => datasets.shapes(100 as never), '', /must be an options object/),
  make('shapes({nosie})', () => datasets.shapes({ nosie: 0.5 } as never), 'nosie', /Did you mean 'noise'/),
  make('shapes({sise: 16})', () => datasets.shapes({ sise: 16 } as never), 'sise', /Did you mean 'size'/),
  make('shapes({n: 0})', () => datasets.shapes({ n: 0 }), 'n', /whole number >= 1/),
  make('shapes({n: 2.5})', () => datasets.shapes({ n: 2.5 }), 'n'),
  make("shapes({n: '10'})", () => datasets.shapes({ n: '10' as never }), 'n'),
  make('shapes({size: 4})', () => datasets.shapes({ size: 4 }), 'size', /from 8 to 256/),
  make('shapes({size: 16.5})', () => datasets.shapes({ size: 16.5 }), 'size'),
  make('shapes({noise: -1})', () => datasets.shapes({ noise: -1 }), 'noise'),
  make('shapes({noise: NaN})', () => datasets.shapes({ noise: NaN }), 'noise'),
  make("shapes({classes: ['circle']})", () => datasets.shapes({ classes: ['circle'] }), 'classes', /at least 2/),
  make("shapes({classes: ['circle', 'sqare']})", () => datasets.shapes({ classes: ['circle', 'sqare' as never] }), 'classes.1', /Did you mean 'square'/),
  make("shapes({classes: ['ring', 'ring']})", () => datasets.shapes({ classes: ['ring', 'ring'] }), 'classes.1', /twice/),
  make("shapes({classes: 'circle'})", () => datasets.shapes({ classes: 'circle' as never }), 'classes'),
  make("shapes({target: 'sparse'})", () => datasets.shapes({ target: 'sparse' as never }), 'target'),
  make('shapes({seed: 1.5})', () => datasets.shapes({ seed: 1.5 }), 'seed'),
];
const count = badInputSuite('datasets.shapes', cases);
it(`datasets.shapes: ${count} bad-input cases`, () => assert.equal(count, cases.length));
