/**
 * Errors as Jupyter shows them: `ename` (the error's class), `evalue` (its message) and a
 * traceback of the cell's own frames with the cell's line numbers, IPython-style; the
 * frames of node:vm, tslab, the kernel and libraries are left out.
 */
import * as util from 'util';
import { cellLine, type CellDiagnostic, type CellRecord } from './executor';

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

/** `at name (file:line:col)` or `at file:line:col`. */
const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

export interface Frame {
  fn: string | undefined;
  file: string;
  line: number;
  column: number;
}

export function parseStack(stack: string): Frame[] {
  const frames: Frame[] = [];
  for (const text of stack.split('\n')) {
    const m = FRAME.exec(text);
    if (m === null) continue;
    frames.push({ fn: m[1], file: m[2], line: Number(m[3]), column: Number(m[4]) });
  }
  return frames;
}

/** The error's class name as a person would look it up: `ConfigError`, `TypeError`, … */
export function errorName(error: unknown): string {
  if (error instanceof Error) {
    if (error.name !== 'Error' && error.name !== '') return error.name;
    const ctor = (error as { constructor?: { name?: string } }).constructor?.name;
    return ctor !== undefined && ctor !== '' ? ctor : 'Error';
  }
  return 'Uncaught';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return `${typeof error === 'string' ? JSON.stringify(error) : util.inspect(error, { depth: 2 })} (a value thrown that is not an Error)`;
}

/** Source lines around `line` (1-based), the failing one marked `---->` as IPython does. */
export function contextLines(source: string, line: number, around = 2): string[] {
  const lines = source.split('\n');
  const out: string[] = [];
  const from = Math.max(1, line - around);
  const to = Math.min(lines.length, line + around);
  const width = String(to).length;
  for (let l = from; l <= to; l++) {
    const number = String(l).padStart(width);
    out.push(l === line ? `${GREEN}---->${RESET} ${GREEN}${number}${RESET} ${lines[l - 1]}` : `      ${number} ${lines[l - 1]}`);
  }
  return out;
}

/** The Jupyter error content for an error thrown while a cell ran. */
export function formatError(error: unknown, cells: ReadonlyMap<number, CellRecord>): ErrorContent {
  const ename = errorName(error);
  const evalue = errorMessage(error);
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  const traceback: string[] = [];
  // Outermost call first, as IPython prints "most recent call last".
  const frames = parseStack(stack).reverse();
  for (const f of frames) {
    const at = cellLine(cells, f.file, f.line);
    if (at === undefined) continue;
    const where = f.fn !== undefined && f.fn !== '' && !/^(exports\.)?tsLastExpr|^<anonymous>$/.test(f.fn) ? `, in ${f.fn.replace(/^(Object|Proxy|exports)\./, '')}` : '';
    traceback.push(`${BOLD}Cell ${at.cell.label}, line ${at.line}${where}${RESET}`, ...contextLines(at.cell.source, at.line), '');
  }
  traceback.push(`${RED}${ename}${RESET}: ${evalue}`);
  return { ename, evalue, traceback };
}

/** The Jupyter error content for type errors: each with its line and column and a caret. */
export function formatDiagnostics(diagnostics: readonly CellDiagnostic[], source: string, label: string): ErrorContent {
  const first = diagnostics[0];
  const where = (d: CellDiagnostic) => `${d.fileName ?? `Cell ${label}`}, line ${d.line}, column ${d.column}`;
  const evalue = diagnostics.length === 1 ? `${where(first)}: ${first.message}` : `${diagnostics.length} errors; first at ${where(first)}: ${first.message}`;
  const lines = source.split('\n');
  const traceback: string[] = [];
  for (const d of diagnostics) {
    traceback.push(`${BOLD}${where(d)}${RESET}`);
    if (d.fileName === undefined && lines[d.line - 1] !== undefined) {
      traceback.push(`  ${lines[d.line - 1]}`, `  ${' '.repeat(d.column - 1)}${RED}^${RESET}`);
    }
    traceback.push(`${RED}TypeScript${RESET}: ${d.message}`, '');
  }
  traceback.pop();
  return { ename: 'TypeScriptError', evalue, traceback };
}

/** The one-line error output of a cell stopped by the stop button. */
export function interruptContent(): ErrorContent {
  const evalue = 'interrupted by the stop button';
  return { ename: 'KeyboardInterrupt', evalue, traceback: [`${RED}KeyboardInterrupt${RESET}: ${evalue}`] };
}
