/**
 * Billing under attack and bad input: each is refused with a clear 4xx and a stable code, and nothing
 * is written — neither in the database nor at Stripe (the fake Stripe records every request).
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { callFunction } from '../identity/support.ts';
import { accessToken } from '../crm/support.ts';
import {
  advance,
  createBusiness,
  createUser,
  deliver,
  deliverAll,
  eventsOf,
  eventsRecorded,
  pay,
  plans,
  sql,
  stripe,
  subscribeAndPay,
  subscriptionRow,
  webhookSecret,
  type TestBusiness,
  type TestUser,
} from './support.ts';

const fakeUrl = process.env.STRIPE_FAKE_URL ?? 'http://127.0.0.1:55344';
/** The requests the backend sent to Stripe on behalf of these users or accounts (their ids are in every idempotency key and metadata). */
async function stripeRequests(...ids: string[]): Promise<number> {
  const all = (await (await fetch(`${fakeUrl}/_fake/requests`)).json()) as { idempotencyKey?: string; params: unknown }[];
  return all.filter((r) => ids.some((id) => (r.idempotencyKey ?? '').includes(id) || JSON.stringify(r.params).includes(id))).length;
}
async function subscriptionsOf(filter: { user?: string; account?: string }): Promise<number> {
  const [row] = await sql<{ n: number }>(`select count(*)::int as n from public.billing_subscriptions where user_id = $1 or account_id = $2`, [
    filter.user ?? null,
    filter.account ?? null,
  ]);
  return row!.n;
}

describe('starting or managing a plan with bad input', () => {
  let user: TestUser;
  let business: TestBusiness;

  beforeAll(async () => {
    user = await createUser('client');
    business = await createBusiness({ member: { role: 'admin' } });
  });

  /** Runs a refused call and checks that Stripe was not called and nothing was written. */
  async function refused(run: () => Promise<{ error: { code: string; status?: number } | null }>, code: string, status: number) {
    const before = await stripeRequests(user.id, business.accountId);
    const { error } = await run();
    expect(error).toMatchObject({ code, status });
    expect(await stripeRequests(user.id, business.accountId)).toBe(before);
    expect(await subscriptionsOf({ user: user.id, account: business.accountId })).toBe(0);
  }

  it('an unknown price is 404 price_not_found', async () => {
    await refused(() => user.kit.billing.subscribe({ price_id: 'price_does_not_exist' }), 'price_not_found', 404);
    await refused(() => user.kit.billing.checkout({ price_id: 'price_does_not_exist', success_url: 'https://app.example.test/' }), 'price_not_found', 404);
  });

  it('a plan of the wrong kind is 422 plan_kind_mismatch, both ways', async () => {
    await refused(() => user.kit.billing.subscribe({ price_id: plans.team }), 'plan_kind_mismatch', 422);
    await refused(() => business.owner.kit.billing.subscribe({ price_id: plans.starter, account_id: business.accountId }), 'plan_kind_mismatch', 422);
  });

  it("only the account's owner starts its plan: an account admin or an outsider gets 403", async () => {
    await refused(() => business.members.member!.kit.billing.subscribe({ price_id: plans.team, account_id: business.accountId }), 'forbidden', 403);
    await refused(() => user.kit.billing.subscribe({ price_id: plans.team, account_id: business.accountId }), 'forbidden', 403);
    await refused(() => user.kit.billing.checkout({ price_id: plans.team, account_id: business.accountId, success_url: 'https://app.example.test/' }), 'forbidden', 403);
  });

  it('an amount or currency in the body is refused: prices come from the catalogue', async () => {
    const bearer = await accessToken(user.kit);
    const before = await stripeRequests(user.id);
    const response = await callFunction('billing/subscribe', { bearer, body: { price_id: plans.starter, amount: 1 } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    const malformed = await callFunction('billing/subscribe', { bearer, body: { price_id: "price_x'; drop table" } });
    expect(malformed.status).toBe(400);
    expect(await stripeRequests(user.id)).toBe(before);
  });

  it('signed out is 401; managing a plan one does not have is 404 subscription_not_found', async () => {
    const anonymous = await callFunction('billing/subscribe', { body: { price_id: plans.starter } });
    expect(anonymous.status).toBe(401);
    expect((await user.kit.billing.cancel()).error).toMatchObject({ code: 'subscription_not_found', status: 404 });
    expect((await user.kit.billing.change({ price_id: plans.plus })).error).toMatchObject({ code: 'subscription_not_found' });
    expect((await user.kit.billing.portal()).error).toMatchObject({ code: 'subscription_not_found' });
  });

  it("a non-owner cannot change, cancel or open the portal of an account's plan", async () => {
    const { data } = await business.owner.kit.billing.subscribe({ price_id: plans.team, account_id: business.accountId });
    await pay(data!.subscription_id);
    await deliverAll(await eventsOf(data!.subscription_id));
    const before = await subscriptionRow(data!.subscription_id);
    const admin = business.members.member!.kit;
    expect((await admin.billing.change({ price_id: plans.scale, account_id: business.accountId })).error).toMatchObject({ code: 'forbidden' });
    expect((await admin.billing.cancel({ account_id: business.accountId })).error).toMatchObject({ code: 'forbidden' });
    expect((await admin.billing.portal({ account_id: business.accountId })).error).toMatchObject({ code: 'forbidden' });
    expect((await user.kit.billing.cancel({ account_id: business.accountId })).error).toMatchObject({ code: 'forbidden' });
    expect((await eventsOf(data!.subscription_id)).map((e) => e.type).filter((t) => t === 'customer.subscription.updated')).toHaveLength(1);
    expect(await subscriptionRow(data!.subscription_id)).toEqual(before);
  });
});

describe('forged and stale events', () => {
  let user: TestUser;
  let events: Stripe.Event[];
  let subscriptionId: string;

  beforeAll(async () => {
    user = await createUser('client');
    ({ subscriptionId, events } = await subscribeAndPay(user, plans.starter));
  });

  it('refuses an event signed with another secret or outside the tolerance: 400 invalid_signature, nothing recorded', async () => {
    const paid = events.find((e) => e.type === 'invoice.paid')!;
    const forged = await deliver(paid, { secret: 'whsec_attacker' });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('invalid_signature');
    const stale = await deliver(paid, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(400);
    // A valid signature of another body: the body was changed after signing.
    const signature = stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(paid), secret: webhookSecret });
    const tampered = await deliver(paid, { payload: JSON.stringify({ ...paid, id: 'evt_forged' }), signature });
    expect(tampered.status).toBe(400);
    expect(await eventsRecorded(paid.id)).toBe(0);
    expect(await eventsRecorded('evt_forged')).toBe(0);
    expect(await subscriptionRow(subscriptionId)).toBeNull();
    const [row] = await sql<{ n: number }>(`select count(*)::int as n from public.billing_allowance_credits where user_id = $1`, [user.id]);
    expect(row!.n).toBe(0);
  });

  it('never moves a subscription back to an older state when an older event arrives late', async () => {
    await deliverAll(events);
    const renewal = await advance(subscriptionId);
    await deliverAll(renewal);
    const now = await subscriptionRow(subscriptionId);
    // The first period's "incomplete" and "active" states, delivered again under new event ids (as a
    // replayed or reordered delivery would be), change nothing.
    for (const old of events.filter((e) => e.type.startsWith('customer.subscription.'))) {
      const replay = { ...old, id: `${old.id}_late` };
      const { status, body } = await deliver(replay);
      expect(status).toBe(200);
      expect(body.outcome).toBe('stale');
    }
    expect(await subscriptionRow(subscriptionId)).toEqual(now);
  });

  it('refuses writes outside the webhook: the API roles have no grant, the table owner is stopped by the guards', async () => {
    const insert = await user.kit.supabase.from('billing_subscriptions').insert({ id: 'sub_forged', user_id: user.id } as never);
    expect(insert.error).not.toBeNull();
    const catalogue = await user.kit.supabase
      .from('billing_prices')
      .update({ unit_amount: 1 } as never)
      .eq('id', plans.starter);
    expect(catalogue.error).not.toBeNull();
    await expect(sql(`update public.billing_subscriptions set status = 'active' where id = $1`, [subscriptionId])).rejects.toThrow(/changes only as Stripe reports it/);
    await expect(sql(`select private.post_wallet_entry($1, 1000, 'subscription_allowance', 'subscription_invoice')`, [user.id])).rejects.toThrow(
      /credited only for a paid invoice/,
    );
    const [price] = await sql<{ unit_amount: number }>(`select unit_amount from public.billing_prices where id = $1`, [plans.starter]);
    expect(price!.unit_amount).toBe(499);
  });
});
