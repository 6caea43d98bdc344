/**
 * The one error shape every function returns: `{ "error": { "code", "message", "details"? } }`
 * with the status that says what went wrong. Codes are stable; messages are for people.
 */
import { corsHeaders } from './cors.ts';

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'rule_broken'
  | 'rate_limited'
  | 'internal_error'
  | 'service_unavailable';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  rule_broken: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
};

/** An expected failure a handler throws; `errorResponse` turns it into JSON. */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** JSON response with CORS headers. */
export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return Response.json(body, { status, headers: { ...corsHeaders, ...headers } });
}

/** Maps any thrown value to the error shape; unexpected errors are logged, never leaked. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    const body = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
    return json(body, error.status);
  }
  console.error(error);
  return json({ error: { code: 'internal_error', message: 'Something went wrong on our side' } }, 500);
}
