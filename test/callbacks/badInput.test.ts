import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CallbackError, csvLogger, earlyStopping, learningRateScheduler, loadCheckpoint, modelCheckpoint, progressBar, reduceLROnPlateau, saveCheckpoint, terminateOnNaN } from '../../src/callbacks';
import { TrainingError, train } from '../../src/training';
import { badInputSuite, folderOfUnrelatedFiles, snapshot, type BadInput } from '../helpers/badInput';
import { tinyModel } from './helpers';

const halve = (step: number) => 0.1 * 0.5 ** step;

/** Runs `fn` with a fresh tiny model, disposed afterwards (so the case's tensor count is about the call alone). */
async function withModel(fn: (model: tf.LayersModel) => unknown): Promise<unknown> {
  const model = tinyModel();
  try {
    return await fn(model);
  } finally {
    model.optimizer.dispose();
    if (model.weights.every((w) => !(w as unknown as { val: tf.Variable }).val.isDisposed)) model.dispose();
  }
}
const E = CallbackError;
const make = (name: string, run: (dir: string) => unknown, field: string, message?: RegExp): BadInput => ({ name, run, error: E, field, message });

// Misspelt keys: every callback rejects them with a did-you-mean, as defineConfig does.
const misspelt: Array<[string, (dir: string) => unknown, string, string]> = [
  ['earlyStopping', () => earlyStopping({ patiance: 5 } as never), 'patiance', 'patience'],
  ['earlyStopping', () => earlyStopping({ monitr: 'loss' } as never), 'monitr', 'monitor'],
  ['earlyStopping', () => earlyStopping({ restoreBestWeight: true } as never), 'restoreBestWeight', 'restoreBestWeights'],
  ['earlyStopping', () => earlyStopping({ min_delta: 0.1 } as never), 'min_delta', 'minDelta'],
  ['earlyStopping', () => earlyStopping({ startFromEpochs: 1 } as never), 'startFromEpochs', 'startFromEpoch'],
  ['reduceLROnPlateau', () => reduceLROnPlateau({ factr: 0.5 } as never), 'factr', 'factor'],
  ['reduceLROnPlateau', () => reduceLROnPlateau({ cooldwn: 1 } as never), 'cooldwn', 'cooldown'],
  ['reduceLROnPlateau', () => reduceLROnPlateau({ minLr: 0.001 } as never), 'minLr', 'minLR'],
  ['reduceLROnPlateau', () => reduceLROnPlateau({ patiense: 2 } as never), 'patiense', 'patience'],
  ['modelCheckpoint', (d) => modelCheckpoint({ path: path.join(d, 'new'), saveBestOnyl: true } as never), 'saveBestOnyl', 'saveBestOnly'],
  ['modelCheckpoint', (d) => modelCheckpoint({ path: path.join(d, 'new'), monitr: 'loss' } as never), 'monitr', 'monitor'],
  ['csvLogger', (d) => csvLogger(path.join(d, 'log.csv'), { apend: true } as never), 'apend', 'append'],
  ['csvLogger', (d) => csvLogger(path.join(d, 'log.csv'), { seperator: ';' } as never), 'seperator', 'separator'],
  ['csvLogger', (d) => csvLogger(path.join(d, 'log.csv'), { overwirte: true } as never), 'overwirte', 'overwrite'],
  ['terminateOnNaN', () => terminateOnNaN({ verbos: true } as never), 'verbos', 'verbose'],
  ['progressBar', () => progressBar({ widht: 20 } as never), 'widht', 'width'],
  ['progressBar', () => progressBar({ maxUpdatesPerSec: 2 } as never), 'maxUpdatesPerSec', 'maxUpdatesPerSecond'],
  ['learningRateScheduler', () => learningRateScheduler(halve, { pre: 'epoch' } as never), 'pre', 'per'],
  ['learningRateScheduler', () => learningRateScheduler(halve, { verbos: 1 } as never), 'verbos', 'verbose'],
];

// Wrong types, ranges, positional misuse and unknown formats.
const wrong: BadInput[] = [
  make('earlyStopping patience as a string', () => earlyStopping({ patience: '5' as never }), 'patience'),
  make('earlyStopping patience -1', () => earlyStopping({ patience: -1 }), 'patience'),
  make('earlyStopping patience 1.5', () => earlyStopping({ patience: 1.5 }), 'patience'),
  make('earlyStopping minDelta -0.1', () => earlyStopping({ minDelta: -0.1 }), 'minDelta'),
  make('earlyStopping minDelta NaN', () => earlyStopping({ minDelta: Number.NaN }), 'minDelta'),
  make('earlyStopping baseline Infinity', () => earlyStopping({ baseline: Infinity }), 'baseline'),
  make('earlyStopping mode mni', () => earlyStopping({ mode: 'mni' as never }), 'mode', /Did you mean 'min'/),
  make('earlyStopping monitor empty', () => earlyStopping({ monitor: '' }), 'monitor'),
  make('earlyStopping monitor 3', () => earlyStopping({ monitor: 3 as never }), 'monitor'),
  // Decided when training begins (the model's metrics may declare its mode); nothing does here.
  make('earlyStopping auto mode on an unknown metric', () => withModel(async (model) => {
    const cb = earlyStopping({ monitor: 'wobble' });
    cb.setModel(model);
    await cb.onTrainBegin();
  }), 'mode', /cannot tell whether 'wobble' should be minimized or maximized/),
  make('earlyStopping restoreBestWeights "yes"', () => earlyStopping({ restoreBestWeights: 'yes' as never }), 'restoreBestWeights'),
  make('earlyStopping verbose 2', () => earlyStopping({ verbose: 2 as never }), 'verbose'),
  make('earlyStopping startFromEpoch -2', () => earlyStopping({ startFromEpoch: -2 }), 'startFromEpoch'),
  make('earlyStopping(5) positional', () => earlyStopping(5 as never), '', /must be an options object/),
  make('earlyStopping("val_loss") positional', () => earlyStopping('val_loss' as never), '', /must be an options object/),
  make('reduceLROnPlateau factor 2', () => reduceLROnPlateau({ factor: 2 }), 'factor'),
  make('reduceLROnPlateau factor 0', () => reduceLROnPlateau({ factor: 0 }), 'factor'),
  make('reduceLROnPlateau factor "0.5"', () => reduceLROnPlateau({ factor: '0.5' as never }), 'factor'),
  make('reduceLROnPlateau cooldown -1', () => reduceLROnPlateau({ cooldown: -1 }), 'cooldown'),
  make('reduceLROnPlateau minLR -1', () => reduceLROnPlateau({ minLR: -1 }), 'minLR'),
  make('reduceLROnPlateau patience NaN', () => reduceLROnPlateau({ patience: Number.NaN }), 'patience'),
  make('reduceLROnPlateau mode "maximum"', () => reduceLROnPlateau({ mode: 'maximum' as never }), 'mode'),
  make('reduceLROnPlateau(0.5) positional', () => reduceLROnPlateau(0.5 as never), ''),
  make('modelCheckpoint without options', () => modelCheckpoint(undefined as never), 'path'),
  make('modelCheckpoint path ""', () => modelCheckpoint({ path: '' }), 'path'),
  make('modelCheckpoint path 3', () => modelCheckpoint({ path: 3 as never }), 'path'),
  make('modelCheckpoint("ckpt") positional', () => modelCheckpoint('ckpt' as never), 'path'),
  make('modelCheckpoint template {epoch:03x}', (d) => modelCheckpoint({ path: path.join(d, 'e-{epoch:03x}') }), 'path', /\{epoch:03x\}/),
  make('modelCheckpoint template {val_loss:.2e}', (d) => modelCheckpoint({ path: path.join(d, 'e-{val_loss:.2e}') }), 'path', /\{val_loss:\.2e\}/),
  make('modelCheckpoint template {}', (d) => modelCheckpoint({ path: path.join(d, 'e-{}') }), 'path'),
  make('modelCheckpoint template {epoch:>3}', (d) => modelCheckpoint({ path: path.join(d, 'e-{epoch:>3}') }), 'path'),
  make('modelCheckpoint saveBestOnly "true"', (d) => modelCheckpoint({ path: path.join(d, 'n'), saveBestOnly: 'true' as never }), 'saveBestOnly'),
  make('modelCheckpoint verbose 3', (d) => modelCheckpoint({ path: path.join(d, 'n'), verbose: 3 as never }), 'verbose'),
  make('modelCheckpoint mode "maxx"', (d) => modelCheckpoint({ path: path.join(d, 'n'), mode: 'maxx' as never }), 'mode'),
  make('csvLogger path ""', () => csvLogger(''), 'path'),
  make('csvLogger path undefined', () => csvLogger(undefined as never), 'path'),
  make('csvLogger separator ""', (d) => csvLogger(path.join(d, 'l.csv'), { separator: '' }), 'separator'),
  make('csvLogger separator \'"\'', (d) => csvLogger(path.join(d, 'l.csv'), { separator: '"' }), 'separator'),
  make('csvLogger separator ";;"', (d) => csvLogger(path.join(d, 'l.csv'), { separator: ';;' }), 'separator'),
  make('csvLogger append "yes"', (d) => csvLogger(path.join(d, 'l.csv'), { append: 'yes' as never }), 'append'),
  make('csvLogger append and overwrite', (d) => csvLogger(path.join(d, 'l.csv'), { append: true, overwrite: true }), 'overwrite'),
  make('csvLogger options as a string', (d) => csvLogger(path.join(d, 'l.csv'), ';' as never), ''),
  make('terminateOnNaN verbose 1', () => terminateOnNaN({ verbose: 1 as never }), 'verbose'),
  make('progressBar width 0', () => progressBar({ width: 0 }), 'width'),
  make('progressBar maxUpdatesPerSecond 0', () => progressBar({ maxUpdatesPerSecond: 0 }), 'maxUpdatesPerSecond'),
  make('progressBar now 5', () => progressBar({ now: 5 as never }), 'now'),
  make('learningRateScheduler per "step"', () => learningRateScheduler(halve, { per: 'step' as never }), 'per', /Did you mean|expected one of/),
  make('learningRateScheduler schedule 0.1', () => learningRateScheduler(0.1 as never), 'schedule'),
  make('learningRateScheduler verbose true', () => learningRateScheduler(halve, { verbose: true as never }), 'verbose'),
  make('saveCheckpoint path ""', () => withModel((m) => saveCheckpoint(m, '')), 'path'),
  make('loadCheckpoint of a folder without a checkpoint', (d) => loadCheckpoint(path.join(d, 'sub')), 'path'),
];

/** Runs onTrainBegin of a checkpoint or logger the way fit does. */
async function begin(cb: { onTrainBegin(): Promise<void> }): Promise<void> {
  await cb.onTrainBegin();
}

// The paths a checkpoint or log must never take over, found before the first epoch.
const places: BadInput[] = [
  make('modelCheckpoint at a folder of unrelated files', (d) => begin(modelCheckpoint({ path: d })), 'path', /not trainlab's checkpoint/),
  make("modelCheckpoint at '.'", () => begin(modelCheckpoint({ path: '.' })), 'path', /not trainlab's checkpoint/),
  make("modelCheckpoint at './'", () => begin(modelCheckpoint({ path: './' })), 'path'),
  make('modelCheckpoint at a subfolder with files', () => begin(modelCheckpoint({ path: 'data' })), 'path', /keep\.csv/),
  make('modelCheckpoint at an existing file', () => begin(modelCheckpoint({ path: 'notes.txt' })), 'path', /existing file/),
  make('modelCheckpoint under a file', () => begin(modelCheckpoint({ path: 'notes.txt/ckpt' })), 'path', /is a file/),
  make('modelCheckpoint template under a file', () => begin(modelCheckpoint({ path: 'notes.txt/e-{epoch}' })), 'path'),
  make('modelCheckpoint under /proc (no hang)', () => begin(modelCheckpoint({ path: '/proc/trainlab-test/ckpt' })), 'path', /cannot write/),
  make('modelCheckpoint under /sys (no hang)', () => begin(modelCheckpoint({ path: '/sys/trainlab-test/ckpt' })), 'path'),
  {
    ...make('modelCheckpoint whose backup folder holds other files', (d) => begin(modelCheckpoint({ path: path.join(d, 'm') })), 'path', /backup folder/),
    setup: (d) => (fs.mkdirSync(path.join(d, 'm.previous')), fs.writeFileSync(path.join(d, 'm.previous', 'x'), 'x')),
  },
  make('saveCheckpoint into a folder of unrelated files', (d) => withModel((m) => saveCheckpoint(m, d)), 'path'),
  make("saveCheckpoint into '.'", () => withModel((m) => saveCheckpoint(m, '.')), 'path'),
  make('saveCheckpoint onto a file', () => withModel((m) => saveCheckpoint(m, 'notes.txt')), 'path'),
  make('saveCheckpoint of a disposed model', (d) => withModel((m) => (m.dispose(), saveCheckpoint(m, path.join(d, 'ckpt')))), 'model', /disposed/),
  make('csvLogger onto a file it did not create', () => begin(csvLogger('data/keep.csv')), 'path', /already exists/),
  make('csvLogger onto a folder', () => begin(csvLogger('sub')), 'path', /a folder/),
  make('csvLogger under a file', () => begin(csvLogger('notes.txt/log.csv')), 'path'),
  make('csvLogger under /proc (no hang)', () => begin(csvLogger('/proc/trainlab-test/log.csv')), 'path', /cannot write/),
  make('csvLogger appending to a file that is not its log', () => begin(csvLogger('notes.txt', { append: true })), 'path', /not a csvLogger header/),
];

const count = badInputSuite('callbacks', [...misspelt.map(([name, run, key, guess]) => make(`${name} ${key}`, run, key, new RegExp(`Did you mean '${guess}'`))), ...wrong, ...places]);
test(`callbacks: ${count} bad-input cases`, () => assert.ok(count >= 80));

test('train with a checkpoint pointing at a folder of unrelated files (and at ".") fails before the first epoch; every file and weight stays', async () => {
  await tf.setBackend('cpu');
  for (const target of ['folder', '.']) {
    const dir = folderOfUnrelatedFiles();
    const before = snapshot(dir);
    const cwd = process.cwd();
    const model = tinyModel();
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    const x = tf.ones([8, 3]);
    const y = tf.ones([8, 1]);
    const tensors = tf.memory().numTensors;
    process.chdir(dir);
    try {
      await assert.rejects(train(model, { x, y }, { epochs: 2, loss: 'meanSquaredError' }, { progress: false, callbacks: [modelCheckpoint({ path: target === '.' ? '.' : dir })] }), (e: unknown) => e instanceof CallbackError && /not trainlab's checkpoint/.test(e.message));
    } finally {
      process.chdir(cwd);
    }
    assert.deepEqual(snapshot(dir), before, `${target}: files changed`);
    assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), weights, `${target}: an epoch ran`);
    assert.ok(tf.memory().numTensors <= tensors + 16, 'only the optimizer state train keeps');
    tf.dispose([x, y]);
  }
});

test('a checkpoint replaces only its own earlier checkpoint; a csvLogger re-run replaces only its own file', async () => {
  await tf.setBackend('cpu');
  const dir = folderOfUnrelatedFiles();
  const before = snapshot(dir);
  const ckpt = path.join(dir, 'runs', 'best');
  const model = tinyModel();
  await saveCheckpoint(model, ckpt);
  await saveCheckpoint(model, ckpt);
  assert.deepEqual(fs.readdirSync(ckpt).sort(), ['.trainlab-checkpoint', 'model.json', 'weights.bin']);
  const log = path.join(dir, 'runs', 'log.csv');
  const logger = csvLogger(log);
  await logger.onTrainBegin();
  await logger.onEpochEnd(0, { loss: 1 });
  await csvLogger(log).onTrainBegin();
  assert.equal(fs.readFileSync(log, 'utf8'), '');
  fs.writeFileSync(path.join(ckpt, 'mine.txt'), 'x');
  await assert.rejects(saveCheckpoint(model, ckpt), /files trainlab did not write \('mine.txt'\)/);
  fs.rmSync(path.join(ckpt, 'mine.txt'));
  const after = snapshot(dir);
  for (const [file, stamp] of Object.entries(before)) if (!file.endsWith('/') || file !== '') assert.equal(after[file], file.endsWith('/') ? after[file] : stamp, file);
  model.dispose();
});
