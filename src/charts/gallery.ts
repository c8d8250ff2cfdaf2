/**
 * Every chart builder with typical and awkward inputs (1 epoch, 2,000 epochs, long run
 * names, many runs, NaN runs, tiny and huge values), for people to look at (`npm run
 * gallery`) and for the browser test that checks no text overlaps and nothing is clipped.
 * Not part of the public API.
 */
import * as tf from '@tensorflow/tfjs';
import { silenceCpuBanner } from '../backend/banner';
import { compareRuns } from './compareRuns';
import { decisionBoundary } from './decisionBoundary';
import { escapeHtml } from './escape';
import type { HistoryRow } from './history';
import { chartHtml } from './html';
import { LiveChart } from './liveChart';
import { lossCurves } from './lossCurves';
import { lossSurface } from './lossSurface';
import { lrFinder } from './lrFinder';
import { scalingPlot } from './scaling';
import { slider } from './slider';
import { sweepResults } from './sweepResults';
import { timingBars } from './timingBars';
import type { Figure } from './types';

/** One gallery entry. */
export interface GalleryCase {
  /** The builder, e.g. `'lossCurves'`. */
  builder: string;
  /** What is awkward about the input, e.g. `'2,000 epochs'`. */
  input: string;
  figure: Figure;
}

/** A deterministic pseudo-random sequence (the gallery looks the same every time). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function history(epochs: number, options: { scale?: number; lr?: (i: number) => number; acc?: boolean; nanFrom?: number; seed?: number } = {}): HistoryRow[] {
  const r = noise(options.seed ?? 1);
  const scale = options.scale ?? 1;
  return Array.from({ length: epochs }, (_, i) => {
    const t = i / Math.max(1, epochs - 1);
    const loss = scale * (0.1 + 2 * Math.exp(-4 * t)) * (1 + 0.05 * r());
    const row: HistoryRow = { loss, val_loss: loss * (1.1 + 0.4 * t) };
    if (options.acc ?? true) Object.assign(row, { acc: 0.5 + 0.45 * (1 - Math.exp(-4 * t)), val_acc: 0.48 + 0.4 * (1 - Math.exp(-4 * t)) });
    if (options.lr !== undefined) row.lr = options.lr(i);
    if (options.nanFrom !== undefined && i >= options.nanFrom) {
      row.loss = Number.NaN;
      row.val_loss = Number.NaN;
    }
    return row;
  });
}

/** The live chart's frames: the first (no epoch yet) and the final one of a 10-epoch fit, and a frame early in a 2000-epoch fit. */
function liveFrames(): Figure[] {
  const quiet = { inNotebook: false, show: () => ({ update: () => undefined }) };
  const cb = new LiveChart({ display: quiet, writeFileOutsideNotebook: false });
  cb.setParams({ epochs: 10, metrics: ['loss', 'acc', 'val_loss', 'val_acc'] });
  // Synchronous up to its end outside a notebook (nothing to display yet).
  void cb.onTrainBegin();
  const first = cb.figure();
  for (const row of history(10, { lr: (i) => (i < 5 ? 0.01 : 0.001) })) cb.rows.push(row);
  const long = new LiveChart({ display: quiet, writeFileOutsideNotebook: false });
  long.setParams({ epochs: 2000, metrics: ['loss'] });
  void long.onTrainBegin();
  for (const row of history(3)) long.rows.push({ loss: row.loss });
  return [first, cb.figure(true), long.figure()];
}

function boundary(): Figure {
  silenceCpuBanner();
  const r = noise(7);
  const points = Array.from({ length: 120 }, (_, i) => {
    const c = i % 2;
    const a = Math.PI * (i / 120) * 2;
    return [Math.cos(a) + (c ? 1 : 0) + 0.1 * r(), Math.sin(a) * (c ? -1 : 1) + 0.1 * r(), c] as const;
  });
  const x = tf.tensor2d(points.map((p) => [p[0], p[1]]));
  const y = tf.tensor1d(points.map((p) => p[2]), 'int32');
  const model = { predict: (input: tf.Tensor) => tf.tidy(() => tf.sigmoid(input.slice([0, 1], [-1, 1]).mul(-3).add(input.slice([0, 0], [-1, 1]).sub(0.5)))) };
  try {
    return decisionBoundary(model, { x, y, classes: ['upper moon', 'lower moon'], featureNames: ['feature 1', 'feature 2'] }, { gridSize: 40 });
  } finally {
    tf.dispose([x, y]);
  }
}

const LONG = 'adam lr=0.001 batch=64 dropout=0.25 weight decay=1e-4 (seed 12345)';

/** Every builder, typical input first, then the awkward ones. */
export function galleryCases(): GalleryCase[] {
  const cases: GalleryCase[] = [];
  const add = (builder: string, input: string, figure: () => Figure): void => void cases.push({ builder, input, figure: figure() });
  add('lossCurves', 'typical: 20 epochs, loss and accuracy, decaying learning rate', () => lossCurves(history(20, { lr: (i) => 0.1 * 0.8 ** i })));
  add('lossCurves', '1 epoch', () => lossCurves(history(1)));
  add('lossCurves', '2,000 epochs, constant learning rate', () => lossCurves(history(2000, { lr: () => 0.1 })));
  add('lossCurves', 'loss NaN from epoch 6', () => lossCurves(history(10, { nanFrom: 5 })));
  add('lossCurves', 'tiny values, log scale', () => lossCurves(history(30, { scale: 1e-9, acc: false }), { logY: true }));
  add('lossCurves', 'huge values', () => lossCurves(history(30, { scale: 3e12, acc: false })));
  const [live0, live1, live2] = liveFrames();
  add('liveChart', 'first frame (before the first epoch)', () => live0);
  add('liveChart', 'final frame', () => live1);
  add('liveChart', 'epoch 3 of 2,000 planned', () => live2);
  add('compareRuns', 'typical: 3 runs', () => compareRuns([0.1, 0.01, 0.001].map((lr, i) => ({ name: `lr ${lr}`, history: history(15, { seed: i + 2, scale: 1 + i }), config: { lr } })), { metric: 'val_loss' }));
  add('compareRuns', 'many runs with long names', () => compareRuns(Array.from({ length: 12 }, (_, i) => ({ name: `${LONG} #${i + 1}`, history: history(15, { seed: i + 3, scale: 1 + i / 5 }) })), { metric: 'val_loss' }));
  add('compareRuns', 'NaN runs (diverged) next to a good one', () =>
    compareRuns(
      [
        { name: 'lr 1 (diverged at once)', history: history(8, { nanFrom: 0 }) },
        { name: 'lr 0.3 (diverged later)', history: history(8, { nanFrom: 4, seed: 4 }) },
        { name: 'lr 0.01', history: history(8, { seed: 5 }) },
      ],
      { metric: 'val_loss' },
    ),
  );
  add('compareRuns', '1 epoch, log scale, huge values', () => compareRuns([{ name: 'a', history: history(1, { scale: 1e20 }) }, { name: 'b', history: history(1, { scale: 3e15 }) }], { metric: 'loss', logY: true }));
  const lrs = Array.from({ length: 100 }, (_, i) => 1e-7 * 10 ** (i / 12.5));
  const losses = lrs.map((lr, i) => (i > 90 ? Number.NaN : 2.3 - 1.5 / (1 + Math.exp(-(Math.log10(lr) + 3) * 2)) + (i > 75 ? (i - 75) ** 2 / 20 : 0)));
  add('lrFinder', 'typical: 1e-7 to 10, NaN once diverged', () => lrFinder({ lrs, losses, suggestions: { steepest: 3e-4, minimumDiv10: 2e-3, valley: 8e-4 } }));
  add('lrFinder', 'a narrow range (less than a decade)', () => lrFinder({ lrs: lrs.slice(40, 48), losses: losses.slice(40, 48) }));
  const optimizers = ['sgd', 'adam', 'rmsprop'];
  const sweep = Array.from({ length: 24 }, (_, i) => ({ lr: 10 ** (-4 + (i % 6) / 2), batchSize: [16, 64, 256][i % 3], optimizer: optimizers[i % 3], dropout: (i % 4) / 10, best_val_loss: i === 5 ? Number.NaN : 0.3 + ((i * 37) % 11) / 20 }));
  add('sweepResults', 'typical: 24 runs, 4 parameters (parallel coordinates), one failed run', () => sweepResults(sweep));
  add('sweepResults', 'metric against each parameter (scatter)', () => sweepResults(sweep, { params: ['lr', 'batchSize'], kind: 'scatter' }));
  add('timingBars', 'typical: backends', () => timingBars({ cpu: 120, wasm: 35, 'wasm + transposing matmul': 11 }));
  add('timingBars', 'long labels, tiny and huge values, log scale', () =>
    timingBars([{ label: LONG, value: 0.004 }, { label: 'a second very long label for a timing bar', value: 12_000_000 }, { label: 'x', value: 3 }], { log: true }),
  );
  add('timingBars', 'columns with groups', () => timingBars(['forward', 'backward', 'optimizer step'].flatMap((label, i) => [{ label, value: 3 + i, group: 'cpu' }, { label, value: 1 + i / 2, group: 'wasm' }]), { orientation: 'v' }));
  add('scalingPlot', 'typical: two series', () => scalingPlot([16, 32, 64, 128, 256].flatMap((b) => [{ x: b, y: 0.5 * b ** 0.9, series: 'cpu' }, { x: b, y: 0.2 * b ** 0.7, series: 'wasm' }]), { xTitle: 'batch size', yTitle: 'ms per step', referenceSlope: 1 }));
  add('scalingPlot', 'huge range', () => scalingPlot([1, 1e3, 1e6, 1e9].map((x) => ({ x, y: 1e-6 * x ** 1.5 })), { xTitle: 'parameters', yTitle: 'FLOPs per sample' }));
  add('lossSurface', 'typical: a valley with two trajectories', () =>
    lossSurface({
      f: (x, y) => (1 - x) ** 2 + 5 * (y - x * x) ** 2,
      xRange: [-2, 2],
      yRange: [-1, 3],
      resolution: 40,
      logZ: true,
      trajectories: [
        { name: 'sgd', points: Array.from({ length: 20 }, (_, i) => [-1.5 + i * 0.12, 2.5 - i * 0.1] as [number, number]) },
        { name: 'adam', points: Array.from({ length: 20 }, (_, i) => [1.5 - i * 0.03, -0.5 + i * 0.07] as [number, number]) },
      ],
      xTitle: 'weight 1',
      yTitle: 'weight 2',
    }),
  );
  add('slider', 'typical: 4 learning rates, loss and val_loss', () =>
    slider([0.001, 0.01, 0.1, 1].map((lr, i) => ({ value: lr, run: history(20, { seed: i + 2, scale: [2, 1, 0.5, 1.5][i], acc: false }) })), { setting: 'learning rate', active: 1 }),
  );
  add('slider', '12 long labels, a diverged run, 1 epoch each, log scale', () =>
    slider(
      Array.from({ length: 12 }, (_, i) => ({ value: `${LONG} #${i + 1}`, run: history(1, { seed: i + 3, scale: 1 + i, nanFrom: i === 4 ? 0 : undefined, acc: false }) })),
      { setting: 'configuration', logY: true, active: 4 },
    ),
  );
  add('decisionBoundary', 'typical: two moons', boundary);
  return cases;
}

/** Width of each chart in the gallery page: a notebook output's width. */
export const GALLERY_WIDTH_PX = 860;

/** A standalone HTML page showing every case (plotly.js inlined once). */
export function galleryPage(cases: GalleryCase[] = galleryCases()): string {
  const sections = cases.map((c, i) => {
    const chart = chartHtml(c.figure, { id: `gallery-${i}`, includePlotly: i === 0 });
    return `<section class="case" data-builder="${escapeHtml(c.builder)}"><h2>${escapeHtml(c.builder)} <small>${escapeHtml(c.input)}</small></h2><div style="width:${GALLERY_WIDTH_PX}px">${chart}</div></section>`;
  });
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>trainlab chart gallery</title>` +
    `<style>body{font-family:sans-serif;margin:16px}h2{font-size:16px;margin:24px 0 4px}small{color:#666;font-weight:normal}</style></head>` +
    `<body><h1>trainlab chart gallery</h1><p>Every chart builder, typical and awkward inputs. Generated by <code>npm run gallery</code>.</p>${sections.join('\n')}</body></html>\n`
  );
}
