/**
 * Pure functions of the extension: a drawn chart's picture put into its saved HTML.
 *
 * A trainlab chart output's HTML starts its chart with `<div id="trainlab-chart-…"
 * class="trainlab-chart" …>` holding one line of placeholder text (src/charts/html.ts). The
 * picture goes in front of that line, so where scripts do not run (an untrusted notebook)
 * the reader sees the chart as it was drawn and, below it, the line saying how to trust the
 * notebook. Where scripts run, the chart's own script empties the element before drawing.
 */

/** A PNG of a drawn chart (base64, no `data:` prefix) and its size in CSS pixels. */
export interface Snapshot {
  png: string;
  width: number;
  height: number;
}

const IMG_CLASS = 'trainlab-snapshot';
const OLD_IMG = new RegExp(`^<img class="${IMG_CLASS}"[^>]*>`);
const ALT = 'Static picture of the chart, saved when it was last drawn';
/** Scaled down to leave room, in the chart's fixed-height element, for the placeholder line below it (two lines when it wraps). */
const IMG_STYLE = 'display:block;width:auto;height:auto;max-width:100%;max-height:calc(100% - 48px);';

function chartOpenTag(id: string): RegExp {
  return new RegExp(`<div id="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" class="trainlab-chart"[^>]*>`);
}

/** Ids of the trainlab charts in an output's HTML, in order. */
export function chartIds(html: string): string[] {
  return Array.from(html.matchAll(/<div id="([^"]+)" class="trainlab-chart"/g), (m) => m[1]);
}

/** `html` with the chart `id` showing `snap` first (a picture saved before is replaced). Unchanged when the chart is not in it. */
export function withSnapshot(html: string, id: string, snap: Snapshot): string {
  const open = chartOpenTag(id).exec(html);
  if (open === null) return html;
  const at = open.index + open[0].length;
  const rest = html.slice(at).replace(OLD_IMG, '');
  const img = `<img class="${IMG_CLASS}" src="data:image/png;base64,${snap.png}" width="${Math.round(snap.width)}" height="${Math.round(snap.height)}" style="${IMG_STYLE}" alt="${ALT}">`;
  return html.slice(0, at) + img + rest;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('');
  return undefined;
}

interface NotebookJSON {
  cells?: Array<{ cell_type?: string; outputs?: Array<{ output_type?: string; data?: Record<string, unknown> }> }>;
}

/**
 * Puts each captured picture into the chart outputs of a notebook's JSON (the copy about to
 * be saved; changed in place). Outputs without a picture taken on this page stay as they are.
 * Returns how many outputs changed.
 */
export function addSnapshots(nb: NotebookJSON, snapshots: ReadonlyMap<string, Snapshot>): number {
  let changed = 0;
  for (const cell of nb.cells ?? []) {
    if (cell.cell_type !== 'code') continue;
    for (const output of cell.outputs ?? []) {
      if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') continue;
      const html = text(output.data?.['text/html']);
      if (html === undefined) continue;
      let next = html;
      for (const id of chartIds(html)) {
        const snap = snapshots.get(id);
        if (snap !== undefined) next = withSnapshot(next, id, snap);
      }
      if (next !== html) {
        output.data!['text/html'] = next;
        changed++;
      }
    }
  }
  return changed;
}
