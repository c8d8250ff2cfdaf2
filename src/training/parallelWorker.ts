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
import { decodeTensors, type Encoded, type PoolInit, type TrialReply, type TrialTask } from './parallel';
import type { TensorData } from './data';
import { disposeTrainingState, trainModel } from './train';
import type { TrainingConfigInput } from '../config';

const port = parentPort;
if (port === null) throw new Error('trainlab: parallelWorker.js runs only as a worker thread started by sweep.');
const init = workerData as PoolInit;
// Stop requests arrive as messages: registrations must not listen to SIGINT in this thread.
interruptHub().kernel = true;

const ready = (async () => {
  for (const m of init.modules) require(m);
  // The trials share the cores: one wasm thread each.
  await useBackend(init.backend, { quiet: true, threads: 1 });
  if (init.backend === 'wasm') (init.fastKernels ? installFastKernels : uninstallFastKernels)();
})();

/** The current sweep's data, sent once with this worker's first trial of that sweep. */
let data: { sweep: number; tensors: TensorData } | undefined;
// Once a sweep is stopped, its trials that have not reached train yet do not start, and the
// stop is repeated until the running train has registered for it. Sweeps after it run normally.
let stoppedSweep: number | undefined;
let running: number | undefined;
let again: NodeJS.Timeout | undefined;

async function runTrial(sweep: number, task: TrialTask, encoded: Encoded | undefined): Promise<TrialReply> {
  running = sweep;
  let model: tf.LayersModel | undefined;
  try {
    await ready;
    if (encoded !== undefined) {
      if (data !== undefined) tf.dispose(data.tensors as unknown as tf.TensorContainer);
      data = { sweep, tensors: decodeTensors(encoded) as TensorData };
    }
    if (stoppedSweep === sweep) return { index: task.index, skipped: true };
    if (data?.sweep !== sweep) throw new Error(`trainlab: worker has no data for sweep ${sweep}`);
    model = await tf.models.modelFromJSON({ modelTopology: task.model.topology as tf.io.ModelJSON['modelTopology'] });
    const weights = task.model.weights.map((w) => tf.tensor(w.values, w.shape, w.dtype));
    model.setWeights(weights);
    tf.dispose(weights);
    if (task.model.trainingConfig !== undefined) {
      (model as unknown as { loadTrainingConfig(c: unknown): void }).loadTrainingConfig(task.model.trainingConfig);
    }
    const result = await trainModel(model, data.tensors, { ...(task.input as TrainingConfigInput), seed: task.seed }, { progress: false }, false);
    const { historyFrame: _frame, config: _config, ...plain } = result;
    if (!task.keepWeights) return { index: task.index, result: plain };
    // Copies: the model is disposed before the reply is posted.
    const trained = model.getWeights().map((w) => ({ shape: w.shape, dtype: w.dtype, values: (w.dataSync() as tf.TypedArray).slice() }));
    return { index: task.index, result: plain, weights: trained };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { index: task.index, error: { name: e.name, message: e.message, stack: e.stack } };
  } finally {
    running = undefined;
    clearInterval(again);
    again = undefined;
    if (model !== undefined) {
      disposeTrainingState(model);
      model.dispose();
    }
  }
}

type Message = { cmd: 'trial'; sweep: number; task: TrialTask; data?: Encoded } | { cmd: 'stop'; sweep: number };

port.on('message', (message: Message) => {
  if (message.cmd === 'stop') {
    stoppedSweep = message.sweep;
    if (running !== message.sweep || again !== undefined) return;
    requestStop();
    again = setInterval(() => void requestStop(), 50);
    again.unref();
    return;
  }
  void runTrial(message.sweep, message.task, message.data).then((reply) => port.postMessage(reply));
});
