import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTutorial } from '../helpers/notebook';

interface Gap {
  trainLoss: number;
  valLoss: number;
  gap: number;
  trainAcc: number;
  valAcc: number;
}
interface Observed {
  memorisation: { realTrainAcc: number; realValAcc: number; randomTrainAcc: number; randomValAcc: number };
  noiseFit: { trainMSE: number; valMSE: number; noiseVariance: number };
  gaps: Record<string, Gap>;
  earlyStoppingEpochs: number;
}

const REMEDIES = ['early stopping', 'dropout 0.5', 'gaussian noise 0.2', 'mixup α=0.4', 'L2 1e-3', 'L1 1e-3'];

test('06-overfitting: random labels memorised, noise learnt, every remedy narrows the train/validation gap', async () => {
  const { observed: o } = await runTutorial<Observed>('06-overfitting', 4);

  // Random labels: training accuracy near 100 %, validation at chance (1/3); real labels generalise.
  const m = o.memorisation;
  assert.ok(m.randomTrainAcc >= 0.95, `random-label train accuracy ${m.randomTrainAcc}`);
  assert.ok(Math.abs(m.randomValAcc - 1 / 3) <= 0.1, `random-label validation accuracy ${m.randomValAcc} is not at chance`);
  assert.ok(m.realValAcc >= 0.9, `real-label validation accuracy ${m.realValAcc}`);

  // Learning noise: training MSE far below the noise variance, validation MSE above it.
  const n = o.noiseFit;
  assert.ok(n.trainMSE < 0.5 * n.noiseVariance, `train MSE ${n.trainMSE} vs noise variance ${n.noiseVariance}`);
  assert.ok(n.valMSE > n.noiseVariance, `validation MSE ${n.valMSE} vs noise variance ${n.noiseVariance}`);
  assert.ok(n.valMSE > 3 * n.trainMSE, `validation MSE ${n.valMSE} vs train MSE ${n.trainMSE}`);

  // Baseline overfits; each remedy narrows its gap clearly (same data, same seed) and lowers the validation loss.
  const base = o.gaps.baseline;
  assert.ok(base.gap > 0.5 && base.trainAcc - base.valAcc >= 0.1, `baseline does not overfit: ${JSON.stringify(base)}`);
  assert.deepEqual(Object.keys(o.gaps).sort(), ['baseline', ...REMEDIES].sort());
  for (const name of REMEDIES) {
    const g = o.gaps[name];
    assert.ok(g.gap < 0.75 * base.gap, `${name}: gap ${g.gap} vs baseline ${base.gap}`);
    assert.ok(g.valLoss < base.valLoss, `${name}: validation loss ${g.valLoss} vs baseline ${base.valLoss}`);
  }
  assert.ok(o.earlyStoppingEpochs < 200, `early stopping ran all ${o.earlyStoppingEpochs} epochs`);
});
