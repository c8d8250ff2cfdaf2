/**
 * What the kernel does to a cell's TypeScript before tslab's converter sees it, and the
 * maps back: object shorthand expanded (tslab's rewrite of earlier cells' names skips
 * shorthand properties), and a line marker at the end of every line so that a stack frame
 * in the emitted JavaScript can be traced back to the cell's own line.
 */
import type * as TS from 'typescript';

/** An insertion made into the cell's text: `length` characters at `offset` of the original. */
interface Insertion {
  offset: number;
  length: number;
}

/** The rewritten cell and how to map positions back to what the user typed. */
export interface PreparedSource {
  code: string;
  insertions: readonly Insertion[];
}

const MARKER = /\/\*tl:(\d+)\*\//g;

function marker(line: number): string {
  return `/*tl:${line}*/`;
}

function tokensOf(ts: typeof TS, file: TS.SourceFile): TS.Node[] {
  const out: TS.Node[] = [];
  const visit = (node: TS.Node): void => {
    const children = node.getChildren(file);
    if (children.length === 0) {
      if (node.kind !== ts.SyntaxKind.EndOfFileToken) out.push(node);
      return;
    }
    for (const c of children) visit(c);
  };
  visit(file);
  return out;
}

/**
 * Expands `{ x }` to `{ x: x }` for names in `earlier` (declared by earlier cells) and
 * appends a line marker after the last token of every line that ends outside a string,
 * template or comment. Neither changes what the code means or where its lines are.
 */
export function prepareSource(ts: typeof TS, src: string, earlier: ReadonlySet<string>): PreparedSource {
  const file = ts.createSourceFile('cell.ts', src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: Array<{ offset: number; text: string }> = [];
  const visit = (node: TS.Node): void => {
    if (ts.isShorthandPropertyAssignment(node) && earlier.has(node.name.text)) {
      edits.push({ offset: node.name.getEnd(), text: `: ${node.name.text}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  const tokens = tokensOf(ts, file);
  for (let i = 0; i < tokens.length; i++) {
    const end = tokens[i].getEnd();
    const line = file.getLineAndCharacterOfPosition(end).line;
    const next = tokens[i + 1];
    const nextLine = next === undefined ? Number.POSITIVE_INFINITY : file.getLineAndCharacterOfPosition(next.getStart(file)).line;
    if (nextLine > line && tokens[i].kind !== ts.SyntaxKind.JsxText) edits.push({ offset: end, text: marker(line + 1) });
  }
  edits.sort((a, b) => a.offset - b.offset);
  let code = '';
  let at = 0;
  for (const e of edits) {
    code += src.slice(at, e.offset) + e.text;
    at = e.offset;
  }
  code += src.slice(at);
  return { code, insertions: edits.map((e) => ({ offset: e.offset, length: e.text.length })) };
}

/** Maps an offset in the prepared code back to the user's text. */
export function originalOffset(prepared: PreparedSource, offset: number): number {
  let shift = 0;
  for (const ins of prepared.insertions) {
    const at = ins.offset + shift;
    if (offset < at) break;
    if (offset < at + ins.length) return ins.offset; // inside an insertion: its anchor
    shift += ins.length;
  }
  return offset - shift;
}

/** Line and column (both 0-based) of an offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = (before.match(/\n/g) ?? []).length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** Offset of a 0-based line and column in `text`. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return offset + column;
}

/**
 * The cell line (1-based) that emitted JavaScript line `line` (1-based) came from, read
 * from the markers; undefined when the line is the converter's own (imports, exports).
 */
export function cellLineOf(emitted: string, line: number): number | undefined {
  const lines = emitted.split('\n');
  const own = lines[line - 1];
  if (own === undefined) return undefined;
  const first = [...own.matchAll(MARKER)][0];
  if (first !== undefined) return Number(first[1]);
  // A line without its marker (the printer moved a comment): the next marked line, less the gap.
  for (let l = line; l < lines.length; l++) {
    const m = [...lines[l].matchAll(MARKER)][0];
    if (m !== undefined) return Math.max(1, Number(m[1]) - (l + 1 - line));
  }
  return undefined;
}

/**
 * True when the cell ends in an expression statement followed by `;` (IPython's rule:
 * a trailing semicolon hides the value).
 */
export function endsWithSemicolon(ts: typeof TS, src: string): boolean {
  const file = ts.createSourceFile('cell.ts', src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const last = file.statements[file.statements.length - 1];
  if (last === undefined || !ts.isExpressionStatement(last)) return false;
  return src.slice(last.getStart(file), last.getEnd()).trimEnd().endsWith(';');
}
