/**
 * Run-time checks of public functions' options with the same tool and words as
 * `defineConfig` (zod strict objects: unknown keys are errors with a did-you-mean).
 */
import { z } from 'zod';
import { formatIssues, fromZodIssues } from '../config/issues';
import type { ValidationIssue } from './errors';

/** Builds the error to throw from the message and the issues. */
export type MakeError = (message: string, issues: ValidationIssue[]) => Error;

/**
 * Parses `input` (a missing options object counts as `{}`) and returns it unchanged, or
 * throws `makeError` listing every problem. Non-objects (`moons(100)`) are errors too.
 */
export function checkOptions<T>(component: string, schema: z.ZodType, input: T, makeError: MakeError, prefix = ''): T {
  const issues = optionIssues(schema, input, prefix);
  if (issues.length === 0) return input;
  throw makeError(formatIssues(component, issues), issues);
}

/** The problems {@link checkOptions} would throw for, as data (none when `input` is fine), for callers that report them with others. */
export function optionIssues(schema: z.ZodType, input: unknown, prefix = ''): ValidationIssue[] {
  const result = schema.safeParse(input === undefined ? {} : input);
  if (result.success) return [];
  const issues = fromZodIssues(result.error.issues, input, schema, prefix);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const known = Object.keys((schema as unknown as { def: { shape?: Record<string, unknown> } }).def.shape ?? {});
    const message = `${prefix === '' ? 'options' : prefix} must be an options object {${known.join(', ')}}; received ${issues[0]?.received === undefined ? String(input) : describeShort(input)}. Pass e.g. {${known[0] ?? ''}: ...}.`;
    return [{ path: prefix, message, received: input, expected: 'an options object' }];
  }
  return issues;
}

function describeShort(value: unknown): string {
  if (typeof value === 'string') return `'${value}' (a string)`;
  if (Array.isArray(value)) return 'an array';
  return String(value);
}

/** Schema pieces used across modules. */
export const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
export const nonNegative = z.number().min(0);
export const positiveInt = z.number().int().min(1);
export const nonNegativeInt = z.number().int().min(0);
export const fraction = z.number().min(0).max(1);
export const verbose01 = z.union([z.literal(0), z.literal(1)]);
export const seedSchema = z.number().int();
export const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { message: 'must be a function' });

/** Any number: each function checks finiteness and range itself, with its own fix. */
export const anyNumber = z.custom<number>((v) => typeof v === 'number', { message: 'must be a number' });
/** An object (a Display, a stream): its methods are checked where they are used. */
export const anyObject = <T>(what: string) => z.custom<T>((v) => typeof v === 'object' && v !== null, { message: `must be ${what}` });

/**
 * Compile-time agreement of a hand-written options interface `I` (kept for its TSDoc and
 * its name in errors) with the schema that checks it at run time: the same keys, and every
 * value `I` allows has the schema's input type. `true` when they agree.
 */
export type SchemaAgrees<I, S extends z.ZodType> = [Exclude<keyof I, keyof z.input<S>> | Exclude<keyof z.input<S>, keyof I>] extends [never]
  ? [I] extends [z.input<S>]
    ? true
    : false
  : false;

/** `agree<SchemaAgrees<MlpOptions, typeof mlpSchema>>()` fails to compile when the two drift apart; does nothing at run time. */
export function agree<T extends true>(): T | undefined {
  return undefined;
}
