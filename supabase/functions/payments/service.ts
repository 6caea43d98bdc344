/**
 * The payments flows, independent of HTTP: create a payment (a pending row priced from the database,
 * then a Stripe PaymentIntent for it), confirm it (ask Stripe and apply the same transition the
 * webhook would), and refund it (admins). Every state change is one SQL function; this module only
 * talks to Stripe and passes what Stripe said to those functions.
 */
import type postgres from 'postgres';
import { HttpError } from '../_shared/errors.ts';
import { sqlCall } from '../_shared/sql-errors.ts';
import type { Stripe } from '../_shared/stripe.ts';

export interface PaymentsDeps {
  sql: postgres.Sql;
  /** Throws 503 `payments_not_configured` when Stripe has no key, before anything is written. */
  stripe: () => Stripe;
}

/** A row of `public.payments`, as JSON. */
export type PaymentRow = Record<string, unknown> & {
  id: string;
  user_id: string | null;
  purpose: 'voucher' | 'points';
  voucher_type_id: string | null;
  points_package_id: string | null;
  description: string;
  amount: number;
  currency: string;
  status: 'pending' | 'completed' | 'failed' | 'refunded';
  stripe_payment_intent_id: string | null;
};

export interface Caller {
  id: string;
  email: string;
}

/** Stripe's failures (network, API) are the provider's, not a bug of ours: 502 with Stripe's request id. */
async function stripeCall<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const e = error as { type?: string; message?: string; requestId?: string; code?: string };
    if (typeof e?.type === 'string' && e.type.startsWith('Stripe')) {
      console.error(`stripe: ${what} failed: ${e.type} ${e.code ?? ''} ${e.message ?? ''}`);
      throw new HttpError('payment_provider_error', `The payment provider could not ${what}; try again`, {
        stripe_error: e.type,
        ...(e.requestId ? { request_id: e.requestId } : {}),
      });
    }
    throw error;
  }
}

/** The user's Stripe customer: the linked one, or a new one (created once, even if two requests race). */
async function customerFor(deps: PaymentsDeps, stripe: Stripe, caller: Caller): Promise<string> {
  const [linked] = await deps.sql<{ stripe_customer_id: string }[]>`
    select stripe_customer_id from public.stripe_customers where user_id = ${caller.id}`;
  if (linked) return linked.stripe_customer_id;
  const customer = await stripeCall('create the customer', () =>
    stripe.customers.create({ ...(caller.email ? { email: caller.email } : {}), metadata: { user_id: caller.id } }, { idempotencyKey: `customer-for-user:${caller.id}` }),
  );
  const [row] = await deps.sql<{ id: string }[]>`select private.link_stripe_customer(${caller.id}, ${customer.id}) as id`;
  return row!.id;
}

/** The answer to a create (or its retry): the payment and the client secret to confirm it with Stripe.js. */
export interface CreatedPayment {
  payment: PaymentRow;
  client_secret: string | null;
  /** True when this Idempotency-Key had already created the payment: nothing new was made. */
  replayed: boolean;
}

/**
 * Creates a payment for a voucher type or a points package. The pending row is written first and its
 * id goes into the PaymentIntent's metadata, so every webhook finds its payment whatever the timing.
 * A retry with the same idempotency key reaches the same row and (through Stripe's own idempotency)
 * the same PaymentIntent.
 */
export async function createPayment(
  deps: PaymentsDeps,
  caller: Caller,
  input: { voucher_type_id?: string | undefined; points_package_id?: string | undefined },
  idempotencyKey: string,
): Promise<CreatedPayment> {
  const stripe = deps.stripe();
  const [row] = await sqlCall(
    () => deps.sql<(PaymentRow & { created: boolean })[]>`
    select (r.payment).*, r.created
      from private.create_payment(${caller.id}, ${input.voucher_type_id ?? null}, ${input.points_package_id ?? null}, ${idempotencyKey}) r`,
  );
  const { created, ...payment } = row!;

  if (payment.stripe_payment_intent_id) {
    const intentId = payment.stripe_payment_intent_id;
    const intent = await stripeCall('read the payment', () => stripe.paymentIntents.retrieve(intentId));
    return { payment, client_secret: intent.client_secret, replayed: !created };
  }

  const customer = await customerFor(deps, stripe, caller);
  const intent = await stripeCall('start the payment', () =>
    stripe.paymentIntents.create(
      {
        amount: payment.amount,
        currency: payment.currency,
        customer,
        description: payment.description,
        metadata: {
          payment_id: payment.id,
          user_id: caller.id,
          purpose: payment.purpose,
          ...(payment.voucher_type_id ? { voucher_type_id: payment.voucher_type_id } : {}),
          ...(payment.points_package_id ? { points_package_id: payment.points_package_id } : {}),
        },
      },
      { idempotencyKey: `payment-intent-for:${payment.id}` },
    ),
  );
  const [attached] = await deps.sql<PaymentRow[]>`
    select * from private.attach_payment_intent(${payment.id}, ${intent.id}, ${customer})`;
  return { payment: attached!, client_secret: intent.client_secret, replayed: !created };
}

async function paymentFor(deps: PaymentsDeps, caller: Caller, paymentId: string, admin: boolean): Promise<PaymentRow> {
  const [payment] = await deps.sql<PaymentRow[]>`select * from public.payments where id = ${paymentId}`;
  // Someone else's payment is as absent as a missing one.
  if (!payment || (payment.user_id !== caller.id && !admin)) throw new HttpError('payment_not_found', 'No such payment');
  return payment;
}

export async function isAdmin(deps: PaymentsDeps, userId: string): Promise<boolean> {
  const [row] = await deps.sql<{ ok: boolean }[]>`select private.is_active_admin(${userId}) as ok`;
  return row?.ok === true;
}

/** A payment and what Stripe says about it now. */
export interface ConfirmedPayment {
  payment: PaymentRow;
  /** The PaymentIntent's status at Stripe when it was asked, else null. */
  stripe_status: string | null;
}

/**
 * "Confirm payment" (seed 003): the payment's current status. While it is pending (or failed) the
 * PaymentIntent is read from Stripe and, if it has succeeded or failed, the same transition as the
 * webhook's is applied (exactly once either way), so the client need not wait for the webhook.
 */
export async function confirmPayment(deps: PaymentsDeps, caller: Caller, paymentId: string): Promise<ConfirmedPayment> {
  const stripe = deps.stripe();
  const payment = await paymentFor(deps, caller, paymentId, await isAdmin(deps, caller.id));
  const intentId = payment.stripe_payment_intent_id;
  if (!intentId || (payment.status !== 'pending' && payment.status !== 'failed')) {
    return { payment, stripe_status: null };
  }
  const intent = await stripeCall('read the payment', () => stripe.paymentIntents.retrieve(intentId));
  if (intent.status === 'succeeded') {
    const [applied] = await deps.sql<PaymentRow[]>`
      select (r.payment).* from private.complete_payment(${payment.id}, ${intent.id}, ${intent.amount_received}, ${intent.currency}) r`;
    return { payment: applied!, stripe_status: intent.status };
  }
  if (payment.status === 'pending' && (intent.status === 'canceled' || intent.last_payment_error)) {
    const failure = intent.last_payment_error;
    const [applied] = await deps.sql<PaymentRow[]>`
      select (r.payment).* from private.fail_payment(${payment.id}, ${intent.id},
        ${failure?.code ?? intent.status}, ${failure?.message ?? `The payment was ${intent.status}`}) r`;
    return { payment: applied!, stripe_status: intent.status };
  }
  return { payment, stripe_status: intent.status };
}

/**
 * Admins: refunds a completed payment in full through Stripe and applies the refund at once (the
 * `charge.refunded` webhook that follows is then a no-op): the voucher is deactivated, or the points
 * are taken back, down to zero at most, with the rest recorded as a points debt.
 */
export async function refundPayment(
  deps: PaymentsDeps,
  caller: Caller,
  paymentId: string,
  reason: 'requested_by_customer' | 'duplicate' | 'fraudulent' | undefined,
): Promise<{ payment: PaymentRow; refund_id: string }> {
  const stripe = deps.stripe();
  const payment = await paymentFor(deps, caller, paymentId, true);
  if (payment.status !== 'completed' || !payment.stripe_payment_intent_id) {
    throw new HttpError('payment_not_refundable', `Only a completed payment can be refunded; this one is ${payment.status}`);
  }
  const intentId = payment.stripe_payment_intent_id;
  const refund = await stripeCall('refund the payment', () =>
    stripe.refunds.create(
      { payment_intent: intentId, ...(reason ? { reason } : {}), metadata: { payment_id: payment.id, refunded_by: caller.id } },
      { idempotencyKey: `refund-for:${payment.id}` },
    ),
  );
  const [applied] = await deps.sql<PaymentRow[]>`
    select (r.payment).* from private.refund_payment(${payment.id}, ${intentId}, ${refund.amount}) r`;
  return { payment: applied!, refund_id: refund.id };
}
