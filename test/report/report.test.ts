import { test } from 'node:test';
import assert from 'node:assert/strict';
import { report, observationRows, OBSERVATIONS_MIME } from '../../src/report';
import type { Display, MimeBundle } from '../../src/display/types';

function fakeDisplay(): Display & { shown: MimeBundle[] } {
  const shown: MimeBundle[] = [];
  return { inNotebook: true, shown, show: (bundle) => (shown.push(bundle), { update: () => undefined }) };
}

test('report shows a table and stores the observations as JSON', () => {
  const display = fakeDisplay();
  const obs = report({ finalLoss: { '0.001': 0.51234, '1': 12 }, diverged: true, times: [1, 2.5] }, { display });
  assert.deepEqual(obs, { finalLoss: { '0.001': 0.51234, '1': 12 }, diverged: true, times: [1, 2.5] });
  assert.equal(display.shown.length, 1);
  const bundle = display.shown[0];
  assert.deepEqual(bundle[OBSERVATIONS_MIME], obs);
  assert.equal(
    bundle['text/plain'],
    // integer-like keys come first in JavaScript objects
    ['What this notebook observed', 'finalLoss.1      12', 'finalLoss.0.001  0.5123', 'diverged         true', 'times            [1, 2.5]'].join('\n'),
  );
  assert.match(String(bundle['text/html']), /<td>finalLoss\.0\.001<\/td><td>0\.5123<\/td>/);
});

test('report escapes user text in the HTML table', () => {
  const display = fakeDisplay();
  report({ '<img src=x onerror=alert(1)>': '</td><script>x</script>' }, { display, title: '<b>t</b>' });
  const html = String(display.shown[0]['text/html']);
  assert.doesNotMatch(html, /<img|<script|<b>t/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
});

test('observationRows flattens nested records', () => {
  assert.deepEqual(observationRows({ a: { b: { c: 1 } }, d: 'x' }), [['a.b.c', '1'], ['d', 'x']]);
});

test('report rejects non-objects with a message naming the fix', () => {
  for (const bad of [null, [1, 2], 3] as unknown[]) {
    assert.throws(() => report(bad as never, { display: fakeDisplay() }), /report: observations must be an object of named values/);
  }
});
