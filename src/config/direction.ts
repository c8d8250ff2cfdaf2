/**
 * Which way a logged metric improves: the one place callbacks (earlyStopping,
 * reduceLROnPlateau, modelCheckpoint), charts (compareRuns, lossCurves, sweepResults) and
 * `train`/`sweep` ranking ask.
 */
import { LOSS_NAMES, METRIC_NAMES, type MetricName } from './losses';

/** Which way a metric improves: `'min'` lower is better, `'max'` higher is better. */
export type MetricMode = 'min' | 'max';

/** Direction of every metric name a config accepts (a test walks them all). */
export const METRIC_DIRECTIONS: Readonly<Record<MetricName, 'min' | 'max'>> = {
  accuracy: 'max',
  acc: 'max',
  crossentropy: 'min',
  ce: 'min',
  binaryAccuracy: 'max',
  categoricalAccuracy: 'max',
  precision: 'max',
  categoricalCrossentropy: 'min',
  sparseCategoricalCrossentropy: 'min',
  mse: 'min',
  MSE: 'min',
  mae: 'min',
  MAE: 'min',
  mape: 'min',
  MAPE: 'min',
  cosine: 'min',
};

// Names tfjs and Keras log beyond the config's own (tfjs logs the accuracy variants it picked).
const MAXIMIZED = /^(acc|accuracy|binary_?accuracy|categorical_?accuracy|sparse_?categorical_?accuracy|precision|recall|auc|f1|fmeasure|r2|iou)$/i;
const MINIMIZED = /(^|_)(loss|error|mse|mae|mape|msle|crossentropy|hinge|poisson|kld|kullbackleiblerdivergence|logcosh|ce|cosine|cosineproximity)$/i;

/**
 * `'min'` or `'max'` for a log key such as `loss`, `val_acc`, `out1_loss` or
 * `val_out2_categoricalAccuracy` (a `val_` prefix and an output-name prefix, as Keras and
 * tfjs name multi-output logs, are looked through); `modes` gives directions for custom
 * metrics by their name. `undefined` when nothing says which way the metric improves.
 */
export function metricDirection(key: string, modes: Readonly<Record<string, MetricMode>> = {}): MetricMode | undefined {
  const name = key.startsWith('val_') ? key.slice(4) : key;
  const candidates = [name];
  // `out1_acc` → `acc`, `dense_2_loss` → `loss`: try every suffix after an underscore.
  for (let i = name.indexOf('_'); i >= 0; i = name.indexOf('_', i + 1)) candidates.push(name.slice(i + 1));
  for (const c of candidates) {
    if (modes[c] !== undefined) return modes[c];
    if ((METRIC_NAMES as readonly string[]).includes(c)) return METRIC_DIRECTIONS[c as MetricName];
    if ((LOSS_NAMES as readonly string[]).includes(c)) return 'min';
    if (MAXIMIZED.test(c)) return 'max';
  }
  return MINIMIZED.test(name) ? 'min' : undefined;
}

/**
 * The directions custom metrics declare, by log name: a named metric `{name, fn, mode}` or a
 * function with a `mode` property (`f1.mode = 'max'`), found in a config's `metrics` or a
 * model's compiled metrics (lists, or per-output maps of lists). Pass the result to
 * {@link metricDirection}.
 */
export function metricModes(metrics: unknown): Record<string, MetricMode> {
  const out: Record<string, MetricMode> = {};
  const visit = (m: unknown): void => {
    if (Array.isArray(m)) return m.forEach(visit);
    if (typeof m === 'function') {
      const mode = (m as { mode?: unknown }).mode;
      if ((mode === 'min' || mode === 'max') && m.name !== '') out[m.name] = mode;
      return;
    }
    if (typeof m !== 'object' || m === null) return;
    const named = m as { name?: unknown; fn?: unknown; mode?: unknown };
    if (typeof named.name === 'string' && typeof named.fn === 'function') {
      if (named.mode === 'min' || named.mode === 'max') out[named.name] = named.mode;
      return;
    }
    Object.values(m).forEach(visit);
  };
  visit(metrics);
  return out;
}
