/**
 * Gradient clipping with Keras semantics, applied to the gradients an optimizer receives
 * before its update rule sees them.
 */
import * as tf from '@tensorflow/tfjs';

/** Gradient clipping options (Keras allows at most one of them; so does trainlab). */
export interface ClipOptions {
  /** Rescale each gradient tensor whose L2 norm exceeds this to that norm (Keras `clipnorm`). */
  clipNorm?: number;
  /** Clip every gradient element to [-clipValue, clipValue] (Keras `clipvalue`). */
  clipValue?: number;
  /** Rescale all gradients together when their joint L2 norm exceeds this (Keras `global_clipnorm`). */
  globalClipNorm?: number;
}

/** What `Optimizer.applyGradients` receives: a name → gradient map or a list of `{name, tensor}`. */
export type GradientInput = Parameters<tf.Optimizer['applyGradients']>[0];
/** One `{name, tensor}` entry of a gradient list. */
export type NamedTensor = Extract<GradientInput, unknown[]>[number];

/** True when any clipping option is set. */
export function hasClipping(clip: ClipOptions): boolean {
  return clip.clipNorm !== undefined || clip.clipValue !== undefined || clip.globalClipNorm !== undefined;
}

function toList(grads: GradientInput): NamedTensor[] {
  return Array.isArray(grads) ? grads : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
}

/**
 * The clipped gradients as new tensors (one per non-null input gradient, same order);
 * the caller owns and disposes them. Formulas as tf.clip_by_norm / tf.clip_by_global_norm:
 * `g * c / max(norm, c)`.
 */
export function clipTensors(grads: readonly tf.Tensor[], clip: ClipOptions): tf.Tensor[] {
  return tf.tidy(() => {
    if (clip.clipValue !== undefined) {
      const v = clip.clipValue;
      return grads.map((g) => tf.clipByValue(g, -v, v));
    }
    if (clip.clipNorm !== undefined) {
      const c = clip.clipNorm;
      return grads.map((g) => tf.mul(g, tf.div(c, tf.maximum(tf.norm(g), c))));
    }
    if (clip.globalClipNorm !== undefined && grads.length > 0) {
      const c = clip.globalClipNorm;
      const globalNorm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.div(c, tf.maximum(globalNorm, c));
      return grads.map((g) => tf.mul(g, scale));
    }
    return grads.map((g) => tf.clone(g));
  });
}

/**
 * Calls `apply` with clipped gradients (or the originals when no clipping is set) and
 * disposes the clipped copies afterwards. Entries whose gradient is null stay in place:
 * tfjs optimizers key their state by position.
 */
export function applyClipped(grads: GradientInput, clip: ClipOptions, apply: (g: GradientInput) => void): void {
  if (!hasClipping(clip)) {
    apply(grads);
    return;
  }
  const list = toList(grads);
  const present = list.filter((entry) => entry.tensor != null);
  const clipped = clipTensors(
    present.map((entry) => entry.tensor),
    clip,
  );
  try {
    let k = 0;
    apply(list.map((entry) => (entry.tensor == null ? entry : { name: entry.name, tensor: clipped[k++] })));
  } finally {
    tf.dispose(clipped);
  }
}
