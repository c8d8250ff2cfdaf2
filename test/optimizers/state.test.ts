import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { OPTIMIZER_NAMES, createOptimizer, getLearningRate, type OptimizerSpec } from '../../src/optimizers';

const loss = (w: tf.Variable) => () => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar;

test.before(async () => {
  await tf.setBackend('cpu');
});

test('getWeights → setWeights carries the state: a restored optimizer continues exactly like the original', async () => {
  const specs: OptimizerSpec[] = [...OPTIMIZER_NAMES, { name: 'rmsprop', centered: true, momentum: 0.5 }, { name: 'momentum', nesterov: true }];
  for (const spec of specs) {
    const original = createOptimizer(spec);
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    for (let i = 0; i < 3; i++) original.minimize(loss(w), false, [w]);
    const restored = createOptimizer(spec);
    await restored.setWeights(await original.getWeights());
    assert.equal(restored.iterations, 3, `${JSON.stringify(spec)} iterations`);
    // A copy of w, so both optimizers start the next step from the same point.
    const copy = tf.variable(w.clone());
    original.minimize(loss(w), false, [w]);
    restored.minimize(loss(copy), false, [copy]);
    assert.deepEqual(Array.from(copy.dataSync()), Array.from(w.dataSync()), JSON.stringify(spec));
    tf.dispose([w, copy]);
    original.dispose();
    restored.dispose();
  }
});

test("tfjs's serialization registry keeps its stock optimizer classes: a stock Adam saves and loads as 'Adam'", () => {
  const registry = tf.serialization.SerializationMap.getMap().classNameMap;
  const cases: Array<[string, unknown]> = [
    ['SGD', tf.SGDOptimizer],
    ['Momentum', tf.MomentumOptimizer],
    ['Adam', tf.AdamOptimizer],
    ['Adagrad', tf.AdagradOptimizer],
    ['Adamax', tf.AdamaxOptimizer],
    ['RMSProp', tf.RMSPropOptimizer],
    ['Adadelta', tf.AdadeltaOptimizer],
  ];
  for (const [name, cls] of cases) assert.equal(registry[name]?.[0], cls, `${name} is tfjs's own class`);
  for (const name of ['TrainlabSGD', 'TrainlabMomentum', 'TrainlabAdam', 'TrainlabAdagrad', 'TrainlabAdamax', 'TrainlabRMSprop', 'TrainlabAdadelta', 'AdamW']) {
    assert.ok(registry[name] !== undefined, `${name} is registered`);
  }
});

test('a model saved with includeOptimizer loads back with the same optimizer class, options and clipping', async () => {
  const xs = tf.tensor2d([[0], [1], [2], [3]]);
  const ys = tf.tensor2d([[1], [3], [5], [7]]);
  const expectedClass: Record<string, string> = {
    sgd: 'TrainlabSGD',
    momentum: 'TrainlabMomentum',
    rmsprop: 'TrainlabRMSprop',
    adam: 'TrainlabAdam',
    adamw: 'AdamW',
    adagrad: 'TrainlabAdagrad',
    adadelta: 'TrainlabAdadelta',
    adamax: 'TrainlabAdamax',
  };
  for (const name of OPTIMIZER_NAMES) {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: createOptimizer({ name, learningRate: 0.02, clipNorm: 5 }), loss: 'meanSquaredError' });
    await model.fit(xs, ys, { epochs: 2, verbose: 0 });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    assert.ok(artifacts !== undefined);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const opt = loaded.optimizer;
    assert.equal(opt.getClassName(), expectedClass[name]);
    assert.equal(getLearningRate(opt), 0.02);
    assert.equal(opt.getConfig().clipNorm, 5, `${name} keeps clipNorm`);
    assert.equal(opt.iterations, 2, `${name} keeps its iteration count`);
    const history = await loaded.fit(xs, ys, { epochs: 1, verbose: 0 });
    assert.ok(Number.isFinite(history.history.loss[0] as number));
    model.dispose();
    loaded.dispose();
  }
  tf.dispose([xs, ys]);
});
