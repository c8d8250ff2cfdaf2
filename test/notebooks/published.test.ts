// The tutorials in notebooks/ are saved executed (`npm run tutorials -- --publish`), so a
// reader of the repository sees every result and chart. Checked here without running them:
// every code cell's outputs belong to its current source (a hash publish recorded), every
// chart is a picture, no plotly.js copy is inlined. runTutorial (helpers/notebook.ts) also
// checks that a fresh run draws the same charts, cell by cell, as the published file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, type Cell } from '../helpers/notebook';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const publisher = require('../../scripts/publish') as { sourceHash(source: string | string[]): string; PLOTLY_MIME: string; PLOTLY_COPY: string[] };

const DIR = path.join(ROOT, 'notebooks');
const NOTEBOOKS = fs.readdirSync(DIR).filter((f) => f.endsWith('.ipynb')).sort();
/** A published tutorial's size limit: pictures and JSON, no plotly.js. */
const MAX_BYTES = 2.5 * 1024 * 1024;
const REPUBLISH = (name: string) => `run \`npm run tutorials -- --publish ${name.replace(/\.ipynb$/, '')}\``;

for (const name of NOTEBOOKS) {
  test(`${name} is published: every code cell ran from its current source, charts are pictures, no plotly.js copy`, () => {
    const file = path.join(DIR, name);
    const text = fs.readFileSync(file, 'utf8');
    const cells = (JSON.parse(text) as { cells: Cell[] }).cells.filter((c) => c.cell_type === 'code');
    const stale = cells.filter((c) => (c.metadata?.trainlab as { source?: string } | undefined)?.source !== publisher.sourceHash(c.source));
    assert.deepEqual(stale.map((c) => String(c.source).slice(0, 60)), [], `cells whose outputs do not belong to their source: ${REPUBLISH(name)}`);
    assert.ok(cells.every((c) => typeof c.execution_count === 'number'), `cells never executed: ${REPUBLISH(name)}`);
    const outputs = cells.flatMap((c) => c.outputs ?? []);
    assert.deepEqual(outputs.filter((o) => o.output_type === 'error').map((o) => o.ename), [], 'published with errors');
    const charts = outputs.filter((o) => o.data !== undefined && publisher.PLOTLY_MIME in o.data);
    assert.ok(charts.length > 0, 'no chart published');
    assert.ok(charts.every((o) => typeof o.data!['image/png'] === 'string' && o.data!['text/html'] === undefined), 'a chart without its picture');
    assert.ok(!publisher.PLOTLY_COPY.some((m) => text.includes(m)), 'a plotly.js copy is inlined');
    assert.ok(text.length < MAX_BYTES, `${name} is ${(text.length / 1024 / 1024).toFixed(2)} MB`);
  });
}
