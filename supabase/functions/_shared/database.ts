/**
 * A direct Postgres connection for functions that need one (health checks, privileged flows),
 * from `SUPABASE_DB_URL`, which both the local stack and hosted Supabase provide.
 */
import postgres from 'postgres';

let sql: postgres.Sql | undefined;

/** One small pool per function worker, created on first use. */
export function database(): postgres.Sql {
  const url = Deno.env.get('SUPABASE_DB_URL');
  if (!url) throw new Error('SUPABASE_DB_URL is not set');
  sql ??= postgres(url, { max: 3, idle_timeout: 20, connect_timeout: 3, prepare: false });
  return sql;
}

/** Closes the pool (tests; a worker being recycled). */
export async function closeDatabase(): Promise<void> {
  await sql?.end({ timeout: 1 });
  sql = undefined;
}
