import * as tf from '@tensorflow/tfjs';
import { withThreadPool } from '../backend/threads';

/** The parts of tfjs-backend-wasm's `BackendWasm` that trainlab's kernels use. */
export interface WasmBackend {
  /** The emscripten module (its `asm.memory` is the heap). */
  wasm: unknown;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Arguments tfjs passes to a kernel function, with the backend typed as wasm. */
export interface WasmKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackend;
  attrs?: tf.NamedAttrMap;
}

export type WasmKernelFunc = (args: WasmKernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Runs one of the wasm backend's own (stock) kernels by name; large products and convolutions on every wasm thread. */
export function runStock(
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  backend: WasmBackend,
  attrs: object = {},
): tf.TensorInfo {
  const stock = stockKernel(kernelName);
  const run = () => stock.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  return POOLED.has(kernelName) ? withThreadPool(workOf(kernelName, inputs, attrs as { transposeB?: boolean }), run) : run();
}

const POOLED = new Set(['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D']);

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Multiply-adds of a product or convolution, roughly (enough to tell small from large). */
function workOf(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: { transposeB?: boolean }): number {
  if (kernelName === 'BatchMatMul' || kernelName === '_FusedMatMul') {
    const b = (inputs.b as tf.TensorInfo).shape;
    return size((inputs.a as tf.TensorInfo).shape) * b[attrs.transposeB === true ? b.length - 2 : b.length - 1];
  }
  const filter = (inputs.filter as tf.TensorInfo).shape;
  return size((inputs.x as tf.TensorInfo).shape) * filter[0] * filter[1] * filter[3];
}

// null records a kernel the wasm backend does not have, so a trainlab kernel registered
// later under that name is never mistaken for a stock one.
const stockKernels = new Map<string, tf.KernelConfig | null>();

/**
 * Remembers the wasm backend's own kernel (first call per name, before trainlab replaces
 * it) so it can be called and restored later. Undefined when wasm has none.
 */
export function rememberStock(kernelName: string): tf.KernelConfig | undefined {
  const saved = stockKernels.get(kernelName);
  if (saved !== undefined) return saved ?? undefined;
  const config = tf.getKernel(kernelName, 'wasm');
  stockKernels.set(kernelName, config === undefined ? null : { ...config });
  return config;
}

export function stockKernel(kernelName: string): tf.KernelConfig {
  const config = rememberStock(kernelName);
  if (config === undefined) {
    throw new Error(
      `trainlab kernels: the wasm backend has no '${kernelName}' kernel to build on. ` +
        `Import '@tensorflow/tfjs-backend-wasm' 4.22 before installing trainlab's kernels.`,
    );
  }
  return config;
}

/** A float32 view of a tensor's data on the wasm heap. Take it after every allocation. */
export function heapF32(backend: WasmBackend, info: tf.TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) {
    throw new Error(`trainlab kernels: expected a float32 tensor, got dtype '${info.dtype}'.`);
  }
  return view;
}

/** Reshapes without copying by sharing the data id, as the wasm backend's Reshape does. */
export function reshapeInfo(backend: WasmBackend, info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return runStock('Reshape', { x: info }, backend, { shape });
}

export function dispose(backend: WasmBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}
