/** Two-column key → value tables (a config, a run's summary) as HTML and aligned text. */
import { escapeHtml } from '../charts/escape';

export type KeyValueRows = ReadonlyArray<readonly [string, string]>;

/** The rows as `<tr>`s: keys in a `keyCell` (`td` or `th`), both escaped, left-aligned. */
export function keyValueHtmlRows(rows: KeyValueRows, keyCell: 'td' | 'th'): string {
  return rows.map(([k, v]) => `<tr><${keyCell} style="text-align:left">${escapeHtml(k)}</${keyCell}><td style="text-align:left">${escapeHtml(v)}</td></tr>`).join('');
}

/** `title`, then one indented line per row with the keys padded to one width. */
export function keyValueTextLines(title: string, rows: KeyValueRows): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return [title, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
}
