import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { requireSession, resetKeys, type SessionLookup, verifyAccessToken } from './auth.ts';
import { HttpError } from './errors.ts';

const SECRET = 'unit-test-secret-with-at-least-32-characters';
const USER = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const SESSION = '0b0c6ad3-2b8e-4bd4-9b1f-3a4c1f0e8d11';
const now = () => Math.floor(Date.now() / 1000);

const es256 = await generateKeyPair('ES256', { extractable: true });
const publicJwk = { ...(await exportJWK(es256.publicKey)), kid: 'unit', alg: 'ES256', use: 'sig' };
Deno.env.set('SUPABASE_JWT_SECRET', SECRET);
Deno.env.set('SUPABASE_JWKS', JSON.stringify({ keys: [publicJwk] }));
resetKeys();

const claims = (extra: Record<string, unknown> = {}) => ({ sub: USER, role: 'authenticated', session_id: SESSION, exp: now() + 600, ...extra });
const hs256 = (extra: Record<string, unknown> = {}, secret = SECRET) =>
  new SignJWT(claims(extra)).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
const b64 = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

async function refused(token: string): Promise<string> {
  try {
    await verifyAccessToken(token);
  } catch (error) {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 401);
    return error.message;
  }
  throw new Error('the token was accepted');
}

Deno.test('verifyAccessToken should accept HS256 tokens signed with the JWT secret and ES256 tokens of the JWKS', async () => {
  assert.equal((await verifyAccessToken(await hs256())).sub, USER);
  const signed = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: 'unit' }).sign(es256.privateKey);
  assert.equal((await verifyAccessToken(signed)).session_id, SESSION);
});

Deno.test('verifyAccessToken should refuse a wrong key, alg none, a stripped signature and a foreign ES256 key', async () => {
  await refused(await hs256({}, 'another-secret-with-at-least-32-characters!'));
  await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`);
  const good = await hs256();
  await refused(`${good.split('.').slice(0, 2).join('.')}.`);
  const foreign = await generateKeyPair('ES256');
  await refused(await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: 'unit' }).sign(foreign.privateKey));
  await refused('not-a-jwt');
});

Deno.test('verifyAccessToken should refuse expired tokens, tokens without exp, the anon role and tokens without a session', async () => {
  assert.match(await refused(await hs256({ exp: now() - 10 })), /expired/);
  await refused(await new SignJWT({ sub: USER, role: 'authenticated', session_id: SESSION }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET)));
  await refused(await hs256({ role: 'anon' }));
  await refused(await hs256({ session_id: undefined }));
  await refused(await hs256({ sub: 'not-a-uuid' }));
});

Deno.test('a token verified before should still be refused once it expires, and a copy with another signature or payload never passes for it', async () => {
  const token = await new SignJWT(claims({ exp: now() + 1 })).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(SECRET));
  assert.equal((await verifyAccessToken(token)).sub, USER);
  assert.equal((await verifyAccessToken(token)).sub, USER);
  const [header, payload, signature] = token.split('.') as [string, string, string];
  await refused(`${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`);
  await refused(`${header}.${b64(claims({ sub: '11111111-2222-4333-8444-555555555555' }))}.${signature}`);
  await new Promise((resolve) => setTimeout(resolve, 2100));
  assert.match(await refused(token), /expired/);
});

Deno.test('requireSession should refuse a valid token whose session has ended or whose user is banned', async () => {
  const token = await hs256();
  const request = new Request('http://local/x', { headers: { authorization: `Bearer ${token}` } });
  const live: SessionLookup = () => Promise.resolve({ email: 'a@example.test' });
  const ended: SessionLookup = () => Promise.resolve(undefined);
  const caller = await requireSession(request, live);
  assert.deepEqual([caller.id, caller.sessionId, caller.email], [USER, SESSION, 'a@example.test']);
  await assert.rejects(requireSession(request, ended), (error: unknown) => error instanceof HttpError && error.status === 401);
  await assert.rejects(requireSession(new Request('http://local/x'), live), (error: unknown) => error instanceof HttpError && error.status === 401);
});

Deno.test('without the JWT secret, an HS256 token should be checked by Auth, and refused when Auth refuses it', async () => {
  Deno.env.delete('SUPABASE_JWT_SECRET');
  Deno.env.set('SUPABASE_JWKS', JSON.stringify({ keys: [publicJwk] }));
  Deno.env.set('SUPABASE_URL', 'http://auth.invalid');
  resetKeys();
  const realFetch = globalThis.fetch;
  let answer = 401;
  globalThis.fetch = (() => Promise.resolve(new Response('{}', { status: answer }))) as typeof fetch;
  try {
    const token = await hs256({}, 'whatever-auth-would-check-with-32-chars!!');
    await refused(token);
    answer = 200;
    assert.equal((await verifyAccessToken(token)).sub, USER);
  } finally {
    globalThis.fetch = realFetch;
    Deno.env.set('SUPABASE_JWT_SECRET', SECRET);
    Deno.env.delete('SUPABASE_URL');
    resetKeys();
  }
});
