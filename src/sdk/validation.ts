/**
 * Input validation in the SDK with the very zod schemas the Edge Functions use, so a bad input fails
 * before anything is sent, with the same field-level details the functions would answer.
 */
import type { z } from 'zod';
import { validate } from '../../supabase/functions/_shared/schemas/identity.ts';
import { SdkValidationError } from './errors.ts';

export type { ValidationDetails } from '../../supabase/functions/_shared/schemas/identity.ts';

/** The parsed input, or an `SdkValidationError` whose `details` name the bad fields. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): { data: z.output<S>; error: null } | { data: null; error: SdkValidationError } {
  const result = validate(schema, input);
  if (result.success) return { data: result.data, error: null };
  return { data: null, error: new SdkValidationError('Some fields are not valid', result.details) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A validation error naming `field`, in the functions' details shape. */
export function invalidField(field: string, message: string): SdkValidationError {
  return new SdkValidationError('Some fields are not valid', { fieldErrors: { [field]: [message] }, formErrors: [] });
}

/** `null` when every named value is a uuid, else the error for the first that is not (checked before any request). */
export function checkIds(ids: Record<string, unknown>): SdkValidationError | null {
  for (const [field, value] of Object.entries(ids)) {
    if (typeof value !== 'string' || !UUID.test(value)) return invalidField(field, 'Use a UUID');
  }
  return null;
}

/** `null` when `value` is one of `allowed`, else the error naming `field` (checked before any request). */
export function checkEnum(field: string, value: unknown, allowed: readonly string[]): SdkValidationError | null {
  if (typeof value === 'string' && allowed.includes(value)) return null;
  return invalidField(field, `Use one of ${allowed.join(', ')}`);
}

/** The object without its `undefined` fields (zod's optional output), as PostgREST's typed builders expect them. */
export function definedFields<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
