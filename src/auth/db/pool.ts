/**
 * The auth server's one connection pool, as `supabase_auth_admin` like GoTrue, plus the transaction
 * helper every write goes through (GoTrue wraps each operation in one transaction; so do we).
 *
 * Timestamps are kept as the exact text Postgres sends, rewritten to RFC 3339 (`…T…Z`), because Go
 * serialises them with microseconds and a JS `Date` would drop them.
 */
import pg from 'pg';
import type { AuthConfig } from '../config.ts';

/** `2024-05-01 10:00:00.123456+00` → `2024-05-01T10:00:00.123456Z` (the session runs in UTC). */
export function pgTimestampToIso(value: string): string {
  const t = value.replace(' ', 'T');
  if (t.endsWith('+00')) return `${t.slice(0, -3)}Z`;
  if (t.endsWith('+00:00')) return `${t.slice(0, -6)}Z`;
  // timestamp without time zone: GoTrue stores UTC in it.
  if (!/[zZ]|[+-]\d\d(:?\d\d)?$/.test(t.slice(10))) return `${t}Z`;
  return new Date(t).toISOString();
}

const types = {
  getTypeParser(oid: Parameters<typeof pg.types.getTypeParser>[0], format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === pg.types.builtins.TIMESTAMPTZ || oid === pg.types.builtins.TIMESTAMP) return (value: string) => pgTimestampToIso(value);
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

/** Anything that runs queries: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/** Opens the pool (lazily connecting) with the session settings GoTrue's connections have. */
export function createPool(config: AuthConfig, max = 10): pg.Pool {
  const pool = new pg.Pool({
    host: config.db.host,
    port: config.db.port,
    user: config.db.user,
    password: config.db.password,
    database: config.db.database,
    max,
    idleTimeoutMillis: 30_000,
    types,
    // UTC so that timestamps print with +00; auth first on the path like GoTrue's role setting.
    options: '-c TimeZone=UTC -c search_path=auth',
    application_name: 'local-auth',
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Thrown inside `withTransaction` to commit what was written and still fail the request with `error`. */
export class CommitWithError extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

/**
 * Runs `work` in one transaction on one client. Any error rolls back and is rethrown, except a
 * `CommitWithError`, which commits first (GoTrue revokes a reused token family and still answers 400).
 */
export async function withTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let done = false;
  let broken: Error | undefined;
  try {
    await client.query('begin');
    let result: T;
    try {
      result = await work(client);
    } catch (error) {
      if (error instanceof CommitWithError) {
        await client.query('commit');
        done = true;
        throw error.error;
      }
      throw error;
    }
    await client.query('commit');
    done = true;
    return result;
  } catch (error) {
    if (!done) {
      await client.query('rollback').catch((rollbackError: unknown) => {
        // A connection that cannot roll back is not given back to the pool.
        broken = rollbackError as Error;
      });
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
