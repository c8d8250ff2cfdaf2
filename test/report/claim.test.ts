import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claim, formatEvidence, CLAIM_MIME, type Evidence } from '../../src/report';
import { TrainlabError } from '../../src/util/errors';
import type { Display, MimeBundle } from '../../src/display/types';

function fakeDisplay(): Display & { shown: MimeBundle[] } {
  const shown: MimeBundle[] = [];
  return { inNotebook: true, shown, show: (bundle) => (shown.push(bundle), { update: () => undefined }) };
}

test('claim shows one ✓/✗ line and records {text, holds, evidence} under CLAIM_MIME', () => {
  const cases: Array<[string, boolean, Evidence | undefined, string]> = [
    ['Adam reaches loss 0.1 first', true, { adam: 12, sgd: 40 }, '✓ Adam reaches loss 0.1 first — adam: 12, sgd: 40'],
    ['the gap narrows', false, { before: 0.123456, after: 0.0001234567 }, '✗ the gap narrows — before: 0.123, after: 0.000123'],
    ['large and odd values', true, { big: 123456.7, nan: Number.NaN, inf: Infinity, name: 'adam' }, '✓ large and odd values — big: 123000, nan: NaN, inf: ∞, name: adam'],
    ['a sentence as evidence', true, 'three runs out of three', '✓ a sentence as evidence — three runs out of three'],
    ['no evidence', false, undefined, '✗ no evidence'],
  ];
  for (const [text, holds, evidence, line] of cases) {
    const display = fakeDisplay();
    const record = claim(text, holds, evidence, { display });
    assert.deepEqual(record, evidence === undefined ? { text, holds } : { text, holds, evidence });
    assert.equal(display.shown.length, 1);
    const bundle = display.shown[0];
    assert.equal(bundle['text/plain'], line);
    assert.deepEqual(bundle[CLAIM_MIME], JSON.parse(JSON.stringify(record)));
    assert.match(String(bundle['text/html']), new RegExp(`data-holds="${holds}"`));
  }
});

test('claim keeps its record apart from the caller’s evidence object', () => {
  const evidence = { loss: 0.5 };
  const record = claim('x', true, evidence, { display: fakeDisplay() });
  evidence.loss = 9;
  assert.deepEqual(record.evidence, { loss: 0.5 });
});

test('claim escapes the text and the evidence in HTML', () => {
  const display = fakeDisplay();
  claim('<img src=x onerror=alert(1)>', true, { '<b>k</b>': '</div><script>x</script>' }, { display });
  const html = String(display.shown[0]['text/html']);
  assert.doesNotMatch(html, /<img|<script|<b>k/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /&lt;b&gt;k&lt;\/b&gt;: &lt;\/div&gt;&lt;script&gt;/);
});

test('claim rejects bad input with a message naming the fix', () => {
  const cases: Array<[unknown[], RegExp]> = [
    [['x', 0.3], /^claim: holds must be a boolean \(whether the claim is borne out\); received 0\.3 \(a number\)\. Pass a comparison/],
    [['x', 'yes'], /^claim: holds must be a boolean .*received 'yes'/],
    [['x', undefined], /^claim: holds must be a boolean .*received undefined/],
    [['', true], /^claim: text must be a non-empty sentence; received ''/],
    [['x', true, [1, 2]], /^claim: evidence must be a record of named numbers or strings, or a string; received an array/],
    [['x', true, { a: 1, b: true, c: null }], /^claim: evidence values must be numbers or strings; 'b' is true, 'c' is null\./],
    [[42, 'no'], /^claim: 2 problems:\n {2}- text must be .*\n {2}- holds must be a boolean/],
    [['x', true, undefined, { dispaly: fakeDisplay() }], /claim.*dispaly.*display/s],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => (claim as (...a: unknown[]) => unknown)(...(args.length < 4 ? [...args, ...Array(3 - args.length).fill(undefined), { display: fakeDisplay() }] : args)), (error: unknown) => {
      assert.ok(error instanceof TrainlabError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
});

test('formatEvidence is compact', () => {
  assert.equal(formatEvidence({ a: 1 / 3, b: 2 }), 'a: 0.333, b: 2');
});

test('claimsOf reads back every claim of an executed notebook, in order', async () => {
  const { claimsOf } = await import('../helpers/notebook');
  const shown: MimeBundle[] = [];
  const display: Display = { inNotebook: true, show: (bundle) => (shown.push(bundle), { update: () => undefined }) };
  claim('first', true, { loss: 0.25 }, { display });
  claim('second', false, 'no run diverged', { display });
  const cells = [
    { cell_type: 'code', source: '', outputs: [{ output_type: 'display_data', data: shown[0] }, { output_type: 'stream', name: 'stdout', text: 'x' }] },
    { cell_type: 'markdown', source: 'prose' },
    { cell_type: 'code', source: '', outputs: [{ output_type: 'display_data', data: { 'text/plain': 'other' } }, { output_type: 'display_data', data: shown[1] }] },
  ];
  assert.deepEqual(claimsOf({ cells, ipynbPath: 'x.ipynb', htmlPath: 'x.html', seconds: 0 }), [
    { text: 'first', holds: true, evidence: { loss: 0.25 } },
    { text: 'second', holds: false, evidence: 'no run diverged' },
  ]);
});
