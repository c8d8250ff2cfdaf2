import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { getDisplay, setDisplay, TextDisplay, TslabDisplay, DisplayError, detectTslab, type TslabEnvironment, type TslabDisplayMessage } from '../../src/display';
import { FakeDisplay } from './fake';

type Sent = { message: TslabDisplayMessage; update: boolean; writer: number };

function fakeJupyter(): { mod: { lastWriteDisplayData: ((m: TslabDisplayMessage, u: boolean) => void) | null }; sent: Sent[]; newCell(): void } {
  const sent: Sent[] = [];
  let cell = 0;
  const mod = { lastWriteDisplayData: null as ((m: TslabDisplayMessage, u: boolean) => void) | null };
  const newCell = (): void => {
    const writer = ++cell;
    mod.lastWriteDisplayData = (message, update) => sent.push({ message, update, writer });
  };
  return { mod, sent, newCell };
}

function env(partial: Partial<TslabEnvironment>): TslabEnvironment {
  return { cache: {}, argv: ['node', 'script.js'], global: {}, load: () => { throw new Error('not found'); }, ...partial };
}

test('detectTslab: which signals mean "inside a tslab kernel"', () => {
  const root = path.join('/x', 'node_modules', 'tslab');
  const jupyterFile = path.join(root, 'dist', 'jupyter.js');
  const publicFile = path.join(root, 'dist', 'public.js');
  const jupyter = { lastWriteDisplayData: () => undefined };
  const publicApi = { newDisplay: () => ({ html() {}, text() {} }) };
  const cases: Array<[string, TslabEnvironment, { found: boolean; jupyter?: boolean; publicApi?: boolean; root?: string }]> = [
    ['plain node', env({}), { found: false }],
    ['kernel module in require.cache', env({ cache: { [jupyterFile]: { exports: jupyter } } }), { found: true, jupyter: true, publicApi: false, root }],
    ['both modules cached', env({ cache: { [jupyterFile]: { exports: jupyter }, [publicFile]: { exports: publicApi } } }), { found: true, jupyter: true, publicApi: true, root }],
    [
      'argv of `tslab kernel`, modules loaded from its root',
      env({ argv: ['node', path.join(root, 'bin', 'tslab'), 'kernel', '--config-path', 'c.json'], load: (f) => (f === jupyterFile ? jupyter : f === publicFile ? publicApi : undefined) }),
      { found: true, jupyter: true, publicApi: true, root },
    ],
    ['only the __tslab__ global', env({ global: { __tslab__: {} } }), { found: true, jupyter: false, publicApi: false }],
    ['an unrelated jupyter.js', env({ cache: { '/x/node_modules/other/dist/jupyter.js': { exports: jupyter } } }), { found: false }],
  ];
  for (const [name, e, want] of cases) {
    const got = detectTslab(e);
    assert.equal(got !== undefined, want.found, name);
    if (got === undefined) continue;
    assert.equal(got.jupyter !== undefined, want.jupyter, `${name}: jupyter`);
    assert.equal(got.publicApi !== undefined, want.publicApi, `${name}: publicApi`);
    if (want.root !== undefined) assert.equal(got.root, want.root, `${name}: root`);
  }
});

test('detectTslab prefers the cached copy that holds a cell writer (the kernel’s)', () => {
  const idle = { lastWriteDisplayData: null };
  const live = { lastWriteDisplayData: () => undefined };
  const got = detectTslab(env({ cache: { '/a/node_modules/tslab/dist/jupyter.js': { exports: idle }, '/b/node_modules/tslab/dist/jupyter.js': { exports: live } } }));
  assert.equal(got?.jupyter, live);
  assert.equal(got?.root, path.resolve('/b/node_modules/tslab'));
});

test('TslabDisplay sends whole bundles with a display id, updates through the current cell writer', () => {
  const j = fakeJupyter();
  j.newCell();
  const d = new TslabDisplay({ jupyter: j.mod, publicApi: undefined, root: undefined });
  assert.equal(d.inNotebook, true);
  assert.equal(d.multiMime, true);
  const bundle = { 'text/html': '<b>x</b>', 'text/plain': 'x', 'application/vnd.plotly.v1+json': { data: [] } };
  const h = d.show(bundle);
  const first = d.executionId();
  j.newCell();
  h.update({ 'text/plain': 'y' });
  assert.equal(j.sent.length, 2);
  assert.deepEqual(j.sent[0].message.data, bundle);
  assert.equal(j.sent[0].update, false);
  assert.deepEqual(j.sent[0].message.metadata, {});
  const id = j.sent[0].message.transient.display_id;
  assert.match(id ?? '', /^trainlab-[0-9a-f]{16}$/);
  assert.equal(j.sent[1].update, true);
  assert.equal(j.sent[1].message.transient.display_id, id);
  assert.equal(j.sent[1].writer, 2, 'update goes through the writer of the cell running now');
  assert.notEqual(d.executionId(), first, 'a new cell execution gets a new id');
  assert.equal(d.executionId(), d.executionId());
});

test('TslabDisplay falls back to the public single-MIME API when the internal writer is missing', () => {
  const calls: Array<[string, string, number]> = [];
  let n = 0;
  const publicApi = {
    newDisplay: () => {
      const me = ++n;
      return { html: (s: string) => calls.push(['html', s, me]), text: (s: string) => calls.push(['text', s, me]) };
    },
  };
  const d = new TslabDisplay({ jupyter: { lastWriteDisplayData: null }, publicApi, root: undefined });
  assert.equal(d.multiMime, false);
  const h = d.show({ 'text/html': '<i>a</i>', 'text/plain': 'a' });
  h.update({ 'text/html': '<i>b</i>', 'text/plain': 'b' });
  d.show({ 'text/plain': 'only text' });
  assert.deepEqual(calls, [
    ['html', '<i>a</i>', 1],
    ['html', '<i>b</i>', 1],
    ['text', 'only text', 2],
  ]);
});

test('TslabDisplay without any usable API throws a DisplayError naming the fix', () => {
  const d = new TslabDisplay({ jupyter: undefined, publicApi: undefined, root: undefined });
  assert.throws(() => d.show({ 'text/plain': 'x' }), (e: unknown) => e instanceof DisplayError && /setDisplay/.test(e.message) && /lastWriteDisplayData/.test(e.message));
});

test('TextDisplay prints text/plain, and an update only when the text changed', () => {
  const out: string[] = [];
  const d = new TextDisplay({ write: (s: string) => out.push(s) });
  assert.equal(d.inNotebook, false);
  const h = d.show({ 'text/html': '<b>x</b>', 'text/plain': 'first' });
  h.update({ 'text/plain': 'first' });
  h.update({ 'text/plain': 'second\n' });
  d.show({ 'text/html': '<b>only html</b>' });
  assert.deepEqual(out, ['first\n', 'second\n']);
});

test('getDisplay: plain node gets a TextDisplay; setDisplay injects and resets', () => {
  setDisplay(undefined);
  const auto = getDisplay();
  assert.ok(auto instanceof TextDisplay);
  assert.equal(auto.inNotebook, false);
  assert.equal(getDisplay(), auto, 'detected once');
  const fake = new FakeDisplay();
  setDisplay(fake);
  assert.equal(getDisplay(), fake);
  setDisplay(undefined);
  assert.equal(getDisplay(), auto);
});
