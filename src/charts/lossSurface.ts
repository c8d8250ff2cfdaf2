import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { plotlyText } from './escape';
import { colour } from './palette';
import { displayableFigure } from './figureDisplay';
import type { Figure, Trace } from './types';

/** An optimizer path over the surface. */
export interface Trajectory {
  /** Legend name, e.g. the optimizer. */
  name?: string;
  /** Visited points, as `[x, y]` pairs or as `{x, y}` arrays. */
  points: Array<[number, number]> | { x: number[]; y: number[] };
}

/** Options of {@link lossSurface}. */
export interface LossSurfaceOptions {
  /** The loss as a function of two parameters. */
  f: (x: number, y: number) => number;
  /** `[min, max]` of the first parameter. */
  xRange: [number, number];
  /** `[min, max]` of the second parameter. */
  yRange: [number, number];
  /** Grid points per axis. Defaults to `60`. */
  resolution?: number;
  /** Optimizer paths drawn over the contours. Defaults to none. */
  trajectories?: Trajectory[];
  /** Contour the log of the loss (for losses spanning decades; must be > 0). Defaults to `false`. */
  logZ?: boolean;
  /** Figure title. Defaults to `'Loss surface'`. */
  title?: string;
  /** Axis titles. Default to `'x'` and `'y'`. */
  xTitle?: string;
  yTitle?: string;
}

function checkRange(name: string, r: unknown): [number, number] {
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(r[0] < r[1])) {
    throw new ChartError(`lossSurface: ${name} must be [min, max] with finite min < max, received ${describeValue(r)}.`);
  }
  return [r[0], r[1]];
}

function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** A 2-D contour plot of `f` over a grid with optimizer trajectories (start ○, end ×) drawn on top. */
export function lossSurface(options: LossSurfaceOptions): Figure {
  checkChartOptions('lossSurface', options);
  if (typeof options?.f !== 'function') throw new ChartError(`lossSurface: f must be a function (x, y) => loss, received ${describeValue(options?.f)}.`);
  const [x0, x1] = checkRange('xRange', options.xRange);
  const [y0, y1] = checkRange('yRange', options.yRange);
  const n = options.resolution ?? 60;
  if (!Number.isInteger(n) || n < 2 || n > 500) throw new ChartError(`lossSurface: resolution must be a whole number in [2, 500], received ${describeValue(n)}.`);
  const xs = linspace(x0, x1, n);
  const ys = linspace(y0, y1, n);
  const logZ = options.logZ === true;
  const z = ys.map((y) =>
    xs.map((x) => {
      const v = options.f(x, y);
      if (!Number.isFinite(v)) return null;
      if (logZ) return v > 0 ? Math.log10(v) : null;
      return v;
    }),
  );
  const data: Trace[] = [
    { type: 'contour', name: 'loss', x: xs, y: ys, z, colorscale: 'Viridis', ncontours: 30, contours: { coloring: 'heatmap' }, colorbar: { title: { text: logZ ? 'log10 loss' : 'loss' } }, showlegend: false },
  ];
  (options.trajectories ?? []).forEach((t, i) => {
    const pts = t?.points;
    let tx: number[];
    let ty: number[];
    if (Array.isArray(pts)) {
      tx = pts.map((p) => p[0]);
      ty = pts.map((p) => p[1]);
    } else if (pts !== undefined && Array.isArray(pts.x) && Array.isArray(pts.y) && pts.x.length === pts.y.length) {
      tx = pts.x;
      ty = pts.y;
    } else {
      throw new ChartError(`lossSurface: trajectories[${i}].points must be [x, y] pairs or {x: number[], y: number[]} of equal length, received ${describeValue(pts)}.`);
    }
    const c = colour(i + 1);
    const name = plotlyText(t.name ?? `path ${i + 1}`);
    data.push({ type: 'scatter', mode: 'lines+markers', name, legendgroup: `t${i}`, x: tx, y: ty, line: { color: c, width: 2 }, marker: { size: 4, color: c } });
    if (tx.length > 0) {
      data.push({ type: 'scatter', mode: 'markers', name: `${name} start/end`, legendgroup: `t${i}`, showlegend: false, x: [tx[0], tx[tx.length - 1]], y: [ty[0], ty[ty.length - 1]], marker: { size: [11, 13], symbol: ['circle-open', 'x'], color: c, line: { width: 2, color: c } } });
    }
  });
  return displayableFigure({
    data,
    layout: {
      title: { text: plotlyText(options.title ?? 'Loss surface') },
      xaxis: { title: { text: plotlyText(options.xTitle ?? 'x') }, range: [x0, x1] },
      yaxis: { title: { text: plotlyText(options.yTitle ?? 'y') }, range: [y0, y1] },
      height: 500,
      legend: { orientation: 'h', y: -0.15 },
    },
    config: { responsive: true, displaylogo: false },
  });
}
