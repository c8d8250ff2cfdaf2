import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { machineCores } from '../../src/backend/threads';
import { runCells, streamText, type CellRun, type KernelStep } from '../helpers/kernel';

const ROOT = path.resolve(__dirname, '..', '..');

// Starts wasm on its default threads and leaves a sweep's 2 workers waiting, then reports the
// kernel's process, its threads and its child processes.
const busy = `import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { useBackend, wasmThreads, sweep, models, setSeed } from 'trainlab';
await useBackend('wasm', { quiet: true });
setSeed(1);
const x = tf.randomNormal([256, 4]);
const y = x.sum(1, true);
await sweep({ epochs: 2, batchSize: 32 }, { learningRate: [0.01, 0.1] }, () => models.mlp({ inputShape: [4], hidden: [8], output: 'regression' }), { x, y }, { progress: false, workers: 2, workerIdleMs: 600000 });
const children = fs.readdirSync('/proc').filter((d) => /^\\d+$/.test(d)).filter((d) => { try { return fs.readFileSync('/proc/' + d + '/stat', 'utf8').split(') ')[1].split(' ')[1] === String(process.pid); } catch { return false; } });
console.log(JSON.stringify({ pid: process.pid, threads: wasmThreads(), tasks: fs.readdirSync('/proc/self/task').length, children }));`;

interface Report {
  pid: number;
  threads: number;
  tasks: number;
  children: string[];
}

const reportOf = (run: CellRun): Report => JSON.parse(streamText(run).trim().split('\n').pop() ?? '') as Report;

describe('restarting the trainlab kernel leaves nothing behind', () => {
  const kinds = ['graceful', 'now'] as const;
  let runs: CellRun[] = [];
  before(() => {
    const steps: KernelStep[] = [{ code: busy }, ...kinds.map((restart) => ({ code: busy, restart }))];
    runs = runCells(steps, path.join(ROOT, 'notebooks'));
  });

  kinds.forEach((kind, i) => {
    test(`a ${kind === 'now' ? 'killed' : 'graceful'} restart while wasm threads and sweep workers are alive ends the old process, threads and all; no orphan`, () => {
      for (const r of runs) assert.equal(r.reply.status, 'ok', JSON.stringify(r.outputs));
      const old = reportOf(runs[i]);
      const next = reportOf(runs[i + 1]);
      assert.equal(old.threads, Math.min(machineCores(), 8));
      // The pool's pthreads and the sweep's workers are threads of the kernel's process.
      assert.ok(old.tasks >= 8 + 2, `${old.tasks} threads in the kernel`);
      assert.notEqual(next.pid, old.pid);
      assert.equal(fs.existsSync(`/proc/${old.pid}`), false, `the old kernel ${old.pid} is gone`);
      for (const child of old.children) assert.equal(fs.existsSync(`/proc/${child}`), false, `its child ${child} is gone`);
    });
  });
});
