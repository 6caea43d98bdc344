/**
 * Helpers for the identity suites: SDK clients that each look like their own browser at their own
 * address (so per-IP rate limits never couple tests), users of any platform role created in one call,
 * raw function calls for bad-input checks, and the mailbox.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { createClient as createSupabaseClient, type SupabaseClient } from '@supabase/supabase-js';
import { createClient, type KitClient, type PlatformRole, type RegistrationInput } from '../../src/sdk/index.ts';
import { sql } from '../helpers/db.ts';
import { responseBody, strongPassword } from '../helpers/http.ts';
import { eventually } from '../helpers/eventually.ts';
import { mailTo } from '../helpers/mailbox.ts';
import { stack, uniqueEmail } from '../helpers/stack.ts';

export { eventually, sql, stack, strongPassword, uniqueEmail };

/** A random address from a documentation range, so each client has its own rate-limit buckets. */
export function randomIp(): string {
  return `203.0.${randomInt(114)}.${randomInt(1, 255)}`;
}

/** An SDK client with its own address and, optionally, its own user agent (a "device"). */
export function kit(options: { ip?: string; userAgent?: string; key?: string } = {}): KitClient {
  const headers: Record<string, string> = { 'X-Forwarded-For': options.ip ?? randomIp() };
  if (options.userAgent) headers['User-Agent'] = options.userAgent;
  return createClient(stack.url, options.key ?? stack.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers },
  });
}

/** A supabase-js client with the secret key (Auth admin API, bypasses RLS). */
export function serviceClient(): SupabaseClient {
  return createSupabaseClient(stack.url, stack.secretKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { 'X-Forwarded-For': randomIp() } },
  });
}

/** A valid registration body; `overrides` replace fields (`undefined` removes one). */
export function registration(overrides: Partial<Record<keyof RegistrationInput, unknown>> = {}): RegistrationInput {
  const password = strongPassword();
  const input: Record<string, unknown> = {
    email: uniqueEmail('reg'),
    password,
    password_confirmation: password,
    first_name: 'Test',
    last_name: 'Person',
    ...overrides,
  };
  for (const [key, value] of Object.entries(input)) if (value === undefined) delete input[key];
  return input as RegistrationInput;
}

/** A unique, valid username. */
export function uniqueUsername(prefix = 'u'): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** A confirmed user of `role`, signed in on its own SDK client. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  kit: KitClient;
}

/**
 * Creates a confirmed user through the Auth admin API, gives it `role` directly in the database (as a
 * trusted operator would), and signs it in — so its token already carries the role.
 */
export async function createUser(role: PlatformRole = 'client', options: { firstName?: string; lastName?: string; userAgent?: string } = {}): Promise<TestUser> {
  const email = uniqueEmail(role);
  const password = strongPassword();
  const { data, error } = await serviceClient().auth.admin.createUser({
    email,
    password,
    email_confirm: true,
    user_metadata: { first_name: options.firstName ?? 'Test', last_name: options.lastName ?? role },
  });
  if (error) throw new Error(`creating ${email} failed: ${error.message}`);
  if (role !== 'client') await sql('update public.profiles set role = $2 where id = $1', [data.user.id, role]);
  const client = kit(options.userAgent ? { userAgent: options.userAgent } : {});
  const signedIn = await client.auth.signIn({ email, password });
  if (signedIn.error) throw new Error(`signing ${email} in failed: ${signedIn.error.message}`);
  return { id: data.user.id, email, password, kit: client };
}

/** The claims of an access token. */
export function claims(accessToken: string): Record<string, any> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, any>;
}

/** A raw call to an Edge Function through the gateway, for inputs the SDK would refuse to send. */
export async function callFunction(
  name: string,
  init: { body?: string | object; bearer?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${stack.url}/functions/v1/${name}`, {
    method: init.method ?? 'POST',
    headers: {
      apikey: stack.publishableKey,
      Authorization: `Bearer ${init.bearer ?? stack.anonKey}`,
      'Content-Type': 'application/json',
      'X-Forwarded-For': randomIp(),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  const body = await responseBody(response);
  return { status: response.status, body, headers: response.headers };
}

/** The access token of a signed-in SDK client. */
export async function accessToken(client: KitClient): Promise<string> {
  const { data } = await client.supabase.auth.getSession();
  if (!data.session) throw new Error('the client has no session');
  return data.session.access_token;
}

/** A message in the local mailbox. */
export interface Mail {
  to: string;
  subject: string;
  type: string;
  links: string[];
  otps: string[];
}

/** Waits for the newest mail of `type` to `email` and returns it. */
export async function waitForMail(email: string, type: string): Promise<Mail> {
  let found: Mail | undefined;
  await eventually(
    async () => {
      found = (await mailTo(email)).find((m) => m.type === type);
      return found !== undefined;
    },
    10_000,
    `a ${type} mail to ${email}`,
  );
  return found!;
}

/** The token hash of an e-mailed Auth link (`…/verify?token=<hash>&type=…`). */
export function tokenHashOf(mail: Mail): string {
  const link = mail.links.find((l) => l.includes('/verify?'));
  const token = link && new URL(link).searchParams.get('token');
  if (!token) throw new Error(`no verify link in the ${mail.type} mail to ${mail.to}`);
  return token;
}

/** How many auth users have this e-mail address. */
export async function authUserCount(email: string): Promise<number> {
  const rows = await sql<{ n: string }>('select count(*) as n from auth.users where lower(email) = lower($1)', [email]);
  return Number(rows[0]!.n);
}
