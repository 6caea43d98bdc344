/**
 * Bad input to the payments function and the voucher RPCs: client-sent amounts, unknown and inactive
 * products, someone else's or malformed codes, oversized bodies, missing sign-in and rights — clear
 * errors, and nothing written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { accessToken } from '../identity/support.ts';
import { callFunction, createUser, deliver, kit, seeded, sql, startPurchase, stripeEvent, type TestUser } from './support.ts';

async function paymentsOf(userId: string): Promise<number> {
  const [row] = await sql<{ n: number }>('select count(*)::int as n from public.payments where user_id = $1', [userId]);
  return row!.n;
}

describe('bad input to payments and vouchers', () => {
  let buyer: TestUser;
  let other: TestUser;
  let token: string;
  let code: string;
  const inactiveType = 'a0000000-0000-4000-8000-0000000000f1';

  beforeAll(async () => {
    [buyer, other] = await Promise.all([createUser('client'), createUser('client')]);
    token = await accessToken(buyer.kit);
    await sql(
      `insert into public.voucher_types (id, name, service_type, price_amount, is_active)
       values ($1, 'Bad input retired type', 'exam_results', 500, false) on conflict (id) do nothing`,
      [inactiveType],
    );
    const { intentId } = await startPurchase(buyer, { voucher_type_id: seeded.examResults });
    await deliver(await stripeEvent(intentId, 'succeed'));
    code = (await buyer.kit.vouchers.mine()).data!.items[0]!.code;
  });

  it('refuses an amount or currency sent by the client, naming the field, and writes nothing', async () => {
    const before = await paymentsOf(buyer.id);
    const answer = await callFunction('payments', { bearer: token, body: { voucher_type_id: seeded.examResults, amount: 1, currency: 'usd' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.details.fieldErrors.amount[0]).toMatch(/price list/);
    expect(answer.body.error.details.fieldErrors.currency[0]).toMatch(/price list/);
    // The SDK refuses it before sending anything.
    const sdk = await buyer.kit.payments.create({ voucher_type_id: seeded.examResults, amount: 1 } as never);
    expect(sdk.error?.code).toBe('validation_failed');
    expect(await paymentsOf(buyer.id)).toBe(before);
  });

  it('answers voucher_type_not_found and voucher_type_inactive, and writes nothing', async () => {
    const before = await paymentsOf(buyer.id);
    expect((await buyer.kit.payments.buyVoucher('a0000000-0000-4000-8000-0000000000ee')).error).toMatchObject({ code: 'voucher_type_not_found', status: 404 });
    expect((await buyer.kit.payments.buyVoucher(inactiveType)).error).toMatchObject({ code: 'voucher_type_inactive', status: 422 });
    expect((await buyer.kit.payments.buyPoints('b0000000-0000-4000-8000-0000000000ee')).error).toMatchObject({ code: 'points_package_not_found', status: 404 });
    expect(await paymentsOf(buyer.id)).toBe(before);
  });

  it('refuses bodies that name nothing, both things, unknown fields, or are not JSON objects', async () => {
    for (const body of [
      {},
      { voucher_type_id: seeded.examResults, points_package_id: seeded.starterPoints },
      { voucher_type_id: 'nope' },
      { voucher_type_id: seeded.examResults, extra: 1 },
      '[1]',
      'not json',
    ]) {
      const answer = await callFunction('payments', { bearer: token, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
    }
  });

  it('refuses an oversized body with 400', async () => {
    const answer = await callFunction('payments', { bearer: token, body: JSON.stringify({ voucher_type_id: seeded.examResults, padding: 'x'.repeat(100_000) }) });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    const webhook = await deliver(null, { payload: JSON.stringify({ padding: 'x'.repeat(600_000) }) });
    expect(webhook.status).toBe(400);
  });

  it('needs a signed-in user to pay, and an admin to refund', async () => {
    expect((await callFunction('payments', { body: { voucher_type_id: seeded.examResults } })).status).toBe(401);
    expect((await kit().payments.buyVoucher(seeded.examResults)).error?.status).toBe(401);
    const [payment] = await sql<{ id: string }>('select id from public.payments where user_id = $1 limit 1', [buyer.id]);
    expect((await other.kit.payments.confirm(payment!.id)).error).toMatchObject({ code: 'payment_not_found', status: 404 });
    expect((await other.kit.admin.payments.refund(payment!.id)).error).toMatchObject({ code: 'forbidden', status: 403 });
    expect((await callFunction(`payments/${payment!.id}/nonsense`, { bearer: token, body: {} })).status).toBe(404);
    expect((await callFunction('payments/not-a-uuid/confirm', { bearer: token, body: {} })).body.error.code).toBe('payment_not_found');
  });

  it('returns the same payment for a retried Idempotency-Key and refuses the key for another purchase', async () => {
    const key = `cart-${Date.now()}`;
    const first = await buyer.kit.payments.buyVoucher(seeded.examResults, { idempotencyKey: key });
    const again = await buyer.kit.payments.buyVoucher(seeded.examResults, { idempotencyKey: key });
    expect(first.data!.replayed).toBe(false);
    expect(again.data).toMatchObject({ replayed: true, payment: { id: first.data!.payment.id }, client_secret: first.data!.client_secret });
    expect((await buyer.kit.payments.buyPoints(seeded.starterPoints, { idempotencyKey: key })).error?.code).toBe('idempotency_key_reused');
    // Another user's identical key is their own.
    const theirs = await other.kit.payments.buyVoucher(seeded.examResults, { idempotencyKey: key });
    expect(theirs.data!.payment.id).not.toBe(first.data!.payment.id);
  });

  it("answers voucher_not_found for another user's code, without using it", async () => {
    const { error } = await other.kit.vouchers.redeem({ code, service_type: 'exam_results' });
    expect(error).toMatchObject({ code: 'voucher_not_found', status: 404 });
    expect((await other.kit.vouchers.get(code)).error?.code).toBe('voucher_not_found');
    expect((await buyer.kit.vouchers.get(code)).data?.uses_remaining).toBe(5);
  });

  it('refuses malformed codes, service types and details clearly', async () => {
    expect((await buyer.kit.vouchers.redeem({ code: 'abc', service_type: 'exam_results' })).error?.code).toBe('validation_failed');
    // Straight through PostgREST, the database says it too.
    const raw = await buyer.kit.supabase.rpc('redeem_voucher', { code: 'not-a-voucher-code-at-all', service_type: 'exam_results' });
    expect(raw.error).toMatchObject({ code: 'invalid_voucher_code' });
    expect(raw.status).toBe(400);
    const long = await buyer.kit.supabase.rpc('redeem_voucher', { code: 'A'.repeat(100_000), service_type: 'exam_results' });
    expect(long.error?.code).toBe('invalid_voucher_code');
    expect((await buyer.kit.vouchers.redeem({ code, service_type: 'Exam Results!' })).error?.code).toBe('validation_failed');
    const wrong = await buyer.kit.vouchers.redeem({ code, service_type: 'school_application' });
    expect(wrong.error).toMatchObject({ code: 'wrong_service_type', status: 422, details: { voucher_service_type: 'exam_results' } });
    const bigDetails = await buyer.kit.supabase.rpc('redeem_voucher', { code, service_type: 'exam_results', details: { x: 'y'.repeat(5000) } });
    expect(bigDetails.error?.code).toBe('validation_failed');
    expect((await buyer.kit.vouchers.get(code)).data?.uses_remaining).toBe(5);
  });

  it('refuses the admin functions and the dashboard to a client', async () => {
    expect((await buyer.kit.admin.vouchers.grant(buyer.id, seeded.examResults)).error?.code).toBe('forbidden');
    expect((await buyer.kit.admin.vouchers.dashboard({ from: '2026-01-01', to: '2026-12-31' })).error?.code).toBe('forbidden');
    expect((await buyer.kit.admin.vouchers.dashboard({ from: '2026-12-31', to: '2026-01-01' })).error?.code).toBe('validation_failed');
    const created = await buyer.kit.admin.vouchers.createType({ name: 'Free for me', service_type: 'exam_results', price_amount: 1 });
    expect(created.error?.code).toBe('forbidden');
  });
});
