/**
 * Helpers for the billing suites: the payments helpers (users, webhook delivery signed with Stripe's
 * own test helper, the real `stripe` client on the fake), business accounts from the CRM helpers, and
 * the fake Stripe's billing test controls (complete a Checkout, pay the open invoice, make the next
 * renewal fail, move a subscription to its next period, read the events a subscription caused).
 */
import type Stripe from 'stripe';
import { balanceOf, createUser, deliver, eventsRecorded, kit, sql, stack, stripe, webhookSecret, type TestUser } from '../payments/support.ts';
import { createBusiness, type TestBusiness } from '../crm/support.ts';

export { balanceOf, createBusiness, createUser, deliver, eventsRecorded, kit, sql, stack, stripe, webhookSecret, type TestBusiness, type TestUser };

const fakeUrl = process.env.STRIPE_FAKE_URL ?? 'http://127.0.0.1:55344';

/** The seeded plans (src/stripe-fake/billing.ts, supabase/seeds/45-billing.sql). */
export const plans = {
  starter: 'price_user_starter_monthly', // user, 500 points a month, $4.99
  plus: 'price_user_plus_monthly', // user, 2,000 points a month, 14-day trial, $14.99
  team: 'price_business_team_monthly', // business, 5 seats, crm_statistics
  scale: 'price_business_scale_monthly', // business, 50 seats, crm_statistics + batches
};

async function control<T>(method: 'GET' | 'POST', path: string): Promise<T> {
  const response = await fetch(`${fakeUrl}/_fake/billing/${path}`, { method });
  if (!response.ok) throw new Error(`fake Stripe ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Every event a subscription caused so far (after one event id, if given), in emission order. */
export async function eventsOf(subscriptionId: string, after?: string): Promise<Stripe.Event[]> {
  return (await control<{ data: Stripe.Event[] }>('GET', `events?subscription=${subscriptionId}${after ? `&after=${after}` : ''}`)).data;
}

export const pay = async (subscriptionId: string) => (await control<{ data: Stripe.Event[] }>('POST', `subscriptions/${subscriptionId}/pay`)).data;
export const advance = async (subscriptionId: string) => (await control<{ data: Stripe.Event[] }>('POST', `subscriptions/${subscriptionId}/advance`)).data;
export const failNext = (subscriptionId: string) => control('POST', `subscriptions/${subscriptionId}/fail_next`);
export const completeCheckout = async (sessionId: string) => (await control<{ data: Stripe.Event[] }>('POST', `checkout/${sessionId}/complete`)).data;

/** Delivers events one after the other and answers the webhook's bodies. */
export async function deliverAll(events: Stripe.Event[]): Promise<any[]> {
  const bodies = [];
  for (const event of events) {
    const { status, body } = await deliver(event);
    if (status !== 200) throw new Error(`webhook answered ${status} for ${event.type}: ${JSON.stringify(body)}`);
    bodies.push(body);
  }
  return bodies;
}

/** A subscription's row straight from the database. */
export async function subscriptionRow(subscriptionId: string) {
  const [row] = await sql<{ status: string; price_id: string; cancel_at_period_end: boolean; current_period_start: string | null; current_period_end: string | null }>(
    `select status::text, price_id, cancel_at_period_end, current_period_start::text, current_period_end::text
       from public.billing_subscriptions where id = $1`,
    [subscriptionId],
  );
  return row ?? null;
}

/** How many allowance credits (and points) a user got. */
export async function allowanceOf(userId: string): Promise<{ credits: number; points: number }> {
  const [row] = await sql<{ credits: number; points: number }>(
    `select count(*)::int as credits, coalesce(sum(points), 0)::int as points from public.billing_allowance_credits where user_id = $1`,
    [userId],
  );
  return row!;
}

/** Subscribes a user to a plan through the SDK and pays the first invoice; answers the subscription id and its events so far. */
export async function subscribeAndPay(user: TestUser, priceId: string): Promise<{ subscriptionId: string; events: Stripe.Event[] }> {
  const { data, error } = await user.kit.billing.subscribe({ price_id: priceId });
  if (error) throw error;
  if (data.status === 'incomplete') await pay(data.subscription_id);
  return { subscriptionId: data.subscription_id, events: await eventsOf(data.subscription_id) };
}

/** A deterministic shuffle (so a failure can be replayed). */
export function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
