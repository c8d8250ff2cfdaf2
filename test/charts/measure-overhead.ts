// Run: node --import tsx test/charts/measure-overhead.ts (BK=cpu for the cpu backend). Measures model.fit with and without liveChart (fake notebook display that serialises bundles like the kernel does).
import * as tf from '@tensorflow/tfjs';
import { useBackend, setSeed } from '../../src/backend';
import { liveChart } from '../../src';
import type { Display } from '../../src/display/types';

const sink: Display = { inNotebook: true, executionId: () => 1, show: (b) => { JSON.stringify(b); return { update: (n) => { JSON.stringify(n); } }; } };
(async () => {
  await useBackend((process.env.BK as 'wasm' | 'cpu') ?? 'wasm');
  setSeed(0);
  const x = tf.randomNormal([4096, 784]);
  const y = tf.oneHot(tf.randomUniform([4096], 0, 10, 'int32'), 10);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }), tf.layers.dense({ units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['acc'] });
  await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 });
  const times: Record<string, number[]> = { plain: [], epoch: [], batch: [] };
  for (let r = 0; r < 7; r++) {
    for (const k of ['plain', 'epoch', 'batch'] as const) {
      const cbs = k === 'plain' ? [] : [liveChart({ display: sink, granularity: k, updateEveryMs: 250 })];
      const t = performance.now();
      await model.fit(x, y, { epochs: 3, batchSize: 128, validationSplit: 0.1, verbose: 0, callbacks: cbs });
      times[k].push(performance.now() - t);
    }
  }
  const med = (a: number[]): number => Math.min(...a);
  // Time spent inside the callback's own hooks (independent of machine noise).
  const cb = liveChart({ display: sink, granularity: 'batch', updateEveryMs: 250 });
  let inHooks = 0;
  for (const h of ['onTrainBegin', 'onEpochBegin', 'onEpochEnd', 'onBatchEnd', 'onTrainEnd'] as const) {
    const orig = cb[h] as (...a: unknown[]) => Promise<void>;
    (cb as unknown as Record<string, unknown>)[h] = async (...a: unknown[]) => { const t = performance.now(); await orig(...a); inHooks += performance.now() - t; };
  }
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 3, batchSize: 128, validationSplit: 0.1, verbose: 0, callbacks: [cb] });
  const total = performance.now() - t0;
  console.log(`batch granularity: ${inHooks.toFixed(1)} ms in liveChart hooks of ${total.toFixed(0)} ms fit (${((inHooks / total) * 100).toFixed(2)} %), ${cb.updates} updates`);
  for (const k of Object.keys(times)) console.log(k, times[k].map((v) => v.toFixed(0)).join(' '), 'min', med(times[k]).toFixed(0), 'ms', k === 'plain' ? '' : `overhead ${((med(times[k]) / med(times.plain) - 1) * 100).toFixed(1)}%`);
})();
