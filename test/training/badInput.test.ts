import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { earlyStopping } from '../../src/callbacks';
import { train, TrainingError } from '../../src/training';
import { badInputSuite, type BadInput } from '../helpers/badInput';

/** A classifier with `units` outputs on 2 features. */
function classifier(units: number, activation: 'softmax' | 'sigmoid'): tf.Sequential {
  return tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [2], activation })] });
}

/**
 * Trains a fresh model on x (4 rows) and the given labels; asserts the weights did not change
 * (the error came before the first epoch) and disposes everything.
 */
function trainWith(units: number, activation: 'softmax' | 'sigmoid', loss: string, labels: number[] | number[][], opts: { x?: () => tf.Tensor; where?: 'data' | 'validationData'; dispose?: 'x' | 'y' | 'model' } = {}): () => Promise<unknown> {
  return async () => {
    const model = classifier(units, activation);
    const x = opts.x?.() ?? tf.ones([labels.length, 2]);
    const y = Array.isArray(labels[0]) ? tf.tensor2d(labels as number[][]) : tf.tensor2d((labels as number[]).map((v) => [v]));
    const good = tf.ones([labels.length, 2]);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    try {
      if (opts.dispose === 'x') x.dispose();
      if (opts.dispose === 'y') y.dispose();
      if (opts.dispose === 'model') model.dispose();
      const config = { loss: loss as never, epochs: 1, ...(opts.where === 'validationData' ? { validationData: [x, y] as [tf.Tensor, tf.Tensor] } : {}) };
      const data = opts.where === 'validationData' ? { x: good, y: y.isDisposed ? y : y.clone() } : { x, y };
      try {
        return await train(model, data, config, { progress: false });
      } finally {
        if (data.y !== y) data.y.dispose();
      }
    } finally {
      if (opts.dispose !== 'model') {
        assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), before, 'an epoch ran');
        model.dispose();
      }
      tf.dispose([x, y, good]);
    }
  };
}

const T = TrainingError;
const make = (name: string, run: () => unknown, field: string, message?: RegExp): BadInput => ({ name, run, error: T, field, message });
const cases: BadInput[] = [];
for (const where of ['data', 'validationData'] as const) {
  const w = { where };
  cases.push(
    make(`${where}: sparse labels all 5 with 2 classes`, trainWith(2, 'softmax', 'sparseCategoricalCrossentropy', [5, 5, 5, 5], w), `${where}.y`, /first is 5 in row 0/),
    make(`${where}: sparse label -1`, trainWith(2, 'softmax', 'sparseCategoricalCrossentropy', [0, 1, -1, 0], w), `${where}.y`, /first is -1 in row 2/),
    make(`${where}: fractional sparse label`, trainWith(3, 'softmax', 'sparseCategoricalCrossentropy', [0, 1.5, 2, 0], w), `${where}.y`, /1\.5 in row 1/),
    make(`${where}: sparse label equal to the class count`, trainWith(3, 'softmax', 'sparseCategoricalCrossentropy', [0, 1, 2, 3], w), `${where}.y`, /row 3/),
    make(`${where}: binary labels {0, 1, 2}`, trainWith(1, 'sigmoid', 'binaryCrossentropy', [0, 1, 2, 1], w), `${where}.y`, /first is 2 in row 2/),
    make(`${where}: binary label -0.5`, trainWith(1, 'sigmoid', 'binaryCrossentropy', [0, -0.5, 1, 1], w), `${where}.y`),
    make(`${where}: categorical rows that are not one-hot`, trainWith(2, 'softmax', 'categoricalCrossentropy', [[1, 0], [1, 1], [0, 1], [0, 1]], w), `${where}.y`, /row 1/),
    make(`${where}: categorical negative entry`, trainWith(2, 'softmax', 'categoricalCrossentropy', [[1, 0], [-1, 2], [0, 1], [0, 1]], w), `${where}.y`),
    make(`${where}: one-hot y with a sparse loss`, trainWith(3, 'softmax', 'sparseCategoricalCrossentropy', [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], w), `${where}.y`, /one-hot/),
  );
}
cases.push(
  make('string x', trainWith(1, 'sigmoid', 'binaryCrossentropy', [0, 1, 0, 1], { x: () => tf.tensor([['a', 'b'], ['c', 'd'], ['e', 'f'], ['g', 'h']]) }), 'data.x', /Tensor \[4, 2\] string/),
  make('boolean x', trainWith(1, 'sigmoid', 'binaryCrossentropy', [0, 1, 0, 1], { x: () => tf.tidy(() => tf.ones([4, 2]).cast('bool')) }), 'data.x', /Tensor \[4, 2\] bool/),
  make('disposed x', trainWith(1, 'sigmoid', 'binaryCrossentropy', [0, 1, 0, 1], { dispose: 'x' }), 'data.x', /disposed/),
  make('disposed y', trainWith(1, 'sigmoid', 'binaryCrossentropy', [0, 1, 0, 1], { dispose: 'y' }), 'data.y', /disposed/),
  make('disposed model', trainWith(1, 'sigmoid', 'binaryCrossentropy', [0, 1, 0, 1], { dispose: 'model' }), 'model', /disposed/),
  make('callbacks: earlyStopping() (not an array)', async () => {
    const model = classifier(1, 'sigmoid');
    const [x, y] = [tf.ones([4, 2]), tf.ones([4, 1])];
    try {
      return await train(model, { x, y }, { loss: 'binaryCrossentropy', epochs: 1 }, { progress: false, callbacks: earlyStopping() as never });
    } finally {
      model.dispose();
      tf.dispose([x, y]);
    }
  }, 'callbacks', /must be an array/),
  make('data as [x, y] shows tensors as Tensor [4, 2] float32', async () => {
    const model = classifier(1, 'sigmoid');
    const [x, y] = [tf.ones([4, 2]), tf.ones([4, 1])];
    try {
      return await train(model, [x, y] as never, { loss: 'binaryCrossentropy', epochs: 1 }, { progress: false });
    } finally {
      model.dispose();
      tf.dispose([x, y]);
    }
  }, 'data', /Tensor \[4, 2\] float32/),
  make('model is not a model', () => train({} as never, { x: 1, y: 2 } as never, {}), 'model'),
);

const count = badInputSuite('train', cases);
test(`train: ${count} bad-input cases`, () => assert.ok(count >= 20));
