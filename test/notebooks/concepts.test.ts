// Every point of ../shared/concepts.md, mapped to the claims that demonstrate it. Read from
// the published notebooks (kept fresh by published.test.ts and each notebook's runTutorial,
// which also re-checks every claim's numbers on a fresh run): each point must be shown by
// at least one claim that holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, type Cell, type ClaimRecord } from '../helpers/notebook';

const CLAIM_MIME = 'application/vnd.trainlab.claim+json';

function publishedClaims(name: string): ClaimRecord[] {
  const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks', `${name}.ipynb`), 'utf8')) as { cells: Cell[] };
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data !== undefined && CLAIM_MIME in o.data).map((o) => o.data![CLAIM_MIME] as ClaimRecord);
}

/** concepts.md section → point → the notebook and the claims (text patterns) that show it. */
const CONCEPTS: Record<string, Record<string, Array<[string, RegExp]>>> = {
  'Introduction': {
    'deep learning differs from classical ML mainly in how it is trained': [['00-quickstart', /every linear run ends within 5 %/], ['00-quickstart', /network's validation loss differs more than 2-fold/]],
    'behaviour depends strongly on configuration choices': [['00-quickstart', /changing only the learningRate/], ['00-quickstart', /changing only the seed/]],
  },
  'Learning Rate': {
    'too high: unstable, diverges': [['01-learning-rate', /lr 1 diverges/]],
    'too high: oscillates': [['01-learning-rate', /lr 0\.3 oscillates/]],
    'too low: very slow': [['01-learning-rate', /never gets there/]],
    'too low: may get stuck': [['01-learning-rate', /looks stuck/]],
    'choosing it: the range test': [['01-learning-rate', /range test runs until the loss diverges/]],
  },
  'Batch Size': {
    'small: noisier gradient updates; large: smoother': [['02-batch-size', /variance falls at every larger batch/], ['02-batch-size', /falls as 1\/B/]],
    'small: more regularization effect': [['02-batch-size', /batch 6 has the lower validation loss/]],
    'small: higher training time per epoch': [['02-batch-size', /epoch of batch-16 updates takes over 5×/]],
    'large: faster computation (measured on this CPU)': [['02-batch-size', /a sample takes less time in every larger batch/]],
    'large: more memory': [['02-batch-size', /peak memory of a step grows/]],
  },
  'Epochs': {
    'several epochs needed; too few underfit': [['03-epochs', /after 2 epochs both losses are still high/]],
    'too many overfit': [['03-epochs', /validation loss climbs back/]],
    'validation monitoring tells when to stop': [['03-epochs', /early stopping ends the run/], ['03-epochs', /restored model has the best epoch's validation loss/]],
  },
  'Optimizers': {
    'SGD, Adam, RMSprop converge at different speeds': [['04-optimizers', /mean epochs to the target/]],
    'they handle noisy gradients differently': [['04-optimizers', /noisier gradients every optimizer/], ['04-optimizers', /Adam's lead is gone/]],
    'they may affect final performance': [['04-optimizers', /Adam's worst seed ends with a lower validation loss/]],
    'Adam for fast convergence': [['04-optimizers', /Adam reaches training loss 0\.3 in every seed/]],
    'SGD for fine-tuning and stability (what a fresh Adam state does)': [['04-optimizers', /fresh Adam's first step/], ['04-optimizers', /SGD's first step moves/], ['04-optimizers', /pre-training rate knocks/]],
  },
  'Loss Function': {
    'MSE for regression': [['05-loss-functions', /validation MSE is under a quarter/]],
    'cross-entropy for classification': [['05-loss-functions', /cross-entropy's gradient is over 50×/]],
    'the loss guides parameter updates': [['05-loss-functions', /pushes harder the more wrong/]],
    'the loss does not always match the metric': [['05-loss-functions', /twice the validation loss of the lowest-loss one, yet no lower accuracy/]],
  },
  'Overfitting': {
    'networks memorize training data': [['06-overfitting', /memorises the training set/], ['10-images-and-augmentation', /memorises its training images/]],
    'they learn noise': [['06-overfitting', /learns the noise/]],
    'they overfit small data sets': [['06-overfitting', /gap at the end shrinks with every larger training set/]],
    'early stopping': [['06-overfitting', /early stopping narrows the gap/]],
    'dropout': [['06-overfitting', /dropout at the chosen rate/]],
    'data augmentation': [['06-overfitting', /augmentation with noise/], ['10-images-and-augmentation', /augmentation more than halves/]],
    'regularization': [['06-overfitting', /L2 penalty .* narrows the gap/], ['10-images-and-augmentation', /best L2 strength is interior/]],
  },
  'Computational Considerations': {
    'speed depends on data-set size': [['07-computational-considerations', /grows in proportion to the rows/]],
    'speed depends on model size': [['07-computational-considerations', /time grows more slowly than the parameter count/]],
    'speed depends on hardware resources': [['07-computational-considerations', /faster on trainlab's wasm than on plain-JavaScript cpu/]],
    'large models need more memory': [['07-computational-considerations', /4 bytes per parameter/]],
    'efficient configuration choices improve performance': [['07-computational-considerations', /batch 512 takes over 4× less time/]],
  },
  'Key Principle': {
    'learning rate, batch size, optimizer and regularization together determine the result': [['08-tuning', /best configuration reaches a validation loss over 10× lower/], ['08-tuning', /batch size matters over 5× more for SGD/]],
    'careful tuning is essential for reliable results': [['08-tuning', /top three keep their order/], ['08-tuning', /tuned configuration beats the defaults in every seed/]],
  },
};

for (const [section, points] of Object.entries(CONCEPTS)) {
  for (const [point, shownBy] of Object.entries(points)) {
    test(`concepts.md, ${section}: ${point}`, () => {
      for (const [notebook, pattern] of shownBy) {
        const found = publishedClaims(notebook).filter((c) => pattern.test(c.text));
        assert.equal(found.length, 1, `${notebook}: one claim matching ${pattern}, found ${found.map((c) => c.text).join(' | ') || 'none'}`);
        assert.equal(found[0].holds, true, `${notebook}: ${found[0].text} does not hold`);
      }
    });
  }
}
