/**
 * Workloads measured in another process (PyTorch, or tfjs with another thread count),
 * driven one run at a time so that they interleave with the bench's own runs.
 * The protocol is JSON lines; see bench/torch_runner.py.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

export interface RunTiming {
  wall: number;
  cpu: number;
  samples: number;
}

type Reply = Record<string, unknown> & { error?: string };

/** A child process answering one JSON line per request, in order. */
export class ExternalRunner {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<(reply: Reply) => void> = [];
  private stderr = '';
  private exited: string | undefined;

  /** Resolves with the runner's greeting line (e.g. `{ready: true, torch: '2.13.0'}`). */
  readonly ready: Promise<Reply>;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    const lines = readline.createInterface({ input: this.child.stdout });
    lines.on('line', (line) => {
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        return; // not a protocol line (a library printing to stdout)
      }
      this.waiting.shift()?.(reply);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `exited (${signal ?? code})${this.stderr !== '' ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
      for (const resolve of this.waiting.splice(0)) resolve({ error: `runner ${this.exited}` });
    });
    this.ready = new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends one request; rejects with the runner's error. */
  async request(message: Record<string, unknown>): Promise<Reply> {
    if (this.exited !== undefined) throw new Error(`runner ${this.exited}`);
    const reply = new Promise<Reply>((resolve) => this.waiting.push(resolve));
    this.child.stdin.write(JSON.stringify(message) + '\n');
    const r = await reply;
    if (r.error !== undefined) throw new Error(r.error);
    return r;
  }

  close(): void {
    if (this.exited === undefined) this.child.stdin.end();
  }
}

/**
 * The first Python that can import torch: TRAINLAB_BENCH_PYTHON, build/torch-venv (see
 * the README's Performance section), .venv, then python3 on PATH. Returns the path and
 * torch's version, or the reasons none qualified.
 */
export function findTorchPython(root: string): { python: string; version: string } | { reasons: string[] } {
  const fromEnv = process.env.TRAINLAB_BENCH_PYTHON;
  const candidates = [
    ...(fromEnv !== undefined && fromEnv !== '' ? [fromEnv] : []),
    path.join(root, 'build', 'torch-venv', 'bin', 'python'),
    path.join(root, '.venv', 'bin', 'python'),
    'python3',
  ];
  const reasons: string[] = [];
  for (const python of candidates) {
    if (python.includes(path.sep) && !fs.existsSync(python)) continue;
    const probe = spawnSync(python, ['-c', 'import warnings; warnings.simplefilter("ignore"); import torch; print(torch.__version__)'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
    reasons.push(`${python}: ${probe.error?.message ?? (probe.stderr.trim().split('\n').pop() || `exit ${probe.status}`)}`);
  }
  return { reasons };
}
