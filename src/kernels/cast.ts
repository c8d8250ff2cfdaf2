import * as tf from '@tensorflow/tfjs';
import { identity } from './identity';
import { runStock, type WasmKernelArgs } from './wasmBackend';

/**
 * Cast to the dtype a tensor already has shares its data, as `Identity` does, instead of
 * copying it: tfjs-layers casts its float32 labels and every relu gradient casts a float32
 * mask, ~10 such copies per MLP step. Real conversions go to wasm's own kernel.
 */
export function cast(args: WasmKernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const { dtype } = args.attrs as unknown as tf.CastAttrs;
  if (dtype === x.dtype && dtype !== 'string' && dtype !== 'complex64') return identity(args);
  return runStock('Cast', args.inputs, args.backend, args.attrs ?? {});
}
