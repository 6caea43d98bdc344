/**
 * PostgREST accepts the auth server's access tokens: a table with an RLS policy on `auth.uid()` returns
 * exactly the signed-in user's rows, and expired or tampered tokens are refused.
 */
import { createClient } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHs256 } from '../../src/stack/keys.ts';
import { eventually, signedUpUser, sql, stack, type TestUser } from './support.ts';

let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  await sql(`create table if not exists public.auth_probe (
    id bigint generated always as identity primary key,
    user_id uuid not null,
    note text not null)`);
  await sql('alter table public.auth_probe enable row level security');
  await sql(`drop policy if exists "Probe rows are visible to their owner" on public.auth_probe`);
  await sql(`create policy "Probe rows are visible to their owner" on public.auth_probe
    for select to authenticated using (user_id = (select auth.uid()))`);
  await sql('grant select on public.auth_probe to authenticated');
  [alice, bob] = await Promise.all([signedUpUser('probe-alice'), signedUpUser('probe-bob')]);
  await sql('insert into public.auth_probe (user_id, note) values ($1, $2), ($3, $4)', [alice.user.id, 'alice', bob.user.id, 'bob']);
  await sql(`notify pgrst, 'reload schema'`);
  await eventually(async () => !(await alice.client.from('auth_probe').select('note')).error, 20_000, 'PostgREST to see auth_probe');
});

afterAll(async () => {
  await sql('drop table if exists public.auth_probe');
  await sql(`notify pgrst, 'reload schema'`);
});

/** A client that sends `token` as the user's access token. */
function withToken(token: string) {
  return createClient(stack.url, stack.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: `Bearer ${token}` } },
  });
}

describe('PostgREST with auth server tokens', () => {
  it("returns only the signed-in user's rows through the auth.uid() policy", async () => {
    const { data, error } = await alice.client.from('auth_probe').select('note, user_id');
    expect(error).toBeNull();
    expect(data).toEqual([{ note: 'alice', user_id: alice.user.id }]);
  });

  it("returns the other user's rows to the other user", async () => {
    const { data } = await bob.client.from('auth_probe').select('note');
    expect(data).toEqual([{ note: 'bob' }]);
  });

  it('refuses an expired token with 401', async () => {
    const claims = { ...decodeJwt(alice.session.access_token), exp: Math.floor(Date.now() / 1000) - 300 }; // PostgREST allows 30 s of clock skew
    const { data, error, status } = await withToken(signHs256(claims, stack.jwtSecret)).from('auth_probe').select('note');
    expect(status).toBe(401);
    expect(error?.code).toMatch(/^PGRST30/);
    expect(data).toBeNull();
  });

  it('refuses a tampered token with 401', async () => {
    const [header, , signature] = alice.session.access_token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(alice.session.access_token), sub: bob.user.id })).toString('base64url');
    const { error, status } = await withToken(`${header}.${payload}.${signature}`).from('auth_probe').select('note');
    expect(status).toBe(401);
    expect(error?.code).toMatch(/^PGRST30/);
  });

  it('shows nothing to the anonymous role', async () => {
    const { data } = await createClient(stack.url, stack.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false },
    })
      .from('auth_probe')
      .select('note');
    expect(data ?? []).toEqual([]);
  });
});
