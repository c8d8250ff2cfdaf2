import * as tf from '@tensorflow/tfjs';
import { GuardedCallback } from '../callbacks/fitGuard';
import { getDisplay } from '../display';
import type { Display, DisplayHandle } from '../display/types';
import { ChartError, describeValue } from './errors';
import { checkChartOptions } from './options';
import { plotlyText } from './escape';
import { displayableFigure } from './figureDisplay';
import { liveUpdateHtml } from './html';
import { ChartOutput } from './output';
import { colour } from './palette';
import { show } from './show';
import type { Figure, Trace } from './types';
import { extent } from '../util/extent';

/** Something that predicts from a `[rows, 2]` tensor, e.g. a tfjs `LayersModel`. */
export interface Predictor {
  predict(x: tf.Tensor, ...rest: never[]): tf.Tensor | tf.Tensor[];
}

/** 2-D classification data: `x` is `[rows, 2]`; `y` one-hot `[rows, k]` or class indices `[rows]` / `[rows, 1]`. */
export interface BoundaryData {
  x: tf.Tensor;
  y: tf.Tensor;
  /** Class names, index = class number (LabeledData has them). Defaults to `'class 0'`, `'class 1'`, ... */
  classes?: string[];
  /** Names of the two features, used as axis titles. Defaults to `['x1', 'x2']`. */
  featureNames?: string[];
}

export interface DecisionBoundaryOptions {
  /** Grid points per axis (the model is evaluated on gridSize² points). Defaults to 100. */
  gridSize?: number;
  /**
   * Colour by probability instead of class: for a 1-unit (sigmoid) or 2-unit (softmax)
   * output the probability of class 1, for more classes the probability of the predicted
   * class (the model's confidence). Defaults to false (predicted class).
   */
  probability?: boolean;
  /** Margin around the data, as a fraction of each axis's range. Defaults to 0.1. */
  padding?: number;
  /** Figure title. Defaults to `'Decision boundary'`. */
  title?: string;
}

const WHERE = 'charts.decisionBoundary';

function checkOptions(where: string, options: DecisionBoundaryOptions, defaultGrid: number): Required<DecisionBoundaryOptions> {
  const gridSize = options.gridSize ?? defaultGrid;
  if (!(Number.isInteger(gridSize) && gridSize >= 2 && gridSize <= 500)) {
    throw new ChartError(`${where}: gridSize must be a whole number in [2, 500], received ${describeValue(gridSize)}. Pass e.g. gridSize: 100.`);
  }
  const padding = options.padding ?? 0.1;
  if (!(Number.isFinite(padding) && padding >= 0)) {
    throw new ChartError(`${where}: padding must be a finite number >= 0, received ${describeValue(padding)}. Pass e.g. padding: 0.1.`);
  }
  return { gridSize, padding, probability: options.probability ?? false, title: options.title ?? 'Decision boundary' };
}

function inputFeatures(model: Predictor): number | undefined {
  const inputs = (model as Partial<tf.LayersModel>).inputs;
  const shape = Array.isArray(inputs) && inputs.length === 1 ? inputs[0].shape : undefined;
  if (shape === undefined) return undefined;
  return shape.length === 2 && typeof shape[1] === 'number' ? shape[1] : -1;
}

function checkInputs(where: string, model: Predictor, data: BoundaryData): void {
  if (model === null || typeof model !== 'object' || typeof model.predict !== 'function') {
    throw new ChartError(`${where}: model must be a tfjs model with predict(), received ${describeValue(model)}. Pass the model you train.`);
  }
  if (data === null || typeof data !== 'object' || !(data.x instanceof tf.Tensor) || !(data.y instanceof tf.Tensor)) {
    throw new ChartError(`${where}: data must be {x, y} tensors (e.g. datasets.moons()), received ${describeValue(data)}.`);
  }
  if (data.x.rank !== 2 || data.x.shape[1] !== 2) {
    throw new ChartError(
      `${where}: data.x must have shape [rows, 2] (two features, one per axis), received [${data.x.shape.join(', ')}]. ` +
        `Decision boundaries are drawn for 2-D inputs only: use a 2-feature data set such as datasets.moons(), or pick two columns.`,
    );
  }
  if (data.x.shape[0] !== data.y.shape[0]) {
    throw new ChartError(`${where}: data.x has ${data.x.shape[0]} rows but data.y has ${data.y.shape[0]}. Pass features and labels for the same rows.`);
  }
  const features = inputFeatures(model);
  if (features !== undefined && features !== 2) {
    const shape = (model as tf.LayersModel).inputs[0].shape;
    throw new ChartError(`${where}: the model takes inputs of shape [${shape.map(String).join(', ')}], not [null, 2]. Build it with inputShape: [2] to plot its decision boundary.`);
  }
}

function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** Class of every row of `y`: argmax of one-hot rows, else the rounded value. */
function labelsOf(y: tf.Tensor): number[] {
  return tf.tidy(() => {
    const flat = y.rank === 2 && y.shape[1]! > 1 ? y.argMax(1) : y.reshape([-1]);
    return Array.from(flat.dataSync(), (v) => Math.round(v));
  });
}

/**
 * Evaluates the model on the grid: per grid point the class (or the value to colour by),
 * the number of classes and whether the task is binary (probability = P(class 1)).
 */
function predictGrid(model: Predictor, xs: number[], ys: number[], probability: boolean): { z: number[][]; classes: number; binary: boolean } {
  const [values, units] = tf.tidy(() => {
    const points: number[] = [];
    for (const y of ys) for (const x of xs) points.push(x, y);
    const raw = model.predict(tf.tensor2d(points, [points.length / 2, 2]));
    const out = (Array.isArray(raw) ? raw[0] : raw).reshape([points.length / 2, -1]);
    const k = out.shape[1]!;
    if (k === 1) {
      const p = out.reshape([-1]);
      return [Array.from((probability ? p : p.greaterEqual(0.5)).dataSync()), k] as const;
    }
    if (probability && k === 2) return [Array.from(out.slice([0, 1], [-1, 1]).dataSync()), k] as const;
    return [Array.from((probability ? out.max(1) : out.argMax(1)).dataSync()), k] as const;
  });
  const n = xs.length;
  return { z: ys.map((_, j) => values.slice(j * n, (j + 1) * n)), classes: Math.max(units, 2), binary: units <= 2 };
}

/** Outline of the data points, dark enough to stand out on any region colour. */
const MARKER_OUTLINE = '#1a1a1a';

/** Grey scale for the confidence of the predicted class (3+ classes). */
const CONFIDENCE_COLOURSCALE: Array<[number, string]> = [[0, '#ffffff'], [1, '#525252']];

/** P(class 1) from class 0's colour (0) through white (0.5) to class 1's colour (1), matching the points. */
function probabilityColourscale(): Array<[number, string]> {
  return [[0, colour(0)], [0.5, '#ffffff'], [1, colour(1)]];
}

/** A stepped colour scale giving class c the colour c, for z in [-0.5, k - 0.5]. */
function classColourscale(k: number): Array<[number, string]> {
  const scale: Array<[number, string]> = [];
  for (let c = 0; c < k; c++) scale.push([c / k, colour(c)], [(c + 1) / k, colour(c)]);
  return scale;
}

/**
 * The model's predicted class (or probability) over a grid covering the data, as a heatmap,
 * with the data points on top, one colour per class: the picture that shows under- and
 * over-fitting. For 2-D classification; returns a plain Plotly figure. Creates no lasting tensors.
 */
export function decisionBoundary(model: Predictor, data: BoundaryData, options: DecisionBoundaryOptions = {}): Figure {
  checkChartOptions('decisionBoundary', options);
  checkInputs(WHERE, model, data);
  return displayableFigure(boundaryFigure(model, data, checkOptions(WHERE, options, 100)));
}

function boundaryFigure(model: Predictor, data: BoundaryData, options: Required<DecisionBoundaryOptions>): Figure {
  const points = data.x.arraySync() as number[][];
  if (points.length === 0) throw new ChartError(`${WHERE}: data has no rows. Pass at least one point.`);
  points.forEach((p, i) => {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) throw new ChartError(`${WHERE}: data.x[${i}] is [${p.join(', ')}]. Remove or impute NaN / infinite features first.`);
  });
  const labels = labelsOf(data.y);
  const range = (axis: 0 | 1): [number, number] => {
    const v = points.map((p) => p[axis]);
    const [lo, hi] = extent(v);
    const margin = (hi > lo ? hi - lo : 1) * options.padding; // a single point still gets a visible area
    return [lo - margin, hi + margin];
  };
  const xs = linspace(...range(0), options.gridSize);
  const ys = linspace(...range(1), options.gridSize);
  const grid = predictGrid(model, xs, ys, options.probability);
  const numClasses = Math.max(grid.classes, (data.classes ?? []).length, extent(labels)[1] + 1);
  const className = (c: number) => plotlyText(data.classes?.[c] ?? `class ${c}`);
  // Regions and points share colours: predicted-class regions take the class colours; P(class 1)
  // runs from class 0's colour through white (undecided) to class 1's. Confidence (3+ classes)
  // is grey, so it cannot be read as a class.
  const heatmap: Trace = options.probability
    ? { type: 'heatmap', name: 'probability', x: xs, y: ys, z: grid.z, zmin: grid.binary ? 0 : 1 / grid.classes, zmax: 1, colorscale: grid.binary ? probabilityColourscale() : CONFIDENCE_COLOURSCALE, opacity: 0.6, colorbar: { title: { text: grid.binary ? `P(${className(1)})` : 'confidence' } }, hoverinfo: 'x+y+z', showlegend: false }
    : { type: 'heatmap', name: 'predicted class', x: xs, y: ys, z: grid.z, zmin: -0.5, zmax: numClasses - 0.5, colorscale: classColourscale(numClasses), opacity: 0.35, showscale: false, hoverinfo: 'skip', showlegend: false };
  const scatter: Trace[] = [];
  for (let c = 0; c < numClasses; c++) {
    const mine = points.filter((_, i) => labels[i] === c);
    if (mine.length === 0) continue;
    // A dark outline keeps every point visible on a region of its own colour.
    scatter.push({ type: 'scatter', mode: 'markers', name: className(c), x: mine.map((p) => p[0]), y: mine.map((p) => p[1]), marker: { color: colour(c), size: 7, line: { color: MARKER_OUTLINE, width: 1 } } });
  }
  const [f1, f2] = data.featureNames ?? ['x1', 'x2'];
  return {
    data: [heatmap, ...scatter],
    layout: {
      title: { text: plotlyText(options.title) },
      xaxis: { title: { text: plotlyText(f1 ?? 'x1') }, range: [xs[0], xs[xs.length - 1]] },
      yaxis: { title: { text: plotlyText(f2 ?? 'x2') }, range: [ys[0], ys[ys.length - 1]] },
      height: 450,
      // Above the plot, so it never meets the colour bar (and its title) on the right.
      legend: { title: { text: 'class', side: 'left' }, orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom' },
    },
    config: { responsive: true, displaylogo: false },
  };
}

export interface DecisionBoundaryCallbackOptions extends DecisionBoundaryOptions {
  /** The 2-D data whose boundary is drawn (usually the training data). */
  data: BoundaryData;
  /** Redraw every this many epochs (and always at the end). Defaults to 5. */
  every?: number;
  /** Where to draw. Defaults to `getDisplay()` at train begin. */
  display?: Display;
  /** Outside a notebook, write the final figure to an HTML file (`show`) at train end. Defaults to true. */
  writeFileOutsideNotebook?: boolean;
}

/**
 * A tfjs callback that draws the model's decision boundary at train begin and redraws it
 * every `every` epochs in the same notebook output, without blanking it (the new figure
 * goes through a hidden output that calls Plotly.react on the chart), ending with the
 * final figure. Grid defaults to 50 per axis to keep the cost per redraw small.
 */
export class DecisionBoundaryCallback extends GuardedCallback {
  /** Figures drawn during the current fit (live updates, not counting the first and last). */
  updates = 0;
  private readonly every: number;
  private readonly resolved: Required<DecisionBoundaryOptions>;
  private display: Display | undefined;
  private chart: ChartOutput | undefined;
  private updater: DisplayHandle | undefined;
  private lastEpoch = -1;

  constructor(private readonly options: DecisionBoundaryCallbackOptions) {
    super();
    const where = 'decisionBoundaryCallback';
    if (options === null || typeof options !== 'object') {
      throw new ChartError(`${where}: expected an options object with data, received ${describeValue(options)}. Pass e.g. decisionBoundaryCallback({data: train, every: 5}).`);
    }
    checkChartOptions(where, options);
    const every = options.every ?? 5;
    if (!(Number.isInteger(every) && every >= 1)) {
      throw new ChartError(`${where}: every must be a whole number of epochs >= 1, received ${describeValue(every)}. Pass e.g. every: 5.`);
    }
    this.every = every;
    this.resolved = checkOptions(where, options, 50);
    const data = options.data;
    if (data === null || typeof data !== 'object' || !(data.x instanceof tf.Tensor) || data.x.rank !== 2 || data.x.shape[1] !== 2) {
      throw new ChartError(`${where}: data.x must have shape [rows, 2], received ${data?.x instanceof tf.Tensor ? `[${data.x.shape.join(', ')}]` : describeValue(data)}. Pass 2-D classification data such as datasets.moons().`);
    }
    // tfjs wraps plain objects in CustomCallback, which calls hooks unbound.
    this.onTrainBegin = this.onTrainBegin.bind(this);
    this.onEpochEnd = this.onEpochEnd.bind(this);
    this.onTrainEnd = this.onTrainEnd.bind(this);
    this.onTrainError = this.onTrainError.bind(this);
  }

  /** The figure for the model as it is now. */
  figure(status = ''): Figure {
    checkInputs('decisionBoundaryCallback', this.model, this.options.data);
    return boundaryFigure(this.model, this.options.data, { ...this.resolved, title: `${this.resolved.title}${status}` });
  }

  override async onTrainBegin(): Promise<void> {
    this.updates = 0;
    this.lastEpoch = -1;
    this.display = this.options.display ?? getDisplay();
    this.chart = undefined;
    this.updater = undefined;
    if (this.display.inNotebook) {
      this.chart = new ChartOutput(this.display, this.figure(' — before training'), { plotlyJson: false });
      this.updater = this.display.show({ 'text/html': '', 'text/plain': '' });
    }
  }

  override async onEpochEnd(epoch: number): Promise<void> {
    this.lastEpoch = epoch;
    if (this.chart === undefined || this.updater === undefined || (epoch + 1) % this.every !== 0) return;
    this.updates++;
    this.updater.update({ 'text/html': liveUpdateHtml(this.chart.id, this.figure(` — epoch ${epoch + 1}`), this.updates), 'text/plain': '' });
  }

  override async onTrainEnd(): Promise<void> {
    this.end(this.lastEpoch >= 0 ? ` — after ${this.lastEpoch + 1} epochs` : '');
  }

  /**
   * Ends the chart of a fit that threw (tfjs then skips `onTrainEnd`): the boundary of the
   * model as it is, titled "stopped by an error". trainlab's `train` calls it; after a failed
   * `model.fit` call it yourself.
   */
  override async onTrainError(_error?: unknown): Promise<void> {
    this.end(` — stopped by an error after ${this.lastEpoch + 1} epoch${this.lastEpoch === 0 ? '' : 's'}`);
  }

  private end(status: string): void {
    if (this.display === undefined) return;
    const final = this.figure(status);
    if (this.chart !== undefined) {
      this.chart.update(final, { plotlyJson: true });
      this.updater?.update({ 'text/html': '', 'text/plain': '' });
    } else if (this.options.writeFileOutsideNotebook ?? true) {
      show(final, { display: this.display });
    }
    this.display = undefined;
  }
}

/** A {@link DecisionBoundaryCallback}: `model.fit(x, y, {callbacks: [decisionBoundaryCallback({data, every: 5})]})`. */
export function decisionBoundaryCallback(options: DecisionBoundaryCallbackOptions): DecisionBoundaryCallback {
  return new DecisionBoundaryCallback(options);
}
