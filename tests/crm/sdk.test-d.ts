/**
 * Type-level tests of the `accounts` and `crm` namespaces: `npm run typecheck` (tsc) fails if a wrong
 * call compiles, because every `@ts-expect-error` below must meet an error.
 */
import { createClient, type CrmClientRecord, type MyAccount, type Page, type Result } from '../../src/sdk/index.ts';

const kit = createClient('http://127.0.0.1:54321', 'sb_publishable_key');

export async function accountsAreTyped(): Promise<void> {
  const mine: Result<Page<MyAccount>> = await kit.accounts.mine();
  if (mine.data) {
    const role: 'owner' | 'admin' | 'member' = mine.data.items[0]!.role;
    void role;
    // @ts-expect-error 'superadmin' is not an account role
    if (mine.data.items[0]!.role === 'superadmin') return;
  }
  // @ts-expect-error rejecting needs a reason
  await kit.admin.accounts.reject('x');
  // @ts-expect-error the reason is a field of the input, not a second string argument
  await kit.admin.accounts.reject('x', 'no');
  // @ts-expect-error owner is never granted through setAccess
  await kit.accounts.members.setAccess('user', { role: 'owner' });
  // @ts-expect-error 'fly' is not a permission
  await kit.accounts.members.setAccess('user', { permissions: ['fly'] });
  // @ts-expect-error a batch row needs an e-mail
  await kit.accounts.batches.create({ name: 'b', members: [{ full_name: 'No Mail' }] });
}

export async function crmIsTyped(): Promise<void> {
  const page: Result<Page<CrmClientRecord>> = await kit.crm.clients.list({ status: ['active', 'paused'], sort: '-created_at', page: 2 });
  void page;
  // @ts-expect-error 'sleeping' is not a client status
  await kit.crm.clients.list({ status: 'sleeping' });
  // @ts-expect-error clients sort by name, created_at or status
  await kit.crm.clients.list({ sort: 'height' });
  // @ts-expect-error a client needs a first name
  await kit.crm.clients.create({ last_name: 'Only' });
  // @ts-expect-error payments need an amount and a currency
  await kit.crm.payments.create({ client_id: 'c' });
  // @ts-expect-error 'Weekly' is not a payment schedule
  await kit.crm.clientPackages.create({ client_id: 'c', package_id: 'p', payment_schedule: 'Weekly' });
  const stats = await kit.crm.statistics.clients();
  if (stats.data) {
    const total: number = stats.data.total;
    void total;
  }
}
