/**
 * Errors the auth server answers with, shaped like GoTrue's so that supabase-js raises the same error
 * classes: `{code, message}` plus `x-sb-error-code` and `X-Supabase-Api-Version` for clients that send
 * API version 2024-01-01 (auth-js always does), the legacy `{code:<status>, error_code, msg}` otherwise,
 * and the OAuth `{error, error_description}` form where GoTrue uses it.
 */

/** Error codes GoTrue sends (the subset this server can produce). */
export type ErrorCode =
  | 'unexpected_failure'
  | 'validation_failed'
  | 'bad_json'
  | 'email_exists'
  | 'phone_exists'
  | 'bad_jwt'
  | 'not_admin'
  | 'no_authorization'
  | 'user_not_found'
  | 'session_not_found'
  | 'session_expired'
  | 'refresh_token_not_found'
  | 'refresh_token_already_used'
  | 'flow_state_not_found'
  | 'flow_state_expired'
  | 'signup_disabled'
  | 'user_banned'
  | 'email_provider_disabled'
  | 'phone_provider_disabled'
  | 'email_not_confirmed'
  | 'user_already_exists'
  | 'conflict'
  | 'reauthentication_needed'
  | 'reauthentication_not_valid'
  | 'current_password_required'
  | 'current_password_mismatch'
  | 'same_password'
  | 'otp_expired'
  | 'otp_disabled'
  | 'weak_password'
  | 'over_request_rate_limit'
  | 'over_email_send_rate_limit'
  | 'bad_code_verifier'
  | 'anonymous_provider_disabled'
  | 'invalid_credentials'
  | 'request_entity_too_large'
  | 'not_found'
  | 'unknown';

/** An error with an HTTP status and a GoTrue error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly reasons?: string[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** An OAuth-style error (`{error, error_description}`, always 400), e.g. a refresh without a token. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

/** 400 with a code. */
export const badRequest = (code: ErrorCode, message: string): ApiError => new ApiError(400, code, message);
/** 401 with a code. */
export const unauthorized = (code: ErrorCode, message: string): ApiError => new ApiError(401, code, message);
/** 403 with a code. */
export const forbidden = (code: ErrorCode, message: string): ApiError => new ApiError(403, code, message);
/** 404 with a code. */
export const notFound = (code: ErrorCode, message: string): ApiError => new ApiError(404, code, message);
/** 409 with a code. */
export const conflict = (message: string): ApiError => new ApiError(409, 'conflict', message);
/** 422 with a code. */
export const unprocessable = (code: ErrorCode, message: string): ApiError => new ApiError(422, code, message);
/** 429 with a code. */
export const tooManyRequests = (code: ErrorCode, message: string): ApiError => new ApiError(429, code, message);
/** 500 `unexpected_failure`, with a message GoTrue would show. */
export const internal = (message: string, cause?: unknown): ApiError => {
  const error = new ApiError(500, 'unexpected_failure', message);
  if (cause !== undefined) error.cause = cause;
  return error;
};

/** GoTrue's `weak_password` error (422) carrying the failed rules. */
export const weakPassword = (message: string, reasons: string[]): ApiError => new ApiError(422, 'weak_password', message, reasons);

/** The API version a client asked for, as GoTrue decides it (only 2024-01-01 exists besides the initial one). */
export function wantsApiVersion2024(header: string | undefined): boolean {
  if (!header) return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(header.trim());
  if (!match) return false;
  return header.trim() >= '2024-01-01';
}

/** Status, headers and JSON body of an error response for a request with the given API version header. */
export function errorResponse(error: ApiError | OAuthError, apiVersionHeader: string | undefined): { status: number; headers: Record<string, string>; body: unknown } {
  if (error instanceof OAuthError) {
    return { status: 400, headers: {}, body: { error: error.error, error_description: error.description } };
  }
  const modern = wantsApiVersion2024(apiVersionHeader);
  const headers: Record<string, string> = { 'x-sb-error-code': error.code };
  if (modern) headers['X-Supabase-Api-Version'] = '2024-01-01';
  let body: Record<string, unknown>;
  if (modern) {
    body = { code: error.code, message: error.message };
  } else {
    body = { code: error.status, error_code: error.code, msg: error.message };
  }
  if (error.reasons) body.weak_password = { reasons: error.reasons };
  return { status: error.status, headers, body };
}
