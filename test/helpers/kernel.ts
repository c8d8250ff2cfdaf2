/**
 * Drives the trainlab kernel through Jupyter's own client (test/helpers/kernel_driver.py)
 * and returns every message of each cell, for the kernel's protocol tests.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { privateJupyterPath } = require('../../scripts/kernelspec') as { privateJupyterPath(): string };

export interface KernelStep {
  code: string;
  /** Seconds into the step at which the stop button is pressed. */
  interruptAfter?: number;
  /** How many times it is pressed (1.5 s apart). Defaults to 1. */
  interrupts?: number;
  /** Sent together with the previous step, without waiting for it (Run All). */
  queue?: boolean;
  stopOnError?: boolean;
  /** Restarts the kernel before the step: 'graceful' as the front end's Restart does, or 'now' (killed). */
  restart?: 'graceful' | 'now';
}

export interface KernelMessage {
  msg_type: string;
  content: Record<string, unknown> & { data?: Record<string, unknown>; text?: string; name?: string; ename?: string; evalue?: string; traceback?: string[] };
}

export interface CellRun {
  reply: Record<string, unknown> & { status: string; execution_count?: number; ename?: string; evalue?: string; traceback?: string[] };
  outputs: KernelMessage[];
  seconds: number;
}

/** A Python that can import jupyter_client (Debian's, when a pyenv python3 comes first on PATH). */
export function pythonWith(module: string): string {
  for (const python of [process.env.TRAINLAB_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => p !== undefined)) {
    const r = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  throw new Error(`No Python can import ${module}: run 'sudo bash scripts/setup-system.sh' (Debian packages jupyter-client, python3-jupyter-kernel-test).`);
}

export function runCells(steps: readonly KernelStep[], cwd: string, timeoutSeconds = 300): CellRun[] {
  const input = JSON.stringify({
    timeout: timeoutSeconds,
    steps: steps.map((s) => ({ code: s.code, interrupt_after: s.interruptAfter, interrupts: s.interrupts, queue: s.queue, stop_on_error: s.stopOnError, restart: s.restart })),
  });
  // The kernel shares the driver's stdout, so the results go to a file.
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-driver-')), 'results.json');
  const r = spawnSync(pythonWith('jupyter_client'), [path.join(__dirname, 'kernel_driver.py'), out], {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, JUPYTER_PATH: privateJupyterPath(), PYTHONWARNINGS: 'ignore' },
    timeout: (timeoutSeconds + 120) * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`kernel driver failed (${r.status}):\n${r.stderr}`);
  try {
    return JSON.parse(fs.readFileSync(out, 'utf8')) as CellRun[];
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

/** Text of one cell's stdout (or stderr). */
export function streamText(run: CellRun, name: 'stdout' | 'stderr' = 'stdout'): string {
  return run.outputs.filter((o) => o.msg_type === 'stream' && o.content.name === name).map((o) => o.content.text ?? '').join('');
}

/** The cell's execute_result, if any. */
export function resultOf(run: CellRun): KernelMessage | undefined {
  return run.outputs.find((o) => o.msg_type === 'execute_result');
}

/** The cell's error output, if any. */
export function errorOf(run: CellRun): KernelMessage | undefined {
  return run.outputs.find((o) => o.msg_type === 'error');
}

/** Removes ANSI colour codes. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
