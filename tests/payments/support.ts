/**
 * Helpers for the payments suites: users of any role (from the identity helpers), the fake Stripe's
 * test controls (a PaymentIntent succeeds, fails or is refunded, and we get the event Stripe would
 * send), and webhook delivery signed with Stripe's own test helper, through the gateway like Stripe.
 */
import Stripe from 'stripe';
import { callFunction, createUser, kit, type TestUser } from '../identity/support.ts';
import { sql } from '../helpers/db.ts';
import { responseBody } from '../helpers/http.ts';
import { eventually } from '../helpers/eventually.ts';
import { stack } from '../helpers/stack.ts';

export { callFunction, createUser, eventually, kit, sql, stack, type TestUser };

const fakeUrl = process.env.STRIPE_FAKE_URL ?? 'http://127.0.0.1:55344';
export const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_local_fake_stripe_signing_secret';
const fake = new URL(fakeUrl);
/** A Stripe client on the fake, to look at what the backend did there. */
export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY ?? 'sk_test_local_fake_stripe', {
  host: fake.hostname,
  port: Number(fake.port),
  protocol: 'http',
  maxNetworkRetries: 0,
});

/** The seeded voucher types and points packages (supabase/seeds/40-vouchers.sql). */
export const seeded = {
  examResults: 'a0000000-0000-4000-8000-000000000001',
  schoolApplication: 'a0000000-0000-4000-8000-000000000002',
  starterPoints: 'b0000000-0000-4000-8000-000000000001',
};

/** Moves a PaymentIntent on the fake Stripe and returns the event Stripe would send for it. */
export async function stripeEvent(intentId: string, action: 'succeed' | 'fail' | 'refund'): Promise<Stripe.Event> {
  const response = await fetch(`${fakeUrl}/_fake/payment_intents/${intentId}/${action}`, { method: 'POST' });
  if (!response.ok) throw new Error(`fake Stripe ${action} ${intentId}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Stripe.Event;
}

/** Posts an event to the webhook as Stripe does: raw JSON body, `Stripe-Signature`, no API key. */
export async function deliver(
  event: unknown,
  options: { secret?: string; timestamp?: number; signature?: string | null; payload?: string } = {},
): Promise<{ status: number; body: any }> {
  const payload = options.payload ?? JSON.stringify(event);
  const signature =
    options.signature !== undefined
      ? options.signature
      : stripe.webhooks.generateTestHeaderString({
          payload,
          secret: options.secret ?? webhookSecret,
          ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
        });
  const response = await fetch(`${stack.url}/functions/v1/stripe-webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', ...(signature ? { 'Stripe-Signature': signature } : {}) },
    body: payload,
  });
  const body = await responseBody(response);
  return { status: response.status, body };
}

/** How many times an event id is recorded (0 or 1). */
export async function eventsRecorded(eventId: string): Promise<number> {
  const [row] = await sql<{ n: number }>('select count(*)::int as n from private.stripe_events where id = $1', [eventId]);
  return row!.n;
}

/** A user's wallet balance straight from the database (0 without a wallet). */
export async function balanceOf(userId: string): Promise<number> {
  const [row] = await sql<{ balance: number }>('select coalesce((select balance from public.wallets where user_id = $1), 0) as balance', [userId]);
  return row!.balance;
}

/** A user buys something and the payment is created; returns the payment id and its PaymentIntent. */
export async function startPurchase(user: TestUser, what: { voucher_type_id: string } | { points_package_id: string }): Promise<{ paymentId: string; intentId: string }> {
  const { data, error } = await user.kit.payments.create(what);
  if (error) throw error;
  return { paymentId: data.payment.id, intentId: data.payment.stripe_payment_intent_id! };
}
