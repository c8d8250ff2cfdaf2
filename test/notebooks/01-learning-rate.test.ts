import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTutorial } from '../helpers/notebook';

type ByRate<T> = Record<string, T>;
interface ScheduleResult {
  trainLoss: number;
  valLoss: number;
  lrReductions: number;
  upward: number;
}
interface Observed {
  rates: number[];
  targetLoss: number;
  epochs: number;
  firstLoss: ByRate<number | null>;
  finalLoss: ByRate<number | null>;
  epochsRun: ByRate<number>;
  ended: ByRate<string>;
  epochsToTarget: ByRate<number | null>;
  upwardMovement: ByRate<number>;
  firstBatchLosses: ByRate<Array<number | null>>;
  goodRates: number[];
  finder: { valley: number | null; minimumDiv10: number | null; steepest: number | null; steps: number; diverged: boolean };
  suggested: { lr: number; finalLoss: number; epochsToTarget: number | null; bestSweepLoss: number };
  schedules: Record<'constant 0.3' | 'warmup + cosine' | 'reduce on plateau', ScheduleResult>;
}


test('01-learning-rate: too high diverges or oscillates, too low is slow, the range test suggests a good rate, schedules beat a constant rate', async () => {
  const { observed: o } = await runTutorial<Observed>('01-learning-rate', 8);
  assert.deepEqual(o.rates, [0.001, 0.01, 0.1, 0.3, 1]);

  // The largest rate diverges: a non-finite loss that stops the run in its first epoch,
  // after the batch loss has grown by many orders of magnitude.
  assert.equal(o.ended['1'], 'nonFiniteLoss');
  assert.equal(o.finalLoss['1'], null);
  assert.ok(o.epochsRun['1'] < o.epochs, `lr 1 ran ${o.epochsRun['1']} epochs`);
  const exploding = o.firstBatchLosses['1'].filter((l): l is number => l !== null);
  assert.ok(Math.max(...exploding) > 1e6 * exploding[0], `lr 1 batch losses ${exploding.join(', ')}`);
  for (const lr of ['0.001', '0.01', '0.1', '0.3']) assert.equal(o.ended[lr], 'completed', `lr ${lr}`);

  // The next largest oscillates: its loss goes up and down far more than at lr 0.1, while the
  // small rates only ever go down.
  assert.ok(o.upwardMovement['0.3'] > 3 * o.upwardMovement['0.1'], `upward movement 0.3: ${o.upwardMovement['0.3']}, 0.1: ${o.upwardMovement['0.1']}`);
  assert.ok(o.upwardMovement['0.001'] < 0.01 && o.upwardMovement['0.01'] < 0.01, JSON.stringify(o.upwardMovement));

  // The smallest rate is slowest: it never reaches the target; the middle rate 0.1 reaches it first.
  assert.equal(o.epochsToTarget['0.001'], null);
  const reach = o.epochsToTarget;
  assert.ok(reach['0.1'] !== null && reach['0.01'] !== null && reach['0.3'] !== null, JSON.stringify(reach));
  assert.ok(reach['0.1']! < reach['0.01']! && reach['0.1']! < reach['0.3']!, JSON.stringify(reach));
  assert.ok(reach['0.01']! > 2 * reach['0.1']!, JSON.stringify(reach));
  assert.ok(o.finalLoss['0.001']! > 3 * o.finalLoss['0.1']!, `final loss 0.001: ${o.finalLoss['0.001']}, 0.1: ${o.finalLoss['0.1']}`);

  // The range test's suggestions fall inside the range of rates that train well, and training
  // at the suggestion works nearly as well as the best rate of the sweep.
  assert.deepEqual(o.goodRates, [0.01, 0.1, 0.3]);
  assert.ok(o.finder.diverged, 'the range test should run until the loss diverges');
  const [low, high] = [Math.min(...o.goodRates), Math.max(...o.goodRates)];
  for (const name of ['valley', 'minimumDiv10'] as const) {
    const lr = o.finder[name];
    assert.ok(lr !== null && lr >= low && lr <= high, `${name} suggestion ${lr} outside [${low}, ${high}]`);
  }
  assert.equal(o.suggested.lr, o.finder.valley);
  assert.ok(o.suggested.finalLoss < 1.5 * o.suggested.bestSweepLoss, `at the suggestion ${o.suggested.finalLoss} vs best ${o.suggested.bestSweepLoss}`);
  assert.ok(o.suggested.epochsToTarget !== null && o.suggested.epochsToTarget < reach['0.01']!, `suggestion reached the target after ${o.suggested.epochsToTarget}`);

  // Schedules: warmup + cosine and reduce-on-plateau end lower and calmer than the constant rate they start from.
  const constant = o.schedules['constant 0.3'];
  assert.equal(constant.lrReductions, 0);
  for (const name of ['warmup + cosine', 'reduce on plateau'] as const) {
    const s = o.schedules[name];
    assert.ok(s.trainLoss < 0.8 * constant.trainLoss, `${name} train loss ${s.trainLoss} vs constant ${constant.trainLoss}`);
    assert.ok(s.valLoss < 0.8 * constant.valLoss, `${name} val loss ${s.valLoss} vs constant ${constant.valLoss}`);
    assert.ok(s.upward < constant.upward / 5, `${name} upward ${s.upward} vs constant ${constant.upward}`);
    assert.ok(s.lrReductions >= 2, `${name} reduced the rate ${s.lrReductions} times`);
  }
});
