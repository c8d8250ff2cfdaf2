/**
 * End to end in headless Chromium against JupyterLab 4 and Notebook 7 (both from .venv/):
 * Run All on two tutorials, the live chart and the last-expression outputs of a fixture,
 * the toolbar's ■ during `train` and a plain `model.fit`, then save and reload.
 * Screenshots go to build/screenshots/<frontend>-<step>.png.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import { freePort, sleep } from '../helpers/net';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '../helpers/notebook';
import { launchChromium } from './chromium';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { privateJupyterPath } = require('../../scripts/kernelspec') as { privateJupyterPath(): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serverEnv } = require('../../scripts/jupyter') as { serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv };

const JUPYTER = path.join(ROOT, '.venv', 'bin', 'jupyter');
const SCREENSHOTS = path.join(ROOT, 'build', 'screenshots');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'notebooks', 'frontends-demo.ipynb');
/** The published tutorials (notebooks/*.ipynb, saved executed with charts as pictures). */
const TUTORIALS = fs.readdirSync(path.join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort();
/**
 * Page errors of the front ends themselves, not of trainlab: JupyterLab's debugger extension
 * throws the first for a kernel without debug support; Notebook 7.6 throws the second while
 * loading its settings, on its file browser page too (no notebook, no kernel).
 */
const KNOWN_PAGE_ERRORS = [/No active debugger session/, /Cannot read properties of undefined \(reading 'schema'\)/];

interface FrontEnd {
  /** Used in test names, messages and screenshot names. */
  name: 'lab' | 'notebook';
  title: string;
  args: (port: number, token: string, dir: string) => string[];
  /** Page of one notebook, relative to the server's root. */
  url: (file: string) => string;
}

const FRONT_ENDS: FrontEnd[] = [
  {
    name: 'lab',
    title: 'JupyterLab 4',
    args: (port, token, dir) => ['lab', ...common(port, token, dir), '--LabApp.expose_app_in_browser=True'],
    // ?reset: a fresh workspace, so no earlier notebook (and its kernel) is restored next to this one.
    url: (file) => `/lab/tree/${file}?reset`,
  },
  {
    name: 'notebook',
    title: 'Notebook 7',
    args: (port, token, dir) => ['notebook', ...common(port, token, dir), '--JupyterNotebookApp.expose_app_in_browser=True'],
    url: (file) => `/notebooks/${file}`,
  },
];

function common(port: number, token: string, dir: string): string[] {
  return ['--no-browser', '--allow-root', '--ip', '127.0.0.1', '--port', String(port), `--ServerApp.token=${token}`, `--ServerApp.root_dir=${dir}`];
}



// ---------------------------------------------------------------------------------------------
// In-page helpers (installed into every page as window.__fe), so each check is one evaluate.

/** An output as the tests look at it: no 5 MB HTML, just what identifies it. */
interface OutputSummary {
  type: string;
  name?: string;
  text?: string;
  ename?: string;
  evalue?: string;
  mimes: string[];
  plain?: string;
  /** A trainlab chart (its HTML holds a chart element) or a Plotly JSON figure. */
  chart: boolean;
}

interface CellState {
  type: string;
  count: number | null;
  running: boolean;
  outputs: OutputSummary[];
}

interface NotebookState {
  path: string;
  kernel: string | undefined;
  status: string | undefined;
  cells: CellState[];
}

interface DrawnChart {
  width: number;
  height: number;
  svgs: number;
}

interface LiveSample {
  t: number;
  present: boolean;
  sameNode: boolean;
  points: number;
  final: boolean;
  width: number;
  height: number;
}

/** What polling needs, without serialising the outputs (each chart's HTML carries 4.8 MB of plotly.js). */
interface Progress {
  status: string | undefined;
  cells: Array<{ type: string; count: number | null; running: boolean }>;
}

interface FeHelpers {
  state(file: string): NotebookState;
  progress(file: string): Progress;
  run(file: string, index: number): void;
  runAll(file: string): void;
  save(file: string): Promise<void>;
  shutdown(file: string): Promise<void>;
  /** Scrolls the cell in, names its node data-fe-cell=<index>, returns its drawn Plotly charts. */
  charts(file: string, index: number): Promise<DrawnChart[]>;
  outputText(file: string, index: number): { text: string; tableCells: string[] };
  /** Scrolls the cell in and returns the sizes of the decoded PNG pictures in its outputs. */
  pictures(file: string, index: number): Promise<Array<{ width: number; height: number }>>;
  liveSample(file: string, index: number, t0: number): LiveSample;
}

function installHelpers(): void {
  type Json = Record<string, unknown>;
  interface CellModel {
    type: string;
    executionCount?: number | null;
    executionState?: string;
    outputs?: { toJSON(): Json[] };
  }
  interface CellWidget {
    model: CellModel;
    node: HTMLElement;
  }
  interface Panel {
    context: { path: string; save(): Promise<void> };
    sessionContext: { session?: { kernel?: { name: string; status: string } } | null; shutdown(): Promise<void> };
    content: {
      widgets: readonly CellWidget[];
      activeCellIndex: number;
      deselectAll(): void;
      scrollToItem?(index: number, align?: string): Promise<void>;
    };
  }
  interface App {
    shell: { currentWidget: unknown; widgets?(area: string): Iterable<unknown> };
    commands: { execute(id: string, args?: Json): Promise<unknown> };
  }
  const w = window as unknown as { jupyterapp?: App; __fe?: unknown };
  const isPanel = (x: unknown): x is Panel => typeof x === 'object' && x !== null && 'content' in x && 'sessionContext' in x && 'context' in x;
  const panel = (file: string): Panel => {
    const app = w.jupyterapp;
    if (app === undefined) throw new Error('window.jupyterapp is missing (expose_app_in_browser not set?)');
    const candidates: unknown[] = [app.shell.currentWidget];
    if (app.shell.widgets !== undefined) for (const x of app.shell.widgets('main')) candidates.push(x);
    const found = candidates.find((x): x is Panel => isPanel(x) && x.context.path === file);
    if (found === undefined) throw new Error(`no open notebook ${file}`);
    return found;
  };
  const joined = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');
  const summarize = (o: Json): OutputSummary => {
    const data = (o.data ?? {}) as Json;
    const html = joined(data['text/html']);
    return {
      type: String(o.output_type),
      name: o.name as string | undefined,
      text: o.text === undefined ? undefined : joined(o.text),
      ename: o.ename as string | undefined,
      evalue: o.evalue as string | undefined,
      mimes: Object.keys(data),
      plain: data['text/plain'] === undefined ? undefined : joined(data['text/plain']),
      chart: 'application/vnd.plotly.v1+json' in data || /class="trainlab-chart"/.test(html),
    };
  };
  const cellOf = (file: string, index: number): CellWidget => {
    const cell = panel(file).content.widgets[index];
    if (cell === undefined) throw new Error(`${file} has no cell ${index}`);
    return cell;
  };
  const select = (p: Panel, index: number): void => {
    p.content.activeCellIndex = index;
    p.content.deselectAll();
  };
  const running = (c: CellWidget): boolean => c.model.executionState === 'running' || (c.node.querySelector('.jp-InputPrompt')?.textContent ?? '').includes('*');
  const helpers: FeHelpers = {
    progress(file) {
      const p = panel(file);
      return {
        status: p.sessionContext.session?.kernel?.status,
        cells: p.content.widgets.map((c) => ({ type: c.model.type, count: c.model.executionCount ?? null, running: running(c) })),
      };
    },
    state(file) {
      const p = panel(file);
      const kernel = p.sessionContext.session?.kernel ?? undefined;
      return {
        path: p.context.path,
        kernel: kernel?.name,
        status: kernel?.status,
        cells: p.content.widgets.map((c) => ({
          type: c.model.type,
          count: c.model.executionCount ?? null,
          running: running(c),
          outputs: c.model.type === 'code' && c.model.outputs !== undefined ? c.model.outputs.toJSON().map(summarize) : [],
        })),
      };
    },
    run(file, index) {
      const p = panel(file);
      select(p, index);
      void w.jupyterapp!.commands.execute('notebook:run-cell');
    },
    runAll(file) {
      panel(file);
      void w.jupyterapp!.commands.execute('notebook:run-all-cells');
    },
    async save(file) {
      panel(file);
      await w.jupyterapp!.commands.execute('docmanager:save');
    },
    async shutdown(file) {
      await panel(file).sessionContext.shutdown();
    },
    async charts(file, index) {
      const p = panel(file);
      if (p.content.scrollToItem !== undefined) await p.content.scrollToItem(index, 'start');
      const cell = cellOf(file, index);
      cell.node.scrollIntoView({ block: 'start' });
      cell.node.setAttribute('data-fe-cell', String(index));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return Array.from(cell.node.querySelectorAll<HTMLElement>('.js-plotly-plot')).map((plot) => {
        const svgs = Array.from(plot.querySelectorAll<SVGElement>('svg.main-svg'));
        const r = svgs[0]?.getBoundingClientRect();
        return { width: r?.width ?? 0, height: r?.height ?? 0, svgs: svgs.length };
      });
    },
    async pictures(file, index) {
      const p = panel(file);
      if (p.content.scrollToItem !== undefined) await p.content.scrollToItem(index, 'start');
      const cell = cellOf(file, index);
      cell.node.scrollIntoView({ block: 'start' });
      const images = Array.from(cell.node.querySelectorAll<HTMLImageElement>('.jp-OutputArea-output img[src^="data:image/png"]'));
      await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
      return images.map((img) => ({ width: img.naturalWidth, height: img.naturalHeight }));
    },
    outputText(file, index) {
      const area = cellOf(file, index).node.querySelector<HTMLElement>('.jp-OutputArea');
      const tableCells = Array.from(area?.querySelectorAll('table td') ?? []).map((td) => (td.textContent ?? '').trim());
      return { text: area?.innerText ?? '', tableCells };
    },
    liveSample(file, index, t0) {
      type PlotDiv = HTMLElement & { data?: Array<{ name?: string; x?: unknown[] }>; __feLive?: boolean };
      const el = cellOf(file, index).node.querySelector<PlotDiv>('.trainlab-chart');
      const t = Date.now() - t0;
      if (el === null) return { t, present: false, sameNode: false, points: 0, final: false, width: 0, height: 0 };
      const sameNode = el.__feLive === true;
      el.__feLive = true;
      const r = el.querySelector('svg.main-svg')?.getBoundingClientRect();
      const loss = el.data?.find((d) => d.name === 'loss');
      return {
        t,
        present: true,
        sameNode,
        points: loss?.x?.length ?? 0,
        final: (el.data ?? []).some((d) => (d.name ?? '').startsWith('best')),
        width: r?.width ?? 0,
        height: r?.height ?? 0,
      };
    },
  };
  w.__fe = helpers;
}

function fe(page: Page): { [K in keyof FeHelpers]: (...a: Parameters<FeHelpers[K]>) => Promise<Awaited<ReturnType<FeHelpers[K]>>> } {
  const call =
    <K extends keyof FeHelpers>(k: K) =>
    (...a: unknown[]) =>
      page.evaluate(([name, args]) => {
        const h = (window as unknown as { __fe: Record<string, (...x: unknown[]) => unknown> }).__fe;
        return h[name as string](...(args as unknown[]));
      }, [k, a] as const) as never;
  return {
    state: call('state'),
    progress: call('progress'),
    run: call('run'),
    runAll: call('runAll'),
    save: call('save'),
    shutdown: call('shutdown'),
    charts: call('charts'),
    outputText: call('outputText'),
    pictures: call('pictures'),
    liveSample: call('liveSample'),
  };
}

/** A cell's outputs in a failure message, long texts cut. */
function describeOutputs(cell: CellState | undefined): string {
  if (cell === undefined) return '(no such cell)';
  return JSON.stringify(cell.outputs.map((o) => ({ ...o, text: o.text?.slice(-600), plain: o.plain?.slice(0, 300), evalue: o.evalue?.slice(0, 600) })));
}

function errorsIn(state: NotebookState): string[] {
  return state.cells.flatMap((c, i) => c.outputs.filter((o) => o.type === 'error').map((o) => `cell ${i}: ${o.ename}: ${o.evalue}`));
}

function codeCellsDone(state: Progress): boolean {
  return state.status === 'idle' && state.cells.every((c) => c.type !== 'code' || (c.count !== null && !c.running));
}

// ---------------------------------------------------------------------------------------------

for (const front of FRONT_ENDS) {
  describe(`${front.title} in headless Chromium`, () => {
    let dir = '';
    let server: ChildProcess | undefined;
    let serverLog = '';
    let browser: Browser | undefined;
    let base = '';
    let token = '';
    const pageErrors: string[] = [];
    let page: Page | undefined;
    let currentFile = '';

    const where = (file: string, extra = '') => `[${front.title}, ${file}${extra}]`;
    const shot = async (step: string, target?: { file: string; cell: number }): Promise<void> => {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      const file = path.join(SCREENSHOTS, `${front.name}-${step}.png`);
      if (target === undefined) {
        await page!.screenshot({ path: file });
        return;
      }
      const cell = page!.locator(`[data-fe-cell="${target.cell}"]`);
      const box = await cell.boundingBox();
      const viewport = page!.viewportSize()!;
      // The notebook scrolls inside its own panel: a cell taller than the window is cut off, so grow the window for it.
      const tall = box !== null && box.height > viewport.height - 200;
      if (tall) {
        await page!.setViewportSize({ width: viewport.width, height: Math.ceil(box.height) + 300 });
        await fe(page!).charts(target.file, target.cell);
        await sleep(300);
      }
      await cell.screenshot({ path: file });
      if (tall) await page!.setViewportSize(viewport);
    };

    /** Opens `file` in a fresh page and waits for its kernel to be idle. */
    const open = async (file: string): Promise<void> => {
      if (page !== undefined) await page.close();
      currentFile = file;
      page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
      // As source text: tsx's transpiled functions call its __name() helper, which pages lack.
      await page.addInitScript({ content: `var __name = (f) => f; (${installHelpers.toString()})();` });
      page.on('pageerror', (e) => {
        if (!KNOWN_PAGE_ERRORS.some((re) => re.test(String(e)))) pageErrors.push(`${currentFile}: ${String(e)}`);
      });
      page.on('dialog', (d) => {
        pageErrors.push(`${currentFile}: dialog ${d.message()}`);
        void d.dismiss();
      });
      const url = front.url(file);
      await page.goto(`${base}${url}${url.includes('?') ? '&' : '?'}token=${token}`);
      await waitFor(file, 'the notebook to open and its kernel to be idle', 60_000, async () => {
        try {
          const s = await fe(page!).progress(file);
          return s.status === 'idle' && s.cells.length > 0 ? s : undefined;
        } catch {
          return undefined;
        }
      });
      const s = await fe(page).state(file);
      assert.equal(s.kernel, 'trainlab', `${where(file)} runs the trainlab kernel`);
    };

    async function waitFor<T>(file: string, what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
      const end = Date.now() + ms;
      for (;;) {
        const v = await probe();
        if (v !== undefined) return v;
        if (Date.now() > end) {
          let state = '';
          try {
            const s = await fe(page!).progress(file);
            state = `kernel ${s.status}; cells: ${s.cells.map((c, i) => `${i}:${c.type === 'code' ? `[${c.running ? '*' : (c.count ?? ' ')}]` : 'md'}`).join(' ')}`;
          } catch (e) {
            state = String(e);
          }
          throw new Error(`${where(file)} timed out after ${ms} ms waiting for ${what}. ${state}\nserver log tail:\n${serverLog.slice(-1500)}`);
        }
        await sleep(100);
      }
    }

    const waitIdle = async (file: string, what: string, ms: number): Promise<NotebookState> => {
      await waitFor(file, what, ms, async () => (codeCellsDone(await fe(page!).progress(file)) ? true : undefined));
      return fe(page!).state(file);
    };

    /** Every chart output of every cell is a drawn Plotly chart of non-zero size (each cell scrolled in first). */
    const assertChartsDrawn = async (file: string, state: NotebookState, context: string): Promise<{ total: number; busiest: number }> => {
      let total = 0;
      let busiest = { cell: -1, charts: 0 };
      for (const [i, cell] of state.cells.entries()) {
        const expected = cell.outputs.filter((o) => o.chart).length;
        if (expected === 0) continue;
        total += expected;
        if (expected > busiest.charts) busiest = { cell: i, charts: expected };
        let last: DrawnChart[] = [];
        await waitFor(file, `${expected} drawn chart(s) in cell ${i} ${context} (last seen: ${JSON.stringify(last)})`, 20_000, async () => {
          last = await fe(page!).charts(file, i);
          const drawn = last.filter((c) => c.width > 0 && c.height > 0 && c.svgs > 0);
          return drawn.length === expected ? true : undefined;
        });
      }
      return { total, busiest: busiest.cell };
    };

    /** Saves, checks the file on disk holds `charts` chart outputs, reloads the page and waits for them in the reopened notebook. */
    const saveAndReload = async (file: string, charts: number): Promise<NotebookState> => {
      await fe(page!).save(file);
      const saved = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
      const onDisk = saved.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data !== undefined && ('application/vnd.plotly.v1+json' in o.data || /class="trainlab-chart"/.test([o.data['text/html']].flat().join(''))));
      assert.equal(onDisk.length, charts, `${where(file)} the saved file holds every chart output`);
      await page!.reload();
      return waitFor(file, `the reopened notebook to hold its ${charts} chart outputs`, 60_000, async () => {
        try {
          const s = await fe(page!).state(file);
          return s.cells.flatMap((c) => c.outputs).filter((o) => o.chart).length === charts ? s : undefined;
        } catch {
          return undefined;
        }
      });
    };

    /** Runs one cell and waits for it to finish. */
    const runCell = async (file: string, index: number, ms: number): Promise<CellState> => {
      const countBefore = (await fe(page!).progress(file)).cells[index].count;
      await fe(page!).run(file, index);
      await waitFor(file, `cell ${index} to finish`, ms, async () => {
        const st = await fe(page!).progress(file);
        const c = st.cells[index];
        return st.status === 'idle' && c.count !== null && c.count !== countBefore && !c.running ? true : undefined;
      });
      return (await fe(page!).state(file)).cells[index];
    };

    before(async () => {
      if (!fs.existsSync(JUPYTER)) {
        throw new Error(`${front.title}: ${JUPYTER} is missing. Install JupyterLab and Notebook 7 into .venv/ with: node scripts/venv.js lab notebook`);
      }
      fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
      // Inside the checkout so that `import 'trainlab'` resolves; build/ is ignored by git.
      dir = fs.mkdtempSync(path.join(ROOT, 'build', `e2e-${front.name}-`));
      fs.copyFileSync(path.join(ROOT, 'notebooks', '00-quickstart.ipynb'), path.join(dir, 'quickstart.ipynb'));
      for (const name of TUTORIALS) fs.copyFileSync(path.join(ROOT, 'notebooks', name), path.join(dir, `published-${name}`));
      fs.copyFileSync(path.join(ROOT, 'notebooks', '03-epochs.ipynb'), path.join(dir, 'epochs.ipynb'));
      fs.copyFileSync(FIXTURE, path.join(dir, 'frontends-demo.ipynb'));
      const config = path.join(dir, '.jupyter-config');
      // No "get notified about Jupyter news?" pop-up over the notebook in screenshots.
      fs.mkdirSync(path.join(config, 'labconfig'), { recursive: true });
      fs.writeFileSync(path.join(config, 'labconfig', 'page_config.json'), JSON.stringify({ disabledExtensions: { '@jupyterlab/apputils-extension:announcements': true } }));
      const port = await freePort();
      token = `t${Math.random().toString(36).slice(2)}`;
      base = `http://127.0.0.1:${port}`;
      server = spawn(JUPYTER, front.args(port, token, dir), {
        cwd: dir,
        // As `trainlab lab` starts it: with trainlab's Jupyter extensions.
        env: { ...serverEnv({ ...process.env, JUPYTER_PATH: privateJupyterPath() }), JUPYTER_CONFIG_DIR: config, JUPYTER_RUNTIME_DIR: path.join(dir, '.jupyter-runtime'), JUPYTER_DATA_DIR: path.join(dir, '.jupyter-data') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout?.on('data', (b: Buffer) => (serverLog += b.toString()));
      server.stderr?.on('data', (b: Buffer) => (serverLog += b.toString()));
      const [launched] = await Promise.all([
        launchChromium(),
        (async () => {
          const end = Date.now() + 60_000;
          for (;;) {
            if (server!.exitCode !== null) throw new Error(`${front.title}: jupyter ${front.name} exited with ${server!.exitCode}:\n${serverLog}`);
            try {
              if ((await fetch(`${base}/api/status?token=${token}`)).ok) return;
            } catch {
              // not up yet
            }
            if (Date.now() > end) throw new Error(`${front.title}: jupyter ${front.name} did not answer at ${base} within 60 s:\n${serverLog}`);
            await sleep(200);
          }
        })(),
      ]);
      browser = launched;
    });

    after(async () => {
      await browser?.close();
      if (server?.pid !== undefined && server.exitCode === null) {
        server.kill('SIGTERM');
        for (let i = 0; i < 20 && server.exitCode === null; i++) await sleep(100);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
    });

    for (const [file, step] of [
      ['quickstart.ipynb', 'quickstart'],
      ['epochs.ipynb', 'epochs'],
    ] as const) {
      test(`${file}: Run All, every cell runs without errors, every chart is drawn; still drawn after save and reload`, async () => {
        await open(file);
        await fe(page!).runAll(file);
        const state = await waitIdle(file, 'Run All to finish (kernel idle, every code cell numbered)', 90_000);
        assert.deepEqual(errorsIn(state), [], `${where(file)} error outputs`);
        const { total: charts, busiest } = await assertChartsDrawn(file, state, 'after Run All');
        assert.ok(charts >= (file === 'epochs.ipynb' ? 5 : 1), `${where(file)} produced ${charts} charts`);
        await shot(`${step}-run`);
        await shot(`${step}-run-cell`, { file, cell: busiest });
        const reopened = await saveAndReload(file, charts);
        await assertChartsDrawn(file, reopened, 'after save and reload');
        await shot(`${step}-reopened`);
        await fe(page!).charts(file, busiest);
        await shot(`${step}-reopened-cell`, { file, cell: busiest });
        await fe(page!).shutdown(file);
        assert.deepEqual(pageErrors.splice(0), [], `${where(file)} page errors`);
      });
    }

    test('every published tutorial, opened without running, shows each chart as its saved picture', async () => {
      const missing: string[] = [];
      let pictures = 0;
      for (const name of TUTORIALS) {
        const file = `published-${name}`;
        await open(file);
        const state = await fe(page!).state(file);
        for (const [i, cell] of state.cells.entries()) {
          const expected = cell.outputs.filter((o) => o.mimes.includes('image/png')).length;
          if (expected === 0) continue;
          const shown = (await fe(page!).pictures(file, i)).filter((p) => p.width > 0 && p.height > 0).length;
          pictures += shown;
          if (shown !== expected) missing.push(`${name} cell ${i}: ${shown} of ${expected} pictures shown`);
        }
        await fe(page!).shutdown(file);
      }
      assert.deepEqual(missing, [], `${front.title}: charts not shown`);
      assert.ok(pictures >= TUTORIALS.length, `${pictures} pictures in ${TUTORIALS.length} notebooks`);
      await shot('published-tutorial');
      assert.deepEqual(pageErrors.splice(0), [], `${front.title} page errors`);
    });

    describe('frontends-demo.ipynb', () => {
      const file = 'frontends-demo.ipynb';
      // Cell indices in the fixture.
      const SETUP = 1;
      const DATA = 2;
      const LIVE = 3;
      const LOSS_CURVES = 4;
      const TENSOR = 5;
      const LONG_TRAIN = 7;
      const AFTER_TRAIN = 8;
      const LONG_FIT = 9;
      const AFTER_FIT = 10;

      test('set-up and data cells run', async () => {
        await open(file);
        for (const i of [SETUP, DATA]) {
          const cell = await runCell(file, i, 30_000);
          assert.deepEqual(cell.outputs.filter((o) => o.type === 'error'), [], `${where(file, `, cell ${i}`)} ${describeOutputs(cell)}`);
        }
      });

      test('liveChart in train grows in place: same element, more points, never blank', async (t) => {
        const t0 = Date.now();
        await fe(page!).run(file, LIVE);
        const samples: LiveSample[] = [];
        let midShot = false;
        for (;;) {
          const s = await fe(page!).liveSample(file, LIVE, t0);
          samples.push(s);
          if (!midShot && s.present && s.points >= 5 && !s.final) {
            midShot = true;
            await fe(page!).charts(file, LIVE);
            await shot('live-training', { file, cell: LIVE });
          }
          const st = await fe(page!).progress(file);
          const c = st.cells[LIVE];
          if (st.status === 'idle' && c.count !== null && !c.running) {
            const done = (await fe(page!).state(file)).cells[LIVE];
            assert.deepEqual(done.outputs.filter((o) => o.type === 'error'), [], `${where(file, `, cell ${LIVE}`)} ${describeOutputs(done)}`);
            break;
          }
          if (Date.now() - t0 > 60_000) throw new Error(`${where(file, `, cell ${LIVE}`)} training did not end within 60 s; last samples ${JSON.stringify(samples.slice(-3))}`);
          await sleep(100);
        }
        const during = samples.filter((s) => !s.final);
        const first = during.findIndex((s) => s.present && s.points > 0);
        assert.ok(first >= 0, `${where(file, `, cell ${LIVE}`)} the live chart showed points during training: ${JSON.stringify(samples.slice(0, 5))}`);
        const live = during.slice(first);
        const counts = [...new Set(live.map((s) => s.points))];
        t.diagnostic(`${front.title}: ${live.length} samples while training, point counts ${counts.join(' ')}`);
        assert.ok(counts.length >= 3, `${where(file, `, cell ${LIVE}`)} the trace grew in at least 3 steps while sampled; counts seen: ${counts.join(', ')}`);
        for (const [k, s] of live.entries()) {
          const ctx = `${where(file, `, cell ${LIVE}`)} sample ${k} at ${s.t} ms: ${JSON.stringify(s)}`;
          assert.ok(s.present && s.width > 0 && s.height > 0, `${ctx}: the chart is on the page and drawn`);
          if (k > 0) {
            assert.ok(s.sameNode, `${ctx}: the same chart element as before (not re-rendered)`);
            assert.ok(s.points >= live[k - 1].points, `${ctx}: points only grow`);
          }
        }
        const end = await fe(page!).state(file);
        await assertChartsDrawn(file, { ...end, cells: end.cells.map((c, i) => (i === LIVE ? c : { ...c, outputs: [] })) }, 'after training');
        await shot('live-final', { file, cell: LIVE });
      });

      test('charts.lossCurves(run) as the last expression is an execute_result drawn as a chart', async () => {
        const cell = await runCell(file, LOSS_CURVES, 30_000);
        const ctx = `${where(file, `, cell ${LOSS_CURVES}`)} ${describeOutputs(cell)}`;
        assert.deepEqual(cell.outputs.filter((o) => o.type === 'error'), [], ctx);
        const results = cell.outputs.filter((o) => o.type === 'execute_result');
        assert.equal(results.length, 1, ctx);
        assert.ok(results[0].chart && results[0].mimes.includes('text/html'), ctx);
        const drawn = (await fe(page!).charts(file, LOSS_CURVES)).filter((c) => c.width > 0 && c.height > 0);
        assert.equal(drawn.length, 1, ctx);
        await shot('loss-curves-result', { file, cell: LOSS_CURVES });
      });

      test('a tensor as the last expression shows its values', async () => {
        const cell = await runCell(file, TENSOR, 30_000);
        const ctx = `${where(file, `, cell ${TENSOR}`)} ${describeOutputs(cell)}`;
        assert.equal(cell.outputs.length, 1, ctx);
        assert.equal(cell.outputs[0].type, 'execute_result', ctx);
        await fe(page!).charts(file, TENSOR);
        const shown = await fe(page!).outputText(file, TENSOR);
        // As an HTML table (values in td, indices in th) or as text.
        if (shown.tableCells.length > 0) assert.deepEqual(shown.tableCells, ['1', '2', '3', '4'], `${ctx}; shown: ${JSON.stringify(shown)}`);
        else assert.match(shown.text, /\[\[1, 2\],\s*\[3, 4\]\]/, `${ctx}; shown: ${JSON.stringify(shown)}`);
        await shot('tensor', { file, cell: TENSOR });
      });

      const STOPS = [
        { what: 'train(...)', cell: LONG_TRAIN, after: AFTER_TRAIN, line: /^train: stopped by the stop button after epoch \d+ of 2000 \(run\.interrupted is true; the model keeps its weights\)$/, afterText: /interrupted: true, epochs run: \d+\nprediction: 0\.\d{3}/, step: 'stop-train' },
        { what: 'model.fit(..., {callbacks: [liveChart()]})', cell: LONG_FIT, after: AFTER_FIT, line: /^model\.fit: stopped by the stop button after epoch \d+ of 2000 \(the model keeps its weights\)$/, afterText: /epochs run: \d+\nprediction shape: 3x1/, step: 'stop-fit' },
      ];
      for (const stop of STOPS) {
        test(`■ in the toolbar stops a long ${stop.what} within 2 s with one line; the next cell uses its results`, async (t) => {
          const ctxCell = where(file, `, cell ${stop.cell}`);
          const countBefore = (await fe(page!).progress(file)).cells[stop.cell].count;
          await fe(page!).run(file, stop.cell);
          await sleep(3000);
          const running = await fe(page!).state(file);
          assert.ok(running.cells[stop.cell].running && running.status === 'busy', `${ctxCell} still running 3 s in (kernel ${running.status}): ${describeOutputs(running.cells[stop.cell])}`);
          const button = page!.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]');
          assert.equal(await button.count(), 1, `${ctxCell} one ■ button in the notebook toolbar`);
          await fe(page!).charts(file, stop.cell);
          await shot(`${stop.step}-running`);
          const clicked = Date.now();
          await button.click();
          let finished: NotebookState | undefined;
          const end = clicked + 2000;
          while (Date.now() < end) {
            const st = await fe(page!).progress(file);
            const c = st.cells[stop.cell];
            if (st.status === 'idle' && c.count !== null && c.count !== countBefore && !c.running) {
              finished = await fe(page!).state(file);
              break;
            }
            await sleep(50);
          }
          const took = Date.now() - clicked;
          if (finished === undefined) {
            const st = await fe(page!).state(file);
            // Let it end (or not) so the failure message can say what happened afterwards.
            await sleep(3000);
            const later = await fe(page!).state(file);
            throw new Error(
              `${ctxCell} ■ clicked, but the cell had not finished 2 s later (kernel ${st.status}, running ${st.cells[stop.cell].running}). ` +
                `Outputs at 2 s: ${describeOutputs(st.cells[stop.cell])}; 5 s after the click: kernel ${later.status}, count ${later.cells[stop.cell].count}, outputs ${describeOutputs(later.cells[stop.cell])}`,
            );
          }
          const cell = finished.cells[stop.cell];
          t.diagnostic(`${front.title}: the cell finished ${took} ms after the click`);
          const ctx = `${ctxCell} (finished ${took} ms after the click) ${describeOutputs(cell)}`;
          assert.deepEqual(cell.outputs.filter((o) => o.type === 'error'), [], `${ctx}: no error output`);
          const lines = cell.outputs.filter((o) => o.type === 'stream').flatMap((o) => (o.text ?? '').split('\n')).filter((l) => l.includes('stopped by the stop button'));
          assert.equal(lines.length, 1, `${ctx}: one stop line`);
          assert.match(lines[0], stop.line, ctx);
          await fe(page!).charts(file, stop.cell);
          await shot(stop.step, { file, cell: stop.cell });

          const next = await runCell(file, stop.after, 30_000);
          const nextCtx = `${where(file, `, cell ${stop.after}`)} ${describeOutputs(next)}`;
          assert.deepEqual(next.outputs.filter((o) => o.type === 'error'), [], nextCtx);
          const text = next.outputs.filter((o) => o.type === 'stream').map((o) => o.text).join('');
          assert.match(text, stop.afterText, nextCtx);
        });
      }

      test('save and reload: the charts are still drawn', async () => {
        const state = await fe(page!).state(file);
        const charts = state.cells.flatMap((c) => c.outputs).filter((o) => o.chart).length;
        // The live chart, lossCurves' result, the plain fit's live chart (train's own progress has no chart).
        assert.equal(charts, 3, `${where(file)} chart outputs before saving`);
        const reopened = await saveAndReload(file, charts);
        await assertChartsDrawn(file, reopened, 'after save and reload');
        await fe(page!).charts(file, LIVE);
        await shot('demo-reopened');
        await fe(page!).shutdown(file);
        assert.deepEqual(pageErrors.splice(0), [], `${where(file)} page errors`);
      });
    });
  });
}
