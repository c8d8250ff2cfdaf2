import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, runNotebook } from '../helpers/notebook';
import { launchChromium } from './chromium';

const EVIL = '</script><img src=x onerror=alert(1)>';

test('nbconvert HTML export of the executed charts-demo: every chart drawn offline, no page errors, user text stays text', async () => {
  const nb = await runNotebook(path.join(ROOT, 'test', 'fixtures', 'notebooks', 'charts-demo.ipynb'), { outDir: path.join(ROOT, 'build', 'test-notebooks', 'browser') });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const dialogs: string[] = [];
    const remote: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // Offline: only the file itself may load; note what else the page asks for.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      remote.push(url);
      return route.abort();
    });
    await page.goto(`file://${nb.htmlPath}`, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const divs = Array.from(document.querySelectorAll('.trainlab-chart'));
      return divs.length > 0 && divs.every((d) => d.querySelector('.main-svg') !== null);
    }, undefined, { timeout: 30_000 });
    const perChart = await page.$$eval('.trainlab-chart', (divs) => divs.map((d) => d.querySelectorAll('.main-svg').length));
    assert.equal(perChart.length, 8);
    for (const n of perChart) assert.ok(n >= 2, `a drawn Plotly chart has its .main-svg layers: ${perChart.join(', ')}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(dialogs, [], 'no injected script ran');
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    const text = await page.evaluate(() => document.body.innerText);
    assert.ok(text.includes(EVIL), 'the evil run name is shown as text');
    assert.deepEqual(remote.filter((u) => /plotly/i.test(u)), [], 'plotly.js never fetched from the network');
    fs.mkdirSync(path.join(ROOT, 'build', 'artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'build', 'artifacts', 'nbconvert-export.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});
