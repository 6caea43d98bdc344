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
  | 'unsupported_media_type'
  | 'conflict'
  | 'email_taken'
  | 'username_taken'
  | 'idempotency_key_in_use'
  | 'idempotency_key_reused'
  | 'rule_broken'
  | 'invalid_current_password'
  | 'same_password'
  | 'reauthentication_needed'
  | 'rate_limited'
  | 'internal_error'
  | 'service_unavailable'
  // payments and vouchers
  | 'invalid_signature'
  | 'payment_not_found'
  | 'voucher_type_not_found'
  | 'points_package_not_found'
  | 'voucher_type_inactive'
  | 'points_package_inactive'
  | 'payment_not_refundable'
  | 'payment_provider_error'
  | 'payments_not_configured'
  // subscriptions (billing)
  | 'price_not_found'
  | 'price_inactive'
  | 'plan_kind_mismatch'
  | 'already_subscribed'
  | 'subscription_not_found'
  | 'same_plan'
  | 'seat_limit_reached'
  | 'feature_not_in_plan'
  // business accounts and CRM
  | 'already_exists'
  | 'already_member'
  | 'application_pending'
  | 'slug_taken'
  | 'batch_name_taken'
  | 'invalid_transition'
  | 'owner_protected'
  | 'own_access_unchangeable'
  | 'member_not_found'
  | 'member_not_managed'
  | 'owner_role_not_grantable'
  | 'invalid_assignee'
  | 'nothing_to_create'
  | 'account_owner'
  // wallet and marketplace
  | 'insufficient_points'
  | 'invalid_idempotency_key'
  | 'tool_not_found'
  | 'tool_unavailable'
  | 'price_changed'
  | 'own_tool'
  | 'usage_not_found'
  | 'invalid_api_key'
  | 'api_key_revoked'
  | 'api_key_expired'
  | 'invalid_range';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  unsupported_media_type: 415,
  conflict: 409,
  email_taken: 409,
  username_taken: 409,
  idempotency_key_in_use: 409,
  idempotency_key_reused: 422,
  rule_broken: 422,
  invalid_current_password: 422,
  same_password: 422,
  reauthentication_needed: 403,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
  invalid_signature: 400,
  payment_not_found: 404,
  voucher_type_not_found: 404,
  points_package_not_found: 404,
  voucher_type_inactive: 422,
  points_package_inactive: 422,
  payment_not_refundable: 422,
  payment_provider_error: 502,
  payments_not_configured: 503,
  price_not_found: 404,
  price_inactive: 422,
  plan_kind_mismatch: 422,
  already_subscribed: 409,
  subscription_not_found: 404,
  same_plan: 409,
  seat_limit_reached: 422,
  feature_not_in_plan: 403,
  already_exists: 409,
  already_member: 409,
  application_pending: 409,
  slug_taken: 409,
  batch_name_taken: 409,
  invalid_transition: 409,
  owner_protected: 403,
  own_access_unchangeable: 403,
  member_not_found: 404,
  member_not_managed: 403,
  owner_role_not_grantable: 403,
  invalid_assignee: 422,
  nothing_to_create: 422,
  account_owner: 409,
  insufficient_points: 422,
  invalid_idempotency_key: 400,
  tool_not_found: 404,
  tool_unavailable: 409,
  price_changed: 409,
  own_tool: 403,
  usage_not_found: 404,
  invalid_api_key: 401,
  api_key_revoked: 401,
  api_key_expired: 401,
  invalid_range: 400,
};

/** An expected failure a handler throws; `errorResponse` turns it into JSON. */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. `Retry-After` on 429. */
    readonly headers: Record<string, string> = {},
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

/** The status, body and headers of an error answer; unexpected errors are logged, never leaked. */
export function errorPayload(error: unknown): { status: number; body: unknown; headers: Record<string, string> } {
  if (error instanceof HttpError) {
    const body = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
    return { status: error.status, body, headers: error.headers };
  }
  console.error(error);
  return { status: 500, body: { error: { code: 'internal_error', message: 'Something went wrong on our side' } }, headers: {} };
}

/** Maps any thrown value to the error shape. */
export function errorResponse(error: unknown): Response {
  const { status, body, headers } = errorPayload(error);
  return json(body, status, headers);
}
