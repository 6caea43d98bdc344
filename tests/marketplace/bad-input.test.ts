/**
 * Refusals through the SDK and the gateway: clear error codes, and nothing written. Insufficient
 * points, payouts over what is available (also when requested concurrently), zero and negative
 * prices and amounts, ratings outside 1–5, feedback without a usage, refunds of someone else's usage,
 * and concurrent spends of one wallet (also a burst of 500 at once through the gateway).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvedTool, createUser, sql, stack, type TestUser, topUp, walletState } from './support.ts';

describe('bad input and broken rules', () => {
  let admin: TestUser;
  let creator: TestUser;
  let client: TestUser;
  let otherClient: TestUser;
  let toolId: string;

  beforeAll(async () => {
    [admin, creator, client, otherClient] = await Promise.all([createUser('admin'), createUser('tool_creator'), createUser('client'), createUser('client')]);
    toolId = (await approvedTool(creator, admin, { price_points: 10, creator_share_percent: 50 })).id;
  });

  it('using a tool without enough points answers 422 insufficient_points and writes nothing', async () => {
    await topUp(admin, client, 9);
    const refused = await client.kit.marketplace.usage.use(toolId, { expected_price_points: 10 });
    expect(refused.error?.code).toBe('insufficient_points');
    expect(refused.error?.status).toBe(422);
    expect(await walletState(client.id)).toEqual({ balance: 9, ledgerSum: 9, entries: 1 });
    const usages = await sql<{ n: string }>('select count(*) as n from public.usages where client_id = $1', [client.id]);
    expect(Number(usages[0]!.n)).toBe(0);
  });

  it('the use-tool function refuses a request without an Idempotency-Key, and an unknown or unapproved tool', async () => {
    const noKey = await fetch(`${stack.url}/functions/v1/use-tool`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tool_id: toolId }),
    });
    expect(noKey.status).toBe(400);
    expect((await noKey.json()).error.code).toBe('invalid_idempotency_key');
    expect((await client.kit.marketplace.usage.use(randomUUID(), { expected_price_points: 1 })).error?.code).toBe('tool_not_found');
    const draft = await creator.kit.marketplace.tools.create({ name: 'Unreviewed', category: 'testing', price_points: 1 });
    expect((await client.kit.marketplace.usage.use(draft.data!.id, { expected_price_points: 1 })).error?.code).toBe('tool_not_found');
  });

  it('zero and negative prices are refused by the SDK, and by the database when sent anyway', async () => {
    const zero = await creator.kit.marketplace.tools.create({ name: 'Free', category: 'testing', price_points: 0 });
    expect(zero.error?.code).toBe('validation_failed');
    const raw = await creator.kit.supabase.from('tools').insert({ name: 'Negative', category: 'testing', price_points: -5 });
    expect(raw.status).toBe(400);
    expect(raw.error?.code).toBe('23514');
    const tools = await sql<{ n: string }>(`select count(*) as n from public.tools where creator_id = $1 and name in ('Free', 'Negative')`, [creator.id]);
    expect(Number(tools[0]!.n)).toBe(0);
  });

  it('zero and negative adjustments and payouts are refused', async () => {
    expect((await admin.kit.admin.wallet.adjust({ user_id: client.id, amount: 0, reason: 'Nothing' })).error?.code).toBe('validation_failed');
    const raw = await admin.kit.supabase.rpc('admin_adjust_points', { user_id: client.id, amount: 0, reason: 'Nothing', idempotency_key: randomUUID() });
    expect(raw.error?.code).toBe('invalid_amount');
    expect((await creator.kit.marketplace.payouts.request({ amount: -1 })).error?.code).toBe('validation_failed');
    const rawPayout = await creator.kit.supabase.rpc('request_payout', { amount: -1, idempotency_key: randomUUID() });
    expect(rawPayout.error?.code).toBe('invalid_amount');
  });

  it('a client cannot adjust wallets', async () => {
    const refused = await client.kit.admin.wallet.adjust({ user_id: client.id, amount: 1000, reason: 'Free money' });
    expect(refused.error?.code).toBe('forbidden');
    expect(refused.error?.status).toBe(403);
  });

  it('ratings outside 1–5 and feedback without a usage are refused', async () => {
    await topUp(admin, otherClient, 30);
    const used = await otherClient.kit.marketplace.usage.use(toolId, { expected_price_points: 10 });
    const usageId = used.data!.usage.id;
    expect((await otherClient.kit.marketplace.feedback.submit({ usage_id: usageId, rating: 6 })).error?.code).toBe('validation_failed');
    const raw = await otherClient.kit.supabase.rpc('submit_feedback', { usage_id: usageId, rating: 0 });
    expect(raw.error?.code).toBe('invalid_rating');
    expect((await otherClient.kit.marketplace.feedback.submit({ usage_id: randomUUID(), rating: 5 })).error?.code).toBe('usage_not_found');
    expect((await client.kit.marketplace.feedback.submit({ usage_id: usageId, rating: 5 })).error?.code).toBe('usage_not_found');
    const feedback = await sql<{ n: string }>('select count(*) as n from public.feedback where usage_id = $1', [usageId]);
    expect(Number(feedback[0]!.n)).toBe(0);
  });

  it("a refund of someone else's usage is refused", async () => {
    const usage = await sql<{ id: string }>('select id from public.usages where client_id = $1 limit 1', [otherClient.id]);
    const refused = await client.kit.marketplace.refunds.request({ usage_id: usage[0]!.id, reason: 'Not mine, but worth a try' });
    expect(refused.error?.code).toBe('usage_not_found');
    const refunds = await sql<{ n: string }>('select count(*) as n from public.refunds where usage_id = $1', [usage[0]!.id]);
    expect(Number(refunds[0]!.n)).toBe(0);
  });

  it('a payout over the available earnings is refused, and concurrent requests never take more than was earned', async () => {
    // The creator has earned 5 (one use of a 10-point tool at 50 %).
    const tooMuch = await creator.kit.marketplace.payouts.request({ amount: 6 });
    expect(tooMuch.error?.code).toBe('payout_exceeds_available');
    expect(tooMuch.error?.status).toBe(422);

    const attempts = await Promise.all(Array.from({ length: 8 }, () => creator.kit.marketplace.payouts.request({ amount: 2 })));
    expect(attempts.filter((a) => a.data).length).toBe(2);
    expect(attempts.filter((a) => a.error).every((a) => a.error?.code === 'payout_exceeds_available')).toBe(true);
    expect(await walletState(creator.id)).toMatchObject({ balance: 1, ledgerSum: 1 });
  });

  it('concurrent spends of one wallet never overdraw it: 30 uses of a 10-point tool with 100 points → 10 succeed', async () => {
    const spender = await createUser('client');
    await topUp(admin, spender, 100);
    const results = await Promise.all(Array.from({ length: 30 }, () => spender.kit.marketplace.usage.use(toolId, { expected_price_points: 10 })));
    expect(results.filter((r) => r.data && !r.data.replayed).length).toBe(10);
    expect(results.filter((r) => r.error).every((r) => r.error?.code === 'insufficient_points')).toBe(true);
    expect(await walletState(spender.id)).toMatchObject({ balance: 0, ledgerSum: 0 });
  });

  it('a burst of 500 concurrent uses through the gateway is answered, every one: exactly 300 of 300 points spent, the rest 422, never a 5xx', async () => {
    const spender = await createUser('client');
    await topUp(admin, spender, 300);
    const cheap = (await approvedTool(creator, admin, { price_points: 1 })).id;
    const statuses = await Promise.all(
      Array.from({ length: 500 }, () =>
        fetch(`${stack.url}/functions/v1/use-tool`, {
          method: 'POST',
          headers: { apikey: stack.publishableKey, authorization: `Bearer ${spender.accessToken}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify({ tool_id: cheap, expected_price_points: 1 }),
        }).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        }),
      ),
    );
    const counts = Object.fromEntries([...new Set(statuses)].map((status) => [status, statuses.filter((s) => s === status).length]));
    expect(counts).toEqual({ 201: 300, 422: 200 });
    expect(await walletState(spender.id)).toMatchObject({ balance: 0, ledgerSum: 0 });
  });
});
