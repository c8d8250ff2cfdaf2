import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimed, num, runTutorial, claimsOf, stdoutOf, outputsOf, joined, oneLiveChart } from '../helpers/notebook';

test('08-tuning: one architecture, a sweep selected on validation, fresh seeds, selection bias, one look at the test set', async () => {
  const { nb } = await runTutorial('08-tuning', 2); // sweep results, best/default/worst
  oneLiveChart(nb, 'Default configuration', 'the default run draws a live chart');
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  assert.match(stdoutOf(nb), /train: 360 points\s+validation: 120 points\s+test: 120 points/, 'train/validation/test split up front');
  const html = outputsOf(nb).map((o) => joined(o.data?.['text/html'] as string | string[] | undefined));
  assert.ok(html.some((h) => /<table/.test(h) && /best_val_loss/.test(h) && /learningRate/.test(h)), 'the sweep results frame is shown');

  const claims = claimsOf(nb);
  assert.equal(claims.length, 12, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => c.text), [], 'every claim holds');

  // The defaults (lr 0.001, batch 32, Adam) are still learning after 20 epochs.
  const dflt = claimed(claims, /default run is still improving at its last epoch/);
  assert.equal(num(dflt, 'bestEpoch'), num(dflt, 'epochsRun') - 1);
  assert.equal(num(dflt, 'epochsRun'), 20);
  assert.ok(num(dflt, 'valAccuracy') < 0.85 && num(dflt, 'bestValLoss') > 0.3, JSON.stringify(dflt));

  // Key principle: same architecture, the configuration alone spans more than 10× in validation loss.
  const spread = claimed(claims, /over 10× lower than the worst/);
  assert.ok(num(spread, 'worst') > 10 * num(spread, 'best'), JSON.stringify(spread));
  assert.ok(num(spread, 'best') < num(dflt, 'bestValLoss') / 5, 'the sweep winner beats the defaults on validation');
  assert.match(String(spread.bestSettings), /optimizer adam/);

  // Settings interact: the batch size's effect depends on the optimizer.
  const batch = claimed(claims, /batch size matters over 5× more for SGD than for Adam/);
  const sgdEffect = Math.abs(num(batch, 'sgdAt16') - num(batch, 'sgdAt64'));
  const adamEffect = Math.abs(num(batch, 'adamAt16') - num(batch, 'adamAt64'));
  assert.ok(sgdEffect > 5 * adamEffect, JSON.stringify(batch));
  assert.equal(Math.min(num(batch, 'adamAt16'), num(batch, 'adamAt64')), num(spread, 'best'));
  const l2 = claimed(claims, /L2 = 0.001 does not help/);
  assert.ok(num(l2, 'bestWithoutL2') < num(l2, 'bestWithL2'), JSON.stringify(l2));
  assert.equal(num(l2, 'bestWithoutL2'), num(spread, 'best'));

  // Fresh seeds: the order holds, but the top two are within one seed's spread.
  const order = claimed(claims, /top three keep their order/);
  assert.ok(num(order, 'firstMean') < num(order, 'secondMean') && num(order, 'secondMean') < num(order, 'thirdMean'), JSON.stringify(order));
  const tie = claimed(claims, /lead over the runner-up is smaller than its spread/);
  assert.ok(Math.abs(num(tie, 'lead') - (num(order, 'secondMean') - num(order, 'firstMean'))) < 1e-12, JSON.stringify(tie));
  assert.ok(num(tie, 'lead') > 0 && num(tie, 'lead') < num(tie, 'winnerStd'), JSON.stringify(tie));
  const fresh = claimed(claims, /seed-0 score is below its mean over fresh seeds/);
  assert.equal(num(fresh, 'seed0'), num(spread, 'best'));
  assert.equal(num(fresh, 'freshMean'), num(order, 'firstMean'));
  assert.ok(num(fresh, 'seed0') < num(fresh, 'freshMean') && num(fresh, 'freshMean') - num(fresh, 'seed0') < num(fresh, 'freshStd'), JSON.stringify(fresh));

  // Determinism (not reliability): the same seed repeats the sweep's number exactly.
  const repeat = claimed(claims, /repeats its sweep validation loss exactly/);
  assert.equal(num(repeat, 'retrained'), num(repeat, 'sweep'));
  assert.equal(num(repeat, 'sweep'), num(spread, 'best'));

  // Selection bias: the winner's validation score is optimistic against the held-out test set.
  const bias = claimed(claims, /validation loss is optimistic: its test loss is higher/);
  assert.equal(num(bias, 'valLoss'), num(spread, 'best'));
  assert.ok(num(bias, 'testLoss') > num(bias, 'valLoss'), JSON.stringify(bias));
  assert.ok(num(bias, 'testAccuracy') <= num(bias, 'valAccuracy'), JSON.stringify(bias));
  const biasSeeds = claimed(claims, /over seeds 1-3 too, the tuned runs' test loss is above/);
  assert.ok(num(biasSeeds, 'test') > num(biasSeeds, 'validation'), JSON.stringify(biasSeeds));
  assert.ok(Math.abs(num(biasSeeds, 'validation') - num(order, 'firstMean')) < 1e-9, 'the test runs retrace the fresh-seed runs');
  const plain = claimed(claims, /defaults, picked on nothing, show no such gap/);
  assert.ok(Math.abs(num(plain, 'test') - num(plain, 'validation')) < 0.05 * num(plain, 'validation'), JSON.stringify(plain));

  // The best configuration against the defaults on the test set, over three seeds.
  const final = claimed(claims, /tuned configuration beats the defaults in every seed/);
  assert.ok(3 * num(final, 'tunedLoss') < num(final, 'defaultLoss'), JSON.stringify(final));
  assert.ok(num(final, 'tunedAccuracy') > num(final, 'defaultAccuracy') + 0.15, JSON.stringify(final));
  assert.ok(num(final, 'tunedAccuracy') > 0.9, JSON.stringify(final));
  assert.equal(num(final, 'tunedLoss'), num(biasSeeds, 'test'));
  assert.equal(num(final, 'defaultLoss'), num(plain, 'test'));
});
