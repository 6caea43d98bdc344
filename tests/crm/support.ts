/**
 * Helpers for the accounts and CRM suites: SDK clients that each look like their own browser (own
 * address, so per-IP rate limits never couple tests), signed-in users of any platform role, a ready
 * business account with members built directly in the database (for suites that are not about
 * onboarding), raw function / REST calls for inputs the SDK refuses to send, and the mailbox.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { createClient as createSupabaseClient, type SupabaseClient } from '@supabase/supabase-js';
import { createClient, type AccountPermission, type AccountRole, type KitClient } from '../../src/sdk/index.ts';
import { sql } from '../helpers/db.ts';
import { responseBody, strongPassword } from '../helpers/http.ts';
import { eventually } from '../helpers/eventually.ts';
import { mailTo as sharedMailTo } from '../helpers/mailbox.ts';
import { stack, uniqueEmail } from '../helpers/stack.ts';

export { eventually, sql, stack, strongPassword, uniqueEmail };

/** A random documentation-range address per client. */
export function randomIp(): string {
  return `192.0.2.${randomInt(1, 255)}`;
}

/** An SDK client of its own. */
export function kit(): KitClient {
  return createClient(stack.url, stack.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { 'X-Forwarded-For': randomIp() } },
  });
}

/** supabase-js with the secret key (Auth admin API; bypasses RLS). */
export function serviceClient(): SupabaseClient {
  return createSupabaseClient(stack.url, stack.secretKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { 'X-Forwarded-For': randomIp() } },
  });
}

/** A signed-in user with its own SDK client. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  kit: KitClient;
}

/** A confirmed user (platform admin with `admin: true`), signed in on its own SDK client. */
export async function createUser(prefix = 'crm', options: { admin?: boolean; fullName?: string } = {}): Promise<TestUser> {
  const email = uniqueEmail(prefix);
  const password = strongPassword();
  const { data, error } = await serviceClient().auth.admin.createUser({
    email,
    password,
    email_confirm: true,
    user_metadata: { full_name: options.fullName ?? `Test ${prefix}` },
  });
  if (error) throw new Error(`creating ${email} failed: ${error.message}`);
  if (options.admin) await sql(`update public.profiles set role = 'admin' where id = $1`, [data.user.id]);
  const client = kit();
  const signedIn = await client.auth.signIn({ email, password });
  if (signedIn.error) throw new Error(`signing ${email} in failed: ${signedIn.error.message}`);
  return { id: data.user.id, email, password, kit: client };
}

/** A member to create in a test business. */
export interface MemberSpec {
  role: AccountRole;
  permissions?: AccountPermission[];
}

/** An active business account with an owner and the given members, each signed in. */
export interface TestBusiness {
  accountId: string;
  owner: TestUser;
  members: Record<string, TestUser>;
}

/** Builds an active account directly in the database (the onboarding suite covers the real flow). */
export async function createBusiness(members: Record<string, MemberSpec> = {}): Promise<TestBusiness> {
  const owner = await createUser('owner');
  const slug = `test-${randomUUID().slice(0, 12)}`;
  const [account] = await sql<{ id: string }>(`insert into public.accounts (name, slug, status, created_by, reviewed_at) values ($1, $2, 'active', $3, now()) returning id`, [
    `Business ${slug}`,
    slug,
    owner.id,
  ]);
  const accountId = account!.id;
  await sql(`insert into public.account_members (account_id, user_id, role, full_name, email) values ($1, $2, 'owner', 'Owner', $3)`, [accountId, owner.id, owner.email]);
  const created: Record<string, TestUser> = {};
  for (const [name, spec] of Object.entries(members)) {
    const user = await createUser(name, { fullName: name });
    await sql(`insert into public.account_members (account_id, user_id, role, permissions, full_name, email) values ($1, $2, $3, $4, $5, $6)`, [
      accountId,
      user.id,
      spec.role,
      spec.permissions ?? [],
      name,
      user.email,
    ]);
    created[name] = user;
  }
  return { accountId, owner, members: created };
}

/** The access token of a signed-in SDK client. */
export async function accessToken(client: KitClient): Promise<string> {
  const { data } = await client.supabase.auth.getSession();
  if (!data.session) throw new Error('the client has no session');
  return data.session.access_token;
}

/** A raw call to an Edge Function through the gateway, for inputs the SDK would refuse to send. */
export async function callFunction(name: string, init: { body?: unknown; bearer?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.url}/functions/v1/${name}`, {
    method: 'POST',
    headers: {
      apikey: stack.publishableKey,
      Authorization: `Bearer ${init.bearer ?? stack.anonKey}`,
      'Content-Type': 'application/json',
      'X-Forwarded-For': randomIp(),
      ...init.headers,
    },
    body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body ?? {}),
  });
  const body = await responseBody(response);
  return { status: response.status, body };
}

/** A mailbox message. */
export interface MailboxMessage {
  to: string;
  subject: string;
  text: string;
  links: string[];
  otps: string[];
  type: string;
}

/** Messages to `email`, newest first (Mailpit's API, `tests/helpers/mailbox.ts`). */
export const mailTo: (email: string) => Promise<MailboxMessage[]> = sharedMailTo;

/** Waits for a message to `email` of `type` (Auth's `invite`, our `account_review`, …). */
export async function waitForMail(email: string, type: string): Promise<MailboxMessage> {
  let found: MailboxMessage | undefined;
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

/** The `token` (hash) of an Auth invite mail's link, for `kit.auth.setUpPassword({ token_hash })`. */
export function inviteTokenHash(message: MailboxMessage): string {
  const link = message.links.find((l) => l.includes('/verify?'));
  const token = link ? new URL(link).searchParams.get('token') : null;
  if (!token) throw new Error(`no invite link in the mail to ${message.to}`);
  return token;
}
