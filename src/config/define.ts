import * as tf from '@tensorflow/tfjs';
import { createOptimizer } from '../optimizers/create';
import { checkOptimizerSpec, clipConflictIssue, type OptimizerSpec } from '../optimizers/spec';
import { checkScheduleSpec } from '../schedules/spec';
import { attachDisplay } from '../display/protocol';
import { showConfig } from './display';
import { ConfigError, describe, fromZodIssues, type ValidationIssue } from './issues';
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
  const moved: Record<string, number> = {};
  if (raw.optimizer !== undefined) {
    const checked = checkOptimizerSpec(raw.optimizer, 'optimizer');
    if (!checked.ok) issues.push(...checked.issues);
    else optimizer = normaliseOptimizer(raw.optimizer as OptimizerSpec, moved);
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
  const clips = CLIP_KEYS.filter((k) => raw[k] !== undefined || moved[k] !== undefined);
  // Two clipping options inside the optimizer object are already reported by checkOptimizerSpec.
  if (clips.length > 1 && CLIP_KEYS.filter((k) => moved[k] !== undefined).length < 2) {
    issues.push(clipConflictIssue(clips, ''));
  }

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

  const out: Record<string, unknown> = { ...parsed.data, optimizer };
  for (const key of MOVED_KEYS) if (moved[key] !== undefined) out[key] = moved[key];
  if (lrSchedule !== undefined) out.lrSchedule = lrSchedule;
  else delete out.lrSchedule;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  Object.defineProperty(out, 'toJSON', { value: configToJSON, enumerable: false });
  // A config left as a cell's last value shows its summary table (hidden from JSON and deep equality).
  attachDisplay(out as unknown as TrainingConfig, showConfig);
  return deepFreeze(out) as unknown as TrainingConfig;
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
