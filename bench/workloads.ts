import * as tf from '@tensorflow/tfjs';

/** A model with its training data, built fresh on the active backend. */
export interface Setup {
  model: tf.LayersModel;
  /** Makes `batches` batches of inputs and labels (caller disposes). */
  data(batches: number): { x: tf.Tensor; y: tf.Tensor };
  batchSize: number;
}

/** One reference training workload of `npm run bench`. */
export interface Workload {
  id: string;
  title: string;
  build(): Setup;
}

function oneHotLabels(count: number, classes: number): tf.Tensor {
  return tf.tidy(() => tf.oneHot(tf.randomUniform([count], 0, classes, 'int32'), classes).toFloat());
}

export const mlp: Workload = {
  id: 'mlp',
  title: 'MLP 784-256-128-10, Adam, batch 128',
  build() {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
        tf.layers.dense({ units: 128, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const batchSize = 128;
    return {
      model,
      batchSize,
      data: (batches) => ({ x: tf.randomNormal([batches * batchSize, 784]), y: oneHotLabels(batches * batchSize, 10) }),
    };
  },
};

export const cnn: Workload = {
  id: 'cnn',
  title: 'CNN conv16 3x3 → maxPool → dropout → batchNorm → dense 10, RMSprop, batch 64',
  build() {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.dropout({ rate: 0.25 }),
        tf.layers.batchNormalization(),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.rmsprop(1e-3), loss: 'categoricalCrossentropy' });
    const batchSize = 64;
    return {
      model,
      batchSize,
      data: (batches) => ({
        x: tf.randomUniform([batches * batchSize, 28, 28, 1]),
        y: oneHotLabels(batches * batchSize, 10),
      }),
    };
  },
};

/** Two interleaved noisy half circles ("moons"), the tutorials' 2-D classification set. */
function moons(count: number): { x: tf.Tensor; y: tf.Tensor } {
  const points = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const upper = i % 2 === 0;
    const angle = Math.PI * Math.random();
    points[2 * i] = (upper ? Math.cos(angle) : 1 - Math.cos(angle)) + 0.1 * (Math.random() - 0.5);
    points[2 * i + 1] = (upper ? Math.sin(angle) : 0.5 - Math.sin(angle)) + 0.1 * (Math.random() - 0.5);
    labels[i] = upper ? 0 : 1;
  }
  return {
    x: tf.tensor2d(points, [count, 2]),
    y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat()),
  };
}

export const tutorialMlp: Workload = {
  id: 'mlp2d',
  title: 'Tutorial MLP 2-32-32-2 on 2-D points, Adam, batch 32',
  build() {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 32, activation: 'relu' }),
        tf.layers.dense({ units: 32, activation: 'relu' }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy' });
    const batchSize = 32;
    return { model, batchSize, data: (batches) => moons(batches * batchSize) };
  },
};

export const WORKLOADS: readonly Workload[] = [mlp, cnn, tutorialMlp];
