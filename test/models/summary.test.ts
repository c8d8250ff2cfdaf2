import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { inspect } from 'util';
import { useBackend } from '../../src/backend';
import { models, summary, ModelSummary } from '../../src';
import type { Display, MimeBundle } from '../../src/display/types';

before(async () => {
  await useBackend('cpu', { quiet: true });
});

function fakeDisplay(inNotebook = true): Display & { shown: MimeBundle[] } {
  const shown: MimeBundle[] = [];
  return { inNotebook, shown, show: (bundle) => (shown.push(bundle), { update: () => undefined }) };
}

describe('summary', () => {
  const builders: Array<[string, () => tf.LayersModel]> = [
    ['mlp', () => models.mlp({ inputShape: [2], hidden: [16, 8], output: { classes: 3 } })],
    ['mlp with batchNorm', () => models.mlp({ inputShape: [4], hidden: [8], batchNorm: true, output: 'regression' })],
    ['cnn', () => models.cnn({ inputShape: [12, 12, 1], batchNorm: true, classes: 4 })],
    [
      'functional with a frozen layer',
      () => {
        const input = tf.input({ shape: [3] });
        const frozen = tf.layers.dense({ units: 5, trainable: false, name: 'frozen' });
        return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(frozen.apply(input)) as tf.SymbolicTensor });
      },
    ],
  ];
  for (const [name, build] of builders) {
    it(`${name}: counts equal model.countParams(), split into trainable / non-trainable`, () => {
      const model = build();
      const display = fakeDisplay();
      const before = tf.memory().numTensors;
      const s = summary(model, { display });
      assert.equal(tf.memory().numTensors, before, 'creates no tensors');
      assert.equal(s.totals.params, model.countParams());
      const trainable = model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
      assert.equal(s.totals.trainable, trainable);
      assert.equal(s.totals.nonTrainable, model.countParams() - trainable);
      assert.equal(s.totals.bytes, 4 * model.countParams());
      assert.equal(s.rows.length, model.layers.length);
      assert.equal(display.shown.length, 1);
      assert.equal(display.shown[0]['text/html'], s.html);
      assert.equal(display.shown[0]['text/plain'], s.text);
      model.dispose();
    });
  }

  it('rows hold name, type, output shape and params; text and inspect read well', () => {
    const model = models.mlp({ inputShape: [2], hidden: [16], output: { classes: 3 }, name: 'tiny' });
    const s = summary(model, { show: false });
    assert.deepEqual(
      s.rows.map((r) => [r.type, r.outputShape, r.params]),
      [['Dense', '[null, 16]', 48], ['Dense', '[null, 3]', 51]],
    );
    assert.match(s.text, /^Model: tiny\n/);
    assert.match(s.text, /Total params: 99 \(396 B\)/);
    assert.equal(inspect(s), 'ModelSummary(tiny: 2 layers, 99 params, 99 trainable, 396 B)');
    model.dispose();
  });

  it('batchNorm moving statistics are non-trainable', () => {
    const model = models.mlp({ inputShape: [4], hidden: [8], batchNorm: true, output: 'regression' });
    const s = summary(model, { show: false });
    const bn = s.rows.find((r) => r.type === 'BatchNormalization')!;
    assert.deepEqual([bn.params, bn.trainable, bn.nonTrainable], [32, 16, 16]);
    model.dispose();
  });

  it('escapes layer and model names in HTML', () => {
    // tfjs rejects such layer names, so build the summary from rows directly.
    const row = { name: 'x</td><script>alert(1)</script>', type: 'Dense', outputShape: '[null, 1]', params: 2, trainable: 2, nonTrainable: 0, bytes: 8 };
    const s = new ModelSummary('<b>m</b>', [row], { params: 2, trainable: 2, nonTrainable: 0, bytes: 8 });
    assert.ok(!s.html.includes('<script>'));
    assert.ok(s.html.includes('x&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(s.html.includes('Model: &lt;b&gt;m&lt;/b&gt;'));
    const model = tf.sequential({ name: '<i>model</i>' });
    model.add(tf.layers.dense({ units: 1, inputShape: [1] }));
    assert.ok(summary(model, { show: false }).html.includes('Model: &lt;i&gt;model&lt;/i&gt;'));
    model.dispose();
  });

  it('bad input names the argument', () => {
    assert.throws(() => summary({} as tf.LayersModel, { show: false }), /summary: model must be a tfjs LayersModel .* received object/);
  });
});
