/**
 * The one base of every error trainlab throws on purpose: the message is for people,
 * `issues` is the same content as data (zod style), so code and tests need not parse words.
 */

/** One problem found in the input. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `earlyStopping.patience`, `data.y` or `metrics[1]`; '' for the whole input. */
  path: string;
  /** Complete sentence describing the problem and the fix. */
  message: string;
  /** The value that was received (`undefined` when the field was missing or the value is not kept). */
  received: unknown;
  /** What is allowed, e.g. `a number > 0` or `'sgd' | 'adam'`. */
  expected?: string;
}

/** Base class of trainlab's errors: `instanceof TrainlabError` tells trainlab's own checks from tfjs's and node's errors. */
export class TrainlabError extends Error {
  /** Every problem found, in input order (at least one). */
  readonly issues: ValidationIssue[];

  constructor(message: string, issues?: ValidationIssue[], options?: ErrorOptions) {
    super(message, options);
    this.name = 'TrainlabError';
    this.issues = issues !== undefined && issues.length > 0 ? issues : [issueFromMessage(message)];
  }
}

/** Issue fields a throw site can state beside its message. */
export type IssueFields = Partial<Omit<ValidationIssue, 'message'>>;

/**
 * An issue for a hand-written message: `path` defaults to the field the sentence starts
 * with after `component: ` (`'data.x must be ...'` → `data.x`), '' when it names none.
 */
export function issueFromMessage(message: string, fields: IssueFields = {}): ValidationIssue {
  const body = message.replace(/^[\w.]+: /, '');
  const lead = /^(?:options\.)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d+\])*)\b/.exec(body)?.[1] ?? '';
  const path = fields.path ?? (/^(?:the|a|an|no|this|it|one|every|each)$/i.test(lead) ? '' : lead);
  return { path, message, received: fields.received, ...(fields.expected !== undefined ? { expected: fields.expected } : {}) };
}

interface TensorLike {
  shape: number[];
  dtype: string;
  isDisposed?: boolean;
  rankType?: unknown;
  dataId?: unknown;
}

function isTensorLike(value: unknown): value is TensorLike {
  return typeof value === 'object' && value !== null && Array.isArray((value as TensorLike).shape) && typeof (value as TensorLike).dtype === 'string' && 'dataId' in value;
}

/** `Tensor [40, 2] float32` (or `disposed Tensor [40, 2] float32`): how messages show a tensor, never its internals. */
export function tensorText(value: { shape: readonly number[]; dtype: string; isDisposed?: boolean }): string {
  return `${value.isDisposed === true ? 'disposed ' : ''}Tensor [${value.shape.join(', ')}] ${value.dtype}`;
}

/**
 * A value as error messages show it: tensors as `Tensor [40, 2] float32`, models by name,
 * arrays of tensors item by item, strings quoted, other objects as short JSON.
 */
export function showValue(value: unknown): string {
  if (isTensorLike(value)) return tensorText(value);
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === undefined || value === null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null && typeof (value as { getClassName?: unknown }).getClassName === 'function' && 'layers' in value) {
    return `a ${(value as unknown as { getClassName(): string }).getClassName()} '${String((value as { name?: unknown }).name)}'`;
  }
  if (Array.isArray(value)) {
    if (value.some(isTensorLike)) return `[${value.slice(0, 4).map(showValue).join(', ')}${value.length > 4 ? ', ...' : ''}]`;
    const text = safeJson(value);
    return text !== undefined && text.length <= 60 ? text : `an array of length ${value.length}`;
  }
  if (typeof value === 'object' && Object.values(value as object).some(isTensorLike)) {
    const entries = Object.entries(value as object).slice(0, 4).map(([k, v]) => `${k}: ${showValue(v)}`);
    return `{${entries.join(', ')}}`;
  }
  const text = safeJson(value);
  if (text === undefined) return Object.prototype.toString.call(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
