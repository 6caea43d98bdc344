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
