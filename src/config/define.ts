import * as tf from '@tensorflow/tfjs';
import { createOptimizer } from '../optimizers/create';
import { checkOptimizerSpec, clipConflictIssue, decayProductIssue, DEFAULT_LEARNING_RATES, type OptimizerSpec } from '../optimizers/spec';
import { checkScheduleSpec } from '../schedules/spec';
import { attachDisplay } from '../display/protocol';
import { showConfig } from './display';
import { ConfigError, describe, enumIssue, fromZodIssues, type ValidationIssue } from './issues';
import { LOSS_NAMES, METRIC_NAMES } from './losses';
import {
  CONFIG_KEYS,
  trainingConfigSchema,
  type TrainingConfig,
  type TrainingConfigInput,
} from './schema';

const CLIP_KEYS = ['clipNorm', 'clipValue', 'globalClipNorm'] as const;
const MOVED_KEYS = ['learningRate', ...CLIP_KEYS] as const;

/**
 * Validates a (partial) training config and returns it complete, with defaults, deeply
 * frozen. Every problem is reported at once in one `ConfigError` (`.issues` lists them).
 *
 * Normal form: a learning rate or clipping option given inside an `optimizer` object is
 * moved to the top level (giving it in both places with different values is an error), so
 * `defineConfig(JSON.parse(JSON.stringify(cfg)))` deep-equals `cfg`. `validationData`
 * holds tensors and is left out of the JSON form (pass it again after loading).
 *
 * @example defineConfig({optimizer: 'adamw', learningRate: 3e-4, epochs: 20, validationSplit: 0.2})
 */
export function defineConfig(input: TrainingConfigInput = {}): TrainingConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError('defineConfig', [
      {
        path: '',
        received: input,
        expected: 'an object of config fields',
        message: `expects an object of config fields (or nothing); received ${describe(input)}.`,
      },
    ]);
  }
  const raw = input as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  const parsed = trainingConfigSchema.safeParse(input);
  if (!parsed.success) issues.push(...fromZodIssues(parsed.error.issues, input, trainingConfigSchema));

  let optimizer: OptimizerSpec = 'adam';
  let weightDecay: number | undefined;
  const moved: Record<string, number> = {};
  if (raw.optimizer !== undefined) {
    const checked = checkOptimizerSpec(raw.optimizer, 'optimizer');
    if (!checked.ok) issues.push(...checked.issues);
    else {
      optimizer = normaliseOptimizer(raw.optimizer as OptimizerSpec, moved);
      if (checked.value.name === 'adamw') weightDecay = checked.value.weightDecay;
    }
  }
  for (const key of MOVED_KEYS) {
    const inner = moved[key];
    if (inner !== undefined && raw[key] !== undefined && raw[key] !== inner) {
      issues.push({
        path: `optimizer.${key}`,
        received: inner,
        expected: `the same value as ${key} (${describe(raw[key])}) or only one of the two`,
        message: `optimizer.${key} (${inner}) disagrees with ${key} (${describe(raw[key])}). Set ${key} in one place.`,
      });
    }
  }
  // AdamW's decay against the learning rate the optimizer will be built with (createOptimizer's rule, reported here with the config's paths).
  const rate = typeof raw.learningRate === 'number' ? raw.learningRate : moved.learningRate ?? DEFAULT_LEARNING_RATES.adamw;
  if (weightDecay !== undefined && parsed.success) {
    const decay = decayProductIssue(rate, weightDecay, { path: 'optimizer.weightDecay', learningRate: raw.learningRate !== undefined || moved.learningRate !== undefined ? 'learningRate' : 'the default learningRate' });
    if (decay !== undefined) issues.push(decay);
  }
  const clips = CLIP_KEYS.filter((k) => raw[k] !== undefined || moved[k] !== undefined);
  // Two clipping options inside the optimizer object are already reported by checkOptimizerSpec.
  if (clips.length > 1 && CLIP_KEYS.filter((k) => moved[k] !== undefined).length < 2) {
    issues.push(clipConflictIssue(clips, ''));
  }

  issues.push(...nameIssues(raw));

  let lrSchedule: unknown;
  if (raw.lrSchedule !== undefined) {
    const checked = checkScheduleSpec(raw.lrSchedule, 'lrSchedule');
    if (!checked.ok) issues.push(...checked.issues);
    else lrSchedule = checked.value;
  }

  if (raw.validationSplit !== undefined && raw.validationData !== undefined) {
    issues.push({
      path: 'validationData',
      received: raw.validationData,
      expected: 'validationSplit or validationData, not both',
      message: `validationData and validationSplit (${describe(raw.validationSplit)}) are both set; use one: validationSplit holds out part of the training data, validationData is a separate [x, y].`,
    });
  }

  if (issues.length > 0 || !parsed.success) throw new ConfigError('defineConfig', orderByField(issues));

  // One table of default learning rates, shared with createOptimizer (learningRate is the first field).
  const defaultRate = DEFAULT_LEARNING_RATES[(typeof optimizer === 'string' ? optimizer : optimizer.name) as keyof typeof DEFAULT_LEARNING_RATES];
  const out: Record<string, unknown> = { learningRate: defaultRate, ...parsed.data, optimizer };
  if (out.learningRate === undefined) out.learningRate = defaultRate;
  for (const key of MOVED_KEYS) if (moved[key] !== undefined) out[key] = moved[key];
  if (lrSchedule !== undefined) out.lrSchedule = lrSchedule;
  else delete out.lrSchedule;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  Object.defineProperty(out, 'toJSON', { value: configToJSON, enumerable: false });
  Object.defineProperty(out, GIVEN, { value: Object.freeze(statedKeys(input)), enumerable: false });
  // A config left as a cell's last value shows its summary table (hidden from JSON and deep equality).
  attachDisplay(out as unknown as TrainingConfig, showConfig);
  return deepFreeze(out) as unknown as TrainingConfig;
}

/** Unknown loss and metric names, with the did-you-mean the enum messages give. */
function nameIssues(raw: Record<string, unknown>): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const loss = raw.loss;
  const check = (path: string, v: unknown) => {
    if (typeof v === 'string' && !(LOSS_NAMES as readonly string[]).includes(v)) out.push(enumIssue(path, v, LOSS_NAMES, 'loss'));
  };
  if (Array.isArray(loss)) loss.forEach((v, i) => check(`loss[${i}]`, v));
  else if (typeof loss === 'object' && loss !== null) for (const [k, v] of Object.entries(loss)) check(`loss.${k}`, v);
  else check('loss', loss);
  if (Array.isArray(raw.metrics)) {
    raw.metrics.forEach((v, i) => {
      if (typeof v === 'string' && !(METRIC_NAMES as readonly string[]).includes(v)) out.push(enumIssue(`metrics[${i}]`, v, METRIC_NAMES, 'metric'));
    });
  }
  return out;
}

const GIVEN = Symbol('trainlab.givenConfigKeys');

/**
 * The top-level fields a config states rather than defaults: for a `defineConfig` result,
 * the ones it was given; for a plain object, the ones present whose value differs from the
 * default (so a spread `{...config, epochs: 5}` states only what it changes). `train` keeps
 * a compiled model's loss, metrics and optimizer unless the config states them.
 */
export function givenKeys(input: unknown): string[] {
  if (input === null || typeof input !== 'object') return [];
  const marked = (input as { [GIVEN]?: readonly string[] })[GIVEN];
  if (marked !== undefined) return [...marked];
  const raw = input as Record<string, unknown>;
  const keys = Object.keys(raw).filter((k) => raw[k] !== undefined && !isDefaultValue(k, raw[k], raw));
  // A learning rate or clipping option inside an optimizer object is stated too.
  if (typeof raw.optimizer === 'object' && raw.optimizer !== null) {
    for (const k of MOVED_KEYS) if ((raw.optimizer as Record<string, unknown>)[k] !== undefined && !keys.includes(k)) keys.push(k);
  }
  return keys;
}

/**
 * The fields `defineConfig` was given: every key typed into a fresh object; for a spread of
 * a complete config (every defaulted field present) only the ones that differ from defaults.
 */
function statedKeys(input: unknown): string[] {
  if (input === null || typeof input !== 'object') return [];
  const raw = input as Record<string, unknown>;
  const spread = ['batchSize', 'epochs', 'optimizer', 'metrics', 'shuffle', 'regularization', 'earlyStopping', 'recompile'].every((k) => k in raw);
  if (spread || (input as { [GIVEN]?: unknown })[GIVEN] !== undefined) return givenKeys(input);
  const keys = Object.keys(raw).filter((k) => raw[k] !== undefined);
  if (typeof raw.optimizer === 'object' && raw.optimizer !== null) {
    for (const k of MOVED_KEYS) if ((raw.optimizer as Record<string, unknown>)[k] !== undefined && !keys.includes(k)) keys.push(k);
  }
  return keys;
}

function isDefaultValue(key: string, value: unknown, raw: Record<string, unknown>): boolean {
  if (key === 'learningRate') {
    const name = typeof raw.optimizer === 'string' ? raw.optimizer : typeof raw.optimizer === 'object' && raw.optimizer !== null ? (raw.optimizer as { name?: unknown }).name : 'adam';
    return value === DEFAULT_LEARNING_RATES[name as keyof typeof DEFAULT_LEARNING_RATES];
  }
  const field = (trainingConfigSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>)[key];
  if (field === undefined) return false;
  const fallback = field.safeParse(undefined);
  return fallback.success && fallback.data !== undefined && JSON.stringify(fallback.data) === JSON.stringify(value);
}

/** The optimizer spec without learning rate and clipping (they move to the config's top level). */
function normaliseOptimizer(spec: OptimizerSpec, moved: Record<string, number>): OptimizerSpec {
  if (typeof spec === 'string') return spec;
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if ((MOVED_KEYS as readonly string[]).includes(key) && typeof value === 'number') moved[key] = value;
    else if (value !== undefined) rest[key] = value;
  }
  return rest as unknown as OptimizerSpec;
}

function orderByField(issues: ValidationIssue[]): ValidationIssue[] {
  const rank = (issue: ValidationIssue) => {
    const top = issue.path.split(/[.[]/)[0];
    const i = (CONFIG_KEYS as readonly string[]).indexOf(top);
    return i === -1 ? CONFIG_KEYS.length : i;
  };
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || a.index - b.index)
    .map((x) => x.issue);
}

/** JSON form of a config: everything but `validationData` (tensors). */
function configToJSON(this: Record<string, unknown>): Record<string, unknown> {
  const { validationData: _omitted, ...rest } = this;
  return rest;
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof tf.Tensor || Object.isFrozen(value)) {
    return value;
  }
  for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  return Object.freeze(value);
}

/**
 * The optimizer a config describes, with its learning rate and gradient clipping.
 * The caller owns it (dispose it, or let `model.dispose()` do so).
 */
export function optimizerFromConfig(config: TrainingConfig): tf.Optimizer {
  const spec = config.optimizer;
  const base = typeof spec === 'string' ? { name: spec } : { ...spec };
  return createOptimizer({
    ...base,
    learningRate: config.learningRate,
    ...(config.clipNorm !== undefined ? { clipNorm: config.clipNorm } : {}),
    ...(config.clipValue !== undefined ? { clipValue: config.clipValue } : {}),
    ...(config.globalClipNorm !== undefined ? { globalClipNorm: config.globalClipNorm } : {}),
  } as OptimizerSpec);
}
