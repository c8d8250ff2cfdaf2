/**
 * An 8-trial sweep of the tutorial MLP, serially and in worker threads (`sweep`'s
 * `workers` option), interleaved: the parallel-trials part of `npm run bench`. The first
 * parallel sweep starts the workers; the later ones find them waiting (as a notebook's
 * next sweep does), so the two are reported apart.
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { sweep } from '../src/training';
import { closeSweepWorkers } from '../src/training/parallel';
import { median } from './stats';

export interface SweepComparison {
  trials: number;
  samplesPerTrial: number;
  workers: number;
  serialSeconds: number[];
  /** Per run; the first started the workers, the others reused them. */
  parallelSeconds: number[];
  /** CPU seconds of the whole process (all threads) per sweep. */
  serialCpuSeconds: number[];
  parallelCpuSeconds: number[];
  /** Median serial time ÷ median time of the parallel sweeps that found the workers waiting. */
  speedup: number;
  /** Median serial time ÷ the first parallel sweep's time (it started the workers). */
  coldSpeedup: number;
  /** Rows of the two sweeps agree (apart from timings). */
  sameResults: boolean;
  markdown: string;
}

function moons(count: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const points = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const upper = i % 2 === 0;
    const angle = Math.PI * ((i * 0.618034) % 1);
    points[2 * i] = (upper ? Math.cos(angle) : 1 - Math.cos(angle)) + 0.1 * (((i * 0.414214) % 1) - 0.5);
    points[2 * i + 1] = (upper ? Math.sin(angle) : 0.5 - Math.sin(angle)) + 0.1 * (((i * 0.732051) % 1) - 0.5);
    labels[i] = upper ? 0 : 1;
  }
  return { x: tf.tensor2d(points, [count, 2]), y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat() as tf.Tensor2D) };
}

function tutorialMlp(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 32, activation: 'relu' }),
      tf.layers.dense({ units: 32, activation: 'relu' }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
}

export async function sweepWorkload(runs: number, workers = os.cpus().length): Promise<SweepComparison> {
  if (runs < 2) throw new Error(`sweepWorkload needs runs >= 2 (the first starts the workers), received ${runs}.`);
  const points = 2048;
  const epochs = 15;
  const data = moons(points);
  const base = { epochs, batchSize: 32, loss: 'categoricalCrossentropy' as const };
  const space = { learningRate: [1e-3, 3e-3, 1e-2, 3e-2], 'optimizer.name': ['adam', 'rmsprop'] };
  const serialSeconds: number[] = [];
  const parallelSeconds: number[] = [];
  const serialCpuSeconds: number[] = [];
  const parallelCpuSeconds: number[] = [];
  const cpuSince = (start: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  let sameResults = true;
  const strip = (rows: Array<Record<string, unknown>>) => JSON.stringify(rows.map(({ durationMs: _d, ...r }) => r));
  await closeSweepWorkers();
  for (let run = 0; run < runs; run++) {
    let start = performance.now();
    let cpu = process.cpuUsage();
    const serial = await sweep(base, space, tutorialMlp, data, { workers: 1, progress: false });
    serialSeconds.push((performance.now() - start) / 1000);
    serialCpuSeconds.push(cpuSince(cpu));
    start = performance.now();
    cpu = process.cpuUsage();
    const parallel = await sweep(base, space, tutorialMlp, data, { workers, progress: false });
    parallelSeconds.push((performance.now() - start) / 1000);
    parallelCpuSeconds.push(cpuSince(cpu));
    sameResults &&= strip(serial.rows) === strip(parallel.rows) && serial.runs.every((r) => r.error === undefined);
    const kind = run === 0 ? 'starting them' : 'kept';
    process.stdout.write(`  sweep of 8: run ${run + 1}/${runs} serial ${serialSeconds[run].toFixed(2)} s (${serialCpuSeconds[run].toFixed(2)} CPU-s), ${workers} workers (${kind}) ${parallelSeconds[run].toFixed(2)} s (${parallelCpuSeconds[run].toFixed(2)} CPU-s)\n`);
  }
  await closeSweepWorkers();
  tf.dispose([data.x, data.y]);
  const warm = parallelSeconds.slice(1);
  const warmCpu = parallelCpuSeconds.slice(1);
  const serial = median(serialSeconds);
  const speedup = serial / median(warm);
  const coldSpeedup = serial / parallelSeconds[0];
  const same = sameResults ? 'yes' : 'NO';
  const markdown = [
    `An 8-trial \`sweep\` of the tutorial MLP (2-32-32-2, ${points} points, ${epochs} epochs of batch 32 per trial, trainlab's backend with 1 wasm thread per trial), serially and with \`workers: ${workers}\`, interleaved; serial: median of ${runs}. The first parallel sweep starts the workers, the next ${runs - 1} (median) find them waiting from the sweep before:`,
    '',
    `| sweep | serial s | ${workers} workers s | speedup | serial CPU-s | ${workers} workers CPU-s | same rows |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    `| 8 × tutorial MLP, first (starts the workers) | ${serial.toFixed(2)} | ${parallelSeconds[0].toFixed(2)} | ${coldSpeedup.toFixed(2)}× | ${median(serialCpuSeconds).toFixed(2)} | ${parallelCpuSeconds[0].toFixed(2)} | ${same} |`,
    `| 8 × tutorial MLP, next (workers kept) | ${serial.toFixed(2)} | ${median(warm).toFixed(2)} | ${speedup.toFixed(2)}× | ${median(serialCpuSeconds).toFixed(2)} | ${median(warmCpu).toFixed(2)} | ${same} |`,
  ].join('\n');
  return { trials: 8, samplesPerTrial: points * epochs, workers, serialSeconds, parallelSeconds, serialCpuSeconds, parallelCpuSeconds, speedup, coldSpeedup, sameResults, markdown };
}
