import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { ROOT, runNotebook, outputsOf, observationsOf, sizeOf } from '../helpers/notebook';

interface Observed {
  backend: string;
  tfBackend: string;
  dataSize: { rows: number[]; cpuMsPerEpoch: number[]; wallMsPerEpoch: number[]; slopeCpu: number; slopeWall: number };
  modelSize: {
    models: string[];
    params: number[];
    cpuMsPerEpoch: number[];
    widerCpuMs: number[];
    deeperCpuMs: number[];
    timeGrowsWithWidth: boolean;
    timeGrowsWithDepth: boolean;
  };
  memory: { params: number[]; weightsBytes: number[]; optimizerBytes: number[]; peakStepBytes: number[]; weightsAre4BytesPerParam: boolean };
  batchSize: { batches: number[]; cpuMsPerEpoch: number[]; wallMsPerEpoch: number[]; peakStepBytes: number[] };
  backends: {
    cpuMsPerEpoch: number;
    stockWasmMsPerEpoch: number;
    wasmMsPerEpoch: number;
    cpuWallMs: number;
    wasmWallMs: number;
    wasmSpeedupOverCpu: number;
    native: string;
  };
}

const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

const increasing = (xs: number[]): boolean => xs.every((v, i) => i === 0 || v > xs[i - 1]);
const decreasing = (xs: number[]): boolean => xs.every((v, i) => i === 0 || v < xs[i - 1]);

/** Every pair with fewer parameters must take fewer bytes (equal counts, equal bytes). */
function growsWithParams(params: number[], bytes: number[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i < params.length; i++) {
    for (let j = 0; j < params.length; j++) {
      if (params[i] < params[j] && !(bytes[i] < bytes[j])) problems.push(`${params[i]} params: ${bytes[i]} B, ${params[j]} params: ${bytes[j]} B`);
      if (params[i] === params[j] && bytes[i] !== bytes[j]) problems.push(`${params[i]} params twice: ${bytes[i]} B vs ${bytes[j]} B`);
    }
  }
  return problems;
}

test('07-computational-considerations: time and memory follow data, model, batch size and backend', async () => {
  const nb = await runNotebook(path.join(ROOT, 'notebooks', '07-computational-considerations.ipynb'));
  const outputs = outputsOf(nb);
  assert.equal(outputs.filter((o) => o.output_type === 'error').length, 0, 'no cell may end in an error');
  const charts = outputs.filter((o) => o.data !== undefined && PLOTLY_MIME in o.data);
  assert.ok(charts.length >= 5, `expected at least 5 charts, found ${charts.length}`);
  assert.ok(sizeOf(nb) < 6 * 1024 * 1024, `executed notebook is ${sizeOf(nb)} bytes`);

  const o = observationsOf<Observed>(nb);

  // The backend in use is reported, and the notebook ends on it after switching.
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(o.backend), o.backend);
  assert.equal(o.tfBackend, o.backend);

  // Time per epoch grows with the data set, in proportion: log-log slope near 1.
  const d = o.dataSize;
  assert.deepEqual(d.rows, [1000, 2000, 4000, 8000, 16000]);
  assert.ok(d.slopeCpu >= 0.7 && d.slopeCpu <= 1.3, `slope on CPU time ${d.slopeCpu} outside [0.7, 1.3]`);
  assert.ok(d.cpuMsPerEpoch[4] > 6 * d.cpuMsPerEpoch[0], `16x rows took only ${d.cpuMsPerEpoch[4] / d.cpuMsPerEpoch[0]}x the time`);
  assert.ok(d.wallMsPerEpoch[4] > 4 * d.wallMsPerEpoch[0], `wall-clock: ${d.wallMsPerEpoch.join(', ')}`);

  // Time per epoch grows with model size, wider and deeper.
  const m = o.modelSize;
  assert.ok(m.timeGrowsWithWidth && increasing(m.widerCpuMs), `wider: ${m.widerCpuMs.join(', ')} ms`);
  assert.ok(m.timeGrowsWithDepth && increasing(m.deeperCpuMs), `deeper: ${m.deeperCpuMs.join(', ')} ms`);
  assert.ok(m.widerCpuMs[2] > 3 * m.widerCpuMs[0], `2x512 vs 2x32: ${m.widerCpuMs.join(', ')} ms`);
  assert.ok(m.deeperCpuMs[3] > 3 * m.deeperCpuMs[0], `8x128 vs 1x128: ${m.deeperCpuMs.join(', ')} ms`);

  // Memory: weights are exactly 4 bytes per parameter; everything grows with the parameter count.
  const mem = o.memory;
  assert.equal(mem.weightsAre4BytesPerParam, true);
  assert.deepEqual(mem.weightsBytes, mem.params.map((p) => 4 * p));
  assert.deepEqual(mem.params, m.params);
  for (const [name, bytes] of [['weights', mem.weightsBytes], ['optimizer state', mem.optimizerBytes], ['peak of a step', mem.peakStepBytes]] as const) {
    assert.deepEqual(growsWithParams(mem.params, bytes), [], `${name} bytes must grow with parameters`);
  }
  mem.optimizerBytes.forEach((b, i) => {
    const ratio = b / mem.weightsBytes[i];
    assert.ok(Math.abs(ratio - 2) < 0.01, `Adam state / weights = ${ratio} for ${mem.params[i]} params`);
  });

  // Time per epoch falls as the batch grows; the peak memory of a step rises.
  const b = o.batchSize;
  assert.deepEqual(b.batches, [8, 32, 128, 512]);
  assert.ok(decreasing(b.cpuMsPerEpoch), `CPU ms per epoch: ${b.cpuMsPerEpoch.join(', ')}`);
  assert.ok(decreasing(b.wallMsPerEpoch), `wall ms per epoch: ${b.wallMsPerEpoch.join(', ')}`);
  assert.ok(b.cpuMsPerEpoch[0] > 8 * b.cpuMsPerEpoch[3], `batch 8 vs 512: ${b.cpuMsPerEpoch.join(', ')}`);
  assert.ok(b.peakStepBytes.every((v, i) => i === 0 || v >= b.peakStepBytes[i - 1]), `peak bytes: ${b.peakStepBytes.join(', ')}`);
  assert.ok(b.peakStepBytes[3] > 2 * b.peakStepBytes[0], `peak bytes: ${b.peakStepBytes.join(', ')}`);

  // wasm beats plain-JavaScript cpu on the same fit, by a wide margin; the native backend is explained.
  const be = o.backends;
  assert.ok(be.wasmMsPerEpoch * 2 < be.cpuMsPerEpoch, `wasm ${be.wasmMsPerEpoch} ms vs cpu ${be.cpuMsPerEpoch} ms`);
  assert.ok(be.stockWasmMsPerEpoch * 2 < be.cpuMsPerEpoch, `stock wasm ${be.stockWasmMsPerEpoch} ms vs cpu ${be.cpuMsPerEpoch} ms`);
  assert.ok(be.wasmWallMs < be.cpuWallMs, `wall: wasm ${be.wasmWallMs} ms vs cpu ${be.cpuWallMs} ms`);
  assert.ok(be.wasmSpeedupOverCpu > 2, String(be.wasmSpeedupOverCpu));
  if (o.backend !== 'tensorflow') assert.match(be.native, /npm install @tensorflow\/tfjs-node/);
});
