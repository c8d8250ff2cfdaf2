/**
 * trainlab's Jupyter save hook (jupyter/trainlab_jupyter.py) on notebooks made of the outputs
 * the kernel really writes: at most one plotly.js copy after a save, one when charts need it,
 * nothing else touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { charts, show } from '../../src';
import { chartHtml, EMPTIED_HOLDER_HTML, plotlyLibraryHtml } from '../../src/charts/html';
import { FakeDisplay, isLibraryOutput } from '../display/fake';
import { ROOT } from '../helpers/notebook';

const PYTHON = process.env.TRAINLAB_PYTHON ?? 'python3';
const fig = charts.lossCurves([{ loss: 1 }, { loss: 0.5 }]);
/** Stands for the library block the hook would make (the real one is checked below). */
const MADE = '<div class="trainlab-plotly trainlab-plotly-library" style="display:none"></div><script>if(!window.Plotly){/* made */\n}</script>';

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string;
  name?: string;
  metadata?: Record<string, unknown>;
}
interface Notebook {
  cells: Array<{ cell_type: string; source: string; metadata: Record<string, unknown>; outputs?: Output[] }>;
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** Runs the hook's `normalize` (or `pre_save` on a contents model) in Python on `nb`. */
function hook(nb: Notebook | Record<string, unknown>, how: 'normalize' | 'pre_save' | 'library' = 'normalize'): { nb: Notebook; result: Record<string, unknown> } {
  const driver = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(path.join(ROOT, 'jupyter'))})`,
    'import trainlab_jupyter as t',
    'nb = json.load(sys.stdin)',
    `how = ${JSON.stringify(how)}`,
    'class Log:',
    '    def __init__(self): self.lines = []',
    '    def info(self, *a): self.lines.append(a[0] % a[1:])',
    '    def warning(self, *a): self.lines.append(a[0] % a[1:])',
    'class Manager: log = Log()',
    'if how == "normalize": result = t.normalize(nb, lambda: ' + JSON.stringify(MADE) + ')',
    'elif how == "pre_save": t.pre_save(model=nb, path="x.ipynb", contents_manager=Manager); result = {"log": Manager.log.lines}',
    'else: result = {"block": t.library_block()}',
    'json.dump({"nb": nb, "result": result}, sys.stdout)',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', driver], { input: JSON.stringify(nb), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TRAINLAB_NODE: process.execPath } });
  if (r.status !== 0) throw new Error(`the save hook failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { nb: Notebook; result: Record<string, unknown> };
}

/** Chart cells as the kernel writes them: each `show(fig)` runs as a new execution of its cell. */
function chartCells(count: number): Output[][] {
  const d = new FakeDisplay();
  const cellOf: number[] = [];
  for (let i = 0; i < count; i++) {
    d.execution = i + 1;
    const before = d.all.length;
    show(fig, { display: d });
    for (let k = before; k < d.all.length; k++) cellOf.push(i);
  }
  const cells: Output[][] = Array.from({ length: count }, () => []);
  d.current().forEach((bundle, k) => cells[cellOf[k]].push({ output_type: 'display_data', data: bundle, metadata: {} }));
  return cells;
}

const code = (outputs: Output[]): Notebook['cells'][number] => ({ cell_type: 'code', source: 'show(fig)', metadata: {}, outputs });
const notebook = (...cells: Output[][]): Notebook => ({ cells: cells.map(code), metadata: {}, nbformat: 4, nbformat_minor: 5 });
const html = (o: Output): string => [o.data?.['text/html'] ?? ''].flat().join('');
const copies = (nb: Notebook): number[] => nb.cells.flatMap((c, i) => (c.outputs ?? []).filter((o) => html(o).includes('if(!window.Plotly){')).map(() => i));

const [a, b] = chartCells(2);
const holderOf = (cell: Output[]): Output => cell.find((o) => isLibraryOutput({ id: 0, execution: 0, history: [o.data ?? {}] }))!;
const chartOf = (cell: Output[]): Output => cell.find((o) => html(o).includes('class="trainlab-chart"'))!;
const cleared: Output[] = [];
const userHtml: Output = { output_type: 'display_data', data: { 'text/html': '<p>see trainlab-plotly-library and class="trainlab-chart" in the docs</p>', 'text/plain': '' }, metadata: {} };
const oldCarrier: Output = { output_type: 'display_data', data: { 'text/html': chartHtml(fig, { id: 'trainlab-chart-old', includePlotly: true }), 'text/plain': '' }, metadata: {} };

/** `nb` with each text/html split into lines, as a saved .ipynb holds it. */
function asLines(nb: Notebook): Notebook {
  const lines = (t: string): string[] => t.split(/(?<=\n)/);
  return { ...nb, cells: nb.cells.map((c) => ({ ...c, outputs: (c.outputs ?? []).map((o) => ({ ...o, data: { ...o.data, 'text/html': lines(html(o)) } })) })) };
}

interface Case {
  name: string;
  input: Notebook;
  /** Cells holding a copy afterwards. */
  copies: number[];
  removed: number;
  inserted: boolean;
}

const CASES: Case[] = [
  { name: 'one copy, as the kernel leaves it: unchanged', input: notebook(a, b), copies: [1], removed: 0, inserted: false },
  // A holder cell pasted above the notebook's own holder (a copy from another notebook), or a page reloaded and run again.
  { name: 'two copies: the first stays, the later holder is emptied', input: notebook([holderOf(b), chartOf(b)], a, b), copies: [0], removed: 1, inserted: false },
  { name: 'a chart that holds the library itself (saved by an earlier trainlab) and a holder: the later one goes', input: notebook([oldCarrier], b), copies: [0], removed: 1, inserted: false },
  // The holder cell's output cleared after a reload: the kernel never saw it.
  { name: 'no copy but charts: one is put into the first chart', input: notebook(cleared, a, cleared), copies: [1], removed: 0, inserted: true },
  { name: 'text/html saved as a list of lines (as nbformat writes it): read the same', input: asLines(notebook([holderOf(b), chartOf(b)], a, b)), copies: [0], removed: 1, inserted: false },
  { name: 'no copy and no chart: unchanged', input: notebook([userHtml], cleared), copies: [], removed: 0, inserted: false },
];

for (const c of CASES) {
  test(`save hook: ${c.name}`, () => {
    const { nb, result } = hook(c.input);
    assert.deepEqual(copies(nb), c.copies);
    assert.deepEqual(result, { removed: c.removed, inserted: c.inserted, missing: false });
    for (const [i, cell] of nb.cells.entries()) {
      for (const [k, o] of (cell.outputs ?? []).entries()) {
        const before = c.input.cells[i].outputs![k];
        if (html(before) === html(o)) continue;
        assert.ok(html(before).includes('if(!window.Plotly){') || html(o).includes('if(!window.Plotly){'), `only outputs gaining or losing the copy change (cell ${i}, output ${k})`);
        if (isLibraryOutput({ id: 0, execution: 0, history: [before.data ?? {}] }) && !html(o).includes('if(!window.Plotly){')) assert.equal(html(o), EMPTIED_HOLDER_HTML, 'an emptied holder looks as the kernel empties it');
        assert.deepEqual({ ...o.data, 'text/html': undefined }, { ...before.data, 'text/html': undefined }, 'other MIME types untouched');
      }
    }
  });
}

test('save hook: the copy put in is the library block the kernel sends (made by trainlab\'s build)', () => {
  assert.equal(hook({}, 'library').result.block, plotlyLibraryHtml());
});

test('save hook as Jupyter calls it: normalizes notebook models, leaves other files, says what it did', () => {
  const saved = hook({ type: 'notebook', content: notebook([holderOf(b), chartOf(b)], a, b) }, 'pre_save');
  assert.deepEqual(copies((saved.nb as unknown as { content: Notebook }).content), [0]);
  assert.deepEqual(saved.result.log, ['trainlab: x.ipynb: 1 extra plotly.js copies removed']);
  const file = { type: 'file', format: 'text', content: plotlyLibraryHtml() + plotlyLibraryHtml() };
  assert.deepEqual(hook(file, 'pre_save').nb, file);
});
