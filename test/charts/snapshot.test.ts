/**
 * trainlab's page extension (jupyter/labextension): a drawn chart's picture goes into its
 * saved HTML in front of the placeholder line; and the committed build is the source's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSnapshots, chartIds, withSnapshot, type Snapshot } from '../../jupyter/labextension/src/snapshot';
import { charts } from '../../src';
import { chartHtml, plotlyLibraryHtml } from '../../src/charts/html';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require('../../scripts/labextension') as { sourceHash(): string; builtSourceHash(): string | undefined };

const fig = charts.lossCurves([{ loss: 1 }, { loss: 0.5 }], { title: '</div><b>x</b>' });
const snap = (png: string): Snapshot => ({ png, width: 860.4, height: 450 });
const img = (png: string): string => `<img class="trainlab-snapshot" src="data:image/png;base64,${png}" width="860" height="450"`;
const a = chartHtml(fig, { id: 'trainlab-chart-aaaa', includePlotly: false });
const b = chartHtml(fig, { id: 'trainlab-chart-bbbb', includePlotly: false });
/** The chart's opening tag, then its placeholder line (as html.ts writes it). */
const opening = (html: string): string => html.slice(0, html.indexOf('>') + 1);

test('withSnapshot: the picture goes right inside the chart element, before its placeholder line; a second picture replaces the first', () => {
  const once = withSnapshot(a, 'trainlab-chart-aaaa', snap('AAA'));
  assert.ok(once.startsWith(opening(a) + img('AAA')), once.slice(0, 300));
  assert.ok(once.includes('trust the notebook'), 'the line saying how to trust it stays');
  assert.equal(once.replace(/<img class="trainlab-snapshot"[^>]*>/, ''), a, 'nothing else changes');
  const twice = withSnapshot(once, 'trainlab-chart-aaaa', snap('BBB'));
  assert.equal(twice, withSnapshot(a, 'trainlab-chart-aaaa', snap('BBB')));
  assert.equal(withSnapshot(a, 'trainlab-chart-zzzz', snap('AAA')), a, 'another chart: unchanged');
  assert.equal(withSnapshot(a, 'trainlab-chart-a.*', snap('AAA')), a, 'the id is matched literally');
});

test('chartIds: every chart of an output, in order (a library block in front changes nothing)', () => {
  assert.deepEqual(chartIds(plotlyLibraryHtml().slice(0, 200) + a + b), ['trainlab-chart-aaaa', 'trainlab-chart-bbbb']);
  assert.deepEqual(chartIds('<div class="trainlab-table"></div>'), []);
});

test('addSnapshots: pictures go into the chart outputs they belong to; other outputs, cells and MIME types stay as they were', () => {
  const chart = (html: string | string[]) => ({ output_type: 'display_data', data: { 'text/html': html, 'text/plain': 'summary' } });
  const nb = {
    cells: [
      { cell_type: 'markdown', source: a },
      { cell_type: 'code', outputs: [{ output_type: 'stream', text: a }, chart([a.slice(0, 50), a.slice(50)]), { output_type: 'execute_result', data: { 'text/html': b } }] },
      { cell_type: 'code', outputs: [chart('<p>not a chart</p>')] },
    ],
  };
  const before = JSON.parse(JSON.stringify(nb)) as typeof nb;
  const changed = addSnapshots(nb, new Map([['trainlab-chart-aaaa', snap('AAA')], ['trainlab-chart-gone', snap('ZZZ')]]));
  assert.equal(changed, 1);
  assert.equal(nb.cells[1].outputs![1].data!['text/html'], withSnapshot(a, 'trainlab-chart-aaaa', snap('AAA')), 'lines joined, picture in');
  assert.equal(nb.cells[1].outputs![1].data!['text/plain'], 'summary');
  nb.cells[1].outputs![1] = before.cells[1].outputs![1];
  assert.deepEqual(nb, before, 'nothing else changed');
});

test('the committed build of the page extension is built from its current source (node scripts/labextension.js rebuilds it)', () => {
  assert.equal(build.builtSourceHash(), build.sourceHash());
});
