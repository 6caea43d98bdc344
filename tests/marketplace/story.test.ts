/**
 * The whole marketplace through the SDK, as its people use it: a creator publishes a tool, an admin
 * approves it, tops a client up, the client uses and rates the tool and asks for a refund, the admin
 * approves it, and the creator reads their revenue and is paid out.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { kit as anonymousKit, createUser, sql, type TestUser, walletState } from './support.ts';

describe('the marketplace story', () => {
  let admin: TestUser;
  let creator: TestUser;
  let client: TestUser;
  let toolId: string;
  let usageId: string;
  let refundId: string;
  let payoutId: string;

  beforeAll(async () => {
    [admin, creator, client] = await Promise.all([createUser('admin'), createUser('tool_creator'), createUser('client')]);
  });

  it('a creator publishes a draft tool and submits it for review', async () => {
    const created = await creator.kit.marketplace.tools.create({
      name: `Story summariser ${randomUUID().slice(0, 6)}`,
      description: 'Turns long text into three sentences',
      category: 'text',
      price_points: 12,
      creator_share_percent: 75,
    });
    expect(created.error).toBeNull();
    expect(created.data).toMatchObject({ status: 'draft', creator_id: creator.id, price_points: 12, creator_share_percent: 75 });
    toolId = created.data!.id;

    const hidden = await anonymousKit().marketplace.tools.get(toolId);
    expect(hidden.error?.code).toBe('tool_not_found');

    const submitted = await creator.kit.marketplace.tools.submit(toolId);
    expect(submitted.data?.status).toBe('pending_review');
  });

  it('an admin approves it and anyone can then find it in the catalogue', async () => {
    const approved = await admin.kit.admin.tools.review(toolId, { decision: 'approve', note: 'Works as described' });
    expect(approved.error).toBeNull();
    expect(approved.data).toMatchObject({ status: 'approved', reviewed_by: admin.id });

    const found = await anonymousKit().marketplace.tools.list({ search: 'sentences', category: 'text', sort: 'price_asc' });
    expect(found.error).toBeNull();
    expect(found.data?.items.map((t) => t.id)).toContain(toolId);
  });

  it("an admin tops the client up with a reason that shows in the client's history", async () => {
    const adjusted = await admin.kit.admin.wallet.adjust({ user_id: client.id, amount: 50, reason: 'Welcome bonus' });
    expect(adjusted.error).toBeNull();
    expect(adjusted.data).toMatchObject({ kind: 'admin_adjustment', amount: 50, balance_after: 50, actor_id: admin.id });

    const history = await client.kit.wallet.history({ kind: 'admin_adjustment' });
    expect(history.data?.items).toHaveLength(1);
    expect(history.data?.items[0]).toMatchObject({ reason: 'Welcome bonus', amount: 50 });
    expect((await client.kit.wallet.balance()).data?.balance).toBe(50);
  });

  it("the client uses the tool: the price is debited and a usage recorded with the creator's share", async () => {
    const key = randomUUID();
    const used = await client.kit.marketplace.usage.use(toolId, { expected_price_points: 12 }, { idempotencyKey: key });
    expect(used.error).toBeNull();
    expect(used.data).toMatchObject({ balance: 38, replayed: false, usage: { tool_id: toolId, client_id: client.id, points_charged: 12, creator_share: 9 } });
    usageId = used.data!.usage.id;

    const retried = await client.kit.marketplace.usage.use(toolId, { expected_price_points: 12 }, { idempotencyKey: key });
    expect(retried.data).toMatchObject({ replayed: true, balance: 38, usage: { id: usageId } }); // the balance, not null
    expect(await walletState(client.id)).toEqual({ balance: 38, ledgerSum: 38, entries: 2 });

    const creatorView = await creator.kit.marketplace.usage.get(usageId);
    expect(creatorView.data?.creator_share).toBe(9);
  });

  it('the client rates the tool once, and the tool shows its average', async () => {
    const rated = await client.kit.marketplace.feedback.submit({ usage_id: usageId, rating: 4, review: 'Good, a bit slow' });
    expect(rated.error).toBeNull();
    const again = await client.kit.marketplace.feedback.submit({ usage_id: usageId, rating: 5 });
    expect(again.error?.code).toBe('feedback_exists');

    const tool = await anonymousKit().marketplace.tools.get(toolId);
    expect(tool.data).toMatchObject({ rating_count: 1, rating_average: 4 });
    const reviews = await anonymousKit().marketplace.feedback.forTool(toolId);
    expect(reviews.data?.items[0]).toMatchObject({ rating: 4, review: 'Good, a bit slow' });
    expect(reviews.data?.items[0]).not.toHaveProperty('client_id');
  });

  it("the client asks for a refund and an admin approves it: points back, creator's share reversed", async () => {
    // The creator reads their wallet first, which credits the pending share (9).
    expect((await creator.kit.wallet.balance()).data?.balance).toBe(9);

    const requested = await client.kit.marketplace.refunds.request({ usage_id: usageId, reason: 'The summary missed the point' });
    expect(requested.error).toBeNull();
    refundId = requested.data!.id;

    const approved = await admin.kit.admin.refunds.approve(refundId, { note: 'Sorry about that' });
    expect(approved.error).toBeNull();
    expect(approved.data?.status).toBe('approved');
    expect(await walletState(client.id)).toMatchObject({ balance: 50, ledgerSum: 50 });
    expect(await walletState(creator.id)).toMatchObject({ balance: 0, ledgerSum: 0 });
    expect((await client.kit.marketplace.usage.get(usageId)).data?.status).toBe('refunded');
  });

  it('after more uses the creator reads their revenue and asks for a payout, which an admin pays', async () => {
    for (let i = 0; i < 3; i += 1) {
      const used = await client.kit.marketplace.usage.use(toolId, { expected_price_points: 12 });
      expect(used.error).toBeNull();
    }
    const stats = await creator.kit.marketplace.revenue.stats();
    expect(stats.error).toBeNull();
    expect(stats.data?.totals).toEqual({
      usages: 4,
      refunded_usages: 1,
      points_earned: 27,
      points_paid_out: 0,
      points_pending_payout: 0,
      points_available: 27,
    });
    expect(stats.data?.per_tool.find((t) => t.tool_id === toolId)).toMatchObject({ usages: 4, points_earned: 27 });
    expect(stats.data?.per_day.reduce((sum, day) => sum + day.usages, 0)).toBe(4);

    const payout = await creator.kit.marketplace.payouts.request({ amount: 20 });
    expect(payout.error).toBeNull();
    expect(payout.data?.status).toBe('requested');
    payoutId = payout.data!.id;
    expect((await creator.kit.wallet.balance()).data?.balance).toBe(7);

    const paid = await admin.kit.admin.payouts.markPaid(payoutId);
    expect(paid.data).toMatchObject({ status: 'paid', decided_by: admin.id });
    const after = await creator.kit.marketplace.revenue.stats();
    expect(after.data?.totals).toMatchObject({ points_paid_out: 20, points_available: 7 });

    const history = await creator.kit.wallet.history();
    expect(history.data?.items.map((e) => e.kind)).toEqual(['payout', 'earning', 'earning', 'earning', 'refund', 'earning']);
  });

  it('every wallet touched by the story still equals the sum of its ledger', async () => {
    const rows = await sql<{ mismatches: string }>(
      `select count(*) as mismatches from public.wallets w
        where w.user_id = any($1::uuid[]) and w.balance <> (select coalesce(sum(amount), 0) from public.wallet_ledger l where l.user_id = w.user_id)`,
      [[client.id, creator.id]],
    );
    expect(Number(rows[0]!.mismatches)).toBe(0);
  });
});
