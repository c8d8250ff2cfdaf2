import * as tf from '@tensorflow/tfjs';
import { models, ModelError, summary } from '../../src/models';
import { badInputSuite, type BadInput } from '../helpers/badInput';

const make = (name: string, run: () => unknown, field: string, message?: RegExp): BadInput => ({ name, run, error: ModelError, field, message });
const mlp = { inputShape: [2], output: 'binary' as const };
const cnn = { inputShape: [8, 8, 1] as [number, number, number], classes: 3 };
/** summary of a fresh model, disposed afterwards. */
function summaryOf(options: unknown): () => unknown {
  return () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    try {
      return summary(model, options as never);
    } finally {
      model.dispose();
    }
  };
}

badInputSuite('models bad input', [
  make('mlp(2) positional', () => models.mlp(2 as never), '', /must be an options object/),
  make("mlp('binary') positional", () => models.mlp('binary' as never), ''),
  make('mlp({inputShap})', () => models.mlp({ ...mlp, inputShap: [2] } as never), 'inputShap', /Did you mean 'inputShape'/),
  make('mlp({hiden})', () => models.mlp({ ...mlp, hiden: [8] } as never), 'hiden', /Did you mean 'hidden'/),
  make('mlp({activaton})', () => models.mlp({ ...mlp, activaton: 'tanh' } as never), 'activaton', /Did you mean 'activation'/),
  make("mlp({activation: 'rleu'})", () => models.mlp({ ...mlp, activation: 'rleu' as never }), 'activation', /'rleu' is not a known value.*Did you mean 'relu'/s),
  make('mlp({batchNorm: 1})', () => models.mlp({ ...mlp, batchNorm: 1 as never }), 'batchNorm', /batchNorm must be true or false; received 1\./),
  make("mlp({dropout: '0.2'})", () => models.mlp({ ...mlp, dropout: '0.2' as never }), 'dropout'),
  make('mlp({hidden: 8})', () => models.mlp({ ...mlp, hidden: 8 as never }), 'hidden'),
  make('mlp without output', () => models.mlp({ inputShape: [2] } as never), 'output', /output must be 'regression', 'binary', \{classes: k\} or \{units, activation\}; received nothing/),
  make('mlp without inputShape', () => models.mlp({ output: 'binary' } as never), 'inputShape'),
  make('mlp({name: 3})', () => models.mlp({ ...mlp, name: 3 as never }), 'name'),
  make('cnn(28) positional', () => models.cnn(28 as never), ''),
  make('cnn({filter})', () => models.cnn({ ...cnn, filter: [8] } as never), 'filter', /Did you mean 'filters'/),
  make('cnn({kernel})', () => models.cnn({ ...cnn, kernel: 3 } as never), 'kernel', /Did you mean 'kernelSize'/),
  make("cnn({padding: 'full'})", () => models.cnn({ ...cnn, padding: 'full' as never }), 'padding', /expected one of 'same' \| 'valid'/),
  make('cnn({clases})', () => models.cnn({ inputShape: [8, 8, 1], clases: 3 } as never), 'clases', /Did you mean 'classes'/),
  make('cnn({pool: true})', () => models.cnn({ ...cnn, pool: true as never }), 'pool'),
  make('summary(model, {sho})', summaryOf({ sho: false }), 'sho', /Did you mean 'show'/),
  make("summary(model, {show: 'no'})", summaryOf({ show: 'no' }), 'show'),
  make('summary(model, false) positional', summaryOf(false), ''),
  make('summary(model, {display: 1})', summaryOf({ display: 1, show: true }), 'display'),
]);
