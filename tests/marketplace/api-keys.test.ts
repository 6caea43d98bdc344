/**
 * API keys through the SDK and the gateway: a creator sees the secret once and lists keys by prefix;
 * with the key, the creator's backend verifies usages of its own tools and reads its stats — and
 * nothing else; revoked, expired and tampered keys are refused.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvedTool, createUser, kit, sql, stack, type TestUser, topUp } from './support.ts';

describe('API keys', () => {
  let admin: TestUser;
  let creator: TestUser;
  let otherCreator: TestUser;
  let client: TestUser;
  let secret: string;
  let keyId: string;
  let ownUsage: string;
  let otherUsage: string;

  beforeAll(async () => {
    [admin, creator, otherCreator, client] = await Promise.all([createUser('admin'), createUser('tool_creator'), createUser('tool_creator'), createUser('client')]);
    const [tool, otherTool] = await Promise.all([approvedTool(creator, admin, { price_points: 3 }), approvedTool(otherCreator, admin, { price_points: 2 })]);
    await topUp(admin, client, 20);
    ownUsage = (await client.kit.marketplace.usage.use(tool.id, { expected_price_points: 3 })).data!.usage.id;
    otherUsage = (await client.kit.marketplace.usage.use(otherTool.id, { expected_price_points: 2 })).data!.usage.id;
  });

  it('a creator gets the secret once and lists the key by its prefix only', async () => {
    const created = await creator.kit.marketplace.apiKeys.create({ name: 'Backend' });
    expect(created.error).toBeNull();
    secret = created.data!.secret!;
    keyId = created.data!.id;
    expect(secret).toMatch(/^mk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);

    const listed = await creator.kit.marketplace.apiKeys.list();
    const key = listed.data?.items.find((k) => k.id === keyId);
    expect(key).toMatchObject({ name: 'Backend', prefix: secret.slice(0, 15), revoked_at: null });
    expect(JSON.stringify(listed.data)).not.toContain(secret);
    const stored = await sql<{ hashed: boolean }>(`select secret_hash = extensions.digest($2, 'sha256') as hashed from private.api_key_secrets where api_key_id = $1`, [
      keyId,
      secret,
    ]);
    expect(stored[0]?.hashed).toBe(true);
  });

  it('a client cannot create API keys', async () => {
    const refused = await client.kit.marketplace.apiKeys.create({ name: 'Mine' });
    expect(refused.error?.code).toBe('forbidden');
  });

  it("with the key, the creator's backend verifies a usage of its own tools", async () => {
    const backend = kit();
    const verified = await backend.marketplace.usage.verifyWithApiKey(ownUsage, { api_key: secret });
    expect(verified.error).toBeNull();
    expect(verified.data).toMatchObject({ id: ownUsage, client_id: client.id, status: 'completed', points_charged: 3 });
  });

  it("the key does not reveal usages of other creators' tools", async () => {
    const refused = await kit().marketplace.usage.verifyWithApiKey(otherUsage, { api_key: secret });
    expect(refused.error?.code).toBe('usage_not_found');
    expect(refused.error?.status).toBe(404);
  });

  it("with the key, the backend reads its creator's revenue", async () => {
    const stats = await kit().marketplace.revenue.statsWithApiKey({ api_key: secret });
    expect(stats.error).toBeNull();
    expect(stats.data).toMatchObject({ creator_id: creator.id, totals: { usages: 1 } });
  });

  it('the key opens nothing else: no other route, no REST access, no wallet', async () => {
    const other = await fetch(`${stack.url}/functions/v1/creator-api/wallet`, { headers: { 'x-api-key': secret } });
    expect(other.status).toBe(404);
    await other.body?.cancel();
    const write = await fetch(`${stack.url}/functions/v1/creator-api/usages/${ownUsage}`, { method: 'DELETE', headers: { 'x-api-key': secret } });
    expect(write.status).toBe(405);
    await write.body?.cancel();
    const rest = await fetch(`${stack.url}/rest/v1/usages?select=id`, { headers: { apikey: secret, authorization: `Bearer ${secret}` } });
    expect(rest.status).toBe(401);
    await rest.body?.cancel();
    const useTool = await fetch(`${stack.url}/functions/v1/use-tool`, {
      method: 'POST',
      headers: { 'x-api-key': secret, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
      body: JSON.stringify({ tool_id: randomUUID() }),
    });
    expect(useTool.status).toBe(401);
    await useTool.body?.cancel();
  });

  it('a tampered key is refused', async () => {
    const tampered = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    const refused = await kit().marketplace.usage.verifyWithApiKey(ownUsage, { api_key: tampered });
    expect(refused.error?.code).toBe('invalid_api_key');
    expect(refused.error?.status).toBe(401);
  });

  it('an expired key is refused', async () => {
    const expiring = await creator.kit.marketplace.apiKeys.create({ name: 'Short-lived', expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    await sql(`update public.api_keys set expires_at = now() - interval '1 second' where id = $1`, [expiring.data!.id]);
    const refused = await kit().marketplace.revenue.statsWithApiKey({ api_key: expiring.data!.secret! });
    expect(refused.error?.code).toBe('api_key_expired');
  });

  it('another creator cannot revoke the key; its creator can, and it stops working at once', async () => {
    const notYours = await otherCreator.kit.marketplace.apiKeys.revoke(keyId);
    expect(notYours.error?.code).toBe('api_key_not_found');

    const revoked = await creator.kit.marketplace.apiKeys.revoke(keyId);
    expect(revoked.error).toBeNull();
    expect(revoked.data?.revoked_at).not.toBeNull();
    const refused = await kit().marketplace.usage.verifyWithApiKey(ownUsage, { api_key: secret });
    expect(refused.error?.code).toBe('api_key_revoked');
  });
});
