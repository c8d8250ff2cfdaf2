import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as vm from 'node:vm';
import { charts, figureToHTML } from '../../src';
import { chartHtml, liveUpdateHtml, plotlyPath, plotlyScript, titleText } from '../../src/charts/html';

const fig = charts.lossCurves([{ loss: 1, val_loss: 2 }, { loss: 0.5, val_loss: 1 }], { title: '</script><img src=x onerror=alert(1)>' });
const plotlyMarker = 'plotly.js v';

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

test('jsonForScript escapes everything that could end a script or a JS string early', () => {
  const cases: Array<[unknown, string]> = [
    ['</script>', '"\\u003c/script\\u003e"'],
    ['<!-- x -->', '"\\u003c!-- x --\\u003e"'],
    ['a\u2028b\u2029c', '"a\\u2028b\\u2029c"'],
    [{ k: 'a&b' }, '{"k":"a\\u0026b"}'],
  ];
  for (const [value, expected] of cases) {
    const json = charts.jsonForScript(value);
    assert.equal(json, expected);
    assert.deepEqual(JSON.parse(json), value, 'still the same JSON');
  }
});

test('escapeHtml and plotlyText', () => {
  assert.equal(charts.escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  assert.equal(charts.plotlyText('a<b>&c'), 'a&lt;b&gt;&amp;c');
});

test('figureToHTML is self-contained: plotly.js inline once, no external URL, nothing unescaped', () => {
  const html = figureToHTML(fig);
  assert.equal(count(html, plotlyMarker), 1);
  assert.equal(count(html.toLowerCase(), '</script'), 2, 'only our two closing tags: the library and the chart script');
  // (booleans: a failing match would print 5 MB)
  assert.equal(/<script[^>]+src=/i.test(html), false, 'no external script');
  assert.equal(/<img/i.test(html), false, 'the evil title never appears as a tag');
  assert.equal(html.includes('Interactive chart "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"'), true, 'placeholder text escaped');
  assert.ok(html.length > 4_000_000 && html.length < 5_500_000, `size ${html.length}`);
  assert.ok(plotlyPath().endsWith('plotly.min.js'));
  assert.equal(plotlyScript(), plotlyScript(), 'read once');
});

test('chartHtml without the library is small and still draws through the shared runtime', () => {
  const html = chartHtml(fig, { id: 'c1', includePlotly: false });
  assert.equal(count(html, plotlyMarker), 0);
  assert.ok(html.length < 5000, `size ${html.length}`);
  assert.match(html, /^<div id="c1" class="trainlab-chart" style="width:100%;height:438px;">/);
  assert.match(html, /T\.figs\["c1"\]=/);
  assert.match(html, /T\.flush\(\);T\.draw\("c1"\);/);
  const live = liveUpdateHtml('c1', fig, 3);
  assert.match(live, /^<div style="display:none" data-trainlab-live="c1" data-seq="3"><\/div>/);
  assert.doesNotMatch(live, /plotly\.js v/);
  assert.doesNotMatch(live, /<img/);
});

test('titleText decodes Plotly text for plain-text places', () => {
  assert.equal(titleText(fig), '</script><img src=x onerror=alert(1)>');
  assert.equal(titleText({ data: [], layout: {} }), '');
});

test('figureSummary gives title and final/best values per trace', () => {
  const text = charts.figureSummary(charts.lossCurves([{ loss: 1, val_loss: 2 }, { loss: 0.5, val_loss: 1.5 }, { loss: 0.25, val_loss: 1.75 }]));
  assert.equal(
    text,
    [
      'Training history (3 traces)',
      '  loss: 3 points, last 0.25 (at 3), min 0.25 (at 3)',
      '  val_loss: 3 points, last 1.75 (at 3), min 1.5 (at 2)',
      '  best val_loss: 1.5 at 2',
    ].join('\n'),
  );
  assert.equal(charts.figureSummary(charts.timingBars({ cpu: 10, wasm: 2.5 })), 'Timings (1 trace)\n  ms: cpu=10, wasm=2.5');
});

test('standalonePage is a full HTML document with an escaped <title>', () => {
  const page = charts.standalonePage(fig);
  assert.match(page, /^<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;<\/title>/);
  assert.ok(fs.existsSync(plotlyPath()));
});

test('live updates resize the chart element to the new figure height (a growing live chart does not cover the next output)', () => {
  const el = { style: { height: '' }, innerHTML: 'placeholder', attrs: {} as Record<string, string>, getAttribute(k: string) { return this.attrs[k] ?? null; }, setAttribute(k: string, v: string) { this.attrs[k] = v; } };
  const reacted: number[] = [];
  const window: Record<string, unknown> = { Plotly: { react: (_el: unknown, _d: unknown, layout: { height: number }) => void reacted.push(layout.height) } };
  const context = vm.createContext({ window, document: { getElementById: (id: string) => (id === 'c9' ? el : null) }, setTimeout });
  const scripts = (html: string) => [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const small = { data: [], layout: { height: 438 } };
  const grown = { data: [], layout: { height: 698 } };
  for (const s of scripts(chartHtml(small, { id: 'c9', includePlotly: false }))) vm.runInContext(s, context);
  assert.equal(el.style.height, '438px');
  for (const s of scripts(liveUpdateHtml('c9', grown, 1))) vm.runInContext(s, context);
  assert.equal(el.style.height, '698px');
  assert.deepEqual(reacted, [438, 698]);
});
