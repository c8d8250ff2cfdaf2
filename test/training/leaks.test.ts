// Issue 11, "no leak on any path": error paths where tfjs itself drops tensors, and the
// optimizer a recompile replaces. Each asserts tf.memory().numTensors around the call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { standardize, DataError } from '../../src/data';
import { disposeTrainingState, findLearningRate, train } from '../../src/training';
import { GuardedCallback } from '../../src/callbacks/fitGuard';
import { mlp, regressionData } from './helpers';

test.beforeEach(async () => {
  await tf.setBackend('cpu');
});

type Hook = 'onTrainBegin' | 'onEpochBegin' | 'onBatchBegin' | 'onBatchEnd' | 'onEpochEnd' | 'onTrainEnd';

/** Throws in `hook` at epoch or batch `at` (onTrain* hooks: their only call); `failed` says it did. */
class ThrowsAt extends tf.Callback {
  failed = false;
  constructor(private readonly hook: Hook, private readonly at = 1) {
    super();
  }
  private maybe(hook: Hook, index = this.at): void {
    if (hook !== this.hook || index !== this.at) return;
    this.failed = true;
    throw new Error(`boom in ${hook}`);
  }
  override async onTrainBegin(): Promise<void> { this.maybe('onTrainBegin'); }
  override async onEpochBegin(epoch: number): Promise<void> { this.maybe('onEpochBegin', epoch); }
  override async onBatchBegin(batch: number): Promise<void> { this.maybe('onBatchBegin', batch); }
  override async onBatchEnd(batch: number): Promise<void> { this.maybe('onBatchEnd', batch); }
  override async onEpochEnd(epoch: number): Promise<void> { this.maybe('onEpochEnd', epoch); }
  override async onTrainEnd(): Promise<void> { this.maybe('onTrainEnd'); }
}

/** Records each hook it sees once `thrower` has failed: none of them should run. */
class AfterFailure extends tf.Callback {
  readonly seen: string[] = [];
  constructor(private readonly thrower: ThrowsAt) {
    super();
  }
  private note(hook: string): void {
    if (this.thrower.failed) this.seen.push(hook);
  }
  override async onEpochBegin(epoch: number): Promise<void> { this.note(`onEpochBegin ${epoch}`); }
  override async onBatchBegin(batch: number): Promise<void> { this.note(`onBatchBegin ${batch}`); }
  override async onBatchEnd(batch: number): Promise<void> { this.note(`onBatchEnd ${batch}`); }
  override async onEpochEnd(epoch: number): Promise<void> { this.note(`onEpochEnd ${epoch}`); }
  override async onTrainEnd(): Promise<void> { this.note('onTrainEnd'); }
}

const HOOKS: readonly Hook[] = ['onTrainBegin', 'onEpochBegin', 'onBatchBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'];
const SOURCES = ['tensors', 'tensors + validation', 'dataset'] as const;

for (const hook of HOOKS) {
  for (const source of SOURCES) {
    test(`a callback that throws in ${hook} (${source}): train rethrows it, no later hook runs, no tensor is left`, async () => {
      const data = regressionData(32);
      const model = mlp(1);
      const rows = source === 'dataset' ? { xs: tf.unstack(data.x), ys: tf.unstack(data.y) } : undefined;
      const input = rows !== undefined ? { dataset: tf.data.zip({ xs: tf.data.array(rows.xs), ys: tf.data.array(rows.ys) }).batch(8) } : data;
      const before = tf.memory().numTensors;
      const thrower = new ThrowsAt(hook);
      const after = new AfterFailure(thrower);
      const config = { epochs: 3, batchSize: 8, ...(source === 'tensors + validation' ? { validationSplit: 0.25 } : {}) };
      await assert.rejects(train(model, input as never, config, { progress: false, callbacks: [thrower, after] }), new RegExp(`boom in ${hook}`));
      disposeTrainingState(model);
      assert.equal(tf.memory().numTensors, before, 'tensors left after the failed run');
      assert.deepEqual(after.seen, [], 'hooks that ran after the failure');
      model.dispose();
      tf.dispose([data.x, data.y, ...(rows?.xs ?? []), ...(rows?.ys ?? [])]);
    });
  }
}

/** A trainlab callback (GuardedCallback) that throws in `hook` at batch or epoch 1. */
class TrainlabThrowsAt extends GuardedCallback {
  constructor(private readonly hook: 'onBatchBegin' | 'onBatchEnd' | 'onEpochEnd' | 'onTrainEnd') {
    super();
  }
  override async onBatchBegin(batch: number): Promise<void> { if (this.hook === 'onBatchBegin' && batch === 1) throw new Error('boom in onBatchBegin'); }
  override async onBatchEnd(batch: number): Promise<void> { if (this.hook === 'onBatchEnd' && batch === 1) throw new Error('boom in onBatchEnd'); }
  override async onEpochEnd(epoch: number): Promise<void> { if (this.hook === 'onEpochEnd' && epoch === 1) throw new Error('boom in onEpochEnd'); }
  override async onTrainEnd(): Promise<void> { if (this.hook === 'onTrainEnd') throw new Error('boom in onTrainEnd'); }
}

for (const hook of ['onBatchBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const) {
  for (const validation of [false, true]) {
    test(`a trainlab callback that throws in ${hook} of a plain model.fit${validation ? ' (with validation)' : ''}: fit rejects with it, no tensor is left`, async () => {
      const data = regressionData(32);
      const model = mlp(1);
      model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
      const before = tf.memory().numTensors;
      const epochs: number[] = [];
      const fit = model.fit(data.x, data.y, {
        epochs: 3,
        batchSize: 8,
        verbose: 0,
        validationSplit: validation ? 0.25 : 0,
        callbacks: [new TrainlabThrowsAt(hook), new tf.CustomCallback({ onEpochEnd: async (epoch) => { epochs.push(epoch); } })],
      });
      await assert.rejects(fit, new RegExp(`boom in ${hook}`));
      assert.equal(tf.memory().numTensors, before, 'tensors left after the failed fit');
      // The fit stops at the end of the failing batch or epoch: no further epoch begins.
      assert.ok(epochs.length <= { onBatchBegin: 1, onBatchEnd: 1, onEpochEnd: 2, onTrainEnd: 3 }[hook], `epochs run: ${epochs.join(', ')}`);
      model.dispose();
      tf.dispose([data.x, data.y]);
    });
  }
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
