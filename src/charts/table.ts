import { ChartError, describeValue } from './errors';
import { escapeHtml } from './escape';
import { isTableLike, tableRows, type TableLike } from './history';

/** Options of {@link tableBundle}. */
export interface TableOptions {
  /** Rows shown; longer tables show the first and last halves with a gap row. Defaults to `40`. */
  maxRows?: number;
  /** Significant digits of numbers. Defaults to `5`. */
  digits?: number;
}

function cellText(v: unknown, digits: number): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(digits)));
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}

/** Rows of a DataFrame / `{columns, values}` table / array of row objects. */
export function rowsOf(input: Array<Record<string, unknown>> | TableLike, fn: string): { columns: string[]; rows: Array<Record<string, unknown>>; index?: unknown[] } {
  if (isTableLike(input)) {
    const index = (input as { index?: unknown }).index;
    return { columns: [...input.columns], rows: tableRows(input), index: Array.isArray(index) ? index : undefined };
  }
  if (!Array.isArray(input) || input.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
    throw new ChartError(`${fn}: expected a DataFrame or an array of row objects, received ${describeValue(input)}.`);
  }
  const columns: string[] = [];
  for (const r of input) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows: input };
}

/** An HTML table (every cell escaped) and a fixed-width text table of the same rows. */
export function tableBundle(input: Array<Record<string, unknown>> | TableLike, options: TableOptions = {}): { html: string; text: string } {
  const { columns, rows, index } = rowsOf(input, 'show');
  const maxRows = options.maxRows ?? 40;
  const digits = options.digits ?? 5;
  if (!Number.isInteger(maxRows) || maxRows < 2) throw new ChartError(`show: maxRows must be a whole number >= 2, received ${describeValue(maxRows)}. Pass e.g. maxRows: 40.`);
  if (!Number.isInteger(digits) || digits < 1 || digits > 21) throw new ChartError(`show: digits must be a whole number in [1, 21], received ${describeValue(digits)}. Pass e.g. digits: 5.`);
  const idx = (i: number): string => cellText(index?.[i] ?? i, digits);
  let shown: Array<number | 'gap'> = rows.map((_, i) => i);
  if (rows.length > maxRows) {
    const head = Math.ceil(maxRows / 2);
    shown = [...shown.slice(0, head), 'gap', ...shown.slice(rows.length - (maxRows - head))];
  }
  const header = ['', ...columns];
  const body = shown.map((i) => (i === 'gap' ? header.map(() => '…') : [idx(i), ...columns.map((c) => cellText(rows[i][c], digits))]));
  const numeric = columns.map((c) => rows.every((r) => typeof r[c] === 'number' || r[c] === undefined || r[c] === null));
  const align = (j: number): string => (j > 0 && numeric[j - 1] ? 'right' : 'left');
  const th = header.map((h, j) => `<th style="text-align:${align(j)}">${escapeHtml(h)}</th>`).join('');
  const trs = body.map((cells) => `<tr>${cells.map((c, j) => (j === 0 ? `<th>${escapeHtml(c)}</th>` : `<td style="text-align:${align(j)}">${escapeHtml(c)}</td>`)).join('')}</tr>`).join('');
  const caption = `${rows.length} row${rows.length === 1 ? '' : 's'} × ${columns.length} column${columns.length === 1 ? '' : 's'}`;
  const html = `<div class="trainlab-table" style="overflow:auto;max-height:640px;"><table class="dataframe"><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table><div style="font-size:11px;color:#888;">${caption}</div></div>`;
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const line = (cells: string[]): string => cells.map((c, j) => (align(j) === 'right' ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd();
  const text = [line(header), ...body.map(line), caption].join('\n');
  return { html, text };
}
