/**
 * Chart outputs in a notebook and the one that carries plotly.js.
 *
 * plotly.js (4.8 MB) must be on the page once, and a saved notebook must hold it once,
 * whatever the user does. Every chart output carries a small loader that draws the chart
 * once plotly.js is on the page (html.ts); one hidden output, sent just before a chart,
 * holds the library. A chart's own output never holds it, so updating a chart (a live
 * chart's final figure) never re-sends 4.8 MB. Rules:
 * - Within one page (front-end session), the first chart of each cell execution takes the
 *   library from the previous holder (an `update_display_data` to it, a no-op if that output
 *   was cleared or its cell deleted). So the cell run last holds it.
 * - A page that was reloaded or reopened (a new session) knows none of the earlier display
 *   ids, so the holder cannot be updated: its notebook is the saved file, and the cell that
 *   holds plotly.js there keeps it. New charts then carry nothing, until that cell is run
 *   again (its outputs are replaced) or deleted (the front end reports deleted cells).
 * - A restarted kernel on the same page remembers the holder's cell from a record per
 *   session (carrierFile.ts).
 * What the kernel cannot see (an output cleared after a reload, a holder cell pasted into
 * another notebook) the save hook of trainlab's Jupyter server extension puts right in the
 * saved file (jupyter/trainlab_jupyter.py).
 */
import { getDisplay } from '../display';
import type { ExecuteRequestInfo } from '../display/clear';
import type { Display, DisplayHandle, MimeBundle } from '../display/types';
import { carrierCellOnDisk, loadCarrierRecord, saveCarrierRecord } from './carrierFile';
import { chartHtml, EMPTIED_HOLDER_HTML, newChartId, plotlyLibraryHtml } from './html';
import { figureSummary } from './summary';
import type { Figure } from './types';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Where the page's copy of plotly.js is. */
interface Holder {
  /** The output, when this kernel sent it to this page (it can be updated); undefined for a saved one. */
  output: PlotlyOutput | undefined;
  /** Execution that made it the holder (live holders). */
  execution: number | undefined;
  /** Its cell, when the front end says. */
  cellId: string | undefined;
}

interface PageState {
  holder: Holder | undefined;
  /** The front-end session last seen (a new one: reloaded or reopened page). */
  session: string | undefined;
  /** Execution in which the request info was last looked at. */
  checkedExecution: number | undefined;
}

const pages = new WeakMap<Display, PageState>();

function pageOf(display: Display): PageState {
  let state = pages.get(display);
  if (state === undefined) {
    state = { holder: undefined, session: undefined, checkedExecution: undefined };
    pages.set(display, state);
  }
  return state;
}

/** Options for tests: where the saved notebook and the per-session records are looked for. */
export interface CarrierSources {
  /** The saved notebook's holder cell for a request. Defaults to reading the notebook from disk. */
  savedHolder(request: ExecuteRequestInfo): string | undefined;
  /** The holder's cell remembered for a session (kernel restarts). */
  load(session: string): { cellId: string | undefined } | undefined;
  save(session: string, cellId: string | undefined): void;
}

let sources: CarrierSources = {
  savedHolder: (request) => carrierCellOnDisk(request.cellId),
  load: (session) => loadCarrierRecord(session),
  save: (session, cellId) => saveCarrierRecord(session, cellId),
};

/** Replaces where saved holders are looked up (tests); returns the previous sources. */
export function setCarrierSources(next: CarrierSources): CarrierSources {
  const previous = sources;
  sources = next;
  return previous;
}

/** Brings the page state up to date with what the front end says about the running request. */
function reconcile(display: Display, page: PageState): void {
  const request = display.request?.();
  const execution = display.executionId?.();
  if (request === undefined || (execution !== undefined && execution === page.checkedExecution)) return;
  page.checkedExecution = execution;
  if (request.session !== page.session) {
    // A page this kernel has not drawn on yet: reloaded, reopened, or the kernel restarted.
    page.session = request.session;
    const remembered = sources.load(request.session);
    const cellId = remembered !== undefined ? remembered.cellId : sources.savedHolder(request);
    page.holder = cellId !== undefined ? { output: undefined, execution: undefined, cellId } : undefined;
  }
  const holder = page.holder;
  if (holder === undefined || holder.cellId === undefined) return;
  const gone = request.deletedCells.includes(holder.cellId) || (holder.output === undefined && holder.cellId === request.cellId);
  if (gone) {
    // Deleted, or a saved holder's cell is running again (its outputs were replaced).
    page.holder = undefined;
    sources.save(request.session, undefined);
  }
}

/** True when the next chart output on `display` must carry plotly.js. */
function mustCarry(display: Display): boolean {
  const page = pageOf(display);
  reconcile(display, page);
  const holder = page.holder;
  if (holder === undefined) return true;
  // A saved holder cannot be emptied: it keeps the library.
  if (holder.output === undefined) return false;
  const execution = display.executionId?.();
  return execution !== undefined && execution !== holder.execution;
}

/**
 * A hidden output holding only plotly.js. Sent before the first chart of an execution when
 * this page needs the library there; the previous holder is then re-sent empty (after the
 * new one is shown, so the page always has one).
 */
class PlotlyOutput {
  private readonly handle: DisplayHandle;
  private carries = true;

  private constructor(display: Display) {
    const page = pageOf(display);
    const previous = page.holder?.output;
    const request = display.request?.();
    page.holder = { output: this, execution: display.executionId?.(), cellId: request?.cellId };
    if (request !== undefined) sources.save(request.session, request.cellId);
    this.handle = display.show(this.bundle());
    previous?.empty();
  }

  /** Sends the library on `display` when the next chart there needs it. */
  static ensure(display: Display): void {
    if (mustCarry(display)) new PlotlyOutput(display);
  }

  private bundle(): MimeBundle {
    return { 'text/html': this.carries ? plotlyLibraryHtml() : EMPTIED_HOLDER_HTML, 'text/plain': '' };
  }

  private empty(): void {
    this.carries = false;
    this.handle.update(this.bundle());
  }
}

function chartBundle(figure: Figure, options: { id: string; includePlotly: boolean; plotlyJson: boolean }): MimeBundle {
  // includePlotly only outside a notebook: there the HTML stands alone.
  const bundle: MimeBundle = {};
  if (options.plotlyJson) bundle[PLOTLY_MIME] = { data: figure.data, layout: figure.layout, ...(figure.config !== undefined ? { config: figure.config } : {}) };
  bundle['text/html'] = chartHtml(figure, { id: options.id, includePlotly: options.includePlotly });
  bundle['text/plain'] = figureSummary(figure);
  return bundle;
}

/** Options of a chart output's content. */
export interface ChartContentOptions {
  /**
   * Include the `application/vnd.plotly.v1+json` MIME type (JupyterLab's plotly extension,
   * VS Code). Live charts leave it out while training: that renderer ignores updates.
   * Defaults to `true`.
   */
  plotlyJson?: boolean;
}

/** One chart output on the page, replaceable in place. */
export class ChartOutput {
  /** Id of the chart's element in the page. */
  readonly id = newChartId();
  private readonly handle: DisplayHandle;
  private figure: Figure;
  private json: boolean;

  constructor(display: Display, figure: Figure, options: ChartContentOptions = {}) {
    this.figure = figure;
    this.json = options.plotlyJson ?? true;
    PlotlyOutput.ensure(display);
    this.handle = display.show(this.bundle());
  }

  /** The output's current bundle. */
  bundle(): MimeBundle {
    return chartBundle(this.figure, { id: this.id, includePlotly: false, plotlyJson: this.json });
  }

  /** Replaces the chart with `figure` (re-renders the output). */
  update(figure: Figure, options: ChartContentOptions = {}): void {
    this.figure = figure;
    this.json = options.plotlyJson ?? this.json;
    this.handle.update(this.bundle());
  }
}

/**
 * The bundle of a figure shown as a cell's result (what `displayBundle` returns for it): the
 * same MIME types and content as {@link show}'s output. Jupyter cannot update a cell's
 * `execute_result`; like every chart, the result never holds plotly.js itself: when the
 * library is needed, the hidden output that holds it is sent now (before the result).
 * Outside a notebook the HTML carries plotly.js itself.
 */
export function figureResultBundle(figure: Figure, display: Display = getDisplay()): MimeBundle {
  if (!display.inNotebook) return chartBundle(figure, { id: newChartId(), includePlotly: true, plotlyJson: true });
  PlotlyOutput.ensure(display);
  return chartBundle(figure, { id: newChartId(), includePlotly: false, plotlyJson: true });
}
