import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { claimed, ROOT, runNotebook, runTutorial, stdoutOf, outputsOf, joined, claimsOf, type ClaimRecord, oneLiveChart } from '../helpers/notebook';

test('00-quickstart: the chain learns a line; a convex model gives one answer whatever the settings, a network does not', async () => {
  const { nb } = await runTutorial('00-quickstart', 2);
  assert.ok(nb.seconds < 180, `the notebook took ${nb.seconds.toFixed(0)} s; it must run in under 3 minutes`);
  const out = stdoutOf(nb);
  assert.match(out, /^trainlab: using the wasm backend \(auto, \d+ threads?; native tensorflow not installed\)$/m);
  const everything = outputsOf(nb).map((o) => joined(o.text)).join('');
  assert.doesNotMatch(everything, /looks like you are running TensorFlow\.js in Node\.js/);
  // The training cell drew its live chart, which ends as the final loss figure.
  const live = oneLiveChart(nb, 'Fitting a line', 'one live chart titled "Fitting a line"');
  assert.match(joined(live.data!['text/plain'] as string[]), /loss: 30 points/);
  // Headless runs number their cells (execute_input), so the HTML export shows In [n].
  const code = nb.cells.filter((c) => c.cell_type === 'code' && joined(c.source).trim() !== '');
  assert.deepEqual(code.map((c) => c.execution_count), code.map((_, i) => i + 1));
  const html = fs.readFileSync(nb.htmlPath, 'utf8');
  assert.match(html, /\[1\]:/);
  assert.doesNotMatch(html, /\[&nbsp;\]:|\[ \]:/);

  const claims = claimsOf(nb);
  assert.equal(claims.length, 10, `claims: ${claims.map((c) => c.text).join(' | ')}`);
  assert.deepEqual(claims.filter((c) => !c.holds).map((c) => c.text), [], 'every claim holds');

  // 1. The line y = 3x − 1 is learned, and the loss falls.
  const line = claimed(claims, /training finds the line/);
  assert.ok(Math.abs(line.w - 3) < 0.1 && Math.abs(line.b + 1) < 0.1, JSON.stringify(line));
  assert.equal(line.backend as unknown, 'wasm');
  const fell = claimed(claims, /loss fell more than 50-fold/);
  assert.ok(fell.lastLoss < fell.firstLoss / 50 && fell.lastLoss < 0.02, JSON.stringify(fell));

  // 2. tf.tidy and dispose, counted with tf.memory().numTensors.
  const tidy = claimed(claims, /tf\.tidy freed every tensor/);
  assert.equal(tidy.tensorsAfter, tidy.tensorsBefore);
  const closed = claimed(claims, /closed-form line/);
  assert.ok(Math.abs(closed.slope - 3) < 0.05 && Math.abs(closed.intercept + 1) < 0.05, JSON.stringify(closed));
  assert.ok(Math.abs(closed.w - closed.slope) < 0.02 && Math.abs(closed.b - closed.intercept) < 0.02, JSON.stringify(closed));
  assert.equal(closed.w, line.w);
  const disposed = claimed(claims, /dispose freed the two data tensors/);
  assert.equal(disposed.tensorsAfter, tidy.tensorsBefore - 2);

  // 3. The seed's opening claim: a convex model lands on the closed-form answer from every
  // setting; a network's result changes with learning rate, batch size and seed.
  const convex = claimed(claims, /every linear run ends within 5 % of the exact line/);
  assert.ok(convex.lowest > 0.95 * convex.exactLoss && convex.highest < 1.05 * convex.exactLoss, JSON.stringify(convex));
  const spread = claimed(claims, /network's validation loss differs more than 2-fold/);
  assert.ok(spread.highest > 2 * spread.lowest, JSON.stringify(spread));
  assert.ok(spread.highest < convex.lowest / 2, 'the network, at its worst, still fits the sine far better than the line');
  for (const field of ['learningRate', 'batchSize', 'seed']) {
    const effect = claimed(claims, new RegExp(`changing only the ${field} moves`));
    assert.equal(effect.field as unknown, field);
    assert.ok(effect.network > 1.2, `${field}: network ratio ${effect.network}`);
    assert.ok(effect.line >= 1 && effect.line < 1.05, `${field}: line ratio ${effect.line}`);
  }
});

test('a failing cell fails the run and names the notebook, the cell and the error', async () => {
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
