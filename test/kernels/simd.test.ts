import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { SIMD_MODULE_BYTES, simdOps, type SimdOps } from '../../src/kernels/simd';
import { values } from './helpers';

interface Heap {
  wasm: unknown;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): void;
}

async function heap(): Promise<{ backend: Heap; ops: SimdOps }> {
  await useBackend('wasm', { quiet: true });
  const backend = tf.backend() as unknown as Heap;
  const ops = simdOps(backend.wasm);
  assert.ok(ops !== undefined, 'SIMD module instantiated on the wasm backend (otherwise every SIMD path silently runs its JS fallback)');
  return { backend, ops };
}

/** Fills a new heap buffer with values(seed), runs f, returns the output and frees both. */
function onHeap(backend: Heap, inSize: number, outSize: number, f: (src: number, dst: number) => void): { input: Float32Array; output: Float32Array } {
  const a = backend.makeOutput([inSize], 'float32');
  const b = backend.makeOutput([outSize], 'float32');
  backend.typedArrayFromHeap(a).set(values([inSize], 7));
  f(backend.typedArrayFromHeap(a).byteOffset, backend.typedArrayFromHeap(b).byteOffset);
  const input = Float32Array.from(backend.typedArrayFromHeap(a));
  const output = Float32Array.from(backend.typedArrayFromHeap(b));
  backend.disposeData(a.dataId);
  backend.disposeData(b.dataId);
  return { input, output };
}

test('the SIMD module is valid WebAssembly and instantiates on the wasm heap', async () => {
  assert.equal(WebAssembly.validate(SIMD_MODULE_BYTES() as unknown as ArrayBuffer), true);
  const { backend, ops } = await heap();
  assert.equal(simdOps(backend.wasm), ops, 'one instance per heap');
});

for (const [rows, cols] of [[4, 4], [8, 12], [128, 36], [20, 4]] as const) {
  test(`SIMD transpose ${rows}x${cols} equals the element-by-element transpose`, async () => {
    const { backend, ops } = await heap();
    const { input, output } = onHeap(backend, rows * cols, rows * cols, (src, dst) => ops.transpose(src, dst, rows, cols));
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) assert.equal(output[c * rows + r], input[r * cols + c], `[${r}, ${c}]`);
  });
}

for (const [rows, cols] of [[1, 4], [3, 8], [128, 256]] as const) {
  test(`SIMD sumRows over ${rows} rows of ${cols} equals the column sums`, async () => {
    const { backend, ops } = await heap();
    const { input, output } = onHeap(backend, rows * cols, cols, (src, dst) => ops.sumRows(src, dst, rows, cols * 4, cols * 4));
    for (let c = 0; c < cols; c++) {
      let want = 0;
      for (let r = 0; r < rows; r++) want += input[r * cols + c];
      assert.ok(Math.abs(output[c] - want) <= 1e-5 * Math.max(1, Math.abs(want)) + 1e-5, `column ${c}: ${output[c]} vs ${want}`);
    }
  });
}
