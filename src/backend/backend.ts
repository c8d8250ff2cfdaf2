import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { silenceCpuBanner } from './banner';
import { didYouMean } from '../util/names';
import { defaultThreads, startWasm, threadsProblem, threadsUnsupported, wasmStarted, wasmThreads, type ThreadsSource } from './threads';
import { fastKernelsWanted, installFastKernels } from '../kernels';
import { TrainlabError } from '../util/errors';
import { checkOptions } from '../util/options';
import { z } from 'zod';

/** The backends trainlab knows, fastest first. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Native packages that register tfjs's 'tensorflow' backend, preferred first. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

export interface UseBackendOptions {
  /** Print nothing. Defaults to false: one line names the backend chosen. */
  quiet?: boolean;
  /**
   * Threads of the wasm backend's matrix products and convolutions (XNNPACK's pool), 1 to 8.
   * Fixed when wasm first starts in a process (restart the kernel to change it). Defaults
   * to `TRAINLAB_THREADS`, else one thread per core, at most 8 (see the README's "Every core").
   */
  threads?: number;
}

/** Thrown when a backend name is unknown or a requested backend cannot load. */
export class BackendError extends TrainlabError {
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}

type Hook = (backend: BackendName) => void;
const readyHooks: Hook[] = [];

/**
 * Registers work to run each time a backend becomes active (e.g. installing trainlab's
 * own kernels for wasm). Internal: not part of the public barrel.
 */
export function onBackendReady(hook: Hook): void {
  readyHooks.push(hook);
}

let chosen: BackendName | undefined;

/** The backend trainlab chose last, or undefined before the first `useBackend`. */
export function currentBackend(): BackendName | undefined {
  return chosen;
}

// threads: any value here; threadsProblem (the one rule) names the range and the fix.
const OPTIONS_SCHEMA = z.strictObject({ quiet: z.boolean().optional(), threads: z.unknown().optional() });

/**
 * The name and options of a {@link useBackend} call, checked: `useBackend({ threads: 2 })`
 * is the automatic choice with options; anything else that is not a name is an error.
 */
function callArguments(nameOrOptions: unknown, options: unknown): { name: string | undefined; options: UseBackendOptions } {
  const isObject = typeof nameOrOptions === 'object' && nameOrOptions !== null && !Array.isArray(nameOrOptions);
  if (isObject && options !== undefined) {
    throw new BackendError("useBackend: options were passed twice (first and second argument). Pass the backend's name first, e.g. useBackend('wasm', { threads: 2 }), or the options alone: useBackend({ threads: 2 }).");
  }
  if (nameOrOptions !== undefined && typeof nameOrOptions !== 'string' && !isObject) {
    const shown = Array.isArray(nameOrOptions) ? 'an array' : typeof nameOrOptions === 'number' ? `the number ${nameOrOptions}` : String(nameOrOptions);
    throw new BackendError(`useBackend: the backend must be a name such as 'wasm', received ${shown}. Choose one of ${BACKEND_NAMES.map((k) => `'${k}'`).join(', ')}, or pass only options: useBackend({ threads: 2 }).`);
  }
  const checked = checkOptions('useBackend', OPTIONS_SCHEMA, isObject ? nameOrOptions : options, (message) => new BackendError(message)) as UseBackendOptions | undefined;
  return { name: isObject ? undefined : (nameOrOptions as string | undefined), options: checked ?? {} };
}

/**
 * Chooses the TensorFlow.js backend. Without a name: `TRAINLAB_BACKEND` if set, else
 * the native 'tensorflow' backend when `@tensorflow/tfjs-node-gpu` or
 * `@tensorflow/tfjs-node` is installed, else 'wasm', else 'cpu'. Returns the name chosen.
 * The options may come alone, for the automatic choice: `useBackend({ threads: 2 })`.
 */
export async function useBackend(options?: UseBackendOptions): Promise<BackendName>;
export async function useBackend(name?: string, options?: UseBackendOptions): Promise<BackendName>;
export async function useBackend(nameOrOptions?: string | UseBackendOptions, maybeOptions?: UseBackendOptions): Promise<BackendName> {
  silenceCpuBanner();
  const { name, options } = callArguments(nameOrOptions, maybeOptions);
  if (options.threads !== undefined) {
    const problem = threadsProblem(options.threads, 'useBackend');
    if (problem !== undefined) throw new BackendError(problem);
  }
  wantedThreads = options.threads;
  const fromEnv = process.env.TRAINLAB_BACKEND;
  const requested = name ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  const source = name !== undefined ? 'requested' : requested !== undefined ? 'TRAINLAB_BACKEND' : 'auto';
  let result: BackendName;
  let why = '';
  if (requested === undefined) {
    const auto = await chooseAutomatically();
    result = auto.name;
    why = auto.skipped.length > 0 ? `; ${auto.skipped.join('; ')}` : '';
  } else {
    const checked = checkName(requested, source);
    const failure = await activate(checked);
    if (failure !== undefined) throw new BackendError(failure);
    result = checked;
  }
  chosen = result;
  // Explicit, not a side effect of importing: wasm gets trainlab's kernels (see installFastKernels).
  if (result === 'wasm' && fastKernelsWanted()) installFastKernels();
  for (const hook of readyHooks) hook(result);
  const threads = result === 'wasm' ? `, ${wasmThreads()} thread${wasmThreads() === 1 ? '' : 's'}` : '';
  if (options.quiet !== true) console.log(`trainlab: using the ${result} backend (${source}${threads}${why})`);
  return result;
}

/** Runs the automatic choice once if no backend was chosen yet; returns the backend in use. */
export async function ensureBackend(): Promise<BackendName> {
  if (chosen !== undefined && tf.getBackend() === chosen) return chosen;
  return useBackend(undefined, { quiet: chosen !== undefined });
}

/** Names people use for the native backend; all mean 'tensorflow' here. */
const NATIVE_ALIASES = ['gpu', 'cuda', 'node', 'native', 'tfjs-node', 'tfjs-node-gpu', 'tf'];

function checkName(requested: string, source: string): BackendName {
  const known = BACKEND_NAMES as readonly string[];
  if (known.includes(requested)) return requested as BackendName;
  const hint = NATIVE_ALIASES.includes(requested.toLowerCase()) ? 'tensorflow' : didYouMean(requested, known);
  const where = source === 'TRAINLAB_BACKEND' ? 'TRAINLAB_BACKEND' : 'useBackend';
  throw new BackendError(
    `${where}: unknown backend '${requested}'. Choose one of ${known.map((k) => `'${k}'`).join(', ')}` +
      (hint !== undefined ? ` (did you mean '${hint}'?)` : '') +
      `, or leave it unset for the automatic choice (tensorflow if installed, else wasm, else cpu).`,
  );
}

async function chooseAutomatically(): Promise<{ name: BackendName; skipped: string[] }> {
  const skipped: string[] = [];
  for (const candidate of BACKEND_NAMES) {
    const failure = await activate(candidate);
    if (failure === undefined) return { name: candidate, skipped };
    if (candidate !== 'tensorflow') skipped.push(`${candidate} failed: ${failure}`);
    else skipped.push('native tensorflow not installed');
  }
  throw new BackendError(`useBackend: no backend could start:\n${skipped.join('\n')}`);
}

/** Makes `name` the active tfjs backend; returns why it failed, or undefined on success. */
async function activate(name: BackendName): Promise<string | undefined> {
  if (name === 'tensorflow') {
    const failure = loadNative();
    if (failure !== undefined) return failure;
  }
  if (name === 'wasm') {
    try {
      require('@tensorflow/tfjs-backend-wasm');
    } catch (error) {
      return `'wasm' needs @tensorflow/tfjs-backend-wasm, which did not load (${errorText(error)}). Run 'npm install' in the trainlab folder.`;
    }
    const failure = await startWasmOnce();
    if (failure !== undefined) return failure;
  }
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    if (!ok) return `tfjs could not initialise the '${name}' backend.`;
  } catch (error) {
    return `tfjs could not initialise the '${name}' backend: ${errorText(error)}`;
  }
  return undefined;
}

/** `options.threads` of the current useBackend call. */
let wantedThreads: number | undefined;
let saidNoThreads = false;

/** Starts wasm with the wanted thread count, or checks that the running one has it. */
async function startWasmOnce(): Promise<string | undefined> {
  if (wasmStarted()) {
    const running = wasmThreads();
    // Where threads cannot run, one thread is all a restart would give too (said once at the start).
    const cannotThread = running === 1 && threadsUnsupported() !== undefined;
    if (wantedThreads !== undefined && wantedThreads !== running && !cannotThread) {
      throw new BackendError(
        `useBackend: the wasm backend already runs with ${running} thread${running === 1 ? '' : 's'}, and its thread count is fixed when it starts. ` +
          `Restart the kernel (or process) and call useBackend('wasm', { threads: ${wantedThreads} }) before anything else uses wasm, or set TRAINLAB_THREADS=${wantedThreads}.`,
      );
    }
    return undefined;
  }
  const fallback = defaultThreads();
  if ('problem' in fallback && wantedThreads === undefined) throw new BackendError(fallback.problem);
  const pick: { threads: number; source: ThreadsSource } = wantedThreads !== undefined ? { threads: wantedThreads, source: 'requested' } : (fallback as { threads: number; source: ThreadsSource });
  let threads = pick.threads;
  const unsupported = threads > 1 ? threadsUnsupported() : undefined;
  if (unsupported !== undefined) {
    const asked = pick.source === 'cores' ? '(one per core)' : `requested${pick.source === 'requested' ? '' : ` by ${pick.source}`}`;
    if (!saidNoThreads) console.log(`trainlab: ${threads} wasm threads ${asked}, but ${unsupported}; running on one thread.`);
    saidNoThreads = true;
    threads = 1;
  }
  try {
    const started = await startWasm(threads);
    return started.ok ? undefined : `tfjs could not initialise the 'wasm' backend.`;
  } catch (error) {
    return `tfjs could not initialise the 'wasm' backend: ${errorText(error)}`;
  }
}

/** Loads the first installed native package; returns why none could be used. */
function loadNative(): string | undefined {
  if (tf.findBackendFactory('tensorflow') !== null) return undefined;
  const reasons: string[] = [];
  for (const pkg of NATIVE_PACKAGES) {
    const found = locate(pkg);
    if (found === undefined) continue;
    try {
      require(found);
    } catch (error) {
      reasons.push(`${pkg} is installed but failed to load: ${errorText(error)}`);
      continue;
    }
    if (tf.findBackendFactory('tensorflow') !== null) return undefined;
    reasons.push(
      `${pkg} loaded but registered no 'tensorflow' backend with trainlab's @tensorflow/tfjs-core ${tf.version_core}; ` +
        `install the version matching it: npm install ${pkg}@${tf.version_core}`,
    );
  }
  if (reasons.length > 0) return reasons.join('; ');
  return (
    `'tensorflow' needs the native TensorFlow package, which is not installed. ` +
    `On a machine with an NVIDIA GPU and CUDA run 'npm install @tensorflow/tfjs-node-gpu'; ` +
    `on a CPU machine 'npm install @tensorflow/tfjs-node'.`
  );
}

/**
 * Finds `pkg` from the working directory (a notebook's folder) or from trainlab itself.
 * A package whose package.json names another package is an npm alias (trainlab's own
 * lock file aliases @tensorflow/tfjs-node to @tensorflow/tfjs for danfojs) and is ignored.
 */
function locate(pkg: string): string | undefined {
  for (const from of [process.cwd(), path.resolve(__dirname, '..', '..')]) {
    let manifest: string;
    try {
      manifest = require.resolve(`${pkg}/package.json`, { paths: [from] });
    } catch {
      continue;
    }
    const { name } = require(manifest) as { name?: string };
    if (name === pkg) return path.dirname(manifest);
  }
  return undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// trainlab prints its own backend line; the cpu backend's banner would also show for
// tensors made before the first useBackend().
silenceCpuBanner();
