/**
 * What `train` (and `findLearningRate`) compile a model with: the loss inferred from each
 * output's activation when the config names none, per-output losses, and the check that a
 * config does not silently contradict a model that is already compiled.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveLoss, type CompiledLoss, type LossName, type MetricFunction, type NamedMetric, type TrainingConfig } from '../config';
import type { SingleLoss } from '../config/schema';
import { getLearningRate } from '../optimizers';
import { describe } from './errors';
import { inputNamesOf, outputNamesOf } from './data';

type CompileArgs = Parameters<tf.LayersModel['compile']>[0];

/** Config fields that decide what a model is compiled with. */
export const COMPILE_KEYS = ['optimizer', 'learningRate', 'clipNorm', 'clipValue', 'globalClipNorm', 'loss', 'metrics', 'lossWeights'] as const;
type CompileKey = (typeof COMPILE_KEYS)[number];

/** The loss of one output: what was compiled and how it is named in logs and results. */
export interface OutputLoss {
  output: string;
  loss: SingleLoss;
  /** Why: `'config'`, `'compiled'` or the activation it was inferred from (`'softmax'`, ...). */
  source: string;
}

/** Activation of the layer that produces each output (`'linear'` when there is none). */
export function outputActivations(model: tf.LayersModel): string[] {
  const layers = model.outputs.map((t) => t.sourceLayer as tf.layers.Layer);
  return layers.map((layer) => activationOf(layer));
}

function activationOf(layer: tf.layers.Layer | undefined): string {
  if (layer === undefined) return 'linear';
  if (layer instanceof tf.LayersModel) return outputActivations(layer)[0] ?? 'linear';
  const cls = layer.getClassName();
  if (cls === 'Softmax') return 'softmax';
  const activation = (layer.getConfig() as { activation?: unknown }).activation;
  return typeof activation === 'string' ? activation : 'linear';
}

/**
 * The loss Keras users would pick for an output: softmax → categoricalCrossentropy (the
 * sparse form when the targets are one column `[n, 1]` for several classes), sigmoid →
 * binaryCrossentropy, anything else → meanSquaredError.
 */
export function inferLoss(activation: string, outputShape: ReadonlyArray<number | null>, targetShape: readonly number[] | undefined): LossName {
  if (activation === 'softmax') {
    const classes = outputShape[outputShape.length - 1];
    const oneColumn = targetShape !== undefined && (targetShape.length === 1 || targetShape[targetShape.length - 1] === 1);
    return oneColumn && classes !== 1 ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy';
  }
  if (activation === 'sigmoid') return 'binaryCrossentropy';
  return 'meanSquaredError';
}

/** `loss` of the config spread over the model's outputs (undefined entries: not given). */
function perOutput<T>(model: tf.LayersModel, spec: T | readonly T[] | Readonly<Record<string, T>> | undefined, field: string, problems: string[]): Array<T | undefined> {
  const names = outputNamesOf(model);
  if (spec === undefined) return names.map(() => undefined);
  if (Array.isArray(spec)) {
    if (spec.length !== names.length) problems.push(`config.${field} has ${spec.length} entries but the model has ${names.length} outputs (${names.join(', ')}). Pass one per output, in that order.`);
    return names.map((_, i) => spec[i] as T | undefined);
  }
  if (typeof spec === 'object' && spec !== null && typeof spec !== 'function') {
    const map = spec as Readonly<Record<string, T>>;
    const unknown = Object.keys(map).filter((k) => !names.includes(k));
    if (unknown.length > 0) problems.push(`config.${field} names ${unknown.map((k) => `'${k}'`).join(', ')}, not outputs of the model; its outputs are ${names.map((k) => `'${k}'`).join(', ')}.`);
    // Outputs left out fall back to the inferred loss, as with no loss at all.
    return names.map((k) => map[k]);
  }
  return names.map(() => spec as T);
}

/**
 * The loss of every output: the config's, else (when `compiled`) the model's own, else
 * inferred from the output activation and the target shapes.
 */
export function planLosses(model: tf.LayersModel, cfg: TrainingConfig, targetShapes: Array<readonly number[] | undefined>, problems: string[]): OutputLoss[] {
  const given = perOutput<SingleLoss>(model, cfg.loss as never, 'loss', problems);
  const activations = outputActivations(model);
  return outputNamesOf(model).map((output, i) => {
    const loss = given[i];
    if (loss !== undefined) return { output, loss, source: 'config' };
    const inferred = inferLoss(activations[i] ?? 'linear', model.outputs[i].shape, targetShapes[i]);
    return { output, loss: inferred, source: activations[i] ?? 'linear' };
  });
}

/** The name of a loss for logs and results (a function's name, or 'custom'). */
export function lossName(loss: unknown): string {
  if (typeof loss === 'function') return loss.name !== '' ? loss.name : 'custom';
  return String(loss);
}

/** The losses a compiled model has, by output (names; functions by their name). */
export function compiledLossNames(model: tf.LayersModel): string[] {
  const loss = model.loss as unknown;
  if (Array.isArray(loss)) return loss.map(lossName);
  if (typeof loss === 'object' && loss !== null && typeof loss !== 'function') return outputNamesOf(model).map((k) => lossName((loss as Record<string, unknown>)[k]));
  return outputNamesOf(model).map(() => lossName(loss));
}

/** `model.compile` arguments for a plan. */
export function compileArgs(model: tf.LayersModel, losses: readonly OutputLoss[], cfg: TrainingConfig, optimizer: tf.Optimizer): CompileArgs {
  const resolved = losses.map((l) => resolveLoss(l.loss as LossName) as CompiledLoss);
  const args: CompileArgs = {
    optimizer,
    loss: (resolved.length === 1 ? resolved[0] : resolved) as CompileArgs['loss'],
    metrics: cfg.metrics.map(compiledMetric) as CompileArgs['metrics'],
  };
  if (cfg.lossWeights !== undefined) {
    const w = cfg.lossWeights as unknown;
    (args as { lossWeights?: unknown }).lossWeights = Array.isArray(w) ? [...w] : outputNamesOf(model).map((k) => (w as Record<string, number>)[k] ?? 1);
  }
  return args;
}

// One function per named metric, so recompiles (and contradiction checks) see the same one.
const namedMetricFunctions = new WeakMap<object, MetricFunction>();

/**
 * A config metric as `model.compile` takes it: names and functions as they are; a named
 * metric `{name, fn, mode}` as a function called `name` (tfjs logs it under its name) that
 * carries `mode`, so callbacks find the direction on the compiled model.
 */
export function compiledMetric(spec: unknown): unknown {
  if (typeof spec !== 'object' || spec === null) return spec;
  const named = spec as NamedMetric;
  let f = namedMetricFunctions.get(named);
  if (f === undefined) {
    const fn = named.fn;
    f = Object.defineProperty((yTrue: tf.Tensor, yPred: tf.Tensor) => fn(yTrue, yPred), 'name', { value: named.name }) as MetricFunction;
    if (named.mode !== undefined) f.mode = named.mode;
    namedMetricFunctions.set(named, f);
  }
  return f;
}

/** What a model was compiled with by `train`, to tell later configs that contradict it. */
export type CompileSignature = Partial<Record<CompileKey, unknown>>;

export function signatureOf(cfg: TrainingConfig, losses: readonly OutputLoss[]): CompileSignature {
  const out: CompileSignature = {};
  for (const key of COMPILE_KEYS) out[key] = (cfg as unknown as Record<string, unknown>)[key];
  out.loss = losses.map((l) => l.loss);
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'function' || typeof b === 'function') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  return JSON.stringify(a) === JSON.stringify(b);
}

// tfjs class name → trainlab optimizer name, to compare a user-compiled optimizer with a config.
const OPTIMIZER_CLASSES: Record<string, string> = {
  SGD: 'sgd', TrainlabSGD: 'sgd', Momentum: 'momentum', TrainlabMomentum: 'momentum', Adam: 'adam', TrainlabAdam: 'adam', AdamW: 'adamw', TrainlabAdamW: 'adamw',
  Adagrad: 'adagrad', TrainlabAdagrad: 'adagrad', Adamax: 'adamax', TrainlabAdamax: 'adamax', RMSProp: 'rmsprop', TrainlabRMSprop: 'rmsprop', Adadelta: 'adadelta', TrainlabAdadelta: 'adadelta',
};

/**
 * Config fields that state something other than what the compiled model has: against the
 * signature `train` recorded when it compiled the model, or, for a model the user compiled,
 * against its loss, metrics and optimizer. Each line says which wins and how to choose.
 */
export function contradictions(model: tf.LayersModel, cfg: TrainingConfig, given: readonly string[], signature: CompileSignature | undefined, losses: readonly OutputLoss[]): string[] {
  const stated = COMPILE_KEYS.filter((k) => given.includes(k));
  const c = cfg as unknown as Record<string, unknown>;
  const fix = (key: string) =>
    `train keeps a compiled model's loss, metrics and optimizer (with its state). Leave ${key} out of the config to continue with the model's, or pass recompile: true to compile from the config (a new optimizer, its state reset).`;
  const out: string[] = [];
  for (const key of stated) {
    let current: unknown;
    let wanted: unknown = c[key];
    if (signature !== undefined) {
      current = signature[key];
      if (key === 'loss') wanted = losses.map((l) => l.loss);
    } else if (key === 'loss') {
      current = compiledLossNames(model);
      wanted = losses.map((l) => lossName(l.loss));
    } else if (key === 'metrics') {
      // A Sequential model keeps its compile arguments on its inner model.
      const inner = model as unknown as { metrics?: unknown; model?: { metrics?: unknown } };
      const m = inner.metrics ?? inner.model?.metrics;
      current = m === undefined ? [] : Array.isArray(m) ? m : [m];
    } else if (key === 'optimizer') {
      const cls = model.optimizer.getClassName();
      current = OPTIMIZER_CLASSES[cls] ?? cls;
      wanted = typeof c.optimizer === 'string' ? c.optimizer : (c.optimizer as { name: string }).name;
    } else if (key === 'learningRate') {
      try {
        current = getLearningRate(model.optimizer);
      } catch {
        current = undefined;
      }
    } else {
      current = (model.optimizer as unknown as { clip?: Record<string, unknown> }).clip?.[key];
    }
    if (!same(current, wanted)) {
      const from = signature !== undefined ? 'the last train call compiled it with' : 'the model was compiled with';
      out.push(`config.${key} ${show(wanted)} contradicts the compiled model: ${from} ${key} ${show(current)}. ${fix(key)}`);
    }
  }
  return out;
}

function show(v: unknown): string {
  if (typeof v === 'function') return `function ${lossName(v)}`;
  if (Array.isArray(v)) return v.length === 1 ? show(v[0]) : `[${v.map(show).join(', ')}]`;
  return describe(v);
}
