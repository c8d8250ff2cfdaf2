import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilter, conv2DBackpropInput, depthwiseConv2dNativeBackpropFilter, depthwiseConv2dNativeBackpropInput } from './conv';
import { ADAM_UPDATE, adamUpdate, patchStockAdam, unpatchStockAdam } from './adam';
import { batchMatMul, fusedMatMul } from './matMul';
import { cast } from './cast';
import { add } from './add';
import { gatherV2 } from './gather';
import { identity } from './identity';
import { maxPoolGrad } from './pool';
import { unsortedSegmentSum } from './segment';
import { sum } from './sum';
import { tile } from './tile';
import { conv2D, fusedConv2D } from './pooled';
import { rememberStock, type WasmKernelFunc } from './wasmBackend';

/** trainlab's kernels for the wasm backend, by tfjs kernel name. */
const FAST_KERNELS: ReadonlyArray<readonly [string, WasmKernelFunc]> = [
  [tf.BatchMatMul, batchMatMul],
  [tf._FusedMatMul, fusedMatMul],
  [tf.Conv2DBackpropFilter, conv2DBackpropFilter],
  [tf.Conv2DBackpropInput, conv2DBackpropInput],
  [tf.DepthwiseConv2dNativeBackpropFilter, depthwiseConv2dNativeBackpropFilter],
  [tf.DepthwiseConv2dNativeBackpropInput, depthwiseConv2dNativeBackpropInput],
  [tf.UnsortedSegmentSum, unsortedSegmentSum],
  [tf.MaxPoolGrad, maxPoolGrad],
  [tf.Tile, tile],
  [tf.GatherV2, gatherV2],
  [tf.Identity, identity],
  [tf.Cast, cast],
  [tf.Add, add],
  [tf.Sum, sum],
  [tf.Conv2D, conv2D],
  [tf.FusedConv2D, fusedConv2D],
  [ADAM_UPDATE, adamUpdate],
];

/** Names of the tfjs kernels trainlab registers for 'wasm' (replaced or added). */
export const FAST_KERNEL_NAMES: readonly string[] = FAST_KERNELS.map(([name]) => name);

let installed = false;

/** Options of {@link installFastKernels}. */
export interface FastKernelOptions {
  /**
   * Also route tfjs's stock Adam (`tf.train.adam()`, `optimizer: 'adam'` in `model.compile`)
   * through the fused update, by patching `tf.AdamOptimizer.prototype.applyGradients` for
   * the whole process until `uninstallFastKernels()`. Defaults to false: only trainlab's
   * Adam and AdamW (createOptimizer, configs) use the fused update.
   */
  patchStockAdam?: boolean;
}

/**
 * Registers trainlab's kernels for the 'wasm' backend: matmuls that transpose before
 * multiplying (~10x faster backward passes) and the training kernels wasm lacks
 * (Conv2DBackpropFilter, depthwise backprops, UnsortedSegmentSum), and a one-pass Adam
 * update kernel that trainlab's Adam and AdamW use while the backend is wasm (tfjs's stock
 * Adam only with `patchStockAdam: true`). The stock kernels are saved and come back with
 * `uninstallFastKernels()`. Calling it twice is harmless. `useBackend('wasm')` calls it
 * unless `TRAINLAB_FAST_KERNELS=0`.
 */
export function installFastKernels(options: FastKernelOptions = {}): void {
  if (options.patchStockAdam === true) patchStockAdam();
  if (installed) return;
  // Loaded here, not at import: importing the wasm backend registers it as tfjs's
  // preferred backend, and every tensor made before `await useBackend()` would then fail.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-wasm');
  for (const [kernelName, kernelFunc] of FAST_KERNELS) {
    const stock = rememberStock(kernelName);
    if (stock !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  installed = true;
}

/** Puts back the wasm backend's stock kernels (for comparisons and benchmarks). */
export function uninstallFastKernels(): void {
  if (!installed) return;
  for (const [kernelName] of FAST_KERNELS) {
    tf.unregisterKernel(kernelName, 'wasm');
    const stock = rememberStock(kernelName);
    if (stock !== undefined) tf.registerKernel(stock);
  }
  unpatchStockAdam();
  installed = false;
}

/** Whether trainlab's wasm kernels are currently registered. */
export function fastKernelsInstalled(): boolean {
  return installed;
}

/**
 * Whether `useBackend` should install the kernels: yes unless the environment variable
 * `TRAINLAB_FAST_KERNELS` is '0' or 'false'.
 */
export function fastKernelsWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.TRAINLAB_FAST_KERNELS ?? '').trim().toLowerCase();
  return value !== '0' && value !== 'false';
}
