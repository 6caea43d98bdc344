/**
 * SQL functions report expected failures the way PostgREST understands (`raise sqlstate 'PGRST'` with
 * `{code, message, details}` as the message and `{status}` as the detail), so REST callers get a
 * stable `error.code`. Functions that call the same SQL over their direct connection turn those
 * errors into the same `HttpError` here; anything else stays an unexpected error (500, logged).
 */
import { type ErrorCode, HttpError } from './errors.ts';

const FALLBACK_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'rule_broken',
};

/** The HttpError a `PGRST` SQL error stands for, or undefined for any other error. */
export function httpErrorFromSql(error: unknown): HttpError | undefined {
  const e = error as { code?: unknown; message?: unknown; detail?: unknown } | null;
  if (!e || e.code !== 'PGRST' || typeof e.message !== 'string') return undefined;
  try {
    const body = JSON.parse(e.message) as { code?: string; message?: string; details?: unknown };
    // PostgREST wants `details` as text; ours carries JSON in it.
    if (typeof body.details === 'string') {
      try {
        body.details = JSON.parse(body.details);
      } catch {
        // plain text details stay text
      }
    }
    const status = Number((JSON.parse(String(e.detail ?? '{}')) as { status?: number }).status ?? 400);
    const candidate = new HttpError((body.code ?? 'bad_request') as ErrorCode, body.message ?? 'The request was refused', body.details ?? undefined);
    // A code this file's ErrorCode list does not know keeps its meaning through the status.
    if (candidate.status === undefined || candidate.status !== status) {
      return new HttpError(FALLBACK_BY_STATUS[status] ?? 'bad_request', body.message ?? 'The request was refused', {
        code: body.code,
        ...(body.details ? { details: body.details } : {}),
      });
    }
    return candidate;
  } catch {
    return undefined;
  }
}

/** Runs a query, rethrowing `PGRST` errors as HttpErrors. */
export async function sqlCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw httpErrorFromSql(error) ?? error;
  }
}
