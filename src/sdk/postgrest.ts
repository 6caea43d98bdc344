/**
 * Paging and idempotency keys of PostgREST calls. Their errors, whatever the module, go through
 * `errorFromPostgrest` (errors.ts), which keeps the kit's stable codes.
 */
import { idempotencyKeyField } from '../../supabase/functions/_shared/schemas/marketplace.ts';
import type { PostgrestError } from '@supabase/supabase-js';
import { errorFromPostgrest, type Result, SdkApiError, type SdkError, SdkValidationError } from './errors.ts';
import type { MutationOptions } from './functions.ts';
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

/** Sends the call's `Idempotency-Key` (`options.idempotencyKey`, generated when absent) and abort signal. */
export function keyedBy<B extends KeyableBuilder<B>>(builder: B, options: MutationOptions = {}): B {
  return keyed(builder, idempotencyKey(options), options.signal);
}

/** `validation_failed` for a malformed `options.idempotencyKey`, else null (none given: one is generated at send time). */
export function badKey(options: MutationOptions = {}): SdkValidationError | null {
  if (options.idempotencyKey === undefined || idempotencyKeyField.safeParse(options.idempotencyKey).success) return null;
  return new SdkValidationError('The idempotency key is not valid', { fieldErrors: { idempotencyKey: ['Use 1 to 200 printable ASCII characters'] }, formErrors: [] });
}

/**
 * The answer to a keyed DELETE of one row: `{ id }` when it deleted the row, or when the database
 * says the key already deleted this very row (`idempotent_replay`, a retry after a lost answer);
 * `not_found` when nothing was deleted, `idempotency_key_reused` when the key deleted another row.
 */
export function removal(id: string, noun: string, answer: { data: unknown; error: PostgrestError | null; status: number }): Result<{ id: string }> {
  if (answer.error) {
    const failure = errorFromPostgrest(answer.error, answer.status);
    const replayed = replayedId(failure);
    if (replayed === null) return { data: null, error: failure };
    if (replayed !== id) return { data: null, error: new SdkApiError('This Idempotency-Key was already used for a different request', 'idempotency_key_reused', 422) };
  } else if (!answer.data || (Array.isArray(answer.data) && !answer.data.length)) {
    return { data: null, error: new SdkApiError(`No ${noun} you may delete has this id`, 'not_found', 404) };
  }
  return { data: { id }, error: null };
}
