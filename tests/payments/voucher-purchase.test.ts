/**
 * Buying a voucher end to end through the SDK and the fake Stripe: payment intent → signed webhook →
 * voucher visible → redeem → usage history and stats; the confirm call when the webhook is late; an
 * admin refund that deactivates the voucher.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, deliver, kit, seeded, sql, startPurchase, stripe, stripeEvent, type TestUser } from './support.ts';

describe('buying a voucher', () => {
  let buyer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    [buyer, admin] = await Promise.all([createUser('client'), createUser('admin')]);
  });

  it('lists the seeded voucher types publicly, priced in cents', async () => {
    const anonymous = kit();
    const { data, error } = await anonymous.vouchers.types();
    expect(error).toBeNull();
    expect(data!.items.map((t) => t.name)).toEqual(expect.arrayContaining(['Exam Results Checking', 'School Application', 'Placement Application', 'Document Verification']));
    expect(data!.items.find((t) => t.name === 'Exam Results Checking')).toMatchObject({ price_amount: 1000, currency: 'usd', service_type: 'exam_results' });
  });

  it('goes from a payment intent through the signed webhook to a redeemed voucher, history and stats', async () => {
    const { data: created, error } = await buyer.kit.payments.buyVoucher(seeded.examResults);
    expect(error).toBeNull();
    expect(created!.payment).toMatchObject({ status: 'pending', amount: 1000, currency: 'usd', purpose: 'voucher', user_id: buyer.id });
    expect(created!.client_secret).toMatch(/^pi_.+_secret_/);

    // What Stripe got: the database's price, our payment id in the metadata, a customer for the user.
    const intent = await stripe.paymentIntents.retrieve(created!.payment.stripe_payment_intent_id!);
    expect(intent).toMatchObject({ amount: 1000, currency: 'usd', metadata: { payment_id: created!.payment.id, user_id: buyer.id, purpose: 'voucher' } });
    const [link] = await sql<{ stripe_customer_id: string }>('select stripe_customer_id from public.stripe_customers where user_id = $1', [buyer.id]);
    expect(intent.customer).toBe(link!.stripe_customer_id);

    const event = await stripeEvent(intent.id, 'succeed');
    const delivered = await deliver(event);
    expect(delivered).toMatchObject({ status: 200, body: { received: true, handled: true, outcome: 'completed', status: 'completed' } });

    const { data: mine } = await buyer.kit.vouchers.mine();
    expect(mine!.total).toBe(1);
    const voucher = mine!.items[0]!;
    expect(voucher).toMatchObject({ payment_id: created!.payment.id, uses_remaining: 5, total_uses: 5, is_active: true });
    expect(voucher.voucher_type?.name).toBe('Exam Results Checking');
    expect(voucher.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);

    const { data: details } = await buyer.kit.vouchers.get(voucher.code.toLowerCase());
    expect(details).toMatchObject({ voucher_code: voucher.code, is_owner: true, uses_remaining: 5 });

    const { data: redeemed, error: redeemError } = await buyer.kit.vouchers.redeem({ code: voucher.code, service_type: 'exam_results', details: { index_number: '0421' } });
    expect(redeemError).toBeNull();
    expect(redeemed).toMatchObject({ voucher_id: voucher.id, uses_remaining: 4, replayed: false });

    const { data: history } = await buyer.kit.vouchers.history();
    expect(history!.items).toHaveLength(1);
    expect(history!.items[0]).toMatchObject({ service_type: 'exam_results', details: { index_number: '0421' }, voucher: { code: voucher.code } });

    const { data: stats } = await buyer.kit.vouchers.stats();
    expect(stats).toEqual({ vouchers_bought: 1, vouchers_granted: 0, vouchers_active: 1, vouchers_used: 1, redemptions: 1, spent: [{ currency: 'usd', amount: 1000 }] });

    const { data: payments } = await buyer.kit.payments.history();
    expect(payments!.items.map((p) => [p.id, p.status])).toEqual([[created!.payment.id, 'completed']]);
  });

  it('completes through confirm when the webhook is late, and the late webhook then changes nothing', async () => {
    const { paymentId, intentId } = await startPurchase(buyer, { voucher_type_id: seeded.schoolApplication });
    // The second purchase reuses the Stripe customer made for the first.
    const [link] = await sql<{ stripe_customer_id: string; n: number }>(
      'select stripe_customer_id, (select count(*)::int from public.stripe_customers where user_id = $1) as n from public.stripe_customers where user_id = $1',
      [buyer.id],
    );
    expect(link!.n).toBe(1);
    expect((await stripe.paymentIntents.retrieve(intentId)).customer).toBe(link!.stripe_customer_id);
    const { data: before } = await buyer.kit.payments.confirm(paymentId);
    expect(before).toMatchObject({ payment: { status: 'pending' }, stripe_status: 'requires_payment_method' });

    const event = await stripeEvent(intentId, 'succeed');
    const { data: confirmed, error } = await buyer.kit.payments.confirm(paymentId);
    expect(error).toBeNull();
    expect(confirmed).toMatchObject({ payment: { status: 'completed' }, stripe_status: 'succeeded' });
    expect((await deliver(event)).body).toMatchObject({ outcome: 'already_completed' });
    const [row] = await sql<{ n: number }>('select count(*)::int as n from public.vouchers where payment_id = $1', [paymentId]);
    expect(row!.n).toBe(1);
  });

  it('lets an admin refund a payment, which deactivates its voucher; the refund webhook is then a no-op', async () => {
    const { paymentId, intentId } = await startPurchase(buyer, { voucher_type_id: seeded.schoolApplication });
    await deliver(await stripeEvent(intentId, 'succeed'));

    const refusedToClient = await buyer.kit.admin.payments.refund(paymentId);
    expect(refusedToClient.error?.code).toBe('forbidden');

    const { data, error } = await admin.kit.admin.payments.refund(paymentId, { reason: 'requested_by_customer' });
    expect(error).toBeNull();
    expect(data!.payment).toMatchObject({ id: paymentId, status: 'refunded', amount_refunded: 2500 });
    expect(data!.refund_id).toMatch(/^re_/);
    const [voucher] = await sql<{ is_active: boolean; deactivation_reason: string }>('select is_active, deactivation_reason from public.vouchers where payment_id = $1', [
      paymentId,
    ]);
    expect(voucher).toEqual({ is_active: false, deactivation_reason: 'payment refunded' });

    // A charge.refunded for it arriving afterwards changes nothing.
    expect((await deliver(await stripeEvent(intentId, 'refund'))).body).toMatchObject({ outcome: 'already_refunded' });
    const again = await admin.kit.admin.payments.refund(paymentId);
    expect(again.error?.code).toBe('payment_not_refundable');
    const { data: all } = await admin.kit.admin.payments.list({ user_id: buyer.id, status: 'refunded' });
    expect(all!.items.map((p) => p.id)).toContain(paymentId);
  });

  it("shows a user only their own payments, and an admin everyone's", async () => {
    const other = await createUser('client');
    const { data: theirs } = await other.kit.payments.history();
    expect(theirs!.total).toBe(0);
    const { data: mine } = await buyer.kit.payments.history();
    const someone = mine!.items[0]!.id;
    expect((await other.kit.payments.get(someone)).error?.code).toBe('payment_not_found');
    expect((await admin.kit.payments.get(someone)).data?.id).toBe(someone);
    const { data: everyone } = await admin.kit.admin.payments.list({ user_id: buyer.id });
    expect(everyone!.total).toBe(mine!.total);
  });
});
