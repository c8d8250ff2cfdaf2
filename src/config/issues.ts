/**
 * Validation problems as data (zod style): each issue names the field path, the value
 * received and what is allowed; the words are produced from that data in one place.
 */
import type { z } from 'zod';
import { didYouMean, levenshtein } from '../util/names';
import { TrainlabError, tensorText, type ValidationIssue } from '../util/errors';

export { didYouMean, levenshtein };
export type { ValidationIssue };

/** Base class of trainlab's validation errors; carries every problem found, not only the first. */
export class ValidationError extends TrainlabError {
  constructor(component: string, issues: ValidationIssue[]) {
    super(formatIssues(component, issues), issues);
    this.name = 'ValidationError';
  }
}

/** Thrown by `defineConfig` (and config helpers) for invalid training configs. */
export class ConfigError extends ValidationError {
  constructor(component: string, issues: ValidationIssue[]) {
    super(component, issues);
    this.name = 'ConfigError';
  }
}

/** `component: <message>` for one issue; a bulleted list for several. */
export function formatIssues(component: string, issues: readonly ValidationIssue[]): string {
  if (issues.length === 1) return `${component}: ${issues[0].message}`;
  const lines = issues.map((issue) => `  - ${issue.message}`);
  return `${component}: ${issues.length} problems:\n${lines.join('\n')}`;
}

/** Renders a value for a message: strings quoted, numbers as written, objects as short JSON. */
export function show(value: unknown): string {
  if (isTensor(value)) return tensorText(value);
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) {
    const text = safeJson(value);
    return text !== undefined && text.length <= 40 ? text : `an array of length ${value.length}`;
  }
  const text = safeJson(value);
  return text !== undefined && text.length <= 60 ? text : 'an object';
}

function isTensor(value: unknown): value is { shape: number[]; dtype: string; isDisposed: boolean } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { shape?: unknown }).shape) && 'dataId' in value;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** Kind of a value as a reader would say it: 'a string', 'NaN', 'an array', ... */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** `a.b[2].c` from a path array. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Joins a prefix and a path: `joinPath('optimizer', 'beta1')` → `optimizer.beta1`. */
export function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** The value at `path` inside `input`, or undefined. */
export function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `'a' | 'b' | 'c'` */
export function listChoices(choices: readonly string[]): string {
  return choices.map((c) => `'${c}'`).join(' | ');
}

/**
 * Common abbreviations users type for names trainlab spells out, by kind of name; only
 * used to suggest the right name, never accepted silently.
 */
const ALIASES: Record<string, Record<string, string>> = {
  loss: {
    mse: 'meanSquaredError',
    mae: 'meanAbsoluteError',
    mape: 'meanAbsolutePercentageError',
    msle: 'meanSquaredLogarithmicError',
    bce: 'binaryCrossentropy',
    cce: 'categoricalCrossentropy',
    crossentropy: 'categoricalCrossentropy',
    kld: 'kullbackLeiblerDivergence',
    huberloss: 'huber',
  },
  optimizer: { nesterov: 'momentum', rms: 'rmsprop', adamweightdecay: 'adamw' },
  metric: { accuracy_score: 'accuracy', binary_accuracy: 'binaryAccuracy' },
};

/** An issue for a string that is not one of `choices`, with a did-you-mean when one is close. */
export function enumIssue(path: string, received: unknown, choices: readonly string[], what: string): ValidationIssue {
  const expected = listChoices(choices);
  if (typeof received !== 'string') {
    return { path, received, expected, message: `${path} must be one of ${expected}; received ${describe(received)}.` };
  }
  const alias = ALIASES[what]?.[received.toLowerCase()];
  const guess = alias !== undefined && choices.includes(alias) ? alias : didYouMean(received, choices);
  const hint = guess !== undefined ? ` Did you mean '${guess}'?` : '';
  return {
    path,
    received,
    expected,
    message: `${path}: '${received}' is not a known ${what}; expected one of ${expected}.${hint}`,
  };
}

/** "NaN", "'abc' (a string)", "-1" ... used after "received". */
export function describe(value: unknown): string {
  if (isTensor(value)) return tensorText(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}' (a string)`;
  if (typeof value === 'boolean') return `${value} (a boolean)`;
  return `${show(value)} (${kindOf(value)})`;
}

/** Extra information a schema can attach to a refinement issue (zod `params`). */
export interface IssueParams {
  expected?: string;
}

/**
 * Converts zod issues into trainlab issues with our own wording. `input` is the value
 * that was parsed (zod 4 leaves the received value out of issues by default), `schema`
 * the schema it was parsed with (to list the allowed keys of an object); `prefix` is
 * prepended to every path.
 */
export function fromZodIssues(
  zodIssues: readonly z.core.$ZodIssue[],
  input: unknown,
  schema: z.ZodType,
  prefix = '',
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of zodIssues) out.push(...convert(issue, input, schema, prefix));
  return out;
}

function convert(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType, prefix: string): ValidationIssue[] {
  const basePath = issue.path as PropertyKey[];
  const path = joinPath(prefix, formatPath(basePath));
  const received = valueAt(input, basePath);
  const name = path === '' ? 'options' : path;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const parent = valueAt(input, basePath);
      const known = knownKeysAt(schema, basePath, input);
      return issue.keys.map((key) => {
        const keyPath = joinPath(path, key);
        const guess = didYouMean(key, known);
        const hint = guess !== undefined ? ` Did you mean '${guess}'?` : ` Known options: ${known.join(', ')}.`;
        return {
          path: keyPath,
          received: valueAt(parent, [key]),
          expected: known.join(' | '),
          message: `${keyPath} is not a known option.${hint}`,
        };
      });
    }
    case 'invalid_type': {
      const expected = expectedTypeText(issue.expected);
      const missing = basePath.length > 0 && received === undefined && !hasKey(valueAt(input, basePath.slice(0, -1)), basePath[basePath.length - 1]);
      const message = missing
        ? `${name} is required: ${expected}.`
        : `${name} must be ${expected}; received ${describe(received)}.`;
      return [{ path, received, expected, message }];
    }
    case 'invalid_value': {
      if (issue.values.every((v) => typeof v === 'string')) {
        return [enumIssue(path, received, issue.values as string[], enumKind(basePath))];
      }
      const expected = issue.values.map((v) => show(v)).join(' or ');
      return [{ path, received, expected, message: `${name} must be ${expected}; received ${describe(received)}.` }];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = Number(small ? issue.minimum : (issue as z.core.$ZodIssueTooBig).maximum);
      const expected =
        issue.origin === 'array' || issue.origin === 'string'
          ? `${issue.origin === 'array' ? 'an array' : 'a string'} with ${small ? 'at least' : 'at most'} ${limit} ${issue.origin === 'array' ? 'item' : 'character'}${limit === 1 ? '' : 's'}`
          : `a number ${small ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<'} ${limit}`;
      return [{ path, received, expected, message: `${name} must be ${expected}; received ${describe(received)}.` }];
    }
    case 'invalid_union': {
      // Report the branch whose root type matched: its only root-level issues are unknown keys.
      const fitting = issue.errors.find(
        (branch) => branch.length > 0 && branch.every((b) => b.path.length > 0 || b.code === 'unrecognized_keys'),
      );
      if (fitting !== undefined) {
        return fitting.flatMap((b) =>
          convert({ ...b, path: [...basePath, ...b.path] } as z.core.$ZodIssue, input, schema, prefix),
        );
      }
      const forms = issue.errors.flatMap((branch) => branch.filter((b) => b.path.length === 0).map(rootExpectation));
      const expected = forms.length > 0 ? forms.join(' or ') : 'one of the allowed forms';
      return [{ path, received, expected, message: `${name} must be ${expected}; received ${describe(received)}.` }];
    }
    case 'custom': {
      const params = (issue.params ?? {}) as IssueParams;
      return [{ path, received, expected: params.expected, message: `${name} ${issue.message}; received ${describe(received)}.` }];
    }
    default: {
      return [{ path, received, message: `${name}: ${issue.message}; received ${describe(received)}.` }];
    }
  }
}

function hasKey(parent: unknown, key: PropertyKey | undefined): boolean {
  return key !== undefined && parent !== null && typeof parent === 'object' && Object.hasOwn(parent, key);
}

function rootExpectation(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return expectedTypeText(issue.expected);
  if (issue.code === 'invalid_value') return issue.values.map((v) => show(v)).join(' or ');
  return issue.message;
}

const KINDS: Record<string, string> = { metrics: 'metric', loss: 'loss', mode: 'mode', per: 'schedule unit' };

/** What kind of name a field holds, for "is not a known <kind>". */
function enumKind(path: readonly PropertyKey[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i];
    if (typeof key === 'string') return KINDS[key] ?? 'value';
  }
  return 'value';
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { def: SchemaDef }).def;
}

/** Descends `schema` along `path` (through optional/default/union/array) to the object schema there. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  let current: z.ZodType | undefined = schema;
  let value: unknown = input;
  for (let i = 0; i <= path.length && current !== undefined; ) {
    const def = defOf(current);
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === 'pipe' && def.in !== undefined) current = def.in;
    else if (def.type === 'union' && def.options !== undefined) {
      current = def.options.find((o) => defOf(o).type === 'object' || defOf(o).innerType !== undefined);
    } else if (i === path.length) break;
    else if (def.type === 'object' && def.shape !== undefined) {
      current = def.shape[String(path[i])];
      value = valueAt(value, [path[i]]);
      i++;
    } else if (def.type === 'array' && def.element !== undefined) {
      current = def.element;
      value = valueAt(value, [path[i]]);
      i++;
    } else return [];
  }
  if (current === undefined) return [];
  const def = defOf(current);
  return def.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : [];
}

function expectedTypeText(expected: string): string {
  switch (expected) {
    case 'number':
      return 'a finite number';
    case 'int':
      return 'an integer';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
    default:
      return expected;
  }
}

/**
 * Parses `input` with `schema`; on failure throws `makeError(issues)` listing every
 * problem. Returns the parsed (defaulted) value.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  makeError: (issues: ValidationIssue[]) => Error,
  prefix = '',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw makeError(fromZodIssues(result.error.issues, input, schema, prefix));
}
