export { useBackend, ensureBackend, currentBackend, onBackendReady, BackendError, BACKEND_NAMES, NATIVE_PACKAGES } from './backend';
export type { BackendName, UseBackendOptions } from './backend';
export { setSeed, currentSeed, mulberry32 } from './seed';
// Registers trainlab's wasm kernels with useBackend (installed when wasm is chosen).
import '../kernels';
