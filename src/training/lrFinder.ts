import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../backend/seed';
import { defineConfig, optimizerFromConfig, type TrainingConfig, type TrainingConfigInput } from '../config';
import { compileArgs, compiledLossNames, planLosses, type OutputLoss } from './compile';
import { setLearningRate } from '../optimizers';
import { acquireModel, RunControl } from './control';
import { checkModel, outputNamesOf, inputNamesOf, tensorsFor, trainDataProblems, type TensorData } from './data';
import { describe, TrainingError } from './errors';
import { trainingOptionIssues } from './options';
import { onInterrupt } from '../util/interrupt';

/** Options of {@link findLearningRate}. */
export interface FindLearningRateOptions {
  /** Learning rate of the first step (> 0). Defaults to `1e-7`. */
  startLR?: number;
  /** Learning rate of the last step (> startLR). Defaults to `10`. */
  endLR?: number;
  /** Number of batches (steps) of the ramp (>= 2). Defaults to `100`. */
  numSteps?: number;
  /** Stop once the smoothed loss exceeds `divergeFactor` × the best smoothed loss (> 1); `Infinity` never stops early. Defaults to `4`. */
  divergeFactor?: number;
  /** Smoothing of the loss (exponential moving average with bias correction), in [0, 1). Defaults to `0.98`. */
  beta?: number;
  /**
   * Optimizer, loss and batch size to test with, as in `train` (regularization is not
   * applied). Defaults to `defineConfig({})`: Adam, mean squared error, batch size 32.
   */
  config?: TrainingConfig | TrainingConfigInput;
  /** Seed for the batch order. Defaults to `config.seed`, else random. */
  seed?: number;
}

/**
 * The three suggestions fastai's `lr_find` makes. A type alias (not an interface) so that a
 * result can be passed to `charts.lrFinder`, whose `suggestions` is a record of name → rate.
 */
export type LearningRateSuggestions = {
  /** Where the smoothed loss falls fastest against log(lr). */
  steepest: number | undefined;
  /** A tenth of the rate with the lowest smoothed loss. */
  minimumDiv10: number | undefined;
  /** fastai's "valley": about two thirds down the longest descending stretch of the curve. */
  valley: number | undefined;
};

/** What {@link findLearningRate} returns; `lrFinder` in charts plots it. */
export interface LearningRateFinderResult {
  /** Learning rate of each step taken. */
  lrs: number[];
  /** Raw batch loss at each step. */
  losses: number[];
  /** Bias-corrected exponential moving average of `losses`. */
  smoothedLosses: number[];
  suggestions: LearningRateSuggestions;
  /** Lowest smoothed loss seen. */
  bestLoss: number;
  /** True when the test stopped because the loss diverged (or became NaN). */
  diverged: boolean;
  /** True when SIGINT stopped the test early. */
  interrupted: boolean;
  durationMs: number;
}

type ModelOrFactory = tf.LayersModel | (() => tf.LayersModel | Promise<tf.LayersModel>);

function problemsOf(o: FindLearningRateOptions): string[] {
  const problems: string[] = [];
  const positive = (field: string, v: unknown) => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)) problems.push(`${field} must be a finite number > 0, received ${describe(v)}.`);
  };
  positive('startLR', o.startLR);
  positive('endLR', o.endLR);
  const start = o.startLR ?? 1e-7;
  const end = o.endLR ?? 10;
  if (problems.length === 0 && !(end > start)) problems.push(`endLR (${end}) must be larger than startLR (${start}). Pass e.g. {startLR: 1e-7, endLR: 10}.`);
  if (o.numSteps !== undefined && (!Number.isInteger(o.numSteps) || o.numSteps < 2)) problems.push(`numSteps must be a whole number >= 2, received ${describe(o.numSteps)}.`);
  if (o.divergeFactor !== undefined && (typeof o.divergeFactor !== 'number' || Number.isNaN(o.divergeFactor) || o.divergeFactor <= 1)) {
    problems.push(`divergeFactor must be a number > 1 (or Infinity), received ${describe(o.divergeFactor)}.`);
  }
  if (o.beta !== undefined && (typeof o.beta !== 'number' || !(o.beta >= 0 && o.beta < 1))) problems.push(`beta must be a number in [0, 1), received ${describe(o.beta)}.`);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) problems.push(`seed must be a whole number, received ${describe(o.seed)}.`);
  return problems;
}

/** `startLR · (endLR/startLR)^(i/(n-1))` for i = 0..n-1. */
export function exponentialRamp(startLR: number, endLR: number, numSteps: number): number[] {
  return Array.from({ length: numSteps }, (_, i) => startLR * Math.pow(endLR / startLR, i / (numSteps - 1)));
}

/** Exponential moving average with bias correction (fastai's smooth_loss): `avg_i / (1 - beta^(i+1))`. */
export function smoothLosses(losses: readonly number[], beta = 0.98): number[] {
  let avg = 0;
  return losses.map((loss, i) => {
    avg = beta * avg + (1 - beta) * loss;
    return avg / (1 - Math.pow(beta, i + 1));
  });
}

/**
 * fastai's suggestions, computed on the smoothed curve without its first tenth and last 5
 * points (the noisy start and the divergence), as fastai's `lr_find` does; on the whole
 * curve when that leaves fewer than 3 points.
 */
export function suggestLearningRates(lrs: readonly number[], smoothed: readonly number[]): LearningRateSuggestions {
  const start = Math.floor(lrs.length / 10);
  const endCut = 5;
  let l = lrs.slice(start, lrs.length - endCut);
  let s = smoothed.slice(start, smoothed.length - endCut);
  if (l.length < 3) {
    l = lrs.slice();
    s = smoothed.slice();
  }
  const finite = s.map((v, i) => [v, i] as const).filter(([v]) => Number.isFinite(v));
  if (finite.length < 2) return { steepest: undefined, minimumDiv10: undefined, valley: undefined };
  let minIndex = finite[0][1];
  for (const [v, i] of finite) if (v < s[minIndex]) minIndex = i;
  let steepIndex: number | undefined;
  let steepest = Infinity;
  for (let i = 0; i + 1 < s.length; i++) {
    const g = (s[i + 1] - s[i]) / (Math.log(l[i + 1]) - Math.log(l[i]));
    if (Number.isFinite(g) && g < steepest) {
      steepest = g;
      steepIndex = i;
    }
  }
  return { steepest: steepIndex === undefined ? undefined : l[steepIndex], minimumDiv10: l[minIndex] / 10, valley: l[valleyIndex(s)] };
}

/** fastai's valley: the longest decreasing subsequence, then 1/3 + 1/6 of the way along it. */
function valleyIndex(losses: readonly number[]): number {
  const n = losses.length;
  const lds = new Array<number>(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      if (lds[maxEnd] < lds[i]) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd];
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  return Math.min(n - 1, Math.max(0, maxStart + Math.floor(sections) + Math.floor(sections / 2)));
}

type CompileArgs = Parameters<tf.LayersModel['compile']>[0];

/**
 * The LR range test (Smith 2015; fastai `lr_find`): trains on successive batches while the
 * learning rate rises exponentially from `startLR` to `endLR`, records the loss and its
 * smoothed value, and stops when the smoothed loss diverges. The model's weights are
 * restored afterwards and its optimizer is left untouched (the test uses its own, then
 * recompiles the model with the original optimizer, loss and metrics; a model that was not
 * compiled comes back compiled with the config's loss and plain SGD). With a factory the
 * model is built, tested and disposed. No tensors are left behind.
 *
 * @example const lr = await findLearningRate(() => buildModel(), {x, y}, {config: {optimizer: 'adam', batchSize: 64}})
 */
export async function findLearningRate(model: ModelOrFactory, data: TensorData, options: FindLearningRateOptions = {}): Promise<LearningRateFinderResult> {
  const started = Date.now();
  const optionProblems = trainingOptionIssues('findLearningRate', options);
  if (optionProblems.length > 0) throw new TrainingError('findLearningRate', optionProblems);
  const problems = problemsOf(options);
  const cfg = defineConfig((options.config ?? {}) as TrainingConfigInput);
  if (typeof model !== 'function') checkModel('findLearningRate', model);
  if (problems.length > 0) throw new TrainingError('findLearningRate', problems);
  const built = typeof model === 'function' ? await model() : model;
  checkModel('findLearningRate', built);
  // The loss as train would use it: the config's, else the compiled model's, else inferred.
  const lossProblems: string[] = [];
  const targets = tensorsFor((data as { y?: unknown } | undefined)?.y, outputNamesOf(built), 'data.y');
  const targetShapes = 'problem' in targets ? [] : targets.tensors.map((t) => (t instanceof tf.Tensor ? t.shape : undefined));
  const outputLosses: OutputLoss[] =
    cfg.loss === undefined && built.optimizer != null
      ? compiledLossNames(built).map((loss, i) => ({ output: outputNamesOf(built)[i], loss: loss as OutputLoss['loss'], source: 'compiled' }))
      : planLosses(built, cfg, targetShapes, lossProblems);
  if (cfg.loss === undefined && built.optimizer != null) {
    // A compiled custom loss is a function: take it from the model rather than by name.
    const own = built.loss as unknown;
    outputLosses.forEach((l, i) => {
      const fn = Array.isArray(own) ? own[i] : typeof own === 'object' && own !== null && typeof own !== 'function' ? (own as Record<string, unknown>)[l.output] : own;
      if (typeof fn === 'function') l.loss = fn as OutputLoss['loss'];
    });
  }
  const dataProblems = [...lossProblems, ...trainDataProblems(built, data, outputLosses.map((l) => l.loss === 'sparseCategoricalCrossentropy'))];
  if (dataProblems.length > 0) {
    if (built !== model) built.dispose();
    throw new TrainingError('findLearningRate', dataProblems);
  }

  const startLR = options.startLR ?? 1e-7;
  const endLR = options.endLR ?? 10;
  const numSteps = options.numSteps ?? 100;
  const divergeFactor = options.divergeFactor ?? 4;
  const beta = options.beta ?? 0.98;
  const seed = options.seed ?? cfg.seed;
  const ramp = exponentialRamp(startLR, endLR, numSteps);

  const control = new RunControl();
  const release = await acquireModel(built, control, 'wait');
  let stopButton = false;
  const unregister = onInterrupt(() => {
    stopButton = true;
    control.request('interrupted');
  });
  const previous = { owned: ownedFlag(built), optimizer: built.optimizer as tf.Optimizer | undefined, loss: built.loss, metrics: (built as unknown as { metrics?: CompileArgs['metrics'] }).metrics };
  const uncompiled = compileState(built);
  const saved = tf.tidy(() => built.getWeights().map((w) => w.clone()));
  const optimizer = optimizerFromConfig(cfg);
  const lrs: number[] = [];
  const losses: number[] = [];
  const smoothedLosses: number[] = [];
  let bestLoss = Infinity;
  let diverged = false;
  try {
    built.compile({ ...compileArgs(built, outputLosses, cfg, optimizer), metrics: [] });
    const xs = tensorsFor(data.x, inputNamesOf(built), 'data.x') as { tensors: tf.Tensor[] };
    const ys = tensorsFor(data.y, outputNamesOf(built), 'data.y') as { tensors: tf.Tensor[] };
    const n = xs.tensors[0].shape[0];
    const batchSize = Math.min(cfg.batchSize, n);
    const random = seed === undefined ? Math.random : mulberry32(seed);
    let order: number[] = [];
    let cursor = 0;
    let avg = 0;
    for (let step = 0; step < numSteps; step++) {
      if (control.stopRequest !== undefined) break;
      if (cursor + batchSize > order.length) {
        order = shuffled(n, random);
        cursor = 0;
      }
      const indices = order.slice(cursor, cursor + batchSize);
      cursor += batchSize;
      setLearningRate(optimizer, ramp[step]);
      const [xb, yb] = tf.tidy(() => {
        const idx = tf.tensor1d(indices, 'int32');
        return [xs.tensors.map((t) => tf.gather(t, idx)), ys.tensors.map((t) => tf.gather(t, idx))];
      });
      let loss: number;
      try {
        const out = await built.trainOnBatch(xb.length === 1 ? xb[0] : xb, yb.length === 1 ? yb[0] : yb);
        loss = Array.isArray(out) ? out[0] : out;
      } finally {
        tf.dispose([xb, yb]);
      }
      avg = beta * avg + (1 - beta) * loss;
      const smooth = avg / (1 - Math.pow(beta, step + 1));
      lrs.push(ramp[step]);
      losses.push(loss);
      smoothedLosses.push(smooth);
      if (smooth < bestLoss) bestLoss = smooth;
      if (!Number.isFinite(loss) || smooth > divergeFactor * bestLoss) {
        diverged = true;
        break;
      }
      if (step % 10 === 9) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    unregister();
    built.setWeights(saved);
    tf.dispose(saved);
    if (built === model) {
      if (previous.optimizer !== undefined) {
        built.compile({ optimizer: previous.optimizer, loss: previous.loss as CompileArgs['loss'], metrics: previous.metrics });
        // compile() with an instance marks the optimizer as not owned; keep model.dispose() disposing it as before.
        setOwned(built, previous.owned);
      }
      // Uncompiled before, uncompiled after: a later train then compiles it from its own config.
      else restoreCompileState(uncompiled);
    }
    optimizer.dispose();
    release();
    if (built !== model) built.dispose();
  }
  if (stopButton && control.stopRequest === 'interrupted') {
    console.log(`findLearningRate: stopped by the stop button after step ${lrs.length} of ${numSteps} (result.interrupted is true; the model's weights are restored)`);
  }
  return {
    lrs,
    losses,
    smoothedLosses,
    suggestions: suggestLearningRates(lrs, smoothedLosses),
    bestLoss,
    diverged,
    interrupted: control.stopRequest !== undefined,
    durationMs: Date.now() - started,
  };
}

function shuffled(n: number, random: () => number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// What LayersModel.compile sets (on a Sequential, also on its inner model).
const COMPILE_KEYS = ['optimizer_', 'isOptimizerOwned', 'loss', 'lossFunctions', 'metrics', 'metricsNames', 'metricsTensors', 'feedOutputNames', 'feedOutputShapes', 'feedLossFns', 'collectedTrainableWeights'] as const;

type CompileState = { model: tf.LayersModel; saved: Map<Record<string, unknown>, Map<string, { had: boolean; value: unknown }>> };

/** `model` and a Sequential's inner model (which compile creates when the model was not built yet). */
function compileTargets(model: tf.LayersModel): Array<Record<string, unknown>> {
  const inner = (model as unknown as { model?: unknown }).model;
  return [model, ...(inner instanceof tf.LayersModel && inner !== model ? [inner] : [])] as unknown as Array<Record<string, unknown>>;
}

/** The compile fields of `model` as they are now, to put back exactly (tfjs has no "uncompile"). */
function compileState(model: tf.LayersModel): CompileState {
  const saved = new Map(compileTargets(model).map((target) => [target, new Map(COMPILE_KEYS.map((k) => [k, { had: Object.hasOwn(target, k), value: target[k] }]))]));
  return { model, saved };
}

function restoreCompileState(state: CompileState): void {
  for (const target of compileTargets(state.model)) {
    for (const key of COMPILE_KEYS) {
      const before = state.saved.get(target)?.get(key);
      if (before?.had === true) target[key] = before.value;
      else delete target[key];
    }
  }
}

type OwnedFlag = { isOptimizerOwned?: boolean; model?: { isOptimizerOwned?: boolean } };

function ownedFlag(model: tf.LayersModel): boolean | undefined {
  return (model as unknown as OwnedFlag).isOptimizerOwned;
}

function setOwned(model: tf.LayersModel, owned: boolean | undefined): void {
  const m = model as unknown as OwnedFlag;
  m.isOptimizerOwned = owned;
  if (m.model !== undefined) m.model.isOptimizerOwned = owned;
}
