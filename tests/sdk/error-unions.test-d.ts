/**
 * Per-method error-code unions: `npm run typecheck` (tsc) checks this file. Each main method's
 * `error.code` is the union of what its SQL function (and the triggers of the tables it writes) can
 * raise, from the generated catalogue, plus the common codes; a code it cannot answer does not
 * compile, and checking the code narrows `details`.
 */
import { expectTypeOf } from 'vitest';
import { createClient, type CommonErrorCode, type FieldErrors, type PostgresFacts, type Result, type ResultError, type SdkError } from '../../src/sdk/index.ts';

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
    expectTypeOf(error.details).toEqualTypeOf<FieldErrors | PostgresFacts | { field: string; hint?: string } | undefined>();
  }
}

export async function usageUse(): Promise<void> {
  const { error } = await kit.marketplace.usage.use('t', { expected_price_points: 5 });
  if (error?.code === 'price_changed') {
    expectTypeOf(error.details).toEqualTypeOf<{ price_points: number; expected_price_points: number }>();
    return;
  }
  if (error?.code === 'insufficient_points' || error?.code === 'tool_not_found') return;
  // @ts-expect-error using a tool never answers voucher_expired
  if (error?.code === 'voucher_expired') return;
}

export async function vouchersRedeem(): Promise<void> {
  const { error } = await kit.vouchers.redeem({ code: 'ABCD', service_type: 'transcript' });
  if (error?.code === 'voucher_expired') {
    expectTypeOf(error.details).toEqualTypeOf<{ expires_at: string }>();
    return;
  }
  if (error?.code === 'voucher_exhausted' || error?.code === 'wrong_service_type') return;
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

// One method of every other namespace: a code it can answer compiles (and narrows `details`), one it
// cannot does not.

/** Whatever the method, `validation_failed` carries field errors, Postgres's facts or the field at fault. */
type ValidationDetails = FieldErrors | PostgresFacts | { field: string; hint?: string } | undefined;

export async function auth(): Promise<void> {
  const signedIn = await kit.auth.signIn({ email: 'a@example.test', password: 'demo-password-1' });
  if (signedIn.error?.code === 'invalid_credentials' || signedIn.error?.code === 'email_not_confirmed') return;
  // @ts-expect-error signing in never answers insufficient_points
  if (signedIn.error?.code === 'insufficient_points') return;
  const registered = await kit.auth.registerClient({ email: 'a@example.test', password: 'p', password_confirmation: 'p', first_name: 'A', last_name: 'B' });
  if (registered.error?.code === 'email_taken' || registered.error?.code === 'username_taken') return;
  const changed = await kit.auth.changePassword({ current_password: 'a', password: 'b', password_confirmation: 'b' });
  if (changed.error?.code === 'invalid_current_password' || changed.error?.code === 'same_password') return;
  // @ts-expect-error changing a password never answers tool_not_found
  if (changed.error?.code === 'tool_not_found') return;
  const devices = await kit.auth.devices.list();
  if (devices.error?.code === 'unauthorized') return;
  // @ts-expect-error listing devices never answers voucher_expired
  if (devices.error?.code === 'voucher_expired') return;
}

export async function profiles(): Promise<void> {
  const { error } = await kit.profiles.updateMe({ username: 'ana' });
  if (error?.code === 'username_taken') return;
  if (error?.code === 'validation_failed') expectTypeOf(error.details).toEqualTypeOf<ValidationDetails>();
  // @ts-expect-error a profile change never answers tool_not_found
  if (error?.code === 'tool_not_found') return;
  const avatar = await kit.profiles.uploadAvatar(new Blob());
  if (avatar.error?.code === 'payload_too_large' || avatar.error?.code === 'unsupported_media_type') return;
}

export async function adminUsersAndWaitlist(): Promise<void> {
  const created = await kit.admin.users.createAdmin({ email: 'a@example.test', first_name: 'A', last_name: 'B' });
  if (created.error?.code === 'email_taken') return;
  // @ts-expect-error creating an admin never answers insufficient_points
  if (created.error?.code === 'insufficient_points') return;
  const waitlist = await kit.admin.waitlist.list();
  if (waitlist.error?.code === 'forbidden') return;
  // @ts-expect-error reading the waitlist never answers email_taken
  if (waitlist.error?.code === 'email_taken') return;
  const audit = await kit.admin.audit.list();
  if (audit.error?.code === 'forbidden') return;
  // @ts-expect-error reading the audit log never answers voucher_expired
  if (audit.error?.code === 'voucher_expired') return;
  const profile = await kit.admin.profiles.update('u', { username: 'ana' });
  if (profile.error?.code === 'username_taken') return;
  // @ts-expect-error a profile change never answers email_taken
  if (profile.error?.code === 'email_taken') return;
}

export async function adminDecisions(): Promise<void> {
  const account = await kit.admin.accounts.approve('a');
  if (account.error?.code === 'invalid_transition') return;
  // @ts-expect-error approving an account never answers insufficient_points
  if (account.error?.code === 'insufficient_points') return;
  const tool = await kit.admin.tools.review('t', { decision: 'approve' });
  if (tool.error?.code === 'tool_not_found' || tool.error?.code === 'invalid_transition') return;
  // @ts-expect-error reviewing a tool never answers insufficient_points
  if (tool.error?.code === 'insufficient_points') return;
  const payout = await kit.admin.payouts.approve('p');
  if (payout.error?.code === 'payout_not_found' || payout.error?.code === 'invalid_status') return;
  // @ts-expect-error deciding a payout never answers voucher_expired
  if (payout.error?.code === 'voucher_expired') return;
  const refund = await kit.admin.refunds.approve('r');
  if (refund.error?.code === 'refund_not_found' || refund.error?.code === 'creator_balance_insufficient') return;
  // @ts-expect-error deciding a refund never answers voucher_expired
  if (refund.error?.code === 'voucher_expired') return;
}

export async function adminMoneyAndCatalogue(): Promise<void> {
  const granted = await kit.admin.vouchers.grant('u', 't');
  if (granted.error?.code === 'voucher_type_inactive' || granted.error?.code === 'user_not_found') return;
  // @ts-expect-error the SDK answers a replayed grant with the voucher, never with idempotent_replay
  if (granted.error?.code === 'idempotent_replay') return;
  const refunded = await kit.admin.payments.refund('p');
  if (refunded.error?.code === 'payment_not_refundable' || refunded.error?.code === 'payment_provider_error') return;
  // @ts-expect-error refunding a payment never answers voucher_expired
  if (refunded.error?.code === 'voucher_expired') return;
  const balance = await kit.admin.wallet.balanceOf('u');
  if (balance.error?.code === 'forbidden') return;
  // @ts-expect-error reading a balance never answers insufficient_points
  if (balance.error?.code === 'insufficient_points') return;
  const removed = await kit.admin.pointsPackages.remove('p');
  if (removed.error?.code === 'conflict') return;
  // @ts-expect-error deleting a package never answers insufficient_points
  if (removed.error?.code === 'insufficient_points') return;
}

export async function adminContentSupportFeedback(): Promise<void> {
  const page = await kit.admin.content.create({ slug: 'terms', title: 'Terms' });
  if (page.error?.code === 'idempotency_key_reused') return;
  // @ts-expect-error the SDK answers a replayed creation with the page, never with idempotent_replay
  if (page.error?.code === 'idempotent_replay') return;
  const ticket = await kit.admin.support.update('t', { status: 'resolved' });
  if (ticket.error?.code === 'invalid_assignee') {
    expectTypeOf(ticket.error.details).toEqualTypeOf<{ field: string; hint?: string } | undefined>();
  }
  // @ts-expect-error a ticket change never answers insufficient_points
  if (ticket.error?.code === 'insufficient_points') return;
  const review = await kit.admin.feedback.remove('f');
  if (review.error?.code === 'forbidden') return;
  // @ts-expect-error removing a review never answers voucher_expired
  if (review.error?.code === 'voucher_expired') return;
}

export async function system(): Promise<void> {
  const health = await kit.system.health();
  if (health.error?.code === 'service_unavailable') return;
  // @ts-expect-error the health check never answers insufficient_points
  if (health.error?.code === 'insufficient_points') return;
  const metrics = await kit.system.metrics();
  if (metrics.error?.code === 'unauthorized' || metrics.error?.code === 'forbidden') return;
  // @ts-expect-error metrics never answer voucher_expired
  if (metrics.error?.code === 'voucher_expired') return;
}

export async function vouchersPaymentsBilling(): Promise<void> {
  const voucher = await kit.vouchers.get('ABCD');
  if (voucher.error?.code === 'invalid_voucher_code' || voucher.error?.code === 'voucher_not_found') return;
  // @ts-expect-error looking a voucher up never answers insufficient_points
  if (voucher.error?.code === 'insufficient_points') return;
  const payment = await kit.payments.buyPoints('p');
  if (payment.error?.code === 'points_package_inactive' || payment.error?.code === 'payments_not_configured') return;
  // @ts-expect-error buying points never answers tool_not_found
  if (payment.error?.code === 'tool_not_found') return;
  const subscribed = await kit.billing.subscribe({ price_id: 'price_x' });
  if (subscribed.error?.code === 'already_subscribed' || subscribed.error?.code === 'price_inactive') return;
  // @ts-expect-error subscribing never answers insufficient_points
  if (subscribed.error?.code === 'insufficient_points') return;
  const plans = await kit.billing.plans();
  if (plans.error?.code === 'validation_failed') expectTypeOf(plans.error.details).toEqualTypeOf<ValidationDetails>();
  // @ts-expect-error reading the plans never answers already_subscribed
  if (plans.error?.code === 'already_subscribed') return;
}

export async function accountsScoped(): Promise<void> {
  const added = await kit.accounts.members.add({ email: 'm@example.test', full_name: 'M' });
  if (added.error?.code === 'seat_limit_reached' || added.error?.code === 'already_member') return;
  if (added.error?.code === 'account_not_usable') {
    expectTypeOf(added.error.details).toEqualTypeOf<{ status: string; is_active: boolean }>();
  }
  // @ts-expect-error adding a member never answers insufficient_points
  if (added.error?.code === 'insufficient_points') return;
  const batch = await kit.accounts.batches.create({ name: 'B', members: [] });
  if (batch.error?.code === 'batch_name_taken' || batch.error?.code === 'feature_not_in_plan') return;
  // @ts-expect-error a batch never answers voucher_expired
  if (batch.error?.code === 'voucher_expired') return;
  const file = await kit.accounts.files.upload('a.pdf', 'x');
  if (file.error?.code === 'payload_too_large' || file.error?.code === 'no_account') return;
  // @ts-expect-error an upload never answers insufficient_points
  if (file.error?.code === 'insufficient_points') return;
  const staff = await kit.staff.remove('u', { assignments: 'keep_history' });
  if (staff.error?.code === 'owner_protected' || staff.error?.code === 'member_not_found') return;
  // @ts-expect-error removing staff never answers insufficient_points
  if (staff.error?.code === 'insufficient_points') return;
}

export async function crm(): Promise<void> {
  const updated = await kit.crm.clients.update('c', { status: 'paused' });
  if (updated.error?.code === 'invalid_assignee') return;
  // @ts-expect-error changing a client never answers insufficient_points
  if (updated.error?.code === 'insufficient_points') return;
  const statistics = await kit.crm.statistics.clients();
  if (statistics.error?.code === 'feature_not_in_plan' || statistics.error?.code === 'account_not_chosen') return;
  // @ts-expect-error statistics never answer invalid_assignee
  if (statistics.error?.code === 'invalid_assignee') return;
}

export async function walletAndMarketplace(): Promise<void> {
  const balance = await kit.wallet.balance();
  if (balance.error?.code === 'unauthorized') return;
  // @ts-expect-error the balance never answers voucher_expired
  if (balance.error?.code === 'voucher_expired') return;
  const submitted = await kit.marketplace.tools.submit('t');
  if (submitted.error?.code === 'invalid_transition' || submitted.error?.code === 'tool_not_found') return;
  // @ts-expect-error submitting a tool never answers insufficient_points
  if (submitted.error?.code === 'insufficient_points') return;
  const created = await kit.marketplace.tools.create({ name: 'T', category: 'text', price_points: 5, creator_share_percent: 70 });
  if (created.error?.code === 'idempotency_key_reused') return;
  // @ts-expect-error the SDK answers a replayed creation with the tool, never with idempotent_replay
  if (created.error?.code === 'idempotent_replay') return;
}

export async function supportContentMediaUserData(): Promise<void> {
  const opened = await kit.support.open({ subject: 'Help', body: 'Please' });
  if (opened.error?.code === 'invalid_assignee' || opened.error?.code === 'idempotency_key_reused') return;
  // @ts-expect-error opening a ticket never answers insufficient_points
  if (opened.error?.code === 'insufficient_points') return;
  const content = await kit.content.get('terms');
  if (content.error?.code === 'not_found') return;
  // @ts-expect-error reading a page never answers insufficient_points
  if (content.error?.code === 'insufficient_points') return;
  const media = await kit.media.upload('a.txt', 'x');
  if (media.error?.code === 'unsupported_media_type') return;
  // @ts-expect-error an upload never answers tool_not_found
  if (media.error?.code === 'tool_not_found') return;
  const deleted = await kit.userData.deleteAccount({ current_password: 'p' });
  if (deleted.error?.code === 'account_owner' || deleted.error?.code === 'reauthentication_needed') return;
  // @ts-expect-error deleting an account never answers insufficient_points
  if (deleted.error?.code === 'insufficient_points') return;
}

export function resultWithoutCodesKeepsTheWholeCatalogue(error: ResultError<Result<number>>): void {
  // `Result<T>` (no codes declared) is any SdkError: still a closed union, so a typo does not compile.
  expectTypeOf<ResultError<Result<number>>>().toEqualTypeOf<SdkError>();
  if (error.code === 'insufficient_points' || error.code === 'voucher_expired') return;
  // @ts-expect-error still a closed union: a typo does not compile
  if (error.code === 'insuficient_points') return;
}
