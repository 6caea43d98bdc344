/**
 * The Deno functions server, on its own with fixture functions: routing, verify_jwt (as hosted: only
 * HS256 tokens signed with the JWT secret pass), the injected environment, and faults in one function
 * that must not take the others down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/stack/config.ts';
import { signHs256 } from '../../src/stack/keys.ts';
import { DENO, denoEnv } from '../../src/stack/stack.ts';
import { eventually } from '../helpers/eventually.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
let dir: string;
let server: ChildProcess;
let base: string;
let es256Token: string;
let foreignEs256Token: string;
let jwkForConfusion: object;

function fixture(name: string, source: string): void {
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, 'index.ts'), source);
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'functions-'));
  fixture('echo', `Deno.serve((req) => Response.json({ path: new URL(req.url).pathname, url: Deno.env.get('SUPABASE_URL'), method: req.method }));`);
  fixture('env', `Deno.serve(() => Response.json({ gate: Deno.env.get('FUNCTIONS_JWT_SECRET') ?? null }));`);
  fixture('open', `Deno.serve({ handler: () => new Response('open') });`);
  fixture('throws', `Deno.serve(() => { throw new Error('secret internals'); });`);
  fixture('broken', `import './does-not-exist.ts';\nDeno.serve(() => new Response('never'));`);

  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256' };
  jwkForConfusion = jwk;
  es256Token = await new SignJWT({ role: 'authenticated', sub: 'f0000000-0000-4000-8000-000000000001' })
    .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
    .setExpirationTime('1h')
    .sign(privateKey);
  const other = await generateKeyPair('ES256');
  foreignEs256Token = await new SignJWT({ role: 'authenticated' }).setProtectedHeader({ alg: 'ES256', kid: 'test-key' }).setExpirationTime('1h').sign(other.privateKey);

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(
    DENO,
    [
      'run',
      '--allow-all',
      '--no-prompt',
      '--config',
      path.join(projectRoot, 'supabase', 'functions', 'deno.json'),
      path.join(projectRoot, 'src', 'stack', 'functions', 'server.ts'),
    ],
    {
      cwd: dir,
      stdio: 'ignore',
      env: {
        ...denoEnv(),
        FUNCTIONS_PORT: String(port),
        FUNCTIONS_DIR: dir,
        FUNCTIONS_VERIFY_JWT: JSON.stringify({ open: false }),
        FUNCTIONS_JWT_SECRET: SECRET,
        SUPABASE_JWKS: JSON.stringify({ keys: [jwk] }),
        SUPABASE_URL: 'http://127.0.0.1:1234',
      },
    },
  );
  await eventually(async () => (await fetch(`${base}/_internal/health`)).ok, 60_000, 'the functions server');
});

afterAll(() => {
  (server as ChildProcess | undefined)?.kill('SIGKILL'); // unset when beforeAll failed
  rmSync(dir, { recursive: true, force: true });
});

const hs256 = (role: string, secret = SECRET) => signHs256({ role, exp: Math.floor(Date.now() / 1000) + 3600 }, secret);

describe('functions server', () => {
  it('routes /<name>/<rest> to the function, which sees the unchanged path and the injected env', async () => {
    const response = await fetch(`${base}/echo/a/b?x=1`, { headers: { Authorization: `Bearer ${hs256('anon')}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: '/echo/a/b', url: 'http://127.0.0.1:1234', method: 'GET' });
  });

  it('verify_jwt: a request without Authorization is refused like the edge runtime does', async () => {
    const response = await fetch(`${base}/echo`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ msg: 'Error: Missing authorization header' });
  });

  it('verify_jwt: an HS256 token signed with another secret is refused', async () => {
    const response = await fetch(`${base}/echo`, { headers: { Authorization: `Bearer ${hs256('anon', 'another-secret-another-secret-another-secret')}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ msg: 'Invalid JWT' });
  });

  it('verify_jwt: an expired token is refused', async () => {
    const expired = signHs256({ role: 'anon', exp: Math.floor(Date.now() / 1000) - 10 }, SECRET);
    const response = await fetch(`${base}/echo`, { headers: { Authorization: `Bearer ${expired}` } });
    expect(response.status).toBe(401);
  });

  it("verify_jwt: an ES256 token is refused even when the project's JWKS vouches for it, as hosted's gate accepts only legacy HS256 tokens", async () => {
    const published = await fetch(`${base}/echo`, { headers: { Authorization: `Bearer ${es256Token}` } });
    expect(published.status).toBe(401);
    expect(await published.json()).toEqual({ msg: 'Invalid JWT' });
    const foreign = await fetch(`${base}/echo`, { headers: { Authorization: `Bearer ${foreignEs256Token}` } });
    expect(foreign.status).toBe(401);
  });

  it("verify_jwt: an HS256 token that names another algorithm's key id is still checked against the JWT secret alone", async () => {
    const forged = signHs256({ role: 'service_role', exp: Math.floor(Date.now() / 1000) + 3600 }, JSON.stringify(jwkForConfusion));
    const response = await fetch(`${base}/echo`, { headers: { Authorization: `Bearer ${forged}` } });
    expect(response.status).toBe(401);
  });

  it("the gate's JWT secret is not in the functions' environment", async () => {
    const response = await fetch(`${base}/env`, { headers: { Authorization: `Bearer ${hs256('anon')}` } });
    expect(await response.json()).toEqual({ gate: null });
  });

  it('verify_jwt: OPTIONS passes without a token so functions can answer CORS preflights', async () => {
    const response = await fetch(`${base}/echo`, { method: 'OPTIONS' });
    expect(response.status).toBe(200);
  });

  it('a function with verify_jwt = false is open, and Deno.serve({ handler }) works', async () => {
    const response = await fetch(`${base}/open`);
    expect(await response.text()).toBe('open');
  });

  it('a handler that throws gives a 500 without leaking its error', async () => {
    const response = await fetch(`${base}/throws`, { headers: { Authorization: `Bearer ${hs256('anon')}` } });
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).not.toContain('secret internals');
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'internal_error' } });
  });

  it('a function that fails to load answers 500 while the others keep working', async () => {
    const response = await fetch(`${base}/broken`, { headers: { Authorization: `Bearer ${hs256('anon')}` } });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: 'function_load_failed' } });
  });

  it('an unknown function answers 404 Function not found', async () => {
    const response = await fetch(`${base}/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Function not found');
  });
});
