/**
 * User plans end to end, through the SDK, the gateway and the real `stripe` client on the fake Stripe:
 * a paid invoice credits the plan's monthly allowance exactly once, a renewal credits it again, a failed
 * renewal makes the subscription past_due until the invoice is paid, a cancellation at period end keeps
 * the plan until then, and a whole subscription's events delivered twice and shuffled end in the same
 * state as delivered once in order.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  advance,
  allowanceOf,
  balanceOf,
  completeCheckout,
  createUser,
  deliver,
  deliverAll,
  eventsOf,
  failNext,
  pay,
  plans,
  shuffled,
  stripe,
  subscribeAndPay,
  subscriptionRow,
  type TestUser,
} from './support.ts';

describe('a user plan', () => {
  let user: TestUser;
  let subscriptionId: string;

  beforeAll(async () => {
    user = await createUser('client');
  });

  it('lists the plans anyone can buy, by kind', async () => {
    const { data, error } = await user.kit.billing.plans({ kind: 'user' });
    expect(error).toBeNull();
    expect(data!.items.map((p) => p.id)).toEqual(expect.arrayContaining([plans.starter, plans.plus]));
    expect(data!.items.every((p) => p.product.plan_kind === 'user')).toBe(true);
  });

  it('credits the monthly allowance once when the first invoice is paid, however often the event arrives', async () => {
    const started = await subscribeAndPay(user, plans.starter);
    subscriptionId = started.subscriptionId;
    const paid = started.events.find((e) => e.type === 'invoice.paid')!;
    const bodies = await deliverAll(started.events);
    expect(bodies.map((b) => b.outcome)).toEqual(['subscription_incomplete', 'allowance_credited', 'subscription_active']);
    const again = await Promise.all([deliver(paid), deliver(paid), deliver(paid)]);
    expect(again.map((d) => d.body.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await balanceOf(user.id)).toBe(500);
    expect(await allowanceOf(user.id)).toEqual({ credits: 1, points: 500 });
    const { data } = await user.kit.billing.mySubscription();
    expect(data).toMatchObject({ id: subscriptionId, status: 'active', price_id: plans.starter, cancel_at_period_end: false });
    const history = await user.kit.billing.history();
    expect(history.data!.items).toHaveLength(1);
    const { data: ledger } = await user.kit.wallet.history();
    expect(ledger!.items[0]).toMatchObject({ kind: 'subscription_allowance', amount: 500 });
  });

  it('credits the allowance again on renewal, for the next period', async () => {
    const before = await subscriptionRow(subscriptionId);
    await deliverAll(await advance(subscriptionId));
    const after = await subscriptionRow(subscriptionId);
    expect(after!.current_period_start).toBe(before!.current_period_end);
    expect(await allowanceOf(user.id)).toEqual({ credits: 2, points: 1000 });
    expect(await balanceOf(user.id)).toBe(1000);
  });

  it('goes past_due when a renewal fails and recovers when the invoice is paid', async () => {
    await failNext(subscriptionId);
    const failed = await deliverAll(await advance(subscriptionId));
    expect(failed.map((b) => b.outcome)).toEqual(['past_due', 'subscription_past_due']);
    expect((await subscriptionRow(subscriptionId))!.status).toBe('past_due');
    expect(await allowanceOf(user.id)).toEqual({ credits: 2, points: 1000 });
    const recovered = await deliverAll(await pay(subscriptionId));
    expect(recovered[0]).toMatchObject({ outcome: 'allowance_credited', status: 'active' });
    expect((await subscriptionRow(subscriptionId))!.status).toBe('active');
    expect(await allowanceOf(user.id)).toEqual({ credits: 3, points: 1500 });
  });

  it('changes plan with a prorated invoice that credits no extra allowance', async () => {
    const last = (await eventsOf(subscriptionId)).at(-1)!.id;
    const { data, error } = await user.kit.billing.change({ price_id: plans.plus });
    expect(error).toBeNull();
    expect(data).toMatchObject({ price_id: plans.plus, status: 'active' });
    const events = await eventsOf(subscriptionId, last);
    expect(events.map((e) => e.type)).toEqual(['customer.subscription.updated', 'invoice.paid']);
    const invoice = events[1]!.data.object as Stripe.Invoice;
    expect(invoice.billing_reason).toBe('subscription_update');
    expect(invoice.amount_paid).toBeGreaterThan(0);
    expect(invoice.amount_paid).toBeLessThanOrEqual(1499 - 499);
    await deliverAll(events);
    expect((await subscriptionRow(subscriptionId))!.price_id).toBe(plans.plus);
    expect(await allowanceOf(user.id)).toEqual({ credits: 3, points: 1500 });
  });

  it('cancels at period end: the plan stays until then, resume undoes it, the period end ends it', async () => {
    const last = (await eventsOf(subscriptionId)).at(-1)!.id;
    expect((await user.kit.billing.cancel()).data).toMatchObject({ cancel_at_period_end: true, status: 'active' });
    expect((await user.kit.billing.resume()).data).toMatchObject({ cancel_at_period_end: false });
    expect((await user.kit.billing.cancel({}, { idempotencyKey: `cancel-${subscriptionId}` })).data).toMatchObject({ cancel_at_period_end: true });
    await deliverAll(await eventsOf(subscriptionId, last));
    expect(await subscriptionRow(subscriptionId)).toMatchObject({ status: 'active', cancel_at_period_end: true });
    const ended = await deliverAll(await advance(subscriptionId));
    expect(ended.map((b) => b.outcome)).toEqual(['subscription_canceled']);
    expect((await subscriptionRow(subscriptionId))!.status).toBe('canceled');
    expect(await allowanceOf(user.id)).toEqual({ credits: 3, points: 1500 });
    const { data } = await user.kit.billing.mySubscription();
    expect(data?.status).toBe('canceled');
  });

  it('opens the Billing Portal for the subscriber', async () => {
    const other = await createUser('client');
    await deliverAll((await subscribeAndPay(other, plans.starter)).events);
    const { data, error } = await other.kit.billing.portal({ return_url: 'https://app.example.test/account' });
    expect(error).toBeNull();
    expect(data!.url).toMatch(/\/_fake\/billing\/portal\/bps_/);
  });

  it("starts through Checkout, with the plan's trial and no allowance until a paid invoice", async () => {
    const trialist = await createUser('client');
    const { data, error } = await trialist.kit.billing.checkout({ price_id: plans.plus, success_url: 'https://app.example.test/done' });
    expect(error).toBeNull();
    expect(data!.url).toContain(data!.session_id);
    const events = await completeCheckout(data!.session_id);
    expect(events.map((e) => e.type)).toEqual(['customer.subscription.created', 'invoice.paid', 'checkout.session.completed']);
    const bodies = await deliverAll(events);
    expect(bodies.map((b) => b.outcome)).toEqual(['subscription_trialing', 'invoice_paid', 'checkout_completed']);
    const subscriptionId = (events[0]!.data.object as Stripe.Subscription).id;
    expect((await subscriptionRow(subscriptionId))!.status).toBe('trialing');
    expect(await allowanceOf(trialist.id)).toEqual({ credits: 0, points: 0 });
    // The trial ends: the first paid invoice credits the allowance.
    await deliverAll(await advance(subscriptionId));
    expect((await subscriptionRow(subscriptionId))!.status).toBe('active');
    expect(await allowanceOf(trialist.id)).toEqual({ credits: 1, points: 2000 });
    // The Checkout linked the customer: a second subscription is refused while this one runs.
    const again = await trialist.kit.billing.subscribe({ price_id: plans.starter });
    expect(again.error?.code).toBe('already_subscribed');
  });
});

describe('delivery order', () => {
  /** One subscription's whole life: paid, renewed, a failed renewal recovered, a plan change, cancelled at period end, ended. */
  async function lifecycle(user: TestUser): Promise<{ subscriptionId: string; events: Stripe.Event[] }> {
    const { subscriptionId } = await subscribeAndPay(user, plans.starter);
    await advance(subscriptionId);
    await failNext(subscriptionId);
    await advance(subscriptionId);
    await pay(subscriptionId);
    const live = await stripe.subscriptions.retrieve(subscriptionId);
    await stripe.subscriptions.update(subscriptionId, { items: [{ id: live.items.data[0]!.id, price: plans.plus }], proration_behavior: 'always_invoice' });
    await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false });
    await advance(subscriptionId);
    await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    await advance(subscriptionId);
    return { subscriptionId, events: await eventsOf(subscriptionId) };
  }

  async function finalState(user: TestUser, subscriptionId: string) {
    const row = await subscriptionRow(subscriptionId);
    return { status: row!.status, price_id: row!.price_id, cancel_at_period_end: row!.cancel_at_period_end, ...(await allowanceOf(user.id)), balance: await balanceOf(user.id) };
  }

  it('ends in the same state when every event comes twice, shuffled, as when each comes once in order', async () => {
    const inOrder = await createUser('client');
    const a = await lifecycle(inOrder);
    await deliverAll(a.events);
    const expected = await finalState(inOrder, a.subscriptionId);
    // paid, renewed, recovered, changed (no allowance), renewed on Plus: 500 + 500 + 500 + 2000.
    expect(expected).toEqual({ status: 'canceled', price_id: plans.plus, cancel_at_period_end: false, credits: 4, points: 3500, balance: 3500 });

    const shuffledUser = await createUser('client');
    const b = await lifecycle(shuffledUser);
    const twice = shuffled([...b.events, ...b.events], 17);
    // In bursts of four concurrent deliveries, as Stripe's retries overlap.
    for (let i = 0; i < twice.length; i += 4) {
      const answers = await Promise.all(twice.slice(i, i + 4).map((event) => deliver(event)));
      expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    }
    expect(await finalState(shuffledUser, b.subscriptionId)).toEqual(expected);
  });
});
