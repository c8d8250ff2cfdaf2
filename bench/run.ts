/**
 * `npm run bench`: training throughput of trainlab's reference workloads on every
 * backend available here. Writes bench/results.json and bench/results.md.
 *
 * Flags: --only=mlp,cnn,mlp2d,train,sweep (workload ids), --backends=cpu,wasm-stock,trainlab,trainlab-threads,tensorflow,torch-1,torch-threads,
 * --runs=N (timed runs, default 5), --seconds=S (target wall-clock length of one run, default 1.5).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend';
import { installFastKernels, uninstallFastKernels } from '../src/kernels';
import { WORKLOADS, type Setup, type Workload } from './workloads';
import { callbackWorkload, type CallbackComparison } from './callbacks';
import { sweepWorkload, type SweepComparison } from './sweep';
import { median } from './stats';
import { ExternalRunner, findTorchPython, type RunTiming } from './external';

interface BackendChoice {
  id: string;
  label: string;
  /** Activates the backend; returns why it is unavailable, or undefined. */
  activate(): Promise<string | undefined>;
}

/** A backend measured in another process, with its thread count. */
interface ExternalChoice {
  id: string;
  label: string;
  runner: ExternalRunner;
  threads: number;
}

type Choice = BackendChoice | ExternalChoice;

const CORES = os.cpus().length;
/** trainlab's default backend: one wasm thread per core, measured in its own process on a multi-core machine. */
const DEFAULT_ID = CORES > 1 ? 'trainlab-threads' : 'trainlab';
const DEFAULT_LABEL = CORES > 1 ? `${CORES} threads` : '1 thread';

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
      await useBackend('wasm', { quiet: true, threads: 1 });
      uninstallFastKernels();
      return undefined;
    },
  },
  {
    id: 'trainlab',
    label: 'trainlab, 1 thread',
    activate: async () => {
      await useBackend('wasm', { quiet: true, threads: 1 });
      // The workloads compile with tf.train.adam; trainlab's own Adam gets the fused update anyway.
      installFastKernels({ patchStockAdam: true });
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
    seconds: Number(get('seconds') ?? 1.5),
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

/** A workload ready to time on one backend, in this process or another. */
interface Prepared {
  id: string;
  result: Measurement;
  run(): Promise<RunTiming>;
  release(): Promise<void>;
}

function failure(result: Measurement, id: string, error: unknown): void {
  result.error = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  process.stdout.write(`  ${result.workload} on ${id}: failed: ${result.error}\n`);
}

/** Builds the model on the backend, warms it up and sizes its timed runs to about `seconds`. */
async function prepareLocal(workload: Workload, backend: BackendChoice, args: Args): Promise<Prepared | Measurement> {
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
    return {
      id: backend.id,
      result,
      run: async () => {
        await backend.activate();
        return { ...(await timeFit(setup, x, y)), samples: batches * setup.batchSize };
      },
      release: async () => {
        await backend.activate();
        tf.dispose([x, y]);
        setup.model.dispose();
      },
    };
  } catch (error) {
    failure(result, backend.id, error);
    setup.model.dispose();
    return result;
  }
}

/** The same for a backend in another process (PyTorch, tfjs with another thread count). */
async function prepareExternal(workload: Workload, backend: ExternalChoice, args: Args): Promise<Prepared | Measurement> {
  const result: Measurement = { workload: workload.id, backend: backend.id, runs: [], cpuRuns: [], batchSize: 0, batchesPerRun: 0 };
  const key = { workload: workload.id, threads: backend.threads };
  try {
    const reply = await backend.runner.request({ cmd: 'prepare', ...key, seconds: args.seconds });
    result.batchSize = reply.batchSize as number;
    result.batchesPerRun = reply.batches as number;
  } catch (error) {
    failure(result, backend.id, error);
    return result;
  }
  return {
    id: backend.id,
    result,
    run: async () => (await backend.runner.request({ cmd: 'run', ...key })) as unknown as RunTiming,
    release: async () => void (await backend.runner.request({ cmd: 'close', ...key }).catch(() => undefined)),
  };
}

/**
 * Measures one workload on every backend. Runs are interleaved across backends so that
 * load from other processes during the bench falls on all of them alike.
 */
async function measureWorkload(workload: Workload, backends: Choice[], args: Args): Promise<Measurement[]> {
  const prepared: Prepared[] = [];
  const results: Measurement[] = [];
  for (const backend of backends) {
    const p = 'runner' in backend ? await prepareExternal(workload, backend, args) : await prepareLocal(workload, backend, args);
    if ('run' in p) {
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
        const { wall, cpu, samples } = await p.run();
        p.result.runs.push(samples / wall);
        p.result.cpuRuns.push(samples / cpu);
        process.stdout.write(
          `  ${workload.id} on ${p.id}: run ${run + 1}/${args.runs} ${fmt(samples / wall)} samples/s (${fmt(samples / cpu)} per CPU-second)\n`,
        );
      } catch (error) {
        failure(p.result, p.id, error);
      }
    }
  }
  for (const p of prepared) {
    if (p.result.error === undefined) {
      p.result.samplesPerSec = median(p.result.runs);
      p.result.samplesPerCpuSec = median(p.result.cpuRuns);
    }
    await p.release();
  }
  return results;
}

type Metric = 'samplesPerSec' | 'samplesPerCpuSec';

function ratio(results: Measurement[], workload: string, top: string, bottom: string, metric: Metric = 'samplesPerSec'): number | undefined {
  const a = results.find((r) => r.workload === workload && r.backend === top)?.[metric];
  const b = results.find((r) => r.workload === workload && r.backend === bottom)?.[metric];
  return a !== undefined && b !== undefined ? a / b : undefined;
}

/** The fastest of `tops` over the fastest of `bottoms` (each side's best configuration). */
function bestRatio(results: Measurement[], workload: string, tops: readonly string[], bottoms: readonly string[], metric: Metric = 'samplesPerSec'): number | undefined {
  const fastest = (ids: readonly string[]) => {
    const values = results.filter((r) => r.workload === workload && ids.includes(r.backend)).map((r) => r[metric]).filter((v): v is number => v !== undefined);
    return values.length > 0 ? Math.max(...values) : undefined;
  };
  const a = fastest(tops);
  const b = fastest(bottoms);
  return a !== undefined && b !== undefined ? a / b : undefined;
}

function fmt(n: number | undefined, digits = 0): string {
  return n === undefined ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function times(n: number | undefined): string {
  return n === undefined ? '—' : `${fmt(n, 1)}×`;
}

/** Ratio columns, shown when both backends were measured. */
const RATIOS: ReadonlyArray<{ label: string; top: string; bottom: string }> = [
  { label: '1 thread ÷ stock wasm', top: 'trainlab', bottom: 'wasm-stock' },
  { label: '1 thread ÷ stock cpu', top: 'trainlab', bottom: 'cpu' },
  { label: '1 thread ÷ PyTorch 1 thread', top: 'trainlab', bottom: 'torch-1' },
  { label: 'default ÷ stock wasm', top: 'trainlab-threads', bottom: 'wasm-stock' },
  { label: `default ÷ PyTorch ${CORES} threads`, top: 'trainlab-threads', bottom: 'torch-threads' },
];

function table(results: Measurement[], backends: Choice[], metric: Metric): string[] {
  const ids = new Set(backends.map((b) => b.id));
  const ratios = RATIOS.filter((r) => ids.has(r.top) && ids.has(r.bottom));
  const lines = [
    `| workload | ${[...backends.map((b) => b.label), ...ratios.map((r) => r.label)].join(' | ')} |`,
    `| --- | ${[...backends, ...ratios].map(() => '---:').join(' | ')} |`,
  ];
  for (const workload of WORKLOADS) {
    const row = results.filter((r) => r.workload === workload.id);
    if (row.length === 0) continue;
    const cells = backends.map((b) => {
      const r = row.find((m) => m.backend === b.id);
      return r === undefined ? '—' : r.error !== undefined ? 'fails¹' : fmt(r[metric]);
    });
    for (const r of ratios) cells.push(times(ratio(results, workload.id, r.top, r.bottom, metric)));
    lines.push(`| ${workload.title} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function markdown(
  results: Measurement[],
  backends: Choice[],
  skipped: Record<string, string>,
  callbacks: CallbackComparison | undefined,
  sweeps: SweepComparison | undefined,
  machine: Record<string, string | number>,
): string {
  const lines: string[] = [];
  lines.push(`Training throughput in samples/s (median of the timed \`model.fit\` runs after a warm-up; runs interleaved across`);
  lines.push(`backends), measured ${machine.date} on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, TensorFlow.js ${machine.tfjs}, no GPU.`);
  lines.push(`Load average ${machine.loadAverageBefore} before and ${machine.loadAverageAfter} after the bench.`);
  lines.push('');
  lines.push(...table(results, backends, 'samplesPerSec'));
  lines.push('');
  lines.push('The same runs per CPU-second of the process that trained (the bench, or the PyTorch / threaded runner; for');
  lines.push('one-thread backends this is what an idle machine gives and does not move when other processes share the cores;');
  lines.push('a threaded run is charged for every core it keeps busy):');
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
  if (sweeps !== undefined) {
    lines.push('');
    lines.push(sweeps.markdown);
  }
  lines.push('');
  lines.push('Targets (wall clock / per CPU-second):');
  const check = (value: number | undefined, ok: (v: number) => boolean) => (value === undefined ? 'not measured' : ok(value) ? 'met' : 'NOT met');
  // trainlab's faster thread count against PyTorch's faster one: on a loaded machine a
  // threaded run can be far slower than one thread, which would flatter either side.
  const best = ['trainlab', 'trainlab-threads'];
  const torch = ['torch-1', 'torch-threads'];
  for (const [label, workload, top, bottom, goal] of [
    [`MLP ≥ 8× stock wasm (trainlab's default, ${DEFAULT_LABEL})`, 'mlp', [DEFAULT_ID], ['wasm-stock'], 8],
    ['MLP ≥ 0.5× PyTorch CPU (each at its faster thread count)', 'mlp', best, torch, 0.5],
    ['CNN ≥ 0.5× PyTorch CPU (each at its faster thread count)', 'cnn', best, torch, 0.5],
    ['MLP ≥ 0.5× PyTorch CPU, both 2 threads', 'mlp', ['trainlab-threads'], ['torch-threads'], 0.5],
    ['CNN ≥ 0.5× PyTorch CPU, both 2 threads', 'cnn', ['trainlab-threads'], ['torch-threads'], 0.5],
    ['MLP ≥ 5× stock wasm (1 thread)', 'mlp', ['trainlab'], ['wasm-stock'], 5],
    ['CNN ≥ 40× stock cpu (1 thread)', 'cnn', ['trainlab'], ['cpu'], 40],
  ] as const) {
    const wall = bestRatio(results, workload, top, bottom);
    const cpu = bestRatio(results, workload, top, bottom, 'samplesPerCpuSec');
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
  lines.push(
    sweeps === undefined
      ? '- 8-trial sweep ≥ 1.7× faster with 2 workers than serially: not measured'
      : `- 8-trial sweep ≥ 1.7× faster with ${sweeps.workers} workers than serially: ${fmt(sweeps.speedup, 2)}× with the workers kept from the sweep before (${check(sweeps.speedup, (v) => v >= 1.7)}), ` +
          `${fmt(sweeps.coldSpeedup, 2)}× for the sweep that starts them (${check(sweeps.coldSpeedup, (v) => v >= 1.7)}); ` +
          `CPU-seconds ${fmt(median(sweeps.serialCpuSeconds), 1)} serial, ${fmt(median(sweeps.parallelCpuSeconds.slice(1)), 1)} and ${fmt(sweeps.parallelCpuSeconds[0], 1)} with workers`,
  );
  return lines.join('\n') + '\n';
}

/** Starts bench/torch_runner.py with the first Python that has torch. */
async function startTorch(): Promise<{ runner: ExternalRunner; python: string; version: string } | { why: string }> {
  const found = findTorchPython(path.resolve(__dirname, '..'));
  if ('reasons' in found) {
    return {
      why:
        `no Python with torch found (${found.reasons.join('; ')}). Create one with ` +
        `'python3 -m venv build/torch-venv && build/torch-venv/bin/pip install torch', or set TRAINLAB_BENCH_PYTHON`,
    };
  }
  const runner = new ExternalRunner(found.python, [path.join(__dirname, 'torch_runner.py')]);
  const hello = await runner.ready;
  if (hello.error !== undefined) return { why: `bench/torch_runner.py failed to start: ${hello.error}` };
  return { runner, python: found.python, version: String(hello.torch) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const workloads = WORKLOADS.filter((w) => args.only === undefined || args.only.includes(w.id));
  const results: Measurement[] = [];
  const skipped: Record<string, string> = {};
  const available: Choice[] = [];
  const runners: ExternalRunner[] = [];
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
  const wanted = (id: string) => args.backends === undefined || args.backends.includes(id);
  if (CORES > 1 && wanted('trainlab-threads')) {
    const runner = new ExternalRunner(process.execPath, ['--import', 'tsx', path.join(__dirname, 'tfjs_runner.ts'), `--threads=${CORES}`]);
    const hello = await runner.ready;
    if (hello.error !== undefined) {
      skipped[`trainlab default (${CORES} threads)`] = hello.error;
      console.log(`trainlab default (${CORES} threads): skipped (${hello.error})`);
    } else {
      runners.push(runner);
      available.push({ id: 'trainlab-threads', label: `trainlab default (${CORES} threads)`, runner, threads: CORES });
      console.log(`trainlab default (${CORES} threads): available (bench/tfjs_runner.ts)`);
    }
  }
  if (wanted('torch-1') || wanted('torch-threads')) {
    const torch = await startTorch();
    if ('why' in torch) {
      skipped['PyTorch CPU'] = torch.why;
      console.log(`PyTorch CPU: skipped (${torch.why})`);
    } else {
      runners.push(torch.runner);
      const label = (n: number) => `PyTorch ${torch.version}, ${n} thread${n === 1 ? '' : 's'}`;
      if (wanted('torch-1')) available.push({ id: 'torch-1', label: label(1), runner: torch.runner, threads: 1 });
      if (CORES > 1 && wanted('torch-threads')) available.push({ id: 'torch-threads', label: label(CORES), runner: torch.runner, threads: CORES });
      console.log(`PyTorch CPU: available (${torch.python}, torch ${torch.version})`);
    }
  }
  if (loadBefore > 0.5) {
    console.log(`bench: load average ${loadBefore.toFixed(1)} on ${os.cpus().length} cores — other processes compete; see the per-CPU-second numbers too.`);
  }
  for (const workload of workloads) {
    console.log(`${workload.title}`);
    results.push(...(await measureWorkload(workload, available, args)));
  }
  for (const runner of runners) runner.close();
  let callbacks: CallbackComparison | undefined;
  if (args.only === undefined || args.only.includes('train')) {
    const defaultBackend = BACKENDS.find((b) => b.id === 'trainlab') as BackendChoice;
    await defaultBackend.activate();
    callbacks = await callbackWorkload(Math.max(7, args.runs));
    console.log(callbacks.markdown);
  }
  let sweeps: SweepComparison | undefined;
  if ((args.only === undefined || args.only.includes('sweep')) && CORES > 1) {
    await (BACKENDS.find((b) => b.id === 'trainlab') as BackendChoice).activate();
    console.log('Sweep of 8 tutorial-MLP trials, serial vs workers');
    sweeps = await sweepWorkload(Math.max(3, Math.min(args.runs, 5)));
    console.log(sweeps.markdown);
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
  const table = markdown(results, available, skipped, callbacks, sweeps, machine);
  fs.writeFileSync(
    path.join(out, 'results.json'),
    JSON.stringify(
      {
        machine,
        backends: available.map((b) => ({ id: b.id, label: b.label, threads: 'threads' in b ? b.threads : 1 })),
        skipped,
        results,
        ratios: Object.fromEntries(
          workloads.map((w) => [
            w.id,
            Object.fromEntries(
              RATIOS.flatMap((r) => [
                [`${r.top} / ${r.bottom}`, ratio(results, w.id, r.top, r.bottom)],
                [`${r.top} / ${r.bottom} per CPU-second`, ratio(results, w.id, r.top, r.bottom, 'samplesPerCpuSec')],
              ]).filter(([, v]) => v !== undefined),
            ),
          ]),
        ),
        callbacks: callbacks === undefined ? undefined : { ...callbacks, markdown: undefined },
        sweep: sweeps === undefined ? undefined : { ...sweeps, markdown: undefined },
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
