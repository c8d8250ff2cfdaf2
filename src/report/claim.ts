import { z } from 'zod';
import { DisplayError, getDisplay } from '../display';
import { agree, anyObject, checkOptions, type SchemaAgrees } from '../util/options';
import { showValue } from '../util/errors';
import type { Display } from '../display/types';
import { escapeHtml } from '../charts/escape';

/** MIME type under which `claim` stores its record as JSON, for tests that read an executed notebook. */
export const CLAIM_MIME = 'application/vnd.trainlab.claim+json';

/** The numbers behind a claim: named numbers or strings (`{adam: 12, sgd: 40}`), or one sentence. */
export type Evidence = string | { [name: string]: number | string };

/** What `claim` shows and records. */
export interface ClaimRecord {
  /** The sentence claimed, e.g. 'Adam reaches loss 0.1 in fewer epochs than SGD'. */
  text: string;
  /** Whether the experiment above bears it out. */
  holds: boolean;
  /** The numbers it rests on, when given. */
  evidence?: Evidence;
}

export interface ClaimOptions {
  /** Where to show it. Defaults to `getDisplay()`. */
  display?: Display;
}

const claimSchema = z.strictObject({ display: anyObject<Display>('a Display object (e.g. from getDisplay())').optional() });
agree<SchemaAgrees<ClaimOptions, typeof claimSchema>>();

/** A number as evidence shows it: integers whole (counts, epochs), others to 3 significant digits. */
export function formatEvidenceNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(3)));
}

/** Evidence as one compact line: `adam: 12, sgd: 40` (or the sentence as given). */
export function formatEvidence(evidence: Evidence): string {
  if (typeof evidence === 'string') return evidence;
  return Object.entries(evidence)
    .map(([name, v]) => `${name}: ${typeof v === 'number' ? formatEvidenceNumber(v) : v}`)
    .join(', ');
}

function evidenceProblem(evidence: unknown): string | undefined {
  if (evidence === undefined || typeof evidence === 'string') return undefined;
  if (typeof evidence !== 'object' || evidence === null || Array.isArray(evidence)) {
    return `evidence must be a record of named numbers or strings, or a string; received ${Array.isArray(evidence) ? 'an array' : showValue(evidence)}. Pass e.g. {adam: 12, sgd: 40}.`;
  }
  const bad = Object.entries(evidence).filter(([, v]) => typeof v !== 'number' && typeof v !== 'string');
  if (bad.length === 0) return undefined;
  return `evidence values must be numbers or strings; ${bad.map(([k, v]) => `'${k}' is ${showValue(v)}`).join(', ')}. Pass the number itself (e.g. tensor.dataSync()[0], run.final.loss).`;
}

/**
 * States a result right after the experiment that shows it: one line, `✓ text — evidence`
 * when `holds` is true and `✗ text — evidence` when not, so a reader who changes a setting
 * sees which claims stop holding. The record is stored in the same output as JSON (MIME
 * `application/vnd.trainlab.claim+json`) for tests to read back. Returns the record (end
 * the line with `;` when it is a cell's last, or the cell shows the record a second time).
 *
 * @example claim('Adam reaches loss 0.1 first', adamEpochs < sgdEpochs, {adam: adamEpochs, sgd: sgdEpochs});
 */
export function claim(text: string, holds: boolean, evidence?: Evidence, options: ClaimOptions = {}): ClaimRecord {
  const problems: string[] = [];
  if (typeof text !== 'string' || text.trim() === '') problems.push(`text must be a non-empty sentence; received ${showValue(text)}. Pass e.g. claim('the loss falls', loss < 0.5).`);
  if (typeof holds !== 'boolean') {
    problems.push(`holds must be a boolean (whether the claim is borne out); received ${showValue(holds)}${typeof holds === 'number' ? ' (a number)' : ''}. Pass a comparison, e.g. claim('the loss falls', last < first).`);
  }
  const bad = evidenceProblem(evidence);
  if (bad !== undefined) problems.push(bad);
  if (problems.length > 0) throw new DisplayError(problems.length === 1 ? `claim: ${problems[0]}` : `claim: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  checkOptions('claim', claimSchema, options, (message, issues) => new DisplayError(message, issues));

  const record: ClaimRecord = evidence === undefined ? { text, holds } : { text, holds, evidence: typeof evidence === 'string' ? evidence : { ...evidence } };
  const mark = holds ? '✓' : '✗';
  const tail = evidence === undefined ? '' : ` — ${formatEvidence(evidence)}`;
  const colour = holds ? '#1a7f37' : '#cf222e';
  const html =
    `<div class="trainlab-claim" data-holds="${holds}"><span style="color:${colour};font-weight:bold">${mark}</span> ` +
    `${escapeHtml(text)}${tail === '' ? '' : `<span style="color:#57606a">${escapeHtml(tail)}</span>`}</div>`;
  (options.display ?? getDisplay()).show({ [CLAIM_MIME]: JSON.parse(JSON.stringify(record)) as unknown, 'text/html': html, 'text/plain': `${mark} ${text}${tail}` });
  return record;
}
