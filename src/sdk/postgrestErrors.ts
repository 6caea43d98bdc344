/**
 * PostgREST errors of the accounts and CRM calls. The database refuses with stable API codes of its
 * own (`owner_protected`, `invalid_assignee`, … raised as PostgREST's `PGRST` errors): those pass
 * through as the `SdkError` code; Postgres' SQLSTATEs go through the shared `errorFromPostgrest`.
 */
import { errorFromPostgrest, SdkApiError, type SdkError } from './errors.ts';

interface PostgrestErrorLike {
  message: string;
  code?: string;
  details?: string | null;
  hint?: string | null;
}

/** A code the database chose for the API (lower-case words), as opposed to a SQLSTATE or PGRST code. */
const API_CODE = /^[a-z][a-z_]+$/;

/** Maps a PostgREST failure onto the SDK's classes, keeping the database's own API codes. */
export function errorFromPostgrestCall(error: PostgrestErrorLike, status: number): SdkError {
  if (error.code && API_CODE.test(error.code) && status >= 400) {
    return new SdkApiError(error.message, error.code, status, {
      ...(error.details ? { field: error.details } : {}),
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
  return errorFromPostgrest(error, status);
}
