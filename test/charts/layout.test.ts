import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charts } from '../../src';
import { legendRows } from '../../src/charts/lossCurves';

const rows = Array.from({ length: 5 }, (_, i) => ({ loss: 1 / (i + 1), val_loss: 1.2 / (i + 1), acc: 0.5 + 0.1 * i, val_acc: 0.45 + 0.1 * i, lr: 0.01 }));
const noLr = rows.map(({ lr: _lr, ...r }) => r);
const lossOnly = rows.map((r) => ({ loss: r.loss, val_loss: r.val_loss, lr: r.lr }));

interface LegendLayout {
  height: number;
  margin: { b: number; t: number };
  legend: { orientation: string; yref: string; y: number; yanchor: string };
  xaxis: { title: { text: string; standoff: number }; automargin: boolean };
}

// Legend under the "epoch" title: its top edge (container coordinates, px from the bottom) is
// below the 62 px the tick labels and title take under the plot area, and inside the figure.
for (const [name, input, panels] of [
  ['loss + acc with lr', rows, 2],
  ['loss + acc without lr', noLr, 2],
  ['loss only with lr', lossOnly, 1],
] as const) {
  test(`lossCurves legend does not overlap the epoch title: ${name}`, () => {
    const layout = charts.lossCurves(input).layout as unknown as LegendLayout;
    assert.equal(layout.legend.orientation, 'h');
    assert.equal(layout.legend.yref, 'container');
    assert.equal(layout.legend.yanchor, 'top');
    const legendTopPx = layout.legend.y * layout.height;
    assert.equal(Math.round(layout.margin.b - legendTopPx), 62, 'tick labels + title fit between plot and legend');
    assert.ok(legendTopPx >= 29.9 && legendTopPx <= 60, `legend rows fit under it (${legendTopPx} px)`);
    assert.equal(layout.height - layout.margin.b - layout.margin.t, 260 * panels + 120 - 40 - 60, 'plot area as tall as before the legend moved');
    assert.equal(layout.xaxis.title.text, 'epoch');
    assert.equal(layout.xaxis.automargin, true);
  });
}

test('legendRows wraps long legends', () => {
  const cases: Array<[string[], number, number]> = [
    [['loss', 'val_loss'], 560, 1],
    [['loss', 'val_loss', 'acc', 'val_acc', 'learning rate', 'best val_loss'], 560, 2],
    [['loss', 'val_loss', 'acc', 'val_acc', 'learning rate', 'best val_loss'], 1000, 1],
    [['x'.repeat(100), 'y'.repeat(100)], 560, 2],
    [[], 560, 1],
  ];
  for (const [names, width, expected] of cases) assert.equal(legendRows(names, width), expected, names.join(','));
});
