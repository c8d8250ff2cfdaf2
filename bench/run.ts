/**
 * `npm run bench`: training throughput of trainlab's reference workloads on every
 * backend available here. Writes bench/results.json and bench/results.md.
 *
 * Flags: --only=mlp,cnn (workload ids), --backends=cpu,wasm-stock,trainlab,tensorflow,
 * --runs=N (timed runs, default 5), --seconds=S (target length of one run, default 2.5).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend';
import { installFastKernels, uninstallFastKernels } from '../src/kernels';
import { WORKLOADS, type Setup, type Workload } from './workloads';
import { callbackWorkload, type CallbackComparison } from './callbacks';

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
  /** Median samples/s over the timed runs; undefined when the workload failed. */
  samplesPerSec?: number;
  runs: number[];
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
    seconds: Number(get('seconds') ?? 2.5),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timeFit(setup: Setup, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const start = performance.now();
  await setup.model.fit(x, y, { batchSize: setup.batchSize, epochs: 1, shuffle: false, verbose: 0 });
  return (performance.now() - start) / 1000;
}

async function measure(workload: Workload, backend: BackendChoice, args: Args): Promise<Measurement> {
  const setup = workload.build();
  const result: Measurement = { workload: workload.id, backend: backend.id, runs: [], batchSize: setup.batchSize, batchesPerRun: 0 };
  try {
    // Warm-up: the first batches compile kernels and allocate; the second run sizes the timed ones.
    const warm = setup.data(2);
    await timeFit(setup, warm.x, warm.y);
    const warmSeconds = await timeFit(setup, warm.x, warm.y);
    tf.dispose([warm.x, warm.y]);
    const batches = Math.max(2, Math.min(400, Math.round((args.seconds / warmSeconds) * 2)));
    result.batchesPerRun = batches;
    const { x, y } = setup.data(batches);
    for (let run = 0; run < args.runs; run++) {
      const seconds = await timeFit(setup, x, y);
      result.runs.push((batches * setup.batchSize) / seconds);
      process.stdout.write(`  ${workload.id} on ${backend.id}: run ${run + 1}/${args.runs} ${result.runs[run].toFixed(0)} samples/s\n`);
    }
    tf.dispose([x, y]);
    result.samplesPerSec = median(result.runs);
  } catch (error) {
    result.error = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    process.stdout.write(`  ${workload.id} on ${backend.id}: failed: ${result.error}\n`);
  } finally {
    setup.model.dispose();
  }
  return result;
}

function ratio(results: Measurement[], workload: string, top: string, bottom: string): number | undefined {
  const a = results.find((r) => r.workload === workload && r.backend === top)?.samplesPerSec;
  const b = results.find((r) => r.workload === workload && r.backend === bottom)?.samplesPerSec;
  return a !== undefined && b !== undefined ? a / b : undefined;
}

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function markdown(
  results: Measurement[],
  backends: BackendChoice[],
  skipped: Record<string, string>,
  callbacks: CallbackComparison | undefined,
  machine: Record<string, string | number>,
): string {
  const lines: string[] = [];
  lines.push(`Training throughput, samples/s (median of timed runs after a warm-up), measured ${machine.date}`);
  lines.push(`on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, TensorFlow.js ${machine.tfjs}, no GPU.`);
  lines.push('');
  lines.push(`| workload | ${backends.map((b) => b.label).join(' | ')} | default ÷ stock wasm | default ÷ stock cpu |`);
  lines.push(`| --- | ${backends.map(() => '---:').join(' | ')} | ---: | ---: |`);
  for (const workload of WORKLOADS) {
    const row = results.filter((r) => r.workload === workload.id);
    if (row.length === 0) continue;
    const cells = backends.map((b) => {
      const r = row.find((m) => m.backend === b.id);
      return r === undefined ? '—' : r.error !== undefined ? 'fails¹' : fmt(r.samplesPerSec);
    });
    const vsWasm = ratio(results, workload.id, 'trainlab', 'wasm-stock');
    const vsCpu = ratio(results, workload.id, 'trainlab', 'cpu');
    lines.push(`| ${workload.title} | ${cells.join(' | ')} | ${vsWasm === undefined ? '—' : `${fmt(vsWasm, 1)}×`} | ${vsCpu === undefined ? '—' : `${fmt(vsCpu, 1)}×`} |`);
  }
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
  lines.push('Targets:');
  const mlpRatio = ratio(results, 'mlp', 'trainlab', 'wasm-stock');
  const cnnRatio = ratio(results, 'cnn', 'trainlab', 'cpu');
  const check = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : 'NOT met');
  lines.push(`- MLP ≥ 5× stock wasm: ${mlpRatio === undefined ? '—' : `${fmt(mlpRatio, 1)}×`} (${check(mlpRatio === undefined ? undefined : mlpRatio >= 5)})`);
  lines.push(`- CNN ≥ 40× stock cpu: ${cnnRatio === undefined ? '—' : `${fmt(cnnRatio, 1)}×`} (${check(cnnRatio === undefined ? undefined : cnnRatio >= 40)})`);
  if (callbacks !== undefined && callbacks.slowdown !== undefined) {
    lines.push(`- train + callbacks + live chart ≤ 5 % slower than bare fit: ${fmt(callbacks.slowdown * 100, 1)} % (${check(callbacks.slowdown <= 0.05)})`);
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
  for (const backend of BACKENDS) {
    if (args.backends !== undefined && !args.backends.includes(backend.id)) continue;
    const why = await backend.activate();
    if (why !== undefined) {
      skipped[backend.label] = why;
      console.log(`${backend.label}: skipped (${why})`);
      continue;
    }
    available.push(backend);
    console.log(`${backend.label} (tf.getBackend() = '${tf.getBackend()}')`);
    for (const workload of workloads) {
      results.push(await measure(workload, backend, args));
    }
  }
  let callbacks: CallbackComparison | undefined;
  if (args.only === undefined || args.only.includes('train')) {
    const defaultBackend = BACKENDS.find((b) => b.id === 'trainlab') as BackendChoice;
    await defaultBackend.activate();
    callbacks = await callbackWorkload(args.runs);
    console.log(callbacks.markdown);
  }
  const machine = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpu: os.cpus()[0]?.model ?? 'unknown cpu',
    cores: os.cpus().length,
    node: process.versions.node,
    tfjs: tf.version.tfjs,
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
            { trainlabOverStockWasm: ratio(results, w.id, 'trainlab', 'wasm-stock'), trainlabOverStockCpu: ratio(results, w.id, 'trainlab', 'cpu') },
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
