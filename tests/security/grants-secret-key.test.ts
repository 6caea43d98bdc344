/**
 * The secret key over REST on every table the server-side SDK and the Edge Functions use. A project
 * without default privileges in public (`[api] auto_expose_new_tables = false`, the hosted default)
 * answers 42501 to the service role on any table no migration granted it; these calls are what the
 * server-side code makes, so each must succeed here as it must on hosted.
 */
import { describe, expect, it } from 'vitest';
import { client, stack } from '../helpers/stack.ts';
import { sql } from '../helpers/db.ts';

/** Tables the service role reads and writes through REST. */
const MANAGED = [
  'profiles',
  'devices',
  'waitlist',
  'accounts',
  'account_members',
  'member_batches',
  'crm_clients',
  'crm_packages',
  'crm_client_packages',
  'crm_payments',
  'crm_instalments',
  'crm_stripe_customers',
  'support_tickets',
  'support_messages',
  'site_content',
  'voucher_types',
  'vouchers',
  'voucher_redemptions',
  'points_packages',
  'stripe_customers',
  'payments',
  'points_debts',
] as const;

/** Tables the service role reads; they change only through SQL functions (ledgers, audited decisions). */
const READ_ONLY = ['wallets', 'wallet_ledger', 'usages', 'payouts', 'refunds', 'api_keys', 'audit_log', 'feedback', 'tools', 'tool_revisions'] as const;

const secret = () => client(stack.secretKey);

/** The first column a write may name (not an identity or generated column). */
async function firstColumn(table: string): Promise<string> {
  const [row] = await sql<{ attname: string }>(
    `select a.attname from pg_attribute a
      where a.attrelid = format('public.%I', $1::text)::regclass and a.attnum > 0 and not a.attisdropped
        and a.attidentity = '' and a.attgenerated = '' order by a.attnum limit 1`,
    [table],
  );
  return row!.attname;
}

describe('the secret key over REST', () => {
  it.each([...MANAGED, ...READ_ONLY])('reads %s', async (table) => {
    const { error, status } = await secret().from(table).select('*').limit(1);
    expect(error).toBeNull();
    expect(status).toBe(200);
  });

  it.each(MANAGED)('updates and deletes in %s (a filter that matches no row)', async (table) => {
    const column = await firstColumn(table);
    const updated = await secret()
      .from(table)
      .update({ [column]: null })
      .is(column, null)
      .not(column, 'is', null);
    expect(updated.error).toBeNull();
    const deleted = await secret().from(table).delete().is(column, null).not(column, 'is', null);
    expect(deleted.error).toBeNull();
  });

  it('creates, changes and removes a voucher type, as an admin script with the secret key does', async () => {
    const name = `Grants probe ${Date.now().toString(36)}`;
    const created = await secret().from('voucher_types').insert({ name, service_type: 'grants_probe', price_amount: 500, is_active: false }).select('id').single();
    expect(created.error).toBeNull();
    const id = (created.data as { id: string }).id;
    const changed = await secret().from('voucher_types').update({ price_amount: 700 }).eq('id', id).select('price_amount').single();
    expect(changed.error).toBeNull();
    expect((changed.data as { price_amount: number }).price_amount).toBe(700);
    const removed = await secret().from('voucher_types').delete().eq('id', id).select('id');
    expect(removed.error).toBeNull();
    expect(removed.data).toHaveLength(1);
  });

  it.each(['wallets', 'wallet_ledger', 'usages'])('cannot write %s directly (the ledger changes only through its functions)', async (table) => {
    const column = await firstColumn(table);
    const { error } = await secret()
      .from(table)
      .update({ [column]: null })
      .is(column, null)
      .not(column, 'is', null);
    expect(error?.code).toBe('42501');
  });
});
