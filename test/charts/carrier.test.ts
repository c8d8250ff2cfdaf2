import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { charts, show } from '../../src';
import type { ExecuteRequestInfo } from '../../src/display/clear';
import { carrierCellOnDisk, findNotebook, loadCarrierRecord, saveCarrierRecord } from '../../src/charts/carrierFile';
import { PLOTLY_MARKER } from '../../src/charts/html';
import { figureResultBundle, setCarrierSources, type CarrierSources } from '../../src/charts/output';
import { FakeDisplay } from '../display/fake';

/** A page as the trainlab kernel reports it: session, running cell, cells deleted since the last run. */
class PageDisplay extends FakeDisplay {
  req: ExecuteRequestInfo = { session: 's1', cellId: 'a', deletedCells: [] };
  request(): ExecuteRequestInfo {
    return this.req;
  }
  /** Runs cell `cellId` (a new execution) on page `session`. */
  run(cellId: string, options: { session?: string; deleted?: string[] } = {}): void {
    this.execution++;
    this.req = { session: options.session ?? this.req.session, cellId, deletedCells: options.deleted ?? [] };
  }
  /** How many outputs hold plotly.js now (what a save would write). */
  copies(): number {
    return this.current().filter(hasLib).length;
  }
  /** The cell of each output that holds plotly.js now, in output order. */
  holders(): string[] {
    return this.current().flatMap((b, i) => (hasLib(b) ? [this.cells[i]] : []));
  }
  /** The running cell when each output was shown. */
  private readonly cells: string[] = [];
  show(bundle: Record<string, unknown>): ReturnType<FakeDisplay['show']> {
    this.cells.push(this.req.cellId ?? '');
    return super.show(bundle);
  }
}

const hasLib = (b: Record<string, unknown>): boolean => String(b['text/html']).includes(PLOTLY_MARKER);
const fig = charts.lossCurves([{ loss: 1 }, { loss: 0.5 }]);

/** Sources with a fake saved notebook and records kept in memory. */
function fakeSources(saved: Record<string, string | undefined> = {}): CarrierSources & { records: Map<string, string | undefined> } {
  const records = new Map<string, string | undefined>();
  return {
    records,
    savedHolder: (r) => saved[r.session],
    load: (session) => (records.has(session) ? { cellId: records.get(session) } : undefined),
    save: (session, cellId) => void records.set(session, cellId),
  };
}

function withSources<T>(s: CarrierSources, f: () => T): T {
  const previous = setCarrierSources(s);
  try {
    return f();
  } finally {
    setCarrierSources(previous);
  }
}

test('one page: the cell run last holds plotly.js; out of order, re-runs and result figures keep one copy', () => {
  withSources(fakeSources(), () => {
    const d = new PageDisplay();
    show(fig, { display: d }); // cell a
    d.run('b');
    show(fig, { display: d });
    show(fig, { display: d }); // a second chart in the same execution carries nothing
    d.run('a'); // out of order
    figureResultBundle(fig, d);
    assert.deepEqual(d.holders(), ['a'], "the hidden output sent with cell a's result figure");
    assert.equal(d.all.length, 6, 'a, its holder; b, its holder, two charts; the new holder in a');
  });
});

test('reloaded page: the saved holder keeps plotly.js; new charts carry nothing until its cell runs again', () => {
  const s = fakeSources({ s2: 'a' });
  withSources(s, () => {
    const d = new PageDisplay();
    show(fig, { display: d }); // cell a on page s1: holds the library, saved
    assert.deepEqual(d.holders(), ['a']);
    d.run('b', { session: 's2' }); // the page was reloaded: its notebook is the saved file
    show(fig, { display: d });
    assert.deepEqual(d.holders(), ['a'], 'the saved cell a still holds it; b brings none');
    d.run('c');
    show(fig, { display: d });
    assert.deepEqual(d.holders(), ['a']);
    d.run('a'); // re-running a replaces its outputs: its new chart takes the library
    show(fig, { display: d });
    assert.deepEqual(d.holders(), ['a', 'a'], "the old page's output (never saved again) and the reloaded page's new one");
    d.run('b'); // and from now on it moves as on any page
    show(fig, { display: d });
    assert.deepEqual(d.holders(), ['a', 'b'], 'the reloaded page holds one copy');
  });
});

test('reloaded page whose saved notebook has no holder (not saved before the reload): the next chart carries', () => {
  withSources(fakeSources({}), () => {
    const d = new PageDisplay();
    show(fig, { display: d });
    d.run('b', { session: 's2' });
    show(fig, { display: d });
    assert.deepEqual(d.holders(), ['a', 'b']);
  });
});

test('deleting the holder cell (reported by the front end): the next chart carries', () => {
  withSources(fakeSources({ s2: 'a' }), () => {
    const d = new PageDisplay();
    d.run('b', { session: 's2' });
    show(fig, { display: d });
    assert.deepEqual(d.holders(), [], 'the saved cell a holds it');
    d.run('c', { deleted: ['a'] });
    show(fig, { display: d });
    assert.deepEqual(d.holders(), ['c']);
  });
});

test('kernel restart on the same page: the holder is remembered per session', () => {
  const s = fakeSources();
  withSources(s, () => {
    const before = new PageDisplay();
    before.run('x');
    show(fig, { display: before });
    assert.equal(s.records.get('s1'), 'x');
    const after = new PageDisplay(); // a new kernel process: no state but the record
    after.run('y');
    show(fig, { display: after });
    assert.deepEqual(after.holders(), [], 'cell x on the page still holds it');
  });
});

test('carrierCellOnDisk reads the saved notebook: by JPY_SESSION_NAME, or the .ipynb in the folder that has the cell', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-carrier-'));
  const nb = (cells: Array<{ id: string; html?: string }>) =>
    JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map((c) => ({ id: c.id, cell_type: 'code', source: '', metadata: {}, outputs: c.html === undefined ? [] : [{ output_type: 'display_data', data: { 'text/html': [c.html] }, metadata: {} }] })) });
  fs.writeFileSync(path.join(dir, 'one.ipynb'), nb([{ id: 'c1', html: '<div>chart</div>' }, { id: 'c2', html: `<div class="${PLOTLY_MARKER}"></div><script>…</script>` }]));
  fs.writeFileSync(path.join(dir, 'two.ipynb'), nb([{ id: 'd1', html: '/*! plotly.js v4.1.1 */' }]));
  const cases: Array<[string | undefined, string | undefined, string | undefined]> = [
    ['c1', undefined, 'c2'],
    ['d1', undefined, 'd1'],
    ['d1', 'one.ipynb', 'd1'],
    [undefined, 'one.ipynb', 'c2'],
    ['zz', undefined, undefined],
    [undefined, undefined, undefined],
  ];
  for (const [cellId, sessionName, expected] of cases) {
    assert.equal(carrierCellOnDisk(cellId, { sessionName, cwd: dir }), expected, `${cellId} ${sessionName}`);
  }
  assert.equal(findNotebook('c1', { sessionName: undefined, cwd: dir })?.file, path.join(dir, 'one.ipynb'));
  saveCarrierRecord('session-1', 'c2', dir);
  saveCarrierRecord('session-2', undefined, dir);
  assert.deepEqual([loadCarrierRecord('session-1', dir), loadCarrierRecord('session-2', dir), loadCarrierRecord('session-3', dir)], [{ cellId: 'c2' }, { cellId: undefined }, undefined]);
  fs.rmSync(dir, { recursive: true });
});
