import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claimed, ROOT, runTutorial, claimsOf, stdoutOf, type ClaimRecord, oneLiveChart } from '../helpers/notebook';

const LN4 = Math.log(4);

test('09-prototype-your-own-data: beans.csv is what make-beans.js writes', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'beans-')), 'beans.csv');
  execFileSync(process.execPath, [path.join(ROOT, 'notebooks', 'data', 'make-beans.js'), out]);
  assert.ok(fs.readFileSync(out).equals(fs.readFileSync(path.join(ROOT, 'notebooks', 'data', 'beans.csv'))), 'notebooks/data/beans.csv differs from the generator output: run node notebooks/data/make-beans.js');
});

test('09-prototype-your-own-data: CSV → split → scale → sanity checks → range test → baseline → sweep → test set → checkpoint, reload, continue', async () => {
  // No errors, the range test / sweep / reload charts, under 6 MB, the same charts as the published copy.
  const { nb } = await runTutorial('09-prototype-your-own-data', 3);
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  // The training cells drew live charts, which end as their final figures.
  for (const title of ['One batch of 16 rows', 'Baseline, learning rate', 'Final model', 'Reloaded: 10 more epochs', 'And 5 more']) oneLiveChart(nb, title);

  const out = stdoutOf(nb);
  assert.match(out, /800 rows, 5 features; rows per class: \{ navy: 200, black: 200, pinto: 200, kidney: 200 \}/);
  assert.match(out, /train: 480 rows\s+validation: 160 rows\s+test: 160 rows/);

  const claims = claimsOf(nb);
  assert.equal(claims.length, 15, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => c.text), [], 'every claim holds');

  // Scaling fitted on train only: train columns exactly centred, validation only nearly.
  const scaled = claimed(claims, /scaled training columns have mean 0/);
  assert.ok(scaled.largestTrainMean < 1e-5 && scaled.largestValidationMean > 1e-3 && scaled.largestValidationMean < 0.5, JSON.stringify(scaled));

  // Initial loss ≈ ln C (within 10 %), and far off on unscaled features.
  const initial = claimed(claims, /untrained model's loss is within 10 % of ln 4/);
  assert.ok(Math.abs(initial.lnC - LN4) < 1e-9, `ln C ${initial.lnC}`);
  assert.ok(Math.abs(initial.initialLoss - LN4) < 0.1 * LN4, `initial loss ${initial.initialLoss} vs ln 4 = ${LN4}`);
  const unscaled = claimed(claims, /unscaled features/);
  assert.ok(unscaled.unscaledLoss > 2 * LN4, `unscaled initial loss ${unscaled.unscaledLoss}`);

  // One batch of 16 rows memorised.
  const overfit = claimed(claims, /16 rows to near zero/);
  assert.ok(overfit.firstLoss > 0.8 * LN4, `the one-batch run started at ${overfit.firstLoss}`);
  assert.ok(overfit.lastLoss < 0.01, `one-batch loss ended at ${overfit.lastLoss}`);
  assert.ok(overfit.stepsToBelow001 >= 1 && overfit.stepsToBelow001 <= 200, `steps to 0.01: ${overfit.stepsToBelow001}`);

  // Range test: a minimum and a rise after it; the suggestion before the minimum.
  const range = claimed(claims, /lowest point and rises again/);
  assert.ok(range.lossAtEnd > 1.2 * range.lowestLoss, JSON.stringify(range));
  assert.ok(range.suggested > 1e-5 && range.suggested < range.lowestLossAt, JSON.stringify(range));

  // Baseline with the suggested rate.
  const baseline = claimed(claims, /baseline is far better than guessing/);
  assert.ok(baseline.valAccuracy > 0.8 && baseline.bestValLoss < LN4 / 3, JSON.stringify(baseline));

  // Sweep: the suggested rate wins; a tenth of it loses at both batch sizes; baseline within 5 %.
  const winner = claimed(claims, /best run of the sweep uses the suggested rate/);
  assert.equal(winner.bestRate, range.suggested);
  assert.equal(winner.suggested, range.suggested);
  const tenth = claimed(claims, /a tenth of the suggested rate is worse/);
  assert.ok(tenth.tenthAt16 > tenth.suggestedAt16 && tenth.tenthAt64 > tenth.suggestedAt64, JSON.stringify(tenth));
  const near = claimed(claims, /baseline was already within 5 %/);
  assert.equal(near.baseline, baseline.bestValLoss);
  assert.ok(near.baseline < 1.05 * near.sweepBest && near.sweepBest <= Math.min(tenth.suggestedAt16, tenth.suggestedAt64), JSON.stringify(near));

  // Final model: stopped early 10 epochs after its best, which the checkpoint holds.
  const final = claimed(claims, /checkpoint holds that same epoch/);
  // Epochs in the claims count from 1, as in the charts.
  assert.equal(final.epochsRun, final.bestEpoch + 10, 'stops patience (10) epochs after the best one');
  assert.ok(final.epochsRun < 40, `ran ${final.epochsRun} of 40 epochs`);
  assert.equal(final.checkpointValLoss, final.bestValLoss);

  // One look at the test set.
  const tested = claimed(claims, /on the test set the model is still far better/);
  assert.ok(tested.testAccuracy > 0.7, `test accuracy ${tested.testAccuracy}`);
  const p = tested.testAccuracy;
  assert.ok(Math.abs(tested.standardError - Math.sqrt((p * (1 - p)) / 160)) < 1e-9, `standard error ${tested.standardError}`);
  const worse = claimed(claims, /test set reads worse than the validation set/);
  assert.ok(worse.testLoss > worse.valLoss && worse.testAccuracy < worse.valAccuracy, JSON.stringify(worse));
  assert.equal(worse.valLoss, final.bestValLoss);

  // Reloaded checkpoint: the same predictions, exactly.
  const reload = claimed(claims, /reloaded model predicts exactly/);
  assert.equal(reload.largestDifference, 0);

  // Continued training: epochs number on, and the loss starts where the checkpoint left it.
  const numbering = claimed(claims, /numbers its epochs on/);
  assert.equal(numbering.firstEpoch, final.bestEpoch + 1);
  assert.equal(numbering.secondCallStarts, numbering.firstEpoch + 10);
  assert.equal(numbering.lastEpoch, numbering.secondCallStarts + 4);
  const resumed = claimed(claims, /picks up where the checkpoint left off/);
  assert.ok(Math.abs(resumed.firstContinuedLoss - resumed.checkpointLoss) < 0.2 * resumed.checkpointLoss, JSON.stringify(resumed));
  assert.ok(resumed.firstContinuedLoss < LN4 / 3, `continued run started at ${resumed.firstContinuedLoss}, not near the checkpoint`);
});
