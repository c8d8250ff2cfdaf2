// Extracting README's TypeScript blocks, type-checking them with tslab's TypeScript and
// turning them into runnable scripts. Used by readme.test.ts; the rules are documented there.
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
const TSLAB_TS = path.join(ROOT, 'node_modules', '@tslab', 'typescript-for-tslab');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts = require(TSLAB_TS) as typeof import('typescript');

/** What an HTML comment right before a block asks for. */
export type Marker = 'check' | 'skip' | 'run' | { throws: string };

export interface ReadmeBlock {
  /** 1-based line of the first code line (after the ``` fence) in README.md. */
  line: number;
  /** The `## ` heading the block sits under, then the `### ` heading if any. */
  section: string;
  code: string;
  marker: Marker;
}

const MARKER = /^<!--\s*readme-test:\s*(.*?)\s*-->$/;

function parseMarker(text: string, line: number): Marker {
  if (text === 'skip' || text === 'run') return text;
  const throws = /^throws ([A-Za-z]+)$/.exec(text);
  if (throws) return { throws: throws[1] };
  throw new Error(`README.md:${line}: unknown marker "readme-test: ${text}"; use skip, run or throws <ErrorName>`);
}

/** Every ```ts / ```typescript block of a Markdown text, with its section and marker. */
export function extractBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let h2 = '';
  let h3 = '';
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,})\s*(\S*)/.exec(lines[i]);
    if (!fence) {
      if (lines[i].startsWith('## ')) [h2, h3] = [lines[i].slice(3).trim(), ''];
      else if (lines[i].startsWith('### ')) h3 = lines[i].slice(4).trim();
      continue;
    }
    const close = fence[1] + fence[2];
    let end = i + 1;
    while (end < lines.length && !lines[end].startsWith(close)) end++;
    if (end === lines.length) throw new Error(`README.md:${i + 1}: code fence never closed`);
    if (fence[3] === 'ts' || fence[3] === 'typescript') {
      let j = i - 1;
      while (j >= 0 && lines[j].trim() === '') j--;
      const m = j >= 0 ? MARKER.exec(lines[j].trim()) : null;
      blocks.push({
        line: i + 2,
        section: h3 ? `${h2} / ${h3}` : h2,
        code: lines.slice(i + 1, end).join('\n'),
        marker: m ? parseMarker(m[1], j + 1) : 'check',
      });
    }
    i = end;
  }
  return blocks;
}

/** Options as close to tslab 1.0.22's converter as a plain program allows, plus `strict`. */
export const TSLAB_LIKE_OPTIONS = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  noEmit: true,
  types: ['node'],
};

export interface BlockDiagnostic {
  block: ReadmeBlock;
  /** `README.md:<line>:<col> TS<code>: <message>` */
  text: string;
}

/**
 * Type-checks each block as its own module (top-level await allowed, as in a tslab cell),
 * in one program. Files are written to `dir`, which must sit inside the repository so that
 * `import ... from "trainlab"` resolves to node_modules/trainlab → dist/index.d.ts.
 */
export function typeCheck(blocks: ReadmeBlock[], dir: string): BlockDiagnostic[] {
  fs.mkdirSync(dir, { recursive: true });
  const files = blocks.map((block, i) => {
    const file = path.join(dir, `block${String(i).padStart(2, '0')}.ts`);
    fs.writeFileSync(file, `${block.code}\nexport {};\n`);
    return file;
  });
  const program = ts.createProgram(files, TSLAB_LIKE_OPTIONS);
  const out: BlockDiagnostic[] = [];
  files.forEach((file, i) => {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`typeCheck: ${file} is not in the program`);
    for (const d of ts.getPreEmitDiagnostics(program, source)) {
      const block = blocks[i];
      let where = `README.md:${block.line}`;
      if (d.file === source && d.start !== undefined) {
        const pos = source.getLineAndCharacterOfPosition(d.start);
        where = `README.md:${block.line + pos.line}:${pos.character + 1}`;
      }
      out.push({ block, text: `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}` });
    }
  });
  return out;
}

/**
 * The block as a CommonJS-friendly script, the way tslab runs a cell: imports stay at the
 * top, the rest runs inside an async function so top-level await works. Blank lines keep
 * README line numbers in stack traces (line N of the script = README line `block.line + N - 1`).
 */
export function toScript(block: ReadmeBlock, prelude = ''): string {
  const source = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.ES2022, true);
  const lines = block.code.split('\n');
  const imports: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const from = source.getLineAndCharacterOfPosition(statement.getStart()).line;
    const to = source.getLineAndCharacterOfPosition(statement.getEnd()).line;
    imports.push(lines.slice(from, to + 1).join(' '));
    for (let l = from; l <= to; l++) lines[l] = '';
  }
  // The first line holds every import and the prelude, so README line numbers stay aligned.
  return (
    `${imports.join(' ')} (async () => { ${prelude}\n${lines.join('\n')}\n})().catch((e: unknown) => {\n` +
    `  const error = e instanceof Error ? e : new Error(String(e));\n` +
    `  console.error(error);\n` +
    `  console.error(${JSON.stringify(THREW)} + JSON.stringify({ name: error.name, message: error.message }));\n` +
    `  process.exit(1);\n});\n`
  );
}

/** Printed on stderr by a script whose block threw, followed by `{name, message}` as JSON. */
export const THREW = 'README-BLOCK-THREW ';

/** What a `throws` block's comments say the message is: `// Name: first line` and following `//` lines. */
export function expectedThrow(block: ReadmeBlock, name: string): RegExp {
  const comments = block.code.split('\n').filter((l) => l.startsWith('//')).map((l) => l.replace(/^\/\/ ?/, ''));
  const first = comments.findIndex((l) => l.startsWith(`${name}: `));
  if (first < 0) throw new Error(`README.md:${block.line}: a 'throws ${name}' block needs a comment "// ${name}: <message>"`);
  const lines = comments.slice(first);
  lines[0] = lines[0].slice(name.length + 2);
  // `...` in the README stands for text left out.
  const escaped = lines.map((l) => l.split('...').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'));
  return new RegExp(`^${escaped.join('\n')}$`);
}
