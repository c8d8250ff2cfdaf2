import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { plotlyText } from './escape';
import { colour } from './palette';
import { displayableFigure } from './figureDisplay';
import { logAxis, numbersOf } from './ticks';
import type { Figure, Trace } from './types';

/** One measurement of a scaling experiment, e.g. `{x: batchSize, y: msPerStep, series: 'wasm'}`. */
export interface ScalingPoint {
  x: number;
  y: number;
  series?: string;
}

/** A power law `y = coefficient * x^slope` fitted on log-log axes. */
export interface PowerLawFit {
  /** Exponent: the slope of the line in log-log space. */
  slope: number;
  /** `y` at `x = 1`. */
  coefficient: number;
  /** Coefficient of determination of the log-log linear fit (1 = perfect). */
  r2: number;
  /** Evaluates the fitted law. */
  predict(x: number): number;
}

/**
 * Least-squares line through `(log x, log y)`: the exponent of a power law. Throws for
 * fewer than two points, non-positive values, or when all x are equal.
 */
export function fitPowerLaw(points: Array<{ x: number; y: number }>): PowerLawFit {
  if (!Array.isArray(points) || points.length < 2) {
    throw new ChartError(`fitPowerLaw: need at least 2 points, received ${describeValue(points)}.`);
  }
  points.forEach((p, i) => {
    if (!(p?.x > 0) || !(p.y > 0) || !Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      throw new ChartError(`fitPowerLaw: point ${i} is ${describeValue(p)}; x and y must be finite and > 0 on log-log axes.`);
    }
  });
  const lx = points.map((p) => Math.log(p.x));
  const ly = points.map((p) => Math.log(p.y));
  const n = points.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i] - mx) ** 2;
    sxy += (lx[i] - mx) * (ly[i] - my);
    syy += (ly[i] - my) ** 2;
  }
  if (sxx === 0) throw new ChartError('fitPowerLaw: every point has the same x; vary x to fit a slope.');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  const coefficient = Math.exp(intercept);
  return { slope, coefficient, r2, predict: (x: number) => coefficient * x ** slope };
}

/** Options of {@link scalingPlot}. */
export interface ScalingPlotOptions {
  /** Figure title. Defaults to `'Scaling'`. */
  title?: string;
  /** x axis title. Defaults to `'x'`. */
  xTitle?: string;
  /** y axis title. Defaults to `'y'`. */
  yTitle?: string;
  /** Draw the fitted power law of each series and its slope in the legend. Defaults to `true`. */
  fit?: boolean;
  /** Draw a reference line of this slope through each series' first point (e.g. 1 for linear). Defaults to none. */
  referenceSlope?: number;
}

/** Log-log plot of measurements per series with each series' fitted slope. */
export function scalingPlot(points: ScalingPoint[], options: ScalingPlotOptions = {}): Figure {
  checkChartOptions('scalingPlot', options);
  if (!Array.isArray(points) || points.length === 0) {
    throw new ChartError(`scalingPlot: points must be a non-empty array of {x, y, series?}, received ${describeValue(points)}.`);
  }
  points.forEach((p, i) => {
    if (!(p?.x > 0) || !(p.y > 0)) throw new ChartError(`scalingPlot: point ${i} is ${describeValue(p)}; x and y must be > 0 on log-log axes.`);
  });
  const names: Array<string | undefined> = [];
  for (const p of points) if (!names.includes(p.series)) names.push(p.series);
  const data: Trace[] = [];
  names.forEach((name, i) => {
    const ps = points.filter((p) => p.series === name).sort((a, b) => a.x - b.x);
    const c = colour(i);
    const label = plotlyText(name ?? 'measured');
    let legend = label;
    const canFit = (options.fit ?? true) && ps.length >= 2 && new Set(ps.map((p) => p.x)).size >= 2;
    if (canFit) {
      const fit = fitPowerLaw(ps);
      legend = `${label} (slope ${fit.slope.toFixed(2)})`;
      const xs = [ps[0].x, ps[ps.length - 1].x];
      data.push({ type: 'scatter', mode: 'lines', name: `${label} fit`, showlegend: false, legendgroup: `s${i}`, x: xs, y: xs.map(fit.predict), line: { color: c, dash: 'dash', width: 1.5 }, hovertemplate: `slope ${fit.slope.toFixed(3)}, R² ${fit.r2.toFixed(3)}<extra></extra>` });
    }
    data.push({ type: 'scatter', mode: 'markers+lines', name: legend, legendgroup: `s${i}`, x: ps.map((p) => p.x), y: ps.map((p) => p.y), line: { color: c, width: 1 }, marker: { color: c, size: 8 } });
    if (options.referenceSlope !== undefined) {
      const k = options.referenceSlope;
      const xs = [ps[0].x, ps[ps.length - 1].x];
      data.push({ type: 'scatter', mode: 'lines', name: `slope ${k} reference`, showlegend: i === 0, x: xs, y: xs.map((x) => ps[0].y * (x / ps[0].x) ** k), line: { color: '#aaa', dash: 'dot', width: 1 } });
    }
  });
  return displayableFigure({
    data,
    layout: {
      title: { text: plotlyText(options.title ?? 'Scaling') },
      xaxis: logAxis({ title: { text: plotlyText(options.xTitle ?? 'x') } }, numbersOf(...data.map((t) => t.x))),
      yaxis: logAxis({ title: { text: plotlyText(options.yTitle ?? 'y') } }, numbersOf(...data.map((t) => t.y))),
      height: 450,
    },
    config: { responsive: true, displaylogo: false },
  });
}
