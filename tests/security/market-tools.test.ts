/**
 * Attacks on what clients pay, through the gateway: a creator rewriting an approved tool (price,
 * share, name, description) with a plain PATCH /rest/v1/tools, and a client charged a price it did not
 * expect. Each test performs the attack and asserts it fails: the approved values stay in force until
 * an admin approves the change, and use-tool refuses any price but the expected one (409
 * price_changed, nothing charged).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvedTool, createUser, sql, stack, type TestUser, topUp, walletState } from '../marketplace/support.ts';

async function usagesOf(clientId: string): Promise<number> {
  const [row] = await sql<{ n: string }>('select count(*) as n from public.usages where client_id = $1', [clientId]);
  return Number(row!.n);
}

/** POST /functions/v1/use-tool as a raw HTTP client would. */
async function useTool(user: TestUser, body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.url}/functions/v1/use-tool`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.accessToken}`, apikey: stack.publishableKey, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('creators cannot rewrite approved tools; clients pay the price they expect', () => {
  let admin: TestUser;
  let creator: TestUser;
  let otherCreator: TestUser;
  let client: TestUser;
  let toolId: string;

  beforeAll(async () => {
    [admin, creator, otherCreator, client] = await Promise.all([createUser('admin'), createUser('tool_creator'), createUser('tool_creator'), createUser('client')]);
    toolId = (await approvedTool(creator, admin, { price_points: 10, creator_share_percent: 50, name: 'Honest summariser' })).id;
    await topUp(admin, client, 100);
  });

  it('a creator who PATCHes the price and share of an approved tool does not change what clients pay or what it earns', async () => {
    const patched = await creator.kit.supabase.from('tools').update({ price_points: 1_000_000, creator_share_percent: 100 }).eq('id', toolId).select().single();
    expect(patched.error).toBeNull();
    expect(patched.data).toMatchObject({ price_points: 10, creator_share_percent: 50, status: 'approved' });

    const used = await useTool(client, { tool_id: toolId }); // a caller that sends no expected price
    expect(used.status).toBe(201);
    expect(used.body.usage).toMatchObject({ points_charged: 10, creator_share: 5 });
    expect(await walletState(client.id)).toMatchObject({ balance: 90, ledgerSum: 90 });
  });

  it('a creator who renames or re-describes an approved tool does not change the catalogue before review', async () => {
    const updated = await creator.kit.marketplace.tools.update(toolId, { name: 'Free money generator', description: 'Guaranteed 100x returns' });
    expect(updated.error).toBeNull();
    const seen = await client.kit.marketplace.tools.get(toolId);
    expect(seen.data).toMatchObject({ name: 'Honest summariser', description: 'A tool made by the marketplace tests', price_points: 10 });

    const pending = await creator.kit.marketplace.tools.revisions({ tool_id: toolId, status: 'pending' });
    expect(pending.data?.items).toHaveLength(1);
    expect(pending.data?.items[0]).toMatchObject({ name: 'Free money generator', price_points: 1_000_000, creator_share_percent: 100 });
    // Unreviewed text is not public.
    expect((await client.kit.marketplace.tools.revisions({ tool_id: toolId })).data?.items).toHaveLength(0);
    expect((await otherCreator.kit.marketplace.tools.revisions({ tool_id: toolId })).data?.items).toHaveLength(0);
  });

  it('neither the creator nor another creator can approve the change; another creator cannot touch the tool', async () => {
    const revision = (await admin.kit.marketplace.tools.revisions({ tool_id: toolId, status: 'pending' })).data!.items[0]!;
    expect((await creator.kit.admin.tools.reviewRevision(revision.id, { decision: 'approve' })).error?.code).toBe('forbidden');
    expect((await otherCreator.kit.admin.tools.reviewRevision(revision.id, { decision: 'approve' })).error?.code).toBe('forbidden');
    expect((await client.kit.admin.tools.reviewRevision(revision.id, { decision: 'approve' })).error?.code).toBe('forbidden');
    const direct = await creator.kit.supabase.from('tool_revisions').update({ status: 'approved' }).eq('id', revision.id);
    expect(direct.error?.code).toBe('42501');
    const foreign = await otherCreator.kit.supabase.from('tools').update({ price_points: 1 }).eq('id', toolId).select();
    expect(foreign.data).toEqual([]);
    const [tool] = await sql<{ price_points: number; creator_share_percent: number }>('select price_points, creator_share_percent from public.tools where id = $1', [toolId]);
    expect(tool).toEqual({ price_points: 10, creator_share_percent: 50 });
  });

  it('after an admin approves a new price, a client expecting the old one is refused with 409 price_changed and charged nothing', async () => {
    await admin.kit.admin.tools.reviewRevision((await admin.kit.marketplace.tools.revisions({ tool_id: toolId, status: 'pending' })).data!.items[0]!.id, {
      decision: 'reject',
      note: 'Misleading claims',
    });
    await creator.kit.marketplace.tools.update(toolId, { price_points: 12 });
    const revision = (await admin.kit.marketplace.tools.revisions({ tool_id: toolId, status: 'pending' })).data!.items[0]!;
    expect(revision).toMatchObject({ price_points: 12, creator_share_percent: 50, name: 'Honest summariser' });
    expect((await admin.kit.admin.tools.reviewRevision(revision.id, { decision: 'approve' })).error).toBeNull();

    const before = await walletState(client.id);
    const usages = await usagesOf(client.id);
    const refused = await client.kit.marketplace.usage.use(toolId, { expected_price_points: 10 });
    expect(refused.error?.code).toBe('price_changed');
    expect(refused.error?.status).toBe(409);
    expect(refused.error?.details).toMatchObject({ price_points: 12 });
    const raw = await useTool(client, { tool_id: toolId, expected_price_points: 10 });
    expect(raw.status).toBe(409);
    expect(raw.body.error.code).toBe('price_changed');
    expect(await walletState(client.id)).toEqual(before);
    expect(await usagesOf(client.id)).toBe(usages);

    const accepted = await client.kit.marketplace.usage.use(toolId, { expected_price_points: 12 });
    expect(accepted.error).toBeNull();
    expect(accepted.data?.usage.points_charged).toBe(12);
  });

  it('the SDK never sends a use without the price the client expects', async () => {
    const before = await walletState(client.id);
    // @ts-expect-error an old call shape without the expected price
    const refused = await client.kit.marketplace.usage.use(toolId, { idempotencyKey: randomUUID() });
    expect(refused.error?.code).toBe('validation_failed');
    expect(await walletState(client.id)).toEqual(before);
  });
});
