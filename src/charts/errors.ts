import { issueFromMessage, tensorText, TrainlabError, type IssueFields, type ValidationIssue } from '../util/errors';

/** Invalid input to a chart builder, `show` or `liveChart`; the message says how to fix it. */
export class ChartError extends TrainlabError {
  /** `fields` (or `issues`, for several problems) say which field and value the message is about. */
  constructor(message: string, fields: IssueFields | ValidationIssue[] = {}) {
    super(message, Array.isArray(fields) ? fields : [issueFromMessage(message, fields)]);
    this.name = 'ChartError';
  }
}

/** Short description of a received value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object' && Array.isArray((value as { shape?: unknown }).shape) && 'dataId' in value) return tensorText(value as unknown as { shape: number[]; dtype: string });
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  return `an object with keys [${Object.keys(value as object).slice(0, 8).join(', ')}]`;
}
