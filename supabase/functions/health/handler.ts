/**
 * `GET /functions/v1/health`: is the backend up? Answers `{status, version, database}`; 200 when
 * the database answers, 503 when it does not. Public (verify_jwt = false): monitors carry no token.
 */
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse, HttpError, json } from '../_shared/errors.ts';
import { VERSION } from '../_shared/version.ts';

/** Checks the database with a bounded wait, so a hung connection cannot hang the health check. */
export async function checkDatabase(sql = database(), timeoutMs = 2000): Promise<'ok' | 'unreachable'> {
  let timer: number | undefined;
  const timeout = new Promise<'unreachable'>((resolve) => {
    timer = setTimeout(() => resolve('unreachable'), timeoutMs);
  });
  const probe = sql`select 1 as ok`.then(
    () => 'ok' as const,
    () => 'unreachable' as const,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function handleHealth(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return errorResponse(new HttpError('method_not_allowed', 'Use GET'));
  }
  const db = await checkDatabase();
  const ok = db === 'ok';
  return json({ status: ok ? 'ok' : 'degraded', version: VERSION, database: db }, ok ? 200 : 503);
}
