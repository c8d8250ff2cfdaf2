import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { ROOT, runNotebook, stdoutOf, outputsOf, joined } from '../helpers/notebook';

test('00-quickstart runs through Jupyter with the trainlab kernel and learns the line', async () => {
  const nb = await runNotebook(path.join(ROOT, 'notebooks', '00-quickstart.ipynb'));
  const out = stdoutOf(nb);
  assert.match(out, /^trainlab: using the wasm backend \(auto, \d+ threads?; native tensorflow not installed\)$/m);
  const loss = /loss: first epoch ([\d.]+), last epoch ([\d.]+)/.exec(out);
  assert.ok(loss, `no loss line in:\n${out}`);
  const [first, last] = [Number(loss[1]), Number(loss[2])];
  assert.ok(last < first / 50, `loss fell only from ${first} to ${last}`);
  const learned = /learned w = ([-\d.]+), b = ([-\d.]+) on the wasm backend/.exec(out);
  assert.ok(learned, `no weights line in:\n${out}`);
  assert.ok(Math.abs(Number(learned[1]) - 3) < 0.1 && Math.abs(Number(learned[2]) + 1) < 0.1, learned[0]);
  const everything = outputsOf(nb).map((o) => joined(o.text)).join('');
  assert.doesNotMatch(everything, /looks like you are running TensorFlow\.js in Node\.js/);
  assert.equal(outputsOf(nb).filter((o) => o.output_type === 'error').length, 0);
  const charts = outputsOf(nb).filter((o) => o.data?.['application/vnd.plotly.v1+json'] !== undefined);
  assert.equal(charts.length, 1, 'one loss chart');
  const bundle = charts[0].data as Record<string, string | string[]>;
  assert.match(joined(bundle['text/html']), /Plotly|__trainlabCharts/);
  assert.match(joined(bundle['text/plain']), /loss/);
  // Headless runs number their cells (execute_input), so the HTML export shows In [n].
  const code = nb.cells.filter((c) => c.cell_type === 'code' && joined(c.source).trim() !== '');
  assert.deepEqual(code.map((c) => c.execution_count), code.map((_, i) => i + 1));
  const html = (await import('fs')).readFileSync(nb.htmlPath, 'utf8');
  assert.match(html, /\[1\]:/);
  assert.doesNotMatch(html, /\[&nbsp;\]:|\[ \]:/);
});

test('a failing cell fails the run and names the notebook, the cell and the error', async () => {
  const fs = await import('fs');
  const os = await import('os');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { notebook } = require('../../scripts/notebook-json') as { notebook(cells: Array<[string, string]>): unknown };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-nb-'));
  const file = path.join(dir, 'broken.ipynb');
  fs.writeFileSync(file, JSON.stringify(notebook([['code', 'const a = 1;'], ['code', 'throw new Error("boom in cell two");']])));
  await assert.rejects(runNotebook(file, { outDir: dir }), (error: Error) => {
    assert.match(error.message, /FAILED: .*broken\.ipynb, cell 1 \(throw new Error\("boom in cell two"\);\)/);
    assert.match(error.message, /boom in cell two/);
    // nbclient now reads the error's class and message (it used to report '<Error>:').
    assert.match(error.message, /Error: boom in cell two/);
    return true;
  });
});
