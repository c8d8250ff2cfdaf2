import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimed, runTutorial, claimsOf, outputsOf, joined, type ClaimRecord, oneLiveChart } from '../helpers/notebook';

test('01-learning-rate: too high diverges or oscillates, too low crawls, the range test suggests a good rate, warmup calms the start, schedules beat a constant rate', async () => {
  const { nb } = await runTutorial('01-learning-rate', 6);
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  for (const title of ['Suggested rate']) oneLiveChart(nb, title);
  const slider = outputsOf(nb).filter((o) => joined(o.data?.['text/plain'] as string | string[] | undefined).startsWith('Loss by learning rate (12 traces)'));
  assert.equal(slider.length, 1, 'one slider figure over the six precomputed runs (loss and val_loss each)');

  const claims = claimsOf(nb);
  assert.equal(claims.length, 13, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => c.text), [], 'every claim holds');

  // The toy: gradient descent on w², where each step multiplies w by 1 − 2·lr.
  const toy = claimed(claims, /lr 0\.3 ends lowest; lr 1\.05 ends above/);
  for (const [lr, value] of [[0.02, toy['lr0.02']], [0.3, toy['lr0.3']], [0.9, toy['lr0.9']], [1.05, toy['lr1.05']]] as const) {
    const exact = (1 - 2 * lr) ** 50; // loss after 25 steps: (w₀ (1 − 2lr)^25)²
    assert.ok(Math.abs(value / exact - 1) < 1e-6, `lr ${lr}: ${value} vs exact ${exact}`);
  }

  // Too high: lr 1 diverges in its first epoch.
  const diverged = claimed(claims, /lr 1 diverges/);
  assert.equal(diverged.end as unknown, 'nonFiniteLoss');
  assert.equal(diverged.epochsRun, 1);

  // Too high: lr 0.3 oscillates — its late loss far rougher than lr 0.1's, and it ends higher.
  const oscillates = claimed(claims, /lr 0\.3 oscillates/);
  assert.ok(oscillates.rough03 > 3 * oscillates.rough01, JSON.stringify(oscillates));
  assert.ok(oscillates.end03 > 2 * oscillates.end01, JSON.stringify(oscillates));
  assert.ok(oscillates.up03 > 0.3 && oscillates.up03 <= 1 && oscillates.up01 >= 0, JSON.stringify(oscillates));

  // Too low: slow (epochs to the target), and so slow it looks stuck.
  const slow = claimed(claims, /lr 0\.1 reaches a loss of 0\.2 first/);
  assert.equal(slow['lr0.001'] as unknown, 'never');
  assert.ok(typeof slow['lr0.1'] === 'number' && typeof slow['lr0.01'] === 'number', JSON.stringify(slow));
  assert.ok(slow['lr0.1'] >= 1 && slow['lr0.01'] > 2 * slow['lr0.1'] && slow['lr0.01'] <= 30, JSON.stringify(slow));
  const stuck = claimed(claims, /lr 0\.0001 is so slow it looks stuck/);
  assert.ok(Math.abs(stuck.fellBy - (stuck.epoch20 - stuck.epoch30) / stuck.epoch20) < 1e-9, JSON.stringify(stuck));
  assert.ok(stuck.fellBy >= 0 && stuck.fellBy < 0.1 && stuck.epoch30 > stuck.lr01AfterOne, JSON.stringify(stuck));

  // The range test's suggestions land among the rates that train well, and training there works.
  const good = claimed(claims, /rates that train well are 0\.01 and 0\.1/);
  assert.equal(good.goodRates as unknown, '0.01, 0.1');
  assert.equal(good.bestEndLoss, oscillates.end01, 'the best rate of the sweep is 0.1');
  const finder = claimed(claims, /range test runs until the loss diverges/);
  for (const name of ['valley', 'minimumDiv10'] as const) assert.ok(finder[name] >= 0.01 && finder[name] <= 0.1, `${name} ${finder[name]}`);
  assert.ok(finder.batches > 10 && finder.batches <= 100, `the range test ran ${finder.batches} batches`);
  const suggested = claimed(claims, /suggested rate trains within 1\.5×/);
  assert.equal(suggested.bestEndLoss, good.bestEndLoss);
  assert.ok(suggested.endLoss < 1.5 * suggested.bestEndLoss, JSON.stringify(suggested));
  assert.ok(typeof suggested.epochsToTarget === 'number' && suggested.epochsToTarget < slow['lr0.01'], JSON.stringify(suggested));
  assert.equal(suggested['lr0.01'], slow['lr0.01']);

  // Warmup on its own: Adam at 0.3, with and without 30 steps of warmup.
  const start = claimed(claims, /without warmup the first epoch's loss is more than 10×/);
  assert.ok(start.firstEpochCold > 10 * start.firstEpochWarm && start.firstEpochWarm < 1, JSON.stringify(start));
  const caughtUp = claimed(claims, /run without warmup has caught up/);
  assert.ok(Math.abs(caughtUp.coldEnd / caughtUp.warmEnd - 1) < 0.3, JSON.stringify(caughtUp));

  // Schedules against the constant rate 0.3 they start from.
  for (const name of ['warmup \\+ cosine', 'reduce on plateau']) {
    const s = claimed(claims, new RegExp(`^${name} ends at least 20 % lower`));
    assert.equal(s.constantTrain, oscillates.end03, 'the constant run is the sweep run at 0.3');
    assert.equal(s.constantRough, oscillates.rough03);
    assert.ok(s.train < 0.8 * s.constantTrain && s.val < 0.8 * s.constantVal, JSON.stringify(s));
    assert.ok(s.rough < 0.5 * s.constantRough, JSON.stringify(s));
  }
  const plateau = claimed(claims, /reduce on plateau halved the rate at least twice/);
  const rates = String(plateau.rates).split(', ').map(Number);
  assert.ok(rates.length >= 3 && rates[0] === 0.3, String(plateau.rates));
  rates.slice(1).forEach((lr, i) => assert.ok(Math.abs(lr / rates[i] - 0.5) < 1e-9, String(plateau.rates)));
});
