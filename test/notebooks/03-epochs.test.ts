import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTutorial } from '../helpers/notebook';

interface Observed {
  epochs: number;
  earlyEpoch: number;
  valLossAtEarly: number;
  trainLossAtEarly: number;
  bestEpoch: number;
  valLossMin: number;
  valLossEnd: number;
  trainLossAtBest: number;
  trainLossEnd: number;
  trainLossCurve: number[];
  earlyStopping: {
    patience: number;
    stoppedEarly: boolean;
    epochsRun: number;
    bestEpoch: number;
    bestValLoss: number;
    lastValLoss: number;
    restoredValLoss: number;
  };
}


test('03-epochs: too few epochs underfit, too many overfit, early stopping restores the best epoch', async () => {
  const { observed: o } = await runTutorial<Observed>('03-epochs', 5);

  // Too few epochs: both losses still high (underfitting).
  assert.ok(o.valLossAtEarly > 1.3 * o.valLossMin, `val loss after ${o.earlyEpoch} epochs ${o.valLossAtEarly} vs min ${o.valLossMin}`);
  assert.ok(o.trainLossAtEarly > 1.5 * o.trainLossAtBest, `train loss after ${o.earlyEpoch} epochs ${o.trainLossAtEarly} vs at best ${o.trainLossAtBest}`);
  // The validation minimum is at an intermediate epoch.
  assert.ok(o.bestEpoch > 2 * o.earlyEpoch && o.bestEpoch < o.epochs / 2, `best epoch ${o.bestEpoch} of ${o.epochs}`);
  // Too many epochs: validation loss ends well above its minimum while training loss keeps falling.
  assert.ok(o.valLossEnd > 2 * o.valLossMin, `val loss at the end ${o.valLossEnd} vs min ${o.valLossMin}`);
  assert.ok(o.trainLossEnd < o.trainLossAtBest / 10, `train loss at the end ${o.trainLossEnd} vs at best epoch ${o.trainLossAtBest}`);
  const curve = o.trainLossCurve; // every 10th epoch
  const afterBest = curve.slice(Math.ceil(o.bestEpoch / 10));
  assert.ok(afterBest.every((v, i) => i === 0 || v < afterBest[i - 1]), `train loss not falling after the best epoch: ${afterBest.join(', ')}`);

  // Early stopping with restored best weights.
  const es = o.earlyStopping;
  assert.equal(es.stoppedEarly, true);
  assert.ok(es.epochsRun < o.epochs, `early stopping ran all ${es.epochsRun} epochs`);
  assert.equal(es.epochsRun, es.bestEpoch + es.patience, 'stops exactly `patience` epochs after the best one');
  assert.ok(Math.abs(es.restoredValLoss - es.bestValLoss) < 1e-4, `restored model val loss ${es.restoredValLoss} vs best epoch ${es.bestValLoss}`);
  assert.ok(es.restoredValLoss < es.lastValLoss, `restored ${es.restoredValLoss} not below last epoch ${es.lastValLoss}`);
  // Same seed, same data: the early-stopped run follows the long run up to its best epoch.
  assert.equal(es.bestEpoch, o.bestEpoch);
  assert.ok(Math.abs(es.bestValLoss - o.valLossMin) < 1e-4, `best val loss ${es.bestValLoss} vs long run ${o.valLossMin}`);
});
