/**
 * Card disputes, as the attack: a buyer tops up points with a card, spends them, then disputes the charge
 * with their bank. Stripe takes the money back; the points must come back too (a debt for what was already
 * spent), exactly once however Stripe replays or reorders `charge.dispute.created` / `charge.dispute.closed`;
 * a won dispute gives back exactly what the dispute took, once.
 */
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { balanceOf, createUser, deliver, seeded, sql, startPurchase, stripeEvent, type TestUser } from '../payments/support.ts';

const fakeUrl = process.env.STRIPE_FAKE_URL ?? 'http://127.0.0.1:55344';

async function fake(path: string): Promise<Stripe.Event> {
  const response = await fetch(`${fakeUrl}${path}`, { method: 'POST' });
  if (!response.ok) throw new Error(`fake Stripe ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Stripe.Event;
}

/** The cardholder disputes the PaymentIntent's charge: the `charge.dispute.created` event. */
const disputeCreated = (intentId: string) => fake(`/_fake/payment_intents/${intentId}/dispute`);
/** The dispute is decided: the `charge.dispute.closed` event. */
const disputeClosed = (disputeId: string, status: 'won' | 'lost') => fake(`/_fake/disputes/${disputeId}/${status}`);
const disputeIdOf = (event: Stripe.Event) => (event.data.object as Stripe.Dispute).id;

/** A buyer with `points` of a paid 100-point top-up left (the rest spent). */
async function buyerWhoSpent(spent: number): Promise<{ user: TestUser; paymentId: string; intentId: string }> {
  const user = await createUser('client');
  const { paymentId, intentId } = await startPurchase(user, { points_package_id: seeded.starterPoints });
  expect((await deliver(await stripeEvent(intentId, 'succeed'))).body).toMatchObject({ outcome: 'completed' });
  if (spent > 0) await sql("select private.post_wallet_entry($1, $2, 'spend', 'usage', gen_random_uuid())", [user.id, -spent]);
  return { user, paymentId, intentId };
}

async function ledgerAddsUp(userId: string): Promise<void> {
  const [row] = await sql<{ total: number }>('select coalesce(sum(amount), 0)::int as total from public.wallet_ledger where user_id = $1', [userId]);
  expect(row!.total).toBe(await balanceOf(userId));
}

async function debtsOf(userId: string) {
  return sql<{ points: number; settled_points: number; waived_points: number; dispute_id: string | null }>(
    'select points, settled_points, waived_points, dispute_id from public.points_debts where user_id = $1 order by created_at',
    [userId],
  );
}

async function paymentStatus(paymentId: string): Promise<string> {
  const [row] = await sql<{ status: string }>('select status::text from public.payments where id = $1', [paymentId]);
  return row!.status;
}

describe('card disputes', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await createUser('admin');
  });

  it('a buyer who disputes after spending ends with a debt, not free points', async () => {
    const { user, paymentId, intentId } = await buyerWhoSpent(70);
    expect(await balanceOf(user.id)).toBe(30);

    const created = await disputeCreated(intentId);
    const applied = await deliver(created);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ handled: true, outcome: 'disputed', payment_id: paymentId, status: 'disputed' });

    expect(await balanceOf(user.id)).toBe(0);
    expect(await debtsOf(user.id)).toEqual([{ points: 70, settled_points: 0, waived_points: 0, dispute_id: disputeIdOf(created) }]);
    expect(await paymentStatus(paymentId)).toBe('disputed');
    await ledgerAddsUp(user.id);
    // The buyer sees the debt; the admin sees the audit entry.
    const { data: debts } = await user.kit.payments.debts();
    expect(debts!.items).toHaveLength(1);
    const { data: disputes } = await user.kit.payments.disputes();
    expect(disputes).toEqual([expect.objectContaining({ id: disputeIdOf(created), payment_id: paymentId, points_reversed: 30, points_debt: 70 })]);
    const { data: audit, error } = await admin.kit.admin.audit.list({ target_id: paymentId });
    expect(error).toBeNull();
    expect(audit!.items.map((entry: { action: string }) => entry.action)).toEqual(['payment.disputed']);

    // The next top-up pays the debt first: the disputed points are never free.
    const next = await startPurchase(user, { points_package_id: seeded.starterPoints });
    await deliver(await stripeEvent(next.intentId, 'succeed'));
    expect(await balanceOf(user.id)).toBe(30);
    await ledgerAddsUp(user.id);
  });

  it('replaying the dispute event does not double-debit', async () => {
    const { user, intentId } = await buyerWhoSpent(20);
    const created = await disputeCreated(intentId);
    expect((await deliver(created)).body).toMatchObject({ outcome: 'disputed' });
    expect((await deliver(created)).body).toMatchObject({ outcome: 'duplicate' });
    // The same dispute in another event (Stripe re-sends; a resent copy has a new event id).
    expect((await deliver({ ...created, id: `${created.id}_resent` })).body).toMatchObject({ outcome: 'already_recorded' });
    await Promise.all([deliver(created), deliver({ ...created, id: `${created.id}_again` })]);

    expect(await balanceOf(user.id)).toBe(0);
    expect(await debtsOf(user.id)).toEqual([expect.objectContaining({ points: 20 })]);
    const [reversals] = await sql<{ n: number }>("select count(*)::int as n from public.wallet_ledger where user_id = $1 and reference_type = 'payment' and amount < 0", [user.id]);
    expect(reversals!.n).toBe(1);
    await ledgerAddsUp(user.id);
  });

  it('a won dispute restores exactly once', async () => {
    const { user, paymentId, intentId } = await buyerWhoSpent(30);
    const created = await disputeCreated(intentId);
    await deliver(created);
    expect(await balanceOf(user.id)).toBe(0); // 70 taken back, 30 owed

    const won = await disputeClosed(disputeIdOf(created), 'won');
    expect((await deliver(won)).body).toMatchObject({ outcome: 'won', status: 'completed' });
    expect((await deliver(won)).body).toMatchObject({ outcome: 'duplicate' });
    expect((await deliver({ ...won, id: `${won.id}_resent` })).body).toMatchObject({ outcome: 'already_closed' });
    // A late (reordered) creation of the same dispute changes nothing either.
    expect((await deliver({ ...created, id: `${created.id}_late` })).body).toMatchObject({ outcome: 'already_recorded' });

    expect(await balanceOf(user.id)).toBe(70); // what the dispute took, once; the 30 spent stay spent
    expect(await debtsOf(user.id)).toEqual([expect.objectContaining({ points: 30, settled_points: 30, waived_points: 30 })]);
    expect(await paymentStatus(paymentId)).toBe('completed');
    const [restores] = await sql<{ n: number }>("select count(*)::int as n from public.wallet_ledger where user_id = $1 and idempotency_key like 'dispute:%:restore'", [user.id]);
    expect(restores!.n).toBe(1);
    await ledgerAddsUp(user.id);

    // The waived debt is not collected from the next top-up.
    const next = await startPurchase(user, { points_package_id: seeded.starterPoints });
    await deliver(await stripeEvent(next.intentId, 'succeed'));
    expect(await balanceOf(user.id)).toBe(170);
  });

  it('a won dispute gives back the part of its debt already collected, and only that', async () => {
    const { user, intentId } = await buyerWhoSpent(100);
    const created = await disputeCreated(intentId);
    await deliver(created);
    expect(await debtsOf(user.id)).toEqual([expect.objectContaining({ points: 100, settled_points: 0 })]);
    const next = await startPurchase(user, { points_package_id: seeded.starterPoints });
    await deliver(await stripeEvent(next.intentId, 'succeed')); // collects 100 of the debt
    expect(await balanceOf(user.id)).toBe(0);

    await deliver(await disputeClosed(disputeIdOf(created), 'won'));
    expect(await balanceOf(user.id)).toBe(100);
    await ledgerAddsUp(user.id);
  });

  it('a lost dispute keeps the reversal', async () => {
    const { user, paymentId, intentId } = await buyerWhoSpent(0);
    const created = await disputeCreated(intentId);
    await deliver(created);
    const lost = await disputeClosed(disputeIdOf(created), 'lost');
    expect((await deliver(lost)).body).toMatchObject({ outcome: 'lost', status: 'disputed' });
    expect(await balanceOf(user.id)).toBe(0);
    expect(await paymentStatus(paymentId)).toBe('disputed');
    const [row] = await sql<{ actions: string[] }>('select array_agg(action order by id) as actions from public.audit_log where target_id = $1', [paymentId]);
    expect(row!.actions).toEqual(['payment.disputed', 'payment.dispute_lost']);
  });

  it('a dispute closed as lost before its creation arrives still takes the points back, once', async () => {
    const { user, intentId } = await buyerWhoSpent(10);
    const created = await disputeCreated(intentId);
    const lost = await disputeClosed(disputeIdOf(created), 'lost');
    expect((await deliver(lost)).body).toMatchObject({ outcome: 'lost', status: 'disputed' });
    expect((await deliver(created)).body).toMatchObject({ outcome: 'already_recorded' });
    expect(await balanceOf(user.id)).toBe(0);
    expect(await debtsOf(user.id)).toEqual([expect.objectContaining({ points: 10 })]);
    await ledgerAddsUp(user.id);
  });

  it('a dispute that arrives before the success never lets the points out, and a win fulfils once', async () => {
    const user = await createUser('client');
    const { paymentId, intentId } = await startPurchase(user, { points_package_id: seeded.starterPoints });
    const succeeded = await stripeEvent(intentId, 'succeed');
    const created = await disputeCreated(intentId);
    expect((await deliver(created)).body).toMatchObject({ outcome: 'disputed', status: 'disputed' });
    expect((await deliver(succeeded)).body).toMatchObject({ outcome: 'already_disputed', status: 'disputed' });
    expect(await balanceOf(user.id)).toBe(0);

    const won = await disputeClosed(disputeIdOf(created), 'won');
    expect((await deliver(won)).body).toMatchObject({ outcome: 'won', status: 'completed' });
    expect((await deliver({ ...won, id: `${won.id}_resent` })).body).toMatchObject({ outcome: 'already_closed' });
    expect(await balanceOf(user.id)).toBe(100);
    expect(await paymentStatus(paymentId)).toBe('completed');
    await ledgerAddsUp(user.id);
  });

  it('refuses a forged dispute event (bad signature) and changes nothing', async () => {
    const { user, intentId } = await buyerWhoSpent(0);
    const created = await disputeCreated(intentId);
    const response = await deliver(created, { secret: 'whsec_not_the_real_one' });
    expect(response.status).toBe(400);
    expect(await balanceOf(user.id)).toBe(100);
  });
});
