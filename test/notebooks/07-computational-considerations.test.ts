import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTutorial, claimsOf, stdoutOf, type ClaimRecord } from '../helpers/notebook';

/** The one claim whose text matches `pattern`, asserted to hold; returns its evidence. */
function claimed(claims: ClaimRecord[], pattern: RegExp): Record<string, number> {
  const found = claims.filter((c) => pattern.test(c.text));
  assert.equal(found.length, 1, `one claim matching ${pattern}, found ${found.length}: ${claims.map((c) => c.text).join(' | ')}`);
  const [c] = found;
  assert.equal(c.holds, true, `claim does not hold: ${c.text} — ${JSON.stringify(c.evidence)}`);
  assert.ok(c.evidence !== undefined, `claim without evidence: ${c.text}`);
  return c.evidence as Record<string, number>;
}

// Timing claims are ratios with generous margins, so they hold on a loaded 2-core machine;
// the test re-checks them with the same margins, never exact times.
test('07-computational-considerations: time against data, model, backend and batch size; memory against parameters', async () => {
  const { nb } = await runTutorial('07-computational-considerations', 5);
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  assert.match(stdoutOf(nb), /the wasm backend uses \d thread/);

  const claims = claimsOf(nb);
  assert.equal(claims.length, 9, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => c.text), [], 'every claim holds');

  // Data-set size: time per epoch ∝ rows, log-log slope within [0.6, 1.4].
  const rows = claimed(claims, /grows in proportion to the rows/);
  assert.ok(rows.slope > 0.6 && rows.slope < 1.4, `slope ${rows.slope}`);
  assert.ok(rows.r2 > 0.9, `r² ${rows.r2}`);
  assert.ok(rows.msAt8000 > 6 * rows.msAt500, `16× the rows took ${rows.msAt8000 / rows.msAt500}× the time`);

  // Memory: exactly 4 bytes per parameter (slope 1), Adam's state twice that.
  const weights = claimed(claims, /exactly 4 bytes per parameter/);
  assert.ok(Math.abs(weights.slope - 1) < 1e-6, `slope ${weights.slope}`);
  assert.equal(weights.smallest, 1732);
  assert.equal(weights.largest, 273412);
  const adam = claimed(claims, /Adam's state doubles it/);
  assert.ok(Math.abs(adam.lowest - 2) < 0.01 && Math.abs(adam.highest - 2) < 0.01, JSON.stringify(adam));

  // Model size: time grows, but more slowly than the parameter count; steeper for larger models.
  const model = claimed(claims, /grows more slowly than the parameter count/);
  assert.ok(model.slope > 0.2 && model.slope < 0.8, `slope ${model.slope}`);
  assert.ok(Math.abs(model.paramsRatio - 273412 / 1732) < 1e-9, String(model.paramsRatio));
  assert.ok(model.timeRatio > 2 && model.timeRatio < model.paramsRatio / 3, `time ratio ${model.timeRatio}`);
  const steeper = claimed(claims, /the wider the model, the closer time comes/);
  assert.ok(steeper.from128to512 > steeper.from32to128, JSON.stringify(steeper));

  // Hardware and software: native not installed (said plainly), wasm far faster than cpu.
  const native = claims.find((c) => /native tensorflow backend is not installed/.test(c.text));
  assert.ok(native !== undefined && native.holds, 'the native backend is reported as not installed');
  assert.match(stdoutOf(nb), /npm install @tensorflow\/tfjs-node/);
  const backend = claimed(claims, /over 3× faster on trainlab's wasm than on plain-JavaScript cpu/);
  assert.ok(backend.speedup > 3, `speed-up ${backend.speedup}`);
  assert.ok(Math.abs(backend.speedup - backend.cpuMs / backend.wasmMs) < 1e-9, JSON.stringify(backend));
  const kernels = claimed(claims, /trainlab's kernels make wasm over 2× faster/);
  assert.ok(kernels.stockWasmMs < kernels.cpuMs && kernels.kernelSpeedup > 2, JSON.stringify(kernels));
  assert.ok(Math.abs(kernels.kernelSpeedup - kernels.stockWasmMs / backend.wasmMs) < 1e-9, JSON.stringify(kernels));

  // An efficient configuration choice: the larger batch, measured.
  const batch = claimed(claims, /batch 512 takes over 4× less time than at batch 8/);
  assert.ok(batch.speedup > 4, `speed-up ${batch.speedup}`);
  assert.ok(Math.abs(batch.speedup - batch.msAtBatch8 / batch.msAtBatch512) < 1e-9, JSON.stringify(batch));
});
