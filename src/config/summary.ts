/** Human-readable views of a config: a Markdown table for notebooks, and field-by-field differences. */
import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from './schema';

function num(value: number): string {
  return String(value);
}

function optionsText(options: Record<string, unknown>, skip: readonly string[]): string {
  return Object.entries(options)
    .filter(([key, value]) => !skip.includes(key) && value !== undefined)
    .map(([key, value]) => `${key} ${Array.isArray(value) ? `[${value.join(', ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(', ');
}

function shapeText(t: tf.Tensor | tf.Tensor[] | { [name: string]: tf.Tensor }): string {
  if (t instanceof tf.Tensor) return t.shape.join('×');
  if (Array.isArray(t)) return `[${t.map(shapeText).join(', ')}]`;
  return `{${Object.entries(t).map(([k, v]) => `${k}: ${shapeText(v)}`).join(', ')}}`;
}

/** Rows (setting, value) shown by {@link configSummary}. */
export function configRows(config: TrainingConfig): Array<[string, string]> {
  const opt = config.optimizer;
  const optName = typeof opt === 'string' ? opt : opt.name;
  const optExtra = typeof opt === 'string' ? '' : optionsText(opt as Record<string, unknown>, ['name']);
  const rows: Array<[string, string]> = [
    ['optimizer', optExtra === '' ? optName : `${optName} (${optExtra})`],
    ['learning rate', num(config.learningRate)],
    ['loss', lossText(config.loss)],
    ['metrics', config.metrics.length > 0 ? config.metrics.map(nameOf).join(', ') : 'none'],
    ['batch size', num(config.batchSize)],
    ['epochs', num(config.epochs)],
  ];
  let validation = 'none';
  if (config.validationSplit !== undefined) validation = `${Number((config.validationSplit * 100).toFixed(6))}% of the training data`;
  else if (config.validationData !== undefined) {
    const [x, y] = config.validationData;
    validation = `[x ${shapeText(x)}, y ${shapeText(y)}]`;
  }
  rows.push(['validation', validation]);
  rows.push(['shuffle', config.shuffle ? 'yes' : 'no']);
  rows.push(['seed', config.seed !== undefined ? num(config.seed) : 'random']);
  const reg = config.regularization;
  const regText = optionsText(
    Object.fromEntries(Object.entries(reg).filter(([, v]) => v !== 0)),
    [],
  );
  rows.push(['regularization', regText === '' ? 'none' : regText]);
  const es = config.earlyStopping;
  rows.push([
    'early stopping',
    es === false
      ? 'off'
      : `${es.monitor} (${es.mode}), patience ${es.patience}` +
        (es.minDelta !== 0 ? `, minDelta ${es.minDelta}` : '') +
        (es.baseline !== undefined ? `, baseline ${es.baseline}` : '') +
        (es.startFromEpoch !== 0 ? `, from epoch ${es.startFromEpoch}` : '') +
        (es.restoreBestWeights ? ', restore best weights' : ''),
  ]);
  const s = config.lrSchedule;
  rows.push([
    'lr schedule',
    s === undefined ? 'none' : `${s.name}(${optionsText(s as unknown as Record<string, unknown>, ['name', 'per'])}) per ${s.per}`,
  ]);
  const clip =
    config.clipNorm !== undefined
      ? `clipNorm ${config.clipNorm}`
      : config.clipValue !== undefined
        ? `clipValue ${config.clipValue}`
        : config.globalClipNorm !== undefined
          ? `globalClipNorm ${config.globalClipNorm}`
          : 'none';
  rows.push(['gradient clipping', clip]);
  return rows;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * A short Markdown table of the config for a notebook cell, e.g.
 * `display.markdown(configSummary(cfg))`.
 */
export function configSummary(config: TrainingConfig): string {
  const lines = ['| setting | value |', '| --- | --- |'];
  for (const [key, value] of configRows(config)) lines.push(`| ${key} | ${escapeCell(value)} |`);
  return lines.join('\n');
}

/** One field that differs between two configs. */
export interface ConfigDifference {
  /** Dotted path of the field, e.g. `learningRate` or `earlyStopping.patience`. */
  path: string;
  /** Value in the first config (undefined when absent). */
  a: unknown;
  /** Value in the second config (undefined when absent). */
  b: unknown;
}

/**
 * The leaf fields whose values differ between two configs (JSON view: `validationData` is
 * compared by identity). Handy for chart legends: `configDiff(base, run).map(d => `${d.path}=${d.b}`)`.
 */
export function configDiff(a: TrainingConfig, b: TrainingConfig): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  walk(expandOptimizer(a), expandOptimizer(b), '', out);
  return out;
}

// A name and `{name}` mean the same optimizer; compare them as objects so only real changes show.
function expandOptimizer(config: TrainingConfig): Record<string, unknown> {
  const opt = config.optimizer;
  return { ...config, optimizer: typeof opt === 'string' ? { name: opt } : opt };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof tf.Tensor);
}

function walk(a: unknown, b: unknown, path: string, out: ConfigDifference[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) walk(a[key], b[key], path === '' ? key : `${path}.${key}`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && !(path === 'validationData')) {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, a, b });
    return;
  }
  if (!Object.is(a, b)) out.push({ path, a, b });
}

function nameOf(v: unknown): string {
  if (typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string') {
    const { name, mode } = v as { name: string; mode?: string };
    return `${name} (function${mode !== undefined ? `, ${mode}` : ''})`;
  }
  return typeof v === 'function' ? `${v.name || 'custom'} (function)` : String(v);
}

/** A loss as the summary shows it: a name, a function's name, or one per output. */
function lossText(loss: unknown): string {
  if (loss === undefined) return 'from the model (inferred)';
  if (Array.isArray(loss)) return loss.map(nameOf).join(', ');
  if (typeof loss === 'object' && loss !== null) return Object.entries(loss).map(([k, v]) => `${k}: ${nameOf(v)}`).join(', ');
  return nameOf(loss);
}
