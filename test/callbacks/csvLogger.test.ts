import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { csvLogger } from '../../src/callbacks';
import { tinyModel } from './helpers';

function tempFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-csv-')), name);
}

async function logEpochs(file: string, rows: Array<Record<string, number>>, options = {}) {
  const cb = csvLogger(file, options);
  cb.setModel(tinyModel());
  await cb.onTrainBegin();
  for (let i = 0; i < rows.length; i++) await cb.onEpochEnd(i, rows[i]);
  await cb.onTrainEnd();
}

test('csvLogger writes a header with sorted keys and one row per epoch', async () => {
  await tf.setBackend('cpu');
  const file = tempFile('log.csv');
  await logEpochs(file, [
    { loss: 1, acc: 0.5 },
    { loss: 0.5, acc: 0.75 },
  ]);
  assert.equal(fs.readFileSync(file, 'utf8'), 'epoch,acc,loss\n0,0.5,1\n1,0.75,0.5\n');
});

test('csvLogger overwrites by default and appends without a second header when asked', async () => {
  await tf.setBackend('cpu');
  const file = tempFile('nested/dir/log.csv');
  await logEpochs(file, [{ loss: 3 }]);
  await logEpochs(file, [{ loss: 2 }]);
  assert.equal(fs.readFileSync(file, 'utf8'), 'epoch,loss\n0,2\n');
  await logEpochs(file, [{ loss: 1 }], { append: true });
  assert.equal(fs.readFileSync(file, 'utf8'), 'epoch,loss\n0,2\n0,1\n');
});

test('csvLogger uses the separator and reads scalar logs', async () => {
  await tf.setBackend('cpu');
  const file = tempFile('log.tsv');
  const loss = tf.scalar(0.25);
  await logEpochs(file, [{ loss: loss as unknown as number, val_loss: 0.5 }], { separator: '\t' });
  loss.dispose();
  assert.equal(fs.readFileSync(file, 'utf8'), 'epoch\tloss\tval_loss\n0\t0.25\t0.5\n');
});

const bad: Array<[unknown, object, RegExp]> = [
  ['', {}, /csvLogger: path must be a non-empty file path, received ''/],
  ['x.csv', { separator: ',,' }, /csvLogger: separator must be one character/],
  ['x.csv', { separator: '"' }, /csvLogger: separator must be one character other than '"'/],
];
for (const [file, options, message] of bad) {
  test(`csvLogger rejects ${JSON.stringify([file, options])}`, () => {
    assert.throws(() => csvLogger(file as string, options), message);
  });
}
