import { runStock, type WasmKernelArgs } from './wasmBackend';

// wasm's own convolutions, run through runStock so that large ones use every wasm thread
// and small ones stay inline (see withThreadPool).
export function conv2D({ inputs, backend, attrs }: WasmKernelArgs) {
  return runStock('Conv2D', inputs, backend, attrs ?? {});
}

export function fusedConv2D({ inputs, backend, attrs }: WasmKernelArgs) {
  return runStock('FusedConv2D', inputs, backend, attrs ?? {});
}
