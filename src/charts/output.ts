/**
 * Chart outputs in a notebook and the one that carries plotly.js.
 *
 * plotly.js (4.8 MB) must be on the page once, and a saved notebook must still hold it
 * after cells are re-run. Rule: the first chart of each cell execution carries the library
 * and takes it away from the previous carrier (an `update_display_data` to that output, a
 * no-op if it was already cleared). So exactly one copy stays in the saved notebook, in the
 * chart cell run last, and charts above it wait for it (see html.ts).
 */
import { getDisplay } from '../display';
import type { Display, DisplayHandle, MimeBundle } from '../display/types';
import { chartHtml, newChartId, plotlyLibraryHtml } from './html';
import { figureSummary } from './summary';
import type { Figure } from './types';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** An output that can hold plotly.js and be re-sent without it. */
interface Carrier {
  refresh(): void;
}

interface PageState {
  carrier: Carrier | undefined;
  carrierExecution: number | undefined;
}

const pages = new WeakMap<Display, PageState>();

function pageOf(display: Display): PageState {
  let state = pages.get(display);
  if (state === undefined) {
    state = { carrier: undefined, carrierExecution: undefined };
    pages.set(display, state);
  }
  return state;
}

/** True when the next chart output on `display` must carry plotly.js (first chart of this execution). */
function mustCarry(display: Display): boolean {
  const page = pageOf(display);
  const execution = display.executionId?.();
  return page.carrier === undefined || (execution !== undefined && execution !== page.carrierExecution);
}

/**
 * Makes `output` the page's carrier when it must carry, then shows it with `send`; the
 * previous carrier is re-sent without the library afterwards (so the page always has one).
 */
function showAsCarrier<T>(display: Display, output: Carrier, send: () => T): T {
  const page = pageOf(display);
  const carry = mustCarry(display);
  const previous = page.carrier;
  if (carry) {
    page.carrier = output;
    page.carrierExecution = display.executionId?.();
  }
  const shown = send();
  if (carry && previous !== undefined && previous !== output) previous.refresh();
  return shown;
}

function chartBundle(figure: Figure, options: { id: string; includePlotly: boolean; plotlyJson: boolean }): MimeBundle {
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

  constructor(
    private readonly display: Display,
    figure: Figure,
    options: ChartContentOptions = {},
  ) {
    this.figure = figure;
    this.json = options.plotlyJson ?? true;
    this.handle = showAsCarrier(display, this, () => display.show(this.bundle()));
  }

  /** True while this output holds the page's copy of plotly.js. */
  get carriesPlotly(): boolean {
    return pageOf(this.display).carrier === this;
  }

  /** The output's current bundle. */
  bundle(): MimeBundle {
    return chartBundle(this.figure, { id: this.id, includePlotly: this.carriesPlotly, plotlyJson: this.json });
  }

  /** Replaces the chart with `figure` (re-renders the output). */
  update(figure: Figure, options: ChartContentOptions = {}): void {
    this.figure = figure;
    this.json = options.plotlyJson ?? this.json;
    this.handle.update(this.bundle());
  }

  /** Re-sends the current content (after losing the plotly.js copy). */
  refresh(): void {
    this.handle.update(this.bundle());
  }
}

/** A hidden output holding only plotly.js, for a chart that cannot hold it itself. */
class PlotlyOutput implements Carrier {
  private readonly handle: DisplayHandle;

  constructor(private readonly display: Display) {
    this.handle = showAsCarrier(display, this, () => display.show(this.bundle()));
  }

  private bundle(): MimeBundle {
    const carries = pageOf(this.display).carrier === this;
    return { 'text/html': carries ? plotlyLibraryHtml() : '<div class="trainlab-plotly" style="display:none"></div>', 'text/plain': '' };
  }

  refresh(): void {
    this.handle.update(this.bundle());
  }
}

/**
 * The bundle of a figure shown as a cell's result (what `displayBundle` returns for it): the
 * same MIME types and content as {@link show}'s output. Jupyter cannot update a cell's
 * `execute_result`, so the result never holds plotly.js itself, which could then never be
 * taken back: when it would be the first chart of this execution, plotly.js goes into a
 * hidden display output sent now (before the result), which later charts take it from as
 * from any chart. Outside a notebook the HTML carries plotly.js itself.
 */
export function figureResultBundle(figure: Figure, display: Display = getDisplay()): MimeBundle {
  if (!display.inNotebook) return chartBundle(figure, { id: newChartId(), includePlotly: true, plotlyJson: true });
  if (mustCarry(display)) new PlotlyOutput(display);
  return chartBundle(figure, { id: newChartId(), includePlotly: false, plotlyJson: true });
}
