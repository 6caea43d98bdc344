/**
 * Paging and idempotency keys of PostgREST calls. Their errors, whatever the module, go through
 * `errorFromPostgrest` (errors.ts), which keeps the kit's stable codes.
 */
import { SdkValidationError } from './errors.ts';
import { type PageQuery, pageRange } from './pages.ts';

/** The row range of a page (pages.ts: 1-based, 50 by default, at most 1000), or a validation error. */
export function pageOf(query: PageQuery): { page: number; perPage: number; from: number; to: number; error: null } | { error: SdkValidationError } {
  const range = pageRange(query);
  if ('error' in range) return { error: new SdkValidationError('The page is not valid', { fieldErrors: range.error, formErrors: [] }) };
  return { ...range, error: null };
}

/** A fresh idempotency key when the caller gives none (as stripe-node does). */
export function idempotencyKey(options: { idempotencyKey?: string } = {}): string {
  return options.idempotencyKey ?? crypto.randomUUID();
}
