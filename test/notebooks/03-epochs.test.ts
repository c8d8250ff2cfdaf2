import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTutorial, claimsOf, claimed, oneLiveChart } from '../helpers/notebook';

const EPOCHS = 300;
const PATIENCE = 20;

test('03-epochs: too few epochs underfit, too many overfit (one chart), early stopping restores the best epoch', async () => {
  const { nb } = await runTutorial('03-epochs', 3);
  const numbers = (c: { text: string; evidence?: unknown }) => Object.entries(c.evidence as object).forEach(([k, v]) => assert.equal(typeof v, 'number', `${c.text}: ${k} is not a number`));
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  // Both long training cells drew a live chart of training and validation loss.
  for (const title of ['Training vs validation loss over 300 epochs', `Early stopping, patience ${PATIENCE}`]) oneLiveChart(nb, title);
  const claims = claimsOf(nb);
  assert.equal(claims.length, 10, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => c.text), [], 'every claim holds');
  claims.forEach(numbers);

  // Too few epochs: both losses still high.
  const early = claimed(claims, /after 2 epochs both losses are still high/);
  assert.ok(early.valLossEarly > 1.3 * early.valLossBest, JSON.stringify(early));
  assert.ok(early.trainLossEarly > 1.3 * early.trainLossBest, JSON.stringify(early));
  // The best epoch lies in between.
  const best = claimed(claims, /validation loss is lowest after a few dozen epochs/);
  assert.ok(best.bestEpoch >= 10 && best.bestEpoch <= 100, `best epoch ${best.bestEpoch}`);
  assert.equal(best.bestValLoss, early.valLossBest);

  // Too many epochs: training loss keeps falling, validation loss climbs, the gap grows.
  const fall = claimed(claims, /training loss keeps falling/);
  assert.equal(fall.trainLossBest, early.trainLossBest);
  assert.ok(fall.trainLossLast10 < fall.trainLossBest / 10, JSON.stringify(fall));
  const climb = claimed(claims, /validation loss climbs back/);
  assert.equal(climb.valLossBest, best.bestValLoss);
  assert.ok(climb.valLossLast10 > 2 * climb.valLossBest, JSON.stringify(climb));
  const gap = claimed(claims, /gap between validation and training loss grows over 5×/);
  assert.ok(Math.abs(gap.gapAtBest - (early.valLossBest - early.trainLossBest)) < 1e-6, 'run.gap at the best epoch is val_loss − loss there');
  assert.ok(gap.gapAtEnd > 5 * Math.abs(gap.gapAtBest) && gap.gapAtEnd > 0.3, JSON.stringify(gap));

  // Early stopping: stops patience epochs after the best, finds the same epoch, restores it.
  const stop = claimed(claims, /early stopping ends the run 20 epochs after the best one/);
  assert.equal(stop.epochsRun, stop.bestEpoch + PATIENCE);
  assert.ok(stop.epochsRun < EPOCHS / 2, `ran ${stop.epochsRun} epochs`);
  const same = claimed(claims, /same best epoch as the long run/);
  assert.equal(same.stoppedRunBest, same.longRunBest);
  assert.equal(same.longRunBest, best.bestEpoch);
  const restored = claimed(claims, /restored model has the best epoch's validation loss/);
  assert.ok(Math.abs(restored.restoredValLoss - restored.bestValLoss) < 1e-4, JSON.stringify(restored));
  assert.ok(Math.abs(restored.bestValLoss - best.bestValLoss) < 1e-4, 'same seed: the same best validation loss as the long run');
  assert.ok(restored.restoredValLoss < restored.lastValLoss, JSON.stringify(restored));

  // Validation accuracy: the best epoch beats epoch 2; the overfit end keeps its accuracy but not its loss.
  const acc = claimed(claims, /best epoch classifies more validation points correctly than epoch 2/);
  assert.ok(acc.accBest > acc.accEarly, JSON.stringify(acc));
  const confident = claimed(claims, /after 300 epochs validation accuracy is within 5 points/);
  assert.equal(confident.accBest, acc.accBest);
  assert.ok(confident.accBest - confident.accEnd < 0.05, JSON.stringify(confident));
  assert.ok(confident.valLossEnd > 2 * confident.valLossBest, JSON.stringify(confident));
  assert.equal(confident.valLossBest, best.bestValLoss);
});
