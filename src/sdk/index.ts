/**
 * The backend kit's typed SDK: one `createClient` that composes a namespace per concern over
 * `@supabase/supabase-js`. Every method returns `{ data, error }` with a typed `SdkError`.
 */
import { createClient as createSupabaseClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { SystemClient } from './SystemClient.ts';

export * from './errors.ts';
export type { Database, Json } from './database.types.ts';
export type { Health } from './SystemClient.ts';

export interface KitClient {
  /** The underlying supabase-js client, typed with the generated `Database`. */
  supabase: SupabaseClient<Database>;
  auth: SupabaseClient<Database>['auth'];
  system: SystemClient;
}

/**
 * Creates the SDK client.
 *
 * @example
 * const kit = createClient('http://127.0.0.1:54321', 'sb_publishable_…');
 * const { data, error } = await kit.system.health();
 */
export function createClient(url: string, key: string, options?: SupabaseClientOptions<'public'>): KitClient {
  const supabase = createSupabaseClient<Database>(url, key, options);
  return { supabase, auth: supabase.auth, system: new SystemClient(supabase) };
}
