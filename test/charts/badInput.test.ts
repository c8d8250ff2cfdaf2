import { charts } from '../../src';
import { ChartError } from '../../src/charts';
import { badInputSuite, type BadInput } from '../helpers/badInput';

const make = (name: string, run: () => unknown, field: string, message?: RegExp): BadInput => ({ name, run, error: ChartError, field, message });
const rows = [{ loss: 1, val_loss: 1.2 }, { loss: 0.5, val_loss: 0.9 }];
const lrResult = { lrs: [1e-4, 1e-3, 1e-2], losses: [1, 0.8, 2] };
const surface = { f: (x: number, y: number) => x * x + y * y, xRange: [-1, 1] as [number, number], yRange: [-1, 1] as [number, number] };
const noModel = { predict: () => { throw new Error('options are checked first'); } };

badInputSuite('charts bad input', [
  make('lossCurves(run, {logy})', () => charts.lossCurves(rows, { logy: true } as never), 'logy', /Did you mean 'logY'/),
  make("lossCurves(run, {metrics: 'loss'})", () => charts.lossCurves(rows, { metrics: 'loss' as never }), 'metrics'),
  make("lossCurves(run, 'Title') positional", () => charts.lossCurves(rows, 'Title' as never), '', /must be an options object/),
  make('compareRuns(runs, {metirc})', () => charts.compareRuns([rows, rows], { metirc: 'loss' } as never), 'metirc', /Did you mean 'metric'/),
  make("compareRuns(runs, {maxParams: '4'})", () => charts.compareRuns([rows, rows], { maxParams: '4' as never }), 'maxParams'),
  make('lrFinder(result, {showRaws})', () => charts.lrFinder(lrResult, { showRaws: false } as never), 'showRaws', /Did you mean 'showRaw'/),
  make('sweepResults(rows, {kind: "bar"})', () => charts.sweepResults([{ lr: 0.1, loss: 1 }], { kind: 'bar' as never }), 'kind', /expected one of 'parcoords' \| 'scatter'/),
  make('sweepResults(rows, {param})', () => charts.sweepResults([{ lr: 0.1, loss: 1 }], { param: ['lr'] } as never), 'param', /Did you mean 'params'/),
  make('timingBars(items, {orientaton})', () => charts.timingBars({ cpu: 1 }, { orientaton: 'v' } as never), 'orientaton', /Did you mean 'orientation'/),
  make("timingBars(items, {orientation: 'x'})", () => charts.timingBars({ cpu: 1 }, { orientation: 'x' as never }), 'orientation'),
  make('scalingPlot(points, {referenceSlop})', () => charts.scalingPlot([{ x: 1, y: 1 }, { x: 2, y: 2 }], { referenceSlop: 1 } as never), 'referenceSlop', /Did you mean 'referenceSlope'/),
  make('scalingPlot(points, {fit: "yes"})', () => charts.scalingPlot([{ x: 1, y: 1 }, { x: 2, y: 2 }], { fit: 'yes' as never }), 'fit'),
  make('lossSurface({resolutoin})', () => charts.lossSurface({ ...surface, resolutoin: 30 } as never), 'resolutoin', /Did you mean 'resolution'/),
  make('lossSurface({xRange: 5})', () => charts.lossSurface({ ...surface, xRange: 5 as never }), 'xRange'),
  make('lossSurface(f) positional', () => charts.lossSurface(surface.f as never), '', /must be an options object/),
  make('show(fig, {maxRow})', () => charts.show(charts.lossCurves(rows), { maxRow: 10 } as never), 'maxRow', /Did you mean 'maxRows'/),
  make('show(fig, {outDir: 3})', () => charts.show(charts.lossCurves(rows), { outDir: 3 as never }), 'outDir'),
  make('liveChart({updateEvery})', () => charts.liveChart({ updateEvery: 100 } as never), 'updateEvery', /Did you mean 'updateEveryMs'/),
  make('liveChart({metrics: "acc"})', () => charts.liveChart({ metrics: 'acc' as never }), 'metrics'),
  make('liveChart(500) positional', () => charts.liveChart(500 as never), '', /must be an options object/),
  make('new LiveChart({granularty})', () => new charts.LiveChart({ granularty: 'batch' } as never), 'granularty', /Did you mean 'granularity'/),
  make('decisionBoundary(model, data, {gridsize})', () => charts.decisionBoundary(noModel as never, {} as never, { gridsize: 50 } as never), 'gridsize', /Did you mean 'gridSize'/),
  make('decisionBoundary(model, data, {probability: 1})', () => charts.decisionBoundary(noModel as never, {} as never, { probability: 1 as never }), 'probability'),
  make('decisionBoundaryCallback({evry})', () => charts.decisionBoundaryCallback({ data: {} as never, evry: 5 } as never), 'evry', /Did you mean 'every'/),
  make('decisionBoundaryCallback without data', () => charts.decisionBoundaryCallback({ every: 5 } as never), 'data'),
]);
