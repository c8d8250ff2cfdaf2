/** Run-time option checks of the chart builders, `show` and the chart callbacks: zod strict objects, the same words as defineConfig. */
import { z } from 'zod';
import type { Display } from '../display/types';
import { agree, anyNumber as num, anyObject, checkOptions, fn, type SchemaAgrees } from '../util/options';
import type { CompareRunsOptions } from './compareRuns';
import type { BoundaryData, DecisionBoundaryCallbackOptions, DecisionBoundaryOptions } from './decisionBoundary';
import { ChartError } from './errors';
import type { LiveChartOptions } from './liveChart';
import type { LossCurvesOptions } from './lossCurves';
import type { LossSurfaceOptions, Trajectory } from './lossSurface';
import type { LrFinderOptions } from './lrFinder';
import type { ScalingPlotOptions } from './scaling';
import type { ShowOptions } from './show';
import type { SweepResultsOptions } from './sweepResults';
import type { TimingBarsOptions } from './timingBars';
import type { SliderOptions } from './slider';

// Values and ranges are checked by each builder, with its own fix; these catch unknown keys and wrong types.
const title = { title: z.string().optional() };
const display = anyObject<Display>('a Display object (e.g. from getDisplay())').optional();
const strings = z.array(z.string()).optional();
const range = z.tuple([num, num]);
const boundary = {
  ...title,
  gridSize: num.optional(),
  probability: z.boolean().optional(),
  padding: num.optional(),
};

export const CHART_SCHEMAS = {
  'lossCurves': z.strictObject({ ...title, logY: z.boolean().optional(), showLR: z.boolean().optional(), metrics: strings, monitor: z.string().optional(), markBest: z.boolean().optional() }),
  'compareRuns': z.strictObject({ ...title, metric: z.string().optional(), showTrain: z.boolean().optional(), logY: z.boolean().optional(), maxParams: num.optional() }),
  'lrFinder': z.strictObject({ ...title, showRaw: z.boolean().optional() }),
  'sweepResults': z.strictObject({ ...title, metric: z.string().optional(), params: strings, kind: z.enum(['parcoords', 'scatter']).optional() }),
  'timingBars': z.strictObject({ ...title, unit: z.string().optional(), orientation: z.enum(['h', 'v']).optional(), sort: z.boolean().optional(), log: z.boolean().optional() }),
  'scalingPlot': z.strictObject({ ...title, xTitle: z.string().optional(), yTitle: z.string().optional(), fit: z.boolean().optional(), referenceSlope: num.optional() }),
  'lossSurface': z.strictObject({
    ...title,
    f: fn as unknown as z.ZodType<(x: number, y: number) => number>,
    xRange: range,
    yRange: range,
    resolution: num.optional(),
    trajectories: z.array(anyObject<Trajectory>('a trajectory {name?, points}')).optional(),
    logZ: z.boolean().optional(),
    xTitle: z.string().optional(),
    yTitle: z.string().optional(),
  }),
  'slider': z.strictObject({ ...title, setting: z.string().optional(), metrics: strings, logY: z.boolean().optional(), active: num.optional() }),
  show: z.strictObject({ display, outDir: z.string().optional(), maxRows: num.optional() }),
  liveChart: z.strictObject({
    ...title,
    updateEveryMs: num.optional(),
    granularity: z.enum(['epoch', 'batch']).optional(),
    logY: z.boolean().optional(),
    metrics: strings,
    display,
    writeFileOutsideNotebook: z.boolean().optional(),
    now: (fn as unknown as z.ZodType<() => number>).optional(),
  }),
  'decisionBoundary': z.strictObject(boundary),
  decisionBoundaryCallback: z.strictObject({
    ...boundary,
    data: anyObject<BoundaryData>('the 2-D data {x, y} whose boundary is drawn'),
    every: num.optional(),
    display,
    writeFileOutsideNotebook: z.boolean().optional(),
  }),
} as const;

type Schemas = typeof CHART_SCHEMAS;
agree<SchemaAgrees<LossCurvesOptions, Schemas['lossCurves']>>();
agree<SchemaAgrees<CompareRunsOptions, Schemas['compareRuns']>>();
agree<SchemaAgrees<LrFinderOptions, Schemas['lrFinder']>>();
agree<SchemaAgrees<SweepResultsOptions, Schemas['sweepResults']>>();
agree<SchemaAgrees<TimingBarsOptions, Schemas['timingBars']>>();
agree<SchemaAgrees<ScalingPlotOptions, Schemas['scalingPlot']>>();
agree<SchemaAgrees<LossSurfaceOptions, Schemas['lossSurface']>>();
agree<SchemaAgrees<SliderOptions, Schemas['slider']>>();
agree<SchemaAgrees<ShowOptions, Schemas['show']>>();
agree<SchemaAgrees<LiveChartOptions, Schemas['liveChart']>>();
agree<SchemaAgrees<DecisionBoundaryOptions, Schemas['decisionBoundary']>>();
agree<SchemaAgrees<DecisionBoundaryCallbackOptions, Schemas['decisionBoundaryCallback']>>();

/** Throws a ChartError listing every unknown key and wrongly typed field of `options`. */
export function checkChartOptions<T>(component: keyof Schemas, options: T): T {
  return checkOptions(component, CHART_SCHEMAS[component], options, (message, issues) => new ChartError(message, issues));
}
