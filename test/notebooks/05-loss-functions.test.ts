import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTutorial } from '../helpers/notebook';

interface Observed {
  carValMSE: number;
  carValMAE: number;
  meanBaselineMSE: number;
  gradientAtConfidentlyWrong: { crossEntropy: number; mse: number };
  ceGradientNorms: number[];
  mseGradientNorms: number[];
  classifyValAccuracy: { crossEntropy: number; mse: number };
  cleanError: { MSE: number; MAE: number; Huber: number };
  disagreement: {
    bestLossEpoch: number;
    valLossAtBest: number;
    valLossFinal: number;
    valAccAtBest: number;
    valAccFinal: number;
    wrongConfidenceAtBest: number;
    wrongConfidenceFinal: number;
  };
}


test('05-loss-functions: MSE regression, cross-entropy beats MSE for classes, robust losses ignore outliers, loss and accuracy disagree', async () => {
  const { observed: o } = await runTutorial<Observed>('05-loss-functions', 6);

  // Regression with MSE: far better than always predicting the mean.
  assert.ok(o.carValMSE < 0.25 * o.meanBaselineMSE, `cars val MSE ${o.carValMSE} vs mean baseline ${o.meanBaselineMSE}`);
  assert.ok(o.carValMAE < 3.5, `cars val MAE ${o.carValMAE} mpg`);

  // Cross-entropy's gradient on a confidently wrong example is ~100x MSE's; CE's grows as the prediction gets worse, MSE's vanishes.
  const g = o.gradientAtConfidentlyWrong;
  assert.ok(g.crossEntropy > 50 * g.mse, `at p=0.01: CE gradient ${g.crossEntropy} vs MSE ${g.mse}`);
  o.ceGradientNorms.slice(1).forEach((v, i) => assert.ok(v < o.ceGradientNorms[i], `CE gradient not falling with p(correct) at ${i + 1}: ${o.ceGradientNorms.join(', ')}`));
  assert.ok(o.mseGradientNorms[0] < Math.max(...o.mseGradientNorms) / 50, `MSE gradient does not vanish when confidently wrong: ${o.mseGradientNorms.join(', ')}`);
  // ... and with the same SGD training, cross-entropy reaches a clearly better accuracy.
  const acc = o.classifyValAccuracy;
  assert.ok(acc.crossEntropy >= acc.mse + 0.15, `val accuracy CE ${acc.crossEntropy} vs MSE ${acc.mse}`);

  // Outliers: the MAE and Huber lines are much closer to the truth on the clean points than the MSE line.
  const e = o.cleanError;
  assert.ok(e.MAE < e.MSE / 2, `clean error MAE ${e.MAE} vs MSE ${e.MSE}`);
  assert.ok(e.Huber < e.MSE / 2, `clean error Huber ${e.Huber} vs MSE ${e.MSE}`);

  // Loss and metric disagree: val loss more than doubles after its best epoch while val accuracy moves by at most 0.05,
  // because the remaining mistakes become more confident.
  const d = o.disagreement;
  assert.ok(d.bestLossEpoch < 150, `best val-loss epoch ${d.bestLossEpoch} is too late to show the rise`);
  assert.ok(d.valLossFinal >= 2 * d.valLossAtBest, `val loss ${d.valLossAtBest} -> ${d.valLossFinal}: not doubled`);
  assert.ok(Math.abs(d.valAccFinal - d.valAccAtBest) <= 0.05, `val accuracy ${d.valAccAtBest} -> ${d.valAccFinal}`);
  assert.ok(d.valAccFinal >= d.valAccAtBest, `val accuracy fell ${d.valAccAtBest} -> ${d.valAccFinal} while the loss rose`);
  assert.ok(d.wrongConfidenceFinal > d.wrongConfidenceAtBest + 0.1, `confidence on mistakes ${d.wrongConfidenceAtBest} -> ${d.wrongConfidenceFinal}`);
});
