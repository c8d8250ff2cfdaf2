import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimed, runTutorial, claimsOf, type ClaimRecord, oneLiveChart } from '../helpers/notebook';

test('05-loss-functions: MSE for regression, cross-entropy and its gradients, MAE/Huber against outliers, a loss that disagrees with its metric', async () => {
  // No errors, the comparison chart, under 6 MB, the same charts as the published copy.
  const { nb } = await runTutorial('05-loss-functions', 1);
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  // The two training cells a reader watches drew live charts, which end as their final figures.
  for (const title of ['Auto MPG: MSE while training', 'Two moons: validation loss and accuracy']) oneLiveChart(nb, title);
  const claims = claimsOf(nb);
  assert.equal(claims.length, 10, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => c.text), [], 'every claim holds');

  // Regression with MSE: a fraction of the always-the-mean baseline; √MSE is the error in mpg.
  const cars = claimed(claims, /validation MSE is under a quarter of always predicting/);
  assert.ok(cars.networkMSE < 0.25 * cars.meanBaselineMSE, JSON.stringify(cars));
  assert.ok(Math.abs(cars.typicalErrorMpg - Math.sqrt(cars.networkMSE)) < 1e-9, JSON.stringify(cars));
  assert.ok(Math.abs(cars.baselineErrorMpg - Math.sqrt(cars.meanBaselineMSE)) < 1e-9, JSON.stringify(cars));
  assert.ok(cars.typicalErrorMpg < 3.5 && cars.baselineErrorMpg > 6, JSON.stringify(cars));

  // What the loss guides: cross-entropy's gradient on the logits is p − y; MSE's fades when confidently wrong.
  const grad = claimed(claims, /cross-entropy's gradient is over 50× MSE's/);
  assert.ok(grad.crossEntropy > 50 * grad.mse, JSON.stringify(grad));
  assert.ok(Math.abs(grad.ratio - grad.crossEntropy / grad.mse) < 1e-6, JSON.stringify(grad));
  // ‖p − y‖ at p(correct) = q with the rest shared: sqrt((1 − q)² + 2((1 − q)/2)²).
  const pMinusY = (q: number) => Math.sqrt((1 - q) ** 2 + 2 * ((1 - q) / 2) ** 2);
  assert.ok(Math.abs(grad.crossEntropy - pMinusY(0.01)) < 1e-5, `CE gradient ${grad.crossEntropy} vs ‖p − y‖ ${pMinusY(0.01)}`);
  const push = claimed(claims, /pushes harder the more wrong/);
  assert.ok(push.ce01 > push.ce50 && push.mse01 < push.mse50, JSON.stringify(push));
  assert.ok(Math.abs(push.ce50 - pMinusY(0.5)) < 1e-5 && push.mse01 < push.mse50 / 5, JSON.stringify(push));

  // Training with each loss: slower at a shared rate, close once each has its own rate.
  const shared = claimed(claims, /at cross-entropy's best rate, MSE on probabilities is slower/);
  assert.ok(shared.mseEpochs > shared.ceEpochs && shared.ceEpochs <= 60, JSON.stringify(shared));
  const rates = claimed(claims, /MSE's best rate is higher/);
  assert.equal(rates.ceRate, shared.rate);
  assert.ok(rates.mseRate > rates.ceRate && [0.3, 1, 3].includes(rates.mseRate), JSON.stringify(rates));
  const own = claimed(claims, /each at its own best rate, the two end within 0.05/);
  assert.ok(Math.abs(own.crossEntropy - own.mse) < 0.05 && own.crossEntropy > 0.85, JSON.stringify(own));

  // Outliers: MAE and Huber lines stay near the true line on the clean points; MSE's is pulled.
  const robust = claimed(claims, /MAE's and Huber's lines are under half as far/);
  assert.ok(robust.mae < robust.mse / 2 && robust.huber < robust.mse / 2, JSON.stringify(robust));
  assert.ok(robust.mae < 0.1 && robust.huber < 0.1, JSON.stringify(robust));
  const slope = claimed(claims, /pull MSE's slope furthest from 0.5/);
  const off = (s: number) => Math.abs(s - 0.5);
  assert.ok(off(slope.mseSlope) > off(slope.maeSlope) && off(slope.mseSlope) > off(slope.huberSlope), JSON.stringify(slope));
  assert.ok(off(slope.maeSlope) < 0.05 && off(slope.huberSlope) < 0.05, JSON.stringify(slope));

  // Loss and metric disagree: the later model's validation loss is over twice the lowest, its accuracy no lower.
  const disagree = claimed(claims, /over twice the validation loss of the lowest-loss one/);
  assert.ok(disagree.lossEnd > 2 * disagree.lossLowest, JSON.stringify(disagree));
  assert.ok(disagree.accEnd >= disagree.accLowest, JSON.stringify(disagree));
  const confident = claimed(claims, /mistakes are made with more confidence/);
  assert.ok(confident.confidenceWrongEnd > confident.confidenceWrongLowest + 0.1, JSON.stringify(confident));
  assert.ok(confident.confidenceWrongEnd <= 1 && confident.confidenceWrongLowest >= 0.5, JSON.stringify(confident));
});
