/**
 * `/functions/v1/payments` (signed-in users):
 * - `POST /payments` `{voucher_type_id}` or `{points_package_id}` → 201 `{payment, client_secret, replayed}`:
 *   a pending payment priced from the database and its Stripe PaymentIntent. Amount and currency are
 *   refused if sent. `Idempotency-Key` makes a retry return the same payment (200, `replayed: true`).
 * - `POST /payments/<id>/confirm` → `{payment, stripe_status}`: the current status, synced from Stripe
 *   if the webhook has not arrived yet.
 * - `POST /payments/<id>/refund` (admins) `{reason?}` → `{payment, refund_id}`: a full refund.
 * History and details are read through the REST API (`payments` table, RLS). Without STRIPE_SECRET_KEY
 * every route answers 503 `payments_not_configured`.
 */
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse, HttpError, json } from '../_shared/errors.ts';
import { readBody } from '../_shared/request.ts';
import { createPaymentSchema, paymentIdSchema, refundPaymentSchema } from '../_shared/schemas/payments.ts';
import { stripeClient } from '../_shared/stripe.ts';
import { requireUser } from '../_shared/supabase.ts';
import { confirmPayment, createPayment, isAdmin, type PaymentsDeps, refundPayment } from './service.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The client's Idempotency-Key, or a fresh one (then a retry is a new purchase). */
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

function paymentId(raw: string): string {
  const parsed = paymentIdSchema.safeParse(raw);
  if (!parsed.success) throw new HttpError('payment_not_found', 'No such payment');
  return parsed.data;
}

/** Builds the handler; tests pass their own dependencies. */
export function paymentsHandler(deps: () => PaymentsDeps = () => ({ sql: database(), stripe: stripeClient })) {
  return async (request: Request): Promise<Response> => {
    if (request.method === 'OPTIONS') return preflight();
    try {
      const path = new URL(request.url).pathname.replace(/\/+$/, '');
      const segments = path.split('/').filter(Boolean);
      // The functions server strips /functions/v1; hosted Supabase passes /payments/… too.
      const at = segments.indexOf('payments');
      const route = at >= 0 ? segments.slice(at + 1) : segments;
      if (request.method !== 'POST') {
        throw new HttpError('method_not_allowed', 'Use POST', undefined, { Allow: 'POST, OPTIONS' });
      }
      const d = deps();

      if (route.length === 0) {
        d.stripe();
        const caller = await requireUser(request);
        // A bad body or key never reaches Stripe or the database.
        const key = idempotencyKey(request);
        const input = await readBody(request, createPaymentSchema);
        const result = await createPayment(d, caller, input, key);
        return json(result, result.replayed ? 200 : 201, result.replayed ? { 'Idempotent-Replayed': 'true' } : {});
      }
      if (route.length === 2 && route[1] === 'confirm') {
        d.stripe();
        const caller = await requireUser(request);
        const id = paymentId(route[0]!);
        return json(await confirmPayment(d, caller, id));
      }
      if (route.length === 2 && route[1] === 'refund') {
        d.stripe();
        const caller = await requireUser(request);
        if (!(await isAdmin(d, caller.id))) throw new HttpError('forbidden', 'Only an admin can refund a payment');
        const id = paymentId(route[0]!);
        const input = request.headers.get('content-length') === '0' || !request.body ? {} : await readBody(request, refundPaymentSchema);
        return json(await refundPayment(d, caller, id, input.reason));
      }
      throw new HttpError('not_found', 'No such payments route: use POST /payments, /payments/<id>/confirm or /payments/<id>/refund');
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export const handlePayments = paymentsHandler();
