/**
 * `train(..., {augment})`: the training rows are fed to `fitDataset` batch by batch from a
 * generator that shuffles them every epoch (with Math.random, which `config.seed` seeds),
 * gathers a batch, and passes it through the augmentation. Validation rows are split off
 * first, as `model.fit` would, and never augmented. Every batch's tensors are disposed:
 * the augmented ones by `fitDataset` after its step, the rest here.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from '../config';
import { disposeUnless, type AugmentBatch, type Augmentation } from '../regularization/batch';
import { describe, TrainingError } from './errors';
import type { TrainData } from './data';
import { isDatasetData } from './data';

/** Why `augment` cannot be used with this data and config, as sentences (none when it can). */
export function augmentProblems(augment: unknown, data: TrainData): string[] {
  if (augment === undefined) return [];
  if (typeof augment !== 'function') return [];
  if (isDatasetData(data)) {
    return ['options.augment works on tensor data {x, y}; a streamed dataset is fed as it is. Augment inside it instead (dataset.map(({xs, ys}) => ...)), or pass tensors.'];
  }
  const d = data as { x?: unknown; y?: unknown };
  if (!(d.x instanceof tf.Tensor) || !(d.y instanceof tf.Tensor)) {
    return ['options.augment takes one tensor x and one tensor y; for several inputs or outputs, augment the tensors before train.'];
  }
  return [];
}

/** Training rows and validation data as `model.fit` would split them (the last `validationSplit` of the rows, unshuffled). */
function splitRows(x: tf.Tensor, y: tf.Tensor, cfg: TrainingConfig): { x: tf.Tensor; y: tf.Tensor; validation: [tf.Tensor, tf.Tensor] | undefined; owned: tf.Tensor[] } {
  if (cfg.validationSplit === undefined) return { x, y, validation: cfg.validationData as [tf.Tensor, tf.Tensor] | undefined, owned: [] };
  const n = x.shape[0];
  const at = Math.floor(n * (1 - cfg.validationSplit));
  const parts = [tf.slice(x, 0, at), tf.slice(y, 0, at), tf.slice(x, at, n - at), tf.slice(y, at, n - at)];
  return { x: parts[0], y: parts[1], validation: [parts[2], parts[3]], owned: parts };
}

function checkBatch(out: unknown, size: number): AugmentBatch {
  const o = out as Partial<AugmentBatch> | undefined;
  if (typeof o !== 'object' || o === null || !(o.x instanceof tf.Tensor) || !(o.y instanceof tf.Tensor)) {
    throw new TrainingError('train', [`options.augment must return a batch {x, y} of tensors; it returned ${describe(out)}. Return e.g. {x: augmentedX, y}.`]);
  }
  if (o.x.isDisposed || o.y.isDisposed) throw new TrainingError('train', ['options.augment returned a disposed tensor. Return new tensors or the ones received, undisposed.']);
  if (o.x.shape[0] !== o.y.shape[0]) {
    throw new TrainingError('train', [`options.augment returned x with ${o.x.shape[0]} examples and y with ${o.y.shape[0]} (the batch had ${size}). Return as many of each.`]);
  }
  return o as AugmentBatch;
}

/** A random ordering of 0..n-1 (Fisher–Yates) from Math.random, which train seeds. */
function shuffledOrder(n: number, shuffle: boolean): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  if (!shuffle) return order;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** `fitDataset` arguments besides the data. */
export type FitArgs = Omit<tf.ModelFitDatasetArgs<unknown>, 'validationData' | 'batchesPerEpoch'>;

/** Fits `model` on augmented batches of `x`, `y` (see the file comment); tensors it made are disposed when it returns or throws. */
export async function fitAugmented(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, cfg: TrainingConfig, augment: Augmentation, args: FitArgs): Promise<tf.History> {
  const rows = splitRows(x, y, cfg);
  const n = rows.x.shape[0];
  const batchSize = cfg.batchSize;
  // What the augmentation threw, rethrown as it was once fitDataset has cleaned up.
  let thrown: { error: unknown } | undefined;
  // Indices are read from this generator's state: one endless stream, an epoch every batchesPerEpoch batches.
  function* batches(): Generator<{ xs: tf.Tensor; ys: tf.Tensor }> {
    for (;;) {
      const order = shuffledOrder(n, cfg.shuffle);
      for (let start = 0; start < n; start += batchSize) {
        const indices = order.slice(start, start + batchSize);
        const batch = tf.tidy(() => {
          const i = tf.tensor1d(indices, 'int32');
          return { x: tf.gather(rows.x, i), y: tf.gather(rows.y, i) };
        });
        let out: AugmentBatch;
        let returned: unknown;
        try {
          returned = augment(batch);
          out = checkBatch(returned, indices.length);
        } catch (error) {
          // The batch and whatever came back are train's to dispose (an unusable result too).
          const given = typeof returned === 'object' && returned !== null ? Object.values(returned) : [];
          tf.dispose([batch.x, batch.y, ...given.filter((t): t is tf.Tensor => t instanceof tf.Tensor && !t.isDisposed)]);
          thrown = { error };
          // tf.data rewrites the message of what it catches: let it have a stand-in.
          throw new Error('options.augment failed');
        }
        disposeUnless(batch, out);
        yield { xs: out.x, ys: out.y };
      }
    }
  }
  try {
    const dataset = tf.data.generator(batches as unknown as () => Iterator<tf.TensorContainer>);
    return await model.fitDataset(dataset, { ...args, batchesPerEpoch: Math.ceil(n / batchSize), validationData: rows.validation });
  } catch (error) {
    throw thrown !== undefined ? thrown.error : error;
  } finally {
    tf.dispose(rows.owned);
  }
}
