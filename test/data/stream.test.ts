import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useBackend, setSeed } from '../../src/backend';
import { datasets, models } from '../../src';
import type { Batch } from '../../src/data/stream';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-stream-'));
const csv = path.join(dir, 'linear.csv');
const ROWS = 3000;

before(async () => {
  await useBackend('cpu', { quiet: true });
  // y = 2·a - b + 1, plus an unused text column
  const lines = ['a,b,name,y'];
  for (let i = 0; i < ROWS; i++) {
    const a = ((i * 37) % 101) / 50 - 1;
    const b = ((i * 53) % 97) / 48 - 1;
    lines.push(`${a},${b},row${i},${2 * a - b + 1}`);
  }
  fs.writeFileSync(csv, lines.join('\n') + '\n');
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function collect(ds: tf.data.Dataset<Batch>): Promise<{ xs: number[][][]; ys: number[][][] }> {
  const out = { xs: [] as number[][][], ys: [] as number[][][] };
  await ds.forEachAsync((b) => {
    out.xs.push(b.xs.arraySync());
    out.ys.push(b.ys.arraySync());
    tf.dispose(b);
  });
  return out;
}

describe('datasets.fromCSV', () => {
  it('trains a model from a CSV file on disk, read in chunks, never whole; no leaks', async () => {
    const chunkBytes = 4096;
    const size = fs.statSync(csv).size;
    // The real module object (an `import * as` namespace only has getters).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs = require('fs') as typeof fs;
    const realReadSync = nodeFs.readSync;
    const realReadFileSync = nodeFs.readFileSync;
    let reads = 0;
    let largest = 0;
    (nodeFs as { readSync: unknown }).readSync = (...args: Parameters<typeof fs.readSync>) => {
      const n = (realReadSync as (...a: unknown[]) => number)(...args);
      reads++;
      largest = Math.max(largest, n);
      return n;
    };
    (nodeFs as { readFileSync: unknown }).readFileSync = (file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      if (String(file) === csv) throw new Error('the CSV file was read whole');
      return (realReadFileSync as (...a: unknown[]) => unknown)(file, ...rest);
    };
    try {
      setSeed(1);
      const ds = datasets.fromCSV(csv, { label: 'y', features: ['a', 'b'], batchSize: 64, chunkBytes, shuffle: 256, seed: 1 });
      const model = models.mlp({ inputShape: [2], hidden: [], output: 'regression', seed: 1 });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      await model.fitDataset(ds, { epochs: 1, verbose: 0 });
      const before = tf.memory().numTensors;
      const history = await model.fitDataset(ds, { epochs: 6, verbose: 0 });
      assert.equal(tf.memory().numTensors, before, 'fitDataset over the stream leaks nothing');
      const losses = history.history.loss as number[];
      assert.ok(losses[losses.length - 1] < 1e-3, `learned y = 2a - b + 1, final loss ${losses[losses.length - 1]}`);
      const [w, b] = model.getWeights().map((t) => Array.from(t.dataSync()));
      assert.ok(Math.abs(w[0] - 2) < 0.05 && Math.abs(w[1] + 1) < 0.05 && Math.abs(b[0] - 1) < 0.05, `weights ${w} ${b}`);
      assert.ok(largest <= chunkBytes, `each read at most ${chunkBytes} bytes, largest ${largest}`);
      assert.ok(reads >= 7 * Math.ceil(size / chunkBytes), `the file was read in ${reads} chunks over 7 epochs`);
      model.dispose();
    } finally {
      (nodeFs as { readSync: unknown }).readSync = realReadSync;
      (nodeFs as { readFileSync: unknown }).readFileSync = realReadFileSync;
    }
  });

  it('batches: shapes, file order without shuffle, last batch partial, every row once', async () => {
    const { xs, ys } = await collect(datasets.fromCSV(csv, { label: 'y', features: ['a', 'b'], batchSize: 1000, chunkBytes: 100 }));
    assert.deepEqual(xs.map((b) => b.length), [1000, 1000, 1000]);
    assert.deepEqual(xs[0][1], [((1 * 37) % 101) / 50 - 1, ((1 * 53) % 97) / 48 - 1].map((v) => Math.fround(v)));
    assert.ok(Math.abs(ys[0][1][0] - (2 * xs[0][1][0] - xs[0][1][1] + 1)) < 1e-5);
    const partial = await collect(datasets.fromCSV(csv, { label: 'y', features: ['a'], batchSize: 7 }));
    assert.equal(partial.xs.length, Math.ceil(ROWS / 7));
    assert.equal(partial.xs[partial.xs.length - 1].length, ROWS % 7);
  });

  it('shuffle is seeded: same seed same order, other seed other order, same rows', async () => {
    const order = async (seed: number) => (await collect(datasets.fromCSV(csv, { label: 'y', features: ['a', 'b'], batchSize: 500, shuffle: 300, seed }))).ys.flat(2);
    const [a, b, c] = [await order(3), await order(3), await order(4)];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.deepEqual([...a].sort(), [...c].sort());
  });

  it('text labels with classes → one-hot targets', async () => {
    const file = path.join(dir, 'classes.csv');
    fs.writeFileSync(file, 'f,kind\n1,cat\n2,dog\n3,cat\n');
    const { ys } = await collect(datasets.fromCSV(file, { label: 'kind', classes: ['cat', 'dog'], batchSize: 8 }));
    assert.deepEqual(ys, [[[1, 0], [0, 1], [1, 0]]]);
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['missing file', () => datasets.fromCSV(path.join(dir, 'nope.csv'), { label: 'y' }), /datasets\.fromCSV: no file at ".*nope\.csv"/],
    ['unknown column', () => datasets.fromCSV(csv, { label: 'price' }), /column 'price' not in .*linear\.csv\. Available: 'a', 'b', 'name', 'y'/],
    ['oneHot without classes', () => datasets.fromCSV(csv, { label: 'y', target: 'oneHot' }), /target 'oneHot' needs the number of classes/],
    ['batchSize 0', () => datasets.fromCSV(csv, { label: 'y', batchSize: 0 }), /batchSize must be a whole number >= 1, received 0/],
  ];
  for (const [name, call, message] of bad) it(`bad input: ${name}`, () => assert.throws(call, message));

  it('a text cell among the features fails with the line and column', async () => {
    // default features = every column but the label, including the text column 'name'
    const ds = datasets.fromCSV(csv, { label: 'y' });
    await assert.rejects(collect(ds), /datasets\.fromCSV: line 2 of .*linear\.csv has name = "row0", not a number \(NaN in features\)/);
  });
});

describe('datasets.fromArrays / fromGenerator', () => {
  it('fromArrays: batches of tensors or arrays, seeded reshuffle per epoch', async () => {
    const x = tf.tensor2d(Array.from({ length: 20 }, (_, i) => [i, -i]));
    const y = tf.tensor2d(Array.from({ length: 20 }, (_, i) => [i % 2]));
    const before = tf.memory().numTensors;
    const ds = datasets.fromArrays({ x, y }, { batchSize: 8, shuffle: true, seed: 5 });
    assert.equal(tf.memory().numTensors, before);
    const e1 = await collect(ds);
    const e2 = await collect(ds);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(e1.xs.map((b) => b.length), [8, 8, 4]);
    assert.notDeepEqual(e1.xs, e2.xs, 'a new order each epoch');
    assert.deepEqual(e1.xs.flat().map((r) => r[0]).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
    e1.xs.flat().forEach((r, i) => assert.equal(e1.ys.flat()[i][0], r[0] % 2));
    const plain = await collect(datasets.fromArrays({ x: [[1, 2], [3, 4]], y: [0, 1] }, { batchSize: 4 }));
    assert.deepEqual(plain, { xs: [[[1, 2], [3, 4]]], ys: [[[0], [1]]] });
    tf.dispose([x, y]);
  });

  it('fromArrays: bad input', () => {
    assert.throws(() => datasets.fromArrays({ x: [[1, NaN]], y: [0] }), /datasets\.fromArrays: data\.x contains NaN at row 0, column 1/);
    assert.throws(() => datasets.fromArrays({ x: [[1], [2]], y: [0] }), /data\.x has 2 rows but data\.y has 1/);
  });

  it('fromGenerator: rows from a generator function, re-run each epoch', async () => {
    let runs = 0;
    const ds = datasets.fromGenerator(function* () {
      runs++;
      for (let i = 0; i < 5; i++) yield { x: [i, i * i], y: i };
    }, { batchSize: 2 });
    const a = await collect(ds);
    await collect(ds);
    assert.equal(runs, 2);
    assert.deepEqual(a.xs, [[[0, 0], [1, 1]], [[2, 4], [3, 9]], [[4, 16]]]);
    assert.deepEqual(a.ys[2], [[4]]);
    const bad = datasets.fromGenerator(function* () {
      yield { x: [1, NaN], y: 0 };
    });
    await assert.rejects(collect(bad), /datasets\.fromGenerator: row 0 has x = \[1,null\]; x must be an array of finite numbers/);
  });
});

describe('datasets.isDataset / datasetProblems (for train)', () => {
  it('tells datasets from tensors', () => {
    const ds = datasets.fromArrays({ x: [[1]], y: [1] });
    assert.equal(datasets.isDataset(ds), true);
    assert.equal(datasets.isDataset({ x: 1, y: 2 }), false);
  });

  it('finds shape mismatches and NaN from the first batch; leaks nothing', async () => {
    const model = models.mlp({ inputShape: [2], hidden: [], output: { classes: 3 } });
    const cases: Array<[string, tf.data.Dataset<tf.TensorContainer>, RegExp[]]> = [
      ['fits', datasets.fromArrays({ x: [[1, 2]], y: [[0, 1, 0]] }), []],
      ['3 features', datasets.fromArrays({ x: [[1, 2, 3]], y: [[0, 1, 0]] }), [/data yields xs of shape \[1, 3\] but the model expects input \[null, 2\]/]],
      ['index targets', datasets.fromArrays({ x: [[1, 2]], y: [1] }), [/data yields ys of shape \[1, 1\] but the model outputs \[null, 3\]/]],
      ['NaN', datasets.fromGenerator(function* () { yield { x: [1, 2], y: [0, 0, 1] }; }).map((b) => ({ xs: tf.fill([1, 2], NaN), ys: (b as Batch).ys })), [/first batch has 2 NaN or infinite feature values/]],
      ['wrong keys', tf.data.array([{ a: 1 }]), [/must yield batches \{xs, ys\} of tensors, its first element has keys \{a\}/]],
      ['empty', tf.data.array([]), [/data is an empty dataset/]],
    ];
    for (const [name, ds, expected] of cases) {
      const before = tf.memory().numTensors;
      const problems = await datasets.datasetProblems(model, ds);
      assert.equal(problems.length, expected.length, `${name}: ${problems.join(' | ')}`);
      expected.forEach((re, i) => assert.match(problems[i], re));
      assert.ok(tf.memory().numTensors <= before, `${name}: no tensors left`);
    }
    model.dispose();
  });
});
