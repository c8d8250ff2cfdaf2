import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimed, runTutorial, outputsOf, claimsOf, stdoutOf, type ClaimRecord, oneLiveChart } from '../helpers/notebook';

test('10-images-and-augmentation: a CNN memorises 200 images; shifts and flips, L2, dropout and AdamW decay against it; the U-curve of L2', async () => {
  // No errors, the shown charts (augmentation, the L2 sweep and its slider), the published charts.
  const { nb } = await runTutorial('10-images-and-augmentation', 3);
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  for (const title of ['No augmentation', 'Shifts and flips']) oneLiveChart(nb, title);
  // A charts.slider over the five precomputed L2 runs.
  const sliders = outputsOf(nb).filter((o) => /"sliders"/.test(JSON.stringify(o.data?.['application/vnd.plotly.v1+json'] ?? {})));
  assert.equal(sliders.length, 1, `one slider figure, found ${sliders.length}`);
  assert.equal((sliders[0].data!['application/vnd.plotly.v1+json'] as { layout: { sliders: Array<{ steps: unknown[] }> } }).layout.sliders[0].steps.length, 5, 'one slider step per L2 strength');
  const out = stdoutOf(nb);
  assert.match(out, /train \[ 200, 16, 16, 1 \] validation \[ 300, 16, 16, 1 \] test \[ 300, 16, 16, 1 \]/);
  assert.match(out, /training images per class: \[ 50, 50, 50, 50 \]/);

  const claims = claimsOf(nb);
  assert.equal(claims.length, 16, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => `${c.text} — ${JSON.stringify(c.evidence)}`), [], 'every claim holds');

  // Overfitting: a network memorises a small data set (training accuracy 1, validation far below).
  const memorised = claimed(claims, /memorises its training images/);
  assert.ok(memorised.trainAccuracy > 0.99, JSON.stringify(memorised));
  assert.ok(memorised.valAccuracy < memorised.trainAccuracy - 0.1, `validation accuracy ${memorised.valAccuracy} should stay well below training`);
  const gap = claimed(claims, /validation loss ends far above the training loss/);
  assert.ok(gap.gapAtEnd > 0.3 && gap.trainLoss < 0.05, JSON.stringify(gap));
  const turnsUp = claimed(claims, /turns up after its best epoch/);
  assert.ok(turnsUp.finalValLoss > 1.1 * turnsUp.bestValLoss && turnsUp.bestEpoch < 60, JSON.stringify(turnsUp));

  // Data augmentation: shifts and flips against none.
  const halves = claimed(claims, /augmentation more than halves the best validation loss/);
  assert.equal(halves.withoutAugmentation, turnsUp.bestValLoss, 'the same run without augmentation');
  assert.ok(halves.withAugmentation < 0.5 * halves.withoutAugmentation, JSON.stringify(halves));
  const accuracy = claimed(claims, /raises the best validation accuracy/);
  assert.ok(accuracy.withAugmentation > accuracy.withoutAugmentation + 0.05 && accuracy.withAugmentation > 0.9, JSON.stringify(accuracy));
  const noMemory = claimed(claims, /with augmentation the training accuracy no longer reaches 1/);
  assert.ok(noMemory.trainAccuracy < 0.99 && noMemory.trainAccuracy > 0.8, JSON.stringify(noMemory));
  const closes = claimed(claims, /gap at the end shrinks below 0.1/);
  assert.equal(closes.gapWithout, gap.gapAtEnd);
  assert.ok(closes.gapWith < 0.1 && closes.gapWithout > 0.3, JSON.stringify(closes));
  const seeds = claimed(claims, /on every seed, the worst augmented run beats the best run without/);
  assert.ok(seeds.worstWith < seeds.bestWithout, JSON.stringify(seeds));
  assert.ok(seeds.meanWith <= seeds.worstWith && seeds.meanWithout >= seeds.bestWithout && seeds.meanWith < 0.5 * seeds.meanWithout, JSON.stringify(seeds));

  // Regularisation strength: the U-curve of L2, best strength interior.
  const interior = claimed(claims, /best L2 strength is interior/);
  assert.ok(interior.bestL2 > 1e-5 && interior.bestL2 < 0.1, `best l2 ${interior.bestL2}`);
  assert.ok(interior.valLoss < interior.atWeakest && interior.valLoss < interior.atStrongest, JSON.stringify(interior));
  const tooLittle = claimed(claims, /too little \(l2 = 0.00001\)/);
  assert.equal(tooLittle.valLoss, interior.atWeakest);
  assert.ok(tooLittle.trainAccuracy > 0.99 && tooLittle.valLoss > 1.1 * interior.valLoss, JSON.stringify(tooLittle));
  const tooMuch = claimed(claims, /too much \(l2 = 0.1\)/);
  assert.ok(tooMuch.trainAccuracy < 0.6 && tooMuch.valAccuracy < 0.6, JSON.stringify(tooMuch));

  // Dropout, L2 and AdamW's decoupled decay, each at its best strength, on the test set.
  const each = claimed(claims, /each of L2, dropout and AdamW at its best strength beats no regulariser/);
  const three = Object.entries(each).filter(([k]) => k !== 'none');
  assert.equal(three.length, 3, JSON.stringify(each));
  assert.ok(three.every(([, loss]) => loss < each.none), JSON.stringify(each));
  const winner = claimed(claims, /of the three, dropout [\d.]+ does best on the test set/);
  const dropoutLoss = Object.entries(winner).find(([k]) => k.startsWith('dropout'))![1];
  assert.equal(dropoutLoss, Math.min(...Object.values(winner)), JSON.stringify(winner));
  const augmentationWins = claimed(claims, /augmentation beats all three on the test set/);
  assert.equal(augmentationWins.bestOfTheThree, Math.min(...three.map(([, loss]) => loss)));
  assert.ok(augmentationWins.augmentation < 0.5 * augmentationWins.bestOfTheThree, JSON.stringify(augmentationWins));
  // A loss and its metric can disagree: L2 and AdamW lower the test loss, not the accuracy.
  const accuracy2 = claimed(claims, /L2 and AdamW lower the test loss but do not raise the test accuracy/);
  const l2Name = Object.keys(each).find((k) => k.startsWith('L2'))!;
  const adamwName = Object.keys(each).find((k) => k.startsWith('AdamW'))!;
  assert.ok(each[l2Name] < each.none && each[adamwName] < each.none, JSON.stringify(each));
  assert.ok(accuracy2[l2Name] <= accuracy2.none && accuracy2[adamwName] <= accuracy2.none, JSON.stringify(accuracy2));
  const decay = claimed(claims, /AdamW's best decay is the strongest tried/);
  assert.equal(decay.bestDecay, 1);
});
