import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimed, runTutorial, claimsOf, outputsOf, PLOTLY_MIME, type ClaimRecord, oneLiveChart } from '../helpers/notebook';

/** A remedy's claim: a narrower gap and a lower test loss than the baseline, against one shared baseline. */
function narrows(claims: ClaimRecord[], pattern: RegExp, baseline: { gap: number; test: number; val: number }): Record<string, number> {
  const r = claimed(claims, pattern);
  assert.ok(r.gap < r.baselineGap && r.testLoss < r.baselineTestLoss, `${pattern}: ${JSON.stringify(r)}`);
  assert.deepEqual([r.baselineGap, r.baselineTestLoss, r.baselineValLoss], [baseline.gap, baseline.test, baseline.val], `${pattern}: another baseline`);
  assert.ok(r.valLoss < r.baselineValLoss, `${pattern}: the chosen strength has a higher validation loss than the baseline: ${JSON.stringify(r)}`);
  return r;
}

test('06-overfitting: memorising random labels, learning label noise, small data sets, four remedies at chosen strengths', async () => {
  // No errors, the comparison charts and the dropout slider, under 6 MB, the same charts as the published copy.
  const { nb } = await runTutorial('06-overfitting', 4);
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  const figures = outputsOf(nb).filter((o) => o.data !== undefined && PLOTLY_MIME in o.data).map((o) => o.data![PLOTLY_MIME] as { data: unknown[]; layout: { sliders?: Array<{ steps: Array<{ label: string }> }> } });
  const sliders = figures.filter((f) => f.layout.sliders !== undefined);
  assert.equal(sliders.length, 1, 'one slider figure');
  assert.deepEqual(sliders[0].layout.sliders![0].steps.map((s) => s.label), ['0', '0.2', '0.4', '0.6', '0.8'], 'a slider step per dropout rate');
  oneLiveChart(nb, 'Baseline: 60 points', 'the baseline run drew a live chart');

  const claims = claimsOf(nb);
  assert.equal(claims.length, 11, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => c.text), [], 'every claim holds');

  // Memorising: real labels learnt; random labels memorised with validation at chance.
  const real = claimed(claims, /with real labels the network learns the species/);
  assert.ok(real.valAcc > 0.95, JSON.stringify(real));
  const random = claimed(claims, /with random labels it memorises the training set/);
  assert.ok(Math.abs(random.chance - 1 / 3) < 1e-12, JSON.stringify(random));
  assert.ok(random.trainAcc > 0.9 && Math.abs(random.valAcc - 1 / 3) < 0.1, JSON.stringify(random));
  assert.ok(random.trainAcc - random.valAcc > 0.5, `random labels: train ${random.trainAcc} vs validation ${random.valAcc}`);

  // Learning noise: 30 % of 233 training labels changed, most of them reproduced; validation pays.
  const noise = claimed(claims, /learns the noise: it reproduces most of the wrong labels/);
  assert.equal(noise.changedLabels, Math.round(0.3 * 233), 'randomLabels({fraction: 0.3}) changes exactly 30 % of the labels');
  assert.ok(Math.abs(noise.share - noise.reproduced / noise.changedLabels) < 1e-12 && noise.share > 0.7, JSON.stringify(noise));
  const pays = claimed(claims, /validation accuracy falls by over 0.1/);
  assert.equal(pays.valAccReal, real.valAcc);
  assert.ok(pays.valAccNoisy < pays.valAccReal - 0.1, JSON.stringify(pays));

  // Small data sets: the gap shrinks at every larger size; 30 points memorised.
  const sizes = claimed(claims, /gap at the end shrinks with every larger training set/);
  const gaps = [sizes.gap30, sizes.gap100, sizes.gap300, sizes.gap1000];
  gaps.slice(1).forEach((g, i) => assert.ok(g < gaps[i], `gap not shrinking from size ${i} to ${i + 1}: ${gaps.join(', ')}`));
  assert.ok(gaps[0] > 5 * gaps[3], `the 30-point gap is not much larger than the 1000-point one: ${gaps.join(', ')}`);
  const small = claimed(claims, /on 30 points the training loss ends near zero/);
  assert.ok(small.trainLoss < 0.05 && small.valLoss > 1, JSON.stringify(small));
  assert.ok(Math.abs(small.valLoss - small.trainLoss - sizes.gap30) < 1e-6, 'the 30-point gap is val_loss − loss at the end');

  // Four remedies against one baseline, each at a strength chosen on validation, judged on the test set.
  const es = claimed(claims, /early stopping narrows the gap/);
  const baseline = { gap: es.baselineGap, test: es.baselineTestLoss, val: es.baselineValLoss };
  narrows(claims, /early stopping narrows the gap/, baseline);
  assert.ok(es.stoppedAfter < 200, `early stopping ran all ${es.stoppedAfter} epochs`);
  const dropout = narrows(claims, /dropout at the chosen rate/, baseline);
  assert.ok([0.2, 0.4, 0.6, 0.8].includes(dropout.rate), JSON.stringify(dropout));
  const augmented = narrows(claims, /augmentation with noise/, baseline);
  assert.ok([0.05, 0.1, 0.2, 0.3].includes(augmented.stddev), JSON.stringify(augmented));
  const l2 = narrows(claims, /L2 penalty of .* narrows the gap/, baseline);
  assert.ok([1e-3, 3e-3, 1e-2, 3e-2].includes(l2.l2), JSON.stringify(l2));
  // Each remedy at least halves the baseline's gap.
  for (const r of [es, dropout, augmented, l2]) assert.ok(r.gap < baseline.gap / 2, JSON.stringify(r));

  // run.gap() on a penalised run reads the logged training loss, penalty included.
  const reading = claimed(claims, /run.gap\(\) reads the L2 run's gap smaller/);
  assert.equal(reading.gapWithoutPenalty, l2.gap);
  assert.ok(reading.runGapAtEnd < reading.gapWithoutPenalty - 0.05, JSON.stringify(reading));
});
