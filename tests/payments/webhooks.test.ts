/**
 * The Stripe webhook through the gateway, as Stripe calls it: signature checks on the raw body (a bad
 * signature or a stale timestamp is 400 and writes nothing), each event applied once, any arrival
 * order, unknown event types acknowledged without writing anything.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, deliver, eventsRecorded, seeded, sql, stack, startPurchase, stripe, stripeEvent, webhookSecret, type TestUser } from './support.ts';

async function paymentState(paymentId: string) {
  const [row] = await sql<{ status: string; vouchers: number; active: number }>(
    `select p.status::text, (select count(*)::int from public.vouchers v where v.payment_id = p.id) as vouchers,
            (select count(*)::int from public.vouchers v where v.payment_id = p.id and v.is_active) as active
       from public.payments p where p.id = $1`,
    [paymentId],
  );
  return row!;
}

describe('the Stripe webhook', () => {
  let buyer: TestUser;

  beforeAll(async () => {
    buyer = await createUser('client');
  });

  it('acknowledges a repeated delivery of the same event and applies it only once', async () => {
    const { paymentId, intentId } = await startPurchase(buyer, { voucher_type_id: seeded.examResults });
    const event = await stripeEvent(intentId, 'succeed');
    const deliveries = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(deliveries.map((d) => d.body.outcome).sort()).toEqual(['completed', 'duplicate', 'duplicate']);
    expect(await paymentState(paymentId)).toEqual({ status: 'completed', vouchers: 1, active: 1 });
    expect(await eventsRecorded(event.id)).toBe(1);
  });

  it('ends refunded with no voucher when the refund arrives before the success', async () => {
    const { paymentId, intentId } = await startPurchase(buyer, { voucher_type_id: seeded.examResults });
    const succeeded = await stripeEvent(intentId, 'succeed');
    const refunded = await stripeEvent(intentId, 'refund');
    expect((await deliver(refunded)).body).toMatchObject({ outcome: 'refunded', status: 'refunded' });
    expect((await deliver(succeeded)).body).toMatchObject({ outcome: 'already_refunded', status: 'refunded' });
    expect(await paymentState(paymentId)).toEqual({ status: 'refunded', vouchers: 0, active: 0 });
  });

  it('completes a payment whose first attempt failed, and ignores that failure arriving late', async () => {
    const { paymentId, intentId } = await startPurchase(buyer, { voucher_type_id: seeded.examResults });
    const failed = await stripeEvent(intentId, 'fail');
    const succeeded = await stripeEvent(intentId, 'succeed');
    expect((await deliver(succeeded)).body).toMatchObject({ outcome: 'completed' });
    expect((await deliver(failed)).body).toMatchObject({ outcome: 'ignored_completed', status: 'completed' });
    expect(await paymentState(paymentId)).toEqual({ status: 'completed', vouchers: 1, active: 1 });
  });

  it("marks a payment failed on payment_intent.payment_failed, with Stripe's reason", async () => {
    const { paymentId, intentId } = await startPurchase(buyer, { voucher_type_id: seeded.examResults });
    expect((await deliver(await stripeEvent(intentId, 'fail'))).body).toMatchObject({ outcome: 'failed', status: 'failed' });
    const { data } = await buyer.kit.payments.get(paymentId);
    expect(data).toMatchObject({ status: 'failed', failure_code: 'card_declined', failure_message: 'Your card was declined.' });
  });

  it('deactivates the voucher on charge.refunded after a success', async () => {
    const { paymentId, intentId } = await startPurchase(buyer, { voucher_type_id: seeded.examResults });
    await deliver(await stripeEvent(intentId, 'succeed'));
    expect((await deliver(await stripeEvent(intentId, 'refund'))).body).toMatchObject({ outcome: 'refunded' });
    expect(await paymentState(paymentId)).toEqual({ status: 'refunded', vouchers: 1, active: 0 });
  });

  it('refuses a bad signature with 400 and writes nothing', async () => {
    const { paymentId, intentId } = await startPurchase(buyer, { voucher_type_id: seeded.examResults });
    const event = await stripeEvent(intentId, 'succeed');
    const forged = await deliver(event, { secret: 'whsec_not_the_right_secret' });
    expect(forged).toMatchObject({ status: 400, body: { error: { code: 'invalid_signature' } } });
    // Signed for one body, sent with another: the signature covers the exact bytes.
    const signature = stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(event), secret: webhookSecret });
    const tampered = await deliver(event, { payload: JSON.stringify(event, null, 1), signature });
    expect(tampered).toMatchObject({ status: 400, body: { error: { code: 'invalid_signature' } } });
    const unsigned = await deliver(event, { signature: null });
    expect(unsigned).toMatchObject({ status: 400, body: { error: { code: 'invalid_signature' } } });
    expect(await eventsRecorded(event.id)).toBe(0);
    expect(await paymentState(paymentId)).toEqual({ status: 'pending', vouchers: 0, active: 0 });
  });

  it('refuses a correctly signed event whose timestamp is outside the 300 s tolerance', async () => {
    const { paymentId, intentId } = await startPurchase(buyer, { voucher_type_id: seeded.examResults });
    const event = await stripeEvent(intentId, 'succeed');
    const stale = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toMatchObject({ code: 'invalid_signature' });
    expect(stale.body.error.message).toMatch(/tolerance/i);
    expect(await eventsRecorded(event.id)).toBe(0);
    expect((await paymentState(paymentId)).status).toBe('pending');
    // The same event, signed now, goes through: the first refusal left nothing behind.
    expect((await deliver(event)).body).toMatchObject({ outcome: 'completed' });
  });

  it('acknowledges an event type it does not handle with 2xx and writes nothing', async () => {
    const event = {
      id: `evt_unknown${Date.now()}`,
      object: 'event',
      type: 'customer.updated',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'cus_123', object: 'customer' } },
    };
    const answer = await deliver(event);
    expect(answer).toMatchObject({ status: 200, body: { received: true, handled: false } });
    expect(await eventsRecorded(event.id)).toBe(0);
    const [typed] = await sql<{ n: number }>("select count(*)::int as n from private.stripe_events where type = 'customer.updated'");
    expect(typed!.n).toBe(0);
  });

  it('acknowledges an event about a payment that is not ours', async () => {
    const event = {
      id: `evt_foreign${Date.now()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'pi_NotOurs', object: 'payment_intent', amount: 100, amount_received: 100, currency: 'usd', metadata: {} } },
    };
    expect(await deliver(event)).toMatchObject({ status: 200, body: { outcome: 'unknown_payment', payment_id: null } });
  });

  it('answers only POST', async () => {
    const response = await fetch(`${stack.url}/functions/v1/stripe-webhook`, { method: 'GET' });
    expect(response.status).toBe(405);
  });
});
