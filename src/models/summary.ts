import { inspect } from 'util';
import * as tf from '@tensorflow/tfjs';
import { getDisplay } from '../display';
import type { Display } from '../display/types';
import { checkModelOptions } from './options';
import { escapeHtml } from '../charts/escape';
import { ModelError } from './errors';

/** One layer of a {@link ModelSummary}. */
export interface SummaryRow {
  name: string;
  /** The layer's class, e.g. `'Dense'`. */
  type: string;
  /** e.g. `'[null, 16]'`; several outputs are joined with `', '`. */
  outputShape: string;
  params: number;
  trainable: number;
  nonTrainable: number;
  /** Bytes the layer's weights take (float32: 4 per parameter). */
  bytes: number;
}

export interface SummaryTotals {
  params: number;
  trainable: number;
  nonTrainable: number;
  bytes: number;
}

export interface SummaryOptions {
  /** Send the table to the notebook (HTML) or terminal (text). Defaults to true. */
  show?: boolean;
  /** Where to show it. Defaults to `getDisplay()`. */
  display?: Display;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, string: 0 };

function count(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((n, d) => n * (d ?? 1), 1);
}

function shapeText(layer: tf.layers.Layer): string {
  try {
    const shape = layer.outputShape;
    const list = Array.isArray(shape[0]) || shape.length === 0 ? (shape as tf.Shape[]) : [shape as tf.Shape];
    return list.map((s) => `[${s.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`).join(', ');
  } catch {
    return 'multiple'; // a layer used at several places has no single output shape
  }
}

/** Human size: 1,234 bytes → '1.2 KB'. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

const n = (value: number) => value.toLocaleString('en-US');

/** A model's layers and parameter counts, as data, an HTML table and a text table. */
export class ModelSummary {
  constructor(
    readonly name: string,
    readonly rows: SummaryRow[],
    readonly totals: SummaryTotals,
  ) {
    // Not a declared member, so the public .d.ts needs no node types.
    Object.defineProperty(this, inspect.custom, { value: () => this.toString() });
  }

  get text(): string {
    const header = ['Layer (type)', 'Output shape', 'Params', 'Trainable', 'Non-trainable'];
    const body = this.rows.map((r) => [`${r.name} (${r.type})`, r.outputShape, n(r.params), n(r.trainable), n(r.nonTrainable)]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
    const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
    const t = this.totals;
    return [
      `Model: ${this.name}`,
      rule,
      line(header),
      rule,
      ...body.map(line),
      rule,
      `Total params: ${n(t.params)} (${formatBytes(t.bytes)})`,
      `Trainable params: ${n(t.trainable)}`,
      `Non-trainable params: ${n(t.nonTrainable)}`,
    ].join('\n');
  }

  get html(): string {
    const t = this.totals;
    const cell = (text: string, numeric = false) => `<td style="text-align:${numeric ? 'right' : 'left'}">${escapeHtml(text)}</td>`;
    const rows = this.rows
      .map((r) => `<tr>${cell(r.name)}${cell(r.type)}${cell(r.outputShape)}${cell(n(r.params), true)}${cell(n(r.trainable), true)}${cell(n(r.nonTrainable), true)}</tr>`)
      .join('');
    return (
      `<table class="trainlab-summary"><caption style="text-align:left">Model: ${escapeHtml(this.name)}</caption>` +
      '<thead><tr><th>Layer</th><th>Type</th><th>Output shape</th><th>Params</th><th>Trainable</th><th>Non-trainable</th></tr></thead>' +
      `<tbody>${rows}</tbody>` +
      `<tfoot><tr><th colspan="3" style="text-align:left">Total (${escapeHtml(formatBytes(t.bytes))} of weights)</th>` +
      `<th style="text-align:right">${n(t.params)}</th><th style="text-align:right">${n(t.trainable)}</th><th style="text-align:right">${n(t.nonTrainable)}</th></tr></tfoot></table>`
    );
  }

  /** One line, so that a summary left as a notebook cell's last value prints briefly. */
  toString(): string {
    const t = this.totals;
    return `ModelSummary(${this.name}: ${this.rows.length} layers, ${n(t.params)} params, ${n(t.trainable)} trainable, ${formatBytes(t.bytes)})`;
  }
}

/**
 * Shows a model's layers, output shapes, trainable / non-trainable parameter counts,
 * totals and the memory its weights take: an HTML table in a notebook, text in a terminal.
 * Returns the same as data. Creates no tensors.
 */
export function summary(model: tf.LayersModel, options: SummaryOptions = {}): ModelSummary {
  if (!(model instanceof tf.LayersModel)) {
    throw new ModelError(`summary: model must be a tfjs LayersModel (e.g. from models.mlp or tf.sequential), received ${model === null ? 'null' : typeof model}. Pass the model itself.`);
  }
  checkModelOptions('summary', options);
  const rows = model.layers.map((layer): SummaryRow => {
    const size = (ws: tf.LayerVariable[]) => ws.reduce((s, w) => s + count(w.shape), 0);
    const trainable = size(layer.trainableWeights);
    const nonTrainable = size(layer.nonTrainableWeights);
    const bytes = layer.weights.reduce((s, w) => s + count(w.shape) * (BYTES[w.dtype] ?? 4), 0);
    return { name: layer.name, type: layer.getClassName(), outputShape: shapeText(layer), params: trainable + nonTrainable, trainable, nonTrainable, bytes };
  });
  const sum = (key: keyof SummaryTotals) => rows.reduce((s, r) => s + r[key], 0);
  const result = new ModelSummary(model.name, rows, { params: sum('params'), trainable: sum('trainable'), nonTrainable: sum('nonTrainable'), bytes: sum('bytes') });
  if (options.show ?? true) (options.display ?? getDisplay()).show({ 'text/html': result.html, 'text/plain': result.text });
  return result;
}
