import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { datasets } from '../../src';
import type { LoadOptions } from '../../src/data/load';

before(async () => {
  await useBackend('cpu', { quiet: true });
});

describe('datasets.load', () => {
  const cases: Array<[datasets.DatasetName, LoadOptions, { x: number[]; y: number[]; dropped: number; imputed: Record<string, number>; frame: number[]; classes: string[] }]> = [
    // cars: 8 rows lack the target, 6 more lack Horsepower
    ['cars', {}, { x: [392, 6], y: [392, 1], dropped: 14, imputed: {}, frame: [406, 9], classes: [] }],
    ['cars', { missing: 'impute' }, { x: [398, 6], y: [398, 1], dropped: 8, imputed: { Horsepower: 6 }, frame: [406, 9], classes: [] }],
    ['cars', { oneHotCategorical: true }, { x: [392, 9], y: [392, 1], dropped: 14, imputed: {}, frame: [406, 9], classes: [] }],
    // penguins: 2 rows lack every measurement, 11 lack Sex (incl. those 2; some are '.')
    ['penguins', {}, { x: [342, 4], y: [342, 3], dropped: 2, imputed: {}, frame: [344, 7], classes: ['Adelie', 'Chinstrap', 'Gentoo'] }],
    ['penguins', { oneHotCategorical: true }, { x: [333, 9], y: [333, 3], dropped: 11, imputed: {}, frame: [344, 7], classes: ['Adelie', 'Chinstrap', 'Gentoo'] }],
    ['penguins', { target: 'index', missing: 'impute', oneHotCategorical: true }, { x: [344, 9], y: [344, 1], dropped: 0, imputed: { 'Beak Length (mm)': 2, 'Beak Depth (mm)': 2, 'Flipper Length (mm)': 2, 'Body Mass (g)': 2, Sex: 11 }, frame: [344, 7], classes: ['Adelie', 'Chinstrap', 'Gentoo'] }],
    ['seattle-weather', {}, { x: [1461, 4], y: [1461, 5], dropped: 0, imputed: {}, frame: [1461, 6], classes: ['drizzle', 'fog', 'rain', 'snow', 'sun'] }],
  ];
  for (const [name, options, expected] of cases) {
    it(`${name} ${JSON.stringify(options)}`, () => {
      const before = tf.memory().numTensors;
      const d = datasets.load(name, options);
      assert.equal(tf.memory().numTensors, before + 2, 'only x and y are tensors');
      assert.deepEqual(d.x.shape, expected.x);
      assert.deepEqual(d.y.shape, expected.y);
      assert.equal(d.x.dtype, 'float32');
      assert.equal(d.dropped, expected.dropped);
      assert.deepEqual(d.imputed, expected.imputed);
      assert.deepEqual(d.frame.shape, expected.frame);
      assert.equal(d.rowsInFile, expected.frame[0]);
      assert.deepEqual(d.classes, expected.classes);
      assert.equal(d.featureNames.length, expected.x[1]);
      assert.equal(tf.tidy(() => tf.any(tf.isNaN(d.x)).dataSync()[0]), 0, 'no NaN left in x');
      tf.dispose([d.x, d.y]);
      assert.equal(tf.memory().numTensors, before);
    });
  }

  it('cars: first row is the Chevelle Malibu with model year 1970', () => {
    const d = datasets.load('cars');
    assert.deepEqual(tf.tidy(() => Array.from(d.x.slice([0, 0], [1, -1]).dataSync())), [8, 307, 130, 3504, 12, 1970]);
    assert.equal(d.y.dataSync()[0], 18);
    assert.equal(d.targetName, 'Miles_per_Gallon');
    assert.equal(d.task, 'regression');
    tf.dispose([d.x, d.y]);
  });

  it('penguins oneHotCategorical: feature names name the level, one 1 per category', () => {
    const d = datasets.load('penguins', { oneHotCategorical: true });
    assert.deepEqual(d.featureNames.slice(4), ['Island=Biscoe', 'Island=Dream', 'Island=Torgersen', 'Sex=FEMALE', 'Sex=MALE']);
    const sums = tf.tidy(() => Array.from(d.x.slice([0, 4], [-1, 5]).sum(1).dataSync()));
    assert.ok(sums.every((s) => s === 2));
    tf.dispose([d.x, d.y]);
  });

  const bad: Array<[unknown, LoadOptions, RegExp]> = [
    ['iris', {}, /datasets\.load: unknown data set "iris"\. Available: 'cars', 'penguins', 'seattle-weather'\./],
    ['penguin', {}, /Did you mean 'penguins'\?/],
    ['cars', { missing: 'zero' as never }, /datasets\.load: missing: 'zero' is not a known value; expected one of 'drop' \| 'impute'\./],
    ['cars', { target: 'sparse' as never }, /datasets\.load: target: 'sparse' is not a known value; expected one of 'oneHot' \| 'index'\./],
  ];
  for (const [name, options, message] of bad) {
    it(`bad input: ${String(name)} ${JSON.stringify(options)}`, () => {
      const before = tf.memory().numTensors;
      assert.throws(() => datasets.load(name as datasets.DatasetName, options), message);
      assert.equal(tf.memory().numTensors, before);
    });
  }
});
