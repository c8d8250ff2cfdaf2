import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTutorial } from '../helpers/notebook';

interface RunGap {
  train: number;
  validation: number;
  gap: number;
  minValidation: number;
}

interface Observed {
  gradBatches: number[];
  gradVariance: number[];
  gradSlope: number;
  timeBatches: number[];
  msPerEpoch: number[];
  msPerStep: number[];
  memoryBatches: number[];
  stepPeakBytes: number[];
  generalisation: Record<string, RunGap>;
  scalingFinalLoss: { base: number; sameLR: number; scaledLR: number };
}


function assertFalling(name: string, values: number[]): void {
  values.slice(1).forEach((v, i) => assert.ok(v < values[i], `${name} does not fall at index ${i + 1}: ${values.join(', ')}`));
}

test('02-batch-size: gradient noise ∝ 1/B, faster epochs and more memory with larger batches, small-batch regularisation, linear LR scaling', async () => {
  const { observed: o } = await runTutorial<Observed>('02-batch-size', 5);

  // Gradient variance falls monotonically with the batch, about as 1/B.
  assert.deepEqual(o.gradBatches, [4, 16, 64, 256, 1024]);
  assertFalling('gradient variance', o.gradVariance);
  assert.ok(o.gradSlope > -1.25 && o.gradSlope < -0.8, `log-log slope ${o.gradSlope}, expected near -1`);

  // Time per epoch falls as the batch grows, by a wide margin from 8 to 512.
  assert.deepEqual(o.timeBatches, [8, 32, 128, 512]);
  assertFalling('time per epoch', o.msPerEpoch);
  const speedup = o.msPerEpoch[0] / o.msPerEpoch[o.msPerEpoch.length - 1];
  assert.ok(speedup > 5, `batch 512 only ${speedup.toFixed(1)}x faster per epoch than batch 8`);

  // Peak memory of one training step grows with the batch, roughly in proportion.
  const mem = o.stepPeakBytes;
  mem.slice(1).forEach((v, i) => assert.ok(v > mem[i], `step memory does not grow at batch ${o.memoryBatches[i + 1]}: ${mem.join(', ')}`));
  const memRatio = mem[mem.length - 1] / mem[0];
  const batchRatio = o.memoryBatches[o.memoryBatches.length - 1] / o.memoryBatches[0];
  assert.ok(memRatio > batchRatio / 4, `memory grew ${memRatio.toFixed(0)}x for a ${batchRatio}x batch`);

  // Same number of updates: the noisy small-batch run keeps a much smaller generalisation gap.
  const small = o.generalisation['batch 4'];
  const full = o.generalisation['batch 60'];
  assert.ok(small.gap < full.gap / 3, `gap batch 4 ${small.gap} vs full batch ${full.gap}`);
  assert.ok(full.train < small.train / 10, `full batch should memorise: train ${full.train} vs ${small.train}`);
  assert.ok(small.validation < full.validation, `final val loss batch 4 ${small.validation} vs full batch ${full.validation}`);

  // Linear scaling rule: scaling the LR with the batch recovers the small-batch progress per epoch.
  const s = o.scalingFinalLoss;
  assert.ok(s.sameLR > s.base + 0.2, `same LR at 8x batch should lag: ${s.sameLR} vs ${s.base}`);
  assert.ok(Math.abs(s.scaledLR - s.base) < Math.abs(s.sameLR - s.base) / 2, `scaled ${s.scaledLR}, same ${s.sameLR}, base ${s.base}`);
});
