import * as tf from '@tensorflow/tfjs';

/** A tiny Dense model whose weights tests can set to a recognisable value. */
export function tinyModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  model.add(tf.layers.dense({ units: 1 }));
  // Sequential models refuse stopTraining before compile.
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  model.stopTraining = false;
  return model;
}

/** Sets every weight entry of `model` to `value`. */
export function fillWeights(model: tf.LayersModel, value: number): void {
  const filled = model.getWeights().map((w) => tf.fill(w.shape, value));
  model.setWeights(filled);
  tf.dispose(filled);
}

/** The first entry of the first weight (all entries are equal after fillWeights). */
export function firstWeight(model: tf.LayersModel): number {
  return model.getWeights()[0].dataSync()[0];
}

/** Replaces console.warn while `fn` runs and returns what was warned. */
export async function captureWarnings(fn: () => Promise<void>): Promise<string[]> {
  const warned: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    warned.push(args.map(String).join(' '));
  };
  try {
    await fn();
  } finally {
    console.warn = original;
  }
  return warned;
}

/** Replaces console.log while `fn` runs. */
export async function silenceLog<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = () => undefined;
  try {
    return await fn();
  } finally {
    console.log = original;
  }
}
