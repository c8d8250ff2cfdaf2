'use strict';
// Published tutorials: `npm run tutorials -- --publish` saves each executed notebook back
// into notebooks/, so a reader of the repository (GitHub, nbviewer, an editor's preview)
// sees every result and chart without running anything. Each chart output becomes a static
// PNG (drawn in headless Chromium by the installed plotly.js) beside its Plotly JSON and
// text summary; the inlined plotly.js copy and the loader scripts are left out, so a
// published notebook stays small. Each code cell records a hash of its source
// (`metadata.trainlab.source`): a test then tells outputs that no longer belong to their
// cell. Running a published notebook replaces the pictures with live charts as usual.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
/** In a chart's HTML (live charts carry no Plotly JSON): `T.figs["<id>"]={...figure...};`. */
const FIGURE_IN_HTML = 'T.figs["';
/** Markers of the inlined plotly.js copy (see src/charts/html.ts and carrierFile.ts). */
const PLOTLY_COPY = ['trainlab-plotly-library', 'plotly.js v'];
/** Width the PNGs are drawn at: about a JupyterLab notebook's output area. */
const PNG_WIDTH = 860;
const DEFAULT_HEIGHT = 450;
/** Cell metadata that changes on every run and says nothing to a reader. */
const RUN_METADATA = ['execution'];

function joined(text) {
  return Array.isArray(text) ? text.join('') : (text ?? '');
}

/** First 16 hex digits of the SHA-256 of a cell's source. */
function sourceHash(source) {
  return crypto.createHash('sha256').update(joined(source)).digest('hex').slice(0, 16);
}

/** The JSON value that starts at `text[start]` (an object), as a string; throws if it does not end. */
function jsonAt(text, start) {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  throw new Error('publish: a chart output holds a figure whose JSON does not end');
}

/** The Plotly figure a chart's HTML carries, or undefined when it carries none. */
function figureFromHtml(html) {
  const at = html.lastIndexOf(FIGURE_IN_HTML);
  if (at < 0) return undefined;
  const open = html.indexOf('=', html.indexOf('"]', at)) + 1;
  return JSON.parse(jsonAt(html, open));
}

/** The figure an output shows: its Plotly JSON, or the one in its HTML (live charts). */
function figureOf(output) {
  const data = output.data ?? {};
  if (data[PLOTLY_MIME] !== undefined) return data[PLOTLY_MIME];
  const html = joined(data['text/html']);
  return html === '' ? undefined : figureFromHtml(html);
}

/** Display outputs with nothing to show (the hidden channel that fed a live chart). */
function isEmpty(output) {
  if (output.output_type !== 'display_data') return false;
  return Object.values(output.data ?? {}).every((v) => (typeof v === 'string' || Array.isArray(v)) && joined(v).trim() === '');
}

/** The hidden output that holds (or held) the page's plotly.js for its charts (src/charts/output.ts). */
function isLibraryHolder(output) {
  return output.output_type === 'display_data' && /^<div class="trainlab-plotly(?: trainlab-plotly-library)?" style="display:none"><\/div>/.test(joined(output.data?.['text/html']));
}

/** The figure an output shows as a chart, or undefined (streams, errors, empty outputs, outputs without a figure). */
function chartFigure(output) {
  if (output.output_type === 'stream' || output.output_type === 'error' || isEmpty(output)) return undefined;
  return figureOf(output);
}

/** Per cell, the figure of each of its outputs ({@link chartFigure}); none for other than code cells. Reads each chart once. */
function figuresByCell(nb) {
  return nb.cells.map((cell) => (cell.cell_type === 'code' ? (cell.outputs ?? []).map(chartFigure) : []));
}

/** Every figure an executed notebook shows, in order (from its {@link figuresByCell}, read once). */
function figuresOf(nb, byCell = figuresByCell(nb)) {
  return byCell.flat().filter((f) => f !== undefined);
}

function holdsPlotlyCopy(output) {
  const html = joined(output.data?.['text/html']);
  return PLOTLY_COPY.some((m) => html.includes(m));
}

/** The figure's title, for messages and the comparison with a fresh run. */
function figureTitle(figure) {
  const title = figure?.layout?.title;
  return typeof title === 'string' ? title : (title?.text ?? '');
}

/** A chart output as published: PNG, Plotly JSON, text summary; same output type. */
function publishedChart(output, figure, picture) {
  const chart = {
    output_type: output.output_type,
    data: {
      'image/png': picture.png,
      [PLOTLY_MIME]: figure,
      'text/plain': output.data?.['text/plain'] ?? figureTitle(figure),
    },
    metadata: { 'image/png': { width: picture.width, height: picture.height } },
  };
  if (output.output_type === 'execute_result') chart.execution_count = output.execution_count;
  return chart;
}

/**
 * The executed notebook `nb` as published: the n-th chart output (in {@link figuresOf}'s
 * order) shown as `pictures[n]` ({png: base64, width, height}), empty outputs dropped, run
 * metadata removed, source hashes added. `byCell` is the notebook's {@link figuresByCell},
 * when the caller has read it already. Throws if a plotly.js copy would remain. Pure.
 */
function publishNotebook(nb, pictures, byCell = figuresByCell(nb)) {
  let next = 0;
  const cells = nb.cells.map((cell, c) => {
    if (cell.cell_type !== 'code') return cell;
    const metadata = { ...cell.metadata };
    for (const key of RUN_METADATA) delete metadata[key];
    metadata.trainlab = { ...metadata.trainlab, source: sourceHash(cell.source) };
    const outputs = (cell.outputs ?? []).flatMap((output, o) => {
      if (isEmpty(output) || isLibraryHolder(output)) return [];
      const figure = byCell[c][o];
      if (figure === undefined) {
        if (holdsPlotlyCopy(output)) throw new Error('publish: an output holds plotly.js but no figure; it cannot be published as a picture');
        return [output];
      }
      const picture = pictures[next++];
      if (picture === undefined) throw new Error(`publish: ${pictures.length} pictures for more charts than that`);
      return [publishedChart(output, figure, picture)];
    });
    return { ...cell, metadata, outputs };
  });
  if (next !== pictures.length) throw new Error(`publish: ${pictures.length} pictures for ${next} charts`);
  return { ...nb, cells };
}

function plotlyPath() {
  for (const candidate of ['plotly.js-dist-min/plotly.min.js', 'plotly.js-dist/plotly.min.js']) {
    try {
      return require.resolve(candidate);
    } catch {
      // next candidate
    }
  }
  throw new Error('publish: plotly.js-dist-min is not installed (npm ci installs it)');
}

/** Draws each figure to a PNG in headless Chromium; resolves to one {png, width, height} per figure. */
async function renderFigures(figures, { chromium = '/usr/bin/chromium', width = PNG_WIDTH } = {}) {
  if (figures.length === 0) return [];
  if (!fs.existsSync(chromium)) throw new Error(`publish: ${chromium} not found. Install it with scripts/setup-system.sh (Debian package 'chromium').`);
  const { chromium: launcher } = require('playwright-core');
  const browser = await launcher.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: plotlyPath() });
    const pictures = [];
    for (const figure of figures) {
      const height = typeof figure.layout?.height === 'number' ? figure.layout.height : DEFAULT_HEIGHT;
      const url = await page.evaluate(
        ({ fig, w, h }) => window.Plotly.toImage({ data: fig.data, layout: { ...fig.layout, width: w, height: h }, config: fig.config }, { format: 'png', width: w, height: h }),
        { fig: figure, w: width, h: height },
      );
      pictures.push({ png: url.slice(url.indexOf(',') + 1), width, height });
    }
    return pictures;
  } finally {
    await browser.close();
  }
}

/** Publishes the executed notebook at `executedPath` to `targetPath`; resolves to its size in bytes. */
async function publish(executedPath, targetPath) {
  const nb = JSON.parse(fs.readFileSync(executedPath, 'utf8'));
  const byCell = figuresByCell(nb);
  const published = publishNotebook(nb, await renderFigures(figuresOf(nb, byCell)), byCell);
  const text = `${JSON.stringify(published, null, 1)}\n`;
  const temp = path.join(path.dirname(targetPath), `.${path.basename(targetPath)}.publishing`);
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, targetPath);
  return Buffer.byteLength(text);
}

module.exports = { publish, publishNotebook, isLibraryHolder, renderFigures, figuresOf, chartFigure, figureTitle, sourceHash, joined, PLOTLY_MIME, PLOTLY_COPY };
