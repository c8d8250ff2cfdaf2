import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charts } from '../../src';
import { legendRows } from '../../src/charts/legend';

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
    assert.ok(legendTopPx >= 35.9 && legendTopPx <= 70, `legend rows fit under it (${legendTopPx} px)`);
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

// Runs for compareRuns: a fine, a diverged-midway (Infinity then NaN) and a diverged-from-the-start run.
const fine = { name: 'fine', history: [{ loss: 1, val_loss: 1.1 }, { loss: 0.5, val_loss: 0.6 }, { loss: 0.4, val_loss: 0.5 }], config: { learningRate: 0.01 } };
const midway = { name: 'midway', history: [{ loss: 1, val_loss: 1.2 }, { loss: 3, val_loss: 2.5 }, { loss: Infinity, val_loss: Infinity }, { loss: NaN, val_loss: NaN }], config: { learningRate: 1 } };
const start = { name: 'start', history: [{ loss: NaN, val_loss: NaN }, { loss: NaN, val_loss: NaN }], config: { learningRate: 10 } };

test('compareRuns keeps diverged runs: legend suffix, ✕ at the last finite point, annotation when none is finite, summary says so', () => {
  const fig = charts.compareRuns([fine, midway, start]);
  assert.deepEqual(
    fig.data.map((t) => [t.name, t.showlegend ?? true, t.legendgroup]),
    [
      ['fine: learningRate=0.01', true, 'run0'],
      ['midway: learningRate=1 (diverged at epoch 3)', true, 'run1'],
      ['midway: learningRate=1 (diverged at epoch 3): last finite value', false, 'run1'],
      ['start: learningRate=10 (diverged at epoch 1)', true, 'run2'],
    ],
  );
  assert.deepEqual(fig.data[1].y, [1.2, 2.5, null, null]);
  const cross = fig.data[2];
  assert.deepEqual([cross.x, cross.y, (cross.marker as { symbol: string; color: string }).symbol, (cross.marker as { color: string }).color], [[2], [2.5], 'x-thin', '#ef553b']);
  assert.deepEqual(fig.data[3].y, [null, null]);
  assert.deepEqual(fig.layout.annotations, [
    { x: 1, xref: 'x', y: 1, yref: 'paper', yanchor: 'top', xanchor: 'left', showarrow: false, text: '✕ start: val_loss not finite from epoch 1 (diverged)', font: { color: '#00cc96', size: 12 } },
  ]);
  assert.equal(
    charts.figureSummary(fig),
    [
      'val_loss by run (4 traces)',
      '  fine: learningRate=0.01: 3 points, last 0.5 (at 3), min 0.5 (at 3)',
      '  midway: learningRate=1 (diverged at epoch 3): 2 points, last 2.5 (at 2), min 1.2 (at 1)',
      '  midway: learningRate=1 (diverged at epoch 3): last finite value: 2.5 at 2',
      '  start: learningRate=10 (diverged at epoch 1): no finite values (2 missing, NaN or infinite)',
    ].join('\n'),
  );
  // Unnamed runs are named by their differing parameters.
  const unnamed = charts.compareRuns([{ ...fine, name: undefined }, { ...start, name: undefined }]);
  assert.equal((unnamed.layout.annotations as Array<{ text: string }>)[0].text, '✕ learningRate=10: val_loss not finite from epoch 1 (diverged)');
  // A run that recovers from a NaN is not diverged; a fine run set has no annotations.
  const recovered = charts.compareRuns([{ history: [{ loss: 1 }, { loss: NaN }, { loss: 0.5 }] }]);
  assert.deepEqual(recovered.data.map((t) => t.name), ['run 1']);
  assert.equal(recovered.layout.annotations, undefined);
});

test('compareRuns: long legend entries go below the plot in rows, short ones stay on the right', () => {
  const long = [
    { name: 'a', history: fine.history, config: { learningRate: 0.01, batchSize: 32, optimizer: { name: 'adam', beta1: 0.9 } } },
    { name: 'b', history: fine.history, config: { learningRate: 0.1, batchSize: 64, optimizer: { name: 'sgd', beta1: 0.8 } } },
  ];
  const fig = charts.compareRuns(long);
  const layout = fig.layout as unknown as LegendLayout & { legend: { title: { text: string; side: string } } };
  assert.equal(layout.legend.orientation, 'h');
  assert.deepEqual(layout.legend.title, { text: 'differs: learningRate, batchSize, optimizer.name, optimizer.beta1', side: 'top' });
  // 2 entries of 70 characters (one per row) + the title row, 28 px each + 8.
  assert.equal(Math.round(layout.legend.y * layout.height), 3 * 28 + 8);
  assert.equal(layout.margin.b, 62 + 3 * 28 + 8);
  assert.equal(layout.height, 450 + layout.margin.b - 40, 'plot area unchanged');
  const short = charts.compareRuns([fine, { ...fine, name: 'other', config: { learningRate: 0.1 } }]);
  assert.deepEqual(short.layout.legend, { title: { text: 'differs: learningRate' } });
  assert.equal(short.layout.height, 450);
});
