import assert from 'node:assert/strict';
import type postgres from 'postgres';
import { HttpError } from '../_shared/errors.ts';
import { httpErrorFromSql } from '../_shared/sql-errors.ts';
import { stripeClient } from '../_shared/stripe.ts';
import { paymentsHandler } from './handler.ts';
import type { PaymentsDeps } from './service.ts';

const untouchable = new Proxy(
  {},
  {
    get() {
      throw new Error('the database should not be touched');
    },
  },
) as unknown as postgres.Sql;

function notConfigured(): PaymentsDeps {
  return {
    sql: untouchable,
    stripe: () => {
      throw new HttpError('payments_not_configured', 'Payments are not configured: set STRIPE_SECRET_KEY');
    },
  };
}

Deno.test('stripeClient should refuse with 503 payments_not_configured naming STRIPE_SECRET_KEY when it is unset', () => {
  const before = Deno.env.get('STRIPE_SECRET_KEY');
  Deno.env.delete('STRIPE_SECRET_KEY');
  try {
    assert.throws(stripeClient, (error: unknown) => error instanceof HttpError && error.status === 503 && /STRIPE_SECRET_KEY/.test(error.message));
  } finally {
    if (before !== undefined) Deno.env.set('STRIPE_SECRET_KEY', before);
  }
});

Deno.test('every payments route should answer 503 payments_not_configured without Stripe, writing nothing', async () => {
  const handler = paymentsHandler(notConfigured);
  for (const path of ['/payments', '/payments/0b0c6ad3-2b8e-4bd4-9b1f-3a4c1f0e8d11/confirm', '/payments/0b0c6ad3-2b8e-4bd4-9b1f-3a4c1f0e8d11/refund']) {
    const response = await handler(new Request(`http://local${path}`, { method: 'POST', body: '{"voucher_type_id":"0b0c6ad3-2b8e-4bd4-9b1f-3a4c1f0e8d11"}' }));
    assert.equal(response.status, 503, path);
    assert.equal((await response.json()).error.code, 'payments_not_configured');
  }
});

Deno.test('the payments function should refuse GET and answer CORS preflights', async () => {
  const handler = paymentsHandler(notConfigured);
  const get = await handler(new Request('http://local/payments'));
  assert.equal(get.status, 405);
  await get.body?.cancel();
  const preflight = await handler(new Request('http://local/payments', { method: 'OPTIONS' }));
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  await preflight.body?.cancel();
});

Deno.test('httpErrorFromSql should turn a PGRST error into the HttpError it names, with its details', () => {
  const error = httpErrorFromSql({
    code: 'PGRST',
    message: JSON.stringify({ code: 'voucher_type_inactive', message: 'This voucher type is not for sale', details: '{"id":"x"}', hint: null }),
    detail: JSON.stringify({ status: 422, headers: {} }),
  });
  assert.ok(error);
  assert.equal(error.status, 422);
  assert.equal(error.code, 'voucher_type_inactive');
  assert.deepEqual(error.details, { id: 'x' });
  assert.equal(httpErrorFromSql(new Error('boom')), undefined);
});

Deno.test('httpErrorFromSql should keep the meaning of a code it does not list through its status', () => {
  const error = httpErrorFromSql({
    code: 'PGRST',
    message: JSON.stringify({ code: 'voucher_exhausted', message: 'This voucher has no uses left', details: null, hint: null }),
    detail: JSON.stringify({ status: 422, headers: {} }),
  });
  assert.equal(error?.status, 422);
  assert.equal(error?.code, 'rule_broken');
  assert.deepEqual(error?.details, { code: 'voucher_exhausted' });
});
