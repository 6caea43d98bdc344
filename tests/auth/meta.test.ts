/**
 * `/health`, `/settings`, `/.well-known/jwks.json`, and asymmetric signing: a second auth server with an
 * ES256 key in `signing_keys_path` publishes the public key and signs user tokens with it, while the
 * legacy HS256 API keys keep working.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFetch, ownStack, PASSWORD, stack, startExtraAuthServer, uniqueEmail, type ExtraAuthServer } from './support.ts';

describe('service endpoints', () => {
  it("GET /health answers GoTrue's health body", async () => {
    const response = await authFetch('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ version: expect.any(String), name: 'GoTrue', description: expect.any(String) });
  });

  it('GET /settings reflects supabase/config.toml', async () => {
    const response = await authFetch('/settings');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      external: { email: true, phone: false, anonymous_users: false, github: false },
      disable_signup: false,
      mailer_autoconfirm: false,
      phone_autoconfirm: false,
    });
  });

  it('GET /.well-known/jwks.json publishes no key while tokens are HS256', async () => {
    const response = await authFetch('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ keys: [] });
    expect(response.headers.get('cache-control')).toBe('public, max-age=600');
  });

  it('an unknown path is 404', async () => {
    const response = await authFetch('/nowhere');
    expect(response.status).toBe(404);
  });
});

describe.skipIf(!ownStack)('ES256 signing keys', () => {
  let server: ExtraAuthServer;
  let dir: string;
  const kid = randomUUID();

  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig', key_ops: ['sign', 'verify'], ext: true };
    dir = mkdtempSync(path.join(tmpdir(), 'auth-keys-'));
    writeFileSync(path.join(dir, 'signing_keys.json'), JSON.stringify([jwk]));
    server = await startExtraAuthServer({ STACK_AUTH_SIGNING_KEYS_PATH: path.join(dir, 'signing_keys.json'), STACK_AUTH_ENABLE_CONFIRMATIONS: 'false' });
  });

  afterAll(async () => {
    await (server as ExtraAuthServer | undefined)?.stop(); // unset when beforeAll failed
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the public key (no private part) in the JWKS', async () => {
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('signs user tokens with ES256 and the kid; they verify against the JWKS and on /user', async () => {
    const auth = server.auth();
    const email = uniqueEmail('es256');
    const { data, error } = await auth.signUp({ email, password: PASSWORD });
    expect(error).toBeNull();
    const token = data.session!.access_token;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid, typ: 'JWT' });
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: [] };
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: `${stack.url}/auth/v1`, audience: 'authenticated' });
    expect(payload.email).toBe(email);
    expect((await auth.getUser(token)).data.user?.email).toBe(email);
    const claims = await auth.getClaims(token);
    expect(claims.error).toBeNull();
    expect(claims.data?.claims.sub).toBe(data.user!.id);
  });

  it('still accepts the legacy HS256 service-role key for the admin API', async () => {
    const { data, error } = await server.auth(stack.serviceRoleKey).admin.listUsers({ page: 1, perPage: 1 });
    expect(error).toBeNull();
    expect(data.users).toHaveLength(1);
  });
});
