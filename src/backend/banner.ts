import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

let silenced = false;

/**
 * tfjs's cpu backend prints a "Hi, looks like you are running TensorFlow.js in Node.js"
 * banner on its first tensor. trainlab names the backend itself, so the banner is turned
 * off: for instances to come (through an accessor the constructor's assignment hits) and
 * for one that already exists.
 */
export function silenceCpuBanner(): void {
  if (silenced) return;
  silenced = true;
  Object.defineProperty(MathBackendCPU.prototype, 'firstUse', {
    configurable: true,
    get: () => false,
    set: () => undefined,
  });
  const registry = tf.engine().registry as Record<string, unknown>;
  const existing = registry['cpu'];
  if (existing instanceof MathBackendCPU) Object.defineProperty(existing, 'firstUse', { value: false, writable: true });
}
