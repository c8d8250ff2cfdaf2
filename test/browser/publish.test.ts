// scripts/publish.js's pictures: real PNGs drawn by plotly.js in headless Chromium, at the
// width publish uses and each figure's own height.
import { test } from 'node:test';
import assert from 'node:assert/strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderFigures } = require('../../scripts/publish') as {
  renderFigures(figures: unknown[]): Promise<Array<{ png: string; width: number; height: number }>>;
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(base64: string): { width: number; height: number } {
  const bytes = Buffer.from(base64, 'base64');
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('renderFigures draws each figure to a PNG of the publish width and the figure height', async () => {
  const line = { data: [{ type: 'scatter', mode: 'lines', x: [1, 2, 3], y: [3, 1, 2], name: 'loss' }], layout: { title: { text: 'loss by epoch' }, height: 320 } };
  const bars = { data: [{ type: 'bar', x: ['cpu', 'wasm'], y: [120, 40] }], layout: { title: { text: 'ms per epoch' } } };
  const pictures = await renderFigures([line, bars]);
  assert.equal(pictures.length, 2);
  assert.deepEqual(pngSize(pictures[0].png), { width: 860, height: 320 });
  assert.deepEqual(pngSize(pictures[1].png), { width: 860, height: 450 }, 'a figure without a height gets 450 px');
  assert.deepEqual(pictures.map((p) => [p.width, p.height]), [[860, 320], [860, 450]]);
  assert.notEqual(pictures[0].png, pictures[1].png);
  // A drawn chart, not an empty canvas: a blank 860x320 PNG compresses to well under 2 kB.
  assert.ok(Buffer.from(pictures[0].png, 'base64').length > 5000, `PNG of ${Buffer.from(pictures[0].png, 'base64').length} bytes`);
});

test('renderFigures of no figures starts no browser and returns none', async () => {
  assert.deepEqual(await renderFigures([]), []);
});
