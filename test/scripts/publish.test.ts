// scripts/publish.js: how an executed notebook becomes the published one (pure part, with
// fake pictures). Drawing real PNGs in Chromium is test/browser/publish.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const publisher = require('../../scripts/publish') as {
  publishNotebook(nb: Notebook, pictures: Picture[]): Notebook;
  figuresOf(nb: Notebook): Figure[];
  sourceHash(source: string | string[]): string;
  PLOTLY_MIME: string;
};

interface Figure {
  data: unknown[];
  layout: { title?: { text: string }; height?: number };
}
interface Picture {
  png: string;
  width: number;
  height: number;
}
interface Output {
  output_type: string;
  name?: string;
  text?: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number;
  ename?: string;
}
interface Cell {
  cell_type: string;
  source: string;
  metadata: Record<string, unknown>;
  outputs?: Output[];
}
interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
}

const { PLOTLY_MIME } = publisher;
const figure = (title: string): Figure => ({ data: [{ type: 'scatter', x: [1, 2], y: [3, 4] }], layout: { title: { text: title }, height: 300 } });
const picture = (n: number): Picture => ({ png: `PNG${n}`, width: 860, height: 300 });

// What trainlab's outputs look like in an executed notebook (shapes as saved by nbclient).
const PLOTLY_COPY = '<div class="trainlab-plotly-library"></div><script>if(!window.Plotly){/** plotly.js v4.1.1 */}</script>';
const shown = (title: string, withCopy = false): Output => ({
  output_type: 'display_data',
  data: { [PLOTLY_MIME]: figure(title), 'text/html': `${withCopy ? PLOTLY_COPY : ''}<div id="c1"></div><script>T.draw("c1")</script>`, 'text/plain': `${title} (1 traces)` },
  metadata: {},
});
const live = (title: string): Output => ({
  output_type: 'display_data',
  data: { 'text/html': `<div id="c2"></div><script>(function(w,d){T.figs["c2"]=${JSON.stringify(figure(title)).replace(/</g, '\\u003c')};T.flush();T.draw("c2");})(window,document);</script>`, 'text/plain': `${title} (1 traces)` },
  metadata: {},
});
/** The hidden output that holds the page's plotly.js (or did, emptied). */
const holder = (holds: boolean): Output => ({
  output_type: 'display_data',
  data: { 'text/html': holds ? `<div class="trainlab-plotly trainlab-plotly-library" style="display:none"></div><script>if(!window.Plotly){/** plotly.js v4.1.1 */\n}</script><script>T.flush();</script>` : '<div class="trainlab-plotly" style="display:none"></div>', 'text/plain': '' },
  metadata: {},
});
const feed: Output = { output_type: 'display_data', data: { 'text/html': '', 'text/plain': '' }, metadata: {} };
const stream: Output = { output_type: 'stream', name: 'stdout', text: 'epoch 1\n' };
const progress: Output = { output_type: 'display_data', data: { 'text/html': '<progress value="3" max="3"></progress>', 'text/plain': 'Done 3/3' }, metadata: {} };
const error: Output = { output_type: 'error', ename: 'TrainingError' };
const code = (source: string, outputs: Output[]): Cell => ({ cell_type: 'code', source, metadata: { execution: { 'iopub.status.busy': '2026-12-01T10:00:00Z' }, tags: ['keep'] }, outputs });
const notebook = (...cells: Cell[]): Notebook => ({ cells: [{ cell_type: 'markdown', source: '# Title', metadata: {} }, ...cells], metadata: { kernelspec: { name: 'trainlab' } } });

interface Case {
  name: string;
  input: Notebook;
  pictures: Picture[];
  /** Per code cell: each output's mime types (or output type for streams and errors). */
  kinds?: string[][];
  error?: RegExp;
}

const CASES: Case[] = [
  {
    name: 'a shown chart keeps its Plotly JSON and text, gains the PNG and loses its HTML',
    input: notebook(code('show(fig)', [shown('A')])),
    pictures: [picture(1)],
    kinds: [[`${PLOTLY_MIME} image/png text/plain`]],
  },
  {
    name: 'a chart holding plotly.js itself (saved by an earlier trainlab) is published without the copy',
    input: notebook(code('show(a); show(b)', [shown('A', true), shown('B')])),
    pictures: [picture(1), picture(2)],
    kinds: [[`${PLOTLY_MIME} image/png text/plain`, `${PLOTLY_MIME} image/png text/plain`]],
  },
  {
    name: 'the hidden output holding plotly.js goes, and so does an emptied one',
    input: notebook(code('show(a)', [holder(true), shown('A')]), code('show(b)', [holder(false), shown('B')])),
    pictures: [picture(1), picture(2)],
    kinds: [[`${PLOTLY_MIME} image/png text/plain`], [`${PLOTLY_MIME} image/png text/plain`]],
  },
  {
    name: "a live chart's figure is read from its HTML; its empty feed output goes",
    input: notebook(code('await model.fit(x, y, {callbacks: [liveChart()]})', [live('Live training'), feed, stream])),
    pictures: [picture(1)],
    kinds: [[`${PLOTLY_MIME} image/png text/plain`, 'stream']],
  },
  {
    name: 'streams, progress, errors and cells without output stay as they are',
    input: notebook(code('train(...)', [stream, progress]), code('bad()', [error]), code('const a = 1;', [])),
    pictures: [],
    kinds: [['stream', 'text/html text/plain'], ['error'], []],
  },
  {
    name: 'an HTML output that holds plotly.js but no figure is an error, not a silent copy',
    input: notebook(code('x', [{ output_type: 'display_data', data: { 'text/html': PLOTLY_COPY, 'text/plain': '' }, metadata: {} }])),
    pictures: [],
    error: /holds plotly\.js but no figure/,
  },
  {
    name: 'fewer pictures than charts is an error',
    input: notebook(code('show(a); show(b)', [shown('A'), shown('B')])),
    pictures: [picture(1)],
    error: /1 pictures for more charts/,
  },
  {
    name: 'more pictures than charts is an error',
    input: notebook(code('show(a)', [shown('A')])),
    pictures: [picture(1), picture(2)],
    error: /2 pictures for 1 charts/,
  },
];

for (const c of CASES) {
  test(`publish: ${c.name}`, () => {
    if (c.error !== undefined) {
      assert.throws(() => publisher.publishNotebook(c.input, c.pictures), c.error);
      return;
    }
    const out = publisher.publishNotebook(c.input, c.pictures);
    const codeCells = out.cells.filter((cell) => cell.cell_type === 'code');
    const kinds = codeCells.map((cell) => (cell.outputs ?? []).map((o) => (o.data === undefined ? o.output_type : Object.keys(o.data).sort().join(' '))));
    assert.deepEqual(kinds, c.kinds);
    assert.equal(publisher.figuresOf(c.input).length, c.pictures.length, 'figuresOf counts the charts publishNotebook pictures');
    for (const cell of codeCells) {
      assert.deepEqual(cell.metadata, { tags: ['keep'], trainlab: { source: publisher.sourceHash(cell.source) } }, 'run metadata dropped, source hash added');
      for (const o of cell.outputs ?? []) {
        assert.ok(!JSON.stringify(o).includes('plotly.js v'), 'no plotly.js copy is published');
        if (o.data?.['image/png'] !== undefined) assert.deepEqual(o.metadata, { 'image/png': { width: 860, height: 300 } });
      }
    }
    assert.deepEqual(out.cells[0], c.input.cells[0], 'markdown cells unchanged');
    assert.deepEqual(out.metadata, c.input.metadata);
  });
}

test('publish: pictures go to the charts in order, with the titles intact', () => {
  const out = publisher.publishNotebook(notebook(code('a', [shown('A')]), code('b', [live('B'), shown('C')])), [picture(1), picture(2), picture(3)]);
  const charts = out.cells.flatMap((cell) => cell.outputs ?? []).filter((o) => o.data?.['image/png'] !== undefined);
  assert.deepEqual(
    charts.map((o) => [o.data!['image/png'], (o.data![PLOTLY_MIME] as Figure).layout.title?.text]),
    [['PNG1', 'A'], ['PNG2', 'B'], ['PNG3', 'C']],
  );
});

test('publish: a source hash changes with the source and not with line splitting', () => {
  assert.equal(publisher.sourceHash(['a\n', 'b']), publisher.sourceHash('a\nb'));
  assert.notEqual(publisher.sourceHash('a\nb'), publisher.sourceHash('a\nc'));
  assert.match(publisher.sourceHash(''), /^[0-9a-f]{16}$/);
});
