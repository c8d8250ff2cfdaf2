import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DataError, datasets, splitData } from '../../src/data';
import { badInputSuite, type BadInput } from '../helpers/badInput';

const E = DataError;
const make = (name: string, run: (dir: string) => unknown, field: string, message?: RegExp, setup?: (dir: string) => void): BadInput => ({ name, run, error: E, field, message, setup });
const csv = (file: string, text: string) => (dir: string) => fs.writeFileSync(path.join(dir, file), text);
/** Reads every batch of a dataset, disposing them (errors surface while reading). */
async function drain(ds: tf.data.Dataset<tf.TensorContainer>): Promise<void> {
  await ds.forEachAsync((b) => tf.dispose(b));
}
const xy = () => ({ x: tf.zeros([10, 2]) as tf.Tensor2D, y: tf.zeros([10, 1]) as tf.Tensor2D });
/** Runs `fn` on fresh data, disposed afterwards. */
function withData(fn: (d: { x: tf.Tensor2D; y: tf.Tensor2D }) => unknown): () => unknown {
  return () => {
    const d = xy();
    try {
      return fn(d);
    } finally {
      tf.dispose([d.x, d.y]);
    }
  };
}

const generators: Array<[string, (o: never) => unknown]> = [
  ['moons', datasets.moons as never],
  ['spirals', datasets.spirals as never],
  ['circles', datasets.circles as never],
  ['xor', datasets.xor as never],
  ['regression', datasets.regression as never],
];

const cases: BadInput[] = [
  ...generators.flatMap(([name, f]): BadInput[] => [
    make(`${name}(100) positional`, () => f(100 as never), '', /must be an options object/),
    make(`${name}({nosie})`, () => f({ nosie: 0.5 } as never), 'nosie', /Did you mean 'noise'/),
    make(`${name}({N: 10})`, () => f({ N: 10 } as never), 'N', /Did you mean 'n'/),
    make(`${name}({seeds})`, () => f({ seeds: 1 } as never), 'seeds', /Did you mean 'seed'/),
    make(`${name}({n: '10'})`, () => f({ n: '10' } as never), 'n'),
    make(`${name}({n: 0})`, () => f({ n: 0 } as never), 'n'),
    make(`${name}({n: 2.5})`, () => f({ n: 2.5 } as never), 'n'),
    make(`${name}({noise: -1})`, () => f({ noise: -1 } as never), 'noise'),
  ]),
  ...['moons', 'spirals', 'circles', 'xor'].map((name) => make(`${name}({target: 'sparse'})`, () => (datasets as unknown as Record<string, (o: unknown) => unknown>)[name]({ target: 'sparse' }), 'target')),
  make('spirals({classes: 1})', () => datasets.spirals({ classes: 1 }), 'classes'),
  make("spirals({clases: 3})", () => datasets.spirals({ clases: 3 } as never), 'clases', /Did you mean 'classes'/),
  make('circles({factor: 1.5})', () => datasets.circles({ factor: 1.5 }), 'factor'),
  make('circles({factr: 0.5})', () => datasets.circles({ factr: 0.5 } as never), 'factr', /Did you mean 'factor'/),
  make('regression({range: 5})', () => datasets.regression({ range: 5 as never }), 'range'),
  make('regression({rang: [0, 1]})', () => datasets.regression({ rang: [0, 1] } as never), 'rang', /Did you mean 'range'/),
  make('regression({fn: 1})', () => datasets.regression({ fn: 1 as never }), 'fn'),
  make('regression({outliers: 2})', () => datasets.regression({ outliers: 2 }), 'outliers'),
  make("load('cars', {missng})", () => datasets.load('cars', { missng: 'impute' } as never), 'missng', /Did you mean 'missing'/),
  make("load('cars', {missing: 'fill'})", () => datasets.load('cars', { missing: 'fill' as never }), 'missing'),
  make("load('cars', {target: 'sparse'})", () => datasets.load('cars', { target: 'sparse' as never }), 'target'),
  make("load('cars', 'impute') positional", () => datasets.load('cars', 'impute' as never), ''),
  make("load('carz')", () => datasets.load('carz' as never), 'name', /Did you mean 'cars'/),
  make('randomLabels({sed})', withData((d) => datasets.randomLabels(d, { sed: 1 } as never)), 'sed', /Did you mean 'seed'/),
  make('splitData({validaton})', withData((d) => splitData(d, { validaton: 0.2 } as never)), 'validaton', /Did you mean 'validation'/),
  make("splitData({stratify: 'yes'})", withData((d) => splitData(d, { stratify: 'yes' as never })), 'stratify'),
  make('splitData(0.2) positional', withData((d) => splitData(d, 0.2 as never)), ''),
  make('splitData({validation: 1.5})', withData((d) => splitData(d, { validation: 1.5 })), 'validation'),
  make('splitData({test: -0.1})', withData((d) => splitData(d, { test: -0.1 })), 'test'),
  // CSV: a real parser, errors with the line, nothing read whole.
  make('fromCSV of a missing file', () => datasets.fromCSV('nope.csv', { label: 'y' }), 'path'),
  make('fromCSV of an empty file', () => datasets.fromCSV('empty.csv', { label: 'y' }), 'path', /is empty/, csv('empty.csv', '')),
  make('fromCSV of a file with only a BOM', () => datasets.fromCSV('bom.csv', { label: 'y' }), 'path', /is empty/, csv('bom.csv', '\uFEFF')),
  make('fromCSV without a label', () => datasets.fromCSV('data/keep.csv', {} as never), 'label'),
  make('fromCSV({lable})', () => datasets.fromCSV('data/keep.csv', { label: 'b', lable: 'b' } as never), 'lable', /Did you mean 'label'/),
  make('fromCSV({delimter})', () => datasets.fromCSV('data/keep.csv', { label: 'b', delimter: ';' } as never), 'delimter', /Did you mean 'delimiter'/),
  make('fromCSV({batchSize: 0})', () => datasets.fromCSV('data/keep.csv', { label: 'b', batchSize: 0 }), 'batchSize'),
  make('fromCSV({features: "a"})', () => datasets.fromCSV('data/keep.csv', { label: 'b', features: 'a' as never }), 'features'),
  make('fromCSV label not a column', () => datasets.fromCSV('data/keep.csv', { label: 'price' }), 'label', /'price'/),
  make('fromCSV ragged row (more cells than the header)', () => drain(datasets.fromCSV('r.csv', { label: 'b' })), 'path', /line 3 .* 3 cells but the header has 2/, csv('r.csv', 'a,b\n1,2\n3,4,5\n')),
  make('fromCSV ragged row (fewer cells)', () => drain(datasets.fromCSV('r.csv', { label: 'b' })), 'path', /line 2 .* 1 cells/, csv('r.csv', 'a,b\n1\n')),
  make('fromCSV unterminated quote', () => drain(datasets.fromCSV('q.csv', { label: 'b' })), 'path', /unterminated quoted field/, csv('q.csv', 'a,b\n"1,2\n')),
  make('fromCSV a quoted "1,200" is one cell, not a number', () => drain(datasets.fromCSV('n.csv', { label: 'b' })), 'a', /a = "1,200"/, csv('n.csv', 'a,b\n"1,200",1\n')),
  make('fromCSV text label without classes', () => drain(datasets.fromCSV('t.csv', { label: 'b' })), 'b', /b = "cat"/, csv('t.csv', 'a,b\r\n1,cat\r\n')),
  make('fromArrays({batchsize})', () => datasets.fromArrays({ x: [[1]], y: [1] }, { batchsize: 2 } as never), 'batchsize', /Did you mean 'batchSize'/),
  make('fromGenerator({shufle})', () => datasets.fromGenerator(function* () {}, { shufle: true } as never), 'shufle', /Did you mean 'shuffle'/),
];

const count = badInputSuite('data', cases);
test(`data: ${count} bad-input cases`, () => assert.ok(count >= 60));

test('fromCSV reads quoted fields and headers, CRLF and a BOM, in chunks of any size', async () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'trainlab-csv-'));
  const file = path.join(dir, 'q.csv');
  fs.writeFileSync(file, '\uFEFF"size, m2","price"\r\n"1200",3\r\n\r\n"7",8\r\n');
  for (const chunkBytes of [1, 5, 65536]) {
    const batches = await datasets.fromCSV(file, { label: 'price', chunkBytes, batchSize: 10 }).toArray();
    assert.deepEqual(batches.map((b) => [Array.from(b.xs.dataSync()), Array.from(b.ys.dataSync())]), [[[1200, 7], [3, 8]]], `chunkBytes ${chunkBytes}`);
    tf.dispose(batches);
  }
});
