/**
 * Chart outputs in a notebook and the one that carries plotly.js.
 *
 * plotly.js (4.8 MB) must be on the page once, and a saved notebook must still hold it
 * after cells are re-run. Rule: the first chart of each cell execution carries the library
 * and takes it away from the previous carrier (an `update_display_data` to that output, a
 * no-op if it was already cleared). So exactly one copy stays in the saved notebook, in the
 * chart cell run last, and charts above it wait for it (see html.ts).
 */
import type { Display, DisplayHandle, MimeBundle } from '../display/types';
import { chartHtml, newChartId } from './html';
import { figureSummary } from './summary';
import type { Figure } from './types';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

interface PageState {
  carrier: ChartOutput | undefined;
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
    const page = pageOf(display);
    const execution = display.executionId?.();
    const carry = page.carrier === undefined || (execution !== undefined && execution !== page.carrierExecution);
    const previous = page.carrier;
    if (carry) {
      page.carrier = this;
      page.carrierExecution = execution;
    }
    this.handle = display.show(this.bundle());
    if (carry && previous !== undefined && previous !== this) previous.refresh();
  }

  /** True while this output holds the page's copy of plotly.js. */
  get carriesPlotly(): boolean {
    return pageOf(this.display).carrier === this;
  }

  /** The output's current bundle. */
  bundle(): MimeBundle {
    const bundle: MimeBundle = {};
    if (this.json) bundle[PLOTLY_MIME] = { data: this.figure.data, layout: this.figure.layout, ...(this.figure.config !== undefined ? { config: this.figure.config } : {}) };
    bundle['text/html'] = chartHtml(this.figure, { id: this.id, includePlotly: this.carriesPlotly });
    bundle['text/plain'] = figureSummary(this.figure);
    return bundle;
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
