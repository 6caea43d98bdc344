/**
 * Paging and idempotency keys of PostgREST calls. Their errors, whatever the module, go through
 * `errorFromPostgrest` (errors.ts), which keeps the kit's stable codes.
 */
import { idempotencyKeyField } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import { type SdkError, SdkValidationError } from './errors.ts';
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

/** The call's idempotency key (generated when absent), or `validation_failed` for a malformed one. */
export function checkIdempotencyKey(options: { idempotencyKey?: string } = {}): { key: string; error: null } | { key: null; error: SdkValidationError } {
  const key = idempotencyKey(options);
  if (!idempotencyKeyField.safeParse(key).success) {
    return {
      key: null,
      error: new SdkValidationError('The idempotency key is not valid', { fieldErrors: { idempotencyKey: ['Use 1 to 200 printable ASCII characters'] }, formErrors: [] }),
    };
  }
  return { key, error: null };
}

/**
 * The id of the row a replayed creation made the first time: the database answers a retry with an
 * `Idempotency-Key` it has seen (same fields) with `idempotent_replay` and that id.
 */
export function replayedId(error: SdkError): string | null {
  if (error.code !== ('idempotent_replay' as SdkError['code'])) return null;
  const id = (error.details as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : null;
}

/** A PostgREST request builder that can carry a header and an abort signal. */
interface KeyableBuilder<B> {
  setHeader(name: string, value: string): B;
  abortSignal(signal: AbortSignal): B;
}

/** Sends the call's `Idempotency-Key` (and its abort signal) with a PostgREST request. */
export function keyed<B extends KeyableBuilder<B>>(builder: B, key: string, signal?: AbortSignal): B {
  const withKey = builder.setHeader('Idempotency-Key', key);
  return signal ? withKey.abortSignal(signal) : withKey;
}
