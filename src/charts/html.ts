/**
 * Figures as HTML that renders with no internet: plotly.js comes from the installed
 * package, inlined at most once per page, and every chart waits for it. A chart whose
 * output comes before the one carrying plotly.js (a re-run cell, a reopened notebook)
 * queues itself and is drawn as soon as the library arrives.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import { ChartError, describeValue } from './errors';
import { escapeHtml, jsonForScript, scriptSafe } from './escape';
import type { Figure } from './types';

/** Where plotly.js is looked for, first found wins (the minified bundle keeps notebooks small). */
export const PLOTLY_CANDIDATES = ['plotly.js-dist-min/plotly.min.js', 'plotly.js-dist/plotly.min.js', 'plotly.js-dist/plotly.js'];

/** Class of the hidden element next to the inlined library: how a saved notebook's holder is found. */
export const PLOTLY_MARKER = 'trainlab-plotly-library';

let plotlySource: { file: string; js: string } | undefined;

/** Path of the plotly.js bundle trainlab inlines. */
export function plotlyPath(): string {
  for (const id of PLOTLY_CANDIDATES) {
    try {
      return require.resolve(id);
    } catch {
      // try the next one
    }
  }
  throw new ChartError(`charts: plotly.js was not found (looked for ${PLOTLY_CANDIDATES.join(', ')}). Run npm install in the trainlab package.`);
}

/** The plotly.js source, made safe to inline in a <script> element (read once). */
export function plotlyScript(): string {
  if (plotlySource === undefined) {
    const file = plotlyPath();
    plotlySource = { file, js: scriptSafe(fs.readFileSync(file, 'utf8')) };
  }
  return plotlySource.js;
}

/**
 * The small runtime every chart output carries (defined once per page): a figure store,
 * `draw(id)` that plots or re-plots with `Plotly.react` (no clearing, so live updates do not
 * flicker), and a queue of charts waiting for plotly.js.
 */
const RUNTIME = [
  'var T=w.__trainlabCharts;',
  'if(!T){T=w.__trainlabCharts={figs:{},queue:[]};',
  // Classic Notebook runs an output's scripts before attaching it to the page: retry a while.
  'T.draw=function(id,n){var f=T.figs[id],el=d.getElementById(id);if(!f)return;',
  'if(!el){n=n||0;if(n<100)setTimeout(function(){T.draw(id,n+1)},50);return}',
  'if(!w.Plotly){if(T.queue.indexOf(id)<0)T.queue.push(id);return}',
  "if(!el.getAttribute('data-plotted')){el.innerHTML='';el.setAttribute('data-plotted','1')}",
  // A live figure can grow (a metric panel appears): the element follows, so it does not overlap the next output.
  "var h=f.layout&&f.layout.height;if(typeof h==='number'&&h>0)el.style.height=h+'px';",
  'w.Plotly.react(el,f.data,f.layout,f.config)};',
  'T.flush=function(){if(!w.Plotly)return;var q=T.queue;T.queue=[];for(var i=0;i<q.length;i++)T.draw(q[i])};}',
].join('');

function script(body: string): string {
  return `<script>(function(w,d){${RUNTIME}${body}})(window,document);</script>`;
}

/** A fresh element id for a chart. */
export function newChartId(): string {
  return `trainlab-chart-${randomBytes(6).toString('hex')}`;
}

/** Checks that `fig` looks like a Plotly figure; the error says what was received. */
export function assertFigure(fig: unknown, fn: string): asserts fig is Figure {
  const f = fig as Figure;
  if (typeof fig !== 'object' || fig === null || !Array.isArray(f.data) || (f.layout !== undefined && (typeof f.layout !== 'object' || f.layout === null))) {
    throw new ChartError(`${fn}: expected a Plotly figure {data: Trace[], layout: {...}} (what charts.* return), received ${describeValue(fig)}.`);
  }
}

/** Plain text of a Plotly title (tags dropped, entities decoded), for fallbacks and summaries. */
export function titleText(fig: Figure): string {
  const t = fig.layout?.title;
  const raw = typeof t === 'string' ? t : (t?.text ?? '');
  return raw
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Options of {@link chartHtml}. */
export interface ChartHtmlOptions {
  /** Element id of the chart. Defaults to a fresh random id. */
  id?: string;
  /** Inline plotly.js (guarded: evaluated only if the page has no `window.Plotly`). Defaults to `true`. */
  includePlotly?: boolean;
}

function heightOf(fig: Figure): number {
  const h = fig.layout?.height;
  return typeof h === 'number' && h > 0 ? h : 450;
}

/** The chart's HTML fragment: a placeholder div, optionally plotly.js, and its drawing script. */
export function chartHtml(fig: Figure, options: ChartHtmlOptions = {}): string {
  assertFigure(fig, 'figureToHTML');
  const id = options.id ?? newChartId();
  const title = titleText(fig);
  const placeholder = `Interactive chart${title !== '' ? ` "${escapeHtml(title)}"` : ''}: trust the notebook to draw it (JupyterLab: command palette → Trust Notebook; Notebook 7: click “Not Trusted”), or re-run the cell.`;
  const div = `<div id="${id}" class="trainlab-chart" style="width:100%;height:${heightOf(fig)}px;"><div style="font:12px sans-serif;color:#888;padding:8px;">${placeholder}</div></div>`;
  const lib = options.includePlotly ?? true ? `<div class="${PLOTLY_MARKER}" style="display:none"></div><script>if(!window.Plotly){${plotlyScript()}\n}</script>` : '';
  const figure = { data: fig.data, layout: fig.layout ?? {}, config: fig.config ?? { responsive: true, displaylogo: false } };
  return `${div}${lib}${script(`T.figs[${jsonForScript(id)}]=${jsonForScript(figure)};T.flush();T.draw(${jsonForScript(id)});`)}`;
}

/** The hidden output that held plotly.js, once emptied (the kernel and the save hook write it). */
export const EMPTIED_HOLDER_HTML = '<div class="trainlab-plotly" style="display:none"></div>';

/** An invisible fragment that only loads plotly.js (if the page has none) and draws the charts waiting for it. */
export function plotlyLibraryHtml(): string {
  return `<div class="trainlab-plotly ${PLOTLY_MARKER}" style="display:none"></div><script>if(!window.Plotly){${plotlyScript()}\n}</script>${script('T.flush();')}`;
}

/**
 * An invisible fragment that re-draws the chart `id` already on the page with `fig`
 * (`Plotly.react`). liveChart sends it as an update of a second output, so the chart's own
 * output is not re-rendered (no blanking) while points arrive.
 */
export function liveUpdateHtml(id: string, fig: Figure, seq: number): string {
  const figure = { data: fig.data, layout: fig.layout ?? {}, config: fig.config ?? { responsive: true, displaylogo: false } };
  return `<div style="display:none" data-trainlab-live="${escapeHtml(id)}" data-seq="${seq}"></div>${script(`T.figs[${jsonForScript(id)}]=${jsonForScript(figure)};T.draw(${jsonForScript(id)});`)}`;
}

/**
 * The self-contained HTML fragment of a figure: it carries plotly.js (4.8 MB) and renders
 * offline anywhere HTML with scripts runs (notebook outputs, nbconvert exports, a page).
 */
export function figureToHTML(fig: Figure): string {
  return chartHtml(fig, { includePlotly: true });
}

/** A complete HTML page holding the figure, for viewing outside a notebook. */
export function standalonePage(fig: Figure): string {
  const title = titleText(fig) || 'trainlab chart';
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="margin:16px;">${figureToHTML(fig)}</body></html>\n`;
}
