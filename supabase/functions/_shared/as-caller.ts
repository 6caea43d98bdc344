/**
 * Runs SQL on the functions' direct connection *as the signed-in caller*: one transaction whose
 * `request.jwt.claims` are the caller's verified token claims, exactly what PostgREST sets. So
 * `auth.uid()`, `private.is_admin()` and every rule in the database see the real caller, while the
 * function can run several statements atomically. API errors raised in SQL (`PGRST`) come back as
 * `HttpError`s (_shared/sql-errors.ts).
 */
import type postgres from 'postgres';
import { database } from './database.ts';
import { sqlCall } from './sql-errors.ts';
import type { Caller } from './supabase.ts';

/** The claims of the caller's access token (already verified by Auth in `requireUser`). */
export function callerClaims(caller: Caller): Record<string, unknown> {
  const payload = caller.accessToken.split('.')[1] ?? '';
  try {
    const text = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    if (claims.sub === caller.id) return claims;
  } catch {
    // fall through to the minimal claims
  }
  return { sub: caller.id, role: 'authenticated', aud: 'authenticated', email: caller.email };
}

/** Runs `work` in one transaction on behalf of `caller`. */
export function asCaller<T>(caller: Caller, work: (sql: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return sqlCall(() =>
    database().begin(async (sql) => {
      await sql`select set_config('request.jwt.claims', ${JSON.stringify(callerClaims(caller))}, true)`;
      return await work(sql);
    }) as Promise<T>,
  );
}
