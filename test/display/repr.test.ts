import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as dfd from 'danfojs-node';
import { useBackend } from '../../src/backend';
import { charts, configSummary, defineConfig, displayBundle, DisplayProtocolError, JUPYTER_DISPLAY, setDisplay, show, summary, train, type RunResult } from '../../src';
import { tableBundle } from '../../src/charts/table';
import { figureSummary } from '../../src/charts/summary';
import { PLOTLY_MIME } from '../../src/charts/output';
import { runRows, withRunDisplay } from '../../src/training/resultDisplay';
import type { MimeBundle } from '../../src/display/types';
import { mlp, regressionData } from '../training/helpers';
import { FakeDisplay } from './fake';

before(async () => {
  await useBackend('cpu', { quiet: true });
});
after(() => setDisplay(undefined));

const EVIL = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

function bundleOf(value: unknown): MimeBundle {
  const b = displayBundle(value);
  assert.ok(b !== undefined, 'expected a bundle');
  return b;
}

/** Runs `fn` and checks that it leaves the number of live tensors unchanged. */
function noLeak<T>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const out = fn();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  return out;
}

describe('displayBundle: tensors', () => {
  const cases: Array<[string, () => tf.Tensor, string]> = [
    ['2-D float32', () => tf.tensor2d([[1, 2, 3], [4, 5, 6]]), 'Tensor float32 [2, 3]\n[[1, 2, 3],\n [4, 5, 6]]'],
    ['scalar', () => tf.scalar(3.5), 'Tensor float32 scalar\n3.5'],
    ['int32, aligned', () => tf.tensor1d([1, -20, 300], 'int32'), 'Tensor int32 [3]\n[  1, -20, 300]'],
    ['bool', () => tf.tensor1d([true, false], 'bool'), 'Tensor bool [2]\n[ true, false]'],
    ['string', () => tf.tensor1d(['a', EVIL], 'string'), `Tensor string [2]\n["a", ${JSON.stringify(EVIL)}]`],
    ['floats aligned on the point', () => tf.tensor1d([1.5, 2.25, -10]), 'Tensor float32 [3]\n[  1.5 ,   2.25, -10   ]'],
    ['float32 0.1 shown as 0.1', () => tf.tensor1d([0.1, 0.2]), 'Tensor float32 [2]\n[0.1, 0.2]'],
    ['wide range: scientific', () => tf.tensor1d([1e-5, 1, 3]), 'Tensor float32 [3]\n[1e-5, 1e+0, 3e+0]'],
    ['3-D', () => tf.range(0, 8).reshape([2, 2, 2]), 'Tensor float32 [2, 2, 2]\n[[[0, 1],\n  [2, 3]],\n\n [[4, 5],\n  [6, 7]]]'],
    ['2000 elements: first and last 3', () => tf.range(0, 2000, 1, 'int32'), 'Tensor int32 [2000]\n[   0,    1,    2, ..., 1997, 1998, 1999]'],
    [
      '2000 elements in 2-D',
      () => tf.range(0, 2000).reshape([40, 50]),
      [
        'Tensor float32 [40, 50]',
        '[[   0,    1,    2, ...,   47,   48,   49],',
        ' [  50,   51,   52, ...,   97,   98,   99],',
        ' [ 100,  101,  102, ...,  147,  148,  149],',
        ' ...,',
        ' [1850, 1851, 1852, ..., 1897, 1898, 1899],',
        ' [1900, 1901, 1902, ..., 1947, 1948, 1949],',
        ' [1950, 1951, 1952, ..., 1997, 1998, 1999]]',
      ].join('\n'),
    ],
    [
      'long rows wrap at 75 characters',
      () => tf.range(0, 30, 1, 'int32'),
      'Tensor int32 [30]\n[ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]',
    ],
  ];
  for (const [name, make, text] of cases) {
    it(`${name}: text, no leaks, input unchanged`, () => {
      const t = make();
      const data = t.dataSync().slice();
      const b = noLeak(() => bundleOf(t));
      assert.equal(b['text/plain'], text);
      assert.equal(t.isDisposed, false);
      assert.deepEqual(t.dataSync(), data);
      t.dispose();
    });
  }

  it('a 3-D tensor of 3000 elements: summarised on every long axis, sliced reads disposed', () => {
    const t = tf.range(0, 3000).reshape([10, 10, 30]);
    const text = String(noLeak(() => bundleOf(t))['text/plain']);
    assert.match(text, /^Tensor float32 \[10, 10, 30\]\n\[\[\[   0,    1,    2, \.\.\.,   27,   28,   29\],\n {2}\[  30,/);
    assert.match(text, /\]\],\n\n \.\.\.,\n\n \[\[2100,/);
    assert.match(text, /2997, 2998, 2999\]\]\]$/);
    assert.equal(text.split('\n').length, 1 + 6 * 8 - 1 + 2);
    t.dispose();
  });

  it('HTML table for 1-D and 2-D, none for scalars and 3-D', () => {
    const t2 = tf.tensor2d([[1, 2], [3, 4]]);
    assert.equal(
      bundleOf(t2)['text/html'],
      '<div class="trainlab-tensor" style="overflow:auto;max-height:640px;"><table class="dataframe"><caption style="text-align:left;white-space:nowrap">Tensor float32 [2, 2]</caption>' +
        '<thead><tr><th></th><th style="text-align:right">0</th><th style="text-align:right">1</th></tr></thead>' +
        '<tbody><tr><th>0</th><td style="text-align:right">1</td><td style="text-align:right">2</td></tr><tr><th>1</th><td style="text-align:right">3</td><td style="text-align:right">4</td></tr></tbody></table></div>',
    );
    const s = tf.tensor1d([EVIL], 'string');
    const html = String(bundleOf(s)['text/html']);
    assert.ok(!html.includes(EVIL) && html.includes(`&quot;${ESCAPED}&quot;`), html);
    for (const t of [tf.scalar(1), tf.zeros([2, 2, 2])]) assert.deepEqual(Object.keys(bundleOf(t)), ['text/plain']);
    tf.dispose([t2, s]);
  });

  it('HTML of big tensors: first and last rows and columns around an … row and column', () => {
    const cases: Array<[string, () => tf.Tensor, { rows: number; cols: number; has: string[]; hasNot: string[] }]> = [
      ['2000 elements in 2-D', () => tf.range(0, 2000, 1, 'int32').reshape([40, 50]), { rows: 7, cols: 7, has: ['>1999<', '>49<', '>1950<'], hasNot: ['>3<', '>1996<'] }],
      ['1-D of 100 (text in full, table elided)', () => tf.range(0, 100, 1, 'int32'), { rows: 1, cols: 21, has: ['>9<', '>90<'], hasNot: ['>10<', '>89<'] }],
    ];
    for (const [name, make, want] of cases) {
      const t = make();
      const html = String(noLeak(() => bundleOf(t))['text/html']);
      const body = html.slice(html.indexOf('<tbody>'));
      assert.equal((body.match(/<tr>/g) ?? []).length, want.rows, name);
      assert.equal((body.split('</tr>')[0].match(/<td/g) ?? []).length, want.cols, name);
      assert.ok(html.includes('…'), name);
      for (const s of want.has) assert.ok(body.includes(s), `${name}: ${s}`);
      for (const s of want.hasNot) assert.ok(!body.includes(s), `${name}: not ${s}`);
      t.dispose();
    }
  });

  it('a disposed tensor or variable shows as disposed instead of throwing', () => {
    const t = tf.ones([2]);
    const v = tf.variable(tf.zeros([2]));
    tf.dispose([t, v]);
    for (const x of [t, v]) assert.deepEqual(displayBundle(x), { 'text/plain': 'Tensor (disposed)' });
  });
});

describe('displayBundle: models and frames', () => {
  it('a LayersModel shows its summary (HTML table + text), names escaped, no tensors created', () => {
    // tfjs refuses '<' in layer names; a model's name is free text.
    const model = tf.sequential({ name: EVIL, layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    const b = noLeak(() => bundleOf(model));
    const s = summary(model, { show: false });
    assert.deepEqual(b, { 'text/html': s.html, 'text/plain': s.text });
    assert.ok(String(b['text/html']).includes(`Model: ${ESCAPED}`) && !String(b['text/html']).includes(EVIL));
    model.dispose();
  });

  it('DataFrame and Series: tableBundle, column names escaped', () => {
    const df = new dfd.DataFrame([[1, 'a'], [2, EVIL]], { columns: ['n', EVIL] });
    const b = bundleOf(df);
    const t = tableBundle(df, { maxRows: 20 });
    assert.deepEqual(b, { 'text/html': t.html, 'text/plain': `DataFrame\n${t.text}` });
    assert.ok(!String(b['text/html']).includes('<script>') && String(b['text/html']).includes(ESCAPED));
    const series = new dfd.Series([1.5, 2.5]);
    assert.equal(bundleOf(series)['text/plain'], 'Series\n     0\n0  1.5\n1  2.5\n2 rows × 1 column');
  });

  it('a 100-row DataFrame shows its first and last 5 rows', () => {
    const df = new dfd.DataFrame(Array.from({ length: 100 }, (_, i) => [i * 10]), { columns: ['v'] });
    const html = String(bundleOf(df)['text/html']);
    const rows = html.split('<tbody>')[1].split('</tbody>')[0].split('</tr>').filter((r) => r !== '');
    assert.equal(rows.length, 11);
    assert.deepEqual(
      rows.map((r) => /<th>([^<]*)<\/th>/.exec(r)?.[1]),
      ['0', '1', '2', '3', '4', '…', '95', '96', '97', '98', '99'],
    );
    assert.ok(html.includes('100 rows × 1 column'));
    const text = String(bundleOf(df)['text/plain']).split('\n');
    assert.equal(text.length, 1 + 1 + 11 + 1);
  });

  it('values without a rich form: undefined (plain objects, arrays, Promises, primitives)', () => {
    const cases: unknown[] = [undefined, null, 1, 'text', true, { a: 1 }, [1, 2], { columns: ['a'], values: [[1]] }, Promise.resolve(1), () => 1, new Map(), new Date(0)];
    for (const value of cases) assert.equal(displayBundle(value), undefined, String(value));
  });
});

describe('displayBundle: the Jupyter.display protocol', () => {
  class Accuracy {
    constructor(readonly value: number) {}
    [JUPYTER_DISPLAY]() {
      return { 'text/plain': `accuracy ${this.value}`, 'text/html': `<b>accuracy</b> ${this.value}` };
    }
  }

  it("JUPYTER_DISPLAY is Symbol.for('Jupyter.display'); a user class shows what its method returns", () => {
    assert.equal(JUPYTER_DISPLAY, Symbol.for('Jupyter.display'));
    assert.deepEqual(displayBundle(new Accuracy(0.93)), { 'text/plain': 'accuracy 0.93', 'text/html': '<b>accuracy</b> 0.93' });
    // The protocol wins over built-ins.
    const t = tf.ones([1]) as tf.Tensor & { [JUPYTER_DISPLAY]?: () => MimeBundle };
    Object.defineProperty(t, JUPYTER_DISPLAY, { value: () => ({ 'text/plain': 'mine' }) });
    assert.deepEqual(displayBundle(t), { 'text/plain': 'mine' });
    t.dispose();
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['throws', () => { throw new Error('boom'); }, /^displayBundle: Widget\[Symbol\.for\('Jupyter\.display'\)\]\(\) threw: boom$/],
    ['returns a string', () => '<b>x</b>', /Widget\[Symbol\.for\('Jupyter\.display'\)\]\(\) must return an object of MIME type → data, received the string "<b>x<\/b>"\. Return a MIME bundle object such as/],
    ['returns null', () => null, /must return an object of MIME type → data, received null/],
    ['returns an array', () => ['text/plain'], /received an array of length 1/],
    ['returns a Promise', () => Promise.resolve({ 'text/plain': 'x' }), /received a Promise/],
    ['returns non-MIME keys', () => ({ text: 'x', 'text/plain': 'y' }), /returned keys that are not MIME types: "text"\./],
  ];
  for (const [name, method, message] of bad) {
    it(`a method that ${name}: DisplayProtocolError naming the class`, () => {
      class Widget {
        [JUPYTER_DISPLAY]() {
          return method();
        }
      }
      assert.throws(() => displayBundle(new Widget()), (e: unknown) => e instanceof DisplayProtocolError && message.test(e.message));
    });
  }
});

describe('displayBundle: trainlab figures', () => {
  const history = [{ loss: 1, val_loss: 1.2 }, { loss: 0.5, val_loss: 0.8 }];
  const builders: Array<[string, () => charts.Figure]> = [
    ['lossCurves', () => charts.lossCurves(history)],
    ['compareRuns', () => charts.compareRuns([{ history }, { history: [{ loss: 2, val_loss: 2 }] }])],
    ['timingBars', () => charts.timingBars({ a: 5, b: 1 })],
    ['scalingPlot', () => charts.scalingPlot([{ x: 1, y: 1 }, { x: 10, y: 5 }])],
    ['lrFinder', () => charts.lrFinder({ lrs: [1e-4, 1e-3, 1e-2], losses: [2, 1, 3] })],
    ['sweepResults', () => charts.sweepResults([{ learningRate: 0.1, best_val_loss: 0.3 }, { learningRate: 0.01, best_val_loss: 0.2 }])],
    ['lossSurface', () => charts.lossSurface({ f: (a, b) => a * a + b * b, xRange: [-1, 1], yRange: [-1, 1], resolution: 5 })],
    [
      'decisionBoundary',
      () => {
        const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid' })] });
        const x = tf.tensor2d([[0, 0], [1, 1]]);
        const y = tf.tensor1d([0, 1]);
        const fig = charts.decisionBoundary(model, { x, y }, { gridSize: 5 });
        tf.dispose([x, y]);
        model.dispose();
        return fig;
      },
    ],
  ];
  for (const [name, build] of builders) {
    it(`${name}: a hidden display method; keys, JSON and deep equality unchanged`, () => {
      const fig = build();
      assert.equal(typeof (fig as unknown as Record<symbol, unknown>)[JUPYTER_DISPLAY], 'function');
      assert.deepEqual(Object.keys(fig), ['data', 'layout', 'config']);
      assert.deepEqual(Object.getOwnPropertySymbols(fig).filter((s) => Object.prototype.propertyIsEnumerable.call(fig, s)), []);
      assert.deepStrictEqual(fig, { data: fig.data, layout: fig.layout, config: fig.config });
      assert.deepStrictEqual(JSON.parse(JSON.stringify(fig)), JSON.parse(JSON.stringify({ ...fig })));
    });
  }

  const ids = (b: MimeBundle | undefined): MimeBundle => JSON.parse(JSON.stringify(b).replace(/trainlab-chart-[0-9a-f]+/g, 'ID')) as MimeBundle;

  it("a figure's bundle is show's bundle; plotly.js goes once into an updatable hidden output", () => {
    const display = new FakeDisplay();
    setDisplay(display);
    const fig = charts.lossCurves({ history, name: EVIL });
    const first = bundleOf(fig);
    assert.deepEqual(Object.keys(first), [PLOTLY_MIME, 'text/html', 'text/plain']);
    assert.deepEqual(first[PLOTLY_MIME], { data: fig.data, layout: fig.layout, config: fig.config });
    assert.equal(first['text/plain'], figureSummary(fig));
    assert.ok(!String(first['text/html']).includes('window.Plotly){'), 'the result does not inline plotly.js');
    assert.ok(!String(first['text/html']).includes(EVIL));
    // The library went into one hidden output shown just now.
    assert.equal(display.all.length, 1);
    assert.ok(String(display.all[0].history[0]['text/html']).includes('if(!window.Plotly){'));
    assert.ok(String(display.all[0].history[0]['text/html']).length > 1e6);
    // Same execution: no second copy, and show() sends the same bundle as the result.
    bundleOf(fig);
    show(fig);
    assert.equal(display.all.length, 2);
    assert.deepEqual(ids(display.all[1].history[0]), ids(first));
    // Next execution: a new hidden holder; the old one is updated to drop the library.
    display.execution = 2;
    bundleOf(fig);
    assert.equal(display.all.length, 3);
    assert.equal(display.all[0].history.length, 2);
    assert.ok(!String(display.current()[0]['text/html']).includes('window.Plotly'));
    // A shown chart of a later execution gets a holder of its own in the same way.
    display.execution = 3;
    show(fig);
    assert.deepEqual(display.current().map((b) => String(b['text/html']).includes('if(!window.Plotly){')), [false, false, false, true, false]);
    setDisplay(undefined);
  });

  it('outside a notebook the HTML carries plotly.js itself and nothing is shown', () => {
    const display = new FakeDisplay(false);
    setDisplay(display);
    const b = bundleOf(charts.timingBars({ a: 1 }));
    assert.ok(String(b['text/html']).includes('if(!window.Plotly){'));
    assert.equal(display.outputs.length, 0);
    setDisplay(undefined);
  });
});

describe('displayBundle: configs and runs', () => {
  it('a config: configSummary as Markdown, an HTML table and text; JSON round trip and keys unchanged', () => {
    const cfg = defineConfig({ optimizer: 'adamw', learningRate: 3e-4, epochs: 20, validationSplit: 0.2 });
    const b = bundleOf(cfg);
    assert.deepEqual(Object.keys(b), ['text/markdown', 'text/html', 'text/plain']);
    assert.equal(b['text/markdown'], configSummary(cfg));
    assert.ok(String(b['text/html']).startsWith('<table class="trainlab-config"><thead><tr><th style="text-align:left">setting</th><th style="text-align:left">value</th></tr></thead><tbody><tr><td style="text-align:left">optimizer</td><td style="text-align:left">adamw</td></tr><tr><td style="text-align:left">learning rate</td><td style="text-align:left">0.0003</td></tr>'));
    assert.match(String(b['text/plain']), /^TrainingConfig\n {2}optimizer {10}adamw\n {2}learning rate {6}0\.0003\n/);
    assert.deepStrictEqual(defineConfig(JSON.parse(JSON.stringify(cfg))), cfg);
    assert.ok(!Object.keys(cfg).includes(String(JUPYTER_DISPLAY)) && Object.getOwnPropertySymbols(cfg).every((s) => !Object.prototype.propertyIsEnumerable.call(cfg, s)));
    assert.ok(Object.isFrozen(cfg));
  });

  it('a train result: summary table and loss chart; JSON, keys and deep equality unchanged', async () => {
    setDisplay(new FakeDisplay());
    const model = mlp(1);
    const { x, y } = regressionData(32);
    const run: RunResult = await train(model, { x, y }, { epochs: 2, validationSplit: 0.25, seed: 1 }, { progress: false });
    const keys = Object.keys(run);
    const b = noLeak(() => bundleOf(run));
    assert.deepEqual(Object.keys(b), ['text/html', 'text/plain']);
    const html = String(b['text/html']);
    assert.ok(html.includes('<caption style="text-align:left">Training run</caption>'));
    assert.ok(html.includes('<tr><th style="text-align:left">ended</th><td style="text-align:left">completed</td></tr>'));
    assert.ok(html.includes('<tr><th style="text-align:left">epochs</th><td style="text-align:left">2 of 2</td></tr>'));
    assert.match(html, /class="trainlab-chart"/);
    const text = String(b['text/plain']);
    assert.match(text, /^Training run\n {2}ended {5}completed\n {2}epochs {4}2 of 2\n {2}best {6}val_loss [\d.e+-]+ after epoch [12] \(min\)\n {2}final {5}val_loss [\d.e+-]+, loss [\d.e+-]+, lr 0\.001\n {2}duration  \d/);
    assert.match(text, /\n {2}backend {3}cpu\nTraining history \(4 traces\)\n {2}loss: 2 points/);
    assert.deepEqual(Object.keys(run), keys);
    assert.deepStrictEqual({ ...run }, run);
    assert.equal(JSON.stringify(run), JSON.stringify({ ...run }));
    tf.dispose([x, y]);
    model.dispose();
    setDisplay(undefined);
  });

  const base = (over: Partial<RunResult>): RunResult =>
    withRunDisplay({
      history: [{ epoch: 0, loss: 1 }],
      elapsedSeconds: [1.2],
      historyFrame: () => { throw new Error('unused'); },
      monitor: 'loss',
      direction: 'min',
      bestEpoch: 0,
      bestValue: 1,
      final: { epoch: 0, loss: 1 },
      stoppedEarly: false,
      stoppedEpoch: undefined,
      end: 'completed',
      interrupted: false,
      epochsRun: 1,
      initialEpoch: 0,
      loss: 'meanSquaredError',
      durationMs: 1234,
      config: defineConfig({ epochs: 5 }),
      backend: 'cpu',
      ...over,
    });

  it('run rows say what ended the run, best and final values', () => {
    const cases: Array<[Partial<RunResult>, Array<[string, string]>]> = [
      [{}, [['ended', 'completed'], ['epochs', '1 of 5'], ['best', 'loss 1 after epoch 1 (min)'], ['final', 'loss 1'], ['duration', '1.23 s'], ['backend', 'cpu']]],
      [{ end: 'earlyStopping', durationMs: 125_000 }, [['ended', 'early stopping'], ['epochs', '1 of 5'], ['best', 'loss 1 after epoch 1 (min)'], ['final', 'loss 1'], ['duration', '2 min 5 s'], ['backend', 'cpu']]],
      [
        { end: 'interrupted', history: [], final: undefined, bestEpoch: undefined, bestValue: undefined, epochsRun: 0, durationMs: 40 },
        [['ended', 'interrupted (stop button or stopTraining)'], ['epochs', '0 of 5'], ['best', 'no epoch logged loss'], ['final', 'no epoch ran'], ['duration', '40 ms'], ['backend', 'cpu']],
      ],
    ];
    for (const [over, rows] of cases) assert.deepEqual(runRows(base(over)), rows);
    // No epoch: the table alone, no chart.
    assert.deepEqual(Object.keys(bundleOf(base(cases[2][0]))), ['text/html', 'text/plain']);
    assert.ok(!String(bundleOf(base(cases[2][0]))['text/html']).includes('trainlab-chart'));
  });

  it('user text in a run (name, metric names) is escaped in the HTML', () => {
    setDisplay(new FakeDisplay());
    const run = base({ history: [{ epoch: 0, loss: 1, [EVIL]: 2 }], final: { epoch: 0, loss: 1, [EVIL]: 2 }, monitor: EVIL });
    (run as unknown as { name: string }).name = EVIL;
    const html = String(bundleOf(run)['text/html']);
    assert.ok(!html.includes(EVIL), 'unescaped user text');
    assert.ok(html.includes(`<td style="text-align:left">${ESCAPED}</td>`));
    setDisplay(undefined);
  });
});
