import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import { freePort } from '../helpers/net';
import * as path from 'path';
import { ROOT } from '../helpers/notebook';
import { launchChromium } from './chromium';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { privateJupyterPath } = require('../../scripts/kernelspec') as { privateJupyterPath(): string };

const ARTIFACTS = path.join(ROOT, 'build', 'artifacts');


async function waitForServer(url: string, server: ChildProcess, log: () => string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (server.exitCode !== null) throw new Error(`jupyter notebook exited with ${server.exitCode}:\n${log()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter notebook did not answer at ${url} within ${ms} ms:\n${log()}`);
}

interface Sample {
  t: number;
  points: number;
  marked: boolean;
  final: boolean;
}

test('end to end: Jupyter Notebook in Chromium runs the charts notebook, the live chart updates in place during training, then shows the final figure', async () => {
  // Inside the checkout so that `import 'trainlab'` resolves; build/ is ignored by git.
  const dir = fs.mkdtempSync(path.join(ROOT, 'build', 'e2e-'));
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'notebooks', 'charts-demo.ipynb'), path.join(dir, 'charts-live.ipynb'));
  const port = await freePort();
  let serverLog = '';
  const server = spawn(
    'jupyter',
    ['notebook', '--no-browser', '--allow-root', '--ip', '127.0.0.1', '--port', String(port), "--NotebookApp.token=''", "--NotebookApp.password=''", '--notebook-dir', dir],
    {
      env: { ...process.env, JUPYTER_PATH: privateJupyterPath(), JUPYTER_CONFIG_DIR: path.join(dir, '.jupyter-config'), JUPYTER_RUNTIME_DIR: path.join(dir, '.jupyter-runtime'), JUPYTER_DATA_DIR: path.join(dir, '.jupyter-data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout?.on('data', (b: Buffer) => (serverLog += b.toString()));
  server.stderr?.on('data', (b: Buffer) => (serverLog += b.toString()));
  const browser = await launchChromium();
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(`${base}/api`, server, () => serverLog);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${base}/notebooks/charts-live.ipynb`);
    await page.waitForFunction(
      () => {
        const J = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean; name: string } } } }).Jupyter;
        return J?.notebook?.kernel?.is_connected() === true;
      },
      undefined,
      { timeout: 60_000 },
    );
    const kernel = await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { kernel: { name: string } } } }).Jupyter.notebook.kernel.name);
    assert.equal(kernel, 'trainlab');
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());

    // Watch the live chart: how many epochs it shows, and whether its element survives (no re-render).
    const samples: Sample[] = [];
    let midShot = false;
    const start = Date.now();
    for (;;) {
      const s = await page.evaluate(() => {
        type PlotDiv = HTMLElement & { data?: Array<{ name?: string; x?: unknown[] }>; layout?: { title?: { text?: string } }; __e2e?: boolean };
        const divs = Array.from(document.querySelectorAll<PlotDiv>('.trainlab-chart'));
        const live = divs.find((d) => (d.layout?.title?.text ?? '').startsWith('Live training'));
        if (live === undefined || live.data === undefined) return undefined;
        const marked = live.__e2e === true;
        live.__e2e = true;
        const loss = live.data.find((t) => t.name === 'loss');
        return { points: loss?.x?.length ?? 0, marked, final: live.data.some((t) => t.name === 'best val_loss') };
      });
      if (s !== undefined) {
        samples.push({ t: Date.now() - start, ...s });
        if (!midShot && s.points >= 5 && !s.final) {
          midShot = true;
          fs.mkdirSync(ARTIFACTS, { recursive: true });
          const cell = page.locator('.cell').nth(3);
          await cell.screenshot({ path: path.join(ARTIFACTS, 'live-chart-training.png') });
        }
        if (s.final) break;
      }
      if (Date.now() - start > 240_000) throw new Error(`no final live chart after 240 s; samples: ${JSON.stringify(samples.slice(-5))}\n${serverLog.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const during = samples.filter((s) => !s.final);
    const counts = [...new Set(during.map((s) => s.points).filter((n) => n > 0))];
    assert.ok(counts.length >= 3, `several distinct point counts seen during training: ${counts.join(', ')}`);
    for (let i = 1; i < during.length; i++) assert.ok(during[i].points >= during[i - 1].points, 'points only grow');
    const firstWithPoints = during.findIndex((s) => s.points > 0);
    assert.ok(during.slice(firstWithPoints + 1).every((s) => s.marked), 'the live chart element was never replaced (no clearing) while training');
    assert.equal(samples[samples.length - 1].points, 20, 'final figure has every epoch');

    // Wait for the whole notebook, then every chart is drawn.
    await page.waitForFunction(() => {
      const divs = Array.from(document.querySelectorAll('.trainlab-chart'));
      return divs.length === 8 && divs.every((d) => d.querySelector('.main-svg') !== null);
    }, undefined, { timeout: 120_000 });
    await page.locator('.cell').nth(3).screenshot({ path: path.join(ARTIFACTS, 'live-chart-final.png') });
    await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-e2e.png'), fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(dialogs, []);
    fs.writeFileSync(path.join(ARTIFACTS, 'live-chart-samples.json'), JSON.stringify(samples, null, 1));

    // Save, then reopen in a fresh page without running anything: every chart renders from the saved outputs.
    await page.waitForFunction(() => (window as unknown as { Jupyter: { notebook: { kernel_busy?: boolean } } }).Jupyter.notebook.kernel_busy !== true, undefined, { timeout: 120_000 });
    // Re-run the first chart cell: plotly.js moves to it and leaves the last cell's chart (update_display_data).
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_cells(i: number[]): void } } }).Jupyter.notebook.execute_cells([2]));
    await page.waitForFunction(() => {
      const J = (window as unknown as { Jupyter: { notebook: { kernel_busy?: boolean; get_cell(i: number): { input_prompt_number: number | string } } } }).Jupyter;
      // Run All gave the 5 code cells prompts 1-5; the re-run is number 6.
      return J.notebook.get_cell(2).input_prompt_number === 6 && J.notebook.kernel_busy !== true;
    }, undefined, { timeout: 60_000 });
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { save_notebook(): Promise<unknown> } } }).Jupyter.notebook.save_notebook());
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'charts-live.ipynb'), 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
    const savedHtml = saved.cells.flatMap((c) => c.outputs ?? []).map((o) => [o.data?.['text/html']].flat().join(''));
    assert.equal(savedHtml.filter((h) => h.includes('plotly.js v')).length, 1, 'the saved notebook holds plotly.js once');
    const carrierCell = saved.cells.findIndex((c) => (c.outputs ?? []).some((o) => [o.data?.['text/html']].flat().join('').includes('plotly.js v')));
    assert.equal(carrierCell, 2, 'in the chart cell run last, above the other charts');
    const reopened = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const reopenErrors: string[] = [];
    reopened.on('pageerror', (e) => reopenErrors.push(String(e)));
    await reopened.goto(`${base}/notebooks/charts-live.ipynb`);
    await reopened.waitForFunction(() => {
      const divs = Array.from(document.querySelectorAll('.trainlab-chart'));
      return divs.length === 8 && divs.every((d) => d.querySelector('.main-svg') !== null);
    }, undefined, { timeout: 60_000 });
    await reopened.screenshot({ path: path.join(ARTIFACTS, 'notebook-reopened.png'), fullPage: true });
    assert.deepEqual(reopenErrors, []);
  } finally {
    await browser.close();
    if (server.pid !== undefined && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
