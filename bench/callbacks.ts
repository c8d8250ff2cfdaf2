import * as tf from '@tensorflow/tfjs';
import { train } from '../src/training';
import { liveChart } from '../src/charts';
import type { Display, DisplayHandle, MimeBundle } from '../src/display/types';
import { median } from './stats';
import { mlp, tutorialMlp, type Workload } from './workloads';

/** Result of timing `train` with callbacks and a live chart against bare `model.fit`. */
export interface CallbackComparison {
  /** Per model: samples/s of both paths and (bare fit rate) / (train rate) − 1. */
  rows: Array<{
    workload: string;
    fitSamplesPerSec: number;
    trainSamplesPerSec: number;
    slowdown: number;
    fitSamplesPerCpuSec: number;
    trainSamplesPerCpuSec: number;
    slowdownCpu: number;
    chartUpdates: number;
    bytesSent: number;
  }>;
  /** The largest slowdown over the models (wall clock); undefined when not measured. */
  slowdown?: number;
  note?: string;
  markdown: string;
}

/**
 * A notebook display that serialises every bundle, as the tslab kernel does before
 * sending it, and otherwise drops it: the kernel-side cost of the chart and progress bar
 * is measured, the browser's rendering (another process) is not.
 */
class SerializingDisplay implements Display {
  readonly inNotebook = true;
  bytes = 0;
  outputs = 0;
  show(bundle: MimeBundle): DisplayHandle {
    this.outputs++;
    this.bytes += JSON.stringify(bundle).length;
    return { update: (next: MimeBundle) => void (this.bytes += JSON.stringify(next).length) };
  }
}

const EPOCHS = 20;

async function timed(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await run();
  const cpu = process.cpuUsage(cpuStart);
  return { wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

async function compare(workload: Workload, batches: number, runs: number): Promise<CallbackComparison['rows'][number]> {
  const setup = workload.build();
  const { x, y } = setup.data(batches);
  const samples = batches * setup.batchSize * EPOCHS;
  const display = new SerializingDisplay();
  let chartUpdates = 0;
  const bareFit = () => setup.model.fit(x, y, { batchSize: setup.batchSize, epochs: EPOCHS, shuffle: true, verbose: 0 });
  const withTrain = async () => {
    const chart = liveChart({ display });
    await train(
      setup.model,
      { x, y },
      {
        epochs: EPOCHS,
        batchSize: setup.batchSize,
        optimizer: 'adam',
        learningRate: 1e-3,
        loss: 'categoricalCrossentropy',
        // Watches the training loss with a patience that never runs out, so both paths run every epoch.
        earlyStopping: { monitor: 'loss', patience: 1000 },
      },
      { callbacks: [chart], progress: { display } },
    );
    chartUpdates += chart.updates;
  };
  // Warm-up: both paths once (compiles kernels, the chart's first HTML).
  await bareFit();
  await withTrain();
  const fit = { wall: [] as number[], cpu: [] as number[] };
  const trained = { wall: [] as number[], cpu: [] as number[] };
  chartUpdates = 0;
  for (let run = 0; run < runs; run++) {
    for (const [path, target] of [
      [bareFit, fit],
      [withTrain, trained],
    ] as const) {
      const t = await timed(path);
      target.wall.push(samples / t.wall);
      target.cpu.push(samples / t.cpu);
    }
    process.stdout.write(
      `  ${workload.id}: run ${run + 1}/${runs} bare fit ${fit.wall[run].toFixed(0)} samples/s, train + callbacks ${trained.wall[run].toFixed(0)} samples/s\n`,
    );
  }
  tf.dispose([x, y]);
  setup.model.dispose();
  const row = {
    workload: workload.id,
    fitSamplesPerSec: median(fit.wall),
    trainSamplesPerSec: median(trained.wall),
    fitSamplesPerCpuSec: median(fit.cpu),
    trainSamplesPerCpuSec: median(trained.cpu),
    chartUpdates: chartUpdates / runs,
    bytesSent: display.bytes,
  };
  return {
    ...row,
    slowdown: row.fitSamplesPerSec / row.trainSamplesPerSec - 1,
    slowdownCpu: row.fitSamplesPerCpuSec / row.trainSamplesPerCpuSec - 1,
  };
}

/**
 * `train` with `liveChart` + progress bar + `earlyStopping` against bare `model.fit`, same
 * model and data, on the active backend (the bench runs it on trainlab's default).
 */
export async function callbackWorkload(runs: number): Promise<CallbackComparison> {
  console.log(`train + liveChart + progress bar + earlyStopping vs bare model.fit (${EPOCHS} epochs, shuffled)`);
  const rows = [await compare(tutorialMlp, 32, runs), await compare(mlp, 8, runs)];
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  const lines = [
    `\`train\` + \`liveChart\` + progress bar + \`earlyStopping\` against bare \`model.fit\` (same model and data, ${EPOCHS} epochs, trainlab's backend on 1 wasm thread):`,
    '',
    '| model | bare fit samples/s | train + callbacks samples/s | slowdown | slowdown per CPU-second | chart updates per run |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.workload === 'mlp' ? mlp.title : tutorialMlp.title} | ${r.fitSamplesPerSec.toFixed(0)} | ${r.trainSamplesPerSec.toFixed(0)} | ${pct(r.slowdown)} | ${pct(r.slowdownCpu)} | ${r.chartUpdates.toFixed(0)} |`,
    ),
  ];
  return { rows, slowdown: Math.max(...rows.map((r) => r.slowdown)), markdown: lines.join('\n') };
}
