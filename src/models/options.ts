/** Run-time option checks of the model builders and `summary`: zod strict objects, the same words as defineConfig. */
import { z } from 'zod';
import { agree, anyNumber as num, anyObject, checkOptions, type SchemaAgrees } from '../util/options';
import type { Display } from '../display/types';
import type { Activation, OutputSpec } from './common';
import type { CnnOptions } from './cnn';
import type { MlpOptions } from './mlp';
import type { SummaryOptions } from './summary';
import { ModelError } from './errors';

/** The activation names tfjs layers accept (tfjs-layers' ActivationIdentifier). */
export const ACTIVATIONS = ['elu', 'hardSigmoid', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign', 'tanh', 'swish', 'mish', 'gelu', 'gelu_new'] as const satisfies readonly Activation[];
agree<[Activation] extends [(typeof ACTIVATIONS)[number]] ? true : false>();

const activation = z.enum(ACTIVATIONS).optional();
// The forms are told apart (with their own fix) by outputLayerArgs.
const output = z.custom<OutputSpec>((v) => typeof v === 'string' || (typeof v === 'object' && v !== null), { message: "must be 'regression', 'binary', {classes: k} or {units, activation}" });
// Whole numbers >= 1 are checked by normalizeInputShape, with its own fix.
const inputShape = z.custom<number | number[]>((v) => typeof v === 'number' || Array.isArray(v), {
  message: 'must be a positive whole number or an array of them (without the batch axis), e.g. inputShape: [2] for 2 features',
});
const layerSizes = z.array(num).optional();
const common = { activation, dropout: num.optional(), l1: num.optional(), l2: num.optional(), batchNorm: z.boolean().optional(), seed: num.optional(), name: z.string().optional() };

export const MODEL_SCHEMAS = {
  'models.mlp': z.strictObject({ ...common, inputShape, hidden: layerSizes, output }),
  'models.cnn': z.strictObject({
    ...common,
    inputShape: inputShape as unknown as z.ZodType<[number, number, number]>,
    filters: layerSizes,
    kernelSize: num.optional(),
    pool: num.optional(),
    padding: z.enum(['same', 'valid']).optional(),
    dense: layerSizes,
    classes: num.optional(),
    output: output.optional(),
  }),
  summary: z.strictObject({ show: z.boolean().optional(), display: anyObject<Display>('a Display object').optional() }),
} as const;

agree<SchemaAgrees<MlpOptions, (typeof MODEL_SCHEMAS)['models.mlp']>>();
agree<SchemaAgrees<CnnOptions, (typeof MODEL_SCHEMAS)['models.cnn']>>();
agree<SchemaAgrees<SummaryOptions, (typeof MODEL_SCHEMAS)['summary']>>();

/** Throws a ModelError listing every unknown key and wrongly typed field of `options`. */
export function checkModelOptions<T>(component: keyof typeof MODEL_SCHEMAS, options: T): T {
  return checkOptions(component, MODEL_SCHEMAS[component], options, (message, issues) => new ModelError(message, issues));
}
