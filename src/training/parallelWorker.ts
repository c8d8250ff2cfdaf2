/**
 * Entry of a sweep's worker thread (see parallel.ts): rebuilds each trial's model from
 * the main thread's payload and trains it with trainlab's own `train`.
 */
import { parentPort, workerData } from 'worker_threads';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../backend';
import { installFastKernels, uninstallFastKernels } from '../kernels';
import '../optimizers'; // registers trainlab's optimizer classes for compiled models
import { interruptHub, requestStop } from '../util/interrupt';
import { decodeTensors, type Encoded, type TrialReply, type TrialTask } from './parallel';
import type { TensorData } from './data';
import { disposeTrainingState, trainModel } from './train';
import type { TrainingConfigInput } from '../config';

interface Init {
  backend: string;
  fastKernels: boolean;
  modules: string[];
  data: Encoded;
}

const port = parentPort;
if (port === null) throw new Error('trainlab: parallelWorker.js runs only as a worker thread started by sweep.');
const init = workerData as Init;
// Stop requests arrive as messages: registrations must not listen to SIGINT in this thread.
interruptHub().kernel = true;

const ready = (async () => {
  for (const m of init.modules) require(m);
  // The trials share the cores: one wasm thread each.
  await useBackend(init.backend, { quiet: true, threads: 1 });
  if (init.backend === 'wasm') (init.fastKernels ? installFastKernels : uninstallFastKernels)();
  return decodeTensors(init.data) as TensorData;
})();

// Once the sweep is stopped, a trial that has not reached train yet does not start, and the
// stop is repeated until a running train has registered for it.
let stopped = false;

async function runTrial(task: TrialTask): Promise<TrialReply> {
  const data = await ready;
  if (stopped) return { index: task.index, skipped: true };
  let model: tf.LayersModel | undefined;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: task.model.topology as tf.io.ModelJSON['modelTopology'] });
    const weights = task.model.weights.map((w) => tf.tensor(w.values, w.shape, w.dtype));
    model.setWeights(weights);
    tf.dispose(weights);
    if (task.model.trainingConfig !== undefined) {
      (model as unknown as { loadTrainingConfig(c: unknown): void }).loadTrainingConfig(task.model.trainingConfig);
    }
    const result = await trainModel(model, data, { ...(task.input as TrainingConfigInput), seed: task.seed }, { progress: false }, false);
    const { historyFrame: _frame, config: _config, ...plain } = result;
    return { index: task.index, result: plain };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { index: task.index, error: { name: e.name, message: e.message, stack: e.stack } };
  } finally {
    if (model !== undefined) {
      disposeTrainingState(model);
      model.dispose();
    }
  }
}

port.on('message', (message: { cmd: 'trial'; task: TrialTask } | { cmd: 'stop' }) => {
  if (message.cmd === 'stop') {
    stopped = true;
    requestStop();
    const again = setInterval(() => void requestStop(), 50);
    again.unref();
    return;
  }
  void runTrial(message.task).then((reply) => port.postMessage(reply));
});
