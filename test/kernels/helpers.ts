import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../src/backend';
import { installFastKernels } from '../../src/kernels';

/** Deterministic values in [-1, 1) for a shape (same on every backend). */
export function values(shape: number[], seed: number): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let state = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2147483648 - 1;
  }
  return out;
}

export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(values(shape, seed), shape);
}

/** Computes tensors on a backend, returns their values and disposes them. */
async function evaluate(backend: 'cpu' | 'wasm', compute: () => tf.Tensor[]): Promise<{ shapes: number[][]; data: Float32Array[]; leaked: number }> {
  await useBackend(backend, { quiet: true });
  if (backend === 'wasm') installFastKernels();
  const before = tf.memory().numTensors;
  const results = compute();
  const shapes = results.map((t) => t.shape);
  const data = results.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(results);
  return { shapes, data, leaked: tf.memory().numTensors - before };
}

/**
 * Runs `compute` on the cpu backend and on wasm with trainlab's kernels, and asserts
 * equal shapes, values within float32 tolerance (relative to the largest value) and no
 * leaked tensors on wasm.
 */
export async function assertMatchesCpu(label: string, compute: () => tf.Tensor[], tolerance = 2e-4): Promise<void> {
  const expected = await evaluate('cpu', compute);
  const actual = await evaluate('wasm', compute);
  assert.equal(actual.leaked, 0, `${label}: leaked ${actual.leaked} tensors on wasm`);
  assert.deepEqual(actual.shapes, expected.shapes, `${label}: shapes differ`);
  for (let r = 0; r < expected.data.length; r++) {
    const want = expected.data[r];
    const got = actual.data[r];
    let scale = 1;
    for (const v of want) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    let at = -1;
    for (let i = 0; i < want.length; i++) {
      const diff = Math.abs(got[i] - want[i]);
      if (!(diff <= worst)) {
        worst = diff;
        at = i;
      }
    }
    assert.ok(
      worst <= tolerance * scale,
      `${label}: result ${r} differs from cpu by ${worst} at index ${at} (wasm ${got[at]}, cpu ${want[at]}, scale ${scale})`,
    );
  }
}
