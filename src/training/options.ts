/** Run-time option checks of train, findLearningRate and sweep: zod strict objects, the same words as defineConfig. */
import { z } from 'zod';
import type { Display } from '../display/types';
import { CALLBACK_SCHEMAS } from '../callbacks/options';
import type { ValidationIssue } from '../util/errors';
import { agree, anyNumber as num, anyObject, fn, optionIssues, type SchemaAgrees } from '../util/options';
import type { FindLearningRateOptions } from './lrFinder';
import type { SweepOptions } from './sweep';
import type { TrainOptions } from './train';

const callbacks = z.custom<NonNullable<TrainOptions['callbacks']>>((v) => Array.isArray(v) && v.every((c) => typeof c === 'object' && c !== null), {
  message: "must be an array of callbacks (trainlab's, any tf.Callback, or {onEpochEnd, ...} objects), e.g. [earlyStopping()]",
});

export const TRAINING_OPTION_SCHEMAS = {
  train: z.strictObject({
    callbacks: callbacks.optional(),
    progress: z.union([z.boolean(), CALLBACK_SCHEMAS.progressBar]).optional(),
    stopOnNaN: z.boolean().optional(),
    onBusy: z.enum(['stop', 'wait']).optional(),
    augment: (fn as unknown as z.ZodType<NonNullable<TrainOptions['augment']>>).optional(),
  }),
  findLearningRate: z.strictObject({
    startLR: num.optional(),
    endLR: num.optional(),
    numSteps: num.optional(),
    divergeFactor: num.optional(),
    beta: num.optional(),
    // Checked by defineConfig, with its own words.
    config: anyObject<NonNullable<FindLearningRateOptions['config']>>('a training config object').optional(),
    seed: num.optional(),
  }),
  sweep: z.strictObject({
    seed: num.optional(),
    progress: z.boolean().optional(),
    display: anyObject<Display>('a Display object (e.g. from getDisplay())').optional(),
    callbacks: (fn as unknown as z.ZodType<NonNullable<SweepOptions['callbacks']>>).optional(),
    workers: num.optional(),
    workerModules: z.array(z.string()).optional(),
    workerIdleMs: num.optional(),
    keepModels: z.boolean().optional(),
  }),
} as const;

type Schemas = typeof TRAINING_OPTION_SCHEMAS;
agree<SchemaAgrees<TrainOptions, Schemas['train']>>();
agree<SchemaAgrees<FindLearningRateOptions, Schemas['findLearningRate']>>();
agree<SchemaAgrees<SweepOptions, Schemas['sweep']>>();

/** Unknown keys and wrongly typed fields of `options` as issues on `options.<field>`, reported with the call's other problems. */
export function trainingOptionIssues(component: keyof Schemas, options: unknown): ValidationIssue[] {
  return optionIssues(TRAINING_OPTION_SCHEMAS[component], options, 'options');
}
