import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { ROOT, runKernelSteps } from '../helpers/notebook';

// Note `{ x: x, y: y }`: tslab 1.0.22 fails on shorthand properties that name an earlier
// cell's variables (`{ x, y }` → ReferenceError).
// Jupyter's stop button sends SIGINT to the kernel. tslab abandons the running cell at
// once; trainlab must also stop the fit itself, at the next batch boundary, leaving the
// model usable, and a re-run of the cell must work.
test('interrupting a training cell in the kernel stops training cleanly; re-running is safe', () => {
  const setup = `
import * as tf from "@tensorflow/tfjs";
import { useBackend, setSeed, train, isTraining, models } from "trainlab";
await useBackend("wasm", { quiet: true });`;
  const data = `
setSeed(3);
const x = tf.randomNormal([4096, 8]);
const y = x.sum(1, true);
const model = models.mlp({ inputShape: [8], hidden: [64, 64], output: "regression" });
// an object, not a let: tslab hands later cells a snapshot of top-level variables
const seenBatches = { n: 0 };
const counter = new tf.CustomCallback({ onBatchEnd: async () => { seenBatches.n++; } });
console.log("ready");`;
  const long = `const run = await train(model, { x: x, y: y }, { epochs: 1000, batchSize: 16, learningRate: 1e-3 }, { callbacks: [counter], progress: false });`;
  const after = `
await new Promise((r) => setTimeout(r, 300));
const seen = seenBatches.n;
await new Promise((r) => setTimeout(r, 1500));
const pred = model.predict(x.slice(0, 4)) as tf.Tensor;
const finite = Array.from(pred.dataSync()).every(Number.isFinite);
console.log("AFTER " + JSON.stringify({ seen, later: seenBatches.n, training: isTraining(model), finite, shape: pred.shape }));`;
  const rerun = `
const again = await train(model, { x: x.slice(0, 256), y: y.slice(0, 256) }, { epochs: 2, batchSize: 64 }, { progress: false });
console.log("RERUN " + JSON.stringify({ epochs: again.epochsRun, interrupted: again.interrupted, training: isTraining(model) }));`;
  const [, ready, interrupted, state, rerunResult] = runKernelSteps(
    [{ code: setup }, { code: data }, { code: long, interruptAfter: 6 }, { code: after }, { code: rerun }],
    path.join(ROOT, 'notebooks'),
  );
  assert.match(ready.stdout, /ready/, JSON.stringify(ready));
  assert.notEqual(interrupted.status, 'ok', 'the long cell should have been interrupted');
  assert.ok(interrupted.seconds < 30, `the interrupted cell took ${interrupted.seconds}s`);
  const parsed = /AFTER (.*)/.exec(state.stdout);
  assert.ok(parsed, JSON.stringify(state));
  const after_ = JSON.parse(parsed[1]) as { seen: number; later: number; training: boolean; finite: boolean; shape: number[] };
  assert.ok(after_.seen > 0, `some batches ran before the interrupt: ${JSON.stringify(interrupted)}`);
  assert.equal(after_.later, after_.seen, 'no batch ran after the interrupt was handled');
  assert.equal(after_.training, false);
  assert.equal(after_.finite, true);
  assert.deepEqual(after_.shape, [4, 1]);
  const rerunParsed = /RERUN (.*)/.exec(rerunResult.stdout);
  assert.ok(rerunParsed, JSON.stringify(rerunResult));
  assert.deepEqual(JSON.parse(rerunParsed[1]), { epochs: 2, interrupted: false, training: false });
});
