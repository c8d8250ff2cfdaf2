import * as tf from '@tensorflow/tfjs';
import { describe, RegularizationError } from './errors';
import { checkRegularizationOptions, type WeightPenalty } from './options';

export type { WeightPenalty } from './options';

/** What {@link applyRegularization} did. */
export interface RegularizationReport {
  /** Names of the layers whose kernels are now penalized (empty when l1 = l2 = 0). */
  layers: string[];
}

/** Layer classes whose `kernel` gets the penalty (biases are left alone, as in common practice). */
export const REGULARIZED_LAYER_CLASSES = ['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Conv3DTranspose'] as const;

type LayerLoss = () => tf.Scalar;
const applied = new WeakMap<tf.layers.Layer, LayerLoss>();
const ours = new WeakSet<object>();

function checkFactor(field: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RegularizationError(`applyRegularization: ${field} must be a finite number >= 0, received ${describe(value)}. Pass e.g. {${field}: 1e-4}, or 0 for none.`);
  }
  return value;
}

function kernelLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const out: tf.layers.Layer[] = [];
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) out.push(...kernelLayers(layer));
    else if ((REGULARIZED_LAYER_CLASSES as readonly string[]).includes(layer.getClassName())) out.push(layer);
  }
  return out;
}

function kernelOf(layer: tf.layers.Layer): tf.LayerVariable | undefined {
  return layer.trainableWeights.find((w) => /(^|\/)kernel(_\d+)?$/.test(w.originalName));
}

type Regularizer = ReturnType<typeof tf.regularizers.l1l2>;
type WithRegularizer = { kernelRegularizer?: Regularizer | null };

/**
 * Adds an L1/L2 penalty on the kernels of every Dense and Conv layer of `model` (nested
 * models included) to its training loss. Applying again replaces the previous penalty;
 * `{l1: 0, l2: 0}` removes it. Built layers get the loss term directly (tfjs only reads
 * `kernelRegularizer` while building); the layer's `kernelRegularizer` is set too so the
 * saved config records it. Takes effect from the next `fit`/`trainOnBatch` (tfjs's
 * `evaluate` and validation loss never include regularization).
 */
export function applyRegularization(model: tf.LayersModel, penalty: WeightPenalty): RegularizationReport {
  if (!(model instanceof tf.LayersModel)) {
    throw new RegularizationError(`applyRegularization: model must be a tf.LayersModel (tf.sequential() or tf.model()), received ${describe(model)}.`);
  }
  if (typeof penalty !== 'object' || penalty === null) {
    throw new RegularizationError(`applyRegularization: penalty (the second argument) must be {l1?, l2?}, received ${describe(penalty)}. Pass e.g. {l2: 1e-4}.`, { path: 'penalty', received: penalty, expected: '{l1?, l2?}' });
  }
  checkRegularizationOptions('applyRegularization', penalty);
  const l1 = checkFactor('l1', penalty.l1);
  const l2 = checkFactor('l2', penalty.l2);
  const layers = kernelLayers(model);
  const on = l1 > 0 || l2 > 0;
  // Check every layer before changing any, so an error leaves the model as it was.
  for (const layer of on ? layers : []) {
    const own = (layer as unknown as WithRegularizer).kernelRegularizer;
    if (own !== undefined && own !== null && !ours.has(own) && layer.built) {
      throw new RegularizationError(
        `applyRegularization: layer '${layer.name}' already has a kernelRegularizer from its own config, and adding another would penalize it twice. ` +
          `Remove kernelRegularizer from that layer's config, or leave regularization out of the trainlab config.`,
      );
    }
  }
  const names: string[] = [];
  for (const layer of layers) {
    const previous = applied.get(layer);
    if (previous !== undefined) {
      const index = layer.losses.indexOf(previous);
      if (index >= 0) layer.losses.splice(index, 1);
      applied.delete(layer);
    }
    if (!on) {
      // Only undo what applyRegularization set; a regularizer from the layer's own config stays.
      const current = (layer as unknown as WithRegularizer).kernelRegularizer;
      if (previous !== undefined || (current !== undefined && current !== null && ours.has(current))) {
        (layer as unknown as WithRegularizer).kernelRegularizer = null;
      }
      continue;
    }
    const regularizer = tf.regularizers.l1l2({ l1, l2 });
    ours.add(regularizer);
    (layer as unknown as WithRegularizer).kernelRegularizer = regularizer;
    names.push(layer.name);
    const kernel = layer.built ? kernelOf(layer) : undefined;
    if (kernel === undefined) continue; // not built yet: build() reads kernelRegularizer itself
    const loss: LayerLoss = () => tf.tidy(() => regularizer.apply(kernel.read()) as tf.Scalar);
    layer.addLoss(loss);
    applied.set(layer, loss);
  }
  return { layers: names };
}

/** The penalty `l1 * sum(|w|) + l2 * sum(w²)` over the kernels {@link applyRegularization} would touch, as a number. */
export function regularizationPenalty(model: tf.LayersModel, penalty: WeightPenalty): number {
  const l1 = checkFactor('l1', penalty.l1);
  const l2 = checkFactor('l2', penalty.l2);
  return tf.tidy(() => {
    let total = 0;
    for (const layer of kernelLayers(model)) {
      const kernel = kernelOf(layer);
      if (kernel === undefined) continue;
      const w = kernel.read();
      total += l1 * tf.sum(tf.abs(w)).dataSync()[0] + l2 * tf.sum(tf.square(w)).dataSync()[0];
    }
    return total;
  });
}

/**
 * Sets the rate of every Dropout layer of `model` (tfjs reads `rate` at each call, so this
 * takes effect at once). Throws when `rate > 0` and the model has no Dropout layer, since
 * the rate could not take effect: add `tf.layers.dropout({rate})` where you want it.
 * Returns the names of the layers changed.
 */
export function setDropoutRate(model: tf.LayersModel, rate: number): string[] {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate >= 1) {
    throw new RegularizationError(`setDropoutRate: rate must be a number in [0, 1), received ${describe(rate)}. Pass e.g. 0.2.`);
  }
  const dropouts: tf.layers.Layer[] = [];
  const visit = (m: tf.LayersModel) => {
    for (const layer of m.layers) {
      if (layer instanceof tf.LayersModel) visit(layer);
      else if (['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'AlphaDropout', 'GaussianDropout'].includes(layer.getClassName())) dropouts.push(layer);
    }
  };
  visit(model);
  if (dropouts.length === 0 && rate > 0) {
    throw new RegularizationError(
      `setDropoutRate: model '${model.name}' has no Dropout layer, so dropout ${rate} cannot take effect. Add tf.layers.dropout({rate: ${rate}}) after the layers to regularize, or set regularization.dropout to 0.`,
    );
  }
  for (const layer of dropouts) (layer as unknown as { rate: number }).rate = rate;
  return dropouts.map((l) => l.name);
}
