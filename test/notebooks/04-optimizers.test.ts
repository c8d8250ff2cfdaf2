import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimed, runTutorial, claimsOf, type ClaimRecord } from '../helpers/notebook';

const NAMES = ['sgd', 'momentum', 'rmsprop', 'adam', 'adamw'] as const;

test('04-optimizers: tuned rates per optimizer, speed and final loss over seeds, noisy gradients, paths on a valley, fine-tuning', async () => {
  const { nb } = await runTutorial('04-optimizers', 6);
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  const claims = claimsOf(nb);
  assert.equal(claims.length, 18, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => c.text), [], 'every claim holds');

  // 1. Each optimizer its own rate: they differ by more than 20x, and each beat the range test's valley.
  const rates = claimed(claims, /five chosen rates span more than a factor of 20/);
  const values = NAMES.map((n) => rates[n]);
  assert.ok(values.every((v) => v > 0 && Number.isFinite(v)), JSON.stringify(rates));
  assert.ok(Math.abs(rates.span - Math.max(...values) / Math.min(...values)) < 1e-9 && rates.span > 20, JSON.stringify(rates));
  const valley = claimed(claims, /rate above the range test's valley won the sweep/);
  assert.equal(valley.winnersAboveValley, NAMES.length);
  assert.ok(rates.sgd > valley.sgdValley && rates.adam > valley.adamValley, JSON.stringify({ rates, valley }));

  // 2. Speed (concept: different speeds; Adam for fast convergence) and final performance, over three seeds.
  const fast = claimed(claims, /Adam reaches training loss 0\.3 in every seed before SGD/);
  assert.ok(fast.adamSlowest < fast.sgdFastest, JSON.stringify(fast));
  assert.ok(fast.adamSeconds < fast.sgdSeconds, `time to target: adam ${fast.adamSeconds} s, sgd ${fast.sgdSeconds} s`);
  const epochs = claimed(claims, /mean epochs to the target/);
  assert.ok(epochs.sgd > epochs.momentum && epochs.momentum > epochs.rmsprop && epochs.rmsprop > Math.max(epochs.adam, epochs.adamw), JSON.stringify(epochs));
  assert.ok(epochs.adam <= fast.adamSlowest && epochs.sgd >= fast.sgdFastest, JSON.stringify({ epochs, fast }));
  const final = claimed(claims, /Adam's worst seed ends with a lower validation loss than SGD's best/);
  assert.ok(final.adamMax < final.sgdMin, JSON.stringify(final));
  assert.ok(final.adamMean <= final.adamMax && final.sgdMean >= final.sgdMin && final.momentumMean > final.adamMean, JSON.stringify(final));

  // 3. Noisy gradients (batch 8 for the same steps): handled differently.
  const factor = claimed(claims, /four times noisier gradients every optimizer ends with a higher/);
  for (const n of NAMES) assert.ok(factor[n] > 1, `${n}: batch-8 / batch-32 validation loss ${factor[n]}`);
  const lead = claimed(claims, /Adam's lead is gone/);
  const noisyOthers = NAMES.filter((n) => n !== 'sgd').map((n) => lead[n]);
  assert.ok(lead.adam < 1.1 * Math.min(...noisyOthers), JSON.stringify(lead));
  assert.ok(lead.nextBestBatch32 > 1.1 * lead.adamBatch32, JSON.stringify(lead));
  assert.ok(Math.abs(lead.adamBatch32 - final.adamMean) < 1e-12, 'the batch-32 means are section 2\'s');
  assert.ok(Math.abs(lead.adam / lead.adamBatch32 - factor.adam) < 1e-9, JSON.stringify({ lead, factor }));
  const sgdLast = claimed(claims, /SGD ends highest with noisy gradients/);
  assert.equal(sgdLast.sgd, lead.sgd);
  assert.equal(sgdLast.nextHighest, Math.max(...noisyOthers));
  assert.ok(sgdLast.sgd > sgdLast.nextHighest && sgdLast.sgdBatch32 > sgdLast.nextHighestBatch32, JSON.stringify(sgdLast));
  assert.equal(sgdLast.sgdBatch32, final.sgdMean);

  // 4. Paths on the valley: SGD zig-zags, momentum spirals (counted), Adam settles soonest.
  const zigzag = claimed(claims, /SGD zig-zags/);
  assert.equal(zigzag.crossings, 30);
  assert.ok(zigzag.sgdRate < 0.2, `SGD is stable on the bowl only below 0.2, chose ${zigzag.sgdRate}`);
  const spiral = claimed(claims, /momentum's path is an under-damped spiral/);
  assert.ok(spiral.crossingsUntilSettled >= 5 && spiral.crossingsIn30Steps >= 3, JSON.stringify(spiral));
  assert.ok(spiral.settledAtStep <= 150 && spiral.crossingsUntilSettled <= spiral.settledAtStep, JSON.stringify(spiral));
  const adamPath = claimed(claims, /Adam settles sooner than SGD/);
  assert.ok(adamPath.adamSettled < adamPath.sgdSettled && adamPath.adamCrossingsIn30 <= 3, JSON.stringify(adamPath));
  assert.ok(spiral.settledAtStep < adamPath.sgdSettled, 'momentum settles before SGD too');
  const jitter = claimed(claims, /RMSprop does not cross the floor in its first 30 steps/);
  assert.ok(jitter.crossingsUntilSettled > 30 && jitter.crossingsUntilSettled <= jitter.settledAtStep, JSON.stringify(jitter));
  assert.ok(jitter.settledAtStep > adamPath.adamSettled, 'RMSprop settles after Adam');

  // 5. Fine-tuning (concept: SGD for fine-tuning and stability), measured.
  const adamStep = claimed(claims, /fresh Adam's first step moves the median weight/);
  assert.ok(Math.abs(adamStep.medianStepPerLr - 1) < 0.1 && adamStep.weightsMoved > 100, JSON.stringify(adamStep));
  const sgdStep = claimed(claims, /SGD's first step moves the median weight/);
  assert.ok(sgdStep.medianStepPerLr < 0.01 && sgdStep.largestStepPerLr > 0.05, JSON.stringify(sgdStep));
  const knocked = claimed(claims, /Adam at its pre-training rate knocks the model off/);
  assert.ok(knocked.start > 0 && knocked.worstTimesStart > 2, JSON.stringify(knocked));
  const warm = claimed(claims, /warmup keeps the first epoch within 10 %/);
  assert.ok(warm.firstEpochTimesStart < 1.1 && warm.worstTimesStart > 2 && warm.worstTimesStart < knocked.worstTimesStart, JSON.stringify(warm));
  const lower = claimed(claims, /Adam at a tenth of the rate never rises above the start/);
  assert.ok(lower.worstTimesStart < 1, JSON.stringify(lower));
  const ends = ['Adam, pre-training rate', 'Adam, warmup to that rate', 'SGD, a tenth of its rate'].map((k) => lower[k]);
  assert.ok(ends.every((v) => Number.isFinite(v) && v >= lower['Adam, a tenth of it']), JSON.stringify(lower));
  assert.equal(lower['Adam, pre-training rate'], knocked.end);
  const sgdJump = claimed(claims, /SGD at a tenth of its rate jumps more in its first epoch/);
  assert.ok(sgdJump.sgdFirst > sgdJump.adamTenthFirst, JSON.stringify(sgdJump));
  assert.ok(sgdJump.adamTenthFirst < knocked.start, 'Adam at a tenth of its rate stays below the start in its first epoch');
});
