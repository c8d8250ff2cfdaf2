import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { galleryCases, galleryPage } from '../../src/charts/gallery';
import { launchChromium } from './chromium';

const OUT = path.join(__dirname, '..', '..', 'build', 'test-gallery');

/** What the page reports for one chart: text boxes that intersect, and texts outside the figure. */
interface ChartReport {
  id: string;
  texts: number;
  overlaps: string[];
  clipped: string[];
}

/**
 * In the page: every visible SVG text of each chart (titles, tick labels, legend entries,
 * annotations, colour bars, parallel-coordinate labels; the hover layer excluded), its
 * bounding box, pairs whose boxes intersect by more than 1 px both ways, and boxes that
 * reach outside the figure.
 */
function inspectCharts(): ChartReport[] {
  const describe = (el: Element): string => {
    const cls = (el.closest('[class]')?.getAttribute('class') ?? '').split(' ')[0];
    return `"${(el.textContent ?? '').trim().slice(0, 40)}" (${cls})`;
  };
  return Array.from(document.querySelectorAll<HTMLElement>('.trainlab-chart')).map((chart) => {
    const frame = chart.querySelector('.main-svg')!.getBoundingClientRect();
    const texts = Array.from(chart.querySelectorAll<SVGTextElement>('svg text')).filter((t) => {
      if (t.closest('.hoverlayer') !== null || (t.textContent ?? '').trim() === '') return false;
      for (let e: Element | null = t; e !== null && e !== chart; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0 || Number(s.fillOpacity) === 0) return false;
      }
      const r = t.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    });
    const boxes = texts.map((t) => t.getBoundingClientRect());
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) overlaps.push(`${describe(texts[i])} × ${describe(texts[j])}`);
      }
    }
    const clipped = texts
      .filter((_, i) => boxes[i].left < frame.left - 1 || boxes[i].right > frame.right + 1 || boxes[i].top < frame.top - 1 || boxes[i].bottom > frame.bottom + 1)
      .map(describe);
    return { id: chart.id, texts: texts.length, overlaps, clipped };
  });
}

test('every chart builder, typical and awkward inputs: no two texts overlap, nothing clipped (Chromium, gallery page)', async () => {
  const cases = galleryCases();
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, 'gallery.html');
  fs.writeFileSync(file, galleryPage(cases));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // tsx names functions with a __name helper the page does not have.
    await page.addInitScript('window.__name = (f) => f');
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const divs = Array.from(document.querySelectorAll('.trainlab-chart'));
      return divs.length > 0 && divs.every((d) => d.querySelector('.main-svg') !== null);
    }, undefined, { timeout: 60_000 });
    // Parallel coordinates and contours finish drawing a frame later.
    await page.waitForTimeout(500);
    const reports = await page.evaluate(inspectCharts);
    assert.deepEqual(errors, []);
    assert.equal(reports.length, cases.length, 'every case drawn');
    const problems = reports.flatMap((r, i) => [
      ...r.overlaps.map((o) => `${cases[i].builder} (${cases[i].input}): overlap ${o}`),
      ...r.clipped.map((c) => `${cases[i].builder} (${cases[i].input}): clipped ${c}`),
    ]);
    for (const [i, r] of reports.entries()) assert.ok(r.texts >= 4, `${cases[i].builder} (${cases[i].input}) has its texts (${r.texts})`);
    if (process.env.TRAINLAB_SCREENSHOTS !== undefined) await page.screenshot({ path: path.join(OUT, 'gallery.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
