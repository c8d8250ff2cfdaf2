/**
 * JSON specs for schedules, so a config holding a schedule stays JSON-serialisable:
 * `{name: 'cosineDecay', initial: 0.01, decaySteps: 1000, per: 'batch'}`.
 */
import { z } from 'zod';
import type { DeepReadonly } from '../config/readonly';
import { describe, enumIssue, fromZodIssues, joinPath, type ValidationIssue } from '../config/issues';
import {
  ScheduleError,
  constant,
  constantSchema,
  cosineDecay,
  cosineDecayRestarts,
  cosineDecayRestartsSchema,
  cosineDecaySchema,
  exponentialDecay,
  exponentialDecaySchema,
  joinSchedules,
  oneCycle,
  oneCycleSchema,
  piecewiseConstant,
  piecewiseConstantSchema,
  polynomialDecay,
  polynomialDecaySchema,
  stepDecay,
  stepDecaySchema,
  type Schedule,
} from './schedules';

/** When a schedule's step advances: once per epoch (Keras LearningRateScheduler) or once per batch. */
export const SCHEDULE_UNITS = ['epoch', 'batch'] as const;
export type ScheduleUnit = (typeof SCHEDULE_UNITS)[number];

const per = {
  /** Whether `step` counts epochs or batches. Defaults to 'epoch'. */
  per: z.enum(SCHEDULE_UNITS).default('epoch'),
};

/** Spec schemas by schedule name (options of the factory plus `name` and `per`). */
export const scheduleSpecSchemas = {
  constant: constantSchema.extend({ name: z.literal('constant'), ...per }),
  stepDecay: stepDecaySchema.extend({ name: z.literal('stepDecay'), ...per }),
  exponentialDecay: exponentialDecaySchema.extend({ name: z.literal('exponentialDecay'), ...per }),
  piecewiseConstant: piecewiseConstantSchema.extend({ name: z.literal('piecewiseConstant'), ...per }),
  polynomialDecay: polynomialDecaySchema.extend({ name: z.literal('polynomialDecay'), ...per }),
  cosineDecay: cosineDecaySchema.extend({ name: z.literal('cosineDecay'), ...per }),
  cosineDecayRestarts: cosineDecayRestartsSchema.extend({ name: z.literal('cosineDecayRestarts'), ...per }),
  oneCycle: oneCycleSchema.extend({ name: z.literal('oneCycle'), ...per }),
} as const;

type SpecSchemas = typeof scheduleSpecSchemas;
type SimpleName = keyof SpecSchemas;

/** Names accepted in a schedule spec. */
export const SCHEDULE_NAMES = [...(Object.keys(scheduleSpecSchemas) as SimpleName[]), 'joinSchedules'] as const;
export type ScheduleName = SimpleName | 'joinSchedules';

/** One piece of a `joinSchedules` spec. */
export interface ScheduleSpecPiece {
  /** The piece's schedule (its `per` is ignored; the outer spec's applies). */
  schedule: ScheduleSpec;
  /** How many steps the piece lasts; required on all pieces but the last. */
  steps?: number;
}

/** `{name: 'joinSchedules', pieces: [...]}`: schedules run one after another. */
export interface JoinSchedulesSpec {
  name: 'joinSchedules';
  pieces: ScheduleSpecPiece[];
  /** Whether `step` counts epochs or batches. Defaults to 'epoch'. */
  per?: ScheduleUnit;
}

/** A schedule as JSON: `{name, ...factory options, per?}`. */
export type ScheduleSpec = { [K in SimpleName]: z.input<SpecSchemas[K]> }[SimpleName] | JoinSchedulesSpec;

/** A spec with every default filled in (`per` included). */
export type ResolvedScheduleSpec =
  | { [K in SimpleName]: z.output<SpecSchemas[K]> }[SimpleName]
  | (Omit<JoinSchedulesSpec, 'per' | 'pieces'> & {
      per: ScheduleUnit;
      pieces: Array<{ schedule: ResolvedScheduleSpec; steps?: number }>;
    });

/** Validates a spec and fills in defaults; returns the issues found (paths prefixed with `prefix`). */
export function checkScheduleSpec(
  spec: unknown,
  prefix = '',
): { ok: true; value: ResolvedScheduleSpec } | { ok: false; issues: ValidationIssue[] } {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    const expected = '{name, ...options} with a schedule name';
    return {
      ok: false,
      issues: [
        {
          path: prefix,
          received: spec,
          expected,
          message: `${prefix === '' ? 'schedule spec' : prefix} must be an object ${expected}; received ${describe(spec)}.`,
        },
      ],
    };
  }
  const name = (spec as { name?: unknown }).name;
  if (typeof name !== 'string' || !(SCHEDULE_NAMES as readonly string[]).includes(name)) {
    return { ok: false, issues: [enumIssue(joinPath(prefix, 'name'), name, SCHEDULE_NAMES, 'schedule')] };
  }
  if (name === 'joinSchedules') return checkJoin(spec as Record<string, unknown>, prefix);
  const schema = scheduleSpecSchemas[name as SimpleName];
  const result = schema.safeParse(spec);
  if (!result.success) return { ok: false, issues: fromZodIssues(result.error.issues, spec, schema, prefix) };
  // Cross-field rules (e.g. piecewise lengths) live in the factory: build once to check them.
  try {
    build(result.data as ResolvedScheduleSpec);
  } catch (error) {
    if (error instanceof ScheduleError) {
      return {
        ok: false,
        issues: error.issues.map((i) => ({ ...i, path: joinPath(prefix, i.path), message: prefixMessage(prefix, i) })),
      };
    }
    throw error;
  }
  return { ok: true, value: result.data as ResolvedScheduleSpec };
}

function prefixMessage(prefix: string, issue: ValidationIssue): string {
  if (prefix === '' || issue.path === '' || !issue.message.startsWith(issue.path)) return issue.message;
  return joinPath(prefix, issue.path) + issue.message.slice(issue.path.length);
}

function checkJoin(
  spec: Record<string, unknown>,
  prefix: string,
): { ok: true; value: ResolvedScheduleSpec } | { ok: false; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const known = ['name', 'pieces', 'per'];
  for (const key of Object.keys(spec)) {
    if (!known.includes(key)) {
      const path = joinPath(prefix, key);
      issues.push({
        path,
        received: spec[key],
        expected: known.join(' | '),
        message: `${path} is not a known option. Known options: ${known.join(', ')}.`,
      });
    }
  }
  const unit = spec.per ?? 'epoch';
  if (!(SCHEDULE_UNITS as readonly unknown[]).includes(unit)) {
    issues.push(enumIssue(joinPath(prefix, 'per'), unit, SCHEDULE_UNITS, 'per'));
  }
  const pieces = spec.pieces;
  const resolved: Array<{ schedule: ResolvedScheduleSpec; steps?: number }> = [];
  if (!Array.isArray(pieces) || pieces.length === 0) {
    const path = joinPath(prefix, 'pieces');
    issues.push({
      path,
      received: pieces,
      expected: 'a non-empty array of {schedule, steps}',
      message: `${path} must be a non-empty array of {schedule, steps}; received ${describe(pieces)}.`,
    });
  } else {
    pieces.forEach((piece: unknown, i: number) => {
      const path = joinPath(prefix, `pieces[${i}]`);
      const p = (piece ?? {}) as { schedule?: unknown; steps?: unknown };
      const inner = checkScheduleSpec(p.schedule, joinPath(path, 'schedule'));
      if (inner.ok) resolved.push({ schedule: inner.value, ...(p.steps !== undefined ? { steps: p.steps as number } : {}) });
      else issues.push(...inner.issues);
      const last = i === pieces.length - 1;
      const stepsOk = typeof p.steps === 'number' && Number.isFinite(p.steps) && p.steps > 0;
      if ((!last || p.steps !== undefined) && !stepsOk) {
        const stepsPath = joinPath(path, 'steps');
        issues.push({
          path: stepsPath,
          received: p.steps,
          expected: 'a finite number > 0',
          message: `${stepsPath} must be a finite number > 0${last ? ' (or left out on the last piece)' : ''}; received ${describe(p.steps)}.`,
        });
      }
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { name: 'joinSchedules', per: unit as ScheduleUnit, pieces: resolved } };
}

function build(spec: ResolvedScheduleSpec): Schedule {
  switch (spec.name) {
    case 'constant':
      return constant(optionsOf(spec));
    case 'stepDecay':
      return stepDecay(optionsOf(spec));
    case 'exponentialDecay':
      return exponentialDecay(optionsOf(spec));
    case 'piecewiseConstant':
      return piecewiseConstant(optionsOf(spec));
    case 'polynomialDecay':
      return polynomialDecay(optionsOf(spec));
    case 'cosineDecay':
      return cosineDecay(optionsOf(spec));
    case 'cosineDecayRestarts':
      return cosineDecayRestarts(optionsOf(spec));
    case 'oneCycle':
      return oneCycle(optionsOf(spec));
    case 'joinSchedules':
      return joinSchedules(spec.pieces.map((p) => ({ schedule: build(p.schedule), steps: p.steps })));
  }
}

/** Strips `name` and `per`: the factories' strict schemas do not accept them. */
function optionsOf<T extends { name: string; per?: string }>(spec: T): Omit<T, 'name' | 'per'> {
  const { name: _name, per: _per, ...options } = spec;
  return options;
}

/**
 * Builds the schedule a JSON spec describes. `per` is not part of the schedule: whoever
 * steps it (e.g. the learning-rate scheduler callback) reads it from the spec.
 *
 * @example scheduleFromSpec({name: 'cosineDecay', initial: 0.01, decaySteps: 100, warmupSteps: 5})
 */
export function scheduleFromSpec(spec: ScheduleSpec | DeepReadonly<ScheduleSpec>): Schedule {
  const checked = checkScheduleSpec(spec);
  if (!checked.ok) throw new ScheduleError('scheduleFromSpec', checked.issues);
  return build(checked.value);
}

