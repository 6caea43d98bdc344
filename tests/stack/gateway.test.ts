/**
 * The gateway maps API keys like Supabase's: publishable → anon, secret → service_role, legacy JWTs
 * pass through, forged tokens and missing keys are refused.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sql } from '../helpers/db.ts';
import { client, stack } from '../helpers/stack.ts';

const TABLE = 'gateway_probe';

function forge(claims: Record<string, unknown>, secret: string): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

beforeAll(async () => {
  // A table with RLS and no policy: only service_role (BYPASSRLS) sees its rows. New tables carry no
  // API grants (auto_expose_new_tables = false), so it is granted as a migration would.
  await sql(`create table if not exists public.${TABLE} (id int primary key);
             alter table public.${TABLE} enable row level security;
             grant select on public.${TABLE} to anon, authenticated, service_role;
             insert into public.${TABLE} values (1), (2) on conflict do nothing;
             notify pgrst, 'reload schema';`);
  await eventually(async () => (await client(stack.secretKey).from(TABLE).select('id')).error === null, 10_000, 'PostgREST to see the table');
});

afterAll(async () => {
  await sql(`drop table if exists public.${TABLE}; notify pgrst, 'reload schema';`);
});

describe('gateway API keys', () => {
  it('the publishable key reads as anon: RLS hides every row', async () => {
    const { data, error } = await client(stack.publishableKey).from(TABLE).select('id');
    expect(error).toBeNull();
    expect(data).toEqual([]);
  });

  it('the secret key reads as service_role: RLS is bypassed', async () => {
    const { data, error } = await client(stack.secretKey).from(TABLE).select('id').order('id');
    expect(error).toBeNull();
    expect(data).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('a legacy anon JWT works as the key and reads as anon', async () => {
    const { data, error } = await client(stack.anonKey).from(TABLE).select('id');
    expect(error).toBeNull();
    expect(data).toEqual([]);
  });

  it('a legacy service_role JWT reads as service_role', async () => {
    const { data } = await client(stack.serviceRoleKey).from(TABLE).select('id');
    expect(data).toHaveLength(2);
  });

  it('a JWT forged with another secret is refused with 401', async () => {
    const forged = forge({ role: 'service_role', iss: 'supabase-demo', exp: 1983812996 }, 'not-the-secret-not-the-secret-not-the-secret');
    const response = await fetch(`${stack.url}/rest/v1/${TABLE}`, {
      headers: { apikey: stack.publishableKey, Authorization: `Bearer ${forged}` },
    });
    expect(response.status).toBe(401);
    const asKey = await fetch(`${stack.url}/rest/v1/${TABLE}`, { headers: { apikey: forged } });
    expect(asKey.status).toBe(401);
    expect(await asKey.json()).toMatchObject({ message: 'Invalid API key' });
  });

  it('a request without an API key is refused with 401', async () => {
    const response = await fetch(`${stack.url}/rest/v1/${TABLE}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      message: 'No API key found in request',
      hint: 'No `apikey` request header or url param was found.',
    });
  });

  it('an sb_ key in Authorization must equal the apikey header', async () => {
    const response = await fetch(`${stack.url}/rest/v1/${TABLE}`, {
      headers: { apikey: stack.publishableKey, Authorization: `Bearer ${stack.secretKey}` },
    });
    expect(response.status).toBe(401);
  });

  it('the secret key is refused when a browser sends it', async () => {
    const response = await fetch(`${stack.url}/rest/v1/${TABLE}`, {
      headers: { apikey: stack.secretKey, 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140' },
    });
    expect(response.status).toBe(401);
  });

  it('the REST root answers 200 with the publishable key', async () => {
    const response = await fetch(`${stack.url}/rest/v1/`, { headers: { apikey: stack.publishableKey } });
    expect(response.status).toBe(200);
  });

  it('answers CORS preflights for the REST API', async () => {
    const response = await fetch(`${stack.url}/rest/v1/${TABLE}`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'apikey, authorization' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(response.headers.get('access-control-allow-headers')).toContain('apikey');
  });

  it('an unknown path answers 404', async () => {
    const response = await fetch(`${stack.url}/nowhere`);
    expect(response.status).toBe(404);
  });
});
