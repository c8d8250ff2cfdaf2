/**
 * The tslab adapter: finds the kernel's own tslab modules (not whichever copy our
 * `require('tslab')` would resolve to) and sends multi-MIME outputs through its internal
 * writer, with tslab's public single-MIME `display` API as the fallback.
 */
import { randomBytes } from 'crypto';
import * as path from 'path';
import { kernelApi, type ExecuteRequestInfo } from './clear';
import type { Display, DisplayHandle, MimeBundle } from './types';
import { TrainlabError, type ValidationIssue } from '../util/errors';

/** What tslab's internal `dist/jupyter.js` passes to the kernel's iopub socket. */
export interface TslabDisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** `require("tslab/dist/jupyter")`: the writer of the cell being executed (null before the first). */
export interface TslabJupyterModule {
  lastWriteDisplayData: ((message: TslabDisplayMessage, update: boolean) => void) | null;
}

/** The part of tslab's public `Display` (from `newDisplay()`) the fallback uses. */
export interface TslabPublicDisplay {
  html(s: string): void;
  text(s: string): void;
}

/** `require("tslab")` / `tslab/dist/public.js`. */
export interface TslabPublicModule {
  newDisplay(): TslabPublicDisplay;
}

/** Where the detection looks; every field is injectable for tests. */
export interface TslabEnvironment {
  /** Node's module cache. Defaults to `require.cache`. */
  cache: Record<string, { exports?: unknown } | undefined>;
  /** Process arguments. Defaults to `process.argv`. */
  argv: readonly string[];
  /** The kernel's executor sets `globalThis.__tslab__`. Defaults to `globalThis`. */
  global: Record<string, unknown>;
  /** Loads a module by absolute path. Defaults to `require`. */
  load(file: string): unknown;
}

/** What {@link detectTslab} found. */
export interface TslabModules {
  /** Internal writer module, when its `lastWriteDisplayData` slot exists. */
  jupyter: TslabJupyterModule | undefined;
  /** Public display API, when found. */
  publicApi: TslabPublicModule | undefined;
  /** Directory of the tslab package the kernel runs from, when known. */
  root: string | undefined;
}

const JUPYTER_FILE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;
const PUBLIC_FILE = /[\\/]tslab[\\/]dist[\\/]public\.js$/;
const KERNEL_BIN = /[\\/]tslab[\\/](bin[\\/]tslab|dist[\\/]main\.js)$/;

export function defaultTslabEnvironment(): TslabEnvironment {
  return {
    cache: require.cache as TslabEnvironment['cache'],
    argv: process.argv,
    global: globalThis as unknown as Record<string, unknown>,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: (file) => require(file),
  };
}

function isJupyterModule(x: unknown): x is TslabJupyterModule {
  return typeof x === 'object' && x !== null && 'lastWriteDisplayData' in x;
}

function isPublicModule(x: unknown): x is TslabPublicModule {
  return typeof x === 'object' && x !== null && typeof (x as { newDisplay?: unknown }).newDisplay === 'function';
}

function tryLoad(env: TslabEnvironment, file: string): unknown {
  try {
    return env.load(file);
  } catch {
    return undefined;
  }
}

/**
 * Finds the tslab modules of the running kernel, or reports none (plain node).
 * The kernel is recognised by its modules in the require cache (tslab loads
 * `dist/jupyter.js` itself, so this finds the kernel's copy even when trainlab sits in
 * another node_modules), by the process arguments (`tslab kernel`) and by the
 * `__tslab__` global its executor sets. A cached writer that already holds a cell's
 * writer wins over other copies.
 */
export function detectTslab(env: TslabEnvironment = defaultTslabEnvironment()): TslabModules | undefined {
  const cachedJupyter: Array<{ file: string; mod: TslabJupyterModule }> = [];
  let publicApi: TslabPublicModule | undefined;
  for (const [file, entry] of Object.entries(env.cache)) {
    const exp = entry?.exports;
    if (JUPYTER_FILE.test(file) && isJupyterModule(exp)) cachedJupyter.push({ file, mod: exp });
    else if (PUBLIC_FILE.test(file) && isPublicModule(exp)) publicApi = exp;
  }
  const bin = env.argv.find((a) => KERNEL_BIN.test(a));
  const kernelArgs = bin !== undefined && env.argv.includes('kernel');
  const hasGlobal = env.global.__tslab__ !== undefined;
  const active = cachedJupyter.find((c) => typeof c.mod.lastWriteDisplayData === 'function') ?? cachedJupyter[0];
  if (active === undefined && !kernelArgs && !hasGlobal) return undefined;

  let root = active !== undefined ? path.resolve(path.dirname(active.file), '..') : undefined;
  if (root === undefined && bin !== undefined) root = path.resolve(path.dirname(bin), '..');
  let jupyter = active?.mod;
  if (jupyter === undefined && root !== undefined) {
    const loaded = tryLoad(env, path.join(root, 'dist', 'jupyter.js'));
    if (isJupyterModule(loaded)) jupyter = loaded;
  }
  if (publicApi === undefined && root !== undefined) {
    const loaded = tryLoad(env, path.join(root, 'dist', 'public.js'));
    if (isPublicModule(loaded)) publicApi = loaded;
  }
  return { jupyter, publicApi, root };
}

function newDisplayId(): string {
  return `trainlab-${randomBytes(8).toString('hex')}`;
}

/** Best single MIME type for tslab's public API, which sends one type per call. */
function sendPublic(target: TslabPublicDisplay, bundle: MimeBundle): void {
  const html = bundle['text/html'];
  if (typeof html === 'string') {
    target.html(html);
    return;
  }
  const text = bundle['text/plain'];
  target.text(typeof text === 'string' ? text : JSON.stringify(bundle));
}

/** Error thrown when tslab is detected but neither of its display APIs can be used. */
export class DisplayError extends TrainlabError {
  /** `issues` (for option checks) say which fields the message is about; else read from the message. */
  constructor(message: string, issues?: ValidationIssue[]) {
    super(message, issues);
    this.name = 'DisplayError';
  }
}

/**
 * A {@link Display} over tslab: full bundles with display ids through the internal writer
 * (read at every call, since tslab installs a new one for every cell execution); tslab's
 * public `newDisplay()` (text/html, else text/plain) when the writer is missing.
 */
export class TslabDisplay implements Display {
  readonly inNotebook = true;
  private readonly writerIds = new WeakMap<object, number>();
  private nextExecution = 1;

  constructor(
    private readonly modules: TslabModules,
    /** Where the fallback tells cells apart: tslab replaces `process.stdout.write` per execution. */
    private readonly stdout: { write: unknown } = process.stdout,
  ) {}

  private writer(): TslabJupyterModule['lastWriteDisplayData'] {
    const w = this.modules.jupyter?.lastWriteDisplayData;
    return typeof w === 'function' ? w : null;
  }

  /** True when outputs go through tslab's internal multi-MIME writer. */
  get multiMime(): boolean {
    return this.writer() !== null;
  }

  executionId(): number {
    const key = (this.writer() ?? this.stdout.write) as unknown;
    if (typeof key !== 'function') return 0;
    let id = this.writerIds.get(key);
    if (id === undefined) {
      id = this.nextExecution++;
      this.writerIds.set(key, id);
    }
    return id;
  }

  request(): ExecuteRequestInfo | undefined {
    return kernelApi()?.request?.();
  }

  show(bundle: MimeBundle): DisplayHandle {
    const write = this.writer();
    if (write !== null) {
      const displayId = newDisplayId();
      write({ data: bundle, metadata: {}, transient: { display_id: displayId } }, false);
      return {
        update: (next: MimeBundle) => {
          // The writer of the cell running now: an update from a later cell still lands.
          const current = this.writer() ?? write;
          current({ data: next, metadata: {}, transient: { display_id: displayId } }, true);
        },
      };
    }
    const api = this.modules.publicApi;
    if (api === undefined) {
      throw new DisplayError(
        'display: tslab was detected but neither its internal writer (tslab/dist/jupyter lastWriteDisplayData) nor its public display API was found. ' +
          'Use the tslab version trainlab pins (1.0.22), or call setDisplay(...) with your own Display.',
      );
    }
    const target = api.newDisplay();
    sendPublic(target, bundle);
    return { update: (next: MimeBundle) => sendPublic(target, next) };
  }
}
