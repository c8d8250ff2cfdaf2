/**
 * Optimizer specs: a name, or `{name, ...options}`. One strict schema per optimizer gives
 * both the option types and the validation (with did-you-mean for names and keys).
 */
import { z } from 'zod';
import {
  ValidationError,
  type ValidationIssue,
  enumIssue,
  fromZodIssues,
  joinPath,
  describe,
} from '../config/issues';

/** Names accepted by `createOptimizer`. */
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'rmsprop', 'adam', 'adamw', 'adagrad', 'adadelta', 'adamax'] as const;

export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Thrown by `createOptimizer` and the learning-rate helpers for bad input. */
export class OptimizerError extends ValidationError {
  constructor(component: string, issues: ValidationIssue[]) {
    super(component, issues);
    this.name = 'OptimizerError';
  }
}

/** Largest learning rate accepted at construction; larger values are almost always typos. */
export const MAX_LEARNING_RATE = 10;

const learningRate = z.number().positive().max(MAX_LEARNING_RATE);
const decay = z.number().min(0).lt(1);
const epsilon = z.number().positive().max(1);
const clipBound = z.number().positive();

const common = {
  /** Learning rate (> 0, ≤ 10). Defaults to the config's / `defaults.learningRate`, else 0.01 for sgd and momentum and 0.001 for the others (Keras). */
  learningRate: learningRate.optional(),
  /** Rescale each gradient tensor to at most this L2 norm (> 0). Keras `clipnorm`. */
  clipNorm: clipBound.optional(),
  /** Clip each gradient element to [-clipValue, clipValue] (> 0). Keras `clipvalue`. */
  clipValue: clipBound.optional(),
  /** Rescale all gradients together to at most this joint L2 norm (> 0). Keras `global_clipnorm`. */
  globalClipNorm: clipBound.optional(),
};

const adamLike = {
  /** Decay rate of the first-moment average, in [0, 1). Defaults to 0.9. */
  beta1: decay.default(0.9),
  /** Decay rate of the second-moment average, in [0, 1). Defaults to 0.999. */
  beta2: decay.default(0.999),
  /** Added to the denominator for numerical stability (> 0). Defaults to 1e-7 (Keras). */
  epsilon: epsilon.default(1e-7),
};

/** One strict options schema per optimizer, keyed by name. */
export const optimizerSchemas = {
  sgd: z.strictObject({ name: z.literal('sgd'), ...common }),
  momentum: z.strictObject({
    name: z.literal('momentum'),
    ...common,
    /** Momentum coefficient, in [0, 1). Defaults to 0.9. */
    momentum: decay.default(0.9),
    /** Use Nesterov momentum. Defaults to false. */
    nesterov: z.boolean().default(false),
  }),
  rmsprop: z.strictObject({
    name: z.literal('rmsprop'),
    ...common,
    /** Decay rate of the squared-gradient average, in [0, 1). Defaults to 0.9. */
    rho: decay.default(0.9),
    /** Momentum coefficient, in [0, 1). Defaults to 0. */
    momentum: decay.default(0),
    /** Added inside the square root for numerical stability (> 0). Defaults to 1e-7. */
    epsilon: epsilon.default(1e-7),
    /** Normalise by the estimated variance of the gradient instead of its second moment. Defaults to false. */
    centered: z.boolean().default(false),
  }),
  adam: z.strictObject({ name: z.literal('adam'), ...common, ...adamLike }),
  adamw: z.strictObject({
    name: z.literal('adamw'),
    ...common,
    ...adamLike,
    /**
     * Decoupled weight decay coefficient: each step `w -= lr * weightDecay * w` (finite, ≥ 0,
     * and `learningRate * weightDecay < 1`; see {@link decayProductIssue}). Defaults to 0.004 (Keras).
     */
    weightDecay: z.number().min(0).default(0.004),
  }),
  adagrad: z.strictObject({
    name: z.literal('adagrad'),
    ...common,
    /** Starting value of the squared-gradient accumulator (≥ 0). Defaults to 0.1. */
    initialAccumulatorValue: z.number().min(0).default(0.1),
  }),
  adadelta: z.strictObject({
    name: z.literal('adadelta'),
    ...common,
    /** Decay rate of the running averages, in [0, 1). Defaults to 0.95 (Keras). */
    rho: decay.default(0.95),
    /** Added inside the square roots for numerical stability (> 0). Defaults to 1e-7. */
    epsilon: epsilon.default(1e-7),
  }),
  adamax: z.strictObject({ name: z.literal('adamax'), ...common, ...adamLike }),
} as const;

type Schemas = typeof optimizerSchemas;

/** `{name, ...options}` for one optimizer, options optional. */
export type OptimizerOptions = { [K in OptimizerName]: z.input<Schemas[K]> }[OptimizerName];

/** A name (`'adam'`) or an options object (`{name: 'adam', beta1: 0.8}`). */
export type OptimizerSpec = OptimizerName | OptimizerOptions;

/** An options object with every default filled in. */
export type ResolvedOptimizerOptions = { [K in OptimizerName]: z.output<Schemas[K]> }[OptimizerName];

/** Per-optimizer default learning rates (Keras). */
export const DEFAULT_LEARNING_RATES: Readonly<Record<OptimizerName, number>> = {
  sgd: 0.01,
  momentum: 0.01,
  rmsprop: 0.001,
  adam: 0.001,
  adamw: 0.001,
  adagrad: 0.001,
  adadelta: 0.001,
  adamax: 0.001,
};

const CLIP_KEYS = ['clipNorm', 'clipValue', 'globalClipNorm'] as const;

/**
 * Validates a spec and fills in defaults. Returns the resolved options or the issues
 * found (paths prefixed with `prefix`).
 */
export function checkOptimizerSpec(
  spec: unknown,
  prefix = '',
): { ok: true; value: ResolvedOptimizerOptions } | { ok: false; issues: ValidationIssue[] } {
  const asObject = typeof spec === 'string' ? { name: spec } : spec;
  if (asObject === null || typeof asObject !== 'object' || Array.isArray(asObject)) {
    const expected = `an optimizer name or {name, ...options}`;
    return {
      ok: false,
      issues: [
        {
          path: prefix,
          received: spec,
          expected,
          message: `${prefix === '' ? 'optimizer' : prefix} must be ${expected}; received ${describe(spec)}.`,
        },
      ],
    };
  }
  const name = (asObject as { name?: unknown }).name;
  if (typeof name !== 'string' || !(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    const path = typeof spec === 'string' ? prefix : joinPath(prefix, 'name');
    return { ok: false, issues: [enumIssue(path === '' ? 'name' : path, name, OPTIMIZER_NAMES, 'optimizer')] };
  }
  const schema = optimizerSchemas[name as OptimizerName];
  const result = schema.safeParse(asObject);
  const issues = result.success ? [] : fromZodIssues(result.error.issues, asObject, schema, prefix);
  const clips = CLIP_KEYS.filter((k) => (asObject as Record<string, unknown>)[k] !== undefined);
  if (clips.length > 1) issues.push(clipConflictIssue(clips, prefix));
  if (!result.success || issues.length > 0) return { ok: false, issues };
  return { ok: true, value: result.data as ResolvedOptimizerOptions };
}

/** Keras allows one clipping method at a time; so do we. */
export function clipConflictIssue(clips: readonly string[], prefix: string): ValidationIssue {
  const path = joinPath(prefix, clips[1]);
  return {
    path,
    received: clips,
    expected: 'at most one of clipNorm, clipValue, globalClipNorm',
    message: `${path}: set at most one of clipNorm, clipValue, globalClipNorm (as Keras); received ${clips.join(' and ')}. Keep the one you mean.`,
  };
}

/** Where the two factors of AdamW's decay step come from, for the message (paths or phrases such as "the default learning rate"). */
export interface DecayProductSource {
  /** The issue's path: the field to change (e.g. `weightDecay`, `optimizer.weightDecay`, `lr`). */
  path: string;
  /** Which factor `path` holds (the issue's `received`). Defaults to `'weightDecay'`. */
  on?: 'weightDecay' | 'learningRate';
  /** How the message names the learning rate (e.g. `learningRate`, `the schedule's learning rate at epoch 3`). */
  learningRate: string;
  /** How the message names the weight decay. Defaults to `path`. */
  weightDecay?: string;
}

/**
 * The one rule for AdamW's decoupled decay: each step multiplies every weight by
 * `1 - lr * weightDecay`, so `lr * weightDecay` must stay below 1 (at 1 the weights are
 * zeroed, above it they flip sign). PyTorch and Keras accept any weightDecay ≥ 0; this is
 * what must hold between the two. Undefined when the pair is fine.
 */
export function decayProductIssue(learningRate: number, weightDecay: number, source: DecayProductSource): ValidationIssue | undefined {
  const product = learningRate * weightDecay;
  if (!(product >= 1)) return undefined;
  const wd = source.weightDecay ?? source.path;
  return {
    path: source.path,
    received: source.on === 'learningRate' ? learningRate : weightDecay,
    expected: `learningRate × weightDecay < 1 (weightDecay < ${+(1 / learningRate).toPrecision(6)} at learningRate ${learningRate})`,
    message:
      `${wd} = ${weightDecay} and ${source.learningRate} = ${learningRate} give learningRate × weightDecay = ${+product.toPrecision(6)}, ` +
      `but AdamW multiplies each weight by 1 − learningRate × weightDecay every step, so it must stay below 1 (at 1 or more the weights are zeroed or flip sign). ` +
      `Lower ${wd} below ${+(1 / learningRate).toPrecision(6)} or the learning rate below ${+(1 / weightDecay).toPrecision(6)}.`,
  };
}
