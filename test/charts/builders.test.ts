import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charts, ChartError } from '../../src';
import type { Trace } from '../../src/charts';

const rows = [
  { loss: 1.0, val_loss: 1.2, acc: 0.5, val_acc: 0.4, lr: 0.01 },
  { loss: 0.6, val_loss: 0.7, acc: 0.7, val_acc: 0.6, lr: 0.01 },
  { loss: 0.4, val_loss: 0.8, acc: 0.8, val_acc: 0.65, lr: 0.001 },
];
const byName = (data: Trace[], name: string): Trace => {
  const t = data.find((d) => d.name === name);
  assert.ok(t, `trace ${name} in [${data.map((d) => d.name).join(', ')}]`);
  return t;
};
const evil = '</script><img src=x onerror=alert(1)>';
const escaped = '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;';

test('lossCurves: same figure from rows, a run result and a tfjs History', () => {
  const history = { history: { loss: rows.map((r) => r.loss), val_loss: rows.map((r) => r.val_loss), acc: rows.map((r) => r.acc), val_acc: rows.map((r) => r.val_acc), lr: rows.map((r) => r.lr) }, epoch: [0, 1, 2] };
  const figs = [charts.lossCurves(rows), charts.lossCurves({ history: rows }), charts.lossCurves(history), charts.lossCurves({ columns: Object.keys(rows[0]), values: rows.map((r) => Object.values(r)) })];
  for (const fig of figs) assert.deepEqual(fig, figs[0]);
  const fig = figs[0];
  assert.deepEqual(fig.data.map((d) => d.name), ['loss', 'val_loss', 'acc', 'val_acc', 'learning rate', 'best val_loss']);
  assert.deepEqual(byName(fig.data, 'loss').x, [1, 2, 3]);
  assert.deepEqual(byName(fig.data, 'val_loss').y, [1.2, 0.7, 0.8]);
  assert.equal((byName(fig.data, 'val_loss').line as { dash: string }).dash, 'dash');
  assert.equal(byName(fig.data, 'acc').yaxis, 'y2', 'accuracy in its own panel');
  const lr = byName(fig.data, 'learning rate');
  assert.equal(lr.yaxis, 'y3');
  assert.deepEqual(fig.layout.yaxis3, {
    title: { text: 'learning rate' }, overlaying: 'y', side: 'right', anchor: 'x', showgrid: false, tickfont: { size: 10 },
    type: 'log', tickmode: 'array', tickvals: [0.001, 0.002, 0.005, 0.01], ticktext: ['0.001', '0.002', '0.005', '0.01'],
  });
  const best = byName(fig.data, 'best val_loss');
  assert.deepEqual([best.x, best.y], [[2], [0.7]]);
  assert.equal(fig.layout.shapes?.[0].x0, 2);
});

test('lossCurves options: logY, showLR, metrics, title escaping, bestEpoch from the run', () => {
  const fig = charts.lossCurves({ history: rows, bestEpoch: 0, monitor: 'val_acc' }, { logY: true, showLR: false, title: evil });
  assert.equal(fig.layout.title?.text, escaped);
  assert.equal(fig.layout.yaxis?.type, 'log', 'loss panel on log scale');
  assert.equal((fig.layout.yaxis2 as { type?: string }).type, undefined, 'accuracy stays linear');
  assert.equal(fig.data.some((d) => d.name === 'learning rate'), false);
  const best = byName(fig.data, 'best val_acc');
  assert.deepEqual([best.x, best.y, best.yaxis], [[1], [0.4], 'y2']);
  const lossOnly = charts.lossCurves(rows, { metrics: ['loss'], markBest: false });
  assert.deepEqual(lossOnly.data.map((d) => d.name), ['loss', 'val_loss', 'learning rate']);
});

test('lossCurves: best epoch of a maximised metric, and rows with their own epoch numbers', () => {
  const fig = charts.lossCurves([{ epoch: 4, acc: 0.5 }, { epoch: 5, acc: 0.9 }, { epoch: 6, acc: 0.7 }], { monitor: 'acc' });
  assert.deepEqual(byName(fig.data, 'acc').x, [5, 6, 7]);
  assert.deepEqual(byName(fig.data, 'best acc').x, [6]);
});

test('lossCurves: bad input errors name the problem', () => {
  const cases: Array<[unknown, object, RegExp]> = [
    [[], {}, /history is empty/],
    [42, {}, /expected a run result/],
    [{ history: 'x' }, {}, /history must be an array of rows/],
    [[1, 2], {}, /history\[0\] must be an object/],
    [rows, { metrics: ['mae'] }, /metric "mae" is not in the history. Available: loss, acc/],
    [[{ loss: 1 }], { showLR: true }, /no `lr` values/],
    [rows, { monitor: 'val_mae' }, /monitor "val_mae" is not in the history/],
  ];
  for (const [input, options, message] of cases) {
    assert.throws(() => charts.lossCurves(input as never, options), (e: unknown) => e instanceof ChartError && message.test(e.message), String(message));
  }
});

test('compareRuns: one colour per run, legend names the differing parameters', () => {
  const runs = [
    { name: 'a', history: [{ loss: 1, val_loss: 1.1 }, { loss: 0.5, val_loss: 0.6 }], config: { learningRate: 0.1, batchSize: 32, optimizer: { name: 'adam' }, epochs: 2 } },
    { name: evil, history: [{ loss: 1, val_loss: 1.0 }, { loss: 0.7, val_loss: 0.9 }], config: { learningRate: 0.01, batchSize: 32, optimizer: { name: 'sgd' }, epochs: 2 } },
  ];
  const fig = charts.compareRuns(runs);
  assert.deepEqual(fig.data.map((d) => d.name), ['a: learningRate=0.1, optimizer.name=adam', `${escaped}: learningRate=0.01, optimizer.name=sgd`]);
  assert.deepEqual(fig.data.map((d) => d.y), [[1.1, 0.6], [1.0, 0.9]]);
  const colours = fig.data.map((d) => (d.line as { color: string }).color);
  assert.notEqual(colours[0], colours[1]);
  assert.equal(fig.layout.title?.text, 'val_loss by run');
  assert.equal((fig.layout.legend as { title: { text: string } }).title.text, 'differs: learningRate, optimizer.name');
  const named = charts.compareRuns({ first: { history: [{ loss: 1 }] }, second: { history: [{ loss: 2 }] } }, { metric: 'loss' });
  assert.deepEqual(named.data.map((d) => d.name), ['first', 'second']);
  const unnamed = charts.compareRuns([[{ loss: 1 }], [{ loss: 2 }]]);
  assert.deepEqual(unnamed.data.map((d) => d.name), ['run 1', 'run 2']);
  const withTrain = charts.compareRuns(runs, { showTrain: true });
  assert.equal(withTrain.data.length, 4);
  assert.throws(() => charts.compareRuns([]), /no runs given/);
  assert.throws(() => charts.compareRuns([{ history: [{ loss: 1 }] }], { metric: 'val_acc' }), /run 0 has no "val_acc" values/);
});

test('differingParams and flattenConfig', () => {
  assert.deepEqual(charts.flattenConfig({ a: 1, b: { c: 2, d: { e: 'x' } }, f: [1, 2] }), { a: 1, 'b.c': 2, 'b.d.e': 'x', f: [1, 2] });
  assert.deepEqual(charts.differingParams([{ a: 1, b: 2, c: [1] }, { a: 1, b: 3, c: [2] }, undefined]), ['a', 'b', 'c']);
  assert.deepEqual(charts.differingParams([{ a: 1 }, { a: 1 }]), []);
});

test('lrFinder: log x axis, smoothed curve, each suggestion marked at its loss', () => {
  const result = { lrs: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1], losses: [2, 1.9, 1.2, 0.8, 4], smoothedLosses: [2, 1.95, 1.5, 1.0, 2.5], suggestions: { steepest: 1e-3, minimumDiv10: 1e-3, valley: { lr: 2e-3, loss: 1.3 }, none: undefined } };
  const fig = charts.lrFinder(result);
  assert.equal(fig.layout.xaxis?.type, 'log');
  assert.deepEqual(fig.data.map((d) => d.name), ['loss', 'smoothed loss', 'steepest: 0.001', 'minimumDiv10: 0.001', 'valley: 0.002']);
  assert.deepEqual([fig.data[2].x, fig.data[2].y], [[1e-3], [1.5]]);
  assert.deepEqual([fig.data[4].x, fig.data[4].y], [[2e-3], [1.3]]);
  assert.equal(fig.layout.shapes?.length, 3);
  assert.equal(charts.lrFinder(result, { showRaw: false }).data[0].name, 'smoothed loss');
  assert.throws(() => charts.lrFinder({ lrs: [0, 1], losses: [1, 2] }), /lrs\[0\] is 0/);
  assert.throws(() => charts.lrFinder({ lrs: [1, 2], losses: [1] }), /same length/);
  assert.throws(() => charts.lrFinder({} as never), /non-empty arrays lrs and losses/);
});

test('sweepResults: parallel coordinates by default, scatter for one parameter, failed runs left out', () => {
  const rows = [
    { learningRate: 0.1, optimizer: 'adam', batchSize: 32, best_val_loss: 0.3, timeMs: 10 },
    { learningRate: 0.01, optimizer: evil, batchSize: 32, best_val_loss: 0.5, timeMs: 12 },
    { learningRate: 0.001, optimizer: 'adam', batchSize: 32, best_val_loss: 0.2, timeMs: 9 },
    { learningRate: 1, optimizer: 'sgd', batchSize: 32, best_val_loss: Number.NaN, error: 'diverged' },
  ];
  const fig = charts.sweepResults(rows);
  assert.equal(fig.data.length, 1);
  const pc = fig.data[0] as Trace & { dimensions: Array<{ label: string; values: number[]; ticktext?: string[] }> };
  assert.equal(pc.type, 'parcoords');
  assert.deepEqual(pc.dimensions.map((d) => d.label), ['log10(learningRate)', 'optimizer', 'best_val_loss']);
  assert.deepEqual(pc.dimensions[0].values.map((v) => Math.round(v)), [-1, -2, -3]);
  assert.deepEqual(pc.dimensions[1].values, [0, 1, 0]);
  assert.deepEqual(pc.dimensions[1].ticktext, ['adam\u00a0', `${evil}\u00a0`], 'parcoords tick text is plain SVG text (a no-break space keeps it off the axis line)');
  assert.match(fig.layout.title?.text ?? '', /1 failed run left out/);
  const scatter = charts.sweepResults(rows, { params: ['learningRate'], metric: 'best_val_loss' });
  assert.equal(scatter.data[0].type, 'scatter');
  assert.deepEqual(scatter.data[0].x, [0.1, 0.01, 0.001]);
  assert.equal(scatter.layout.xaxis?.type, 'log');
  const df = { columns: ['lr', 'val_loss'], values: [[0.1, 0.4], [0.2, 0.3]] };
  assert.deepEqual(charts.sweepResults(df).data[0].y, [0.4, 0.3]);
  assert.throws(() => charts.sweepResults(rows, { metric: 'acc' }), /metric "acc" is not a column/);
  assert.throws(() => charts.sweepResults([]), /non-empty array/);
});

test('timingBars: horizontal bars per group with value labels', () => {
  const fig = charts.timingBars([{ label: 'cpu', value: 120, group: 'fit' }, { label: 'wasm', value: 40, group: 'fit', error: 2 }, { label: 'cpu', value: 30, group: 'predict' }], { unit: 's', title: 'Backends' });
  assert.deepEqual(fig.data.map((d) => [d.name, d.x, d.y]), [['fit', [120, 40], ['cpu', 'wasm']], ['predict', [30], ['cpu']]]);
  assert.deepEqual(fig.data[0].text, ['120 s', '40 s']);
  assert.deepEqual((fig.data[0].error_x as { array: number[] }).array, [0, 2]);
  const simple = charts.timingBars({ [evil]: 5, b: 1 }, { sort: true, orientation: 'v' });
  assert.deepEqual([simple.data[0].x, simple.data[0].y], [['b', escaped], [1, 5]]);
  assert.throws(() => charts.timingBars([{ label: 'x', value: Number.NaN }]), /item 0 must be/);
});

test('fitPowerLaw recovers exponent and coefficient; scalingPlot draws fits on log-log axes', () => {
  const pts = [1, 2, 4, 8, 16].map((x) => ({ x, y: 3 * x ** 1.5 }));
  const fit = charts.fitPowerLaw(pts);
  assert.ok(Math.abs(fit.slope - 1.5) < 1e-12);
  assert.ok(Math.abs(fit.coefficient - 3) < 1e-12);
  assert.ok(Math.abs(fit.r2 - 1) < 1e-12);
  assert.ok(Math.abs(fit.predict(32) - 3 * 32 ** 1.5) < 1e-9);
  const fig = charts.scalingPlot([...pts.map((p) => ({ ...p, series: 'a' })), { x: 1, y: 1, series: 'b' }, { x: 10, y: 10, series: 'b' }], { xTitle: 'batch', yTitle: 'ms', referenceSlope: 1 });
  assert.equal(fig.layout.xaxis?.type, 'log');
  assert.equal(fig.layout.yaxis?.type, 'log');
  assert.deepEqual(fig.data.filter((d) => d.mode === 'markers+lines').map((d) => d.name), ['a (slope 1.50)', 'b (slope 1.00)']);
  assert.throws(() => charts.fitPowerLaw([{ x: 1, y: 1 }]), /at least 2 points/);
  assert.throws(() => charts.fitPowerLaw([{ x: 1, y: 1 }, { x: 1, y: 2 }]), /same x/);
  assert.throws(() => charts.scalingPlot([{ x: 0, y: 1 }]), /must be > 0/);
});

test('lossSurface: contour grid of f and trajectories with start/end markers', () => {
  const fig = charts.lossSurface({ f: (x, y) => x * x + 2 * y * y, xRange: [-1, 1], yRange: [-2, 2], resolution: 5, trajectories: [{ name: 'sgd', points: [[1, 1], [0.5, 0.2], [0, 0]] }, { points: { x: [1, 0], y: [-1, 0] } }] });
  const contour = fig.data[0];
  assert.equal(contour.type, 'contour');
  assert.deepEqual(contour.x, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(contour.y, [-2, -1, 0, 1, 2]);
  assert.equal(contour.z?.[0][2], 8, 'z[row=y][col=x]: f(0, -2)');
  assert.equal(contour.z?.[2][4], 1, 'f(1, 0)');
  assert.deepEqual(fig.data.slice(1).map((d) => d.name), ['sgd', 'sgd start/end', 'path 2', 'path 2 start/end']);
  assert.deepEqual(fig.data[2].x, [1, 0]);
  const logZ = charts.lossSurface({ f: () => 100, xRange: [0, 1], yRange: [0, 1], resolution: 2, logZ: true });
  assert.equal(logZ.data[0].z?.[0][0], 2);
  assert.throws(() => charts.lossSurface({ f: () => 0, xRange: [1, 0], yRange: [0, 1] }), /xRange must be \[min, max\]/);
  assert.throws(() => charts.lossSurface({ f: () => 0, xRange: [0, 1], yRange: [0, 1], resolution: 1 }), /resolution/);
});
