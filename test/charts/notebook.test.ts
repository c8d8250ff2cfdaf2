import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, runNotebook, outputsOf, stdoutOf, joined, type Output } from '../helpers/notebook';

const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
const html = (o: Output): string => joined(o.data?.['text/html'] as string | string[] | undefined);

test('charts-demo notebook: chart bundles, one plotly.js copy, live chart ended as the final figure, under 6 MB', async () => {
  const nb = await runNotebook(path.join(ROOT, 'test', 'fixtures', 'notebooks', 'charts-demo.ipynb'), { outDir: path.join(ROOT, 'build', 'test-notebooks', 'charts') });
  const outputs = outputsOf(nb);
  assert.equal(outputs.filter((o) => o.output_type === 'error').length, 0);
  assert.equal(outputs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').length, 0, 'nothing on stderr');

  const charts = outputs.filter((o) => o.output_type === 'display_data' && /^<div id="trainlab-chart-/.test(html(o)));
  const cellOf = (o: Output): number => nb.cells.findIndex((c) => (c.outputs ?? []).includes(o));
  assert.equal(charts.length, 8, 'compareRuns, the live chart, and six charts in the last cell');
  const liveChart = charts.find((c) => cellOf(c) === 3);
  for (const c of charts) {
    // The live chart keeps the MIME types it was drawn with while training (the same renderer to the end).
    const expected = c === liveChart ? ['text/html', 'text/plain'] : [PLOTLY_MIME, 'text/html', 'text/plain'];
    assert.deepEqual(Object.keys(c.data ?? {}).sort(), expected.sort());
    assert.match(html(c), /^<div id="trainlab-chart-[0-9a-f]{12}" class="trainlab-chart"/);
    assert.ok(!/<img src=x/.test(html(c)), 'user text never becomes a tag');
  }
  const carriers = outputs.filter((o) => html(o).includes('plotly.js v'));
  assert.equal(carriers.length, 1, 'plotly.js is in the notebook exactly once');
  assert.equal(cellOf(carriers[0]), 4, 'held in the chart cell run last (earlier holders were emptied in place)');
  assert.equal(carriers[0], nb.cells[4].outputs?.find((o) => o.output_type === 'display_data'), 'by the hidden output sent before its first chart');
  assert.ok(!charts.some((c) => html(c).includes('plotly.js v')), 'no chart output holds it');

  // The live chart cell: its emptied plotly.js holder, the chart (final figure after its last update) and the emptied updater.
  const liveCell = nb.cells[3].outputs ?? [];
  const displays = liveCell.filter((o) => o.output_type === 'display_data' && html(o) !== '<div class="trainlab-plotly" style="display:none"></div>');
  assert.equal(displays.length, 2);
  const drawn = html(displays[0]);
  const start = drawn.lastIndexOf(']={"data"') + 2;
  const fig = JSON.parse(drawn.slice(start, drawn.indexOf(';T.', start))) as { data: Array<{ name: string; x: number[] }>; layout: { title: { text: string } } };
  assert.equal(fig.layout.title.text, 'Live training');
  assert.deepEqual(fig.data.map((t) => t.name), ['loss', 'val_loss', 'mae', 'val_mae', 'best val_loss']);
  assert.equal(fig.data[0].x.length, 20);
  assert.deepEqual([html(displays[1]), joined(displays[1].data?.['text/plain'] as string[])], ['', ''], 'updater emptied');
  const updates = /live updates: (\d+), epochs: 20/.exec(stdoutOf(nb));
  assert.ok(updates !== null && Number(updates[1]) >= 3, `live updates line: ${stdoutOf(nb)}`);

  assert.match(stdoutOf(nb), /^display: inNotebook=true, multiMime=true$/m, 'getDisplay() found the kernel and its multi-MIME writer');

  const table = nb.cells[2].outputs?.find((o) => html(o).startsWith('<div class="trainlab-table"'));
  assert.ok(table !== undefined);
  assert.ok(html(table).includes('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(!/<img/.test(html(table)));

  const size = fs.statSync(nb.ipynbPath).size;
  assert.ok(size < 6 * 1024 * 1024, `executed notebook is ${size} bytes`);
});
