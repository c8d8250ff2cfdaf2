import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTutorial } from '../helpers/notebook';

type PerOptimizer = Record<'sgd' | 'momentum' | 'rmsprop' | 'adam' | 'adamw', number>;
type PerPath = Record<'sgd' | 'momentum' | 'rmsprop' | 'adam', number>;
interface FineTune {
  roughness: number;
  worst: number;
  final: number;
  weightChange: number;
}
interface Observed {
  epochsToTarget: Record<keyof PerOptimizer, number | null>;
  finalValAccuracy: PerOptimizer;
  stepsToSurfaceTarget: Record<keyof PerPath, number | null>;
  valleyCrossings: PerPath;
  noisyRoughness: PerOptimizer;
  noisyFinalLoss: PerOptimizer;
  fineTuneStartValLoss: number;
  fineTune: { sgd: FineTune; adam: FineTune };
}

const EPOCHS = 80;
const STEPS = 150;

test('04-optimizers: Adam converges fastest, paths on the bowl, noise handling, SGD fine-tunes smoothly', async () => {
  const { observed: o } = await runTutorial<Observed>('04-optimizers', 4);

  // Speed: every adaptive optimizer and momentum reach the target; Adam at least 3x sooner than SGD, and no later than momentum.
  const reach = (name: keyof PerOptimizer) => o.epochsToTarget[name] ?? EPOCHS + 1;
  for (const name of ['momentum', 'rmsprop', 'adam', 'adamw'] as const) {
    assert.notEqual(o.epochsToTarget[name], null, `${name} never reached the target loss`);
    assert.ok(reach(name) < reach('sgd'), `${name} (${reach(name)} epochs) not faster than sgd (${reach('sgd')})`);
  }
  assert.ok(reach('adam') * 3 <= reach('sgd'), `adam ${reach('adam')} epochs vs sgd ${reach('sgd')}: less than 3x faster`);
  assert.ok(reach('adam') <= reach('momentum'), `adam ${reach('adam')} slower than momentum ${reach('momentum')}`);
  // Final performance within the same budget: Adam's validation accuracy beats SGD's.
  assert.ok(o.finalValAccuracy.adam > o.finalValAccuracy.sgd + 0.05, `val acc adam ${o.finalValAccuracy.adam} vs sgd ${o.finalValAccuracy.sgd}`);

  // 2-D bowl: SGD zig-zags across the valley and is slowest; momentum and Adam get to the bottom sooner.
  const steps = (name: keyof PerPath) => o.stepsToSurfaceTarget[name] ?? STEPS + 1;
  assert.ok(steps('momentum') < steps('sgd'), `momentum ${steps('momentum')} steps vs sgd ${steps('sgd')}`);
  assert.ok(steps('adam') < steps('sgd') * 0.7, `adam ${steps('adam')} steps vs sgd ${steps('sgd')}`);
  assert.ok(o.valleyCrossings.sgd >= 20, `sgd crossed the valley only ${o.valleyCrossings.sgd} times in 30 steps`);
  assert.ok(o.valleyCrossings.adam <= 3 && o.valleyCrossings.rmsprop <= 3, `adaptive paths zig-zag: ${JSON.stringify(o.valleyCrossings)}`);

  // Noisy gradients (batch 8, 20 % flipped labels): momentum's curve is the roughest, Adam's smoother than SGD's and ends lower.
  const r = o.noisyRoughness;
  assert.ok(r.momentum >= 2 * r.adam, `momentum roughness ${r.momentum} vs adam ${r.adam}`);
  assert.ok(r.adam < r.sgd, `adam roughness ${r.adam} vs sgd ${r.sgd}`);
  assert.equal(Math.max(...Object.values(r)), r.momentum, `roughest is not momentum: ${JSON.stringify(r)}`);
  assert.ok(o.noisyFinalLoss.adam < o.noisyFinalLoss.sgd, `noisy final loss adam ${o.noisyFinalLoss.adam} vs sgd ${o.noisyFinalLoss.sgd}`);

  // Fine-tuning at the same LR: SGD changes the model smoothly and little; Adam moves far and oscillates.
  const { sgd, adam } = o.fineTune;
  assert.ok(sgd.roughness * 3 <= adam.roughness, `fine-tune roughness sgd ${sgd.roughness} vs adam ${adam.roughness}`);
  assert.ok(sgd.weightChange * 5 <= adam.weightChange, `weights moved sgd ${sgd.weightChange} vs adam ${adam.weightChange}`);
  assert.ok(sgd.worst < adam.worst, `worst val loss sgd ${sgd.worst} vs adam ${adam.worst}`);
  assert.ok(sgd.worst <= o.fineTuneStartValLoss * 1.25, `sgd val loss rose from ${o.fineTuneStartValLoss} to ${sgd.worst}`);
  assert.ok(adam.worst >= o.fineTuneStartValLoss * 1.5, `adam val loss only rose from ${o.fineTuneStartValLoss} to ${adam.worst}`);
});
