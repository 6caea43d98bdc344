/**
 * Fixtures for the user deletion and export suites: signed-in users through Auth, and a full history
 * (wallet, usages, earnings, payout, payment, voucher, feedback, ticket, device, CRM assignment) written
 * through the same SQL functions the API uses.
 */
import { randomInt } from 'node:crypto';
import { createClient as createSupabaseClient } from '@supabase/supabase-js';
import { createClient, type KitClient, type PlatformRole } from '../../src/sdk/index.ts';
import { sql } from '../helpers/db.ts';
import { strongPassword } from '../helpers/http.ts';
import { stack, uniqueEmail } from '../helpers/stack.ts';

export { sql, stack };

const options = () => ({
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  global: { headers: { 'X-Forwarded-For': `198.51.100.${randomInt(1, 255)}` } },
});

export interface TestUser {
  id: string;
  email: string;
  password: string;
  kit: KitClient;
}

/** A confirmed, signed-in user of `role`. */
export async function createUser(role: PlatformRole = 'client'): Promise<TestUser> {
  const email = uniqueEmail(`data-${role.replace('_', '-')}`);
  const password = strongPassword();
  const admin = createSupabaseClient(stack.url, stack.secretKey, options());
  const { data, error } = await admin.auth.admin.createUser({ email, password, email_confirm: true, app_metadata: { role } });
  if (error) throw new Error(`creating ${email} failed: ${error.message}`);
  if (role !== 'client') await sql('update public.profiles set role = $2 where id = $1', [data.user.id, role]);
  const kit = createClient(stack.url, stack.publishableKey, options());
  const signedIn = await kit.supabase.auth.signInWithPassword({ email, password });
  if (signedIn.error) throw new Error(`signing ${email} in failed: ${signedIn.error.message}`);
  return { id: data.user.id, email, password, kit };
}

/** Signs in afresh with e-mail and password: the Auth error code, or null when it worked. */
export async function signInError(user: TestUser): Promise<string | null> {
  const client = createSupabaseClient(stack.url, stack.publishableKey, options());
  const { error } = await client.auth.signInWithPassword({ email: user.email, password: user.password });
  return error ? (error.code ?? error.message) : null;
}

/** Runs `statement` as `userId` (request claims set, as PostgREST does), in one transaction. */
async function asUser(userId: string, statement: string): Promise<void> {
  const claims = JSON.stringify({ sub: userId, role: 'authenticated' }).replace(/'/g, "''");
  await sql(`do $do$ begin perform set_config('request.jwt.claims', '${claims}', true); perform set_config('role', 'authenticated', true); ${statement}; end $do$`);
}

export interface History {
  client: TestUser;
  creator: TestUser;
  owner: TestUser;
  toolId: string;
  accountId: string;
  crmClientId: string;
  paymentId: string;
}

/**
 * A client and a creator with everything: the client topped up (admin adjustment), used the creator's
 * tool twice, left feedback, opened a ticket, holds a voucher and a pending payment and a device; the
 * creator earned (settled), requested a payout and coaches a CRM client in `owner`'s business.
 */
export async function fullHistory(): Promise<History> {
  const [client, creator, owner] = await Promise.all([createUser('client'), createUser('tool_creator'), createUser('client')]);
  const tag = `${Date.now().toString(36)}${randomInt(1e6)}`;
  const [tool] = await sql<{ id: string }>(
    `insert into public.tools (creator_id, name, description, category, price_points, creator_share_percent, status)
     values ($1, $2, 'Deletion test tool', 'text', 10, 70, 'approved') returning id`,
    [creator.id, `Deletion tool ${tag}`],
  );
  await sql(`select public.admin_adjust_points($1, 100, 'Test top-up', $2)`, [client.id, `topup-${tag}`]);
  await sql(`select private.use_tool($1, $2, $3)`, [client.id, tool!.id, `use-1-${tag}`]);
  await sql(`select private.use_tool($1, $2, $3)`, [client.id, tool!.id, `use-2-${tag}`]);
  await sql(`select private.settle_earnings($1)`, [creator.id]);
  await asUser(creator.id, `perform public.request_payout(3, 'payout-${tag}')`);
  const [usage] = await sql<{ id: string }>(`select id from public.usages where idempotency_key = $1`, [`use-1-${tag}`]);
  await asUser(client.id, `perform public.submit_feedback('${usage!.id}', 4, 'Useful')`);
  await asUser(client.id, `perform public.open_support_ticket('Export question', 'What do you keep about me?')`);
  const [voucherType] = await sql<{ id: string }>(`insert into public.voucher_types (name, service_type, price_amount) values ($1, 'test', 500) returning id`, [
    `Deletion voucher ${tag}`,
  ]);
  await sql(`select public.grant_voucher($1, $2)`, [client.id, voucherType!.id]);
  const [payment] = await sql<{ id: string }>(
    `insert into public.payments (user_id, purpose, voucher_type_id, description, amount, currency, idempotency_key)
     values ($1, 'voucher', $2, 'Deletion test', 500, 'usd', $3) returning id`,
    [client.id, voucherType!.id, `payment-${tag}`],
  );
  await sql(`insert into public.devices (user_id, user_agent) values ($1, 'Test browser')`, [client.id]);
  const [account] = await sql<{ id: string }>(`insert into public.accounts (name, slug, status, created_by) values ($1, $2, 'active', $3) returning id`, [
    `Deletion Co ${tag}`,
    `deletion-co-${tag}`,
    owner.id,
  ]);
  await sql(
    `insert into public.account_members (account_id, user_id, role, full_name, email) values
       ($1, $2, 'owner', 'Owner', null), ($1, $3, 'member', 'Coach Creator', null), ($1, $4, 'member', 'Client Member', null)`,
    [account!.id, owner.id, creator.id, client.id],
  );
  const [crmClient] = await sql<{ id: string }>(`insert into public.crm_clients (account_id, first_name, coach_id, setter_id) values ($1, 'Coached', $2, $3) returning id`, [
    account!.id,
    creator.id,
    client.id,
  ]);
  return { client, creator, owner, toolId: tool!.id, accountId: account!.id, crmClientId: crmClient!.id, paymentId: payment!.id };
}

/** Wallets whose balance is not their newest ledger entry's balance_after (should be none). */
export async function unbalancedWallets(userIds: string[]): Promise<number> {
  const [row] = await sql<{ n: string }>(
    `select count(*) as n from public.wallets w
     where w.user_id = any($1::uuid[])
       and w.balance <> coalesce((select l.balance_after from public.wallet_ledger l where l.user_id = w.user_id order by l.id desc limit 1), 0)`,
    [userIds],
  );
  return Number(row!.n);
}
