import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charts } from '../../src';
import { constantValue, formatNumber, logTicks } from '../../src/charts/ticks';
import type { Axis, Figure } from '../../src/charts/types';

// Log axes: decades, or full numbers (0.2, 0.5) when the data span less than two decades;
// never Plotly's bare minor digits; one format per axis.
const tickCases: Array<[string, number[], number[], string[]]> = [
  ['seven decades of learning rate', [1e-7, 3e-5, 1], [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1], ['10⁻⁷', '10⁻⁶', '10⁻⁵', '10⁻⁴', '10⁻³', '10⁻²', '10⁻¹', '10⁰']],
  ['one decade of loss', [0.12, 0.9], [0.1, 0.2, 0.5, 1], ['0.1', '0.2', '0.5', '1']],
  ['a narrow range', [0.31, 0.55], [0.3, 0.4, 0.5, 0.6, 0.7, 0.8], ['0.3', '0.4', '0.5', '0.6', '0.7', '0.8']],
  ['huge values', [1e15, 1e25], [1e15, 1e17, 1e19, 1e21, 1e23, 1e25], ['10¹⁵', '10¹⁷', '10¹⁹', '10²¹', '10²³', '10²⁵']],
  ['tiny values within a decade', [2e-9, 7e-9], [2e-9, 3e-9, 4e-9, 5e-9, 6e-9, 7e-9, 8e-9, 9e-9, 1e-8], ['2×10⁻⁹', '3×10⁻⁹', '4×10⁻⁹', '5×10⁻⁹', '6×10⁻⁹', '7×10⁻⁹', '8×10⁻⁹', '9×10⁻⁹', '10⁻⁸']],
  ['from hundreds to 100k', [300, 2e5], [100, 1000, 1e4, 1e5, 1e6], ['10²', '10³', '10⁴', '10⁵', '10⁶']],
  ['NaN, 0 and negatives ignored', [Number.NaN, 0, -1, 0.01, 0.1], [0.01, 0.02, 0.05, 0.1], ['0.01', '0.02', '0.05', '0.1']],
];
for (const [name, values, tickvals, ticktext] of tickCases) {
  test(`logTicks: ${name}`, () => {
    assert.deepEqual(logTicks(values), { tickvals, ticktext });
  });
}

test('logTicks: no positive value, no ticks', () => {
  assert.equal(logTicks([Number.NaN, 0, -2]), undefined);
});

/** True when every label of the axis has the same form: all plain decimals, or all powers of ten. */
function oneFormat(labels: string[]): boolean {
  const kinds = new Set(labels.map((l) => (/10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]/.test(l) ? 'power' : /^-?\d+(\.\d+)?$/.test(l) ? 'plain' : 'other')));
  return kinds.size === 1 && !kinds.has('other');
}

function logAxesOf(fig: Figure): Array<[string, Axis]> {
  return Object.entries(fig.layout).filter((e): e is [string, Axis] => /^[xy]axis\d*$/.test(e[0]) && (e[1] as Axis).type === 'log');
}

const epochs = (n: number, f: (i: number) => Record<string, number>) => Array.from({ length: n }, (_, i) => f(i));
const figures: Array<[string, Figure]> = [
  ['lossCurves logY + decaying lr', charts.lossCurves(epochs(30, (i) => ({ loss: 2 * 0.8 ** i, val_loss: 2.2 * 0.82 ** i, lr: 0.1 * 0.9 ** i })), { logY: true })],
  ['lrFinder', charts.lrFinder({ lrs: epochs(50, (i) => ({ v: 1e-7 * 10 ** (i / 7) })).map((r) => r.v), losses: epochs(50, (i) => ({ v: 2 - i / 50 })).map((r) => r.v) })],
  ['scalingPlot over huge and tiny values', charts.scalingPlot([{ x: 1, y: 1e-9 }, { x: 1e6, y: 1e20 }, { x: 1e3, y: 1 }])],
  ['compareRuns logY', charts.compareRuns([{ name: 'a', history: epochs(10, (i) => ({ loss: 10 ** -i })) }, { name: 'b', history: epochs(10, (i) => ({ loss: 2 * 10 ** -i })) }], { metric: 'loss', logY: true })],
  ['timingBars log', charts.timingBars({ cpu: 1200, wasm: 300, webgl: 3 }, { log: true })],
];
for (const [name, fig] of figures) {
  test(`${name}: every log axis has decade or full-number labels, one format`, () => {
    const axes = logAxesOf(fig);
    assert.ok(axes.length >= 1, 'has a log axis');
    for (const [key, axis] of axes) {
      assert.equal(axis.tickmode, 'array', `${key} labels its own ticks`);
      const text = axis.ticktext as string[];
      assert.ok(text.length >= 2, `${key} has ${text.length} labels`);
      assert.ok(oneFormat(text), `${key} mixes formats: ${text.join(', ')}`);
      for (const [i, v] of (axis.tickvals as number[]).entries()) {
        const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
        assert.ok([1, 2, 3, 4, 5, 6, 7, 8, 9].some((m) => Math.abs(m - mantissa) < 1e-6), `${key} tick ${v}`);
        assert.ok(!/^[2-9]$/.test(text[i]) || String(v) === text[i], `${key}: ${v} labelled with a bare digit`);
      }
    }
  });
}

test('lossCurves: a constant learning rate gets no second axis; the legend names it', () => {
  const fig = charts.lossCurves(epochs(5, (i) => ({ loss: 1 / (i + 1), val_loss: 1.1 / (i + 1), lr: 0.1 })));
  assert.equal(fig.layout.yaxis2, undefined, 'no learning-rate axis');
  const lr = fig.data.filter((t) => /learning rate/.test(t.name ?? ''));
  assert.deepEqual(lr.map((t) => t.name), ['learning rate 0.1 (constant)']);
  assert.deepEqual([lr[0].x, lr[0].y, lr[0].yaxis], [[null], [null], 'y'], 'a legend entry without points');
});

test('lossCurves: a changing learning rate has its log axis on the right, labelled at decades', () => {
  const fig = charts.lossCurves(epochs(5, (i) => ({ loss: 1 / (i + 1), lr: 0.1 / 10 ** i })));
  const axis = fig.layout.yaxis2 as Axis;
  assert.equal(axis.title?.text, 'learning rate');
  assert.deepEqual([axis.type, axis.side, axis.overlaying], ['log', 'right', 'y']);
  assert.deepEqual(axis.ticktext, ['10⁻⁵', '10⁻⁴', '10⁻³', '10⁻²', '10⁻¹']);
});

test('titles name what is measured and its unit', () => {
  const cases: Array<[Figure, string, string]> = [
    [charts.timingBars({ a: 1 }), 'xaxis', 'time (ms)'],
    [charts.timingBars({ a: 1 }, { unit: 's', orientation: 'v' }), 'yaxis', 'time (s)'],
    [charts.timingBars({ a: 1 }, { unit: 'samples/s' }), 'xaxis', 'samples/s'],
    [charts.lrFinder({ lrs: [1e-4, 1e-3], losses: [1, 0.5] }), 'xaxis', 'learning rate'],
    [charts.lossCurves([{ loss: 1, acc: 0.5 }, { loss: 0.5, acc: 0.7 }]), 'yaxis2', 'acc'],
  ];
  for (const [fig, axis, title] of cases) assert.equal((fig.layout[axis] as Axis).title?.text, title);
});

test('constantValue and formatNumber', () => {
  assert.deepEqual([constantValue([0.1, 0.1, Number.NaN]), constantValue([0.1, 0.01]), constantValue([])], [0.1, undefined, undefined]);
  assert.deepEqual([0.1, 0.00012345, 3e-7, 123456, 2].map(formatNumber), ['0.1', '0.0001234', '3.00e-7', '1.23e5', '2']);
});

// One tick per epoch only when the axis shows at most 12 epochs: decided on the span of the
// epochs, not on the number of rows (12 rows logged every 100 epochs span 1101 epochs).
for (const [name, rows, dtick] of [
  ['12 consecutive epochs', Array.from({ length: 12 }, (_, i) => ({ epoch: i, loss: 1 / (i + 1) })), 1],
  ['13 consecutive epochs', Array.from({ length: 13 }, (_, i) => ({ epoch: i, loss: 1 / (i + 1) })), undefined],
  ['5 epochs of a continued fit (from epoch 1000)', Array.from({ length: 5 }, (_, i) => ({ epoch: 1000 + i, loss: 1 / (i + 1) })), 1],
  ['12 rows logged every 100 epochs', Array.from({ length: 12 }, (_, i) => ({ epoch: i * 100, loss: 1 / (i + 1) })), undefined],
] as const) {
  test(`lossCurves epoch ticks: ${name}`, () => {
    const fig = charts.lossCurves(rows.map((r) => ({ ...r })));
    assert.equal((fig.layout.xaxis as Axis).dtick, dtick);
  });
}

test('lossCurves of a 300,000-epoch history: Plotly picks the ticks (no spread of every epoch into Math.max)', () => {
  const fig = charts.lossCurves(Array.from({ length: 300_000 }, (_, i) => ({ loss: 1 / (i + 1) })));
  assert.equal((fig.layout.xaxis as Axis).dtick, undefined);
});
