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

/** The claims of the caller's access token (verified in `requireUser`). */
export function callerClaims(caller: Caller): Record<string, unknown> {
  return caller.claims;
}

/** Runs `work` in one transaction on behalf of `caller`. */
export function asCaller<T>(caller: Caller, work: (sql: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return sqlCall(
    () =>
      database().begin(async (sql) => {
        await sql`select set_config('request.jwt.claims', ${JSON.stringify(callerClaims(caller))}, true)`;
        return await work(sql);
      }) as Promise<T>,
  );
}
