import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { charts, show, ChartError } from '../../src';
import { showOutput } from '../../src/charts';
import { PLOTLY_MIME } from '../../src/charts';
import { FakeDisplay, isLibraryOutput } from '../display/fake';

const fig = charts.lossCurves([{ loss: 1, val_loss: 1.5 }, { loss: 0.5, val_loss: 0.9 }]);
const hasLib = (b: Record<string, unknown>): boolean => String(b['text/html']).includes('plotly.js v');

test('show(fig) in a notebook: one output with plotly JSON, offline HTML and a text summary', () => {
  const d = new FakeDisplay();
  const r = showOutput(fig, { display: d });
  assert.equal(r.kind, 'chart');
  assert.equal(r.inNotebook, true);
  assert.equal(d.outputs.length, 1);
  assert.equal(d.all.length, 2, 'and the hidden output holding plotly.js, sent before it');
  assert.equal(hasLib(d.all[0].history[0]), true, 'the first chart of a page brings plotly.js');
  const b = d.outputs[0].history[0];
  assert.deepEqual(Object.keys(b), [PLOTLY_MIME, 'text/html', 'text/plain']);
  assert.deepEqual(b[PLOTLY_MIME], { data: fig.data, layout: fig.layout, config: fig.config });
  assert.equal(hasLib(b), false, 'the chart itself never holds it');
  assert.match(String(b['text/html']), new RegExp(`id="${r.output?.id}"`));
  assert.equal(b['text/plain'], charts.figureSummary(fig));
});

test('plotly.js is held by one hidden output, sent before the first chart of each cell run; the previous one is emptied', () => {
  const d = new FakeDisplay();
  show(fig, { display: d }); // cell 1
  show(fig, { display: d }); // cell 1 again: reuses the page's copy
  assert.deepEqual(d.all.map((o) => [isLibraryOutput(o), hasLib(o.history[0])]), [[true, true], [false, false], [false, false]]);
  assert.equal(d.log.filter((m) => m.kind === 'update').length, 0);
  d.execution = 2; // a new cell (or the same cell re-run)
  show(fig, { display: d });
  assert.deepEqual(d.current().map(hasLib), [false, false, false, true, false]);
  assert.deepEqual(d.log.slice(-3).map((m) => [m.kind, m.id]), [['show', 3], ['update', 0], ['show', 4]], 'new holder first, then the old one emptied, then the chart');
  assert.deepEqual(d.outputs.map((o) => o.history.length), [1, 1, 1], 'no chart output is re-sent');
  assert.deepEqual(Object.keys(d.outputs[0].history[0]), [PLOTLY_MIME, 'text/html', 'text/plain']);
});

test('a display without executionId carries the library once', () => {
  const d = new FakeDisplay();
  const plain = { inNotebook: true, show: d.show.bind(d) };
  show(fig, { display: plain });
  show(fig, { display: plain });
  assert.deepEqual(d.all.map((o) => hasLib(o.history[0])), [true, false, false]);
});

test('show(fig) outside a notebook writes a standalone HTML file and prints its path', () => {
  const out: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-show-'));
  const d = { inNotebook: false, show: (b: Record<string, unknown>) => { out.push(String(b['text/plain'])); return { update() {} }; } };
  const r = showOutput(charts.timingBars({ a: 1 }, { title: 'My / timings' }), { display: d, outDir: dir });
  assert.equal(r.inNotebook, false);
  assert.ok(r.file !== undefined && r.file.startsWith(dir) && /my-timings-.*\.html$/.test(path.basename(r.file)), r.file);
  const html = fs.readFileSync(r.file, 'utf8');
  assert.ok(html.startsWith('<!DOCTYPE html>') && html.includes('plotly.js v'));
  assert.equal(out.length, 1);
  assert.ok(out[0].endsWith(`Chart written to ${r.file}`), out[0]);
  fs.rmSync(dir, { recursive: true });
});

test('show(rows) and show(DataFrame-like): escaped HTML table and a text table', () => {
  const evil = '</script><img src=x onerror=alert(1)>';
  const d = new FakeDisplay();
  show([{ run: evil, loss: 0.123456789 }, { run: 'b', loss: 2 }], { display: d });
  const b = d.outputs[0].history[0];
  assert.deepEqual(Object.keys(b), ['text/html', 'text/plain']);
  const html = String(b['text/html']);
  assert.ok(!html.includes('<img') && !html.includes('</script'), html);
  assert.ok(html.includes('<td style="text-align:left">&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</td>'), html);
  assert.ok(html.includes('<td style="text-align:right">0.12346</td>'));
  assert.equal(b['text/plain'], ['   run                                       loss', `0  ${evil}  0.12346`, '1  b                                            2', '2 rows × 2 columns'].join('\n'));
  show({ columns: ['a'], values: [[1], [2], [3]], index: ['x', 'y', 'z'] }, { display: d, maxRows: 2 });
  const t = String(d.outputs[1].history[0]['text/plain']);
  assert.equal(t, ['   a', 'x  1', '…  …', 'z  3', '3 rows × 1 column'].join('\n'));
  const text = new FakeDisplay(false);
  show([{ a: 1 }], { display: text });
  assert.deepEqual(Object.keys(text.outputs[0].history[0]), ['text/plain']);
});

test('show returns nothing (a cell ending in show(...) prints no extra value)', () => {
  assert.equal(show(fig, { display: new FakeDisplay() }), undefined);
});

test('show rejects bad table options', () => {
  for (const maxRows of [0, 1, 2.5, Number.NaN]) {
    assert.throws(() => show([{ a: 1 }], { display: new FakeDisplay(), maxRows }), (e: unknown) => e instanceof ChartError && /maxRows must be a whole number >= 2/.test(e.message), String(maxRows));
  }
});

test('show rejects what it cannot display', () => {
  for (const bad of [42, 'x', null, { data: 'nope' }, [1, 2]]) {
    assert.throws(() => show(bad as never, { display: new FakeDisplay() }), (e: unknown) => e instanceof ChartError && /show: expected/.test(e.message), String(bad));
  }
});

test('show(danfojs DataFrame) renders its index, columns and escaped cells', async () => {
  const dfd = await import('danfojs-node');
  const df = new dfd.DataFrame([{ lr: 0.1, run: '<b>x</b>' }, { lr: 0.01, run: 'y' }]);
  const d = new FakeDisplay();
  show(df as never, { display: d });
  const b = d.outputs[0].history[0];
  assert.equal(b['text/plain'], ['     lr  run', '0   0.1  <b>x</b>', '1  0.01  y', '2 rows × 2 columns'].join('\n'));
  assert.ok(String(b['text/html']).includes('<td style="text-align:left">&lt;b&gt;x&lt;/b&gt;</td>'));
});
