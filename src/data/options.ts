/** Run-time option checks of the data helpers: zod strict objects, the same words as defineConfig. */
import { z } from 'zod';
import { checkOptions, fn } from '../util/options';
import { DataError } from './errors';

// Any number: ranges are checked by each helper with its own fix.
const num = z.custom<number>((v) => typeof v === 'number', { message: 'must be a number' });
const target = z.enum(['oneHot', 'index']).optional();
const generated = { n: num.optional(), seed: num.optional() };
const stream = { batchSize: num.optional(), shuffle: z.union([z.boolean(), num]).optional(), seed: num.optional() };

export const DATA_SCHEMAS = {
  'datasets.spirals': z.strictObject({ ...generated, target, classes: num.optional(), noise: num.optional() }),
  'datasets.moons': z.strictObject({ ...generated, target, noise: num.optional() }),
  'datasets.circles': z.strictObject({ ...generated, target, noise: num.optional(), factor: num.optional() }),
  'datasets.xor': z.strictObject({ ...generated, target, noise: num.optional() }),
  'datasets.shapes': z.strictObject({ ...generated, target, size: num.optional(), classes: z.array(z.string()).optional(), noise: num.optional() }),
  'datasets.regression': z.strictObject({ ...generated, fn: fn.optional(), range: z.tuple([num, num]).optional(), noise: num.optional(), outliers: num.optional(), outlierScale: num.optional() }),
  'datasets.randomLabels': z.strictObject({ seed: num.optional(), fraction: num.optional() }),
  'datasets.load': z.strictObject({ missing: z.enum(['drop', 'impute']).optional(), oneHotCategorical: z.boolean().optional(), target }),
  'datasets.fromCSV': z.strictObject({ ...stream, label: z.string(), features: z.array(z.string()).optional(), classes: z.array(z.string()).optional(), target: z.enum(['value', 'index', 'oneHot']).optional(), numClasses: num.optional(), delimiter: z.string().length(1).optional(), chunkBytes: num.optional() }),
  'datasets.fromArrays': z.strictObject(stream),
  'datasets.fromGenerator': z.strictObject(stream),
  splitData: z.strictObject({ validation: num.optional(), test: num.optional(), seed: num.optional(), stratify: z.boolean().optional() }),
} as const;

/** Throws a DataError listing every unknown key and wrongly typed field of `options`. */
export function checkDataOptions<T>(component: keyof typeof DATA_SCHEMAS, options: T): T {
  return checkOptions(component, DATA_SCHEMAS[component], options, (message, issues) => new DataError(message, issues));
}
