/** Backend-wide calls that need no user: the health check. */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import type { Result } from './errors.ts';
import { functionsError } from './functions.ts';

export { functionsError } from './functions.ts';

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
