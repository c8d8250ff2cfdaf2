import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { getDisplay } from '../display';
import type { Display } from '../display/types';
import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { isTableLike, type TableLike } from './history';
import { assertFigure, standalonePage, titleText } from './html';
import { ChartOutput } from './output';
import { figureSummary } from './summary';
import { tableBundle } from './table';
import type { Figure } from './types';

/** Options of {@link show}. */
export interface ShowOptions {
  /** Where to display. Defaults to `getDisplay()` (the notebook in tslab, text in plain node). */
  display?: Display;
  /** Folder for the HTML file written outside a notebook. Defaults to `<os.tmpdir()>/trainlab-charts`. */
  outDir?: string;
  /** Rows shown for tables. Defaults to `40`. */
  maxRows?: number;
}

/** What {@link show} did. */
export interface ShowResult {
  kind: 'chart' | 'table';
  /** True when the output went to a notebook. */
  inNotebook: boolean;
  /** The chart output (notebook charts only), to update it later. */
  output?: ChartOutput;
  /** The standalone HTML file written (charts outside a notebook). */
  file?: string;
}

/** Something `show` can display: a figure, a danfojs DataFrame or an array of row objects. */
export type Showable = Figure | TableLike | Array<Record<string, unknown>>;

function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return s === '' ? 'chart' : s;
}

/** Writes `fig` as a standalone HTML page into `dir` and returns its path. */
export function writeChartFile(fig: Figure, dir: string = path.join(os.tmpdir(), 'trainlab-charts')): string {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  // Not Math.random: a seeded train may be running, and drawing a chart must not change its draws.
  const file = path.join(dir, `${slug(titleText(fig))}-${stamp}-${randomBytes(3).toString('hex')}.html`);
  fs.writeFileSync(file, standalonePage(fig));
  return file;
}

function isFigure(x: unknown): x is Figure {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Array.isArray((x as Figure).data) && !isTableLike(x);
}

/**
 * Shows a figure or a table. In a notebook: one output with
 * `application/vnd.plotly.v1+json`, offline `text/html` and a `text/plain` summary
 * (figures), or an escaped HTML table and a text table (DataFrames, arrays of rows).
 * Outside a notebook a figure is written to a standalone HTML file whose path is printed.
 * Returns nothing, so a `show(...)` ending a cell prints nothing more (tslab prints a
 * cell's last value); {@link showOutput} does the same and returns what it did.
 */
export function show(input: Showable, options: ShowOptions = {}): void {
  showOutput(input, options);
}

/** {@link show}, returning the chart output (to update later) or the file it wrote. */
export function showOutput(input: Showable, options: ShowOptions = {}): ShowResult {
  checkChartOptions('show', options);
  const display = options.display ?? getDisplay();
  if (isFigure(input)) {
    assertFigure(input, 'show');
    if (display.inNotebook) {
      const output = new ChartOutput(display, input);
      return { kind: 'chart', inNotebook: true, output };
    }
    const file = writeChartFile(input, options.outDir);
    display.show({ 'text/plain': `${figureSummary(input)}\nChart written to ${file}` });
    return { kind: 'chart', inNotebook: false, file };
  }
  if (isTableLike(input) || Array.isArray(input)) {
    const { html, text } = tableBundle(input, { maxRows: options.maxRows });
    display.show(display.inNotebook ? { 'text/html': html, 'text/plain': text } : { 'text/plain': text });
    return { kind: 'table', inNotebook: display.inNotebook };
  }
  throw new ChartError(`show: expected a Plotly figure ({data, layout}), a DataFrame or an array of row objects, received ${describeValue(input)}.`);
}
