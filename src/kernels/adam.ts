import * as tf from '@tensorflow/tfjs';
import { simdOps } from './simd';
import { heapF32, type WasmKernelArgs } from './wasmBackend';

// tfjs's Adam updates each variable with 13 separate ops (mul, add, square, div, sqrt ...),
// each a full pass over the parameter with its own allocation and per-op overhead: ~1.7 ms
// of a ~9.5 ms MLP 784-256-128-10 step on wasm. One kernel does the same arithmetic in a
// single SIMD pass over the wasm heap.

/** Name of trainlab's fused Adam update kernel (registered for 'wasm' only). */
export const ADAM_UPDATE = 'TrainlabAdamUpdate';

/** Attributes of {@link ADAM_UPDATE}: the optimizer's settings at this step. */
export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/**
 * Inputs value, gradient, m, v (float32, same shape) and the scalars accBeta1 / accBeta2
 * (beta^t); returns [new value, new m, new v] as new tensors, by tfjs's Adam rule:
 * m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g², value' = value − lr·(m'/(1−β1^t)) / (√(v'/(1−β2^t)) + ε)
 * (the divisions by 1−β^t folded into constants, so results differ from tfjs's float32 ops
 * by rounding only).
 */
export function adamUpdate({ inputs, backend, attrs }: WasmKernelArgs): tf.TensorInfo[] {
  const { value, gradient, m, v, accBeta1, accBeta2 } = inputs as Record<string, tf.TensorInfo>;
  const { beta1, beta2, epsilon, learningRate } = attrs as unknown as AdamUpdateAttrs;
  const outValue = backend.makeOutput(value.shape.slice(), 'float32');
  const outM = backend.makeOutput(value.shape.slice(), 'float32');
  const outV = backend.makeOutput(value.shape.slice(), 'float32');
  // Views are taken after every allocation: a heap growth detaches older ones.
  const w = heapF32(backend, value);
  const g = heapF32(backend, gradient);
  const m0 = heapF32(backend, m);
  const v0 = heapF32(backend, v);
  const w1 = heapF32(backend, outValue);
  const m1 = heapF32(backend, outM);
  const v1 = heapF32(backend, outV);
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const step = -learningRate / (1 - heapF32(backend, accBeta1)[0]);
  const invD2 = 1 / (1 - heapF32(backend, accBeta2)[0]);
  const n = w.length;
  // Groups of four go through SIMD (float32 like tfjs's ops); the tail, or everything
  // where SIMD is unavailable, through the same arithmetic in JS.
  const simd = simdOps(backend.wasm)?.adam;
  const head = simd === undefined ? 0 : n - (n % 4);
  if (simd !== undefined && head > 0) {
    simd(w.byteOffset, g.byteOffset, m0.byteOffset, v0.byteOffset, w1.byteOffset, m1.byteOffset, v1.byteOffset, head * 4, beta1, c1, beta2, c2, step, invD2, epsilon);
  }
  for (let i = head; i < n; i++) {
    const gi = g[i];
    const mi = m0[i] * beta1 + gi * c1;
    const vi = v0[i] * beta2 + gi * gi * c2;
    m1[i] = mi;
    v1[i] = vi;
    w1[i] = w[i] + (step * mi) / (Math.sqrt(vi * invD2) + epsilon);
  }
  return [outValue, outM, outV];
}

/** The parts of tfjs's AdamOptimizer that the fused update reads and writes. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  incrementIterations(): void;
}

type GradientList = tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>;
type ApplyGradients = (this: AdamState, gradients: GradientList) => void;

const adamPrototype = tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients };
const stockApplyGradients: ApplyGradients = adamPrototype.applyGradients;

function gradientsOf(gradients: GradientList): Array<[name: string, gradient: tf.Tensor | null | undefined]> {
  return Array.isArray(gradients)
    ? gradients.map((g) => [g.name, g.tensor])
    : Object.keys(gradients).map((name) => [name, gradients[name]]);
}

/**
 * One Adam step of `optimizer` (a tfjs AdamOptimizer or subclass) through {@link ADAM_UPDATE}
 * when the backend is wasm with the kernel registered and every gradient is float32 and
 * shaped like its variable; returns false, changing nothing, otherwise (the caller then runs
 * tfjs's own update). Same bookkeeping as tfjs's applyGradients (moment names and order kept).
 * trainlab's Adam and AdamW call it; tfjs's stock Adam only after `patchStockAdam()`.
 */
export function applyFusedAdam(optimizer: tf.AdamOptimizer, gradients: GradientList): boolean {
  const named = gradientsOf(gradients);
  const variables = tf.engine().registeredVariables;
  const fusable =
    tf.getBackend() === 'wasm' &&
    tf.getKernel(ADAM_UPDATE, 'wasm') !== undefined &&
    named.every(([name, g]) => g == null || (g.dtype === 'float32' && variables[name]?.dtype === 'float32' && tf.util.arraysEqual(g.shape, variables[name].shape)));
  if (!fusable) return false;
  fusedStep.call(optimizer as unknown as AdamState, named);
  return true;
}

function fusedApplyGradients(this: AdamState, gradients: GradientList): void {
  if (!applyFusedAdam(this as unknown as tf.AdamOptimizer, gradients)) stockApplyGradients.call(this, gradients);
}

function fusedStep(this: AdamState, named: Array<[name: string, gradient: tf.Tensor | null | undefined]>): void {
  const variables = tf.engine().registeredVariables;
  tf.tidy(() => {
    named.forEach(([name, gradient], i) => {
      const value = variables[name];
      this.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      this.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      if (gradient == null) return;
      const m = this.accumulatedFirstMoment[i]!.variable;
      const v = this.accumulatedSecondMoment[i]!.variable;
      const attrs: AdamUpdateAttrs = { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, learningRate: this.learningRate };
      const [newValue, newM, newV] = tf
        .engine()
        .runKernel(ADAM_UPDATE, { value, gradient, m, v, accBeta1: this.accBeta1, accBeta2: this.accBeta2 }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      m.assign(newM);
      v.assign(newV);
      value.assign(newValue);
    });
    this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
    this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
  });
  this.incrementIterations();
}

/**
 * Opt-in: routes tfjs's stock AdamOptimizer too (`tf.train.adam`, 'adam' in
 * `model.compile`) through {@link ADAM_UPDATE} while the backend is wasm, by replacing
 * `tf.AdamOptimizer.prototype.applyGradients` for the whole process. Off by default.
 */
export function patchStockAdam(): void {
  adamPrototype.applyGradients = fusedApplyGradients;
}

/** Puts tfjs's own AdamOptimizer.applyGradients back. */
export function unpatchStockAdam(): void {
  adamPrototype.applyGradients = stockApplyGradients;
}

/** Whether tfjs's stock Adam is currently patched. */
export function stockAdamPatched(): boolean {
  return adamPrototype.applyGradients === fusedApplyGradients;
}
