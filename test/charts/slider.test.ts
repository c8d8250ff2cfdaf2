import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charts, ChartError } from '../../src';
import { figureToHTML } from '../../src/charts';
import type { Figure, Trace } from '../../src/charts';

const run = (scale: number, epochs = 3) => ({ history: Array.from({ length: epochs }, (_, i) => ({ epoch: i, loss: scale / (i + 1), val_loss: (1.2 * scale) / (i + 1), acc: 0.5 + 0.1 * i })) });
type Slider = { active: number; steps: Array<{ label: string; method: string; args: [{ visible: boolean[] }, { annotations: unknown[] }] }>; currentvalue: { prefix: string } };
const sliderOf = (fig: Figure): Slider => (fig.layout.sliders as Slider[])[0];

test('slider: one trace group per run, one step per value; each step shows its group only', () => {
  const cases: Array<[string, Parameters<typeof charts.slider>, { names: string[]; labels: string[]; active: number; yRange: [number, number] }]> = [
    [
      'learning rates, default metrics',
      [[{ value: 0.001, run: run(1) }, { value: 0.01, run: run(2) }, { value: 0.1, run: run(4) }], { setting: 'learning rate' }],
      { names: ['loss (0.001)', 'val_loss (0.001)', 'loss (0.01)', 'val_loss (0.01)', 'loss (0.1)', 'val_loss (0.1)'], labels: ['0.001', '0.01', '0.1'], active: 0, yRange: [1 / 3, 4.8] },
    ],
    [
      'optimizers, one metric, second active',
      [[{ value: 'sgd', run: run(1) }, { value: 'adam', run: run(2) }], { metrics: ['acc'], active: 1 }],
      { names: ['acc (sgd)', 'acc (adam)'], labels: ['sgd', 'adam'], active: 1, yRange: [0.5, 0.7] },
    ],
  ];
  for (const [name, args, expected] of cases) {
    const fig = charts.slider(...args);
    assert.deepEqual(fig.data.map((t) => t.name), expected.names, name);
    const s = sliderOf(fig);
    assert.equal(s.active, expected.active, name);
    assert.deepEqual(s.steps.map((st) => st.label), expected.labels, name);
    const perRun = expected.names.length / expected.labels.length;
    s.steps.forEach((step, g) => {
      assert.equal(step.method, 'update');
      assert.deepEqual(step.args[0].visible, expected.names.map((_, i) => Math.floor(i / perRun) === g), `${name}: step ${g}`);
    });
    assert.deepEqual(fig.data.map((t) => t.visible), s.steps[expected.active].args[0].visible, `${name}: initial visibility`);
    // One y range over every run (5 % padding), so steps compare.
    const [lo, hi] = fig.layout.yaxis!.range as [number, number];
    const pad = (expected.yRange[1] - expected.yRange[0]) * 0.05;
    assert.ok(Math.abs(lo - (expected.yRange[0] - pad)) < 1e-9 && Math.abs(hi - (expected.yRange[1] + pad)) < 1e-9, `${name}: y range ${lo}, ${hi}`);
    assert.deepEqual(fig.layout.xaxis!.range, [1, 3], name);
    assert.equal((fig.data[0] as Trace).x?.[0], 1, 'epochs counted from 1');
  }
});

test('slider: a diverged run is noted on its step; NaN becomes a gap; labels, names and titles are escaped', () => {
  const evil = '</script><img src=x onerror=alert(1)>';
  const nan = { history: [{ loss: Number.NaN, val_loss: Number.NaN }, { loss: Infinity, val_loss: Number.NaN }] };
  const fig = charts.slider([{ value: evil, run: run(1, 2) }, { value: 10, run: nan }], { setting: evil, title: evil });
  const s = sliderOf(fig);
  assert.deepEqual(s.steps[1].args[1].annotations.map((a) => (a as { text: string }).text), ['no finite loss, val_loss<br>(diverged?)']);
  assert.deepEqual(s.steps[0].args[1].annotations, []);
  assert.deepEqual(fig.data[2].y, [null, null]);
  const json = JSON.stringify(fig);
  assert.doesNotMatch(json, /<img|<\/script/);
  assert.match(s.currentvalue.prefix, /^&lt;\/script&gt;/);
  assert.doesNotMatch(figureToHTML(fig), /<img src=x/);
});

test('slider: many long labels hide the step labels (the current value names the step) and are cut in the legend', () => {
  const long = Array.from({ length: 12 }, (_, i) => ({ value: `adam lr=0.001 batch=64 #${i}`, run: run(1 + i) }));
  assert.equal(charts.slider(long).data[0].name, 'loss (adam lr=0.001 b…)');
  assert.equal(sliderOf(charts.slider(long)).steps[0].label, 'adam lr=0.001 batch=64 #0');
  const crowded = sliderOf(charts.slider(long)) as unknown as { font?: { color: string } };
  assert.equal(crowded.font?.color, 'rgba(0,0,0,0)');
  const roomy = sliderOf(charts.slider(long.slice(0, 3).map((r, i) => ({ ...r, value: i })))) as unknown as { font?: unknown };
  assert.equal(roomy.font, undefined);
});

test('slider: bad input is a ChartError naming the fix', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => charts.slider([]), /^slider: runs must be a non-empty array of \{value, run\}/],
    [() => charts.slider([{ value: true, run: run(1) }] as never), /^slider: runs\[0\] must be \{value: number \| string, run\}/],
    [() => charts.slider([{ value: 1, run: run(1) }, { value: 1, run: run(2) }]), /^slider: two runs have the value 1/],
    [() => charts.slider([{ value: 1, run: run(1) }], { active: 3 }), /^slider: active must be the index of a run, 0 to 0; received 3/],
    [() => charts.slider([{ value: 1, run: run(1) }], { metrics: ['val_acc'] }), /^slider: no run logged 'val_acc'; the runs have 'loss', 'val_loss', 'acc'\./],
    [() => charts.slider([{ value: 1, run: run(1) }], { setings: 'lr' } as never), /setings is not a known option\. Did you mean 'setting'\?/],
  ];
  for (const [call, message] of cases) assert.throws(call, (e: unknown) => e instanceof ChartError && message.test((e as Error).message) ? true : assert.fail(String(e)));
});

test('slider: a figure that shows itself, in the gallery twice', async () => {
  const { galleryCases } = await import('../../src/charts/gallery');
  assert.equal(galleryCases().filter((c) => c.builder === 'slider').length, 2);
  const { displayBundle } = await import('../../src/display/repr');
  const bundle = displayBundle(charts.slider([{ value: 1, run: run(1) }]));
  assert.ok(bundle !== undefined && 'application/vnd.plotly.v1+json' in bundle);
});
