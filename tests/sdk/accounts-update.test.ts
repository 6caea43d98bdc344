/**
 * `kit.accounts.update` in its 1.0 shape: `update(changes)` changes the current account,
 * `update(accountId, changes)` a named one; only its owners and admins may, whoever names it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createBusiness, type TestBusiness } from '../crm/support.ts';
import { sql } from '../identity/support.ts';

let business: TestBusiness;
let other: TestBusiness;

async function accountRow(id: string): Promise<{ name: string; contact_phone: string | null }> {
  const [row] = await sql<{ name: string; contact_phone: string | null }>('select name, contact_phone from public.accounts where id = $1', [id]);
  return row!;
}

beforeAll(async () => {
  [business, other] = await Promise.all([createBusiness({ coach: { role: 'member' } }), createBusiness()]);
});

describe('kit.accounts.update', () => {
  it('update(changes) changes the current account; update(accountId, changes) the named one', async () => {
    const current = await business.owner.kit.accounts.update({ contact_phone: '+14155550123' });
    expect(current.error).toBeNull();
    expect(current.data).toMatchObject({ id: business.accountId, contact_phone: '+14155550123' });
    const named = await business.owner.kit.accounts.update(business.accountId, { name: 'Renamed by id' });
    expect(named.error).toBeNull();
    expect(await accountRow(business.accountId)).toEqual({ name: 'Renamed by id', contact_phone: '+14155550123' });
  });

  it('a member, or the owner of another account, naming the account changes nothing', async () => {
    const before = await accountRow(business.accountId);
    const member = await business.members.coach!.kit.accounts.update(business.accountId, { name: 'Taken over' });
    expect(member.error?.code).toBe('forbidden');
    const stranger = await other.owner.kit.accounts.update(business.accountId, { name: 'Taken over' });
    expect(stranger.error?.code).toBe('forbidden');
    expect(await accountRow(business.accountId)).toEqual(before);
  });

  it('a malformed account id or an unknown field is refused locally', async () => {
    expect((await business.owner.kit.accounts.update('nope', { name: 'X' })).error?.code).toBe('validation_failed');
    expect((await business.owner.kit.accounts.update(business.accountId, { status: 'active' } as never)).error?.code).toBe('validation_failed');
  });
});
