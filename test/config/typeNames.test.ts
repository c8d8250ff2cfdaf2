// A misspelt option in a notebook cell should name the option type ("'learningRat' does not
// exist in type 'TrainingConfigInput'"), not print the schema's expansion ("{ readonly
// learningRate?: number; ... 11 more ...}"). Snippets are checked as tslab checks a cell: with
// its own TypeScript, against dist/*.d.ts (run `npm run build` first), as in readme.test.ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, typeCheck, type ReadmeBlock } from '../readme/blocks';

const WORK = path.join(ROOT, 'build', `type-names-test-${process.pid}`);

after(() => fs.rmSync(WORK, { recursive: true, force: true }));

const PRELUDE = `import * as tf from '@tensorflow/tfjs';
import { defineConfig, train, findLearningRate, sweep, liveChart, earlyStopping, progressBar, schedules, models } from 'trainlab';
declare const model: tf.LayersModel;
declare const data: { x: tf.Tensor; y: tf.Tensor };
const cfg = defineConfig({ epochs: 3 });
`;

function check(snippets: string[]): string[][] {
  const blocks: ReadmeBlock[] = snippets.map((code) => ({ line: 1, section: 'type names', marker: 'check', code: PRELUDE + code }));
  const diagnostics = typeCheck(blocks, WORK);
  return blocks.map((b) => diagnostics.filter((d) => d.block === b).map((d) => d.text));
}

// [snippet with one misspelt option, the type the error must name]
const cases: Array<[string, string]> = [
  ['defineConfig({ learningRat: 0.1 });', 'TrainingConfigInput'],
  ['defineConfig({ earlyStopping: { patiance: 3 } });', 'EarlyStoppingConfigInput'],
  ['defineConfig({ regularization: { l3: 0.1 } });', 'RegularizationConfigInput'],
  ['await train(model, data, { epocs: 3 });', 'TrainingConfigInput | TrainingConfig'],
  ['await train(model, data, cfg, { progres: false });', 'TrainOptions'],
  ['await findLearningRate(model, data, { startLr: 1e-5 });', 'FindLearningRateOptions'],
  ["await sweep({ epochs: 2 }, { learningRate: [0.1] }, () => model, data, { seeed: 1 });", 'SweepOptions'],
  ['liveChart({ updateEvery: 100 });', 'LiveChartOptions'],
  ['earlyStopping({ patiance: 3 });', 'EarlyStoppingOptions'],
  ['progressBar({ widht: 20 });', 'ProgressBarOptions'],
  ['schedules.cosineDecay({ initial: 0.1, decaySteps: 100, warmup: 5 });', 'CosineDecayOptions'],
  ['schedules.oneCycle({ maxLr: 0.1, totalSteps: 100 });', 'OneCycleOptions'],
  ["models.mlp({ inputShap: [2], output: 'binary' });", 'MlpOptions'],
];

test('the prelude itself type-checks (so each case has exactly its own error)', () => {
  assert.deepEqual(check(['export {};']), [[]]);
});

test('a misspelt option names the option type, without the expansion', () => {
  const results = check(cases.map(([code]) => code));
  cases.forEach(([code, name], i) => {
    const messages = results[i];
    assert.equal(messages.length, 1, `${code}\n${messages.join('\n')}`);
    const [message] = messages;
    // A union's members print in the order TypeScript met them: compare them as a set.
    const named = /does not exist in type '([^']*)'/.exec(message)?.[1];
    assert.deepEqual(named?.split(' | ').sort(), name.split(' | ').sort(), `${code}: expected the type '${name}' named in\n${message}`);
    assert.doesNotMatch(message, /more \.\.\.|… more …|\{ readonly /, `${code}: the type is printed expanded:\n${message}`);
  });
});
