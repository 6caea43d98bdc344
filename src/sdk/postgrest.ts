/**
 * PostgREST answers of the wallet and marketplace namespaces. Their SQL functions refuse requests with
 * a stable code (`insufficient_points`, `tool_not_found`…, raised as PostgREST's `PGRST` errors), which
 * comes back as the error's `code`: the SDK passes it through unchanged. Anything else (Postgres
 * SQLSTATEs, PostgREST's own codes) is mapped by `errorFromPostgrest`.
 */
import { errorFromPostgrest, SdkApiError, type SdkError, SdkValidationError } from './errors.ts';
import { type PageQuery, pageRange } from './pages.ts';

interface PostgrestErrorLike {
  message: string;
  code?: string;
  details?: string | null;
  hint?: string | null;
}

/** Postgres and PostgREST codes are upper-case or digits; the kit's own codes are snake_case words. */
const KIT_CODE = /^[a-z][a-z0-9_]*$/;

/** The `SdkError` for a failed PostgREST call, keeping the kit's stable codes. */
export function fromPostgrest(error: PostgrestErrorLike, status: number): SdkError {
  if (error.code && KIT_CODE.test(error.code)) {
    return new SdkApiError(error.message, error.code, status, error.details ? { details: error.details } : undefined);
  }
  return errorFromPostgrest(error, status);
}

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
