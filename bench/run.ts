/**
 * `npm run bench`: training throughput of trainlab's reference workloads on every
 * backend available here. Writes bench/results.json and bench/results.md.
 *
 * Flags: --only=mlp,cnn (workload ids), --backends=cpu,wasm-stock,trainlab,tensorflow,
 * --runs=N (timed runs, default 5), --seconds=S (target wall-clock length of one run, default 2).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend';
import { installFastKernels, uninstallFastKernels } from '../src/kernels';
import { WORKLOADS, type Setup, type Workload } from './workloads';
import { callbackWorkload, type CallbackComparison } from './callbacks';
import { median } from './stats';

interface BackendChoice {
  id: string;
  label: string;
  /** Activates the backend; returns why it is unavailable, or undefined. */
  activate(): Promise<string | undefined>;
}

const BACKENDS: readonly BackendChoice[] = [
  {
    id: 'cpu',
    label: 'stock cpu',
    activate: async () => {
      await useBackend('cpu', { quiet: true });
      return undefined;
    },
  },
  {
    id: 'wasm-stock',
    label: 'stock wasm',
    activate: async () => {
      await useBackend('wasm', { quiet: true });
      uninstallFastKernels();
      return undefined;
    },
  },
  {
    id: 'trainlab',
    label: 'trainlab default (wasm + fast kernels)',
    activate: async () => {
      await useBackend('wasm', { quiet: true });
      installFastKernels();
      return undefined;
    },
  },
  {
    id: 'tensorflow',
    label: 'native tensorflow',
    activate: async () => {
      try {
        await useBackend('tensorflow', { quiet: true });
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message.split('.')[0] : String(error);
      }
    },
  },
];

export interface Measurement {
  workload: string;
  backend: string;
  /** Median samples per wall-clock second over the timed runs; undefined when the workload failed. */
  samplesPerSec?: number;
  /** Median samples per CPU-second of the bench process (insensitive to other load). */
  samplesPerCpuSec?: number;
  runs: number[];
  cpuRuns: number[];
  batchSize: number;
  batchesPerRun: number;
  error?: string;
}

interface Args {
  only?: string[];
  backends?: string[];
  runs: number;
  seconds: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const list = (name: string) => get(name)?.split(',').filter((s) => s !== '');
  return {
    only: list('only'),
    backends: list('backends'),
    runs: Number(get('runs') ?? 5),
    seconds: Number(get('seconds') ?? 2),
  };
}

/** Wall-clock and process CPU seconds of one `model.fit` epoch over x, y. */
async function timeFit(setup: Setup, x: tf.Tensor, y: tf.Tensor): Promise<{ wall: number; cpu: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await setup.model.fit(x, y, { batchSize: setup.batchSize, epochs: 1, shuffle: false, verbose: 0 });
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

interface Prepared {
  backend: BackendChoice;
  setup: Setup;
  x: tf.Tensor;
  y: tf.Tensor;
  result: Measurement;
}

function failure(result: Measurement, backend: BackendChoice, error: unknown): void {
  result.error = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  process.stdout.write(`  ${result.workload} on ${backend.id}: failed: ${result.error}\n`);
}

/** Builds the model on the backend, warms it up and sizes its timed runs to about `seconds`. */
async function prepare(workload: Workload, backend: BackendChoice, args: Args): Promise<Prepared | Measurement> {
  await backend.activate();
  const setup = workload.build();
  const result: Measurement = { workload: workload.id, backend: backend.id, runs: [], cpuRuns: [], batchSize: setup.batchSize, batchesPerRun: 0 };
  try {
    // The first fit compiles kernels and allocates; the second sizes the timed runs.
    const warm = setup.data(2);
    await timeFit(setup, warm.x, warm.y);
    const warmSeconds = (await timeFit(setup, warm.x, warm.y)).wall;
    tf.dispose([warm.x, warm.y]);
    const batches = Math.max(2, Math.min(400, Math.round((args.seconds / warmSeconds) * 2)));
    result.batchesPerRun = batches;
    const { x, y } = setup.data(batches);
    return { backend, setup, x, y, result };
  } catch (error) {
    failure(result, backend, error);
    setup.model.dispose();
    return result;
  }
}

/**
 * Measures one workload on every backend. Runs are interleaved across backends so that
 * load from other processes during the bench falls on all of them alike.
 */
async function measureWorkload(workload: Workload, backends: BackendChoice[], args: Args): Promise<Measurement[]> {
  const prepared: Prepared[] = [];
  const results: Measurement[] = [];
  for (const backend of backends) {
    const p = await prepare(workload, backend, args);
    if ('setup' in p) {
      prepared.push(p);
      results.push(p.result);
    } else {
      results.push(p);
    }
  }
  for (let run = 0; run < args.runs; run++) {
    for (const p of prepared) {
      if (p.result.error !== undefined) continue;
      try {
        await p.backend.activate();
        const { wall, cpu } = await timeFit(p.setup, p.x, p.y);
        const samples = p.result.batchesPerRun * p.setup.batchSize;
        p.result.runs.push(samples / wall);
        p.result.cpuRuns.push(samples / cpu);
        process.stdout.write(
          `  ${workload.id} on ${p.backend.id}: run ${run + 1}/${args.runs} ${fmt(samples / wall)} samples/s (${fmt(samples / cpu)} per CPU-second)\n`,
        );
      } catch (error) {
        failure(p.result, p.backend, error);
      }
    }
  }
  for (const p of prepared) {
    if (p.result.error === undefined) {
      p.result.samplesPerSec = median(p.result.runs);
      p.result.samplesPerCpuSec = median(p.result.cpuRuns);
    }
    await p.backend.activate();
    tf.dispose([p.x, p.y]);
    p.setup.model.dispose();
  }
  return results;
}

type Metric = 'samplesPerSec' | 'samplesPerCpuSec';

function ratio(results: Measurement[], workload: string, top: string, bottom: string, metric: Metric = 'samplesPerSec'): number | undefined {
  const a = results.find((r) => r.workload === workload && r.backend === top)?.[metric];
  const b = results.find((r) => r.workload === workload && r.backend === bottom)?.[metric];
  return a !== undefined && b !== undefined ? a / b : undefined;
}

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function times(n: number | undefined): string {
  return n === undefined ? '—' : `${fmt(n, 1)}×`;
}

function table(results: Measurement[], backends: BackendChoice[], metric: Metric): string[] {
  const lines = [
    `| workload | ${backends.map((b) => b.label).join(' | ')} | default ÷ stock wasm | default ÷ stock cpu |`,
    `| --- | ${backends.map(() => '---:').join(' | ')} | ---: | ---: |`,
  ];
  for (const workload of WORKLOADS) {
    const row = results.filter((r) => r.workload === workload.id);
    if (row.length === 0) continue;
    const cells = backends.map((b) => {
      const r = row.find((m) => m.backend === b.id);
      return r === undefined ? '—' : r.error !== undefined ? 'fails¹' : fmt(r[metric]);
    });
    const vsWasm = ratio(results, workload.id, 'trainlab', 'wasm-stock', metric);
    const vsCpu = ratio(results, workload.id, 'trainlab', 'cpu', metric);
    lines.push(`| ${workload.title} | ${cells.join(' | ')} | ${times(vsWasm)} | ${times(vsCpu)} |`);
  }
  return lines;
}

function markdown(
  results: Measurement[],
  backends: BackendChoice[],
  skipped: Record<string, string>,
  callbacks: CallbackComparison | undefined,
  machine: Record<string, string | number>,
): string {
  const lines: string[] = [];
  lines.push(`Training throughput in samples/s (median of the timed \`model.fit\` runs after a warm-up; runs interleaved across`);
  lines.push(`backends), measured ${machine.date} on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, TensorFlow.js ${machine.tfjs}, no GPU.`);
  lines.push(`Load average ${machine.loadAverageBefore} before and ${machine.loadAverageAfter} after the bench.`);
  lines.push('');
  lines.push(...table(results, backends, 'samplesPerSec'));
  lines.push('');
  lines.push('The same runs per CPU-second of the bench process (all these backends run on one thread, so this is what an idle');
  lines.push('machine gives; it does not move when other processes share the cores):');
  lines.push('');
  lines.push(...table(results, backends, 'samplesPerCpuSec'));
  const failures = results.filter((r) => r.error !== undefined);
  if (failures.length > 0) {
    lines.push('');
    lines.push(`¹ ${[...new Set(failures.map((f) => f.error))].join('; ')}`);
  }
  for (const [id, why] of Object.entries(skipped)) lines.push(`\nNot measured: ${id} — ${why}.`);
  if (callbacks !== undefined) {
    lines.push('');
    lines.push(callbacks.markdown);
  }
  lines.push('');
  lines.push('Targets (wall clock / per CPU-second):');
  const check = (value: number | undefined, ok: (v: number) => boolean) => (value === undefined ? 'not measured' : ok(value) ? 'met' : 'NOT met');
  for (const [label, workload, bottom, goal] of [
    ['MLP ≥ 5× stock wasm', 'mlp', 'wasm-stock', 5],
    ['CNN ≥ 40× stock cpu', 'cnn', 'cpu', 40],
  ] as const) {
    const wall = ratio(results, workload, 'trainlab', bottom);
    const cpu = ratio(results, workload, 'trainlab', bottom, 'samplesPerCpuSec');
    const exact = (v: number | undefined) => (v === undefined ? '—' : `${fmt(v, 2)}×`);
    lines.push(`- ${label}: ${exact(wall)} (${check(wall, (v) => v >= goal)}) / ${exact(cpu)} (${check(cpu, (v) => v >= goal)})`);
  }
  if (callbacks !== undefined && callbacks.slowdown !== undefined) {
    for (const r of callbacks.rows) {
      lines.push(
        `- train + callbacks + live chart ≤ 5 % slower than bare fit (${r.workload}): ${fmt(r.slowdown * 100, 1)} % (${check(r.slowdown, (v) => v <= 0.05)}) / ` +
          `${fmt(r.slowdownCpu * 100, 1)} % (${check(r.slowdownCpu, (v) => v <= 0.05)})`,
      );
    }
  } else {
    lines.push(`- train + callbacks + live chart ≤ 5 % slower than bare fit: ${callbacks?.note ?? 'not measured'}`);
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const workloads = WORKLOADS.filter((w) => args.only === undefined || args.only.includes(w.id));
  const results: Measurement[] = [];
  const skipped: Record<string, string> = {};
  const available: BackendChoice[] = [];
  const loadBefore = os.loadavg()[0];
  for (const backend of BACKENDS) {
    if (args.backends !== undefined && !args.backends.includes(backend.id)) continue;
    const why = await backend.activate();
    if (why !== undefined) {
      skipped[backend.label] = why;
      console.log(`${backend.label}: skipped (${why})`);
      continue;
    }
    available.push(backend);
    console.log(`${backend.label}: available (tf.getBackend() = '${tf.getBackend()}')`);
  }
  if (loadBefore > 0.5) {
    console.log(`bench: load average ${loadBefore.toFixed(1)} on ${os.cpus().length} cores — other processes compete; see the per-CPU-second numbers too.`);
  }
  for (const workload of workloads) {
    console.log(`${workload.title}`);
    results.push(...(await measureWorkload(workload, available, args)));
  }
  let callbacks: CallbackComparison | undefined;
  if (args.only === undefined || args.only.includes('train')) {
    const defaultBackend = BACKENDS.find((b) => b.id === 'trainlab') as BackendChoice;
    await defaultBackend.activate();
    callbacks = await callbackWorkload(Math.max(7, args.runs));
    console.log(callbacks.markdown);
  }
  const machine = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpu: os.cpus()[0]?.model ?? 'unknown cpu',
    cores: os.cpus().length,
    node: process.versions.node,
    tfjs: tf.version.tfjs,
    loadAverageBefore: Number(loadBefore.toFixed(2)),
    loadAverageAfter: Number(os.loadavg()[0].toFixed(2)),
  };
  const out = path.join(__dirname);
  const table = markdown(results, available, skipped, callbacks, machine);
  fs.writeFileSync(
    path.join(out, 'results.json'),
    JSON.stringify(
      {
        machine,
        backends: available.map((b) => ({ id: b.id, label: b.label })),
        skipped,
        results,
        ratios: Object.fromEntries(
          workloads.map((w) => [
            w.id,
            {
              trainlabOverStockWasm: ratio(results, w.id, 'trainlab', 'wasm-stock'),
              trainlabOverStockCpu: ratio(results, w.id, 'trainlab', 'cpu'),
              trainlabOverStockWasmCpuTime: ratio(results, w.id, 'trainlab', 'wasm-stock', 'samplesPerCpuSec'),
              trainlabOverStockCpuCpuTime: ratio(results, w.id, 'trainlab', 'cpu', 'samplesPerCpuSec'),
            },
          ]),
        ),
        callbacks: callbacks === undefined ? undefined : { ...callbacks, markdown: undefined },
        seconds: (performance.now() - started) / 1000,
      },
      null,
      2,
    ) + '\n',
  );
  fs.writeFileSync(path.join(out, 'results.md'), table);
  console.log('\n' + table);
  console.log(`bench: wrote bench/results.json and bench/results.md in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
