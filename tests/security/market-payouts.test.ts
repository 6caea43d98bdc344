/**
 * Attacks on payouts, through the SDK and the gateway: cashing out points that were never earned
 * (admin credits, top-ups), turning one's own points into earnings through one's own tool, rating
 * one's own tool, cashing out earnings already spent, and being paid while a points debt is open.
 * Each test performs the attack and asserts it fails and writes nothing.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvedTool, createUser, sql, type TestUser, topUp, walletState } from '../marketplace/support.ts';

async function payoutsOf(creatorId: string): Promise<number> {
  const [row] = await sql<{ n: string }>('select count(*) as n from public.payouts where creator_id = $1', [creatorId]);
  return Number(row!.n);
}

describe('payouts only from settled earnings', () => {
  let admin: TestUser;
  let client: TestUser;

  beforeAll(async () => {
    [admin, client] = await Promise.all([createUser('admin'), createUser('client')]);
    await topUp(admin, client, 500);
  });

  it('a creator cannot cash out points an admin credited', async () => {
    const creator = await createUser('tool_creator');
    await topUp(admin, creator, 1000);
    const refused = await creator.kit.marketplace.payouts.request({ amount: 1000 });
    expect(refused.error?.code).toBe('payout_exceeds_available');
    expect(refused.error?.status).toBe(422);
    expect(await payoutsOf(creator.id)).toBe(0);
    expect(await walletState(creator.id)).toMatchObject({ balance: 1000, ledgerSum: 1000 });
  });

  it('a creator cannot use its own tool at a 100 % share to turn its points into earnings', async () => {
    const creator = await createUser('tool_creator');
    const tool = await approvedTool(creator, admin, { price_points: 100, creator_share_percent: 100 });
    await topUp(admin, creator, 300);
    const selfUse = await creator.kit.marketplace.usage.use(tool.id, { expected_price_points: 100 });
    expect(selfUse.error?.code).toBe('own_tool');
    expect(selfUse.error?.status).toBe(403);
    const [row] = await sql<{ n: string }>('select count(*) as n from public.usages where client_id = $1', [creator.id]);
    expect(Number(row!.n)).toBe(0);
    expect((await creator.kit.marketplace.payouts.request({ amount: 100 })).error?.code).toBe('payout_exceeds_available');
    expect(await walletState(creator.id)).toMatchObject({ balance: 300, ledgerSum: 300 });
  });

  it('a creator cannot rate its own tool', async () => {
    const creator = await createUser('tool_creator');
    const tool = await approvedTool(creator, admin, { price_points: 5 });
    // A usage of its own tool, as one could be recorded before self-use was refused.
    const [usage] = await sql<{ id: string }>(
      `insert into public.usages (tool_id, client_id, creator_id, points_charged, creator_share, idempotency_key, settled_at)
       values ($1, $2, $2, 5, 0, $3, now()) returning id`,
      [tool.id, creator.id, randomUUID()],
    );
    const refused = await creator.kit.marketplace.feedback.submit({ usage_id: usage!.id, rating: 5, review: 'Best tool ever' });
    expect(refused.error?.code).toBe('own_tool');
    const [counted] = await sql<{ rating_count: number }>('select rating_count from public.tools where id = $1', [tool.id]);
    expect(counted!.rating_count).toBe(0);
  });

  it('a creator is paid at most what it earned, even with more points in its wallet', async () => {
    const creator = await createUser('tool_creator');
    const tool = await approvedTool(creator, admin, { price_points: 10, creator_share_percent: 50 });
    expect((await client.kit.marketplace.usage.use(tool.id, { expected_price_points: 10 })).error).toBeNull();
    await topUp(admin, creator, 50);
    expect((await creator.kit.marketplace.payouts.request({ amount: 6 })).error?.code).toBe('payout_exceeds_available');
    const stats = await creator.kit.marketplace.revenue.stats();
    expect(stats.data?.totals.points_available).toBe(5);
    const paid = await creator.kit.marketplace.payouts.request({ amount: 5 });
    expect(paid.error).toBeNull();
    expect(await walletState(creator.id)).toMatchObject({ balance: 50, ledgerSum: 50 });
  });

  it('earnings spent on tools do not become payable again after a top-up', async () => {
    const creator = await createUser('tool_creator');
    const otherCreator = await createUser('tool_creator');
    const own = await approvedTool(creator, admin, { price_points: 20, creator_share_percent: 50 });
    const other = await approvedTool(otherCreator, admin, { price_points: 10, creator_share_percent: 0 });
    expect((await client.kit.marketplace.usage.use(own.id, { expected_price_points: 20 })).error).toBeNull(); // creator earns 10
    expect((await creator.kit.wallet.balance()).data?.balance).toBe(10); // settled
    expect((await creator.kit.marketplace.usage.use(other.id, { expected_price_points: 10 })).error).toBeNull(); // spends them
    await topUp(admin, creator, 10);
    const refused = await creator.kit.marketplace.payouts.request({ amount: 10 });
    expect(refused.error?.code).toBe('payout_exceeds_available');
    expect(await payoutsOf(creator.id)).toBe(0);
  });

  it('a points debt from a refunded top-up is collected from earnings before any payout', async () => {
    const creator = await createUser('tool_creator');
    const tool = await approvedTool(creator, admin, { price_points: 10, creator_share_percent: 80 });
    // A top-up refunded after its points were spent left a debt of 6 points.
    const [pkg] = await sql<{ id: string }>(`insert into public.points_packages (name, points, price_amount) values ($1, 100, 500) returning id`, [
      `Security pack ${randomUUID()}`,
    ]);
    const [payment] = await sql<{ id: string }>(
      `insert into public.payments (user_id, purpose, points_package_id, description, points, amount, currency, idempotency_key)
       values ($1, 'points', $2, 'Refunded top-up', 100, 500, 'usd', $3) returning id`,
      [creator.id, pkg!.id, randomUUID()],
    );
    await sql('insert into public.points_debts (user_id, payment_id, points) values ($1, $2, 6)', [creator.id, payment!.id]);

    expect((await client.kit.marketplace.usage.use(tool.id, { expected_price_points: 10 })).error).toBeNull(); // creator earns 8
    expect((await creator.kit.marketplace.revenue.stats()).data?.totals.points_available).toBe(2);
    expect((await creator.kit.marketplace.payouts.request({ amount: 8 })).error?.code).toBe('payout_exceeds_available');
    expect((await creator.kit.marketplace.payouts.request({ amount: 2 })).error).toBeNull();
    const [debt] = await sql<{ settled_points: number }>('select settled_points from public.points_debts where payment_id = $1', [payment!.id]);
    expect(debt!.settled_points).toBe(6);
    expect(await walletState(creator.id)).toMatchObject({ balance: 0, ledgerSum: 0 });
  });
});
