/**
 * Runs cells: tslab's converter type-checks and rewrites each cell (earlier cells'
 * declarations become `exports.*`), the kernel runs the JavaScript, keeps the last
 * expression's value, and reports errors and interrupts as data for the Jupyter layer.
 */
import Module from 'module';
import * as path from 'path';
import * as vm from 'vm';
import { cellLineOf, endsWithSemicolon, lineAndColumn, originalOffset, prepareSource, type PreparedSource } from './source';
import type { Fallback } from './resolve';
import type { Diagnostic, Tslab } from './tslab';

/** A type error, placed in the user's own text (1-based line and column). */
export interface CellDiagnostic {
  line: number;
  column: number;
  message: string;
  /** Set when the error is in another file (a local module the cell imports). */
  fileName?: string;
}

export type CellOutcome =
  | { kind: 'ok'; hasValue: boolean; value?: unknown }
  | { kind: 'error'; error: unknown }
  | { kind: 'diagnostics'; diagnostics: CellDiagnostic[] }
  | { kind: 'interrupted' };

/** Thrown into a running cell by the stop button (IPython's KeyboardInterrupt). */
export class KeyboardInterrupt extends Error {
  override name = 'KeyboardInterrupt';
  constructor() {
    super('interrupted by the stop button');
  }
}

/** A cell the kernel has run, kept to trace errors back to its lines. */
export interface CellRecord {
  /** What the user typed. */
  source: string;
  /** The JavaScript that ran (with line markers). */
  emitted: string;
  /** The label IPython-style tracebacks use: `In[3]`. */
  label: string;
}

const CELL_FILE = /__trainlab_cell_(\d+)__\.js/;

export function cellFileName(id: number): string {
  return `__trainlab_cell_${id}__.js`;
}

export function cellIdOfFile(file: string): number | undefined {
  const m = CELL_FILE.exec(file);
  return m === null ? undefined : Number(m[1]);
}

export interface ExecutorOptions {
  tslab: Tslab;
  cwd: string;
  fallback: Fallback;
}

export interface Executor {
  execute(src: string, label: string): Promise<CellOutcome>;
  /** Interrupts the running cell (its await is abandoned; synchronous code breaks on SIGINT itself). */
  interrupt(): void;
  inspect(src: string, cursor: number): string | undefined;
  complete(src: string, cursor: number): { start: number; end: number; candidates: string[] };
  isComplete(src: string): { completed: boolean; indent?: string };
  cells: ReadonlyMap<number, CellRecord>;
  close(): void;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

function isSigintBreak(error: unknown): boolean {
  return error instanceof Error && /Script execution was interrupted by `SIGINT`/.test(error.message);
}

export function createExecutor(options: ExecutorOptions): Executor {
  const { tslab, cwd, fallback } = options;
  const ts = tslab.ts;
  const converter = tslab.createConverter({ isJS: false, isBrowser: false });
  const cells = new Map<number, CellRecord>();
  const exportsTarget: Record<string, unknown> = {};
  // TypeScript writes named imports with defineProperty; keep them plain, re-assignable values.
  const exportsProxy = new Proxy(exportsTarget, {
    defineProperty: (_t, prop, attrs) => {
      if (prop === '__esModule') return true;
      exportsTarget[prop as string] = attrs.get ? attrs.get() : attrs.value;
      return true;
    },
  });
  const sideOutputs = new Map<string, string>();
  const sideModules = new Map<string, NodeModule>();
  const baseRequire = Module.createRequire(path.join(cwd, 'src.js'));
  const cellRequire = wrapRequire(fallback.wrapRequire(baseRequire), cwd);
  vm.runInThisContext('(x) => { globalThis.__tslab__ = x; }')({ exports: exportsProxy, require: cellRequire });

  let prevDecl = '';
  let nextId = 1;
  let rejectRunning: ((e: unknown) => void) | undefined;

  function wrapRequire(req: (id: string) => unknown, dirname: string): (id: string) => unknown {
    return (id: string) => {
      if (id === 'tslab') return tslab.publicModule;
      let filename = path.resolve(dirname, id);
      if (path.extname(filename) === '') filename += '.js';
      const cached = sideModules.get(filename);
      if (cached !== undefined) return cached.exports;
      const code = sideOutputs.get(filename);
      if (code === undefined) return req(id);
      const mod = new Module(filename, module) as NodeModule & { _compile(code: string, file: string): void; paths: string[] };
      mod.filename = filename;
      mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(filename));
      const own = wrapRequire(fallback.wrapRequire(Module.createRequire(filename)), path.dirname(filename));
      (mod as unknown as { require: unknown }).require = Object.assign(own, { resolve: require.resolve });
      mod._compile(code, filename);
      sideModules.set(filename, mod);
      return mod.exports;
    };
  }

  function toCellDiagnostics(prepared: PreparedSource, src: string, diagnostics: readonly Diagnostic[]): CellDiagnostic[] {
    return diagnostics.map((d) => {
      if (d.fileName !== undefined) return { line: d.start.line + 1, column: d.start.character + 1, message: d.messageText, fileName: d.fileName };
      const pos = lineAndColumn(src, originalOffset(prepared, d.start.offset));
      return { line: pos.line + 1, column: pos.column + 1, message: d.messageText };
    });
  }

  async function runModuleCell(src: string, name: string): Promise<CellOutcome> {
    const diags = converter.addModule(name, src, tslab.getCodeMetadata(src));
    if (diags.length > 0) {
      return { kind: 'diagnostics', diagnostics: diags.map((d) => ({ line: d.start.line + 1, column: d.start.character + 1, message: d.messageText, fileName: d.fileName })) };
    }
    return { kind: 'ok', hasValue: false };
  }

  async function execute(src: string, label: string): Promise<CellOutcome> {
    const meta = tslab.getCodeMetadata(src);
    if (meta.module !== undefined) return runModuleCell(src, meta.module);
    if (meta.mode === 'browser') {
      return { kind: 'error', error: new Error("browser cells (/** @browser */) are not supported by the trainlab kernel; remove the tag to run the cell in Node.js") };
    }
    const prepared = prepareSource(ts, src, new Set(Object.keys(exportsTarget)));
    const converted = converter.convert(prevDecl, prepared.code);
    for (const out of converted.sideOutputs ?? []) {
      sideModules.delete(out.path);
      sideOutputs.set(out.path, out.data);
    }
    if (converted.diagnostics.length > 0) return { kind: 'diagnostics', diagnostics: toCellDiagnostics(prepared, src, converted.diagnostics) };
    if (converted.output === undefined || converted.output === '') {
      prevDecl = converted.declOutput ?? '';
      return { kind: 'ok', hasValue: false };
    }
    const id = nextId++;
    const emitted = converted.output;
    cells.set(id, { source: src, emitted, label });
    // One line: stack frames keep the emitted line numbers the markers are read from.
    const wrapped = (converted.hasToplevelAwait ? '(async function(exports, require) { ' : '(function(exports, require) { ') + emitted + '\n})(__tslab__.exports, __tslab__.require)';
    const interrupted = new Promise<never>((_, reject) => {
      rejectRunning = reject;
    });
    interrupted.catch(() => undefined);
    try {
      let ret: unknown = vm.runInThisContext(wrapped, { filename: cellFileName(id), breakOnSigint: true });
      if (converted.hasToplevelAwait) await Promise.race([ret as Promise<unknown>, interrupted]);
      prevDecl = converted.declOutput ?? '';
      const last = converted.lastExpressionVar;
      if (last === undefined || !(last in exportsTarget)) return { kind: 'ok', hasValue: false };
      ret = exportsTarget[last];
      delete exportsTarget[last];
      if (isThenable(ret)) ret = await Promise.race([ret, interrupted]);
      if (ret === undefined || endsWithSemicolon(ts, src)) return { kind: 'ok', hasValue: false };
      return { kind: 'ok', hasValue: true, value: ret };
    } catch (error) {
      // Declarations that ran before the error stay usable in later cells.
      prevDecl = converted.declOutput ?? prevDecl;
      if (error instanceof KeyboardInterrupt || isSigintBreak(error)) return { kind: 'interrupted' };
      return { kind: 'error', error };
    } finally {
      rejectRunning = undefined;
    }
  }

  return {
    execute,
    interrupt() {
      rejectRunning?.(new KeyboardInterrupt());
    },
    inspect(src, cursor) {
      const info = converter.inspect(prevDecl, src, cursor);
      return info === undefined || info === null ? undefined : tslab.printQuickInfo(info);
    },
    complete(src, cursor) {
      return converter.complete(prevDecl, src, cursor);
    },
    isComplete(src) {
      return tslab.isCompleteCode(src);
    },
    cells,
    close() {
      converter.close();
    },
  };
}

/** The cell line a stack frame at emitted `line` points to, if the frame is in a cell. */
export function cellLine(cells: ReadonlyMap<number, CellRecord>, file: string, line: number): { cell: CellRecord; line: number } | undefined {
  const id = cellIdOfFile(file);
  if (id === undefined) return undefined;
  const cell = cells.get(id);
  if (cell === undefined) return undefined;
  const mapped = cellLineOf(cell.emitted, line);
  return mapped === undefined ? undefined : { cell, line: mapped };
}
