/**
 * The SDK's one error model. Every failure comes back as `{ data: null, error }` where `error` is an
 * `SdkError` whose `code` is stable (branch on it, never on the message). Subclasses say where it
 * came from: the network, the gateway/relay, or the backend's answer.
 */

/** Stable error codes the SDK returns. Backend codes pass through unchanged. */
export type SdkErrorCode =
  | 'network_error'
  | 'relay_error'
  | 'invalid_response'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rule_broken'
  | 'rate_limited'
  | 'service_unavailable'
  | 'internal_error'
  | (string & {});

export class SdkError extends Error {
  /** Brand for `isSdkError`, which survives bundling and realm boundaries. */
  readonly __isSdkError = true;
  constructor(
    message: string,
    readonly code: SdkErrorCode,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'SdkError';
  }

  toJSON() {
    return { name: this.name, message: this.message, code: this.code, status: this.status, details: this.details };
  }
}

/** The request never got an answer (offline, DNS, connection refused). */
export class SdkNetworkError extends SdkError {
  constructor(message: string, details?: unknown) {
    super(message, 'network_error', 0, details);
    this.name = 'SdkNetworkError';
  }
}

/** The gateway could not reach the service behind it. */
export class SdkRelayError extends SdkError {
  constructor(message: string, status: number, details?: unknown) {
    super(message, 'relay_error', status, details);
    this.name = 'SdkRelayError';
  }
}

/** The backend answered with an error status. */
export class SdkApiError extends SdkError {
  constructor(message: string, code: SdkErrorCode, status: number, details?: unknown) {
    super(message, code, status, details);
    this.name = 'SdkApiError';
  }
}

/** Input the SDK refused before sending anything. */
export class SdkValidationError extends SdkError {
  constructor(message: string, details?: unknown) {
    super(message, 'validation_failed', 400, details);
    this.name = 'SdkValidationError';
  }
}

export function isSdkError(value: unknown): value is SdkError {
  return typeof value === 'object' && value !== null && (value as { __isSdkError?: unknown }).__isSdkError === true;
}

const CODE_BY_STATUS: Record<number, SdkErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'rule_broken',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Builds the right `SdkError` from an HTTP status and a body in the functions' error shape. */
export function errorFromResponse(status: number, body: unknown): SdkApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  const code = error?.code ?? CODE_BY_STATUS[status] ?? 'internal_error';
  return new SdkApiError(error?.message ?? `Request failed with status ${status}`, code, status, error?.details);
}

/** The `{ data, error }` result every SDK method returns. */
export type Result<T> = { data: T; error: null } | { data: null; error: SdkError };

/** The shape of an Auth (supabase-js `AuthError`) failure, as far as the SDK reads it. */
interface AuthErrorLike {
  message: string;
  name?: string;
  status?: number | undefined;
  code?: string | undefined;
  reasons?: string[];
}

/**
 * Maps a supabase-js Auth error onto the SDK's classes. Auth's own codes (`invalid_credentials`,
 * `otp_expired`, `weak_password`, `user_banned`, …) pass through as `code`.
 */
export function errorFromAuth(error: AuthErrorLike): SdkError {
  const status = error.status ?? 0;
  if (error.name === 'AuthRetryableFetchError' && status === 0) return new SdkNetworkError(error.message);
  if (error.name === 'AuthSessionMissingError') return new SdkApiError('Sign in first: there is no session', 'unauthorized', 401);
  const code = error.code ?? CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'auth_error');
  return new SdkApiError(error.message, code, status || 500, error.reasons ? { reasons: error.reasons } : undefined);
}

/** The shape of a PostgREST failure (`PostgrestError` plus the response status). */
interface PostgrestErrorLike {
  message: string;
  code?: string;
  details?: string | null;
  hint?: string | null;
}

/** Postgres / PostgREST codes with a meaning of their own. */
const CODE_BY_SQLSTATE: Record<string, SdkErrorCode> = {
  '42501': 'forbidden',
  PT404: 'not_found',
  PGRST116: 'not_found',
  PT422: 'rule_broken',
  '23505': 'conflict',
  '23514': 'validation_failed',
  '23502': 'validation_failed',
  '22P02': 'validation_failed',
  '22001': 'validation_failed',
  '22007': 'validation_failed',
  '22008': 'validation_failed',
  '22023': 'validation_failed',
};

/** Unique constraints whose violation has a specific code. */
const CODE_BY_CONSTRAINT: Record<string, SdkErrorCode> = {
  profiles_username_key: 'username_taken',
};

/** Maps a PostgREST error (table or RPC call) onto the SDK's classes; Postgres facts go in `details`. */
export function errorFromPostgrest(error: PostgrestErrorLike, status: number): SdkError {
  if (status === 0 || (!error.code && /fetch failed|network/i.test(error.message))) {
    return new SdkNetworkError(error.message, error.details ?? undefined);
  }
  // SQL functions that raise `sqlstate 'PGRST'` with a JSON message (redeem_voucher, the wallet, the
  // accounts and CRM rules…) give their own stable code (`voucher_expired`, `owner_protected`); Postgres
  // and PostgREST codes are never lower-case words.
  if (error.code && /^[a-z][a-z0-9_]*$/.test(error.code)) {
    return new SdkApiError(error.message, error.code, status, apiErrorDetails(error));
  }
  // Missing privileges: PostgREST answers 401 for the anonymous role (signed out) and 403 otherwise.
  // Postgres's wording ("permission denied for function …") names internals; the code says it all.
  if (error.code === '42501' || status === 401) {
    const details = { postgres: { code: error.code, details: error.details ?? null, hint: error.hint ?? null } };
    return status === 401
      ? new SdkApiError('Sign in first', 'unauthorized', 401, details)
      : new SdkApiError('You may not do this', 'forbidden', 403, details);
  }
  const constraint = /unique constraint "([^"]+)"/.exec(error.message)?.[1];
  const code = (constraint && CODE_BY_CONSTRAINT[constraint]) || CODE_BY_SQLSTATE[error.code ?? ''] || CODE_BY_STATUS[status] || 'internal_error';
  const details = { postgres: { code: error.code, details: error.details ?? null, hint: error.hint ?? null } };
  return new SdkApiError(error.message, code, status, details);
}

/**
 * `details` of a domain error. JSON text (PostgREST only carries text there) becomes the value; a plain
 * word names the field at fault (`{field: 'coach_id'}`); a hint comes along as `hint`.
 */
function apiErrorDetails(error: PostgrestErrorLike): unknown {
  const details = parseDetails(error.details);
  const hint = error.hint ? { hint: error.hint } : {};
  if (typeof details === 'string') return { field: details, ...hint };
  if (details === undefined) return error.hint ? hint : undefined;
  return details;
}

/** `details` of a domain error: JSON text (PostgREST only carries text there) becomes the value. */
function parseDetails(details: string | null | undefined): unknown {
  if (!details) return undefined;
  try {
    return JSON.parse(details);
  } catch {
    return details;
  }
}
