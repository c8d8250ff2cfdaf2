import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ScheduleError,
  constant,
  cosineDecay,
  cosineDecayRestarts,
  exponentialDecay,
  fromProgress,
  joinSchedules,
  oneCycle,
  piecewiseConstant,
  polynomialDecay,
  stepDecay,
  type Schedule,
} from '../../src/schedules';

const { cos, PI, floor, min } = Math;

function close(actual: number, expected: number, label: string, tol = 1e-12): void {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol * scale, `${label}: got ${actual}, expected ${expected}`);
}

function checkTable(name: string, schedule: Schedule, expected: (step: number) => number, steps: number[]): void {
  for (const step of steps) close(schedule(step), expected(step), `${name} at step ${step}`);
}

const STEPS = [0, 1, 2, 3, 5, 7, 9, 10, 11, 15, 20, 29, 30, 31, 50, 99, 100, 101, 250, 1000];

test('schedules match their closed forms (table-driven)', () => {
  const cases: Array<[string, Schedule, (s: number) => number]> = [
    ['constant', constant({ value: 0.3 }), () => 0.3],
    ['stepDecay', stepDecay({ initial: 0.1, factor: 0.5, every: 10 }), (s) => 0.1 * 0.5 ** floor(s / 10)],
    [
      'exponentialDecay smooth',
      exponentialDecay({ initial: 0.1, decayRate: 0.96, decaySteps: 100 }),
      (s) => 0.1 * 0.96 ** (s / 100),
    ],
    [
      'exponentialDecay staircase',
      exponentialDecay({ initial: 0.1, decayRate: 0.5, decaySteps: 10, staircase: true }),
      (s) => 0.1 * 0.5 ** floor(s / 10),
    ],
    [
      'polynomialDecay linear',
      polynomialDecay({ initial: 0.1, end: 0.01, decaySteps: 100 }),
      (s) => (0.1 - 0.01) * (1 - min(s, 100) / 100) + 0.01,
    ],
    [
      'polynomialDecay power 2 default end',
      polynomialDecay({ initial: 1, decaySteps: 50, power: 2 }),
      (s) => (1 - 0.0001) * (1 - min(s, 50) / 50) ** 2 + 0.0001,
    ],
    [
      'polynomialDecay cycle',
      polynomialDecay({ initial: 1, end: 0, decaySteps: 10, cycle: true }),
      (s) => {
        const period = 10 * Math.max(1, Math.ceil(s / 10));
        return 1 - s / period;
      },
    ],
    [
      'cosineDecay (no warmup)',
      cosineDecay({ initial: 0.1, decaySteps: 100, alpha: 0.1 }),
      (s) => 0.1 * (0.9 * 0.5 * (1 + cos(PI * min(s / 100, 1))) + 0.1),
    ],
    [
      'cosineDecay with warmup',
      cosineDecay({ initial: 0.1, decaySteps: 90, warmupSteps: 10, warmupFrom: 0.01 }),
      (s) => (s < 10 ? 0.01 + (0.1 - 0.01) * (s / 10) : 0.1 * 0.5 * (1 + cos(PI * min((s - 10) / 90, 1)))),
    ],
    [
      'cosineDecayRestarts tMul 1',
      cosineDecayRestarts({ initial: 1, firstDecaySteps: 10, tMul: 1, mMul: 0.5 }),
      (s) => {
        const i = floor(s / 10);
        const frac = s / 10 - i;
        return 0.5 ** i * 0.5 * (1 + cos(PI * frac));
      },
    ],
  ];
  for (const [name, schedule, expected] of cases) checkTable(name, schedule, expected, STEPS);
});

test('cosineDecayRestarts with tMul 2: periods of 10, 20, 40 steps restart at the peak', () => {
  const s = cosineDecayRestarts({ initial: 1, firstDecaySteps: 10, alpha: 0.2 });
  // Period boundaries 0, 10, 30, 70: the value jumps back to 1 there.
  const cases: Array<[number, number]> = [
    [0, 1],
    [5, 0.2 + 0.8 * 0.5 * (1 + cos(PI * 0.5))],
    [10, 1],
    [20, 0.2 + 0.8 * 0.5 * (1 + cos(PI * 0.5))],
    [30, 1],
    [40, 0.2 + 0.8 * 0.5 * (1 + cos(PI * 0.25))],
    [70, 1],
  ];
  for (const [step, expected] of cases) close(s(step), expected, `step ${step}`, 1e-9);
  assert.ok(s(29.9) < 0.21, 'just before a restart the rate is near alpha * initial');
});

test('piecewiseConstant uses Keras boundaries: values[i] while step <= boundaries[i]', () => {
  const s = piecewiseConstant({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
  const cases: Array<[number, number]> = [
    [0, 1],
    [10, 1],
    [10.5, 0.5],
    [11, 0.5],
    [20, 0.5],
    [21, 0.1],
    [1e6, 0.1],
  ];
  for (const [step, expected] of cases) assert.equal(s(step), expected, `step ${step}`);
});

test('oneCycle matches PyTorch OneCycleLR (cos anneal, two phases)', () => {
  const maxLR = 0.1;
  const total = 100;
  const s = oneCycle({ maxLR, totalSteps: total });
  const start = maxLR / 25;
  const end = start / 1e4;
  const peak = 0.3 * total - 1; // 29
  const anneal = (a: number, b: number, pct: number) => b + ((a - b) / 2) * (cos(PI * pct) + 1);
  checkTable(
    'oneCycle',
    s,
    (step) =>
      step <= peak ? anneal(start, maxLR, step / peak) : anneal(maxLR, end, min((step - peak) / (total - 1 - peak), 1)),
    [0, 1, 10, 28, 29, 30, 50, 98, 99, 150],
  );
  close(s(0), 0.004, 'starts at maxLR / divFactor');
  close(s(29), 0.1, 'peaks at maxLR at step pctStart * total - 1');
  close(s(99), 4e-7, 'ends at maxLR / divFactor / finalDivFactor');
  close(s(150), 4e-7, 'holds the final value after totalSteps');
});

test('joinSchedules: warmup then decay, later pieces see steps relative to their start', () => {
  const warm = fromProgress({ totalSteps: 5, at: (pos) => 0.1 * pos });
  const decay = exponentialDecay({ initial: 0.1, decayRate: 0.5, decaySteps: 10 });
  const s = joinSchedules([{ schedule: warm, steps: 5 }, { schedule: decay }]);
  const cases: Array<[number, number]> = [
    [0, 0],
    [1, 0.02],
    [4, 0.08],
    [5, 0.1],
    [15, 0.05],
    [25, 0.025],
  ];
  for (const [step, expected] of cases) close(s(step), expected, `step ${step}`, 1e-12);
  const three = joinSchedules([
    { schedule: constant({ value: 1 }), steps: 2 },
    { schedule: (k) => 10 + k, steps: 3 },
    { schedule: (k) => 100 + k },
  ]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map(three), [1, 1, 10, 11, 12, 100, 101]);
});

test('fromProgress clamps progress at 1 after totalSteps', () => {
  const s = fromProgress({ totalSteps: 10, at: (pos) => 1 - pos });
  assert.deepEqual([0, 5, 10, 20].map(s), [1, 0.5, 0, 0]);
});

test('schedules are pure: same step, same value, in any order', () => {
  const s = cosineDecayRestarts({ initial: 0.5, firstDecaySteps: 7 });
  const forward = [0, 3, 9, 20, 50].map(s);
  const backward = [50, 20, 9, 3, 0].map(s).reverse();
  assert.deepEqual(forward, backward);
});

type BadCase = [name: string, build: () => unknown, message: string];

test('bad options throw ScheduleError naming the field, the value and what is allowed', () => {
  const cases: BadCase[] = [
    ['constant NaN', () => constant({ value: NaN }), 'constant: value must be a finite number; received NaN.'],
    ['constant negative', () => constant({ value: -1 }), 'constant: value must be a number ≥ 0; received -1.'],
    [
      'stepDecay factor > 1',
      () => stepDecay({ initial: 0.1, factor: 2, every: 10 }),
      'stepDecay: factor must be a number ≤ 1; received 2.',
    ],
    [
      'stepDecay every 0',
      () => stepDecay({ initial: 0.1, factor: 0.5, every: 0 }),
      'stepDecay: every must be a number > 0; received 0.',
    ],
    [
      'exponentialDecay Infinity',
      () => exponentialDecay({ initial: Infinity, decayRate: 0.5, decaySteps: 1 }),
      'exponentialDecay: initial must be a finite number; received Infinity.',
    ],
    [
      'exponentialDecay typo in key',
      () => exponentialDecay({ initial: 0.1, decayRate: 0.5, decaySteps: 1, stairCase: true } as never),
      "exponentialDecay: stairCase is not a known option. Did you mean 'staircase'?",
    ],
    [
      'cosineDecay missing decaySteps',
      () => cosineDecay({ initial: 0.1 } as never),
      'cosineDecay: decaySteps is required: a finite number.',
    ],
    [
      'cosineDecay alpha > 1',
      () => cosineDecay({ initial: 0.1, decaySteps: 10, alpha: 2 }),
      'cosineDecay: alpha must be a number ≤ 1; received 2.',
    ],
    [
      'cosineDecayRestarts tMul < 1',
      () => cosineDecayRestarts({ initial: 0.1, firstDecaySteps: 10, tMul: 0.5 }),
      'cosineDecayRestarts: tMul must be a number ≥ 1; received 0.5.',
    ],
    [
      'oneCycle non-integer totalSteps',
      () => oneCycle({ maxLR: 0.1, totalSteps: 10.5 }),
      'oneCycle: totalSteps must be an integer; received 10.5.',
    ],
    [
      'oneCycle pctStart 1',
      () => oneCycle({ maxLR: 0.1, totalSteps: 10, pctStart: 1 }),
      'oneCycle: pctStart must be a number < 1; received 1.',
    ],
    [
      'polynomialDecay string',
      () => polynomialDecay({ initial: '0.1', decaySteps: 10 } as never),
      "polynomialDecay: initial must be a finite number; received '0.1' (a string).",
    ],
    ['options missing', () => stepDecay(undefined as never), 'stepDecay: options must be an object; received nothing.'],
    [
      'joinSchedules missing steps',
      () => joinSchedules([{ schedule: constant({ value: 1 }) }, { schedule: constant({ value: 2 }) }]),
      'joinSchedules: [0].steps must be a finite number > 0; received nothing.',
    ],
    ['joinSchedules empty', () => joinSchedules([]), 'joinSchedules: expects a non-empty array of {schedule, steps}; received [] (an array).'],
    [
      'fromProgress bad totalSteps',
      () => fromProgress({ totalSteps: 0, at: (p) => p }),
      'fromProgress: totalSteps must be a finite number > 0; received 0.',
    ],
  ];
  for (const [name, build, message] of cases) {
    assert.throws(build, (error: unknown) => {
      assert.ok(error instanceof ScheduleError, `${name}: not a ScheduleError`);
      assert.equal(error.message, message, name);
      return true;
    });
  }
});

test('piecewiseConstant reports length and order problems together', () => {
  assert.throws(
    () => piecewiseConstant({ boundaries: [10, 5, 20], values: [1, 2, 3] }),
    (error: unknown) => {
      assert.ok(error instanceof ScheduleError);
      assert.deepEqual(
        error.issues.map((i) => i.path),
        ['values', 'boundaries[1]'],
      );
      assert.equal(
        error.message,
        'piecewiseConstant: 2 problems:\n' +
          '  - values must have one more entry than boundaries (4); received 3.\n' +
          '  - boundaries must increase strictly; boundaries[1] = 5 is not > 10.',
      );
      return true;
    },
  );
});

test('a schedule rejects negative, NaN and infinite steps', () => {
  const s = constant({ value: 1 });
  for (const step of [-1, NaN, Infinity]) {
    assert.throws(() => s(step), /constant: step must be a finite number ≥ 0; received/);
  }
});

test('shape invariants: warmup rises, decays never rise, values stay within their bounds', () => {
  const steps = Array.from({ length: 400 }, (_, i) => i * 0.75);
  const monotone = (s: Schedule, from: number, to: number, direction: 1 | -1, label: string) => {
    const xs = steps.filter((k) => k >= from && k <= to);
    for (let i = 1; i < xs.length; i++) {
      const d = (s(xs[i]) - s(xs[i - 1])) * direction;
      assert.ok(d >= -1e-15, `${label}: not ${direction > 0 ? 'rising' : 'falling'} between ${xs[i - 1]} and ${xs[i]}`);
    }
  };
  const bounded = (s: Schedule, lo: number, hi: number, label: string) => {
    for (const k of steps) assert.ok(s(k) >= lo - 1e-15 && s(k) <= hi + 1e-15, `${label} at ${k}: ${s(k)} outside [${lo}, ${hi}]`);
  };
  const cos = cosineDecay({ initial: 0.1, decaySteps: 200, warmupSteps: 50, alpha: 0.05 });
  monotone(cos, 0, 50, 1, 'cosineDecay warmup');
  monotone(cos, 50, 300, -1, 'cosineDecay decay');
  bounded(cos, 0, 0.1, 'cosineDecay');
  const cycle = oneCycle({ maxLR: 0.2, totalSteps: 250, pctStart: 0.25 });
  monotone(cycle, 0, 61.5, 1, 'oneCycle up');
  monotone(cycle, 61.5, 300, -1, 'oneCycle down');
  bounded(cycle, 0.2 / 25 / 1e4, 0.2, 'oneCycle');
  for (const [label, s] of [
    ['stepDecay', stepDecay({ initial: 1, factor: 0.7, every: 13 })],
    ['exponentialDecay', exponentialDecay({ initial: 1, decayRate: 0.9, decaySteps: 7 })],
    ['polynomialDecay', polynomialDecay({ initial: 1, end: 0.1, decaySteps: 100, power: 3 })],
  ] as Array<[string, Schedule]>) {
    monotone(s, 0, 300, -1, label);
    bounded(s, 0, 1, label);
  }
  bounded(polynomialDecay({ initial: 1, end: 0.1, decaySteps: 100 }), 0.1, 1, 'polynomialDecay floor');
  bounded(cosineDecayRestarts({ initial: 1, firstDecaySteps: 20, alpha: 0.1, mMul: 0.9 }), 0.1 * 0.9 ** 5, 1, 'cosineDecayRestarts');
});
