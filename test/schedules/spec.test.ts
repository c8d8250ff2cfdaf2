import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ScheduleError,
  cosineDecay,
  exponentialDecay,
  joinSchedules,
  constant,
  scheduleFromSpec,
  checkScheduleSpec,
  type ScheduleSpec,
  type Schedule,
} from '../../src/schedules';

const STEPS = [0, 1, 3, 10, 25, 99, 100, 500];

test('scheduleFromSpec builds the same schedule as the factory (every name)', () => {
  const cases: Array<[ScheduleSpec, Schedule]> = [
    [{ name: 'constant', value: 0.1 }, constant({ value: 0.1 })],
    [
      { name: 'exponentialDecay', initial: 0.1, decayRate: 0.9, decaySteps: 10, staircase: true, per: 'batch' },
      exponentialDecay({ initial: 0.1, decayRate: 0.9, decaySteps: 10, staircase: true }),
    ],
    [
      { name: 'cosineDecay', initial: 0.1, decaySteps: 90, warmupSteps: 10 },
      cosineDecay({ initial: 0.1, decaySteps: 90, warmupSteps: 10 }),
    ],
    [
      {
        name: 'joinSchedules',
        pieces: [
          { schedule: { name: 'constant', value: 0.01 }, steps: 5 },
          { schedule: { name: 'exponentialDecay', initial: 0.1, decayRate: 0.5, decaySteps: 10 } },
        ],
      },
      joinSchedules([
        { schedule: constant({ value: 0.01 }), steps: 5 },
        { schedule: exponentialDecay({ initial: 0.1, decayRate: 0.5, decaySteps: 10 }) },
      ]),
    ],
  ];
  for (const [spec, factory] of cases) {
    const built = scheduleFromSpec(spec);
    assert.deepEqual(STEPS.map(built), STEPS.map(factory), spec.name);
  }
  for (const spec of [
    { name: 'stepDecay', initial: 0.1, factor: 0.5, every: 3 },
    { name: 'piecewiseConstant', boundaries: [1, 2], values: [3, 2, 1] },
    { name: 'polynomialDecay', initial: 0.1, decaySteps: 10 },
    { name: 'cosineDecayRestarts', initial: 0.1, firstDecaySteps: 10 },
    { name: 'oneCycle', maxLR: 0.1, totalSteps: 100 },
  ] as ScheduleSpec[]) {
    assert.equal(typeof scheduleFromSpec(spec)(3), 'number', spec.name);
  }
});

test('checkScheduleSpec fills defaults, including per: epoch', () => {
  const checked = checkScheduleSpec({ name: 'cosineDecay', initial: 0.1, decaySteps: 5 });
  assert.ok(checked.ok);
  assert.deepEqual(checked.value, {
    name: 'cosineDecay',
    initial: 0.1,
    decaySteps: 5,
    alpha: 0,
    warmupSteps: 0,
    warmupFrom: 0,
    per: 'epoch',
  });
});

test('bad specs list every problem with paths and suggestions', () => {
  const cases: Array<[unknown, string]> = [
    [
      { name: 'cosine', initial: 0.1 },
      "scheduleFromSpec: name: 'cosine' is not a known schedule; expected one of 'constant' | 'stepDecay' | 'exponentialDecay' | 'piecewiseConstant' | 'polynomialDecay' | 'cosineDecay' | 'cosineDecayRestarts' | 'oneCycle' | 'joinSchedules'. Did you mean 'cosineDecay'?",
    ],
    [
      { name: 'expDecay' },
      "scheduleFromSpec: name: 'expDecay' is not a known schedule; expected one of 'constant' | 'stepDecay' | 'exponentialDecay' | 'piecewiseConstant' | 'polynomialDecay' | 'cosineDecay' | 'cosineDecayRestarts' | 'oneCycle' | 'joinSchedules'.",
    ],
    [
      { name: 'stepDecay', initial: 0.1, factor: 0.5, every: 3, per: 'step' },
      "scheduleFromSpec: per: 'step' is not a known schedule unit; expected one of 'epoch' | 'batch'.",
    ],
    [
      { name: 'oneCycle', maxLr: 0.1, totalSteps: 100 },
      'scheduleFromSpec: 2 problems:\n' +
        '  - maxLR is required: a finite number.\n' +
        "  - maxLr is not a known option. Did you mean 'maxLR'?",
    ],
    [
      { name: 'piecewiseConstant', boundaries: [5, 1], values: [1, 2, 3] },
      'scheduleFromSpec: boundaries must increase strictly; boundaries[1] = 1 is not > 5.',
    ],
    [
      { name: 'joinSchedules', pieces: [{ schedule: { name: 'constant', value: -1 } }, { schedule: { name: 'constant', value: 1 } }] },
      'scheduleFromSpec: 2 problems:\n' +
        '  - pieces[0].schedule.value must be a number ≥ 0; received -1.\n' +
        '  - pieces[0].steps must be a finite number > 0; received nothing.',
    ],
    ['cosineDecay', "scheduleFromSpec: schedule spec must be an object {name, ...options} with a schedule name; received 'cosineDecay' (a string)."],
  ];
  for (const [spec, message] of cases) {
    assert.throws(
      () => scheduleFromSpec(spec as ScheduleSpec),
      (error: unknown) => {
        assert.ok(error instanceof ScheduleError);
        assert.equal(error.message, message);
        return true;
      },
    );
  }
});
