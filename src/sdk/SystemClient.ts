/** Backend-wide calls that need no user: the health check. */
import type { SupabaseClient } from '@supabase/supabase-js';
import { FunctionsFetchError, FunctionsHttpError, FunctionsRelayError } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromResponse, SdkApiError, SdkNetworkError, SdkRelayError, type Result } from './errors.ts';

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  database: 'ok' | 'unreachable';
}

export class SystemClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Is the backend up, and can it reach its database?
   *
   * @example
   * const { data, error } = await kit.system.health();
   * if (data?.status === 'ok') console.log(`backend ${data.version} is healthy`);
   */
  async health(): Promise<Result<Health>> {
    const { data, error } = await this.supabase.functions.invoke<Health>('health', { method: 'GET' });
    if (!error) return { data: data as Health, error: null };
    return { data: null, error: await functionsError(error) };
  }
}

/** Maps supabase-js's functions errors onto the SDK's error classes. */
export async function functionsError(error: unknown): Promise<SdkApiError | SdkNetworkError | SdkRelayError> {
  if (error instanceof FunctionsHttpError) {
    const response = error.context as Response;
    const body = await response.json().catch(() => null);
    return errorFromResponse(response.status, body);
  }
  if (error instanceof FunctionsRelayError) {
    const response = error.context as Response;
    return new SdkRelayError(error.message, response?.status ?? 502);
  }
  if (error instanceof FunctionsFetchError) return new SdkNetworkError(error.message, String(error.context));
  return new SdkNetworkError(error instanceof Error ? error.message : String(error));
}
