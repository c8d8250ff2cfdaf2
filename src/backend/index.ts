export { useBackend, ensureBackend, currentBackend, onBackendReady, BackendError, BACKEND_NAMES, NATIVE_PACKAGES } from './backend';
export type { BackendName, UseBackendOptions } from './backend';
export { MAX_THREADS, wasmThreads } from './threads';
export { setSeed, currentSeed, mulberry32 } from './seed';
