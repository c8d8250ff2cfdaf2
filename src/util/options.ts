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
  const result = schema.safeParse(input === undefined ? {} : input);
  if (result.success) return input;
  const issues = fromZodIssues(result.error.issues, input, schema, prefix);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const known = Object.keys((schema as unknown as { def: { shape?: Record<string, unknown> } }).def.shape ?? {});
    const message = `${prefix === '' ? 'options' : prefix} must be an options object {${known.join(', ')}}; received ${issues[0]?.received === undefined ? String(input) : describeShort(input)}. Pass e.g. {${known[0] ?? ''}: ...}.`;
    issues.splice(0, issues.length, { path: prefix, message, received: input, expected: 'an options object' });
  }
  throw makeError(formatIssues(component, issues), issues);
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
