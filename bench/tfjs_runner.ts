/**
 * trainlab's default backend with a given thread count, in its own process (the wasm
 * thread count is fixed when wasm starts), for `npm run bench` to interleave with its
 * one-thread runs. Same JSON-lines protocol as bench/torch_runner.py; argv: --threads=N.
 */
import * as readline from 'readline';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend';
import { installFastKernels } from '../src/kernels';
import { WORKLOADS, type Setup } from './workloads';

interface Prepared {
  setup: Setup;
  x: tf.Tensor;
  y: tf.Tensor;
  batches: number;
}

async function timeFit(p: { setup: Setup; x: tf.Tensor; y: tf.Tensor }): Promise<{ wall: number; cpu: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await p.setup.model.fit(p.x, p.y, { batchSize: p.setup.batchSize, epochs: 1, shuffle: false, verbose: 0 });
  const used = process.cpuUsage(cpuStart);
  return { wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
}

async function main(): Promise<void> {
  const threads = Number(process.argv.find((a) => a.startsWith('--threads='))?.split('=')[1] ?? 2);
  await useBackend('wasm', { quiet: true, threads });
  installFastKernels({ patchStockAdam: true });
  const prepared = new Map<string, Prepared>();
  const reply = (r: object) => process.stdout.write(JSON.stringify(r) + '\n');
  reply({ ready: true, threads });
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    try {
      const msg = JSON.parse(line) as { cmd: string; workload: string; seconds?: number };
      if (msg.cmd === 'prepare') {
        const workload = WORKLOADS.find((w) => w.id === msg.workload);
        if (workload === undefined) throw new Error(`unknown workload '${msg.workload}'`);
        const setup = workload.build();
        const warm = setup.data(2);
        await timeFit({ setup, ...warm });
        const warmSeconds = (await timeFit({ setup, ...warm })).wall;
        tf.dispose([warm.x, warm.y]);
        const batches = Math.max(2, Math.min(400, Math.round(((msg.seconds ?? 2) / warmSeconds) * 2)));
        prepared.set(msg.workload, { setup, ...setup.data(batches), batches });
        reply({ batches, batchSize: setup.batchSize });
      } else if (msg.cmd === 'run') {
        const p = prepared.get(msg.workload);
        if (p === undefined) throw new Error(`workload '${msg.workload}' was not prepared`);
        reply({ ...(await timeFit(p)), samples: p.batches * p.setup.batchSize });
      } else if (msg.cmd === 'close') {
        const p = prepared.get(msg.workload);
        if (p !== undefined) {
          tf.dispose([p.x, p.y]);
          p.setup.model.dispose();
          prepared.delete(msg.workload);
        }
        reply({});
      } else {
        reply({ error: `unknown command '${msg.cmd}'` });
      }
    } catch (error) {
      reply({ error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ error: String(error) }) + '\n');
  process.exit(1);
});
