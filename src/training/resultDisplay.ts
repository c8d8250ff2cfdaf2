/**
 * How a `train` result shows itself as a cell's last value: what ended the run, the best
 * and final values, duration and backend as a table, and its loss curves below.
 */
import { escapeHtml } from '../charts/escape';
import { lossCurves } from '../charts/lossCurves';
import { figureResultBundle } from '../charts/output';
import { keyValueHtmlRows, keyValueTextLines } from '../display/keyValue';
import { attachDisplay } from '../display/protocol';
import type { MimeBundle } from '../display/types';
import type { RunData, RunEnd, RunResult } from './result';
import { attachStatistics } from './stats';

const ENDINGS: Record<RunEnd, string> = {
  completed: 'completed',
  earlyStopping: 'early stopping',
  nonFiniteLoss: 'non-finite loss (NaN or infinite)',
  interrupted: 'interrupted (stop button or stopTraining)',
  superseded: 'superseded by a newer train call on the model',
  callback: 'stopped by a callback',
};

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0 || Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(s < 10 ? 2 : 1))} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** (label, value) rows of a run's summary; epochs counted from 1, as the charts do. */
export function runRows(run: RunResult): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const name = (run as { name?: unknown }).name;
  if (typeof name === 'string' && name !== '') rows.push(['run', name]);
  const planned = run.config.epochs;
  rows.push(['ended', ENDINGS[run.end] ?? String(run.end)]);
  rows.push(['epochs', `${run.epochsRun} of ${planned}`]);
  rows.push([
    'best',
    run.bestEpoch !== undefined && run.bestValue !== undefined ? `${run.monitor} ${fmt(run.bestValue)} after epoch ${run.bestEpoch + 1} (${run.direction})` : `no epoch logged ${run.monitor}`,
  ]);
  const final = run.final;
  const metrics = final === undefined ? [] : Object.entries(final).filter(([k]) => k !== 'epoch');
  rows.push(['final', metrics.length > 0 ? metrics.map(([k, v]) => `${k} ${fmt(v)}`).join(', ') : 'no epoch ran']);
  rows.push(['duration', duration(run.durationMs)]);
  rows.push(['backend', run.backend]);
  return rows;
}

/**
 * The bundle of a run: `text/html` with the summary table and the loss curves
 * (`charts.lossCurves(run)`, drawn as `show` draws it), `text/plain` with both as text.
 */
export function runBundle(run: RunResult): MimeBundle {
  const rows = runRows(run);
  const table =
    '<table class="trainlab-run"><caption style="text-align:left">Training run</caption><tbody>' +
    keyValueHtmlRows(rows, 'th') +
    '</tbody></table>';
  const text = keyValueTextLines('Training run', rows);
  if (run.epochsRun === 0) return { 'text/html': table, 'text/plain': text.join('\n') };
  let chart: MimeBundle;
  try {
    chart = figureResultBundle(lossCurves(run));
  } catch (error) {
    // The summary is still worth showing when the history cannot be plotted.
    const why = `no loss chart: ${error instanceof Error ? error.message : String(error)}`;
    return { 'text/html': `${table}<div style="font-size:11px;color:#888;">${escapeHtml(why)}</div>`, 'text/plain': [...text, why].join('\n') };
  }
  return { 'text/html': `<div class="trainlab-run-output">${table}${String(chart['text/html'])}</div>`, 'text/plain': `${text.join('\n')}\n${String(chart['text/plain'])}` };
}

function showRun(this: RunResult): MimeBundle {
  return runBundle(this);
}

/**
 * Makes a RunResult of a run's data: gives it the statistics methods and a
 * `[Symbol.for('Jupyter.display')]` method, all hidden (JSON, `Object.keys` and deep
 * equality are unchanged), so a result left as a cell's last value shows
 * {@link runBundle}. Returns `run`.
 */
export function withRunDisplay(run: RunData): RunResult {
  return attachDisplay(attachStatistics(run), showRun);
}
