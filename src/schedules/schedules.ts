/**
 * Learning-rate schedules: pure functions `(step) => lr`, built by factories that take one
 * options object and validate it at once. Semantics follow keras.optimizers.schedules
 * (and PyTorch's OneCycleLR for `oneCycle`); `step` counts updates (or epochs) already done,
 * starting at 0.
 */
import { z } from 'zod';
import { parseOrThrow, ValidationError, type ValidationIssue, describe } from '../config/issues';
import type { Named } from '../util/named';

/** A learning-rate schedule: step (0, 1, 2, ...) → learning rate. */
export type Schedule = (step: number) => number;

/** Thrown for invalid schedule options or steps. */
export class ScheduleError extends ValidationError {
  constructor(component: string, issues: ValidationIssue[]) {
    super(component, issues);
    this.name = 'ScheduleError';
  }
}

// Building blocks shared by the option schemas (also used by config's lrSchedule specs).
const positive = z.number().positive();
const nonNegative = z.number().min(0);
const positiveSteps = z.number().positive();
const fraction = z.number().min(0).max(1);

/** Options of {@link constant}. */
export const constantSchema = z.strictObject({
  /** The learning rate returned at every step (≥ 0). */
  value: nonNegative,
});

/** Options of {@link stepDecay}. */
export const stepDecaySchema = z.strictObject({
  /** Learning rate at step 0 (> 0). */
  initial: positive,
  /** Multiplier applied every `every` steps, in (0, 1]. */
  factor: z.number().positive().max(1),
  /** Number of steps between two drops (> 0). */
  every: positiveSteps,
});

/** Options of {@link exponentialDecay}. */
export const exponentialDecaySchema = z.strictObject({
  /** Learning rate at step 0 (> 0). */
  initial: positive,
  /** Multiplier reached after `decaySteps` steps, in (0, 1]. */
  decayRate: z.number().positive().max(1),
  /** Steps over which the rate is multiplied by `decayRate` (> 0). */
  decaySteps: positiveSteps,
  /** Decay in discrete jumps (`floor(step / decaySteps)`) instead of smoothly. Defaults to false. */
  staircase: z.boolean().default(false),
});

/** Options of {@link piecewiseConstant}. */
export const piecewiseConstantSchema = z.strictObject({
  /** Increasing step boundaries; `values[i]` applies while `step <= boundaries[i]` (Keras). */
  boundaries: z.array(nonNegative).min(1),
  /** One more value than boundaries, each ≥ 0. */
  values: z.array(nonNegative).min(2),
});

/** Options of {@link polynomialDecay}. */
export const polynomialDecaySchema = z.strictObject({
  /** Learning rate at step 0 (> 0). */
  initial: positive,
  /** Learning rate reached at `decaySteps` (≥ 0). Defaults to 0.0001 (Keras). */
  end: nonNegative.default(0.0001),
  /** Steps to go from `initial` to `end` (> 0). */
  decaySteps: positiveSteps,
  /** Exponent of the polynomial (> 0). Defaults to 1 (linear). */
  power: positive.default(1),
  /** Restart the decay (with a longer period: the next multiple of decaySteps) after `decaySteps`. Defaults to false. */
  cycle: z.boolean().default(false),
});

/** Options of {@link cosineDecay}. */
export const cosineDecaySchema = z.strictObject({
  /** Peak learning rate: reached after the warmup, then decayed (> 0). */
  initial: positive,
  /** Steps of the cosine decay after the warmup (> 0). */
  decaySteps: positiveSteps,
  /** Final learning rate as a fraction of `initial`, in [0, 1]. Defaults to 0. */
  alpha: fraction.default(0),
  /** Steps of linear warmup from `warmupFrom` to `initial` (≥ 0). Defaults to 0 (no warmup). */
  warmupSteps: nonNegative.default(0),
  /** Learning rate at step 0 when warming up (≥ 0). Defaults to 0. */
  warmupFrom: nonNegative.default(0),
});

/** Options of {@link cosineDecayRestarts}. */
export const cosineDecayRestartsSchema = z.strictObject({
  /** Learning rate at the start of the first period (> 0). */
  initial: positive,
  /** Length of the first period in steps (> 0). */
  firstDecaySteps: positiveSteps,
  /** Each period is `tMul` times longer than the previous one (≥ 1). Defaults to 2. */
  tMul: z.number().min(1).default(2),
  /** Each restart starts at `mMul` times the previous peak (> 0). Defaults to 1. */
  mMul: positive.default(1),
  /** Minimum learning rate as a fraction of the period's peak, in [0, 1]. Defaults to 0. */
  alpha: fraction.default(0),
});

/** Options of {@link oneCycle}. */
export const oneCycleSchema = z.strictObject({
  /** Peak learning rate (> 0). */
  maxLR: positive,
  /** Total number of steps of the cycle (an integer ≥ 2). */
  totalSteps: z.number().int().min(2),
  /** Fraction of the steps spent increasing the rate, in (0, 1). Defaults to 0.3 (PyTorch). */
  pctStart: z.number().gt(0).lt(1).default(0.3),
  /** Start at `maxLR / divFactor` (> 0). Defaults to 25. */
  divFactor: positive.default(25),
  /** End at `maxLR / divFactor / finalDivFactor` (> 0). Defaults to 10000. */
  finalDivFactor: positive.default(1e4),
});

// `& Named`: TypeScript names these types in errors instead of printing the schema's expansion.
export type ConstantOptions = z.input<typeof constantSchema> & Named;
export type StepDecayOptions = z.input<typeof stepDecaySchema> & Named;
export type ExponentialDecayOptions = z.input<typeof exponentialDecaySchema> & Named;
export type PiecewiseConstantOptions = z.input<typeof piecewiseConstantSchema> & Named;
export type PolynomialDecayOptions = z.input<typeof polynomialDecaySchema> & Named;
export type CosineDecayOptions = z.input<typeof cosineDecaySchema> & Named;
export type CosineDecayRestartsOptions = z.input<typeof cosineDecayRestartsSchema> & Named;
export type OneCycleOptions = z.input<typeof oneCycleSchema> & Named;

function parse<S extends z.ZodType>(component: string, schema: S, options: unknown): z.output<S> {
  return parseOrThrow(schema, options, (issues) => new ScheduleError(component, issues));
}

/** Wraps a schedule body with a check that `step` is a finite number ≥ 0. */
function schedule(component: string, body: (step: number) => number): Schedule {
  return (step: number) => {
    if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
      throw new ScheduleError(component, [
        {
          path: 'step',
          received: step,
          expected: 'a finite number ≥ 0',
          message: `step must be a finite number ≥ 0; received ${describe(step)}.`,
        },
      ]);
    }
    return body(step);
  };
}

/** The same learning rate at every step. */
export function constant(options: ConstantOptions): Schedule {
  const { value } = parse('constant', constantSchema, options);
  return schedule('constant', () => value);
}

/** `initial * factor ^ floor(step / every)`: drops by `factor` every `every` steps. */
export function stepDecay(options: StepDecayOptions): Schedule {
  const { initial, factor, every } = parse('stepDecay', stepDecaySchema, options);
  return schedule('stepDecay', (step) => initial * factor ** Math.floor(step / every));
}

/** `initial * decayRate ^ (step / decaySteps)` (exponent floored when `staircase`), as Keras ExponentialDecay. */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const { initial, decayRate, decaySteps, staircase } = parse('exponentialDecay', exponentialDecaySchema, options);
  return schedule('exponentialDecay', (step) => {
    const p = step / decaySteps;
    return initial * decayRate ** (staircase ? Math.floor(p) : p);
  });
}

/**
 * Constant pieces, as Keras PiecewiseConstantDecay: `values[0]` while `step <= boundaries[0]`,
 * `values[i]` while `boundaries[i-1] < step <= boundaries[i]`, the last value after.
 */
export function piecewiseConstant(options: PiecewiseConstantOptions): Schedule {
  const { boundaries, values } = parse('piecewiseConstant', piecewiseConstantSchema, options);
  const issues: ValidationIssue[] = [];
  if (values.length !== boundaries.length + 1) {
    issues.push({
      path: 'values',
      received: values,
      expected: `an array of ${boundaries.length + 1} numbers`,
      message: `values must have one more entry than boundaries (${boundaries.length + 1}); received ${values.length}.`,
    });
  }
  for (let i = 1; i < boundaries.length; i++) {
    if (!(boundaries[i] > boundaries[i - 1])) {
      issues.push({
        path: `boundaries[${i}]`,
        received: boundaries[i],
        expected: `a number > ${boundaries[i - 1]}`,
        message: `boundaries must increase strictly; boundaries[${i}] = ${boundaries[i]} is not > ${boundaries[i - 1]}.`,
      });
    }
  }
  if (issues.length > 0) throw new ScheduleError('piecewiseConstant', issues);
  return schedule('piecewiseConstant', (step) => {
    for (let i = 0; i < boundaries.length; i++) if (step <= boundaries[i]) return values[i];
    return values[values.length - 1];
  });
}

/**
 * `(initial - end) * (1 - step / decaySteps) ^ power + end`, as Keras PolynomialDecay:
 * holds `end` after `decaySteps`, or with `cycle` restarts with the period stretched to the
 * next multiple of `decaySteps`.
 */
export function polynomialDecay(options: PolynomialDecayOptions): Schedule {
  const { initial, end, decaySteps, power, cycle } = parse('polynomialDecay', polynomialDecaySchema, options);
  return schedule('polynomialDecay', (step) => {
    let period = decaySteps;
    let s = step;
    if (cycle) period = decaySteps * Math.max(1, Math.ceil(step / decaySteps));
    else s = Math.min(step, decaySteps);
    return (initial - end) * (1 - s / period) ** power + end;
  });
}

/**
 * Linear warmup from `warmupFrom` to `initial` over `warmupSteps`, then cosine decay to
 * `alpha * initial` over `decaySteps`, held after. Keras CosineDecay with
 * `initial_learning_rate = warmupFrom` and `warmup_target = initial` when warming up.
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  const { initial, decaySteps, alpha, warmupSteps, warmupFrom } = parse('cosineDecay', cosineDecaySchema, options);
  return schedule('cosineDecay', (step) => {
    if (step < warmupSteps) return warmupFrom + (initial - warmupFrom) * (step / warmupSteps);
    const done = Math.min(Math.max((step - warmupSteps) / decaySteps, 0), 1);
    const cosine = 0.5 * (1 + Math.cos(Math.PI * done));
    return initial * ((1 - alpha) * cosine + alpha);
  });
}

/**
 * Cosine decay with warm restarts (SGDR), as Keras CosineDecayRestarts: period i lasts
 * `firstDecaySteps * tMul^i` steps and starts at `initial * mMul^i`.
 */
export function cosineDecayRestarts(options: CosineDecayRestartsOptions): Schedule {
  const { initial, firstDecaySteps, tMul, mMul, alpha } = parse(
    'cosineDecayRestarts',
    cosineDecayRestartsSchema,
    options,
  );
  return schedule('cosineDecayRestarts', (step) => {
    let done = step / firstDecaySteps;
    let restarts: number;
    if (tMul === 1) {
      restarts = Math.floor(done);
      done -= restarts;
    } else {
      restarts = Math.floor(Math.log(1 - done * (1 - tMul)) / Math.log(tMul));
      const before = (1 - tMul ** restarts) / (1 - tMul);
      done = (done - before) / tMul ** restarts;
    }
    const cosine = 0.5 * mMul ** restarts * (1 + Math.cos(Math.PI * done));
    return initial * ((1 - alpha) * cosine + alpha);
  });
}

/**
 * One-cycle policy as PyTorch OneCycleLR (`anneal_strategy='cos'`, two phases): cosine
 * from `maxLR / divFactor` up to `maxLR` until step `pctStart * totalSteps - 1`, then
 * cosine down to `maxLR / divFactor / finalDivFactor` at step `totalSteps - 1`; held after
 * (PyTorch raises there instead).
 */
export function oneCycle(options: OneCycleOptions): Schedule {
  const { maxLR, totalSteps, pctStart, divFactor, finalDivFactor } = parse('oneCycle', oneCycleSchema, options);
  const start = maxLR / divFactor;
  const min = start / finalDivFactor;
  const peakStep = pctStart * totalSteps - 1;
  const lastStep = totalSteps - 1;
  const anneal = (from: number, to: number, pct: number) => to + ((from - to) / 2) * (Math.cos(Math.PI * pct) + 1);
  return schedule('oneCycle', (step) => {
    if (step <= peakStep) return anneal(start, maxLR, peakStep <= 0 ? 1 : step / peakStep);
    const pct = Math.min((step - peakStep) / (lastStep - peakStep), 1);
    return anneal(maxLR, min, pct);
  });
}

/** One piece of {@link joinSchedules}. */
export interface SchedulePiece {
  /** The schedule of this piece; it sees steps counted from the piece's start. */
  schedule: Schedule;
  /** How many steps this piece lasts (> 0). Required on every piece but the last, which runs on. */
  steps?: number;
}

/**
 * Runs schedules one after another (warmup then decay, as optax.join_schedules): piece i
 * covers `steps` steps and is called with the step relative to its own start.
 */
export function joinSchedules(pieces: readonly SchedulePiece[]): Schedule {
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(pieces) || pieces.length === 0) {
    throw new ScheduleError('joinSchedules', [
      {
        path: '',
        received: pieces,
        expected: 'a non-empty array of {schedule, steps}',
        message: `expects a non-empty array of {schedule, steps}; received ${describe(pieces)}.`,
      },
    ]);
  }
  pieces.forEach((piece, i) => {
    if (piece === null || typeof piece !== 'object' || typeof piece.schedule !== 'function') {
      issues.push({
        path: `[${i}].schedule`,
        received: piece?.schedule,
        expected: 'a schedule function',
        message: `[${i}].schedule must be a schedule function (step) => lr; received ${describe(piece?.schedule)}.`,
      });
    }
    const last = i === pieces.length - 1;
    const steps = piece?.steps;
    const stepsOk = typeof steps === 'number' && Number.isFinite(steps) && steps > 0;
    if ((!last || steps !== undefined) && !stepsOk) {
      issues.push({
        path: `[${i}].steps`,
        received: steps,
        expected: 'a finite number > 0',
        message: `[${i}].steps must be a finite number > 0${last ? ' (or left out on the last piece)' : ''}; received ${describe(steps)}.`,
      });
    }
  });
  if (issues.length > 0) throw new ScheduleError('joinSchedules', issues);
  const starts: number[] = [];
  let total = 0;
  for (const piece of pieces) {
    starts.push(total);
    total += piece.steps ?? Infinity;
  }
  return schedule('joinSchedules', (step) => {
    let i = pieces.length - 1;
    while (i > 0 && step < starts[i]) i--;
    return pieces[i].schedule(step - starts[i]);
  });
}

/** Options of {@link fromProgress}. */
export interface FromProgressOptions {
  /** Number of steps that make up the whole run (progress 1). */
  totalSteps: number;
  /** Learning rate as a function of progress `pos` in [0, 1] (fastai style). */
  at: (pos: number) => number;
}

/**
 * A schedule written over training progress: `at(min(step / totalSteps, 1))`.
 * E.g. `fromProgress({totalSteps: 1000, at: (pos) => 0.1 * (1 - pos)})`.
 */
export function fromProgress(options: FromProgressOptions): Schedule {
  const issues: ValidationIssue[] = [];
  const totalSteps = options?.totalSteps;
  const at = options?.at;
  if (typeof totalSteps !== 'number' || !Number.isFinite(totalSteps) || totalSteps <= 0) {
    issues.push({
      path: 'totalSteps',
      received: totalSteps,
      expected: 'a finite number > 0',
      message: `totalSteps must be a finite number > 0; received ${describe(totalSteps)}.`,
    });
  }
  if (typeof at !== 'function') {
    issues.push({
      path: 'at',
      received: at,
      expected: 'a function (pos) => lr',
      message: `at must be a function (pos) => lr with pos in [0, 1]; received ${describe(at)}.`,
    });
  }
  if (issues.length > 0) throw new ScheduleError('fromProgress', issues);
  return schedule('fromProgress', (step) => at(Math.min(step / totalSteps, 1)));
}
