/**
 * Attacks on who a function acts for. Functions verify the access token themselves (signature,
 * expiry, live session, no ban: supabase/functions/_shared/auth.ts), so a forged token is refused even
 * on the functions server reached without the gateway's verify_jwt, a signed-out or banned user's
 * unexpired token spends nothing, and a ban revokes the creator's API keys at once.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../../src/stack/config.ts';
import { approvedTool, createUser, sql, stack, type TestUser, topUp, walletState } from '../marketplace/support.ts';

/** The functions server behind the gateway (same ports as the stack under test), or undefined. */
function functionsServerUrl(): string | undefined {
  const config = loadStackConfig('test');
  return new URL(stack.url).port === String(config.ports.api) ? `http://127.0.0.1:${config.ports.functions}` : undefined;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** POST use-tool with `token`, to the gateway or straight to the functions server. */
async function useTool(base: string, token: string, toolId: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${base}/use-tool`, {
    method: 'POST',
    headers: { apikey: stack.publishableKey, authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ tool_id: toolId }),
  });
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code };
}

describe('functions verify the caller themselves', () => {
  const direct = functionsServerUrl();
  const gateway = `${stack.url}/functions/v1`;
  let admin: TestUser;
  let creator: TestUser;
  let toolId: string;

  beforeAll(async () => {
    [admin, creator] = await Promise.all([createUser('admin'), createUser('tool_creator')]);
    toolId = (await approvedTool(creator, admin, { price_points: 1 })).id;
  });

  it.skipIf(!direct)('a forged token (wrong key, alg none, expired) spends nothing, even on the functions server without the gateway', async () => {
    const victim = await createUser('client');
    await topUp(admin, victim, 10);
    const real = claimsOf(victim.accessToken);
    const now = Math.floor(Date.now() / 1000);
    const wrongKey = await new SignJWT({ ...real, exp: now + 3600 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('not-the-project-secret-but-32-characters-long'));
    const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...real, exp: now + 3600 })}.`;
    const expired = await new SignJWT({ ...real, iat: now - 7200, exp: now - 3600 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(stack.jwtSecret));
    const unsigned = `${victim.accessToken.split('.').slice(0, 2).join('.')}.`;
    for (const [name, token] of Object.entries({ wrongKey, algNone, expired, unsigned })) {
      const answer = await useTool(direct!, token, toolId);
      expect({ name, ...answer }).toEqual({ name, status: 401, code: 'unauthorized' });
    }
    // Other functions acting for a user refuse it too (account-members: verify_jwt on, reached directly).
    const members = await fetch(`${direct}/account-members`, {
      method: 'POST',
      headers: { authorization: `Bearer ${wrongKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account_id: randomUUID(), email: 'x@example.test', full_name: 'X' }),
    });
    expect(members.status).toBe(401);
    expect(await walletState(victim.id)).toMatchObject({ balance: 10, ledgerSum: 10 });
    expect((await useTool(direct!, victim.accessToken, toolId)).status).toBe(201);
  });

  it("a signed-out user's unexpired access token cannot spend", async () => {
    const user = await createUser('client');
    await topUp(admin, user, 10);
    // Spent once first, so the functions have already verified (and remembered) this very token.
    expect((await useTool(gateway, user.accessToken, toolId)).status).toBe(201);
    const { error } = await user.kit.supabase.auth.signOut({ scope: 'local' });
    expect(error).toBeNull();
    for (const base of [gateway, ...(direct ? [direct] : [])]) {
      expect(await useTool(base, user.accessToken, toolId)).toEqual({ status: 401, code: 'unauthorized' });
    }
    expect(await walletState(user.id)).toMatchObject({ balance: 9 });
  });

  it("a banned user's unexpired access token cannot spend, even when the ban is set outside ban-user", async () => {
    const [viaFunction, viaStudio] = await Promise.all([createUser('client'), createUser('client')]);
    await Promise.all([topUp(admin, viaFunction, 10), topUp(admin, viaStudio, 10)]);
    expect((await admin.kit.admin.users.ban(viaFunction.id)).error).toBeNull();
    // An admin editing the row in Studio: the sessions must end with it.
    await sql(`update auth.users set banned_until = now() + interval '1 day' where id = $1`, [viaStudio.id]);
    for (const user of [viaFunction, viaStudio]) {
      expect(await useTool(gateway, user.accessToken, toolId)).toEqual({ status: 401, code: 'unauthorized' });
      expect(await walletState(user.id)).toMatchObject({ balance: 10 });
    }
    // ban-user also ends the sessions; a ban set elsewhere leaves them for Auth to refuse (user_banned).
    expect(await sql('select 1 from auth.sessions where user_id = $1', [viaFunction.id])).toHaveLength(0);
    expect((await viaStudio.kit.supabase.auth.refreshSession()).error?.code).toBe('user_banned');
  });

  it("a banned creator's API key stops working at once, and stays revoked", async () => {
    const banned = await createUser('tool_creator');
    const created = await banned.kit.marketplace.apiKeys.create({ name: 'Backend' });
    expect(created.error).toBeNull();
    const key = created.data!.secret!;
    const stats = () => fetch(`${gateway}/creator-api/stats`, { headers: { 'x-api-key': key } });
    expect((await stats()).status).toBe(200);

    // Banned through the Auth admin API directly (not the ban-user function).
    const ban = await fetch(`${stack.url}/auth/v1/admin/users/${banned.id}`, {
      method: 'PUT',
      headers: { apikey: stack.secretKey, authorization: `Bearer ${stack.serviceRoleKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ban_duration: '24h' }),
    });
    expect(ban.status).toBe(200);
    const refused = await stats();
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('api_key_revoked');
    const [row] = await sql<{ revoked: boolean }>('select revoked_at is not null as revoked from public.api_keys where id = $1', [created.data!.id]);
    expect(row?.revoked).toBe(true);

    // Lifting the ban does not bring the key back.
    await sql('update auth.users set banned_until = null where id = $1', [banned.id]);
    expect((await stats()).status).toBe(401);
  });
});
