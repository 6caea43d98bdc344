/**
 * Per-method error-code unions: `npm run typecheck` (tsc) checks this file. Each main method's
 * `error.code` is the union of what its SQL function (and the triggers of the tables it writes) can
 * raise, from the generated catalogue, plus the common codes; a code it cannot answer does not
 * compile, and checking the code narrows `details`.
 */
import { expectTypeOf } from 'vitest';
import { createClient, type CommonErrorCode, type FieldErrors, type PostgresFacts, type ResultError } from '../../src/sdk/index.ts';

const kit = createClient('http://127.0.0.1:54321', 'sb_publishable_key');

type CodeOf<P> = ResultError<Awaited<P>> extends { code: infer C } ? C : never;

export async function feedbackSubmit(): Promise<void> {
  const { error } = await kit.marketplace.feedback.submit({ usage_id: 'u', rating: 5 });
  if (!error) return;
  expectTypeOf<CodeOf<ReturnType<typeof kit.marketplace.feedback.submit>>>().toEqualTypeOf<
    CommonErrorCode | 'feedback_exists' | 'idempotency_key_reused' | 'invalid_idempotency_key' | 'invalid_rating' | 'own_tool' | 'review_too_long' | 'usage_not_found'
  >();
  if (error.code === 'feedback_exists') return;
  // @ts-expect-error a review never answers insufficient_points
  if (error.code === 'insufficient_points') return;
  if (error.code === 'validation_failed') {
    expectTypeOf(error.details).toEqualTypeOf<FieldErrors | PostgresFacts | undefined>();
  }
}

export async function usageUse(): Promise<void> {
  const { error } = await kit.marketplace.usage.use('t', { expected_price_points: 5 });
  if (error?.code === 'insufficient_points' || error?.code === 'price_changed' || error?.code === 'tool_not_found') return;
  // @ts-expect-error using a tool never answers voucher_expired
  if (error?.code === 'voucher_expired') return;
}

export async function vouchersRedeem(): Promise<void> {
  const { error } = await kit.vouchers.redeem({ code: 'ABCD', service_type: 'transcript' });
  if (error?.code === 'voucher_expired' || error?.code === 'voucher_exhausted' || error?.code === 'wrong_service_type') return;
  // @ts-expect-error redeeming never answers payout_exceeds_available
  if (error?.code === 'payout_exceeds_available') return;
}

export async function payoutsAndRefunds(): Promise<void> {
  const payout = await kit.marketplace.payouts.request({ amount: 100 });
  if (payout.error?.code === 'payout_exceeds_available') return;
  // @ts-expect-error a payout request never answers voucher_expired
  if (payout.error?.code === 'voucher_expired') return;
  const refund = await kit.marketplace.refunds.request({ usage_id: 'u', reason: 'It failed' });
  if (refund.error?.code === 'refund_exists' || refund.error?.code === 'usage_not_found') return;
  const adjusted = await kit.admin.wallet.adjust({ user_id: 'u', amount: 5, reason: 'Goodwill' });
  if (adjusted.error?.code === 'user_not_found' || adjusted.error?.code === 'insufficient_points') return;
}

export async function crmCreate(): Promise<void> {
  const client = await kit.crm.clients.create({ first_name: 'Ana', coach_id: 'c' });
  if (client.error?.code === 'invalid_assignee') {
    expectTypeOf(client.error.details).toEqualTypeOf<{ field: string; hint?: string } | undefined>();
  }
  if (client.error?.code === 'account_not_chosen') {
    expectTypeOf(client.error.details.accounts).toEqualTypeOf<{ account_id: string; name: string }[]>();
  }
  const payment = await kit.crm.payments.create({ client_id: 'c', amount: 100, currency: 'usd' }, { idempotencyKey: 'k' });
  if (payment.error?.code === 'idempotency_key_reused') return;
  // @ts-expect-error the SDK answers a replay with the first row, never with idempotent_replay
  if (payment.error?.code === 'idempotent_replay') return;
  // @ts-expect-error a CRM payment never answers insufficient_points
  if (payment.error?.code === 'insufficient_points') return;
}

export async function unnarrowedMethodsKeepTheWholeCatalogue(): Promise<void> {
  const { error } = await kit.wallet.balance();
  if (error?.code === 'insufficient_points' || error?.code === 'voucher_expired') return;
  // @ts-expect-error still a closed union: a typo does not compile
  if (error?.code === 'insuficient_points') return;
}
