// The mechanical rules of docs/tutorial-style.md, for every notebook marked second edition
// (`metadata.trainlab.edition: 2`): short cells and lines, claims instead of a report table,
// predict-then-run prompts, "What to try" with folded answers, training that shows itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, joined, type Cell } from '../helpers/notebook';

const DIR = path.join(ROOT, 'notebooks');
const MAX_CELL_LINES = 15;
const MAX_LINE = 100;
const MIN_ANSWERS = 3;

interface Notebook {
  cells: Cell[];
  metadata?: { trainlab?: { edition?: number } };
}

const notebooks = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.ipynb'))
  .sort()
  .map((name) => ({ name, nb: JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8')) as Notebook }));
const secondEdition = notebooks.filter(({ nb }) => nb.metadata?.trainlab?.edition === 2);

interface Rule {
  name: string;
  /** Problems found, empty when the notebook keeps the rule. */
  check(code: string[], markdown: string[]): string[];
}

const RULES: Rule[] = [
  {
    name: `code cells of at most ${MAX_CELL_LINES} lines`,
    check: (code) => code.filter((c) => c.trimEnd().split('\n').length > MAX_CELL_LINES).map((c) => `${c.trimEnd().split('\n').length} lines: ${c.slice(0, 50)}`),
  },
  {
    name: `code lines of at most ${MAX_LINE} characters`,
    check: (code) => code.flatMap((c) => c.split('\n')).filter((l) => l.length > MAX_LINE).map((l) => `${l.length}: ${l.slice(0, 60)}`),
  },
  {
    name: 'training shows itself (progress: false only beside a liveChart)',
    check: (code) => code.filter((c) => /progress:\s*false/.test(c) && !/liveChart\(/.test(c)).map((c) => c.slice(0, 60)),
  },
  { name: 'no final report(...) table', check: (code) => code.filter((c) => /\breport\(/.test(c)).map((c) => c.slice(0, 60)) },
  { name: 'results stated with claim(...)', check: (code) => (code.some((c) => /\bclaim\(/.test(c)) ? [] : ['no claim(...) call']) },
  { name: 'predict-then-run prompts', check: (_code, md) => (md.some((m) => m.trimStart().startsWith('**Predict first.**')) ? [] : ['no markdown cell starting with **Predict first.**']) },
  {
    name: `"What to try" with at least ${MIN_ANSWERS} folded answers`,
    check: (_code, md) => {
      const at = md.findIndex((m) => /^##\s+What to try/m.test(m));
      if (at < 0) return ['no "## What to try" section'];
      const answers = md.slice(at).join('\n').match(/<details>/g)?.length ?? 0;
      return answers >= MIN_ANSWERS ? [] : [`${answers} <details> answers`];
    },
  },
];

for (const { name, nb } of secondEdition) {
  const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => joined(c.source));
  const markdown = nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => joined(c.source));
  for (const rule of RULES) {
    test(`${name}: ${rule.name}`, () => {
      assert.deepEqual(rule.check(code, markdown), []);
    });
  }
}

test('the quickstart explains tf.tidy and dispose once', () => {
  const quickstart = notebooks.find(({ name }) => name.startsWith('00-'));
  assert.ok(quickstart !== undefined, 'no 00-quickstart notebook');
  const markdown = quickstart.nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => joined(c.source)).join('\n');
  assert.match(markdown, /tf\.tidy/);
  assert.match(markdown, /dispose/);
});

test('at least three tutorials have a charts.slider figure over precomputed runs', () => {
  const withSlider = notebooks.filter(({ nb }) => nb.cells.some((c) => c.cell_type === 'code' && /\bcharts\.slider\(/.test(joined(c.source)))).map(({ name }) => name);
  assert.ok(withSlider.length >= 3, `sliders in: ${withSlider.join(', ') || 'none'}`);
});

test('every tutorial is second edition', () => {
  assert.deepEqual(notebooks.filter(({ nb }) => nb.metadata?.trainlab?.edition !== 2).map(({ name }) => name), []);
});
