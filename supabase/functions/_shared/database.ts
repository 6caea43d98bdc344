/**
 * The Postgres connection of functions that need one (privileged flows, health checks).
 *
 * Where it goes: `DB_POOLER_URL` when set — a function secret holding the project's Supavisor URL in
 * transaction mode (port 6543); hosted's `SUPABASE_DB_URL` is a direct connection, and every isolate
 * opens its own pool, so at scale the direct server's connection limit runs out first. Without it,
 * `SUPABASE_DB_URL` (the local stack's database, or the direct connection on hosted). A secret cannot
 * be named `SUPABASE_…` on hosted (`supabase secrets set` skips such names), hence the plain name.
 *
 * How: one small pool per isolate (`DB_POOL_MAX`, default 3; docs/deploy.md has the connection budget),
 * idle connections closed after 20 s, and no prepared statements (`prepare: false`), which a
 * transaction-mode pooler cannot keep: each transaction may run on another server connection. The
 * cost: postgres.js sends every statement that has parameters as Parse + Describe, waits for the
 * description, and only then binds and executes it — two round trips per statement, so a hot path
 * does its work in one statement (use-tool: the session check and the use together).
 *
 * Prepared statements on the direct connection were measured (one round trip) and left off, for
 * two reasons found under load: postgres.js then pipelines several statements onto one connection,
 * and on Deno a pipelined write can race the write it scheduled with setImmediate (Deno's
 * clearImmediate does not stop it): "May not write null values to stream", uncaught, the worker dies
 * (500 concurrent use-tool calls did it within seconds). Turning pipelining off (`max_pipeline: 0`)
 * also stops postgres.js from reserving the connection of `sql.begin`, whose statements then run on
 * any connection. Without prepared statements a statement with parameters is never pipelined.
 *
 * Nothing here relies on session state: settings are `set_config(…, true)` inside a transaction,
 * and there are no session advisory locks or LISTEN.
 */
import postgres from 'postgres';

let sql: postgres.Sql | undefined;

/** The connection string and pool size the environment asks for. */
export function databaseSettings(): { url: string; pooled: boolean; max: number } {
  const pooler = Deno.env.get('DB_POOLER_URL');
  const url = pooler || Deno.env.get('SUPABASE_DB_URL');
  if (!url) throw new Error('Neither DB_POOLER_URL nor SUPABASE_DB_URL is set');
  const max = Number(Deno.env.get('DB_POOL_MAX') ?? '3');
  return { url, pooled: Boolean(pooler), max: Number.isInteger(max) && max >= 1 && max <= 20 ? max : 3 };
}

/** One small pool per function isolate, created on first use. */
export function database(): postgres.Sql {
  if (sql) return sql;
  const { url, max } = databaseSettings();
  sql = postgres(url, { max, idle_timeout: 20, connect_timeout: 3, prepare: false });
  return sql;
}

/** Closes the pool (tests; a worker being recycled). */
export async function closeDatabase(): Promise<void> {
  await sql?.end({ timeout: 1 });
  sql = undefined;
}
