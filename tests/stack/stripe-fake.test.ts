/**
 * The fake Stripe API speaks the wire format the real `stripe` client expects, so the payments
 * module can be tested without the network: the client is pointed at it with host/port/protocol.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

const url = new URL(process.env.STRIPE_FAKE_URL ?? 'http://127.0.0.1:32581');
const secretKey = process.env.STRIPE_SECRET_KEY ?? 'sk_test_local_fake_stripe';
const stripe = new Stripe(secretKey, { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries: 0 });

describe('fake Stripe', () => {
  it('creates a customer and a payment intent with metadata, as stripe-node sends them', async () => {
    const customer = await stripe.customers.create({ email: 'buyer@example.test', metadata: { user_id: 'u1' } });
    expect(customer.id).toMatch(/^cus_/);
    const intent = await stripe.paymentIntents.create({ amount: 2500, currency: 'eur', customer: customer.id, metadata: { purpose: 'voucher', ref: 'vt1' } });
    expect(intent).toMatchObject({ object: 'payment_intent', amount: 2500, currency: 'eur', status: 'requires_payment_method', metadata: { purpose: 'voucher', ref: 'vt1' } });
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`));
    expect((await stripe.paymentIntents.retrieve(intent.id)).id).toBe(intent.id);
  });

  it('replays the first response for a repeated Idempotency-Key and refuses other parameters', async () => {
    const key = `idem-${Date.now()}`;
    const first = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: key });
    const again = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    await expect(stripe.paymentIntents.create({ amount: 999, currency: 'usd' }, { idempotencyKey: key })).rejects.toMatchObject({ type: 'StripeIdempotencyError' });
  });

  it("answers errors in Stripe's shape, which the client raises as typed errors", async () => {
    await expect(stripe.paymentIntents.retrieve('pi_missing')).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'resource_missing', statusCode: 404 });
    await expect(stripe.paymentIntents.create({ amount: -5, currency: 'usd' })).rejects.toMatchObject({ param: 'amount' });
    const wrongKey = new Stripe('sk_test_wrong', { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries: 0 });
    await expect(wrongKey.customers.create({})).rejects.toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 });
  });

  it('moves an intent to succeeded and returns an event whose signed form the library verifies', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 700, currency: 'eur' });
    const event = (await (await fetch(`${url.origin}/_fake/payment_intents/${intent.id}/succeed`, { method: 'POST' })).json()) as Stripe.Event;
    expect(event.type).toBe('payment_intent.succeeded');
    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe('succeeded');
    const payload = JSON.stringify(event);
    const secret = process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_local_fake_stripe_signing_secret';
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
    const verified = await stripe.webhooks.constructEventAsync(payload, header, secret);
    expect(verified.id).toBe(event.id);

    const refund = await stripe.refunds.create({ payment_intent: intent.id });
    expect(refund).toMatchObject({ object: 'refund', amount: 700, status: 'succeeded' });
  });
});
