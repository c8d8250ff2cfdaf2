import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { errorOf, plain, resultOf, runCells, streamText, type CellRun, type KernelStep } from '../helpers/kernel';

const ROOT = path.resolve(__dirname, '..', '..');

interface Case {
  name: string;
  /** Cells run first (each must succeed). */
  setup?: string[];
  code: string;
  /** Expected `text/plain` of the execute_result; null: no execute_result. */
  result?: string | null;
  /** Expected stderr of the cell. */
  stderr?: RegExp;
  /** Checks on the cell's error output. */
  error?: { ename: string; evalue?: RegExp; traceback?: RegExp[]; notTraceback?: RegExp[]; lines?: number };
  stdout?: RegExp;
}

// One kernel runs every case in order: each case's setup cells, then its cell.
const cases: Case[] = [
  { name: 'a last expression is Out[n]', code: '6*7', result: '42' },
  { name: 'a trailing semicolon hides it', code: '6*7;', result: null },
  { name: 'a trailing semicolon after a comment still hides it', code: '6*7; // the answer', result: null },
  { name: 'a statement has no value', code: 'const answer = 42;', result: null },
  { name: 'undefined shows nothing', code: 'undefined', result: null },
  { name: 'null shows', code: 'null', result: 'null' },
  { name: 'strings show quoted', code: "'a' + 'b'", result: "'ab'" },
  { name: 'a Promise is awaited first', code: 'Promise.resolve(5)', result: '5' },
  { name: 'object shorthand names earlier cells', setup: ['const x = 1; const y = 2;'], code: '({ x, y })', result: '{ x: 1, y: 2 }' },
  { name: 'shorthand inside a function of a later cell', setup: ['const sx = 3;', 'const pack = () => ({ sx });'], code: 'pack()', result: '{ sx: 3 }' },
  { name: 'shorthand of an imported name', setup: ["import { setSeed } from 'trainlab';"], code: 'typeof ({ setSeed }).setSeed', result: "'function'" },
  { name: 'destructuring across cells', setup: ['const { da, db } = { da: 1, db: 2 };'], code: 'da + db', result: '3' },
  { name: 'const re-declared in a later cell', setup: ['const again = 1;', 'const again = 10;'], code: 'again', result: '10' },
  { name: 'a function used in another cell', setup: ['function sq(n: number): number {\n  return n * n;\n}'], code: 'sq(4)', result: '16' },
  { name: 'a class used in another cell', setup: ['class Point {\n  constructor(public v: number) {}\n}'], code: 'new Point(3).v', result: '3' },
  { name: 'variables before an error are kept', setup: [], code: "const kept = 7;\nthrow new Error('later');", error: { ename: 'Error', evalue: /^later$/ } },
  { name: 'kept is readable', code: 'kept', result: '7' },
  {
    name: 'an error names its class and the cell line',
    setup: ["function fails(n: number): number {\n  if (n > 1) {\n    throw new RangeError('n too big: ' + n);\n  }\n  return n;\n}"],
    code: '\n\nfails(5)',
    error: {
      ename: 'RangeError',
      evalue: /^n too big: 5$/,
      traceback: [/Cell In\[\d+\], line 3, in fails/, /----> 3 +fails\(5\)/, /----> 3 +throw new RangeError/, /RangeError: n too big: 5/],
      notTraceback: [/node:vm/, /tslab/, /dist\/kernel/, /__trainlab_cell/, /tl:\d/],
    },
  },
  {
    name: "trainlab's errors keep their class name",
    setup: ["import { defineConfig } from 'trainlab';"],
    code: 'defineConfig(JSON.parse(\'{"batchSize": 0}\'))',
    error: { ename: 'ConfigError', evalue: /batchSize must be a number ≥ 1/ },
  },
  {
    name: 'a type error is an error output with line and column',
    code: "const fine = 1;\nconst s: string = 5;",
    error: { ename: 'TypeScriptError', evalue: /line 2, column 7: Type 'number' is not assignable to type 'string'/, traceback: [/const s: string = 5;/, /\^/] },
  },
  {
    name: 'a type error after shorthand is placed in the text as typed',
    code: 'const both = { x, y }; const n: number = "no";',
    error: { ename: 'TypeScriptError', evalue: /line 1, column 30:/ },
  },
  {
    name: 'an import that cannot resolve says so',
    code: "import { nothing } from 'no-such-package';",
    error: { ename: 'TypeScriptError', evalue: /Cannot find module 'no-such-package'/ },
  },
  { name: 'a non-Error thrown', code: "throw 'plain string';", error: { ename: 'Uncaught', evalue: /"plain string"/ } },
  { name: 'prints go to the cell', code: "console.log('hello'); console.error('warn');", result: null, stdout: /^hello\n$/ },
  {
    name: 'a display method is used',
    setup: ["class Badge {\n  [Symbol.for('Jupyter.display')]() {\n    return { 'text/html': '<b>badge</b>', 'text/plain': 'Badge' };\n  }\n}"],
    code: 'new Badge()',
    result: 'Badge',
  },
  {
    name: 'a display method that throws gives the text and a one-line warning',
    setup: ["class Broken {\n  label = 'kept';\n  [Symbol.for('Jupyter.display')]() {\n    throw new Error('no bundle today');\n  }\n}"],
    code: 'new Broken()',
    result: "Broken { label: 'kept' }",
    stderr: /^trainlab kernel: could not display the value richly \(.*no bundle today.*\); showing it as text\.\n$/,
  },
  {
    name: 'a value that cannot be inspected says so',
    code: "({ [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('sealed'); } })",
    result: '<a value that cannot be inspected: sealed>',
  },
  { name: 'a tensor shows its values', setup: ["import * as tf from '@tensorflow/tfjs';"], code: 'tf.tensor([[1, 2], [3, 4]])', result: 'Tensor float32 [2, 2]\n[[1, 2],\n [3, 4]]' },
];

describe('trainlab kernel: cells, values and errors', () => {
  let runs: CellRun[] = [];
  const index: Array<{ c: Case; run: number; setups: number[] }> = [];
  before(() => {
    const steps: KernelStep[] = [];
    for (const c of cases) {
      const setups: number[] = [];
      for (const s of c.setup ?? []) {
        setups.push(steps.length);
        steps.push({ code: s, stopOnError: false });
      }
      index.push({ c, run: steps.length, setups });
      steps.push({ code: c.code, stopOnError: false });
    }
    runs = runCells(steps, path.join(ROOT, 'notebooks'));
  });

  for (const [i, c] of cases.entries()) {
    test(c.name, () => {
      const { run, setups } = index[i];
      for (const s of setups) assert.equal(runs[s].reply.status, 'ok', `setup cell failed: ${JSON.stringify(runs[s])}`);
      const r = runs[run];
      const shown = resultOf(r);
      if (c.result !== undefined) {
        assert.equal(r.reply.status, 'ok', JSON.stringify(r));
        if (c.result === null) assert.equal(shown, undefined, JSON.stringify(shown));
        else {
          assert.ok(shown, `no execute_result: ${JSON.stringify(r.outputs)}`);
          assert.equal(shown.content.data?.['text/plain'], c.result);
          assert.equal(shown.content.execution_count, r.reply.execution_count);
        }
      }
      if (c.error !== undefined) {
        const e = errorOf(r);
        assert.ok(e, `no error output: ${JSON.stringify(r.outputs)}`);
        assert.equal(r.reply.status, 'error');
        assert.equal(r.reply.ename, c.error.ename);
        assert.equal(e.content.ename, c.error.ename);
        if (c.error.evalue) assert.match(String(e.content.evalue), c.error.evalue);
        const tb = plain((e.content.traceback ?? []).join('\n'));
        for (const re of c.error.traceback ?? []) assert.match(tb, re);
        for (const re of c.error.notTraceback ?? []) assert.doesNotMatch(tb, re);
      }
      if (c.stdout) assert.match(streamText(r), c.stdout);
      if (c.stderr) assert.match(streamText(r, 'stderr'), c.stderr);
    });
  }

  test('execution counts number the cells 1, 2, 3, … as IPython does', () => {
    const counts = runs.map((r) => r.reply.execution_count);
    assert.deepEqual(counts, counts.map((_, i) => i + 1));
  });
});

describe('trainlab kernel: Run All after a failure, and the stop button outside training', () => {
  let runs: CellRun[] = [];
  before(() => {
    runs = runCells(
      [
        { code: "throw new Error('first fails');" },
        { code: "console.log('queued behind the failure');", queue: true },
        { code: "console.log('sent afterwards')" },
        { code: 'await new Promise((r) => setTimeout(r, 20000));', interruptAfter: 1 },
        { code: 'let spins = 0;\nwhile (true) { spins++; }', interruptAfter: 1 },
        { code: "'still usable'" },
      ],
      path.join(ROOT, 'notebooks'),
    );
  });

  test('a queued cell behind a failed one is aborted, a request sent later runs', () => {
    assert.equal(runs[0].reply.status, 'error');
    assert.equal(runs[1].reply.status, 'aborted');
    assert.equal(streamText(runs[1]), '');
    assert.equal(runs[2].reply.status, 'ok');
    assert.equal(streamText(runs[2]), 'sent afterwards\n');
  });

  for (const [name, i] of [['an await', 3], ['a synchronous loop', 4]] as const) {
    test(`■ during ${name} is a one-line KeyboardInterrupt`, () => {
      const r = runs[i];
      assert.equal(r.reply.status, 'error');
      const e = errorOf(r);
      assert.equal(e?.content.ename, 'KeyboardInterrupt');
      assert.deepEqual((e?.content.traceback ?? []).map(plain), ['KeyboardInterrupt: interrupted by the stop button']);
      assert.ok(r.seconds < 8, `took ${r.seconds} s`);
    });
  }

  test('the kernel is usable after the interrupts', () => {
    assert.equal(resultOf(runs[5])?.content.data?.['text/plain'], "'still usable'");
  });
});

describe('trainlab kernel: a notebook in any folder', () => {
  test('imports trainlab and @tensorflow/tfjs from the kernel, type-checked and at run time', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-anywhere-'));
    try {
      const runs = runCells(
        [
          { code: "import * as tf from '@tensorflow/tfjs';\nimport { defineConfig } from 'trainlab';\nconst lr: number = defineConfig({ learningRate: 0.5 }).learningRate;" },
          { code: 'tf.tensor([1, 2, 3]).shape.length + lr' },
        ],
        dir,
      );
      assert.equal(runs[0].reply.status, 'ok', JSON.stringify(runs[0]));
      assert.equal(resultOf(runs[1])?.content.data?.['text/plain'], '1.5');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a folder's own installed copy wins over the kernel's", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-own-'));
    try {
      const pkg = path.join(dir, 'node_modules', 'trainlab');
      fs.mkdirSync(pkg, { recursive: true });
      fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'trainlab', version: '0.0.1', main: 'index.js', types: 'index.d.ts' }));
      fs.writeFileSync(path.join(pkg, 'index.js'), "exports.marker = 'own copy';\n");
      fs.writeFileSync(path.join(pkg, 'index.d.ts'), 'export declare const marker: string;\n');
      const runs = runCells([{ code: "import { marker } from 'trainlab';\nmarker" }], dir);
      assert.equal(resultOf(runs[0])?.content.data?.['text/plain'], "'own copy'", JSON.stringify(runs[0]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
