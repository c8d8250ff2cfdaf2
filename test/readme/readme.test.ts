// README.md's TypeScript examples are true: every ```ts / ```typescript block type-checks
// the way a notebook cell would, and the quick ones run.
//
// Rules (keep README and this file in step):
// - Each block is one notebook cell, checked on its own: it must import what it uses and
//   define its own data and model. The one thing every block may assume is the notebook's
//   first cell from "Using trainlab in a notebook" (`await useBackend()`), which README says
//   to run first; runs get it as a prelude.
// - Type-checking uses tslab's own TypeScript (node_modules/@tslab/typescript-for-tslab, 5.0)
//   with tslab's converter options (module esnext, target/lib es2022, node10 resolution,
//   esModuleInterop, skipLibCheck) plus `strict`, against dist/index.d.ts through
//   `import ... from "trainlab"` (node_modules/trainlab links to this checkout; `npm test`
//   builds first). Top-level await is allowed, as in a cell.
// - An HTML comment on the line before a block (blank lines between are fine) changes what
//   is done with it:
//     <!-- readme-test: run -->             also execute it (tsx, cpu backend, a fresh
//                                            temporary working directory); it must not throw.
//     <!-- readme-test: throws ConfigError --> execute it; it must throw that error, with the
//                                            message its `// ConfigError: ...` comment shows
//                                            (`...` in the comment stands for text left out).
//     <!-- readme-test: skip -->            not checked at all. Only for fragments such as a
//                                            type signature; never to hide a broken example.
//   Blocks without a comment are type-checked only (e.g. they read files the reader has).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { pathToFileURL } from 'url';
import { ROOT, extractBlocks, typeCheck, toScript, expectedThrow, THREW, type ReadmeBlock } from './blocks';

const README = path.join(ROOT, 'README.md');
const TSX = pathToFileURL(require.resolve('tsx')).href;
/** The notebook's first cell, as README's "Using trainlab in a notebook" shows it. */
const PRELUDE = `await require('trainlab').useBackend();`;
/** Per process, inside the repository so that "trainlab" resolves to this checkout. */
const WORK = path.join(ROOT, 'build', `readme-test-${process.pid}`);

function readmeBlocks(): ReadmeBlock[] {
  return extractBlocks(fs.readFileSync(README, 'utf8'));
}

function where(block: ReadmeBlock): string {
  return `README.md:${block.line} (${block.section})`;
}

test('extractBlocks: ts/typescript fences only, with 1-based line, section and marker', () => {
  const md = [
    '# t', //                                 1
    '## One', //                              2
    '```ts', //                               3
    'a;', //                                  4
    '```', //                                 5
    '```sh', //                               6
    'npm test', //                            7
    '```', //                                 8
    '### Sub', //                             9
    '<!-- readme-test: run -->', //          10
    '', //                                   11
    '```typescript', //                      12
    'b;', //                                 13
    'c;', //                                 14
    '```', //                                15
    '## Two', //                             16
    '<!-- readme-test: throws ConfigError -->', // 17
    '```ts', //                              18
    '// ## not a heading', //                19
    '```', //                                20
    '<!-- readme-test: skip -->', //         21
    '```ts', //                              22
    'd;', //                                 23
    '```', //                                24
  ].join('\n');
  const cases: Array<[number, Partial<ReadmeBlock>]> = [
    [0, { line: 4, section: 'One', code: 'a;', marker: 'check' }],
    [1, { line: 13, section: 'One / Sub', code: 'b;\nc;', marker: 'run' }],
    [2, { line: 19, section: 'Two', code: '// ## not a heading', marker: { throws: 'ConfigError' } }],
    [3, { line: 23, section: 'Two', code: 'd;', marker: 'skip' }],
  ];
  const blocks = extractBlocks(md);
  assert.equal(blocks.length, cases.length);
  for (const [i, expected] of cases) assert.deepEqual(blocks[i], expected, `block ${i}`);
});

test('extractBlocks: an unknown marker or an unclosed fence is an error naming the line', () => {
  const cases: Array<[string, RegExp]> = [
    ['x\n<!-- readme-test: runn -->\n```ts\na;\n```', /README\.md:2: unknown marker "readme-test: runn"; use skip, run or throws <ErrorName>/],
    ['x\n```ts\na;\n', /README\.md:2: code fence never closed/],
  ];
  for (const [md, message] of cases) assert.throws(() => extractBlocks(md), message);
});

test('expectedThrow: the // Name: comment lines, with ... as a wildcard', () => {
  const block = (code: string): ReadmeBlock => ({ line: 1, section: 's', code, marker: { throws: 'ConfigError' } });
  const cases: Array<[string, string, boolean]> = [
    ['f();\n// ConfigError: f: 2 problems:\n//   - a ... b', 'f: 2 problems:\n  - a is x and b', true],
    ['f();\n// ConfigError: f: 2 problems:\n//   - a ... b', 'f: 2 problems:\n  - a is x and c', false],
    ['f();\n// ConfigError: f (1)', 'f (1)', true],
    ['f();\n// ConfigError: f (1)', 'f (1) and more', false],
  ];
  for (const [code, message, matches] of cases) assert.equal(expectedThrow(block(code), 'ConfigError').test(message), matches, `${code} vs ${message}`);
  assert.throws(() => expectedThrow(block('f();'), 'ConfigError'), /README\.md:1: a 'throws ConfigError' block needs a comment "\/\/ ConfigError: <message>"/);
});

test('the checker reports a wrong example at its README line', () => {
  const bad: ReadmeBlock = { line: 100, section: 'x', marker: 'check', code: "import { defineConfig } from 'trainlab';\n\ndefineConfig({ optimizer: 'adamm' });" };
  const diagnostics = typeCheck([bad], path.join(WORK, 'sanity'));
  assert.equal(diagnostics.length, 1, diagnostics.map((d) => d.text).join('\n'));
  assert.match(diagnostics[0].text, /^README\.md:102:16 TS\d+: Type '"adamm"' is not assignable/);
});

test('every TypeScript block in README.md type-checks with tslab\'s TypeScript against dist/index.d.ts', () => {
  const blocks = readmeBlocks();
  assert.ok(blocks.length >= 12, `only ${blocks.length} ts blocks found in README.md`);
  const checked = blocks.filter((b) => b.marker !== 'skip');
  const diagnostics = typeCheck(checked, path.join(WORK, 'check'));
  assert.deepEqual(diagnostics.map((d) => `${d.text}\n    in ${d.block.section}`), []);
});

function run(file: string, cwd: string): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, file], {
      cwd,
      env: { ...process.env, TRAINLAB_BACKEND: 'cpu' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out, err }));
  });
}

const runnable = readmeBlocks().filter((b) => b.marker === 'run' || typeof b.marker === 'object');

test('README marks the quick examples to run', () => {
  assert.ok(runnable.length >= 8, `only ${runnable.length} blocks are marked run/throws`);
});

for (const block of runnable) {
  test(`runs: ${where(block)}`, async () => {
    const dir = path.join(WORK, 'run');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `line${block.line}.ts`);
    fs.writeFileSync(file, toScript(block, PRELUDE));
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-readme-'));
    try {
      const r = await run(file, cwd);
      const threw = r.err.split('\n').find((l) => l.startsWith(THREW));
      if (block.marker === 'run') {
        assert.equal(r.status, 0, `${where(block)} failed:\n${r.err.slice(-3000)}`);
        return;
      }
      const { throws } = block.marker as { throws: string };
      assert.ok(threw, `${where(block)} should throw ${throws} but exited with ${r.status}:\n${r.err.slice(-2000)}`);
      const error = JSON.parse(threw.slice(THREW.length)) as { name: string; message: string };
      assert.equal(error.name, throws);
      assert.match(error.message, expectedThrow(block, throws));
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
}

test.after(() => fs.rmSync(WORK, { recursive: true, force: true }));
