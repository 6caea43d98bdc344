import assert from 'node:assert/strict';
import type postgres from 'postgres';
import { Stripe } from '../_shared/stripe.ts';
import { readRawBody, stripeWebhookHandler } from './handler.ts';

const SECRET = 'whsec_deno_test_secret';
const stripe = new Stripe('sk_test_unused', { httpClient: Stripe.createFetchHttpClient() });

/** A database that must not be touched: any query fails the test. */
const untouchable = (() => {
  throw new Error('the database should not be touched');
}) as unknown as () => postgres.Sql;

function withSecret<T>(value: string | undefined, run: () => Promise<T>): Promise<T> {
  const before = Deno.env.get('STRIPE_WEBHOOK_SECRET');
  if (value === undefined) Deno.env.delete('STRIPE_WEBHOOK_SECRET');
  else Deno.env.set('STRIPE_WEBHOOK_SECRET', value);
  return run().finally(() => {
    if (before === undefined) Deno.env.delete('STRIPE_WEBHOOK_SECRET');
    else Deno.env.set('STRIPE_WEBHOOK_SECRET', before);
  });
}

async function post(payload: string, signature: string | null): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature) headers['stripe-signature'] = signature;
  return await stripeWebhookHandler(untouchable)(new Request('http://local/stripe-webhook', { method: 'POST', headers, body: payload }));
}

const unknownEvent = JSON.stringify({ id: 'evt_deno1', object: 'event', type: 'invoice.created', data: { object: { id: 'in_1', object: 'invoice' } } });

Deno.test('the webhook should acknowledge an unknown event type with 200 without touching the database', async () => {
  await withSecret(SECRET, async () => {
    const response = await post(unknownEvent, await stripe.webhooks.generateTestHeaderStringAsync({ payload: unknownEvent, secret: SECRET }));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { received: true, id: 'evt_deno1', type: 'invoice.created', handled: false, outcome: 'ignored', payment_id: null, status: null });
  });
});

Deno.test('the webhook should answer 400 invalid_signature for a signature made with another secret', async () => {
  await withSecret(SECRET, async () => {
    const response = await post(unknownEvent, await stripe.webhooks.generateTestHeaderStringAsync({ payload: unknownEvent, secret: 'whsec_other' }));
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error.code, 'invalid_signature');
  });
});

Deno.test('the webhook should answer 400 for a timestamp outside the 300 s tolerance, naming it', async () => {
  await withSecret(SECRET, async () => {
    const timestamp = Math.floor(Date.now() / 1000) - 301;
    const response = await post(unknownEvent, await stripe.webhooks.generateTestHeaderStringAsync({ payload: unknownEvent, secret: SECRET, timestamp }));
    assert.equal(response.status, 400);
    assert.match((await response.json()).error.message, /tolerance/i);
  });
});

Deno.test('the webhook should answer 400 when the Stripe-Signature header is missing', async () => {
  await withSecret(SECRET, async () => {
    const response = await post(unknownEvent, null);
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error.code, 'invalid_signature');
  });
});

Deno.test('the webhook should answer 503 payments_not_configured naming STRIPE_WEBHOOK_SECRET when it is unset', async () => {
  await withSecret(undefined, async () => {
    const response = await post(unknownEvent, 't=1,v1=x');
    assert.equal(response.status, 503);
    const body = await response.json();
    assert.equal(body.error.code, 'payments_not_configured');
    assert.match(body.error.message, /STRIPE_WEBHOOK_SECRET/);
  });
});

Deno.test('the webhook should refuse methods other than POST', async () => {
  const response = await stripeWebhookHandler(untouchable)(new Request('http://local/stripe-webhook'));
  assert.equal(response.status, 405);
  await response.body?.cancel();
});

Deno.test('readRawBody should keep the exact bytes and refuse more than the limit', async () => {
  const text = '{"a": "é"}\n';
  assert.equal(await readRawBody(new Request('http://local', { method: 'POST', body: text }), 100), text);
  await assert.rejects(readRawBody(new Request('http://local', { method: 'POST', body: 'x'.repeat(101) }), 100), /larger than 100 bytes/);
});
