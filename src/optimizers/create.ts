import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { agree, anyNumber, optionIssues, type SchemaAgrees } from '../util/options';
import { describe, joinPath, type ValidationIssue } from '../config/issues';
import { Adadelta, Adagrad, Adam, Adamax, AdamW, Momentum, RMSprop, SGD } from './classes';
import type { ClipOptions } from './clipping';
import {
  DEFAULT_LEARNING_RATES,
  MAX_LEARNING_RATE,
  OptimizerError,
  checkOptimizerSpec,
  decayProductIssue,
  type OptimizerSpec,
  type ResolvedOptimizerOptions,
} from './spec';

// Unknown keys only: createOptimizer words the learning rate's range itself.
const defaultsSchema = z.strictObject({ learningRate: anyNumber.optional() });

/** Fallbacks used when the spec itself does not say. */
export interface OptimizerDefaults {
  /** Learning rate when the spec has none (> 0, ≤ 10). Defaults to the optimizer's Keras default. */
  learningRate?: number;
}

agree<SchemaAgrees<OptimizerDefaults, typeof defaultsSchema>>();

/**
 * Builds a tfjs optimizer usable in `model.compile({optimizer})`, `model.fit` and
 * `optimizer.minimize`, with gradient clipping and AdamW, and whose learning rate
 * `setLearningRate` can change between steps.
 *
 * @example createOptimizer('adam')
 * @example createOptimizer({name: 'adamw', learningRate: 3e-4, weightDecay: 0.01, globalClipNorm: 1})
 */
export function createOptimizer(spec: OptimizerSpec, defaults?: OptimizerDefaults): tf.Optimizer {
  const checked = checkOptimizerSpec(spec);
  const issues: ValidationIssue[] = checked.ok ? [] : [...checked.issues];
  const fallback = defaults?.learningRate;
  if (defaults !== undefined && (defaults === null || typeof defaults !== 'object')) {
    issues.push({
      path: 'defaults',
      received: defaults,
      expected: 'an object {learningRate?}',
      message: `defaults must be an object {learningRate?}; received ${describe(defaults)}.`,
    });
  } else if (fallback !== undefined && !validLearningRate(fallback)) {
    issues.push(learningRateIssue(joinPath('defaults', 'learningRate'), fallback));
  } else if (defaults !== undefined) {
    issues.push(...optionIssues(defaultsSchema, defaults, 'defaults'));
  }
  if (checked.ok && issues.length === 0 && checked.value.name === 'adamw') {
    const decay = decayProductIssue(learningRateOf(checked.value, fallback), checked.value.weightDecay, {
      path: 'weightDecay',
      learningRate: checked.value.learningRate !== undefined ? 'learningRate' : fallback !== undefined ? 'defaults.learningRate' : 'the default learningRate',
    });
    if (decay !== undefined) issues.push(decay);
  }
  if (!checked.ok || issues.length > 0) throw new OptimizerError('createOptimizer', issues);
  return build(checked.value, fallback);
}

/** The learning rate an optimizer is built with: the spec's, else the caller's fallback, else the Keras default. */
function learningRateOf(o: ResolvedOptimizerOptions, fallback: number | undefined): number {
  return o.learningRate ?? fallback ?? DEFAULT_LEARNING_RATES[o.name];
}

function validLearningRate(lr: unknown): lr is number {
  return typeof lr === 'number' && Number.isFinite(lr) && lr > 0 && lr <= MAX_LEARNING_RATE;
}

function learningRateIssue(path: string, received: unknown): ValidationIssue {
  const expected = `a number > 0 and ≤ ${MAX_LEARNING_RATE}`;
  return { path, received, expected, message: `${path} must be ${expected}; received ${describe(received)}.` };
}

function build(o: ResolvedOptimizerOptions, fallback: number | undefined): tf.Optimizer {
  const lr = learningRateOf(o, fallback);
  const clip: ClipOptions = { clipNorm: o.clipNorm, clipValue: o.clipValue, globalClipNorm: o.globalClipNorm };
  switch (o.name) {
    case 'sgd':
      return new SGD(lr, clip);
    case 'momentum':
      return new Momentum(lr, o.momentum, o.nesterov, clip);
    case 'rmsprop':
      return new RMSprop(lr, o.rho, o.momentum, o.epsilon, o.centered, clip);
    case 'adam':
      return new Adam(lr, o.beta1, o.beta2, o.epsilon, clip);
    case 'adamw':
      return new AdamW(lr, o.beta1, o.beta2, o.epsilon, o.weightDecay, clip);
    case 'adagrad':
      return new Adagrad(lr, o.initialAccumulatorValue, clip);
    case 'adadelta':
      return new Adadelta(lr, o.rho, o.epsilon, clip);
    case 'adamax':
      return new Adamax(lr, o.beta1, o.beta2, o.epsilon, clip);
  }
}
