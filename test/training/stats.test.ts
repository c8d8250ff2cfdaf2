import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { train } from '../../src/training';
import { epochsTo, gap, roughness, tailMean, timeTo, upward, type RunGap } from '../../src/training/stats';
import type { EpochRecord } from '../../src/training/result';
import { TrainingError } from '../../src/training/errors';
import { defineConfig } from '../../src/config';
import { mlp, regressionData } from './helpers';

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

// loss falls, val_loss falls then rises (best at epoch 2), acc rises.
const history: EpochRecord[] = [
  { epoch: 0, loss: 1.0, val_loss: 1.1, acc: 0.5, val_acc: 0.45, lr: 0.01 },
  { epoch: 1, loss: 0.6, val_loss: 0.8, acc: 0.7, val_acc: 0.6, lr: 0.01 },
  { epoch: 2, loss: 0.4, val_loss: 0.5, acc: 0.8, val_acc: 0.75, lr: 0.01 },
  { epoch: 3, loss: 0.3, val_loss: 0.6, acc: 0.9, val_acc: 0.7, lr: 0.01 },
  { epoch: 4, loss: 0.2, val_loss: 0.7, acc: 0.95, val_acc: 0.72, lr: 0.01 },
];

test('epochsTo: the first epoch (from 1) where the metric reaches the target in its direction', () => {
  const cases: Array<[string, number, { mode?: 'min' | 'max' }, number | undefined]> = [
    ['loss', 0.6, {}, 2], // at or below: epoch index 1 → 2
    ['loss', 1.0, {}, 1],
    ['loss', 0.1, {}, undefined],
    ['val_loss', 0.55, {}, 3],
    ['acc', 0.9, {}, 4], // higher is better: at or above
    ['val_acc', 0.8, {}, undefined],
    ['lr', 0.01, { mode: 'max' }, 1],
  ];
  for (const [metric, target, options, expected] of cases) assert.equal(epochsTo(history, metric, target, options), expected, `${metric} → ${target}`);
  // Continued runs count from the records' own epochs.
  assert.equal(epochsTo(history.map((r) => ({ ...r, epoch: r.epoch + 10 })), 'loss', 0.6), 12);
});

// A metric equal to the target in float32 (as tfjs logs every metric) reaches it; values are the exact float32 numbers.
const float32Cases: Array<[string, string, number[], number, { mode?: 'min' | 'max' }, number | undefined]> = [
  // what, metric, values per epoch, target, options, expected epochsTo
  ['54 of 60 right: acc 0.8999999761581421 reaches 0.9', 'val_acc', [0.85, 0.8999999761581421, 0.95], 0.9, {}, 2],
  ['one float32 step below 0.9 does not', 'acc', [0.8, 0.8999999165534973], 0.9, {}, undefined],
  ['loss 0.30000001192092896 (float32 0.3) reaches 0.3', 'loss', [0.5, 0.30000001192092896], 0.3, {}, 2],
  ['one float32 step above 0.3 does not', 'val_loss', [0.5, 0.30000004172325134], 0.3, {}, undefined],
  ['lr 0.0010000000474974513 (float32 1e-3) reaches 1e-3 with mode min', 'lr', [0.01, 0.0010000000474974513], 0.001, { mode: 'min' }, 2],
  ['a float64 loss of exactly 0.9 still reaches 0.9 (float32 0.9 is below it)', 'loss', [1, 0.9], 0.9, {}, 2],
  ['a float64 accuracy of exactly 0.3 still reaches 0.3 (float32 0.3 is above it)', 'acc', [0.3], 0.3, {}, 1],
];

test('epochsTo: a metric equal to the target in float32 counts as reaching it, in the metric\'s direction', () => {
  for (const [what, metric, values, target, options, expected] of float32Cases) {
    const h: EpochRecord[] = values.map((v, epoch) => ({ epoch, [metric]: v }) as EpochRecord);
    assert.equal(epochsTo(h, metric, target, options), expected, what);
  }
  // 54 of 60 right as a float32 tensor holds it (tfjs's epoch metrics are float32 totals divided by the row count).
  const acc = tf.tidy(() => tf.scalar(54).div(tf.scalar(60)).dataSync()[0]);
  assert.equal(acc, 0.8999999761581421);
  assert.equal(epochsTo([{ epoch: 0, acc }], 'acc', 0.9), 1);
});

test('timeTo: the seconds of training until the metric first reached the target, by the same rule as epochsTo', () => {
  const seconds = history.map((_, i) => 1.5 * (i + 1));
  const cases: Array<[string, number, { mode?: 'min' | 'max' }, number | undefined]> = [
    ['loss', 0.6, {}, 3],
    ['loss', 1.0, {}, 1.5],
    ['loss', 0.1, {}, undefined],
    ['val_loss', 0.55, {}, 4.5],
    ['acc', 0.9, {}, 6],
    ['val_acc', 0.8, {}, undefined],
    ['lr', 0.01, { mode: 'max' }, 1.5],
  ];
  for (const [metric, target, options, expected] of cases) assert.equal(timeTo(history, seconds, metric, target, options), expected, `${metric} → ${target}`);
  for (const [what, metric, values, target, options, expected] of float32Cases) {
    const h: EpochRecord[] = values.map((v, epoch) => ({ epoch, [metric]: v }) as EpochRecord);
    const at = values.map((_, i) => 10 + i);
    assert.equal(timeTo(h, at, metric, target, options), expected === undefined ? undefined : at[expected - 1], what);
    // One rule: timeTo reports the epoch epochsTo reports, or "never" exactly when it does.
    assert.equal(timeTo(h, at, metric, target, options) === undefined, epochsTo(h, metric, target, options) === undefined, what);
  }
});

test('tailMean: the mean of the last n epochs', () => {
  const cases: Array<[string, number, number]> = [
    ['loss', 1, 0.2],
    ['loss', 2, 0.25],
    ['val_loss', 3, 0.6],
    ['acc', 5, (0.5 + 0.7 + 0.8 + 0.9 + 0.95) / 5],
  ];
  for (const [metric, n, expected] of cases) close(tailMean(history, metric, n), expected, `${metric} last ${n}`);
});

test('gap: validation minus training at the best validation epoch and at the end', () => {
  const cases: Array<[string | undefined, RunGap]> = [
    [undefined, { metric: 'loss', bestEpoch: 2, atBest: 0.1, atEnd: 0.5 }],
    ['acc', { metric: 'acc', bestEpoch: 2, atBest: -0.05, atEnd: -0.23 }],
  ];
  for (const [metric, expected] of cases) {
    const g = gap(history, metric);
    assert.equal(g.metric, expected.metric);
    assert.equal(g.bestEpoch, expected.bestEpoch);
    close(g.atBest, expected.atBest, `${expected.metric} atBest`);
    close(g.atEnd, expected.atEnd, `${expected.metric} atEnd`);
  }
});

test('roughness and upward in closed form', () => {
  const smooth = Array.from({ length: 11 }, (_, i) => 1 - 0.05 * i);
  const cases: Array<[number[], number, number]> = [
    [[2, 2, 2], 0, 0],
    [smooth, 0.05 / 0.75, 0],
    [[1, 2, 1, 2, 1], 1 / 1.4, 0.5],
    [[1, 2, 3], 1 / 2, 1],
    [[4, 3, 5, 2], (1 + 2 + 3) / 3 / 3.5, 1 / 3],
  ];
  for (const [values, rough, up] of cases) {
    close(roughness(values), rough, `roughness ${values}`);
    close(upward(values), up, `upward ${values}`);
  }
  close(roughness(new Float32Array([1, 2, 1])), 1 / (4 / 3), 'a Float32Array');
});

test('bad names, numbers and options are TrainingErrors naming the fix', () => {
  const noVal: EpochRecord[] = [{ epoch: 0, loss: 1 }, { epoch: 1, loss: 0.5 }];
  const cases: Array<[() => unknown, RegExp]> = [
    [() => epochsTo(history, 'los', 0.5), /^epochsTo: metric 'los' is not in the run's history; it has 'loss', 'val_loss', 'acc', 'val_acc', 'lr'\. Did you mean 'loss'\?$/],
    [() => epochsTo(history, 'accuracy', 0.5), /metric 'accuracy' is not in the run's history; .* Did you mean 'acc'\?$/],
    [() => epochsTo(history, 'loss', Number.NaN), /^epochsTo: target must be a finite number; received NaN\./],
    [() => epochsTo(history, 'loss', 0.5, { mod: 'min' } as never), /epochsTo.*mod.*Did you mean 'mode'/],
    [() => epochsTo([{ epoch: 0, wobble: 0.5 }], 'wobble', 0.9), /^epochsTo: cannot tell whether 'wobble' should be minimized or maximized\. Pass \{mode: 'min'\} or \{mode: 'max'\}\.$/],
    [() => epochsTo([], 'loss', 0.5), /the run has no epochs/],
    [() => timeTo(history, [1, 2, 3], 'loss', 0.5), /^timeTo: elapsedSeconds has 3 entries but the history has 5 epochs; it needs one per epoch \(cumulative seconds at each epoch's end, as train records them in run\.elapsedSeconds\)\.$/],
    [() => timeTo(history, history.map(() => Number.NaN), 'loss', 0.5), /^timeTo: elapsedSeconds\[0\] is NaN; it needs finite seconds ≥ 0/],
    [() => timeTo(history, history.map((_, i) => i), 'los', 0.5), /^timeTo: metric 'los' is not in the run's history; .* Did you mean 'loss'\?$/],
    [() => timeTo(history, history.map((_, i) => i), 'loss', Number.POSITIVE_INFINITY), /^timeTo: target must be a finite number; received Infinity\. Pass the value to reach, e\.g\. timeTo\('val_loss', 0\.3\)\.$/],
    [() => timeTo([{ epoch: 0, wobble: 0.5 }], [1], 'wobble', 0.9), /^timeTo: cannot tell whether 'wobble' should be minimized or maximized/],
    [() => tailMean(history, 'loss', 6), /^tailMean: n is 6 but the run has 5 epochs\. Pass n ≤ 5\.$/],
    [() => tailMean(history, 'loss', 0), /^tailMean: n must be a whole number of epochs ≥ 1; received 0\./],
    [() => gap(noVal), /^gap: the run has no 'val_loss' to compare 'loss' with \(it has 'loss'\)\. Train with validationSplit or validationData\.$/],
    [() => gap(history, 'val_loss'), /^gap: metric is the training metric, compared with its validation twin; received 'val_loss'\. Pass 'loss'\.$/],
    [() => roughness([1]), /^roughness: values must hold at least 2 numbers/],
    [() => roughness([1, Number.NaN, 2]), /^roughness: values\[1\] is NaN; roughness needs finite numbers/],
    [() => roughness([1, -1]), /^roughness: the values have mean 0/],
    [() => upward('abc' as never), /^upward: values must be an array of numbers; received 'abc'\./],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, (error: unknown) => {
      assert.ok(error instanceof TrainingError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
});

test('a run from train has the methods, hidden from JSON and keys, using its config for custom metric modes; no tensors left by the statistics', async () => {
  const { x, y } = regressionData(32);
  const model = mlp(1);
  const run = await train(model, { x, y }, { epochs: 4, validationSplit: 0.25, seed: 1, batchSize: 8 }, { progress: false });
  const losses = run.history.map((r) => r.loss);
  assert.equal(run.epochsTo('loss', losses[2]), losses.findIndex((l) => l <= losses[2]) + 1);
  close(run.tailMean('loss', 2), (losses[2] + losses[3]) / 2, 'tailMean');
  const g = run.gap();
  assert.equal(g.bestEpoch, run.bestEpoch);
  close(g.atEnd, run.final!.val_loss - run.final!.loss, 'gap at end');
  assert.throws(() => run.tailMean('val_los', 2), /^TrainingError|run\.tailMean: metric 'val_los' is not in the run's history; .*Did you mean 'val_loss'\?/);
  assert.deepEqual(Object.keys(run).filter((k) => ['epochsTo', 'timeTo', 'tailMean', 'gap'].includes(k)), []);
  assert.doesNotMatch(JSON.stringify(run), /epochsTo|timeTo/);
  // timeTo reads the seconds train recorded at each epoch's end.
  assert.equal(run.timeTo('loss', losses[2]), run.elapsedSeconds[losses.findIndex((l) => l <= losses[2])]);
  assert.equal(run.timeTo('loss', -1), undefined);
  assert.throws(() => run.timeTo('los', 1), /run\.timeTo: metric 'los' is not in the run's history/);
  const afterTrain = tf.memory().numTensors;
  run.epochsTo('loss', 0.1);
  run.timeTo('loss', 0.1);
  run.gap();
  assert.equal(tf.memory().numTensors, afterTrain);
  // A custom metric's declared mode comes from the run's config.
  const wobble = { name: 'wobble', fn: () => tf.scalar(0), mode: 'max' as const };
  const custom = [{ epoch: 0, wobble: 0.2 }, { epoch: 1, wobble: 0.9 }];
  assert.equal(epochsTo(custom, 'wobble', 0.8, {}, defineConfig({ metrics: [wobble] })), 2);
  tf.dispose([x, y]);
  model.dispose();
});

test('train records elapsedSeconds: cumulative seconds at each epoch end, one per history record, over continued and rewound calls; seeded results unchanged', async () => {
  const { x, y } = regressionData(32);
  const increasing = (v: readonly number[]) => v.every((t, i) => Number.isFinite(t) && t > 0 && (i === 0 || t >= v[i - 1]));
  const runs = [];
  for (let k = 0; k < 2; k++) {
    const model = mlp(1);
    const first = await train(model, { x, y }, { epochs: 3, seed: 1, batchSize: 8 }, { progress: false });
    const second = await train(model, { x, y }, { epochs: 2, seed: 2, batchSize: 8 }, { progress: false });
    const rewound = await train(model, { x, y }, { epochs: 1, initialEpoch: 1, seed: 3, batchSize: 8 }, { progress: false });
    const cases: Array<[string, typeof first, number]> = [
      ['first call', first, 3],
      ['continued call', second, 5],
      ['rewound to epoch 1', rewound, 2],
    ];
    for (const [what, run, epochs] of cases) {
      assert.equal(run.history.length, epochs, what);
      assert.equal(run.elapsedSeconds.length, epochs, what);
      assert.ok(increasing(run.elapsedSeconds), `${what}: ${run.elapsedSeconds}`);
      // This call's own seconds fit inside its durationMs (which also counts checks and compile).
      const before = run.elapsedSeconds[epochs - run.epochsRun - 1] ?? 0;
      assert.ok(run.elapsedSeconds[epochs - 1] - before <= run.durationMs / 1000 + 1e-3, what);
    }
    // A continued call's seconds go on from the first call's; a rewound one keeps the epochs before it.
    assert.deepEqual(second.elapsedSeconds.slice(0, 3), first.elapsedSeconds);
    assert.ok(second.elapsedSeconds[3] > first.elapsedSeconds[2]);
    assert.deepEqual(rewound.elapsedSeconds.slice(0, 1), first.elapsedSeconds.slice(0, 1));
    runs.push([first, second, rewound].map((r) => r.history));
    model.dispose();
  }
  // Timing changes no result: the same seeds give the same histories.
  assert.deepEqual(runs[0], runs[1]);
  tf.dispose([x, y]);
});
