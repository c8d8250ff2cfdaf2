/** Learning-rate schedules: pure functions `(step) => lr` and their JSON specs. */
export {
  constant,
  stepDecay,
  exponentialDecay,
  piecewiseConstant,
  polynomialDecay,
  cosineDecay,
  cosineDecayRestarts,
  oneCycle,
  joinSchedules,
  fromProgress,
  ScheduleError,
} from './schedules';
export type {
  Schedule,
  SchedulePiece,
  FromProgressOptions,
  ConstantOptions,
  StepDecayOptions,
  ExponentialDecayOptions,
  PiecewiseConstantOptions,
  PolynomialDecayOptions,
  CosineDecayOptions,
  CosineDecayRestartsOptions,
  OneCycleOptions,
} from './schedules';
export { scheduleFromSpec, checkScheduleSpec, scheduleSpecSchemas, SCHEDULE_NAMES, SCHEDULE_UNITS } from './spec';
export type {
  ScheduleSpec,
  ScheduleSpecPiece,
  JoinSchedulesSpec,
  ResolvedScheduleSpec,
  ScheduleName,
  ScheduleUnit,
} from './spec';
