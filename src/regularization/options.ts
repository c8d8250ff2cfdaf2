/**
 * Options of the augmentation and weight-penalty helpers: one zod strict schema each (the
 * same tool and words as defineConfig), and the public option types derived from them.
 */
import { z } from 'zod';
import type { Named } from '../util/named';
import { anyNumber as num, checkOptions } from '../util/options';
import { RegularizationError } from './errors';

// Ranges are checked by each helper, with its own fix.
const seed = {
  /** Makes the draws repeatable. Defaults to none (drawn from Math.random). */
  seed: num.optional(),
};

export const REGULARIZATION_SCHEMAS = {
  gaussianNoise: z.strictObject({
    /** Standard deviation of the zero-mean noise (>= 0). Required. */
    stddev: num,
    ...seed,
  }),
  mixup: z.strictObject({
    /** Beta(alpha, alpha) concentration of the mixing weights (> 0); 0.2-0.4 is typical. Defaults to `0.2`. */
    alpha: num.optional(),
    ...seed,
  }),
  randomFlip: z.strictObject({
    /** Which flips to draw, each with probability ½ per image. Defaults to `'horizontal'`. */
    mode: z.enum(['horizontal', 'vertical', 'both']).optional(),
    ...seed,
  }),
  randomShift: z.strictObject({
    /** Largest shift as a fraction of height/width (in [0, 1)), drawn uniformly per image and axis. Defaults to `0.1`. */
    maxFraction: num.optional(),
    /** Value for the pixels shifted in. Defaults to `0`. */
    fill: num.optional(),
    ...seed,
  }),
  applyRegularization: z.strictObject({
    /** L1 factor: adds `l1 * sum(|w|)` per kernel. Defaults to `0`. */
    l1: num.optional(),
    /** L2 factor: adds `l2 * sum(w²)` per kernel (Keras convention, no ½). Defaults to `0`. */
    l2: num.optional(),
  }),
} as const;

type Schemas = typeof REGULARIZATION_SCHEMAS;
// `& Named`: TypeScript names these types in errors instead of printing the schema's expansion.
/** Options of {@link gaussianNoise}. */
export type GaussianNoiseOptions = z.input<Schemas['gaussianNoise']> & Named;
/** Options of {@link mixup}. */
export type MixupOptions = z.input<Schemas['mixup']> & Named;
/** Options of {@link randomFlip}. */
export type RandomFlipOptions = z.input<Schemas['randomFlip']> & Named;
/** Options of {@link randomShift}. */
export type RandomShiftOptions = z.input<Schemas['randomShift']> & Named;
/** Weight penalties added to the training loss. */
export type WeightPenalty = z.input<Schemas['applyRegularization']> & Named;

/** Throws a RegularizationError listing every unknown key and wrongly typed field of `options`. */
export function checkRegularizationOptions<T>(component: keyof Schemas, options: T, prefix = ''): T {
  return checkOptions(component, REGULARIZATION_SCHEMAS[component], options, (message, issues) => new RegularizationError(message, issues), prefix);
}
