/**
 * The OpenAPI 3.1 document of every Edge Function, generated from the zod schemas the functions
 * validate with (`z.toJSONSchema`, JSON Schema 2020-12 as OpenAPI 3.1 uses) — the request shapes are
 * never written twice. Each operation names the schema object it documents, so tests can check that
 * the document and the function reject the same bodies. Served by the `openapi` function and written
 * to `openapi.json` by `npm run gen:openapi`. PostgREST publishes its own OpenAPI for the tables at
 * `GET /rest/v1/`.
 */
import { z } from 'zod';
import { accountReviewSchema, accountsRegisterBodySchema, memberBatchSchema, memberInviteSchema } from './schemas/accounts.ts';
import { adminRegistrationSchema, banSchema, changePasswordSchema, registrationSchema, waitlistJoinSchema } from './schemas/identity.ts';
import { dateRangeSchema, useToolSchema } from './schemas/marketplace.ts';
import { jobWorkerSchema } from './schemas/operations.ts';
import { employeeCreateSchema, memberPasswordSchema } from './schemas/staff.ts';
import { createPaymentSchema, refundPaymentSchema } from './schemas/payments.ts';
import { changePlanSchema, checkoutSchema, portalSchema, subscribeSchema, subscriberSchema } from './schemas/billing.ts';
import { deleteAccountSchema } from './schemas/user-data.ts';

type Auth = 'none' | 'user' | 'admin' | 'service_role' | 'metrics_key' | 'api_key' | 'stripe_signature';

/** One documented operation of one function. */
export interface Operation {
  fn: string;
  method: 'get' | 'post';
  /** Below `/functions/v1/<fn>`, e.g. `/{payment_id}/refund`; empty for the function's root. */
  subpath?: string;
  summary: string;
  auth: Auth[];
  body?: z.ZodType;
  query?: z.ZodType;
  /** Takes `Idempotency-Key`; 'required' when the call refuses to run without one. */
  idempotent?: boolean | 'required';
  responses: Record<string, string>;
}

const ERRORS = { '400': 'validation_failed (field details) or another bad request', '401': 'no or invalid credentials', '403': 'not allowed' };

/** The answers the shared Idempotency-Key handling adds (_shared/idempotency.ts); a replay repeats the first status. */
function withIdempotency(responses: Record<string, string>): Record<string, string> {
  const add = (status: string, code: string) => (responses[status] ? `${responses[status]} / ${code}` : code);
  return { ...responses, '409': add('409', 'idempotency_key_in_use (the first request is still running)'), '422': add('422', 'idempotency_key_reused (same key, other body)') };
}
const RATE_LIMITED = 'rate_limited (Retry-After)';
const PAYMENTS_DOWN = { '502': 'payment_provider_error', '503': 'payments_not_configured' };

export const operations: Operation[] = [
  {
    fn: 'health',
    method: 'get',
    summary: 'Is the backend up and can it reach its database?',
    auth: ['none'],
    responses: { '200': '{status, version, database}', '503': 'database unreachable' },
  },
  {
    fn: 'register-client',
    method: 'post',
    summary: 'Sign up as a client.',
    auth: ['none'],
    body: registrationSchema,
    idempotent: true,
    responses: withIdempotency({ '201': '{user, profile}', '400': ERRORS['400'], '409': 'email_taken / username_taken', '429': RATE_LIMITED }),
  },
  {
    fn: 'register-tool-creator',
    method: 'post',
    summary: 'Sign up as a tool creator.',
    auth: ['none'],
    body: registrationSchema,
    idempotent: true,
    responses: withIdempotency({ '201': '{user, profile}', '400': ERRORS['400'], '409': 'email_taken / username_taken', '429': RATE_LIMITED }),
  },
  {
    fn: 'register-admin',
    method: 'post',
    summary: 'Admins: create another admin.',
    auth: ['admin'],
    body: adminRegistrationSchema,
    idempotent: true,
    responses: withIdempotency({ '201': '{user, profile}', ...ERRORS, '409': 'email_taken / username_taken' }),
  },
  {
    fn: 'change-password',
    method: 'post',
    summary: 'Change your password (current password required).',
    auth: ['user'],
    body: changePasswordSchema,
    idempotent: true,
    responses: withIdempotency({
      '200': '{password_changed: true}',
      '400': ERRORS['400'],
      '401': ERRORS['401'],
      '422': 'invalid_current_password / same_password',
      '429': RATE_LIMITED,
    }),
  },
  {
    fn: 'ban-user',
    method: 'post',
    summary: 'Admins: ban or unban a user.',
    auth: ['admin'],
    body: banSchema,
    idempotent: true,
    responses: withIdempotency({ '200': '{user_id, banned_until}', ...ERRORS, '404': 'not_found (no such user)', '422': 'rule_broken' }),
  },
  {
    fn: 'delete-account',
    method: 'post',
    summary: 'Delete your account (current password or reauthentication code) or, for admins, any user; money records stay with an anonymised tombstone.',
    auth: ['user', 'admin'],
    body: deleteAccountSchema,
    idempotent: true,
    responses: withIdempotency({
      '200': '{user_id, deleted: true}',
      '400': ERRORS['400'],
      '401': ERRORS['401'],
      '403': 'forbidden (not an admin) / reauthentication_needed',
      '404': 'not_found (no such user)',
      '409': 'account_owner (owns a business account: delete it first)',
      '422': 'invalid_current_password',
      '429': RATE_LIMITED,
    }),
  },
  {
    fn: 'waitlist',
    method: 'post',
    summary: 'Join the waitlist.',
    auth: ['none'],
    body: waitlistJoinSchema,
    idempotent: true,
    responses: withIdempotency({ '202': '{status: "joined"} (the same answer for a new and an already listed address)', '400': ERRORS['400'], '429': RATE_LIMITED }),
  },
  {
    fn: 'accounts-register',
    method: 'post',
    summary: 'Register a business account you own (pending review); with `owner`, admins create an active business for that owner, who is invited by e-mail.',
    auth: ['user'],
    body: accountsRegisterBodySchema,
    idempotent: true,
    responses: withIdempotency({
      '201': '{account} (with owner: {account, owner: {id, email}})',
      ...ERRORS,
      '403': 'forbidden: `owner` is for platform admins',
      '409': 'slug_taken / application_pending / email_taken (owner.email)',
    }),
  },
  {
    fn: 'accounts-review',
    method: 'post',
    summary: 'Admins: approve, reject, suspend or reactivate an account.',
    auth: ['admin'],
    body: accountReviewSchema,
    idempotent: true,
    responses: withIdempotency({ '200': '{account, notified}', ...ERRORS, '404': 'no such account', '409': 'invalid_transition' }),
  },
  {
    fn: 'account-members',
    method: 'post',
    summary: 'Account owners/admins: invite a member.',
    auth: ['user'],
    body: memberInviteSchema,
    idempotent: true,
    responses: withIdempotency({ '201': '{member}', ...ERRORS, '409': 'already_exists (the e-mail already belongs to a user)' }),
  },
  {
    fn: 'account-batches',
    method: 'post',
    summary: 'Account owners, admins and members with manage_members: create a batch of up to 500 members, each invited by e-mail.',
    auth: ['user'],
    body: memberBatchSchema,
    idempotent: true,
    responses: withIdempotency({
      '201': '{batch, results (per row: created / already_exists / invalid / failed), counts, invites: {delivery: inline | background, job_id}}',
      ...ERRORS,
      '409': 'batch_name_taken',
      '422': 'nothing_to_create (with the per-row results; nothing written)',
    }),
  },
  {
    fn: 'account-staff',
    method: 'post',
    summary: 'Account owners/admins: create an employee with a password (active at once, e-mail confirmed; default permissions view_all_clients + view_payments).',
    auth: ['user'],
    body: employeeCreateSchema,
    idempotent: true,
    responses: withIdempotency({ '201': '{member}', ...ERRORS, '409': 'already_exists (the e-mail already belongs to a user)', '429': RATE_LIMITED }),
  },
  {
    fn: 'account-staff',
    method: 'post',
    subpath: '/password',
    summary: 'Account owners/admins: set a member’s password; the member is signed out everywhere.',
    auth: ['user'],
    body: memberPasswordSchema,
    idempotent: true,
    responses: withIdempotency({
      '200': '{password_set: true, sessions_ended}',
      ...ERRORS,
      '403': 'forbidden / owner_protected / own_access_unchangeable / member_not_managed (a member of another account, a tool creator or platform staff)',
      '404': 'member_not_found',
      '429': RATE_LIMITED,
    }),
  },
  {
    fn: 'use-tool',
    method: 'post',
    summary: 'Use a tool: spends its price in points and records the usage.',
    auth: ['user'],
    body: useToolSchema,
    idempotent: 'required',
    responses: {
      '201': '{usage, balance, replayed: false}',
      '200': '{usage, balance: null, replayed: true}: a retry with the same Idempotency-Key (header Idempotent-Replayed: true)',
      '400': 'validation_failed / invalid_idempotency_key (the header is missing or malformed)',
      '401': ERRORS['401'],
      '403': 'own_tool (a creator cannot use its own tool)',
      '404': 'tool_not_found',
      '409': 'tool_unavailable / price_changed (the tool costs another price than expected_price_points now; details.price_points; nothing charged)',
      '422': 'insufficient_points / idempotency_key_reused',
    },
  },
  {
    fn: 'creator-api',
    method: 'get',
    subpath: '/usages/{usage_id}',
    summary: 'Tool creators’ backends (x-api-key): verify a usage of one of their tools.',
    auth: ['api_key'],
    responses: { '200': 'the usage', '401': 'invalid_api_key / api_key_revoked / api_key_expired', '404': 'usage_not_found', '429': RATE_LIMITED },
  },
  {
    fn: 'creator-api',
    method: 'get',
    subpath: '/stats',
    summary: 'Tool creators’ backends (x-api-key): revenue stats over a date range.',
    auth: ['api_key'],
    query: dateRangeSchema,
    responses: {
      '200': 'the stats',
      '400': 'validation_failed (a bad date, to before from) / invalid_range (over 366 days)',
      '401': 'invalid_api_key / api_key_revoked / api_key_expired',
      '429': RATE_LIMITED,
    },
  },
  {
    fn: 'payments',
    method: 'post',
    summary: 'Start a Stripe payment for a voucher type or a points package.',
    auth: ['user'],
    body: createPaymentSchema,
    idempotent: true,
    responses: withIdempotency({
      '201': '{payment, client_secret, replayed: false}',
      '200': '{payment, client_secret, replayed: true}: a retry with the same Idempotency-Key (header Idempotent-Replayed: true)',
      '400': ERRORS['400'],
      '401': ERRORS['401'],
      '404': 'voucher_type_not_found / points_package_not_found',
      '422': 'voucher_type_inactive / points_package_inactive',
      ...PAYMENTS_DOWN,
    }),
  },
  {
    fn: 'payments',
    method: 'post',
    subpath: '/{payment_id}/confirm',
    summary: 'The payment’s current status, synced from Stripe.',
    auth: ['user'],
    responses: { '200': '{payment, stripe_status}', '401': ERRORS['401'], '404': 'payment_not_found', ...PAYMENTS_DOWN },
  },
  {
    fn: 'payments',
    method: 'post',
    subpath: '/{payment_id}/refund',
    summary: 'Admins: refund a payment in full.',
    auth: ['admin'],
    body: refundPaymentSchema,
    responses: { '200': '{payment, refund_id}', ...ERRORS, '404': 'payment_not_found', '422': 'payment_not_refundable', ...PAYMENTS_DOWN },
  },
  {
    fn: 'billing',
    method: 'post',
    subpath: '/subscribe',
    summary: 'Subscribe the caller (user plan) or an account it owns (business plan, account_id) to a plan price; the first invoice is paid with Stripe.js, or a trial starts.',
    auth: ['user'],
    body: subscribeSchema,
    idempotent: true,
    responses: {
      '201': '{subscription_id, status, price_id, trial_end, client_secret}',
      ...ERRORS,
      '404': 'price_not_found',
      '409': 'already_subscribed',
      '422': 'price_inactive / plan_kind_mismatch',
      ...PAYMENTS_DOWN,
    },
  },
  {
    fn: 'billing',
    method: 'post',
    subpath: '/checkout',
    summary: 'The same through a Stripe Checkout page (subscription mode).',
    auth: ['user'],
    body: checkoutSchema,
    idempotent: true,
    responses: { '201': '{session_id, url}', ...ERRORS, '404': 'price_not_found', '409': 'already_subscribed', '422': 'price_inactive / plan_kind_mismatch', ...PAYMENTS_DOWN },
  },
  {
    fn: 'billing',
    method: 'post',
    subpath: '/change',
    summary: 'Move the current subscription to another plan of its kind; Stripe invoices the proration now.',
    auth: ['user'],
    body: changePlanSchema,
    idempotent: true,
    responses: {
      '200': '{subscription_id, status, price_id, cancel_at_period_end, current_period_end}',
      ...ERRORS,
      '404': 'subscription_not_found / price_not_found',
      '409': 'same_plan',
      '422': 'price_inactive / plan_kind_mismatch',
      ...PAYMENTS_DOWN,
    },
  },
  {
    fn: 'billing',
    method: 'post',
    subpath: '/cancel',
    summary: 'Cancel the current subscription at the end of its period (access until then).',
    auth: ['user'],
    body: subscriberSchema,
    idempotent: true,
    responses: { '200': '{subscription_id, status, price_id, cancel_at_period_end, current_period_end}', ...ERRORS, '404': 'subscription_not_found', ...PAYMENTS_DOWN },
  },
  {
    fn: 'billing',
    method: 'post',
    subpath: '/resume',
    summary: 'Undo a cancellation at period end.',
    auth: ['user'],
    body: subscriberSchema,
    idempotent: true,
    responses: { '200': '{subscription_id, status, price_id, cancel_at_period_end, current_period_end}', ...ERRORS, '404': 'subscription_not_found', ...PAYMENTS_DOWN },
  },
  {
    fn: 'billing',
    method: 'post',
    subpath: '/portal',
    summary: 'A Stripe Billing Portal session for the subscriber.',
    auth: ['user'],
    body: portalSchema,
    responses: { '200': '{url}', ...ERRORS, '404': 'subscription_not_found', ...PAYMENTS_DOWN },
  },
  {
    fn: 'billing',
    method: 'post',
    subpath: '/sync',
    summary: "Admins: load the plan catalogue (products, prices) from Stripe, through the webhook's SQL functions.",
    auth: ['admin'],
    responses: { '200': '{products, prices}', ...ERRORS, ...PAYMENTS_DOWN },
  },
  {
    fn: 'stripe-webhook',
    method: 'post',
    summary:
      'Stripe events (payment_intent.succeeded / payment_failed, charge.refunded, charge.dispute.created / closed; product.*, price.*, checkout.session.completed, customer.subscription.*, invoice.paid / payment_failed), verified by Stripe-Signature.',
    auth: ['stripe_signature'],
    responses: {
      '200': '{received, id, type, handled, outcome, payment_id, status}',
      '400': 'invalid_signature / bad_request (body over 512 KiB)',
      '500': 'internal_error: applying the event failed and was rolled back; the event is kept for re-applying and Stripe retries',
      '503': 'payments_not_configured',
    },
  },
  {
    fn: 'job-worker',
    method: 'post',
    summary: 'Run due background jobs (any number of workers at once).',
    auth: ['service_role'],
    body: jobWorkerSchema,
    responses: { '200': '{worker, claimed, succeeded, retrying, failed, lost, jobs}', ...ERRORS },
  },
  {
    fn: 'metrics',
    method: 'get',
    summary: 'Platform metrics in Prometheus text format.',
    auth: ['service_role', 'metrics_key'],
    responses: { '200': 'text/plain; version=0.0.4', '401': ERRORS['401'], '403': ERRORS['403'] },
  },
  { fn: 'openapi', method: 'get', summary: 'This document.', auth: ['none'], responses: { '200': 'OpenAPI 3.1 JSON' } },
  {
    fn: 'api-docs',
    method: 'get',
    summary: 'The documentation’s info page, with links to everything below, health and PostgREST’s OpenAPI.',
    auth: ['none'],
    responses: { '200': 'text/html' },
  },
  { fn: 'api-docs', method: 'get', subpath: '/swagger', summary: 'Swagger UI over this document and PostgREST’s.', auth: ['none'], responses: { '200': 'text/html' } },
  { fn: 'api-docs', method: 'get', subpath: '/redoc', summary: 'ReDoc over this document.', auth: ['none'], responses: { '200': 'text/html' } },
  { fn: 'api-docs', method: 'get', subpath: '/openapi.json', summary: 'This document (as /openapi).', auth: ['none'], responses: { '200': 'OpenAPI 3.1 JSON' } },
  {
    fn: 'api-docs',
    method: 'get',
    subpath: '/rest.json',
    summary: 'PostgREST’s OpenAPI (Swagger 2.0) for the tables and RPCs, as the publishable key sees them.',
    auth: ['none'],
    responses: { '200': 'Swagger 2.0 JSON', '500': 'PostgREST unreachable' },
  },
  {
    fn: 'api-docs',
    method: 'get',
    subpath: '/assets/{file}',
    summary: 'Swagger UI’s and ReDoc’s files, from their npm packages.',
    auth: ['none'],
    responses: { '200': 'the file', '404': 'not_found' },
  },
];

const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  none: [],
  user: [{ bearer: [] }],
  admin: [{ bearer: [] }],
  service_role: [{ serviceRole: [] }],
  metrics_key: [{ metricsKey: [] }],
  api_key: [{ creatorApiKey: [] }],
  stripe_signature: [{ stripeSignature: [] }],
};

/** JSON Schema (2020-12) of a request shape, as the caller sends it. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** The OpenAPI 3.1 document; `serverUrl` is where `/functions/v1` lives. */
export function openApiDocument(version: string, serverUrl = 'http://127.0.0.1:54321'): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = `/${op.fn}${op.subpath ?? ''}`;
    const parameters: unknown[] = [];
    for (const name of path.match(/\{([a-z_]+)\}/g) ?? []) {
      parameters.push({ name: name.slice(1, -1), in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
    }
    if (op.query) {
      const query = jsonSchema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
      }
    }
    if (op.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: op.idempotent === 'required',
        description: 'A retry with the same key returns the first answer.',
        schema: { type: 'string', maxLength: 200 },
      });
    }
    const operation: Record<string, unknown> = {
      operationId: `${op.fn}${(op.subpath ?? '').replace(/[{}]/g, '').replace(/\/([a-z_])/g, (_m, c: string) => c.toUpperCase())}`.replace(/-([a-z])/g, (_m, c: string) =>
        c.toUpperCase(),
      ),
      summary: op.summary,
      tags: [op.fn],
      security: op.auth.flatMap((auth) => SECURITY[auth]),
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, description]) => [
          status,
          {
            description,
            ...(Number(status) >= 400 ? { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } : {}),
          },
        ]),
      ),
    };
    paths[path] = { ...(paths[path] ?? {}), [op.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Supabase backend kit — Edge Functions',
      version,
      description: 'Every Edge Function of the kit. Tables and SQL functions are documented by PostgREST itself at GET /rest/v1/.',
    },
    servers: [{ url: `${serverUrl}/functions/v1` }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A user’s access token (Supabase Auth).' },
        serviceRole: { type: 'apiKey', in: 'header', name: 'apikey', description: 'The secret (service-role) key.' },
        metricsKey: { type: 'apiKey', in: 'header', name: 'x-metrics-key', description: 'METRICS_KEY, for Prometheus scrapers.' },
        creatorApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A tool creator’s API key.' },
        stripeSignature: { type: 'apiKey', in: 'header', name: 'Stripe-Signature', description: 'Stripe’s webhook signature.' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
      },
    },
  };
}
