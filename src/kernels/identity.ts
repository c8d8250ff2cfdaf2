import * as tf from '@tensorflow/tfjs';
import { runStock, type WasmKernelArgs } from './wasmBackend';

/**
 * Identity (behind `tf.clone`, `keep`-style copies and many gradients) shares the input's
 * data, as the cpu backend does, instead of copying it: tfjs tensors are immutable and a
 * shared buffer is freed only when its last reference is disposed.
 */
export function identity({ inputs, backend }: WasmKernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return runStock('Identity', inputs, backend);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}
