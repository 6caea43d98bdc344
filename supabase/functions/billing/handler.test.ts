import assert from 'node:assert/strict';
import type postgres from 'postgres';
import { HttpError } from '../_shared/errors.ts';
import { httpErrorFromSql } from '../_shared/sql-errors.ts';
import { billingHandler } from './handler.ts';
import type { BillingDeps } from './service.ts';

const untouchable = new Proxy(
  {},
  {
    get() {
      throw new Error('the database should not be touched');
    },
  },
) as unknown as postgres.Sql;

function notConfigured(): BillingDeps {
  return {
    sql: untouchable,
    stripe: () => {
      throw new HttpError('payments_not_configured', 'Payments are not configured: set STRIPE_SECRET_KEY');
    },
  };
}

Deno.test('every billing route should answer 503 payments_not_configured without Stripe, touching nothing', async () => {
  const handler = billingHandler(notConfigured);
  for (const route of ['subscribe', 'checkout', 'change', 'cancel', 'resume', 'portal', 'sync']) {
    const response = await handler(new Request(`http://local/billing/${route}`, { method: 'POST', body: '{"price_id":"price_user_starter_monthly"}' }));
    assert.equal(response.status, 503, route);
    assert.equal((await response.json()).error.code, 'payments_not_configured');
  }
});

Deno.test('the billing function should refuse GET, unknown routes, and answer CORS preflights', async () => {
  const handler = billingHandler(notConfigured);
  const get = await handler(new Request('http://local/billing/subscribe'));
  assert.equal(get.status, 405);
  await get.body?.cancel();
  const unknown = await handler(new Request('http://local/billing/refund', { method: 'POST' }));
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
  const preflight = await handler(new Request('http://local/billing/subscribe', { method: 'OPTIONS' }));
  assert.equal(preflight.status, 200);
  await preflight.body?.cancel();
});

Deno.test('the billing SQL refusals should keep their codes and statuses', () => {
  for (const [code, status] of [
    ['price_not_found', 404],
    ['plan_kind_mismatch', 422],
    ['already_subscribed', 409],
    ['seat_limit_reached', 422],
    ['feature_not_in_plan', 403],
  ] as const) {
    const error = httpErrorFromSql({
      code: 'PGRST',
      message: JSON.stringify({ code, message: 'refused', details: null, hint: null }),
      detail: JSON.stringify({ status, headers: {} }),
    });
    assert.equal(error?.code, code);
    assert.equal(error?.status, status);
  }
});
