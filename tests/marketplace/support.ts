/**
 * Helpers for the wallet and marketplace suites: SDK clients that each look like their own browser
 * (own address, so per-IP rate limits never couple tests), signed-in users of any platform role,
 * an approved tool in one call, and direct database reads to check what a request wrote.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { createClient as createSupabaseClient, type SupabaseClient } from '@supabase/supabase-js';
import { createClient, type KitClient, type PlatformRole, type Tool } from '../../src/sdk/index.ts';
import { sql } from '../helpers/db.ts';
import { strongPassword } from '../helpers/http.ts';
import { stack, uniqueEmail } from '../helpers/stack.ts';

export { sql, stack };

/** An SDK client of its own. */
export function kit(): KitClient {
  return createClient(stack.url, stack.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { 'X-Forwarded-For': `198.51.100.${randomInt(1, 255)}` } },
  });
}

/** supabase-js with the secret key (Auth admin API). */
function serviceClient(): SupabaseClient {
  return createSupabaseClient(stack.url, stack.secretKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { 'X-Forwarded-For': `198.51.100.${randomInt(1, 255)}` } },
  });
}

export interface TestUser {
  id: string;
  email: string;
  kit: KitClient;
  accessToken: string;
}

/** A confirmed user of `role` created through the Auth admin API (a trusted operator), signed in. */
export async function createUser(role: PlatformRole = 'client'): Promise<TestUser> {
  const email = uniqueEmail(`mp-${role.replace('_', '-')}`);
  const password = strongPassword();
  const { data, error } = await serviceClient().auth.admin.createUser({ email, password, email_confirm: true, app_metadata: { role } });
  if (error) throw new Error(`creating ${email} failed: ${error.message}`);
  if (role !== 'client') await sql('update public.profiles set role = $2 where id = $1', [data.user.id, role]);
  const client = kit();
  const signedIn = await client.supabase.auth.signInWithPassword({ email, password });
  if (signedIn.error) throw new Error(`signing ${email} in failed: ${signedIn.error.message}`);
  return { id: data.user.id, email, kit: client, accessToken: signedIn.data.session.access_token };
}

/** An approved tool of `creator`, made through the SDK (create, submit, admin approves). */
export async function approvedTool(
  creator: TestUser,
  admin: TestUser,
  input: { price_points: number; creator_share_percent?: number; name?: string; category?: string },
): Promise<Tool> {
  const created = await creator.kit.marketplace.tools.create({
    name: input.name ?? `Tool ${randomUUID().slice(0, 8)}`,
    description: 'A tool made by the marketplace tests',
    category: input.category ?? 'testing',
    price_points: input.price_points,
    ...(input.creator_share_percent === undefined ? {} : { creator_share_percent: input.creator_share_percent }),
  });
  if (created.error) throw created.error;
  const submitted = await creator.kit.marketplace.tools.submit(created.data.id);
  if (submitted.error) throw submitted.error;
  const approved = await admin.kit.admin.tools.review(created.data.id, { decision: 'approve' });
  if (approved.error) throw approved.error;
  return approved.data;
}

/** Gives `user` points as an admin would. */
export async function topUp(admin: TestUser, user: TestUser, amount: number): Promise<void> {
  const { error } = await admin.kit.admin.wallet.adjust({ user_id: user.id, amount, reason: 'Test top-up' });
  if (error) throw error;
}

/** The user's balance as stored, and the sum of their ledger: they must always agree. */
export async function walletState(userId: string): Promise<{ balance: number; ledgerSum: number; entries: number }> {
  const [row] = await sql<{ balance: number | null; ledger_sum: string | null; entries: string }>(
    `select (select balance from public.wallets where user_id = $1) as balance,
            (select sum(amount) from public.wallet_ledger where user_id = $1) as ledger_sum,
            (select count(*) from public.wallet_ledger where user_id = $1) as entries`,
    [userId],
  );
  return { balance: row?.balance ?? 0, ledgerSum: Number(row?.ledger_sum ?? 0), entries: Number(row?.entries ?? 0) };
}
