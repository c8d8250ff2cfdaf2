import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { errorOf, plain, resultOf, runCells, streamText, type CellRun, type KernelStep } from '../helpers/kernel';

const ROOT = path.resolve(__dirname, '..', '..');
const PRESS_AT = 5; // seconds into the cell: the kernel has started training by then

const setup = `import * as tf from '@tensorflow/tfjs';
import { useBackend, setSeed, train, isTraining, models, liveChart, findLearningRate, sweep } from 'trainlab';
await useBackend('wasm', { quiet: true });
setSeed(3);
const x = tf.randomNormal([4096, 8]);
const y = x.sum(1, true);
const model = models.mlp({ inputShape: [8], hidden: [64, 64], output: 'regression' });
const tiny = () => models.mlp({ inputShape: [8], hidden: [32], output: 'regression' });`;

interface Case {
  name: string;
  /** The long cell; it ends by setting `finished`. */
  code: string;
  /** The line the library prints when ■ stops it. */
  line: RegExp;
  /** A later cell's last expression and its expected text. */
  check: string;
  expected: string;
}

// The first ■ during a training call stops it at the next batch edge: the call returns its
// result marked interrupted, the rest of the cell runs, its variables are kept.
const cases: Case[] = [
  {
    name: 'train',
    code: "const run = await train(model, { x, y }, { epochs: 1000, batchSize: 16 }, { progress: false });\nconst finished = 'train';",
    line: /^train: stopped by the stop button after epoch \d+ of 1000 \(run\.interrupted is true; the model keeps its weights\)$/,
    check: 'JSON.stringify({ interrupted: run.interrupted, finished, training: isTraining(model), shape: (model.predict(x.slice(0, 2)) as tf.Tensor).shape })',
    expected: `'{"interrupted":true,"finished":"train","training":false,"shape":[2,1]}'`,
  },
  {
    name: 'model.fit with liveChart()',
    code: "const history = await model.fit(x, y, { epochs: 1000, batchSize: 16, callbacks: [liveChart()] });\nconst fitFinished = 'fit';",
    line: /^model\.fit: stopped by the stop button after epoch \d+ of 1000 \(the model keeps its weights\)$/,
    check: 'JSON.stringify({ short: history.epoch.length < 1000, fitFinished })',
    expected: `'{"short":true,"fitFinished":"fit"}'`,
  },
  {
    name: 'model.fit without callbacks',
    code: "const bare = await model.fit(x, y, { epochs: 1000, batchSize: 16, verbose: 0 });\nconst bareFinished = 'bare';",
    line: /^model\.fit: stopped by the stop button after epoch \d+ of 1000 \(the model keeps its weights\)$/,
    check: 'JSON.stringify({ short: bare.epoch.length < 1000, bareFinished })',
    expected: `'{"short":true,"bareFinished":"bare"}'`,
  },
  {
    name: 'findLearningRate',
    code: "const found = await findLearningRate(model, { x, y }, { numSteps: 200000, divergeFactor: Infinity });\nconst lrFinished = 'lr';",
    line: /^findLearningRate: stopped by the stop button after step \d+ of 200000 /,
    check: 'JSON.stringify({ interrupted: found.interrupted, lrFinished })',
    expected: `'{"interrupted":true,"lrFinished":"lr"}'`,
  },
  {
    name: 'sweep',
    code: "const swept = await sweep({ epochs: 400, batchSize: 16 }, { learningRate: [1e-3, 1e-2, 1e-1] }, tiny, { x, y }, { progress: false });\nconst sweepFinished = 'sweep';",
    line: /stopped by the stop button .*\(result\.interrupted is true; the finished runs are in result\.runs\)$/,
    check: 'JSON.stringify({ interrupted: swept.interrupted, runs: swept.runs.length < 3, sweepFinished })',
    expected: `'{"interrupted":true,"runs":true,"sweepFinished":"sweep"}'`,
  },
];

describe('the stop button in the trainlab kernel', () => {
  let runs: CellRun[] = [];
  const at = new Map<string, { long: number; check: number }>();
  let secondPress = 0;
  before(() => {
    const steps: KernelStep[] = [{ code: setup }];
    for (const c of cases) {
      at.set(c.name, { long: steps.length, check: steps.length + 1 });
      steps.push({ code: c.code, interruptAfter: PRESS_AT }, { code: c.check });
    }
    // A second ■ interrupts the cell itself: the first stopped train, the cell went on.
    secondPress = steps.length;
    steps.push({ code: "const again = await train(model, { x, y }, { epochs: 1000, batchSize: 16 }, { progress: false });\nawait new Promise((r) => setTimeout(r, 30000));", interruptAfter: PRESS_AT, interrupts: 2 });
    steps.push({ code: 'again.interrupted' });
    runs = runCells(steps, path.join(ROOT, 'notebooks'));
  });

  test('set-up ran', () => assert.equal(runs[0].reply.status, 'ok', JSON.stringify(runs[0])));

  for (const c of cases) {
    test(`${c.name}: stops at the next batch edge, the cell finishes, one line says so`, () => {
      const { long, check } = at.get(c.name)!;
      const r = runs[long];
      assert.equal(r.reply.status, 'ok', JSON.stringify(r.outputs.filter((o) => o.msg_type !== 'display_data' && o.msg_type !== 'update_display_data')));
      assert.equal(errorOf(r), undefined);
      const lines = streamText(r).split('\n').filter((l) => /stop button/.test(l));
      assert.equal(lines.length, 1, streamText(r));
      assert.match(lines[0], c.line);
      assert.ok(r.seconds < PRESS_AT + 2, `the cell ended ${r.seconds.toFixed(1)} s after it started (■ at ${PRESS_AT} s)`);
      assert.equal(resultOf(runs[check])?.content.data?.['text/plain'], c.expected, JSON.stringify(runs[check]));
    });
  }

  test('a second ■ interrupts the cell with a one-line KeyboardInterrupt; the run it stopped is kept', () => {
    const r = runs[secondPress];
    assert.equal(r.reply.status, 'error');
    assert.deepEqual((errorOf(r)?.content.traceback ?? []).map(plain), ['KeyboardInterrupt: interrupted by the stop button']);
    assert.match(streamText(r), /^train: stopped by the stop button after epoch \d+ of 1000/m);
    assert.ok(r.seconds < PRESS_AT + 4, `took ${r.seconds} s`);
    assert.equal(resultOf(runs[secondPress + 1])?.content.data?.['text/plain'], 'true');
  });
});
