/**
 * Helpers for the auth suites: supabase-js clients that each look like a different client address (so
 * per-IP rate limits never couple tests), users created in one call, raw GoTrue calls for what
 * supabase-js has no method for, the mailbox, and a second auth server process for settings the shared
 * stack does not use (confirmations on, ES256 signing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import { AuthClient, createClient, type Session, type SupabaseClient, type User } from '@supabase/supabase-js';
import { eventually } from '../helpers/eventually.ts';
import { stack, uniqueEmail } from '../helpers/stack.ts';

import { sql } from '../helpers/db.ts';
import { confirmEmail, mailTo, waitForMail, type MailboxMessage } from '../helpers/mailbox.ts';

export { confirmEmail, eventually, mailTo, sql, stack, uniqueEmail, waitForMail, type MailboxMessage };

/** The password the helpers give users. */
export const PASSWORD = 'correct-horse-9';

/** A random documentation-range address, so each client has its own rate-limit buckets. */
export function randomIp(): string {
  return `198.18.${randomInt(256)}.${randomInt(1, 255)}`;
}

/** A supabase-js client with its own client address (and optionally more options). */
export function client(key: string = stack.publishableKey, options: { ip?: string; userAgent?: string; flowType?: 'implicit' | 'pkce' } = {}): SupabaseClient {
  const headers: Record<string, string> = { 'X-Forwarded-For': options.ip ?? randomIp() };
  if (options.userAgent) headers['User-Agent'] = options.userAgent;
  return createClient(stack.url, key, {
    auth: {
      persistSession: false,
      autoRefreshToken: false,
      detectSessionInUrl: false,
      ...(options.flowType ? { flowType: options.flowType } : {}),
    },
    global: { headers },
  });
}

/** A client with the secret key (admin API). */
export function adminClient(): SupabaseClient {
  return client(stack.secretKey);
}

/** A confirmed user signed in on its own client. */
export interface TestUser {
  client: SupabaseClient;
  email: string;
  password: string;
  user: User;
  session: Session;
}

/** Signs a new user up, confirms the address from the mailbox, and returns its signed-in client. */
export async function signedUpUser(prefix = 'user', data: Record<string, unknown> = {}): Promise<TestUser> {
  const c = client();
  const email = uniqueEmail(prefix);
  const { data: result, error } = await c.auth.signUp({ email, password: PASSWORD, options: { data } });
  if (error || !result.user) throw new Error(`sign-up of ${email} failed: ${error?.message}`);
  // The owner confirms from the mailbox on another client; that session is dropped again (no sign-out,
  // which would add an audit entry) so that suites counting sessions see only their own.
  const mailboxSession = await confirmEmail(client(), email);
  const sessionId = JSON.parse(Buffer.from(mailboxSession.access_token.split('.')[1]!, 'base64url').toString()).session_id;
  await sql('delete from auth.sessions where id = $1', [sessionId]);
  const signedIn = await c.auth.signInWithPassword({ email, password: PASSWORD });
  if (signedIn.error) throw new Error(`sign-in of ${email} failed: ${signedIn.error.message}`);
  return { client: c, email, password: PASSWORD, user: signedIn.data.user, session: signedIn.data.session };
}

/** A raw call to the auth API through the gateway, as supabase-js would send it. */
export async function authFetch(
  pathAndQuery: string,
  init: { method?: string; body?: string; key?: string; bearer?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const key = init.key ?? stack.anonKey;
  const response = await fetch(`${stack.url}/auth/v1${pathAndQuery}`, {
    method: init.method ?? 'GET',
    headers: {
      apikey: key,
      Authorization: `Bearer ${init.bearer ?? key}`,
      'X-Supabase-Api-Version': '2024-01-01',
      'X-Forwarded-For': randomIp(),
      ...(init.body !== undefined ? { 'Content-Type': 'application/json;charset=UTF-8' } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** Follows an e-mailed `/verify` link without following the redirect; returns the `Location`. */
export async function followLink(link: string): Promise<URL> {
  const response = await fetch(link, { redirect: 'manual', headers: { 'X-Forwarded-For': randomIp() } });
  const location = response.headers.get('location');
  if (response.status !== 303 || !location) {
    throw new Error(`expected a 303 redirect from ${link}, got ${response.status}: ${await response.text()}`);
  }
  return new URL(location);
}

/** The `key=value` pairs of a URL fragment. */
export function fragment(url: URL): URLSearchParams {
  return new URLSearchParams(url.hash.replace(/^#/, ''));
}

/** Unique marker for bad-input tests: an address no test ever signs up. */
export function marker(): string {
  return `bad-${randomUUID()}@example.test`;
}

/** Whether anything in the auth schema mentions `text` (users, identities, audit log, one-time tokens). */
export async function authRowsMentioning(text: string): Promise<number> {
  const rows = await sql<{ n: string }>(
    `select (select count(*) from auth.users where email = $1 or raw_user_meta_data::text like '%' || $1 || '%')
          + (select count(*) from auth.identities where identity_data::text like '%' || $1 || '%')
          + (select count(*) from auth.audit_log_entries where payload::text like '%' || $1 || '%')
          + (select count(*) from auth.one_time_tokens where relates_to = $1) as n`,
    [text],
  );
  return Number(rows[0]!.n);
}

/** Whether the suites run against this project's own local stack (not e.g. `supabase start`). */
export const ownStack = Boolean(process.env.STACK_DATA_DIR);

/** A second auth server started by a test, with its own settings, reached directly (no gateway). */
export interface ExtraAuthServer {
  url: string;
  /** An auth-js client for it (the anon key as apikey, a fresh client address). */
  auth(key?: string): InstanceType<typeof AuthClient>;
  stop(): Promise<void>;
}

function portOf(url: string): string {
  return new URL(url).port;
}

/** Starts `src/auth/main.ts` on a free port with extra environment (e.g. confirmations on). */
export async function startExtraAuthServer(env: Record<string, string>): Promise<ExtraAuthServer> {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const child: ChildProcess = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'src', 'auth', 'main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      STACK_PROFILE: 'test',
      STACK_API_PORT: portOf(stack.url),
      STACK_DB_PORT: portOf(stack.dbUrl),
      STACK_MAILBOX_PORT: portOf(stack.mailboxUrl),
      STACK_AUTH_PORT: '0',
      STACK_AUTH_LOG: 'quiet',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`extra auth server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`extra auth server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    auth(key = stack.anonKey) {
      return new AuthClient({
        url,
        headers: { apikey: key, Authorization: `Bearer ${key}`, 'X-Forwarded-For': randomIp() },
        persistSession: false,
        autoRefreshToken: false,
        detectSessionInUrl: false,
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
