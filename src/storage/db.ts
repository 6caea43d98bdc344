/**
 * The server's one connection pool (as `supabase_storage_admin`, like storage-api) and the scoped
 * transaction every operation's SQL runs in: `set_config('role', …)` plus the request's claims,
 * headers, method, path and storage operation, transaction-local, so RLS on `storage.objects` and
 * `storage.buckets` decides exactly as on hosted Supabase. Service steps use the same scope with
 * `service_role`.
 */
import pg from 'pg';
import type { StorageConfig } from './config.ts';
import { fromPostgres } from './errors.ts';

/** Who a request acts as. */
export interface Caller {
  role: string;
  /** Raw JWT (`request.jwt`). */
  token: string;
  claims: Record<string, unknown>;
  sub: string | undefined;
  /** False for a missing or invalid token on routes that allow it: only public buckets are readable. */
  authenticated: boolean;
}

/** The request facts a scope carries into `request.*` settings. */
export interface RequestFacts {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** The only roles a token may act as; anything else is refused before any SQL runs. */
export const API_ROLES = new Set(['anon', 'authenticated', 'service_role']);

export function createPool(config: StorageConfig, max = 20): pg.Pool {
  const pool = new pg.Pool({
    ...config.db,
    max,
    idleTimeoutMillis: 30_000,
    options: '-c TimeZone=UTC -c search_path=storage,public,extensions',
    application_name: 'local-storage',
  });
  pool.on('error', () => undefined);
  return pool;
}

export function serviceCaller(config: StorageConfig): Caller {
  return { role: 'service_role', token: config.serviceKey, claims: { role: 'service_role' }, sub: undefined, authenticated: true };
}

const SCOPE_SQL = `select set_config('role', $1, true),
  set_config('request.jwt.claim.role', $1, true),
  set_config('request.jwt', $2, true),
  set_config('request.jwt.claim.sub', $3, true),
  set_config('request.jwt.claims', $4, true),
  set_config('request.headers', $5, true),
  set_config('request.method', $6, true),
  set_config('request.path', $7, true),
  set_config('storage.operation', $8, true),
  set_config('storage.allow_delete_query', 'true', true)`;

export interface Scope {
  caller: Caller;
  request: RequestFacts;
  operation: string;
}

/**
 * Runs `work` in one transaction scoped to the caller. `probe: true` rolls back instead of committing
 * (permission probes). Postgres errors become storage-api errors (42501 → 403 AccessDenied, …).
 */
export async function inScope<T>(pool: pg.Pool, scope: Scope, work: (tx: pg.PoolClient) => Promise<T>, options: { probe?: boolean } = {}): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    try {
      const { caller, request } = scope;
      await client.query(SCOPE_SQL, [
        caller.role,
        caller.token,
        caller.sub ?? '',
        JSON.stringify(caller.claims),
        JSON.stringify(request.headers),
        request.method,
        request.path,
        scope.operation,
      ]);
      const result = await work(client);
      await client.query(options.probe ? 'rollback' : 'commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch((e: unknown) => (broken = e as Error));
      throw fromPostgres(error);
    }
  } finally {
    client.release(broken);
  }
}
