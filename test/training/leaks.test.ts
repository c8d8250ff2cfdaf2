// Issue 11, "no leak on any path": error paths where tfjs itself drops tensors, and the
// optimizer a recompile replaces. Each asserts tf.memory().numTensors around the call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { standardize, DataError } from '../../src/data';
import { disposeTrainingState, findLearningRate, train } from '../../src/training';
import { mlp, regressionData } from './helpers';

test.beforeEach(async () => {
  await tf.setBackend('cpu');
});

class ThrowsAt extends tf.Callback {
  constructor(private readonly hook: 'onEpochEnd' | 'onBatchEnd', private readonly at = 1) {
    super();
  }
  override async onEpochEnd(epoch: number): Promise<void> {
    if (this.hook === 'onEpochEnd' && epoch === this.at) throw new Error(`boom at epoch ${epoch}`);
  }
  override async onBatchEnd(batch: number): Promise<void> {
    if (this.hook === 'onBatchEnd' && batch === this.at) throw new Error(`boom at batch ${batch}`);
  }
}

// After a throw in onBatchEnd, tfjs also drops two tensors of its own that no callback can
// reach (BaseLogger's running totals and the epoch's shuffled index tensor): the batch's logs
// and the History are freed, those two remain.
const UNREACHABLE = { onEpochEnd: 0, onBatchEnd: 2 } as const;

for (const [hook, validation] of [['onEpochEnd', false], ['onEpochEnd', true], ['onBatchEnd', false]] as const) {
  test(`a callback that throws in ${hook}${validation ? ' (with validation logs)' : ''} leaks none of the logs or the history`, async () => {
    const data = regressionData(32);
    const model = mlp(1);
    const before = tf.memory().numTensors;
    await assert.rejects(
      train(model, data, { epochs: 3, batchSize: 8, ...(validation ? { validationSplit: 0.25 } : {}) }, { progress: false, callbacks: [new ThrowsAt(hook)] }),
      /boom at/,
    );
    disposeTrainingState(model);
    assert.equal(tf.memory().numTensors, before + UNREACHABLE[hook], 'tensors left after the failed run');
    model.dispose();
    tf.dispose([data.x, data.y]);
  });
}

test("train recompiling a model compiled with 'adam' disposes that optimizer (its slots are not orphaned)", async () => {
  const data = regressionData(32);
  const model = mlp(1);
  const weightsOnly = tf.memory().numTensors;
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  await model.fit(data.x, data.y, { epochs: 1, verbose: 0 });
  assert.ok(tf.memory().numTensors > weightsOnly, 'adam made its slot variables');
  await train(model, data, { epochs: 1, recompile: true, optimizer: 'sgd' }, { progress: false });
  disposeTrainingState(model);
  assert.equal(tf.memory().numTensors, weightsOnly, 'the replaced adam optimizer kept its tensors');
  model.dispose();
  tf.dispose([data.x, data.y]);
});

test('train recompiling a model compiled with an optimizer instance leaves that instance to its owner', async () => {
  const data = regressionData(32);
  const model = mlp(1);
  const mine = tf.train.adam(0.01);
  model.compile({ optimizer: mine, loss: 'meanSquaredError' });
  await model.fit(data.x, data.y, { epochs: 1, verbose: 0 });
  await train(model, data, { epochs: 1, recompile: true, optimizer: 'sgd' }, { progress: false });
  assert.ok((await mine.getWeights()).length > 0, 'the user\'s optimizer was disposed');
  disposeTrainingState(model);
  mine.dispose();
  model.dispose();
  tf.dispose([data.x, data.y]);
});

test('standardize that throws on mismatched columns disposes the parts it already scaled', () => {
  const train2 = tf.randomNormal([8, 2]) as tf.Tensor2D;
  const val2 = tf.randomNormal([4, 2]) as tf.Tensor2D;
  const test3 = tf.randomNormal([4, 3]) as tf.Tensor2D;
  const before = tf.memory().numTensors;
  assert.throws(() => standardize(train2, val2, test3), (e: unknown) => e instanceof DataError && /3 columns but the scaler was fitted on 2/.test(e.message));
  assert.throws(() => standardize({ train: { x: train2, y: tf.zeros([8, 1]) }, test: { x: test3 } } as never), DataError);
  assert.equal(tf.memory().numTensors, before + 1, 'only the y made for the call remains'); // the tf.zeros above
  tf.dispose([train2, val2, test3]);
});

test('findLearningRate on an uncompiled model leaves it uncompiled; train then compiles it from its config', async () => {
  const data = regressionData(32);
  const model = mlp(1);
  const before = tf.memory().numTensors;
  await findLearningRate(model, data, { numSteps: 5, config: { optimizer: 'adam', loss: 'meanSquaredError' } });
  assert.equal(model.optimizer, undefined, 'the model was left compiled');
  assert.equal(tf.memory().numTensors, before);
  const run = await train(model, data, { epochs: 1, optimizer: 'sgd', loss: 'meanSquaredError' }, { progress: false });
  assert.equal(run.epochsRun, 1);
  assert.match((model.optimizer as tf.Optimizer).getClassName(), /SGD/);
  disposeTrainingState(model);
  model.dispose();
  tf.dispose([data.x, data.y]);
});
