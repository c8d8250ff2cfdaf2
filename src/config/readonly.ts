import type * as tf from '@tensorflow/tfjs';

/** Validation data held outside the JSON form of a config: `[x, y]` tensors. */
export type ValidationData = [x: tf.Tensor, y: tf.Tensor];

/** Recursively readonly, leaving tensors (and the `[x, y]` validation pair, which tfjs wants mutable) alone. */
export type DeepReadonly<T> = T extends tf.Tensor | ValidationData | ((...args: never[]) => unknown)
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<DeepReadonly<U>>
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;
