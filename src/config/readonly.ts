import type * as tf from '@tensorflow/tfjs';

/** One tensor, or one per model input/output: an array in model order or `{name: tensor}`. */
export type ValidationTensors = tf.Tensor | tf.Tensor[] | { [name: string]: tf.Tensor };

/** Validation data held outside the JSON form of a config: `[x, y]`, each as the data's `x` / `y` takes it. */
export type ValidationData = [x: ValidationTensors, y: ValidationTensors];

/** Recursively readonly, leaving tensors (and the `[x, y]` validation pair, which tfjs wants mutable) alone. */
export type DeepReadonly<T> = T extends tf.Tensor | ValidationData | ((...args: never[]) => unknown)
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<DeepReadonly<U>>
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;
