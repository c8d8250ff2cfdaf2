import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../backend/seed';
import { EarlyStopping } from '../callbacks/earlyStopping';
import { LearningRateScheduler } from '../callbacks/learningRateScheduler';
import { ReduceLROnPlateau } from '../callbacks/reduceLROnPlateau';
import { TerminateOnNaN } from '../callbacks/terminateOnNaN';
import { ProgressBar, type ProgressBarOptions } from '../callbacks/progressBar';
import { FitClaim } from '../callbacks/fitGuard';
import { cannotTell, modelMetricModes, MonitorCallback } from '../callbacks/monitor';
import { onInterrupt } from '../util/interrupt';
import { AdamW, getLearningRate } from '../optimizers';
import { checkOptimizerSpec, decayProductIssue } from '../optimizers/spec';
import { defineConfig, givenKeys, metricDirection, metricModes, optimizerFromConfig, type TrainingConfig, type TrainingConfigInput } from '../config';
import { scheduleFromSpec, type ScheduleSpec } from '../schedules';
import { getDisplay } from '../display';
import { applyRegularization, setDropoutRate } from '../regularization';
import { acquireModel, RunControl, type OnBusy } from './control';
import { checkModel, datasetProblems, firstBatch, inputNamesOf, outputNamesOf, isDatasetData, pairProblems, tensorsFor, trainDataProblems, type TensorData, type TrainData } from './data';
import { compileArgs, compiledLossNames, contradictions, lossName, planLosses, signatureOf, type CompileSignature, type OutputLoss } from './compile';
import { describe, TrainingError } from './errors';
import { labelIssues } from './labels';
import { ErrorLatch } from '../callbacks/latch';
import { trainingOptionIssues } from './options';
import { bestOf, defaultMonitor, directionOf, epochRecords, recordsFrame, type EpochRecord, type RunEnd, type RunResult } from './result';
import { withRunDisplay } from './resultDisplay';
import { augmentProblems, fitAugmented } from './augment';
import type { Augmentation } from '../regularization/batch';

type AnyCallback = tf.CustomCallbackArgs | InstanceType<typeof tf.Callback> | { setModel(model: unknown): void; onEpochEnd?: unknown };

/** Options of {@link train} beyond the config. */
export interface TrainOptions {
  /**
   * Extra callbacks, run after the ones the config implies: trainlab's, any `tf.Callback`,
   * or plain `{onEpochEnd, onBatchEnd, ...}` objects as `model.fit` takes. If the fit throws,
   * tfjs skips `onTrainEnd`; callbacks with an `onTrainError(error)` method (liveChart) get
   * that called instead before the error is rethrown. Defaults to none.
   */
  callbacks?: Array<InstanceType<typeof tf.Callback> | tf.CustomCallbackArgs>;
  /**
   * Show a progress bar: `true`, `false`, or its options. Defaults to `true` in a notebook
   * (one output updated in place) and `false` elsewhere.
   */
  progress?: boolean | ProgressBarOptions;
  /** Stop the run at the first NaN/infinite batch loss. Defaults to `true`. */
  stopOnNaN?: boolean;
  /**
   * When this model is still training from an earlier `train` call (a re-run cell):
   * `'stop'` stops that run at its next batch boundary, then starts; `'wait'` lets it
   * finish first. Two fits never run on one model at once. Defaults to `'stop'`.
   */
  onBusy?: OnBusy;
  /**
   * Augments every training batch of every epoch: a function from a batch `{x, y}` of
   * tensors to an augmented `{x, y}` (ready-made: `augmentations.flip()`, `.shift()`,
   * `.noise({stddev})`, `.mixup()`, `.chain(...)`). The rows are shuffled each epoch
   * (seeded by `config.seed`), the validation rows never augmented, and each batch's tensors
   * disposed after its step. Tensor data `{x, y}` with one input and one output only.
   * Defaults to none.
   */
  augment?: Augmentation;
}

/** What `train` knows about a model between calls: how it compiled it, and the run so far. */
interface TrainingState {
  /** The optimizer `train` created (undefined when the user compiled the model). */
  optimizer: tf.Optimizer | undefined;
  /** What `train` compiled the model with, to tell a later config that contradicts it. */
  signature: CompileSignature | undefined;
  /** Epochs run so far: the next call's first epoch number. */
  epochs: number;
  /** Batches run so far (per-batch schedules continue from here). */
  steps: number;
  /** Every epoch record so far, concatenated over calls. */
  history: EpochRecord[];
  /** Cumulative seconds of training at the end of each record of `history` (same index). */
  elapsedSeconds: number[];
}

// Per model, dropped with the model (WeakMap) or by disposeTrainingState.
const states = new WeakMap<tf.LayersModel, TrainingState>();

/**
 * Forgets what `train` did to `model`: disposes the optimizer (and its slot variables) that
 * `train` created, and resets the epoch numbering and the history the next call continues.
 * The model must then be compiled again (`train` does so) before it trains.
 */
export function disposeTrainingState(model: tf.LayersModel): void {
  const state = states.get(model);
  if (state === undefined) return;
  // One handed to the model (handOptimizerToModel) is the model's to dispose.
  if (!ownsOptimizer(model, state.optimizer)) state.optimizer?.dispose();
  states.delete(model);
}

function ownsOptimizer(model: tf.LayersModel, optimizer: tf.Optimizer | undefined): boolean {
  return optimizer !== undefined && model.optimizer === optimizer && (model as unknown as { isOptimizerOwned?: boolean }).isOptimizerOwned === true;
}

/**
 * Makes the optimizer `train` created the model's own, as if compiled with its name: then
 * `model.dispose()` alone frees it with the weights (sweep's kept models), and the model
 * still trains on with it. Nothing changes for a model `train` did not compile.
 */
export function handOptimizerToModel(model: tf.LayersModel): void {
  const optimizer = states.get(model)?.optimizer;
  if (optimizer !== undefined && model.optimizer === optimizer) (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}

function validateOptions(options: unknown): string[] {
  return trainingOptionIssues('train', options).map((issue) => issue.message);
}

function lrDriverNames(callbacks: readonly AnyCallback[]): string[] {
  return callbacks.filter((c) => c instanceof ReduceLROnPlateau || c instanceof LearningRateScheduler).map((c) => (c instanceof ReduceLROnPlateau ? 'reduceLROnPlateau' : 'learningRateScheduler'));
}

/**
 * Keeps the logs of the latest batch and epoch. When a callback throws, tfjs skips disposing
 * them (and the History's unsynced values): train disposes them on its error path instead.
 */
class LogsOnErrorPath extends tf.Callback {
  private latest: Array<Record<string, unknown> | undefined> = [];
  override async onBatchEnd(_batch: number, logs?: Record<string, unknown>): Promise<void> {
    this.latest[0] = logs;
  }
  override async onEpochEnd(_epoch: number, logs?: Record<string, unknown>): Promise<void> {
    this.latest[1] = logs;
  }
  disposeAfterError(model: tf.LayersModel): void {
    // A Sequential fits through its inner model, which holds the History.
    const histories = [model, (model as unknown as { model?: tf.LayersModel }).model].map((m) => (m?.history as { history?: Record<string, unknown[]> } | undefined)?.history ?? {});
    const values = [...this.latest.flatMap((l) => Object.values(l ?? {})), ...histories.flatMap((h) => Object.values(h).flat())];
    tf.dispose(values.filter((v): v is tf.Tensor => v instanceof tf.Tensor));
  }
}

/**
 * Trains `model` on `data` as `config` describes and returns what happened.
 *
 * Compiles the model from the config (optimizer with clipping, loss, metrics), applies
 * L1/L2 and the dropout rate, adds the schedule and early-stopping callbacks the config
 * asks for, seeds Math.random (shuffling, dropout) when `seed` is set, and fits. All input
 * is checked before anything changes: a bad config, data or option throws at once.
 *
 * While it runs, SIGINT (Jupyter's stop button) stops training at the next batch boundary
 * with the model intact (`result.interrupted`; one printed line names the epoch); a second
 * `train` on the same model stops (or waits for) the first. Tensors: afterwards only the
 * model's variables and the optimizer's slots remain; the optimizer is disposed by the next
 * `train` on the model.
 *
 * @example const run = await train(model, {x, y}, {epochs: 20, validationSplit: 0.2, earlyStopping: {patience: 3}})
 */
export async function train(model: tf.LayersModel, data: TrainData, config: TrainingConfig | TrainingConfigInput = {}, options: TrainOptions = {}): Promise<RunResult> {
  // `return await`: keeps the caller in the stack of an error thrown after an await (async stack traces).
  return await trainModel(model, data, config, options, true);
}

/** {@link train}; with `announceStop` false the caller (sweep) prints the stop button's one line itself. */
export async function trainModel(model: tf.LayersModel, data: TrainData, config: TrainingConfig | TrainingConfigInput, options: TrainOptions, announceStop: boolean): Promise<RunResult> {
  const started = Date.now();
  checkModel('train', model);
  const cfg = defineConfig(config as TrainingConfigInput);
  const given = givenKeys(config);
  const problems = validateOptions(options);
  const streamed = isDatasetData(data);
  const state = states.get(model);
  const compiled = model.optimizer != null;
  const keep = compiled && !cfg.recompile;
  // Losses per output: the config's, else the compiled model's, else inferred from the activations.
  const targetShapes = await targetShapesOf(model, data);
  let losses: OutputLoss[];
  if (keep && !given.includes('loss')) {
    losses = compiledLossNames(model).map((loss, i) => ({ output: outputNamesOf(model)[i], loss: loss as OutputLoss['loss'], source: 'compiled' }));
  } else {
    losses = planLosses(model, cfg, targetShapes, problems);
  }
  const sparseOutputs = losses.map((l) => l.loss === 'sparseCategoricalCrossentropy');
  const sparse = sparseOutputs.some((v) => v);
  if (keep) problems.push(...contradictions(model, cfg, given, state?.optimizer === model.optimizer ? state?.signature : undefined, losses));
  problems.push(...classWeightProblems(model, cfg));
  problems.push(...augmentProblems(options?.augment, data));
  if (streamed) {
    problems.push(...(await datasetProblems(model, data, sparseOutputs, losses.map((l) => l.loss))));
    if (cfg.validationSplit !== undefined) problems.push('validationSplit cannot split a streamed dataset. Pass data.validation (a dataset) or config.validationData instead.');
    if (data.validation !== undefined && cfg.validationData !== undefined) problems.push('data.validation and config.validationData are both set. Use one.');
  } else {
    problems.push(...trainDataProblems(model, data, sparseOutputs));
  }
  if (cfg.validationData !== undefined) {
    problems.push(...pairProblems(model, cfg.validationData[0], cfg.validationData[1], 'validationData', sparseOutputs));
  }
  if (!streamed && cfg.validationSplit !== undefined && problems.length === 0) {
    const n = firstTensor((data as TensorData).x, inputNamesOf(model)).shape[0];
    const trainCount = Math.floor(n * (1 - cfg.validationSplit));
    if (trainCount < 1 || n - trainCount < 1) {
      problems.push(`validationSplit ${cfg.validationSplit} of ${n} examples leaves ${trainCount} for training and ${n - trainCount} for validation; both need at least 1. Use more data or another split.`);
    }
  }
  // Not an array: validateOptions has said so; check the rest as if there were none.
  const userCallbacks = (Array.isArray(options?.callbacks) ? options.callbacks : []) as AnyCallback[];
  const drivers = lrDriverNames(userCallbacks);
  if (cfg.lrSchedule !== undefined && drivers.length > 0) {
    problems.push(`config.lrSchedule and a ${drivers[0]} callback would both drive the learning rate. Remove one of them.`);
  } else if (drivers.length > 1) {
    problems.push(`callbacks ${drivers.join(' and ')} would both drive the learning rate. Keep one.`);
  }
  if (problems.length === 0) problems.push(...scheduledDecayProblems(model, data, cfg, keep, state));
  // Monitors of custom metrics take the direction the metric declares ({name, fn, mode}); say now when none does.
  const modes = keep && !given.includes('metrics') ? modelMetricModes(model) : metricModes(cfg.metrics);
  if (cfg.earlyStopping !== false && cfg.earlyStopping.mode === 'auto' && metricDirection(cfg.earlyStopping.monitor, modes) === undefined) {
    problems.push(cannotTell('config.earlyStopping', cfg.earlyStopping.monitor));
  }
  for (const c of userCallbacks) if (c instanceof MonitorCallback) problems.push(...[c.directionFrom(modes)].filter((p): p is string => p !== undefined));
  if (cfg.regularization.dropout > 0 && !hasDropout(model)) {
    problems.push(`regularization.dropout is ${cfg.regularization.dropout} but model '${model.name}' has no Dropout layer to apply it to. Add tf.layers.dropout({rate}) where you want it, or set regularization.dropout to 0.`);
  }
  // Labels against the loss, once shapes are right (a wrong label trains silently in tfjs).
  // (A streamed dataset's first batch was checked with the dataset; validationData tensors are checked here either way.)
  if (problems.length === 0) {
    const pairs: Array<readonly [string, unknown, unknown]> = streamed ? [] : [['data', (data as TensorData).x, (data as TensorData).y]];
    if (cfg.validationData !== undefined) pairs.push(['validationData', cfg.validationData[0], cfg.validationData[1]]);
    problems.push(...labelIssues(model, pairs, losses.map((l) => l.loss)).map((issue) => issue.message));
  }
  if (problems.length > 0) throw new TrainingError('train', problems);

  const control = new RunControl();
  const release = await acquireModel(model, control, options.onBusy ?? 'stop');
  let stopButton = false;
  const unregister = onInterrupt(() => {
    stopButton = true;
    control.request('interrupted');
  });
  const claim = new FitClaim();
  const logs = new LogsOnErrorPath();
  // One line when the stop button (not a newer train call, not stopTraining()) ended the run.
  const reported = (result: RunResult): RunResult => {
    if (announceStop && stopButton && result.end === 'interrupted') console.log(`train: ${stopButtonLine(result.epochsRun, cfg.epochs)}`);
    return result;
  };
  const owned: Array<LearningRateScheduler | ReduceLROnPlateau | EarlyStopping> = [];
  // Callbacks told when the fit throws: the user's, plus train's own progress bar.
  const errorListeners: AnyCallback[] = [...userCallbacks];
  // Seeding is scoped to this call: Math.random is put back when train returns or throws.
  const unseeded = Math.random;
  const lossResult = lossSummary(model, losses);
  const initialEpoch = cfg.initialEpoch ?? state?.epochs ?? 0;
  // The records (and their seconds) before initialEpoch carry on; a rewound run drops the rest.
  const previous = state ?? { history: [], elapsedSeconds: [] };
  const kept = previous.history.flatMap((r, i) => (r.epoch < initialEpoch ? [i] : []));
  const earlier = kept.map((i) => previous.history[i]);
  const earlierSeconds = kept.map((i) => previous.elapsedSeconds[i]);
  try {
    if (control.stopRequest !== undefined) return reported(emptyResult(cfg, control.stopRequest, started, lossResult, initialEpoch, earlier, earlierSeconds));
    if (cfg.seed !== undefined) Math.random = mulberry32(cfg.seed);
    // Regularization before compile: tfjs collects the layers' losses at every step, so a
    // change here also reaches a model that stays compiled.
    applyRegularization(model, { l1: cfg.regularization.l1, l2: cfg.regularization.l2 });
    if (cfg.regularization.dropout > 0) setDropoutRate(model, cfg.regularization.dropout);
    const current: TrainingState = state ?? { optimizer: undefined, signature: undefined, epochs: 0, steps: 0, history: [], elapsedSeconds: [] };
    if (!keep) {
      const optimizer = optimizerFromConfig(cfg);
      // One that tfjs made from a name ('adam') belongs to the model and would be orphaned; the user's own instance stays theirs.
      const replaced = model.optimizer != null && (model as unknown as { isOptimizerOwned?: boolean }).isOptimizerOwned === true ? model.optimizer : undefined;
      model.compile(compileArgs(model, losses, cfg, optimizer));
      if (replaced !== undefined && replaced !== optimizer && replaced !== current.optimizer) replaced.dispose();
      if (current.optimizer !== undefined && current.optimizer !== optimizer) current.optimizer.dispose();
      current.optimizer = optimizer;
      current.signature = signatureOf(cfg, losses);
      const inferred = losses.filter((l) => l.source !== 'config');
      if (inferred.length > 0) console.log(`train: ${inferredLine(model, inferred)}`);
    }
    states.set(model, current);

    // The claim first: trainlab callbacks then leave yielding and the stop button to RunControl.
    const bookkeeping = new RunBookkeeping(current);
    const callbacks: Array<InstanceType<typeof tf.Callback>> = [claim, logs, control, bookkeeping];
    if (cfg.lrSchedule !== undefined) {
      const spec = cfg.lrSchedule as unknown as ScheduleSpec & { per?: 'epoch' | 'batch' };
      // Epoch schedules see the true epoch (fit numbers on from initialEpoch); batch schedules the true step.
      const scheduler = new LearningRateScheduler(scheduleFromSpec(spec), { per: spec.per ?? 'epoch', initialStep: current.steps });
      owned.push(scheduler);
      callbacks.push(scheduler);
    }
    let stopper: EarlyStopping | undefined;
    if (cfg.earlyStopping !== false) {
      stopper = new EarlyStopping({ ...cfg.earlyStopping });
      stopper.directionFrom(modes);
      owned.push(stopper);
      callbacks.push(stopper);
    }
    let nanGuard: TerminateOnNaN | undefined;
    if (options.stopOnNaN ?? true) {
      nanGuard = new TerminateOnNaN({ verbose: false });
      callbacks.push(nanGuard);
    }
    for (const c of userCallbacks) {
      // fit() only converts plain hook objects when the whole list is plain; convert them here.
      callbacks.push((typeof (c as { setModel?: unknown }).setModel === 'function' ? c : new tf.CustomCallback(c as tf.CustomCallbackArgs)) as InstanceType<typeof tf.Callback>);
    }
    for (const c of userCallbacks) if (c instanceof LearningRateScheduler || c instanceof ReduceLROnPlateau) owned.push(c);
    // An earlyStopping callback passed in options ends the run just like config.earlyStopping: report it the same way.
    stopper ??= userCallbacks.find((c): c is EarlyStopping => c instanceof EarlyStopping);
    const progress = options.progress ?? getDisplay().inNotebook;
    if (progress !== false) {
      const bar = new ProgressBar(progress === true ? {} : progress);
      callbacks.push(bar);
      errorListeners.push(bar);
    }

    const latch = new ErrorLatch();
    const latched = callbacks.map((c) => (c === claim ? c : latch.wrap(c)));
    const history = isDatasetData(data)
      ? await model.fitDataset(data.dataset, {
          epochs: initialEpoch + cfg.epochs,
          initialEpoch,
          classWeight: cfg.classWeight as tf.ClassWeight | tf.ClassWeightMap | undefined,
          batchesPerEpoch: data.batchesPerEpoch,
          validationData: data.validation ?? (cfg.validationData as [tf.Tensor, tf.Tensor] | undefined),
          callbacks: latched,
          verbose: 0,
        })
      : options.augment !== undefined
      ? await fitAugmented(model, data.x as tf.Tensor, data.y as tf.Tensor, cfg, options.augment, {
          epochs: initialEpoch + cfg.epochs,
          initialEpoch,
          classWeight: cfg.classWeight as tf.ClassWeight | tf.ClassWeightMap | undefined,
          callbacks: latched,
          verbose: 0,
        })
      : await model.fit(data.x as tf.Tensor, data.y as tf.Tensor, {
          batchSize: cfg.batchSize,
          epochs: initialEpoch + cfg.epochs,
          initialEpoch,
          classWeight: cfg.classWeight as tf.ClassWeight | tf.ClassWeightMap | undefined,
          shuffle: cfg.shuffle,
          validationSplit: cfg.validationSplit,
          validationData: cfg.validationData as [tf.Tensor, tf.Tensor] | undefined,
          callbacks: latched,
          verbose: 0,
        });
    latch.rethrow();
    const records = epochRecords(history.epoch, history.history as Record<string, unknown[]>);
    const all = [...earlier, ...records];
    // Seconds go on from the last kept epoch's, so they stay cumulative along the history.
    const offset = earlierSeconds[earlierSeconds.length - 1] ?? 0;
    const seconds = [...earlierSeconds, ...records.map((r) => offset + bookkeeping.secondsAt(r.epoch))];
    current.history = all;
    current.elapsedSeconds = seconds;
    current.epochs = records.length > 0 ? records[records.length - 1].epoch + 1 : initialEpoch;
    const stoppedEarly = stopper !== undefined && stopper.stoppedEpoch > 0;
    let end: RunEnd = 'completed';
    if (control.stopRequest !== undefined) end = control.stopRequest;
    else if (stoppedEarly) end = 'earlyStopping';
    else if (nanGuard?.terminatedAt !== undefined) end = 'nonFiniteLoss';
    else if (records.length < cfg.epochs) end = 'callback';
    const monitor = stopper?.monitor ?? defaultMonitor(all);
    const direction = stopper?.direction ?? directionOf(monitor, undefined);
    const best = stopper !== undefined && stopper.best !== undefined ? { epoch: stopper.bestEpoch, value: stopper.best } : bestOf(all, monitor, direction);
    return reported(makeResult({
      records: all,
      seconds,
      epochsRun: records.length,
      initialEpoch,
      loss: lossResult,
      monitor,
      direction,
      best,
      stoppedEarly,
      stoppedEpoch: end === 'completed' ? undefined : records[records.length - 1]?.epoch,
      end,
      config: cfg,
      started,
    }));
  } catch (error) {
    logs.disposeAfterError(model);
    await notifyTrainError(errorListeners, error);
    throw error;
  } finally {
    Math.random = unseeded;
    unregister();
    claim.release();
    for (const c of owned) c.release();
    release();
  }
}

/** `stopped by the stop button after epoch 3 of 20 (...)`, epochs counted from 1 as a reader does. */
function stopButtonLine(epochsRun: number, epochs: number): string {
  const where = epochsRun === 0 ? `before its first epoch (of ${epochs})` : `after epoch ${epochsRun} of ${epochs}`;
  return `stopped by the stop button ${where} (run.interrupted is true; the model keeps its weights)`;
}

/**
 * tfjs skips `onTrainEnd` when a fit throws; callbacks with an `onTrainError(error)` method
 * (liveChart) get that call instead, so they can finish their output. Their own errors are
 * warned about, not thrown: the fit's error is the one to report.
 */
async function notifyTrainError(callbacks: readonly AnyCallback[], error: unknown): Promise<void> {
  for (const c of callbacks) {
    const hook = (c as { onTrainError?: unknown }).onTrainError;
    if (typeof hook !== 'function') continue;
    try {
      await (hook as (e: unknown) => unknown).call(c, error);
    } catch (hookError) {
      console.warn(`train: a callback's onTrainError failed while handling the fit's error: ${hookError instanceof Error ? hookError.message : String(hookError)}`);
    }
  }
}

function hasDropout(model: tf.LayersModel): boolean {
  return model.layers.some((l) => (l instanceof tf.LayersModel ? hasDropout(l) : /Dropout/.test(l.getClassName())));
}

function makeResult(r: {
  records: EpochRecord[];
  seconds: number[];
  epochsRun: number;
  initialEpoch: number;
  loss: string | Record<string, string>;
  monitor: string;
  direction: 'min' | 'max';
  best: { epoch: number; value: number } | undefined;
  stoppedEarly: boolean;
  stoppedEpoch: number | undefined;
  end: RunEnd;
  config: TrainingConfig;
  started: number;
}): RunResult {
  let frame: ReturnType<typeof recordsFrame> | undefined;
  return withRunDisplay({
    history: r.records,
    elapsedSeconds: r.seconds,
    historyFrame: () => (frame ??= recordsFrame(r.records)),
    monitor: r.monitor,
    direction: r.direction,
    bestEpoch: r.best?.epoch,
    bestValue: r.best?.value,
    final: r.records[r.records.length - 1],
    stoppedEarly: r.stoppedEarly,
    stoppedEpoch: r.stoppedEpoch,
    end: r.end,
    interrupted: r.end === 'interrupted' || r.end === 'superseded',
    epochsRun: r.epochsRun,
    initialEpoch: r.initialEpoch,
    loss: r.loss,
    durationMs: Date.now() - r.started,
    config: r.config,
    backend: tf.getBackend(),
  });
}

function emptyResult(config: TrainingConfig, end: RunEnd, started: number, loss: string | Record<string, string>, initialEpoch: number, earlier: EpochRecord[], earlierSeconds: number[]): RunResult {
  return makeResult({ records: earlier, seconds: earlierSeconds, epochsRun: 0, initialEpoch, loss, monitor: 'loss', direction: 'min', best: undefined, stoppedEarly: false, stoppedEpoch: undefined, end, config, started });
}

/**
 * train's own bookkeeping in one callback, so a batch pays for one hook, not three:
 * - the learning rate of each epoch into its logs (`lr`, when no scheduler wrote it), read at
 *   the epoch's start, before a scheduler later in the list changes it;
 * - the seconds from the start of the fit to each epoch's end (`performance.now`, which no
 *   seeded result reads); an epoch tfjs logged without this hook seeing its end gets the
 *   time it is asked for, so the list stays one entry per epoch;
 * - the batches run, into the model's state, so a per-batch schedule continues on the next call.
 */
class RunBookkeeping extends tf.Callback {
  private lr = Number.NaN;
  private start = performance.now();
  private readonly ends = new Map<number, number>();
  constructor(private readonly state: TrainingState) {
    super();
  }
  override async onTrainBegin(): Promise<void> {
    this.start = performance.now();
  }
  override async onEpochBegin(): Promise<void> {
    this.lr = this.model.optimizer !== undefined ? getLearningRate(this.model.optimizer) : Number.NaN;
  }
  override async onEpochEnd(epoch: number, logs?: Record<string, number | tf.Scalar>): Promise<void> {
    this.ends.set(epoch, (performance.now() - this.start) / 1000);
    if (logs !== undefined && logs['lr'] === undefined) logs['lr'] = this.lr;
  }
  override async onBatchEnd(): Promise<void> {
    this.state.steps += 1;
  }
  secondsAt(epoch: number): number {
    return this.ends.get(epoch) ?? (performance.now() - this.start) / 1000;
  }
}

/** The loss of each output by name, for the result: one name for one output. */
function lossSummary(model: tf.LayersModel, losses: readonly OutputLoss[]): string | Record<string, string> {
  if (losses.length === 1) return lossName(losses[0].loss);
  return Object.fromEntries(losses.map((l) => [l.output, lossName(l.loss)]));
}

/** `loss 'categoricalCrossentropy' (inferred from the softmax output ...)`: printed when train compiles with an inferred loss. */
function inferredLine(model: tf.LayersModel, inferred: readonly OutputLoss[]): string {
  const parts = inferred.map((l) => `'${lossName(l.loss)}'${outputNamesOf(model).length > 1 ? ` for output ${l.output}` : ''} (inferred from its ${l.source} activation)`);
  return `loss ${parts.join(', ')}; set config.loss to choose another.`;
}

/** Shapes of the targets per output, for inferring the loss (a dataset's from its first batch, read without counting an epoch). */
async function targetShapesOf(model: tf.LayersModel, data: TrainData): Promise<Array<number[] | undefined>> {
  if (typeof data !== 'object' || data === null) return [];
  if (isDatasetData(data)) {
    if (!(data.dataset instanceof tf.data.Dataset)) return [];
    const batch = (await firstBatch(data.dataset)) as { ys?: unknown } | undefined;
    try {
      const found = tensorsFor(batch?.ys, outputNamesOf(model), 'ys');
      return 'problem' in found ? [] : found.tensors.map((t) => (t instanceof tf.Tensor ? t.shape : undefined));
    } finally {
      tf.dispose(batch as tf.TensorContainer);
    }
  }
  const found = tensorsFor((data as { y?: unknown }).y, outputNamesOf(model), 'data.y');
  return 'problem' in found ? [] : found.tensors.map((t) => (t instanceof tf.Tensor ? t.shape : undefined));
}

/** Most schedule steps {@link scheduledDecayProblems} reads ahead; a longer run is checked by setLearningRate as it goes. */
const MAX_CHECKED_STEPS = 1_000_000;

/**
 * AdamW's `lr × weightDecay < 1` (decayProductIssue, the one rule) at every learning rate
 * config.lrSchedule will set in this run, before anything changes. Per-batch schedules are
 * read ahead when the batches per epoch are known (tensor data, or a dataset's batchesPerEpoch).
 */
function scheduledDecayProblems(model: tf.LayersModel, data: TrainData, cfg: TrainingConfig, keep: boolean, state: TrainingState | undefined): string[] {
  if (cfg.lrSchedule === undefined) return [];
  let weightDecay: number | undefined;
  let label = 'config.optimizer.weightDecay';
  if (keep) {
    if (model.optimizer instanceof AdamW) weightDecay = model.optimizer.weightDecay;
    label = "the compiled AdamW optimizer's weightDecay";
  } else {
    const spec = checkOptimizerSpec(cfg.optimizer);
    if (spec.ok && spec.value.name === 'adamw') weightDecay = spec.value.weightDecay;
  }
  if (weightDecay === undefined || weightDecay === 0) return [];
  const spec = cfg.lrSchedule as unknown as ScheduleSpec & { per?: 'epoch' | 'batch' };
  const per = spec.per ?? 'epoch';
  let first: number;
  let count: number | undefined;
  if (per === 'epoch') {
    first = cfg.initialEpoch ?? state?.epochs ?? 0;
    count = cfg.epochs;
  } else {
    first = state?.steps ?? 0;
    const batches = batchesPerEpoch(model, data, cfg);
    count = batches === undefined ? undefined : batches * cfg.epochs;
  }
  if (count === undefined) return [];
  const schedule = scheduleFromSpec(spec);
  for (let step = first; step < first + Math.min(count, MAX_CHECKED_STEPS); step++) {
    const lr = schedule(step);
    const issue = decayProductIssue(lr, weightDecay, { path: 'optimizer.weightDecay', weightDecay: label, learningRate: `the learning rate config.lrSchedule sets at ${per} ${step}` });
    if (issue !== undefined) return [issue.message];
  }
  return [];
}

/** Batches in one epoch of this run, when they can be known before it starts. */
function batchesPerEpoch(model: tf.LayersModel, data: TrainData, cfg: TrainingConfig): number | undefined {
  if (isDatasetData(data)) return data.batchesPerEpoch;
  const n = firstTensor((data as TensorData).x, inputNamesOf(model)).shape[0];
  const rows = cfg.validationSplit !== undefined ? Math.floor(n * (1 - cfg.validationSplit)) : n;
  return Math.ceil(rows / cfg.batchSize);
}

function firstTensor(x: unknown, names: readonly string[]): tf.Tensor {
  const found = tensorsFor(x, names, 'data.x');
  return ('problem' in found ? x : found.tensors[0]) as tf.Tensor;
}

/** classWeight must map class indices (or, for several outputs, output names) to weights. */
function classWeightProblems(model: tf.LayersModel, cfg: TrainingConfig): string[] {
  const cw = cfg.classWeight as Record<string, unknown> | undefined;
  if (cw === undefined) return [];
  const nested = Object.values(cw).some((v) => typeof v === 'object');
  if (!nested) {
    if (outputNamesOf(model).length > 1) return [`config.classWeight is one map of class weights but the model has ${outputNamesOf(model).length} outputs. Pass {${outputNamesOf(model).map((n) => `${n}: {0: w0, 1: w1}`).join(', ')}}.`];
    const bad = Object.keys(cw).filter((k) => !/^\d+$/.test(k));
    return bad.length > 0 ? [`config.classWeight keys must be class indices 0, 1, ...; received ${bad.map((k) => `'${k}'`).join(', ')}. Pass e.g. {0: 1, 1: 5}.`] : [];
  }
  const unknown = Object.keys(cw).filter((k) => !outputNamesOf(model).includes(k));
  return unknown.length > 0 ? [`config.classWeight names ${unknown.map((k) => `'${k}'`).join(', ')}, not outputs of the model (${outputNamesOf(model).join(', ')}).`] : [];
}
