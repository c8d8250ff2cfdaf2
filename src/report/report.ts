import { z } from 'zod';
import { DisplayError, getDisplay } from '../display';
import { agree, anyObject, checkOptions, type SchemaAgrees } from '../util/options';
import type { Display } from '../display/types';
import { escapeHtml } from '../charts/escape';

/** MIME type under which `report` stores the observations as JSON for tests and tools. */
export const OBSERVATIONS_MIME = 'application/vnd.trainlab.observations+json';

/** A value a tutorial observed: numbers, text, flags, and lists or records of them. */
export type Observation = number | string | boolean | null | Observation[] | { [key: string]: Observation };

const reportSchema = z.strictObject({ title: z.string().optional(), display: anyObject<Display>('a Display object (e.g. from getDisplay())').optional() });

export interface ReportOptions {
  /** Heading above the table. Defaults to 'What this notebook observed'. */
  title?: string;
  /** Where to show it. Defaults to `getDisplay()`. */
  display?: Display;
}

/** Flattens nested records to `a.b.c` rows; arrays of numbers stay one row. */
export function observationRows(observations: { [key: string]: Observation }, prefix = ''): Array<[string, string]> {
  return Object.entries(observations).flatMap(([key, value]): Array<[string, string]> => {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return observationRows(value, name);
    return [[name, formatValue(value)]];
  });
}

function formatValue(value: Observation): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

agree<SchemaAgrees<ReportOptions, typeof reportSchema>>();

/**
 * Shows what a notebook observed as a table, and stores it as JSON in the same output
 * (MIME `application/vnd.trainlab.observations+json`) so tests can assert the claims.
 * Returns the observations, so the call can end a cell.
 */
export function report<T extends { [key: string]: Observation }>(observations: T, options: ReportOptions = {}): T {
  if (observations === null || typeof observations !== 'object' || Array.isArray(observations)) {
    throw new DisplayError(`report: observations must be an object of named values, received ${Array.isArray(observations) ? 'an array' : String(observations)}. Pass e.g. report({ finalLoss: 0.1 }).`);
  }
  checkOptions('report', reportSchema, options, (message, issues) => new DisplayError(message, issues));
  const json = JSON.parse(JSON.stringify(observations)) as T;
  const title = options.title ?? 'What this notebook observed';
  const rows = observationRows(json);
  const html =
    `<div class="trainlab-report"><strong>${escapeHtml(title)}</strong>` +
    `<table><thead><tr><th>observation</th><th>value</th></tr></thead><tbody>` +
    rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('') +
    `</tbody></table></div>`;
  const width = Math.max(11, ...rows.map(([k]) => k.length));
  const text = [title, ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`)].join('\n');
  (options.display ?? getDisplay()).show({ [OBSERVATIONS_MIME]: json, 'text/html': html, 'text/plain': text });
  return json;
}
