import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { ROOT, runNotebook, outputsOf, observationsOf, sizeOf, joined } from '../helpers/notebook';

interface RunSummary {
  params: string;
  valLoss: number;
  valAcc: number;
}

interface Observed {
  backend: string;
  runs: number;
  failedRuns: number;
  parameterCounts: number[];
  modelsBuilt: number;
  defaults: { learningRate: number; batchSize: number; optimizer: string; l2: number; dropout: number };
  defaultValLoss: number;
  defaultValAcc: number;
  best: RunSummary;
  worst: RunSummary;
  sweepBestParams: string;
  defaultRowValLoss: number;
  bestOverDefaultLossRatio: number;
  worstOverBestLossRatio: number;
  batchEffect: number[];
  rerun: { bestParams: string; sameBest: boolean; largestDifference: number };
}

const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

test('08-tuning: the configuration, not the architecture, decides; the best config beats the default and repeats', async () => {
  const nb = await runNotebook(path.join(ROOT, 'notebooks', '08-tuning.ipynb'));
  const outputs = outputsOf(nb);
  assert.equal(outputs.filter((o) => o.output_type === 'error').length, 0, 'no cell may end in an error');
  const charts = outputs.filter((o) => o.data !== undefined && PLOTLY_MIME in o.data);
  assert.ok(charts.length >= 3, `expected at least 3 charts (loss curves, sweep, comparison), found ${charts.length}`);
  const html = outputs.map((o) => joined(o.data?.['text/html'] as string | string[] | undefined));
  assert.ok(html.some((h) => /<table/.test(h) && /best_val_loss/.test(h) && /learningRate/.test(h)), 'the sweep results table is shown');
  assert.ok(sizeOf(nb) < 6 * 1024 * 1024, `executed notebook is ${sizeOf(nb)} bytes`);

  const o = observationsOf<Observed>(nb);

  // A full 2x2x2x2 grid ran, every run with the same architecture.
  assert.equal(o.runs, 16);
  assert.equal(o.failedRuns, 0);
  assert.equal(o.parameterCounts.length, 1, `models of different sizes: ${o.parameterCounts.join(', ')}`);
  assert.equal(o.modelsBuilt, 1 + 1 + 16 + 16, 'example + default + two sweeps, all from the one factory');

  // The baseline is defineConfig's defaults, and the sweep's default cell reproduces it exactly.
  assert.deepEqual(o.defaults, { learningRate: 0.001, batchSize: 32, optimizer: 'adam', l2: 0, dropout: 0 });
  assert.equal(o.defaultRowValLoss, o.defaultValLoss);

  // The best configuration beats the default by a clear margin, on loss and on accuracy.
  assert.equal(o.best.params, o.sweepBestParams);
  assert.ok(o.best.valLoss * 5 < o.defaultValLoss, `best val_loss ${o.best.valLoss} vs default ${o.defaultValLoss}`);
  assert.ok(o.bestOverDefaultLossRatio > 5, String(o.bestOverDefaultLossRatio));
  assert.ok(o.best.valAcc >= o.defaultValAcc + 0.15, `best val accuracy ${o.best.valAcc} vs default ${o.defaultValAcc}`);
  assert.ok(o.best.valAcc >= 0.9, `best val accuracy ${o.best.valAcc}`);

  // Same architecture, very different outcomes: the spread between best and worst is large.
  assert.ok(o.worstOverBestLossRatio > 10, `worst/best val_loss ${o.worstOverBestLossRatio}`);
  assert.ok(o.worst.valAcc + 0.3 <= o.best.valAcc, `val accuracy best ${o.best.valAcc}, worst ${o.worst.valAcc}`);

  // Settings interact: the batch-size effect is large for some (lr, optimizer) pairs and small for others.
  assert.equal(o.batchEffect.length, 4);
  const effects = o.batchEffect.map(Math.abs);
  assert.ok(Math.max(...effects) > 5 * Math.min(...effects), `batch effects ${o.batchEffect.join(', ')}`);

  // Re-running the sweep with the same seed gives the same best config and identical numbers.
  assert.equal(o.rerun.sameBest, true);
  assert.equal(o.rerun.bestParams, o.best.params);
  assert.equal(o.rerun.largestDifference, 0);
});
