/**
 * trainlab's JupyterLab / Notebook 7 extension. While a notebook is open and its charts draw
 * (scripts ran, so the page has plotly.js), each trainlab chart is pictured with
 * `Plotly.toImage` once it has been still for a moment; when the notebook is saved, the
 * pictures go into the saved chart outputs (snapshot.ts), so an untrusted copy shows them.
 *
 * Nothing on the page changes: the pictures are added to the JSON the save sends, never to
 * the live outputs (changing an output re-renders it, which would blank a live chart). The
 * document context emits `saveState` 'started' and then reads `model.toJSON()` in the same
 * turn; that read is the one given the pictures.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { addSnapshots, type Snapshot } from './snapshot';

const CHART_SELECTOR = '.trainlab-chart[id]';
/** A chart is pictured once it has not been redrawn for this long (a live chart redraws every 500 ms while training). */
const STILL_MS = 1500;
const SCAN_DELAY_MS = 300;
/** Pictures kept per notebook (the oldest go first). */
const MAX_PICTURES = 200;
/** Set on a chart element once its current drawing is pictured (what the tests wait for). */
const PICTURED = 'data-trainlab-pictured';

interface PlotlyElement extends HTMLElement {
  on?: (event: string, listener: () => void) => void;
  _fullLayout?: { width?: number; height?: number };
}

type ToImage = (element: HTMLElement, options: { format: 'png'; width: number; height: number; scale: number }) => Promise<string>;

function toImage(): ToImage | undefined {
  return (window as unknown as { Plotly?: { toImage?: ToImage } }).Plotly?.toImage;
}

class ChartPictures {
  private readonly pictures = new Map<string, Snapshot>();
  private readonly watched = new WeakSet<HTMLElement>();
  private readonly timers = new Map<string, number>();
  private scanTimer = 0;
  private saving = false;

  constructor(private readonly panel: NotebookPanel) {
    const observer = new MutationObserver(() => this.scheduleScan());
    observer.observe(panel.content.node, { childList: true, subtree: true });
    this.scheduleScan();
    panel.context.saveState.connect((_, state) => {
      this.saving = state === 'started';
    });
    const model = panel.context.model;
    const toJSON = model.toJSON.bind(model);
    model.toJSON = () => {
      const json = toJSON();
      if (this.saving) {
        this.saving = false;
        try {
          addSnapshots(json as Parameters<typeof addSnapshots>[0], this.pictures);
        } catch (error) {
          console.warn('trainlab: the charts were saved without their pictures', error);
        }
      }
      return json;
    };
    panel.disposed.connect(() => {
      observer.disconnect();
      window.clearTimeout(this.scanTimer);
      this.timers.forEach((t) => window.clearTimeout(t));
    });
  }

  private scheduleScan(): void {
    window.clearTimeout(this.scanTimer);
    this.scanTimer = window.setTimeout(() => this.scan(), SCAN_DELAY_MS);
  }

  private scan(): void {
    this.panel.content.node.querySelectorAll<PlotlyElement>(CHART_SELECTOR).forEach((el) => {
      if (this.watched.has(el) || el.querySelector('.main-svg') === null || typeof el.on !== 'function') return;
      this.watched.add(el);
      el.on('plotly_afterplot', () => this.schedulePicture(el));
      this.schedulePicture(el);
    });
  }

  private schedulePicture(el: PlotlyElement): void {
    el.removeAttribute(PICTURED);
    window.clearTimeout(this.timers.get(el.id));
    this.timers.set(el.id, window.setTimeout(() => void this.picture(el), STILL_MS));
  }

  private async picture(el: PlotlyElement): Promise<void> {
    this.timers.delete(el.id);
    const render = toImage();
    if (render === undefined || !el.isConnected) return;
    const width = Math.round(el._fullLayout?.width || el.clientWidth);
    const height = Math.round(el._fullLayout?.height || el.clientHeight);
    if (!(width > 0 && height > 0)) return;
    try {
      const url = await render(el, { format: 'png', width, height, scale: 1 });
      this.pictures.delete(el.id);
      this.pictures.set(el.id, { png: url.slice(url.indexOf(',') + 1), width, height });
      if (this.pictures.size > MAX_PICTURES) this.pictures.delete(this.pictures.keys().next().value as string);
      if (!this.timers.has(el.id)) el.setAttribute(PICTURED, '1');
    } catch (error) {
      console.warn(`trainlab: no picture of chart ${el.id}`, error);
    }
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'trainlab-jupyter:chart-pictures',
  description: 'Saves a static picture of each drawn trainlab chart, shown where scripts do not run.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    const seen = new WeakSet<NotebookPanel>();
    const attach = (panel: NotebookPanel): void => {
      if (seen.has(panel)) return;
      seen.add(panel);
      new ChartPictures(panel);
    };
    tracker.forEach(attach);
    tracker.widgetAdded.connect((_, panel) => attach(panel));
  },
};

export default plugin;
