/**
 * Calling the kit's Edge Functions from the SDK: one `invoke` that adds an `Idempotency-Key` to
 * mutating calls (generated when the caller gives none, as stripe-node does) and maps supabase-js's
 * functions errors onto the SDK's error classes.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { FunctionsFetchError, FunctionsHttpError, FunctionsRelayError } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromResponse, SdkApiError, SdkNetworkError, SdkRelayError, type Result } from './errors.ts';

/** Options of every mutating SDK call. */
export interface MutationOptions {
  /**
   * Sent as `Idempotency-Key`: a retry with the same key returns the first result instead of doing the
   * work twice. Generated per call when absent; pass your own to make retries across calls safe.
   */
  idempotencyKey?: string;
  /** Aborts the request (e.g. when the user navigates away). */
  signal?: AbortSignal;
}

/** Maps supabase-js's functions errors onto the SDK's error classes. */
export async function functionsError(error: unknown): Promise<SdkApiError | SdkNetworkError | SdkRelayError> {
  if (error instanceof FunctionsHttpError) {
    const response = error.context as Response;
    const body: unknown = await response.json().catch(() => null);
    return errorFromResponse(response.status, body);
  }
  if (error instanceof FunctionsRelayError) {
    const response = error.context as Response;
    return new SdkRelayError(error.message, response.status);
  }
  if (error instanceof FunctionsFetchError) return new SdkNetworkError(error.message, String(error.context));
  return new SdkNetworkError(error instanceof Error ? error.message : String(error));
}

/** POSTs `body` to the function `name` with an idempotency key; `{ data, error }` either way. */
export async function invokeMutation<T>(supabase: SupabaseClient<Database>, name: string, body: unknown, options: MutationOptions = {}): Promise<Result<T>> {
  // supabase-js types a failure's error as any.
  const response: { data: T | null; error: unknown } = await supabase.functions.invoke<T>(name, {
    method: 'POST',
    body: body as Record<string, unknown>,
    headers: { 'Idempotency-Key': options.idempotencyKey ?? crypto.randomUUID() },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const { data, error } = response;
  if (error) return { data: null, error: await functionsError(error) };
  return { data: data as T, error: null };
}
