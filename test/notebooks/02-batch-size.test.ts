import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTutorial, claimsOf, claimed, num, series, type ClaimRecord, type Evidence } from '../helpers/notebook';

/** The one claim matching `pattern`, asserted to hold; its evidence may name "never". */
const evidence = (claims: ClaimRecord[], pattern: RegExp): Evidence => claimed(claims, pattern);

const falling = (v: number[]) => v.every((x, i) => i === 0 || x < v[i - 1]);
const rising = (v: number[]) => v.every((x, i) => i === 0 || x > v[i - 1]);

test('02-batch-size: gradient noise ∝ 1/B, memory grows with B, time per sample / epoch / to a target, linear scaling, small-batch regularisation as measured', async () => {
  const { nb } = await runTutorial('02-batch-size', 6);
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  const claims = claimsOf(nb);
  assert.equal(claims.length, 13, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => c.text), [], 'every claim holds');

  // Small batches: noisier gradients, variance ∝ 1/B.
  const variance = series(evidence(claims, /gradient's variance falls at every larger batch/), ['batch4', 'batch16', 'batch64', 'batch256']);
  assert.ok(falling(variance), `variance ${variance}`);
  for (let i = 1; i < variance.length; i++) {
    const ratio = variance[i - 1] / variance[i];
    assert.ok(ratio > 3 && ratio < 5.5, `4× the batch should divide the variance by ~4, got ${ratio}`);
  }
  const slope = num(evidence(claims, /falls as 1\/B/), 'slope');
  assert.ok(Math.abs(slope + 1) < 0.2, `log-log slope ${slope}`);

  // Large batches: more memory per step, about ∝ B for large B.
  const memory = series(evidence(claims, /peak memory of a step grows/), ['batch16', 'batch64', 'batch256', 'batch1024']);
  assert.ok(rising(memory), `memory ${memory}`);
  const growth = num(evidence(claims, /from 256 to 1,024 rows it grows at least 3×/), 'growth');
  assert.ok(Math.abs(growth - memory[3] / memory[2]) < 1e-9 && growth >= 3 && growth < 5, `growth ${growth}`);

  // Time per sample falls with the batch on this CPU; an epoch of small batches takes longer.
  const perSample = series(evidence(claims, /on this CPU \(wasm backend\) a sample takes less time/), ['batch16', 'batch64', 'batch256', 'batch1024']);
  assert.ok(falling(perSample), `µs per sample ${perSample}`);
  const epoch = evidence(claims, /epoch of batch-16 updates takes over 5×/);
  assert.ok(num(epoch, 'msPerEpochBatch16') > 5 * num(epoch, 'msPerEpochBatch256'), JSON.stringify(epoch));
  assert.ok(Math.abs(num(epoch, 'msPerEpochBatch16') / num(epoch, 'msPerEpochBatch256') - perSample[0] / perSample[2]) < 1e-6);

  // Linear scaling rule: holds to 256, breaks at 1,024; unscaled batch 256 crawls.
  const scaled = evidence(claims, /with the rate scaled, batches 64 and 256 reach the target/);
  const [e16, e64, e256] = series(scaled, ['batch16', 'batch64', 'batch256']);
  assert.ok(e16 >= 1 && e16 <= 20 && e64 <= 1.5 * e16 && e256 <= 1.5 * e16, JSON.stringify(scaled));
  const unscaled = evidence(claims, /without scaling, batch 256 does not reach it/);
  assert.ok(num(unscaled, 'finalLoss') > 0.5, JSON.stringify(unscaled));
  const broken = evidence(claims, /at batch 1,024 .* the rule breaks/);
  assert.ok(broken.batch1024 === 'never' || (broken.batch1024 as number) > 1.5 * e16, JSON.stringify(broken));

  // Time to the target on the clock: batch 256 first, over 3× sooner than batch 16.
  const clock = evidence(claims, /on the clock, batch 256 reaches the target first/);
  const [s16, s64, s256, s1024] = series(clock, ['batch16', 'batch64', 'batch256', 'batch1024']);
  assert.ok(s256 > 0 && s16 > 3 * s256 && s64 > s256 && (s1024 === -1 || s1024 > s256), JSON.stringify(clock));
  assert.ok(Math.abs(s16 - (e16 * num(epoch, 'msPerEpochBatch16')) / 1000) < 1e-6, 'seconds to target = epochs to target × time per epoch');

  // Small batches regularise: they do not memorise the wrong labels and end lower...
  const seeds = [1, 2, 3];
  const fits = evidence(claims, /full batch fits the wrong labels/);
  for (const s of seeds) {
    assert.ok(num(fits, `fullSeed${s}`) >= 0.95, JSON.stringify(fits));
    assert.ok(num(fits, `smallSeed${s}`) <= 0.9 && num(fits, `smallSeed${s}`) >= 0.6, JSON.stringify(fits));
  }
  const end = evidence(claims, /after the 400 updates batch 6 has the lower validation loss/);
  for (const s of seeds) assert.ok(num(end, `smallSeed${s}`) < num(end, `fullSeed${s}`), JSON.stringify(end));
  // ...but early stopping leaves little between them.
  const best = evidence(claims, /at their best epochs .* differ by less than 15 %/);
  const mean = (k: string) => seeds.reduce((a, s) => a + num(best, `${k}Seed${s}`), 0) / seeds.length;
  assert.ok(Math.abs(mean('smallBest') - num(best, 'smallBestValLoss')) < 1e-9 && Math.abs(mean('fullBest') - num(best, 'fullBestValLoss')) < 1e-9);
  assert.ok(Math.abs(num(best, 'smallBestValLoss') / num(best, 'fullBestValLoss') - 1) < 0.15, JSON.stringify(best));
  for (const s of seeds) assert.ok(num(best, `fullBestSeed${s}`) < num(end, `fullSeed${s}`) / 2, 'the full batch passed through a much better epoch than its last');
});
