/** Run-time option checks of the callbacks (unknown keys, wrong types): one schema per callback, one wording. */
import { z } from 'zod';
import { checkOptions, fn } from '../util/options';
import { CallbackError } from './errors';

// Any number here: finiteness and ranges are checked by each callback, with its own fix.
const num = z.custom<number>((v) => typeof v === 'number', { message: 'must be a number' });

const monitorShape = {
  monitor: z.string().optional(),
  mode: z.string().optional(),
  minDelta: num.optional(),
};
const verbose = z.union([z.literal(0), z.literal(1)]).optional();

export const CALLBACK_SCHEMAS = {
  earlyStopping: z.strictObject({ ...monitorShape, patience: num.optional(), baseline: num.optional(), restoreBestWeights: z.boolean().optional(), startFromEpoch: num.optional(), verbose }),
  reduceLROnPlateau: z.strictObject({ ...monitorShape, factor: num.optional(), patience: num.optional(), cooldown: num.optional(), minLR: num.optional(), verbose }),
  modelCheckpoint: z.strictObject({ ...monitorShape, path: z.string().min(1), saveBestOnly: z.boolean().optional(), verbose }),
  csvLogger: z.strictObject({ append: z.boolean().optional(), overwrite: z.boolean().optional(), separator: z.string().optional() }),
  terminateOnNaN: z.strictObject({ verbose: z.boolean().optional() }),
  learningRateScheduler: z.strictObject({ per: z.enum(['epoch', 'batch']).optional(), verbose, initialStep: num.optional() }),
  progressBar: z.strictObject({ display: z.custom((v) => typeof v === 'object' && v !== null, { message: 'must be a Display object' }).optional(), stream: z.custom((v) => typeof v === 'object' && v !== null, { message: 'must be a stream with write(text)' }).optional(), maxUpdatesPerSecond: num.optional(), width: num.optional(), now: fn.optional() }),
} as const;

/** Throws a CallbackError listing every unknown key and wrongly typed field of `options`. */
export function checkCallbackOptions<T>(component: keyof typeof CALLBACK_SCHEMAS, options: T): T {
  return checkOptions(component, CALLBACK_SCHEMAS[component], options, (message, issues) => new CallbackError(message, issues));
}
