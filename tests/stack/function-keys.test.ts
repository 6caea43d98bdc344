/**
 * The real functions, each given only one generation of API keys, as hosted projects may give them:
 * only the new keys (SUPABASE_PUBLISHABLE_KEYS, SUPABASE_SECRET_KEYS, SUPABASE_JWKS: a project that
 * disabled its legacy keys) or only the legacy ones (SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY,
 * SUPABASE_JWT_SECRET). A second functions server runs beside the stack's, with that environment alone,
 * and answers representative calls: a public flow that uses the Auth admin API and Auth's `/resend`, a
 * signed-in flow (session check, Auth `PUT /user` as the user), an operator call, and a database read.
 * Requests reach it as the gateway sends them (the publishable/secret key in `apikey`, a JWT in
 * `Authorization`, from a browser). `STACK_FUNCTION_KEYS=new npm test` runs every other suite with the new keys only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/stack/config.ts';
import { DENO, denoEnv } from '../../src/stack/stack.ts';
import { eventually } from '../helpers/eventually.ts';
import { stack } from '../helpers/stack.ts';
import { accessToken, createUser, randomIp, registration, strongPassword, type TestUser, uniqueUsername } from '../identity/support.ts';

const functionsDir = path.join(projectRoot, 'supabase', 'functions');

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

type Mode = 'new' | 'legacy';

function keysFor(mode: Mode): Record<string, string> {
  return mode === 'new'
    ? {
        SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: stack.publishableKey }),
        SUPABASE_SECRET_KEYS: JSON.stringify({ default: stack.secretKey }),
        SUPABASE_JWKS: JSON.stringify({ keys: [] }),
      }
    : { SUPABASE_ANON_KEY: stack.anonKey, SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey, SUPABASE_JWT_SECRET: stack.jwtSecret };
}

/** Starts the project's functions with only `mode`'s keys; resolves to its base URL. */
async function startFunctions(mode: Mode): Promise<{ base: string; server: ChildProcess }> {
  const port = await freePort();
  const inherited = denoEnv();
  for (const name of Object.keys(inherited)) if (name.startsWith('SUPABASE_') || name.startsWith('STACK_')) delete inherited[name];
  const server = spawn(
    DENO,
    ['run', '--allow-all', '--no-prompt', '--config', path.join(functionsDir, 'deno.json'), path.join(projectRoot, 'src', 'stack', 'functions', 'server.ts')],
    {
      cwd: functionsDir,
      stdio: 'ignore',
      env: {
        ...inherited,
        FUNCTIONS_PORT: String(port),
        FUNCTIONS_DIR: functionsDir,
        FUNCTIONS_VERIFY_JWT: JSON.stringify({ health: false, 'register-client': false, 'job-worker': false }),
        FUNCTIONS_JWT_SECRET: stack.jwtSecret,
        SUPABASE_URL: stack.url,
        SUPABASE_DB_URL: stack.dbUrl,
        ...keysFor(mode),
      },
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${base}/_internal/health`).catch(() => undefined))?.ok === true, 90_000, `the ${mode}-keys functions server`);
  return { base, server };
}

// A browser's agent: functions forward the user's agent to Auth, and the gateway refuses a secret key
// that arrives with a browser's agent.
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

const gatewayHeaders = (apikey: string, bearer: string) => ({
  apikey,
  authorization: `Bearer ${bearer}`,
  'content-type': 'application/json',
  'user-agent': BROWSER,
  'x-forwarded-for': randomIp(),
});

for (const mode of ['new', 'legacy'] as const) {
  // The key a client would send, and the JWT the gateway puts in Authorization for it.
  const publicKey = () => (mode === 'new' ? stack.publishableKey : stack.anonKey);
  const operatorKey = () => (mode === 'new' ? stack.secretKey : stack.serviceRoleKey);

  describe(`functions given only the ${mode} keys`, () => {
    let base: string;
    let server: ChildProcess | undefined;
    let user: TestUser;

    beforeAll(async () => {
      [{ base, server }, user] = await Promise.all([startFunctions(mode), createUser('client')]);
    }, 120_000);

    afterAll(() => {
      server?.kill('SIGKILL');
    });

    it('health reads the database', async () => {
      const response = await fetch(`${base}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ database: 'ok' });
    });

    it('register-client creates the user through the Auth admin API and mails the confirmation', async () => {
      const input = registration({ username: uniqueUsername() });
      const response = await fetch(`${base}/register-client`, {
        method: 'POST',
        headers: gatewayHeaders(publicKey(), stack.anonKey),
        body: JSON.stringify(input),
      });
      const body = await response.json();
      expect(response.status, JSON.stringify(body)).toBeLessThan(300);
      expect(body.profile).toMatchObject({ role: 'client' });
    });

    it("change-password checks the caller's session and changes the password through Auth as the user", async () => {
      const token = await accessToken(user.kit);
      const password = strongPassword();
      const response = await fetch(`${base}/change-password`, {
        method: 'POST',
        headers: gatewayHeaders(publicKey(), token),
        body: JSON.stringify({ current_password: user.password, password, password_confirmation: password }),
      });
      const body = await response.json();
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body).toEqual({ password_changed: true });
      expect((await user.kit.auth.signIn({ email: user.email, password })).error).toBeNull();
      user.password = password;
    });

    it('change-password refuses a forged session token', async () => {
      const token = await accessToken(user.kit);
      const [header, payload] = token.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(43)}`;
      const response = await fetch(`${base}/change-password`, {
        method: 'POST',
        headers: gatewayHeaders(publicKey(), forged),
        body: JSON.stringify({ current_password: user.password, password: 'Another-password-1', password_confirmation: 'Another-password-1' }),
      });
      expect(response.status).toBe(401);
    });

    it('job-worker answers the service role (its key in apikey) and refuses a user', async () => {
      const asOperator = await fetch(`${base}/job-worker`, {
        method: 'POST',
        headers: gatewayHeaders(operatorKey(), stack.serviceRoleKey),
        body: JSON.stringify({ max_jobs: 1 }),
      });
      expect(asOperator.status, await asOperator.clone().text()).toBe(200);
      const asUser = await fetch(`${base}/job-worker`, {
        method: 'POST',
        headers: gatewayHeaders(publicKey(), await accessToken(user.kit)),
        body: JSON.stringify({ max_jobs: 1 }),
      });
      expect(asUser.status).toBe(403);
    });
  });
}
