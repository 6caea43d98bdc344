/**
 * `/functions/v1/billing` (signed-in users; every route is POST):
 * - `/billing/subscribe` `{price_id, account_id?}` → 201 `{subscription_id, status, client_secret, …}`;
 * - `/billing/checkout` `{price_id, account_id?, success_url, cancel_url?}` → 201 `{session_id, url}`;
 * - `/billing/change` `{price_id, account_id?}`, `/billing/cancel` and `/billing/resume` `{account_id?}`
 *   → `{subscription_id, status, price_id, cancel_at_period_end, current_period_end}`;
 * - `/billing/portal` `{account_id?, return_url?}` → `{url}`;
 * - `/billing/sync` (platform admins) → `{products, prices}`: the catalogue's first load.
 * Without `account_id` the subscription is the caller's own (user plans); with it, the account's
 * (business plans), and only its owner may manage it. `Idempotency-Key` makes a retry reach the same
 * Stripe object. Subscription state is read through the REST API (`billing_subscriptions`, RLS).
 */
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse, HttpError, json } from '../_shared/errors.ts';
import { readBody } from '../_shared/request.ts';
import { changePlanSchema, checkoutSchema, portalSchema, subscribeSchema, subscriberSchema } from '../_shared/schemas/billing.ts';
import { stripeClient } from '../_shared/stripe.ts';
import { requireAdmin, requireUser } from '../_shared/supabase.ts';
import { type BillingDeps, changePlan, checkout, portal, setCancelAtPeriodEnd, subscribe, syncCatalogue } from './service.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

function idempotencyKey(request: Request): string {
  const key = request.headers.get('idempotency-key');
  if (key === null) return crypto.randomUUID();
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new HttpError('validation_failed', 'The Idempotency-Key header is not valid', {
      fieldErrors: { 'Idempotency-Key': ['Use 1 to 200 printable ASCII characters'] },
      formErrors: [],
    });
  }
  return key;
}

/** A body that may be empty (`{}` then). */
async function optionalBody<T>(request: Request, read: () => Promise<T>, empty: T): Promise<T> {
  if (request.headers.get('content-length') === '0' || !request.body) return empty;
  return await read();
}

export function billingHandler(deps: () => BillingDeps = () => ({ sql: database(), stripe: stripeClient })) {
  return async (request: Request): Promise<Response> => {
    if (request.method === 'OPTIONS') return preflight();
    try {
      const segments = new URL(request.url).pathname.replace(/\/+$/, '').split('/').filter(Boolean);
      const at = segments.indexOf('billing');
      const route = (at >= 0 ? segments.slice(at + 1) : segments).join('/');
      if (request.method !== 'POST') throw new HttpError('method_not_allowed', 'Use POST', undefined, { Allow: 'POST, OPTIONS' });
      const d = deps();
      switch (route) {
        case 'subscribe': {
          d.stripe();
          const caller = await requireUser(request);
          const key = idempotencyKey(request);
          const input = await readBody(request, subscribeSchema);
          return json(await subscribe(d, caller, input, key), 201);
        }
        case 'checkout': {
          d.stripe();
          const caller = await requireUser(request);
          const key = idempotencyKey(request);
          const input = await readBody(request, checkoutSchema);
          return json(await checkout(d, caller, input, key), 201);
        }
        case 'change': {
          d.stripe();
          const caller = await requireUser(request);
          const key = idempotencyKey(request);
          const input = await readBody(request, changePlanSchema);
          return json(await changePlan(d, caller, input, key));
        }
        case 'cancel':
        case 'resume': {
          d.stripe();
          const caller = await requireUser(request);
          const key = idempotencyKey(request);
          const input = await optionalBody(request, () => readBody(request, subscriberSchema), {});
          return json(await setCancelAtPeriodEnd(d, caller, input.account_id, route === 'cancel', key));
        }
        case 'portal': {
          d.stripe();
          const caller = await requireUser(request);
          const input = await optionalBody(request, () => readBody(request, portalSchema), {});
          return json(await portal(d, caller, input));
        }
        case 'sync': {
          const stripe = d.stripe();
          await requireAdmin(request);
          return json(await syncCatalogue(d.sql, stripe));
        }
        default:
          throw new HttpError('not_found', 'No such billing route: use POST /billing/subscribe, checkout, change, cancel, resume, portal or sync');
      }
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export const handleBilling = billingHandler();
