import * as tf from '@tensorflow/tfjs';
import { applyRegularization, gaussianNoise, mixup, randomFlip, randomShift, RegularizationError } from '../../src/regularization';
import { badInputSuite, type BadInput } from '../helpers/badInput';

const make = (name: string, run: () => unknown, field: string, message?: RegExp): BadInput => ({ name, run, error: RegularizationError, field, message });
/** Runs `fn` on fresh tensors (a batch of 2 NHWC images, or x and y), disposed afterwards. */
function withImages(fn: (images: tf.Tensor4D) => unknown): () => unknown {
  return () => {
    const images = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    try {
      return fn(images);
    } finally {
      images.dispose();
    }
  };
}
function withXY(fn: (x: tf.Tensor, y: tf.Tensor) => unknown): () => unknown {
  return () => {
    const x = tf.zeros([4, 2]);
    const y = tf.zeros([4, 2]);
    try {
      return fn(x, y);
    } finally {
      tf.dispose([x, y]);
    }
  };
}
function withModel(fn: (model: tf.LayersModel) => unknown): () => unknown {
  return () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    try {
      return fn(model);
    } finally {
      model.dispose();
    }
  };
}

badInputSuite('regularization bad input', [
  make('gaussianNoise(x, 0.1) positional', withXY((x) => gaussianNoise(x, 0.1 as never)), '', /must be an options object/),
  make('gaussianNoise({stdev})', withXY((x) => gaussianNoise(x, { stdev: 0.1 } as never)), 'stdev', /Did you mean 'stddev'/),
  make('gaussianNoise({})', withXY((x) => gaussianNoise(x, {} as never)), 'stddev', /stddev must be a number; received nothing/),
  make("gaussianNoise({stddev: '0.1'})", withXY((x) => gaussianNoise(x, { stddev: '0.1' as never })), 'stddev'),
  make('gaussianNoise({stddev, sed})', withXY((x) => gaussianNoise(x, { stddev: 0.1, sed: 1 } as never)), 'sed', /Did you mean 'seed'/),
  make('mixup(x, y, 0.2) positional', withXY((x, y) => mixup(x, y, 0.2 as never)), ''),
  make('mixup({alhpa})', withXY((x, y) => mixup(x, y, { alhpa: 0.2 } as never)), 'alhpa', /Did you mean 'alpha'/),
  make("mixup({alpha: '0.2'})", withXY((x, y) => mixup(x, y, { alpha: '0.2' as never })), 'alpha'),
  make("randomFlip('vertical') positional", withImages((i) => randomFlip(i, 'vertical' as never)), '', /must be an options object/),
  make('randomFlip({mod})', withImages((i) => randomFlip(i, { mod: 'both' } as never)), 'mod', /Did you mean 'mode'/),
  make("randomFlip({mode: 'diagonal'})", withImages((i) => randomFlip(i, { mode: 'diagonal' as never })), 'mode', /expected one of 'horizontal' \| 'vertical' \| 'both'/),
  make('randomShift({maxFration})', withImages((i) => randomShift(i, { maxFration: 0.1 } as never)), 'maxFration', /Did you mean 'maxFraction'/),
  make("randomShift({fill: 'black'})", withImages((i) => randomShift(i, { fill: 'black' as never })), 'fill'),
  make('randomShift({seed: 1.5})', withImages((i) => randomShift(i, { seed: 1.5 })), 'seed'),
  make('applyRegularization({l3})', withModel((m) => applyRegularization(m, { l3: 0.1 } as never)), 'l3', /Did you mean 'l1'|Known options: l1, l2/),
  make("applyRegularization({l2: '1e-4'})", withModel((m) => applyRegularization(m, { l2: '1e-4' as never })), 'l2'),
  make('applyRegularization(model, 1e-4) positional', withModel((m) => applyRegularization(m, 1e-4 as never)), 'penalty', /must be \{l1\?, l2\?\}, received 0\.0001/),
]);
