/**
 * Runs notebooks through Jupyter (nbclient) with the trainlab kernel for tests, and reads
 * what they produced. Uses a private JUPYTER_PATH, so the user's kernels are untouched.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

// CommonJS scripts shared with `npm run tutorials`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { privateJupyterPath, ROOT } = require('../../scripts/kernelspec') as { privateJupyterPath(): string; ROOT: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPython, HOW_TO_GET } = require('../../scripts/jupyter') as { findPython(): string | undefined; HOW_TO_GET: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { executeNotebook } = require('../../scripts/tutorials') as {
  executeNotebook(
    python: string,
    file: string,
    options: { jupyterPath: string; outDir?: string; timeout?: number; echo?: boolean },
  ): Promise<{ ok: boolean; seconds: number; ipynb: string; html: string; output: string }>;
};

export { ROOT };

export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

export interface Cell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: Output[];
  metadata?: Record<string, unknown>;
}

export interface ExecutedNotebook {
  cells: Cell[];
  ipynbPath: string;
  htmlPath: string;
  seconds: number;
}

/** Executes `file` through Jupyter; throws with the runner's report if a cell fails. */
export async function runNotebook(file: string, options: { outDir?: string; timeout?: number } = {}): Promise<ExecutedNotebook> {
  const python = findPython();
  if (python === undefined) throw new Error(`No Python with nbclient found.\n${HOW_TO_GET}`);
  // One folder per test process: concurrent runs never read each other's outputs.
  const outDir = options.outDir ?? path.join(ROOT, 'build', 'test-notebooks', `run-${process.pid}`);
  const result = await executeNotebook(python, path.resolve(file), {
    jupyterPath: privateJupyterPath(),
    outDir,
    timeout: options.timeout ?? 600,
    echo: false,
  });
  if (!result.ok) throw new Error(`notebook ${file} failed:\n${result.output}`);
  const nb = JSON.parse(fs.readFileSync(result.ipynb, 'utf8')) as { cells: Cell[] };
  return { cells: nb.cells, ipynbPath: result.ipynb, htmlPath: result.html, seconds: result.seconds };
}

/** Text of a string-or-lines field as Jupyter stores it. */
export function joined(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join('') : (text ?? '');
}

/** Everything the notebook's code cells printed to stdout, in order. */
export function stdoutOf(nb: ExecutedNotebook): string {
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
    .map((o) => joined(o.text))
    .join('');
}

/** All outputs of all code cells, in order. */
export function outputsOf(nb: ExecutedNotebook): Output[] {
  return nb.cells.flatMap((c) => c.outputs ?? []);
}

/** MIME type of `report(...)` outputs (kept literal here so tests need no build). */
const OBSERVATIONS_MIME = 'application/vnd.trainlab.observations+json';

/** The observations the notebook reported last with trainlab's `report(...)`. */
export function observationsOf<T = Record<string, unknown>>(nb: ExecutedNotebook): T {
  const found = outputsOf(nb).filter((o) => o.data !== undefined && OBSERVATIONS_MIME in o.data);
  if (found.length === 0) throw new Error(`${nb.ipynbPath}: no report(...) output with ${OBSERVATIONS_MIME}`);
  return found[found.length - 1].data![OBSERVATIONS_MIME] as T;
}

/** MIME type of `claim(...)` outputs (kept literal here so tests need no build). */
const CLAIM_MIME = 'application/vnd.trainlab.claim+json';

/** A claim as trainlab's `claim(text, holds, evidence)` recorded it. */
export interface ClaimRecord {
  text: string;
  holds: boolean;
  evidence?: string | Record<string, number | string | null>;
}

/** Every claim the notebook's cells made with trainlab's `claim(...)`, in output order. */
export function claimsOf(nb: ExecutedNotebook): ClaimRecord[] {
  return outputsOf(nb)
    .filter((o) => o.data !== undefined && CLAIM_MIME in o.data)
    .map((o) => o.data![CLAIM_MIME] as ClaimRecord);
}

/** The one claim whose text matches `pattern`, asserted to hold; returns its numbers. */
export function claimed(claims: ClaimRecord[], pattern: RegExp): Record<string, number> {
  const found = claims.filter((c) => pattern.test(c.text));
  assert.equal(found.length, 1, `one claim matching ${pattern}, found ${found.length}: ${claims.map((c) => c.text).join(' | ')}`);
  const [c] = found;
  assert.equal(c.holds, true, `claim does not hold: ${c.text} — ${JSON.stringify(c.evidence)}`);
  assert.ok(c.evidence !== undefined && typeof c.evidence === 'object', `claim without numbers: ${c.text}`);
  return c.evidence as Record<string, number>;
}

/** A claim's evidence where some values may be words ("never") rather than numbers. */
export type Evidence = Record<string, number | string>;

/** The number `e[key]`, asserted to be one. */
export function num(e: Evidence, key: string): number {
  assert.equal(typeof e[key], 'number', `${key} is not a number: ${JSON.stringify(e)}`);
  return e[key] as number;
}

/** The numbers at `keys` of `e`, in order, each asserted to be one ({@link num}). */
export function series(e: Evidence, keys: string[]): number[] {
  return keys.map((k) => num(e, k));
}

/** Total size of the executed notebook file in bytes. */
export function sizeOf(nb: ExecutedNotebook): number {
  return fs.statSync(nb.ipynbPath).size;
}

/** MIME type of Plotly figures in notebook outputs. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Outputs that carry a Plotly figure. */
export function chartOutputs(nb: ExecutedNotebook): Output[] {
  return outputsOf(nb).filter((o) => o.data !== undefined && PLOTLY_MIME in o.data);
}

/**
 * The one output of `nb` that is a live chart (trainlab chart HTML) whose text starts with
 * `title`, asserted to be exactly one; `message` replaces the assertion's default words.
 */
export function oneLiveChart(nb: ExecutedNotebook, title: string, message?: string): Output {
  const drawn = outputsOf(nb).filter((o) => joined(o.data?.['text/plain'] as string | string[] | undefined).startsWith(title) && /trainlab-chart/.test(joined(o.data?.['text/html'] as string | string[] | undefined)));
  assert.equal(drawn.length, 1, message ?? `one live chart titled '${title}', found ${drawn.length}`);
  return drawn[0];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const publisher = require('../../scripts/publish') as { chartFigure(output: Output): unknown; figureTitle(figure: unknown): string };

/** Per code cell, the titles of the charts it drew, in order (shown, live and published charts alike). */
export function chartTitlesByCell(cells: Cell[]): string[][] {
  return cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => (c.outputs ?? []).map(publisher.chartFigure).filter((f) => f !== undefined).map(publisher.figureTitle));
}

/**
 * Runs `notebooks/<name>.ipynb` and checks what every tutorial must satisfy: no cell
 * ends in an error, at least `minCharts` charts, an executed file under 6 MB, and the same
 * charts cell by cell as the published copy in notebooks/ (else that copy is stale:
 * `npm run tutorials -- --publish <name>`). Returns the notebook and what it reported.
 */
export async function runTutorial<T>(name: string, minCharts: number): Promise<{ nb: ExecutedNotebook; observed: T }> {
  const nb = await runNotebook(path.join(ROOT, 'notebooks', `${name}.ipynb`));
  const errors = outputsOf(nb).filter((o) => o.output_type === 'error');
  assert.equal(errors.length, 0, `${name}: cells ended in errors: ${errors.map((e) => `${e.ename}: ${e.evalue}`).join('; ')}`);
  const charts = chartOutputs(nb).length;
  assert.ok(charts >= minCharts, `${name}: expected at least ${minCharts} charts, found ${charts}`);
  assert.ok(sizeOf(nb) < 6 * 1024 * 1024, `${name}: executed notebook is ${sizeOf(nb)} bytes`);
  const published = JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks', `${name}.ipynb`), 'utf8')) as { cells: Cell[] };
  assert.deepEqual(chartTitlesByCell(published.cells), chartTitlesByCell(nb.cells), `${name}: the published notebook shows other charts than a fresh run: run \`npm run tutorials -- --publish ${name}\``);
  // Second-edition notebooks state results with claim(...) (claimsOf) instead of a report table.
  const reported = outputsOf(nb).some((o) => o.data !== undefined && OBSERVATIONS_MIME in o.data);
  return { nb, observed: reported ? observationsOf<T>(nb) : ({} as T) };
}
