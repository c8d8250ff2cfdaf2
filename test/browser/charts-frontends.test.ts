/**
 * One plotly.js copy in the saved notebook whatever the user does, in JupyterLab 4 and
 * Notebook 7 (from .venv/) in headless Chromium: run, reload the page (kernel still alive)
 * and run another chart, run out of order, clear the holder cell, delete it after a reload,
 * reopen and Run All. After every save the file on disk holds plotly.js once and every chart
 * draws after a reload. Screenshots: build/screenshots/charts-<frontend>-<step>.png.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import { freePort, sleep } from '../helpers/net';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '../helpers/notebook';
import { launchChromium } from './chromium';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { privateJupyterPath } = require('../../scripts/kernelspec') as { privateJupyterPath(): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { notebook } = require('../../scripts/notebook-json') as { notebook(cells: Array<[string, string]>): Record<string, unknown> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serverEnv } = require('../../scripts/jupyter') as { serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv };

const JUPYTER = path.join(ROOT, '.venv', 'bin', 'jupyter');
const SCREENSHOTS = path.join(ROOT, 'build', 'screenshots');
const FILE = 'charts.ipynb';
const REOPEN = 'reopen.ipynb';
const OTHER = 'other.ipynb';
const KNOWN_PAGE_ERRORS = [/No active debugger session/, /Cannot read properties of undefined \(reading 'schema'\)/];

const FRONT_ENDS = [
  { name: 'lab', title: 'JupyterLab 4', app: 'lab', expose: '--LabApp.expose_app_in_browser=True', url: `/lab/tree/${FILE}?reset` },
  { name: 'notebook', title: 'Notebook 7', app: 'notebook', expose: '--JupyterNotebookApp.expose_app_in_browser=True', url: `/notebooks/${FILE}` },
] as const;

const CELLS: Array<[string, string]> = [
  ['code', "import { charts, show } from 'trainlab';"],
  ['code', "show(charts.lossCurves([{ loss: 1, val_loss: 1.2 }, { loss: 0.5, val_loss: 0.7 }], { title: 'chart A' }));"],
  ['code', "show(charts.timingBars({ cpu: 120, wasm: 35 }, { title: 'chart B' }));"],
  ['code', "charts.lrFinder({ lrs: [1e-4, 1e-3, 1e-2, 1e-1], losses: [2, 1.5, 1, 3] }, { title: 'chart C' })"],
];



/** The saved file: plotly.js copies (outputs holding it), their cells, size, and the chart cells. */
function savedFile(file: string): { copies: number; holders: number[]; bytes: number; chartCells: number[] } {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
  const html = (o: { data?: Record<string, unknown> }): string => [o.data?.['text/html'] ?? ''].flat().join('');
  const holders: number[] = [];
  const chartCells: number[] = [];
  let copies = 0;
  nb.cells.forEach((c, i) => {
    const n = (c.outputs ?? []).filter((o) => html(o).includes('plotly.js v')).length;
    copies += n;
    if (n > 0) holders.push(i);
    if ((c.outputs ?? []).some((o) => html(o).includes('class="trainlab-chart"'))) chartCells.push(i);
  });
  return { copies, holders, bytes: fs.statSync(file).size, chartCells };
}

/** JupyterLab's plotly renderer (the `plotly` wheel's labextension), fetched once from the configured pip index into build/. */
function plotlyExtensionPath(): string {
  const dir = path.join(ROOT, 'build', 'plotly-ext');
  const share = (): string | undefined => {
    if (!fs.existsSync(dir)) return undefined;
    const data = fs.readdirSync(dir).find((f) => /^plotly-.*\.data$/.test(f));
    return data === undefined ? undefined : path.join(dir, data, 'data', 'share', 'jupyter');
  };
  if (share() === undefined) {
    fs.mkdirSync(dir, { recursive: true });
    const pip = spawnSync(path.join(ROOT, '.venv', 'bin', 'pip'), ['download', '--no-deps', '--retries', '0', '--timeout', '3', 'plotly', '-d', dir], { encoding: 'utf8' });
    const wheel = fs.readdirSync(dir).find((f) => /^plotly-.*\.whl$/.test(f));
    if (wheel === undefined) throw new Error(`the plotly wheel (JupyterLab's plotly renderer) could not be downloaded: ${pip.stderr}`);
    const unzip = spawnSync(path.join(ROOT, '.venv', 'bin', 'python'), ['-c', `import zipfile,sys;z=zipfile.ZipFile(sys.argv[1]);z.extractall(sys.argv[2],[n for n in z.namelist() if '/labextensions/' in n])`, path.join(dir, wheel), dir], { encoding: 'utf8' });
    if (unzip.status !== 0) throw new Error(`unpacking ${wheel} failed: ${unzip.stderr}`);
  }
  return share()!;
}

const SUITES = [
  ...FRONT_ENDS.map((front) => ({ front, plotlyExtension: false })),
  { front: FRONT_ENDS[0], plotlyExtension: true },
];

for (const { front, plotlyExtension } of SUITES) {
  describe(`${front.title}${plotlyExtension ? ' with the plotly extension' : ''}: one plotly.js copy, interactive after reopening`, () => {
    let server: ChildProcess | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    let dir = '';
    let base = '';
    let token = '';
    let log = '';
    const pageErrors: string[] = [];

    before(async () => {
      if (!fs.existsSync(JUPYTER)) throw new Error(`${front.title}: ${JUPYTER} is missing. Install it with: node scripts/venv.js lab notebook`);
      // Inside the checkout so that `import 'trainlab'` resolves; build/ is ignored by git.
      dir = fs.mkdtempSync(path.join(ROOT, 'build', `charts-${front.name}-`));
      fs.writeFileSync(path.join(dir, FILE), JSON.stringify(notebook(CELLS)));
      fs.writeFileSync(path.join(dir, REOPEN), JSON.stringify(notebook(CELLS.slice(0, 2))));
      fs.writeFileSync(path.join(dir, OTHER), JSON.stringify(notebook([CELLS[0], CELLS[2]])));
      const config = path.join(dir, '.jupyter-config');
      fs.mkdirSync(path.join(config, 'labconfig'), { recursive: true });
      fs.writeFileSync(path.join(config, 'labconfig', 'page_config.json'), JSON.stringify({ disabledExtensions: { '@jupyterlab/apputils-extension:announcements': true } }));
      const port = await freePort();
      token = `t${Math.random().toString(36).slice(2)}`;
      base = `http://127.0.0.1:${port}`;
      server = spawn(JUPYTER, [front.app, '--no-browser', '--allow-root', '--ip', '127.0.0.1', '--port', String(port), `--ServerApp.token=${token}`, `--ServerApp.root_dir=${dir}`, front.expose], {
        cwd: dir,
        // As `trainlab lab` starts it: with trainlab's server extension (its save hook).
        env: { ...serverEnv({ ...process.env, JUPYTER_PATH: [privateJupyterPath(), ...(plotlyExtension ? [plotlyExtensionPath()] : [])].join(path.delimiter) }), JUPYTER_CONFIG_DIR: config, JUPYTER_RUNTIME_DIR: path.join(dir, '.jupyter-runtime'), JUPYTER_DATA_DIR: path.join(dir, '.jupyter-data') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout?.on('data', (b: Buffer) => (log += b.toString()));
      server.stderr?.on('data', (b: Buffer) => (log += b.toString()));
      browser = await launchChromium();
      for (const end = Date.now() + 60_000; ; ) {
        if (server.exitCode !== null) throw new Error(`${front.title}: jupyter exited with ${server.exitCode}:\n${log}`);
        try {
          if ((await fetch(`${base}/api/status?token=${token}`)).ok) break;
        } catch {
          // not up yet
        }
        if (Date.now() > end) throw new Error(`${front.title}: jupyter did not answer within 60 s:\n${log}`);
        await sleep(200);
      }
      page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      page.on('pageerror', (e) => {
        if (!KNOWN_PAGE_ERRORS.some((k) => k.test(String(e)))) pageErrors.push(String(e));
      });
    });

    after(async () => {
      await browser?.close();
      if (server?.exitCode === null) {
        server.kill('SIGTERM');
        for (let i = 0; i < 20 && server.exitCode === null; i++) await sleep(100);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      if (dir !== '' && process.env.TRAINLAB_KEEP === undefined) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Runs `body` in the page with the notebook panel as `p` and the app as `app`. */
    let current = FILE;
    const inPanel = <T>(body: string): Promise<T> =>
      page!.evaluate(`(async () => {
        const app = window.jupyterapp;
        const all = [app.shell.currentWidget, ...(app.shell.widgets ? Array.from(app.shell.widgets('main')) : [])];
        const p = all.find((w) => w && w.context && w.context.path === ${JSON.stringify(current)});
        if (!p) throw new Error('notebook not open');
        ${body}
      })()`) as Promise<T>;

    const open = async (file = current): Promise<void> => {
      current = file;
      const url = front.url.replace(FILE, file);
      await page!.goto(`${base}${url}${url.includes('?') ? '&' : '?'}token=${token}`);
      for (const end = Date.now() + 60_000; ; await sleep(200)) {
        const ready = await inPanel<boolean>("return p.sessionContext.session?.kernel?.status === 'idle' && p.content.widgets.length > 0").catch(() => false);
        if (ready) return;
        if (Date.now() > end) throw new Error(`${front.title}: notebook or kernel not ready within 60 s\n${log.slice(-1500)}`);
      }
    };

    const command = (index: number, id: string): Promise<void> =>
      inPanel(`p.content.activeCellIndex = ${index}; p.content.deselectAll(); await app.commands.execute(${JSON.stringify(id)});`);

    const run = async (index: number): Promise<void> => {
      const count = await inPanel<number | null>(`return p.content.widgets[${index}].model.executionCount ?? null`);
      await command(index, 'notebook:run-cell');
      for (const end = Date.now() + 60_000; ; await sleep(150)) {
        const s = await inPanel<{ count: number | null; status: string }>(`return { count: p.content.widgets[${index}].model.executionCount ?? null, status: p.sessionContext.session?.kernel?.status }`);
        if (s.count !== null && s.count !== count && s.status === 'idle') return;
        if (Date.now() > end) throw new Error(`${front.title}: cell ${index} did not finish within 60 s\n${log.slice(-1500)}`);
      }
    };

    const save = async (): Promise<ReturnType<typeof savedFile>> => {
      await inPanel('await p.context.save();');
      return savedFile(path.join(dir, current));
    };

    /** Every chart output on the page, scrolled in: drawn (a Plotly plot with its SVG) or not. */
    const drawn = async (): Promise<{ charts: number; drawn: number }> => {
      for (let i = 0; i < 40; i++) {
        const r = await page!.evaluate(() => {
          const divs = Array.from(document.querySelectorAll('.trainlab-chart, .jp-RenderedPlotly'));
          divs.forEach((d) => d.scrollIntoView());
          return { charts: divs.length, drawn: divs.filter((d) => d.querySelector('.main-svg') !== null).length };
        });
        if (r.charts > 0 && r.charts === r.drawn) return r;
        await sleep(250);
      }
      return page!.evaluate(() => {
        const divs = Array.from(document.querySelectorAll('.trainlab-chart, .jp-RenderedPlotly'));
        return { charts: divs.length, drawn: divs.filter((d) => d.querySelector('.main-svg') !== null).length };
      });
    };

    const shot = (step: string) => {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      return page!.screenshot({ path: path.join(SCREENSHOTS, `charts-${front.name}${plotlyExtension ? "-plotly-ext" : ""}-${step}.png`) });
    };

    // Not registered with the plotly extension: there a chart shows its saved PNG until the
    // pointer comes over it, and the sequence's library hand-over is the same kernel-side.
    const withoutExtension = plotlyExtension ? () => undefined : test;
    withoutExtension('reload, out of order, clear and delete the holder, reopen and Run All: one copy after every save, every chart drawn', { timeout: 420_000 }, async () => {
      await open(FILE);
      await run(0);
      await run(1);
      let saved = await save();
      assert.deepEqual([saved.copies, saved.holders], [1, [1]], 'the first chart holds plotly.js');

      // Reload the page (the kernel lives on): the page knows none of the earlier display ids.
      await open();
      await run(2);
      saved = await save();
      assert.deepEqual([saved.copies, saved.holders], [1, [1]], 'after a reload the saved holder keeps it; the new chart carries none');
      assert.deepEqual(await drawn(), { charts: 2, drawn: 2 }, 'the new chart draws with the library already on the page');
      await shot('after-reload');

      // Out of order, and the result-figure path (cell 3 ends with a figure).
      await run(3);
      await run(1);
      saved = await save();
      assert.deepEqual([saved.copies, saved.chartCells], [1, [1, 2, 3]]);
      assert.deepEqual(saved.holders, [1], 're-running the holder cell gives its new chart the library');

      // Clear the holder cell's outputs, run another chart: it takes the library.
      await command(1, 'notebook:clear-cell-output');
      await run(2);
      saved = await save();
      assert.deepEqual([saved.copies, saved.holders], [1, [2]]);

      // Reload, delete the holder cell (the front end reports it with the next request).
      await open();
      await command(2, 'notebook:delete-cell');
      await run(2); // what was cell 3
      saved = await save();
      assert.equal(saved.copies, 1);
      assert.deepEqual(saved.holders, [2]);

      // Reload, run a chart (it brings no copy: cell 2 holds one), clear the holder cell's output
      // (the kernel cannot see that): the save hook puts one copy into the first chart.
      await open();
      await run(1);
      await command(2, 'notebook:clear-cell-output');
      saved = await save();
      assert.deepEqual([saved.copies, saved.holders, saved.chartCells], [1, [1], [1]], 'after clearing the holder: one copy, in the chart left');
      await open();
      assert.deepEqual(await drawn(), { charts: saved.chartCells.length, drawn: saved.chartCells.length }, 'every chart draws after reopening');
      await shot('cleared-holder-reopened');

      // Reopen and Run All.
      await open();
      await inPanel("await app.commands.execute('notebook:run-all-cells');");
      for (const end = Date.now() + 90_000; ; await sleep(200)) {
        const done = await inPanel<boolean>("return p.sessionContext.session?.kernel?.status === 'idle' && p.content.widgets.every((c) => c.model.type !== 'code' || (c.model.executionCount ?? 0) > 0 && !(c.node.querySelector('.jp-InputPrompt')?.textContent ?? '').includes('*'))");
        if (done) break;
        if (Date.now() > end) throw new Error(`${front.title}: Run All did not finish within 90 s`);
      }
      await sleep(500);
      saved = await save();
      assert.equal(saved.copies, 1, 'Run All after reopening: one copy');
      assert.ok(saved.bytes < 6 * 1024 * 1024, `saved notebook is ${saved.bytes} bytes`);

      // Every chart draws after reopening.
      await open();
      const after = await drawn();
      assert.equal(after.charts, saved.chartCells.length);
      assert.equal(after.drawn, after.charts, 'every chart drawn after reopening');
      await shot('reopened');
      assert.deepEqual(pageErrors, []);
    });

    const withoutPlotlyExtension = plotlyExtension ? () => undefined : test;
    withoutPlotlyExtension('copy the chart cell holding plotly.js into another notebook and run charts there before saving: one copy, every chart draws after reopening', { timeout: 240_000 }, async () => {
      await open(FILE);
      await run(0);
      await run(1);
      // Whichever cell holds it (cell 1 in a fresh notebook; earlier tests may have moved it).
      const holders = (await save()).holders;
      assert.equal(holders.length, 1);
      if (front.name === 'lab') {
        await command(holders[0], 'notebook:copy-cell');
        await inPanel(`await app.commands.execute('docmanager:open', { path: ${JSON.stringify(OTHER)} });`);
        current = OTHER;
        for (const end = Date.now() + 60_000; ; await sleep(200)) {
          if (await inPanel<boolean>("return p.sessionContext.session?.kernel?.status === 'idle'").catch(() => false)) break;
          if (Date.now() > end) throw new Error(`${OTHER}: kernel not ready within 60 s`);
        }
        await command(0, 'notebook:paste-cell-below');
      } else {
        // Notebook 7 opens each notebook in its own browser tab, and its cell clipboard does not
        // cross tabs: the cell goes over as a paste puts it in, its JSON inserted into the model.
        const cell = await inPanel<Record<string, unknown>>(`return p.content.model.cells.get(${holders[0]}).toJSON()`);
        await open(OTHER);
        await inPanel(`p.content.model.sharedModel.insertCell(1, ${JSON.stringify({ ...cell, id: undefined })});`);
        assert.equal(await inPanel<number>('return p.content.widgets.length'), 3);
      }
      // Not saved yet: the kernel of this notebook sees no copy on disk, so its own chart brings one too.
      await run(0);
      await run(2);
      const saved = await save();
      assert.deepEqual([saved.copies, saved.holders], [1, [1]], 'the save keeps the first copy only (the pasted one)');
      await open(OTHER);
      assert.deepEqual(await drawn(), { charts: 2, drawn: 2 }, 'the pasted chart and its own draw after reopening');
      await shot('copied-cell');
      assert.deepEqual(pageErrors, []);
    });

    test('a trusted notebook is interactive after reopening; an untrusted copy shows a static view and how to trust it', { timeout: 240_000 }, async () => {
      await open(REOPEN);
      await run(0);
      await run(1);
      if (plotlyExtension) await sleep(1500); // the plotly extension stores its PNG in the output after drawing
      // trainlab's page extension pictures a chart once it has been still for a moment.
      else await page!.waitForSelector('.trainlab-chart[data-trainlab-pictured]', { state: 'attached', timeout: 30_000 });
      await save();
      await open(REOPEN);
      const chart = plotlyExtension ? '.jp-RenderedPlotly' : '.trainlab-chart';
      await page!.waitForSelector(chart, { timeout: 30_000 });
      if (plotlyExtension) {
        // The extension first shows the PNG it saved, and draws the plot when the pointer comes over it.
        await page!.hover(`${chart} .plot-img`, { timeout: 10_000 }).catch(() => undefined);
      }
      await page!.waitForSelector(`${chart} .main-svg`, { timeout: 30_000 });
      await page!.hover(`${chart} .nsewdrag`);
      await page!.waitForSelector(`${chart} .modebar`, { state: 'attached', timeout: 10_000 });
      await shot('trusted-reopened');

      // Changed outside Jupyter (here: one metadata field), the notebook is no longer trusted: no scripts run.
      const copy = JSON.parse(fs.readFileSync(path.join(dir, REOPEN), 'utf8')) as { metadata: Record<string, unknown> };
      copy.metadata.edited_elsewhere = true;
      fs.writeFileSync(path.join(dir, 'untrusted.ipynb'), JSON.stringify(copy));
      await open('untrusted.ipynb');
      await page!.waitForSelector(chart, { timeout: 30_000 });
      await sleep(1000);
      const view = await page!.evaluate((sel) => {
        const el = document.querySelector(sel)!;
        const img = el.querySelector<HTMLImageElement>('img');
        const box = img?.getBoundingClientRect();
        // The line saying how to trust it: visible inside the chart's box, below the picture.
        const line = Array.from(el.querySelectorAll('div')).find((d) => /trust the notebook/.test(d.textContent ?? ''));
        const lineBox = line?.getBoundingClientRect();
        const outer = el.getBoundingClientRect();
        return {
          text: (el.textContent ?? '').trim(),
          drawn: el.querySelector('.main-svg') !== null,
          image: img !== null && img.src.startsWith('data:image/png') && getComputedStyle(img).display !== 'none' && img.naturalWidth > 100 && (box?.height ?? 0) > 100,
          lineInside: lineBox !== undefined && lineBox.height > 0 && lineBox.bottom <= outer.bottom + 1 && (box === undefined || box.bottom <= lineBox.top + 1),
        };
      }, chart);
      await shot('untrusted');
      assert.equal(view.image, true, plotlyExtension ? "the plotly extension's saved PNG is shown" : "the picture trainlab's page extension saved is shown");
      if (!plotlyExtension) {
        assert.equal(view.drawn, false, 'no script ran');
        assert.match(view.text, /trust the notebook/, 'one line says how to trust it');
        assert.equal(view.lineInside, true, 'the line is visible below the picture, inside the chart');
      }
      assert.deepEqual(pageErrors, []);
    });
  });
}
