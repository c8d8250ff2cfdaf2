import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { OptimizerError, createOptimizer, markScheduled, scheduledBy, unmarkScheduled } from '../../src/optimizers';

test('markScheduled records one owner per optimizer; a second owner is a clear error', async () => {
  await tf.setBackend('cpu');
  const opt = createOptimizer('adam');
  const other = tf.train.sgd(0.1);
  assert.equal(scheduledBy(opt), undefined);
  markScheduled(opt, 'learningRateScheduler#1');
  markScheduled(opt, 'learningRateScheduler#1'); // same owner again: fine (re-run)
  markScheduled(other, 'reduceLROnPlateau#2'); // marks are per optimizer
  assert.equal(scheduledBy(opt), 'learningRateScheduler#1');
  assert.throws(
    () => markScheduled(opt, 'reduceLROnPlateau#2'),
    (error: unknown) => {
      assert.ok(error instanceof OptimizerError);
      assert.equal(
        error.message,
        "markScheduled: the optimizer's learning rate is already driven by learningRateScheduler#1; reduceLROnPlateau#2 cannot drive it too. Use one learning-rate schedule or plateau callback per optimizer, or remove the lrSchedule from the config.",
      );
      return true;
    },
  );
  unmarkScheduled(opt, 'reduceLROnPlateau#2'); // not the holder: no effect
  assert.equal(scheduledBy(opt), 'learningRateScheduler#1');
  unmarkScheduled(opt, 'learningRateScheduler#1');
  assert.equal(scheduledBy(opt), undefined);
  markScheduled(opt, 'reduceLROnPlateau#2');
  assert.equal(scheduledBy(opt), 'reduceLROnPlateau#2');
  assert.throws(() => markScheduled(opt, ''), /markScheduled: owner must be a non-empty string naming the schedule; received '' \(a string\)\./);
  assert.throws(() => markScheduled({} as tf.Optimizer, 'x'), /markScheduled: expects a tf\.Optimizer/);
  opt.dispose();
  other.dispose();
});
