/**
 * Points top-ups through Stripe: credited to the wallet ledger exactly once; a refund takes the points
 * back, never below zero — what was already spent becomes a points debt, settled by the next top-up.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { balanceOf, createUser, deliver, seeded, sql, startPurchase, stripeEvent, type TestUser } from './support.ts';

describe('points top-ups', () => {
  let buyer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    [buyer, admin] = await Promise.all([createUser('client'), createUser('admin')]);
  });

  it('lists the points packages publicly', async () => {
    const { data, error } = await buyer.kit.payments.pointsPackages();
    expect(error).toBeNull();
    expect(data!.items.find((p) => p.id === seeded.starterPoints)).toMatchObject({ points: 100, price_amount: 1000, currency: 'usd' });
  });

  it("credits the package's points once, however often Stripe says so", async () => {
    const { paymentId, intentId } = await startPurchase(buyer, { points_package_id: seeded.starterPoints });
    const event = await stripeEvent(intentId, 'succeed');
    expect((await deliver(event)).body).toMatchObject({ outcome: 'completed' });
    expect((await deliver(event)).body).toMatchObject({ outcome: 'duplicate' });
    expect((await buyer.kit.payments.confirm(paymentId)).data?.payment).toMatchObject({ status: 'completed', points_credited: 100 });
    expect(await balanceOf(buyer.id)).toBe(100);
    const ledger = await sql<{ amount: number; kind: string; reference_id: string }>(
      "select amount, kind::text, reference_id from public.wallet_ledger where user_id = $1 and reference_type = 'payment'",
      [buyer.id],
    );
    expect(ledger).toEqual([{ amount: 100, kind: 'purchase', reference_id: paymentId }]);
  });

  it('takes refunded points back, records what was already spent as a debt, and settles it from the next top-up', async () => {
    const user = await createUser('client');
    const first = await startPurchase(user, { points_package_id: seeded.starterPoints });
    await deliver(await stripeEvent(first.intentId, 'succeed'));
    // Spend 70 of the 100 points (as the marketplace would).
    await sql("select private.post_wallet_entry($1, -70, 'spend', 'usage', gen_random_uuid())", [user.id]);

    const refund = await admin.kit.admin.payments.refund(first.paymentId);
    expect(refund.error).toBeNull();
    expect(refund.data!.payment).toMatchObject({ status: 'refunded', points_reversed: 30 });
    expect(await balanceOf(user.id)).toBe(0);
    const { data: debts } = await user.kit.payments.debts();
    expect(debts!.items).toHaveLength(1);
    expect(debts!.items[0]).toMatchObject({ payment_id: first.paymentId, points: 70, settled_points: 0, settled_at: null });

    const second = await startPurchase(user, { points_package_id: seeded.starterPoints });
    await deliver(await stripeEvent(second.intentId, 'succeed'));
    expect(await balanceOf(user.id)).toBe(30);
    const { data: after } = await user.kit.payments.debts();
    expect(after!.items[0]).toMatchObject({ points: 70, settled_points: 70 });
    expect(after!.items[0]!.settled_at).not.toBeNull();

    const [sum] = await sql<{ total: number }>('select coalesce(sum(amount), 0)::int as total from public.wallet_ledger where user_id = $1', [user.id]);
    expect(sum!.total).toBe(await balanceOf(user.id));
  });

  it('lets an admin settle a debt from points the user got elsewhere', async () => {
    const user = await createUser('client');
    const bought = await startPurchase(user, { points_package_id: seeded.starterPoints });
    await deliver(await stripeEvent(bought.intentId, 'succeed'));
    await sql("select private.post_wallet_entry($1, -100, 'spend', 'usage', gen_random_uuid())", [user.id]);
    await deliver(await stripeEvent(bought.intentId, 'refund'));
    await sql("select private.post_wallet_entry($1, 40, 'earning', 'usage', gen_random_uuid())", [user.id]);

    expect((await user.kit.admin.payments.settleDebts(user.id)).error?.code).toBe('forbidden');
    const { data: taken, error } = await admin.kit.admin.payments.settleDebts(user.id);
    expect(error).toBeNull();
    expect(taken).toBe(40);
    expect(await balanceOf(user.id)).toBe(0);
    const { data: debts } = await user.kit.payments.debts();
    expect(debts!.items[0]).toMatchObject({ points: 100, settled_points: 40, settled_at: null });
  });
});
