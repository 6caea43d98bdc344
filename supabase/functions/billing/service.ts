/**
 * The subscription flows, independent of HTTP. Every rule (the price exists and is on sale, is of the
 * subscriber's kind, the caller is the user or the account's owner, one current subscription) is
 * checked by an SQL function before Stripe is called; this module only talks to Stripe. The
 * subscription's state reaches the database through Stripe's webhook (stripe-webhook), never from
 * here, so there is one writer and one order of events.
 */
import type postgres from 'postgres';
import { HttpError } from '../_shared/errors.ts';
import { sqlCall } from '../_shared/sql-errors.ts';
import type { Stripe } from '../_shared/stripe.ts';

export interface BillingDeps {
  sql: postgres.Sql;
  /** Throws 503 `payments_not_configured` when Stripe has no key, before anything is written. */
  stripe: () => Stripe;
}

export interface Caller {
  id: string;
  email: string;
}

/** Stripe's failures (network, API) are the provider's: 502 with Stripe's request id. */
export async function stripeCall<T>(what: string, run: () => Promise<T>): Promise<T> {
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

interface Prepared {
  price_id: string;
  product_id: string;
  plan_kind: 'user' | 'business';
  plan_name: string;
  trial_days: number;
  stripe_customer_id: string | null;
  account_name: string | null;
}

async function prepare(deps: BillingDeps, caller: Caller, priceId: string, accountId: string | undefined): Promise<Prepared> {
  const [row] = await sqlCall(
    () => deps.sql<Prepared[]>`
    select * from private.billing_prepare(${caller.id}, ${priceId}, ${accountId ?? null})`,
  );
  return row!;
}

/** The subscriber's Stripe customer: the linked one, or a new one (created once, even if two requests race). */
async function customerFor(deps: BillingDeps, stripe: Stripe, caller: Caller, prepared: Prepared, accountId: string | undefined): Promise<string> {
  if (prepared.stripe_customer_id) return prepared.stripe_customer_id;
  if (!accountId) {
    const customer = await stripeCall('create the customer', () =>
      stripe.customers.create({ ...(caller.email ? { email: caller.email } : {}), metadata: { user_id: caller.id } }, { idempotencyKey: `customer-for-user:${caller.id}` }),
    );
    const [row] = await deps.sql<{ id: string }[]>`select private.link_stripe_customer(${caller.id}, ${customer.id}) as id`;
    return row!.id;
  }
  const customer = await stripeCall('create the customer', () =>
    stripe.customers.create(
      {
        ...(prepared.account_name ? { name: prepared.account_name } : {}),
        ...(caller.email ? { email: caller.email } : {}),
        metadata: { account_id: accountId, owner_id: caller.id },
      },
      { idempotencyKey: `customer-for-account:${accountId}` },
    ),
  );
  const [row] = await deps.sql<{ id: string }[]>`select private.billing_link_account_customer(${accountId}, ${customer.id}) as id`;
  return row!.id;
}

/** What Stripe's subscription metadata carries: who the subscription is for (the webhook reads it). */
function subscriberMetadata(caller: Caller, accountId: string | undefined): Record<string, string> {
  return accountId ? { account_id: accountId, owner_id: caller.id } : { user_id: caller.id };
}

export interface StartedSubscription {
  subscription_id: string;
  status: string;
  price_id: string;
  trial_end: number | null;
  /** For Stripe.js (`stripe.confirmPayment({ clientSecret })`) while the first invoice is open; null in a trial. */
  client_secret: string | null;
}

/** Starts a subscription with its first invoice open (paid with Stripe.js), or a trial. */
export async function subscribe(deps: BillingDeps, caller: Caller, input: { price_id: string; account_id?: string | undefined }, key: string): Promise<StartedSubscription> {
  const stripe = deps.stripe();
  const prepared = await prepare(deps, caller, input.price_id, input.account_id);
  const customer = await customerFor(deps, stripe, caller, prepared, input.account_id);
  const sub = await stripeCall('start the subscription', () =>
    stripe.subscriptions.create(
      {
        customer,
        items: [{ price: prepared.price_id }],
        metadata: subscriberMetadata(caller, input.account_id),
        payment_behavior: 'default_incomplete',
        ...(prepared.trial_days > 0 ? { trial_period_days: prepared.trial_days } : {}),
        expand: ['latest_invoice.confirmation_secret'],
      },
      { idempotencyKey: `subscribe:${input.account_id ?? caller.id}:${key}` },
    ),
  );
  const invoice = typeof sub.latest_invoice === 'object' ? sub.latest_invoice : null;
  return {
    subscription_id: sub.id,
    status: sub.status,
    price_id: prepared.price_id,
    trial_end: sub.trial_end ?? null,
    client_secret: invoice?.confirmation_secret?.client_secret ?? null,
  };
}

/** Starts a subscription through a Stripe Checkout page: answers its URL. */
export async function checkout(
  deps: BillingDeps,
  caller: Caller,
  input: { price_id: string; account_id?: string | undefined; success_url: string; cancel_url?: string | undefined },
  key: string,
): Promise<{ session_id: string; url: string | null }> {
  const stripe = deps.stripe();
  const prepared = await prepare(deps, caller, input.price_id, input.account_id);
  const customer = await customerFor(deps, stripe, caller, prepared, input.account_id);
  const metadata = subscriberMetadata(caller, input.account_id);
  const session = await stripeCall('open Checkout', () =>
    stripe.checkout.sessions.create(
      {
        mode: 'subscription',
        customer,
        line_items: [{ price: prepared.price_id, quantity: 1 }],
        success_url: input.success_url,
        ...(input.cancel_url ? { cancel_url: input.cancel_url } : {}),
        client_reference_id: input.account_id ?? caller.id,
        metadata,
        subscription_data: { metadata, ...(prepared.trial_days > 0 ? { trial_period_days: prepared.trial_days } : {}) },
      },
      { idempotencyKey: `checkout:${input.account_id ?? caller.id}:${key}` },
    ),
  );
  return { session_id: session.id, url: session.url };
}

interface Current {
  subscription_id: string;
  stripe_customer_id: string;
  price_id: string;
  status: string;
  cancel_at_period_end: boolean;
}

async function current(deps: BillingDeps, caller: Caller, accountId: string | undefined, newPriceId?: string): Promise<Current> {
  const [row] = await sqlCall(
    () => deps.sql<Current[]>`
    select * from private.billing_subscription_for(${caller.id}, ${accountId ?? null}, ${newPriceId ?? null})`,
  );
  return row!;
}

export interface SubscriptionAnswer {
  subscription_id: string;
  status: string;
  price_id: string | null;
  cancel_at_period_end: boolean;
  current_period_end: number | null;
}

function answer(sub: Stripe.Subscription): SubscriptionAnswer {
  const item = sub.items.data[0];
  return {
    subscription_id: sub.id,
    status: sub.status,
    price_id: item?.price.id ?? null,
    cancel_at_period_end: sub.cancel_at_period_end,
    current_period_end: item?.current_period_end ?? null,
  };
}

/** Moves the subscription to another plan of its kind; Stripe invoices the prorated difference now. */
export async function changePlan(deps: BillingDeps, caller: Caller, input: { price_id: string; account_id?: string | undefined }, key: string): Promise<SubscriptionAnswer> {
  const stripe = deps.stripe();
  const sub = await current(deps, caller, input.account_id, input.price_id);
  const live = await stripeCall('read the subscription', () => stripe.subscriptions.retrieve(sub.subscription_id));
  const item = live.items.data[0];
  if (!item) throw new HttpError('conflict', 'The subscription has no item to change');
  const updated = await stripeCall('change the plan', () =>
    stripe.subscriptions.update(
      sub.subscription_id,
      { items: [{ id: item.id, price: input.price_id }], proration_behavior: 'always_invoice' },
      { idempotencyKey: `change:${sub.subscription_id}:${key}` },
    ),
  );
  return answer(updated);
}

/** Cancels at the end of the period (access until then), or undoes that (`resume`). */
export async function setCancelAtPeriodEnd(deps: BillingDeps, caller: Caller, accountId: string | undefined, cancel: boolean, key: string): Promise<SubscriptionAnswer> {
  const stripe = deps.stripe();
  const sub = await current(deps, caller, accountId);
  const updated = await stripeCall(cancel ? 'cancel the subscription' : 'resume the subscription', () =>
    stripe.subscriptions.update(sub.subscription_id, { cancel_at_period_end: cancel }, { idempotencyKey: `${cancel ? 'cancel' : 'resume'}:${sub.subscription_id}:${key}` }),
  );
  return answer(updated);
}

/** A Billing Portal session for the subscriber's customer: payment methods, invoices, cancellation. */
export async function portal(deps: BillingDeps, caller: Caller, input: { account_id?: string | undefined; return_url?: string | undefined }): Promise<{ url: string }> {
  const stripe = deps.stripe();
  const sub = await current(deps, caller, input.account_id);
  const session = await stripeCall('open the billing portal', () =>
    stripe.billingPortal.sessions.create({ customer: sub.stripe_customer_id, ...(input.return_url ? { return_url: input.return_url } : {}) }),
  );
  return { url: session.url };
}

/**
 * First load of the catalogue (admins, or `npm run billing:sync`): every product and price at Stripe,
 * through the same SQL functions as the webhook's product.* and price.* events.
 */
export async function syncCatalogue(sql: postgres.Sql, stripe: Stripe): Promise<{ products: number; prices: number }> {
  let products = 0;
  let prices = 0;
  for await (const product of stripe.products.list({ limit: 100 })) {
    await sql`select private.billing_apply_product(null, 'product.updated', ${sql.json(product as unknown as postgres.JSONValue)})`;
    products++;
  }
  const at = Math.floor(Date.now() / 1000);
  for await (const price of stripe.prices.list({ limit: 100 })) {
    await sql`select private.billing_apply_price(null, 'price.updated', ${at}, ${sql.json(price as unknown as postgres.JSONValue)})`;
    prices++;
  }
  return { products, prices };
}
