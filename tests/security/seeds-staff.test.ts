/**
 * Attacks on CRM staff management: another tenant's admin acting on our members, a plain member
 * acting as an admin, removing the owner, and account takeover through "set a member's password" of
 * a user who also belongs to another tenant or holds a platform role. Each refusal writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { accessToken, callFunction, createBusiness, createUser, sql, strongPassword, uniqueEmail } from '../crm/support.ts';

async function membership(accountId: string, userId: string): Promise<number> {
  const [row] = await sql<{ n: number }>(`select count(*)::int as n from public.account_members where account_id = $1 and user_id = $2`, [accountId, userId]);
  return row!.n;
}

async function passwordHash(userId: string): Promise<string> {
  const [row] = await sql<{ h: string }>(`select encrypted_password as h from auth.users where id = $1`, [userId]);
  return row!.h;
}

describe('CRM staff attacks', () => {
  it("another tenant's admin cannot create, remove or set the password of our members", async () => {
    const ours = await createBusiness({ victim: { role: 'member' } });
    const theirs = await createBusiness({ intruder: { role: 'admin' } });
    const intruder = theirs.members.intruder!;
    const victim = ours.members.victim!;
    const bearer = await accessToken(intruder.kit);
    const hash = await passwordHash(victim.id);

    const email = uniqueEmail('planted');
    const create = await callFunction('account-staff', { bearer, body: { account_id: ours.accountId, email, password: strongPassword(), full_name: 'Planted' } });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('forbidden');
    expect(await sql(`select 1 from auth.users where email = $1`, [email])).toEqual([]);

    const remove = await intruder.kit.staff.remove(victim.id, { assignments: 'keep_history', account_id: ours.accountId });
    expect(remove.error?.code).toBe('forbidden');
    expect(await membership(ours.accountId, victim.id)).toBe(1);

    const password = await callFunction('account-staff/password', { bearer, body: { account_id: ours.accountId, user_id: victim.id, password: strongPassword() } });
    expect(password.status).toBe(403);
    expect(await passwordHash(victim.id)).toBe(hash);

    // Their own account id with our member's id: not their member.
    const crossed = await callFunction('account-staff/password', { bearer, body: { account_id: theirs.accountId, user_id: victim.id, password: strongPassword() } });
    expect(crossed.status).toBe(404);
    expect(crossed.body.error.code).toBe('member_not_found');
    expect(await passwordHash(victim.id)).toBe(hash);
  });

  it('an owner cannot take over a member who also belongs to another account, nor a tool creator or platform admin', async () => {
    const ours = await createBusiness();
    const other = await createBusiness({ shared: { role: 'admin' } });
    const shared = other.members.shared!;
    await sql(`insert into public.account_members (account_id, user_id, role, full_name, email) values ($1, $2, 'member', 'Shared', $3)`, [
      ours.accountId,
      shared.id,
      shared.email,
    ]);
    const platformAdmin = await createUser('padmin', { admin: true });
    await sql(`insert into public.account_members (account_id, user_id, role, full_name, email) values ($1, $2, 'member', 'Staff', $3)`, [
      ours.accountId,
      platformAdmin.id,
      platformAdmin.email,
    ]);
    const creator = await createUser('creator');
    await sql(`update public.profiles set role = 'tool_creator' where id = $1`, [creator.id]);
    await sql(`insert into public.account_members (account_id, user_id, role, full_name, email) values ($1, $2, 'member', 'Creator', $3)`, [
      ours.accountId,
      creator.id,
      creator.email,
    ]);

    const owner = ours.owner.kit;
    await owner.accounts.use(ours.accountId);
    for (const target of [shared, platformAdmin, creator]) {
      const hash = await passwordHash(target.id);
      const attempt = await owner.staff.setPassword(target.id, { password: strongPassword() });
      expect(attempt.error?.code).toBe('member_not_managed');
      expect(attempt.error?.status).toBe(403);
      expect(await passwordHash(target.id)).toBe(hash);
      // Their session still works.
      expect((await target.kit.profiles.me()).error).toBeNull();
    }
  });

  it('nobody removes or sets the password of the owner; a plain member manages nobody; admins do not touch admins', async () => {
    const business = await createBusiness({ admin: { role: 'admin' }, peer: { role: 'admin' }, plain: { role: 'member', permissions: ['manage_members', 'manage_all_clients'] } });
    const admin = business.members.admin!.kit;
    await admin.accounts.use(business.accountId);
    const ownerHash = await passwordHash(business.owner.id);

    const removeOwner = await admin.staff.remove(business.owner.id);
    expect(removeOwner.error?.code).toBe('owner_protected');
    const ownerPassword = await admin.staff.setPassword(business.owner.id, { password: strongPassword() });
    expect(ownerPassword.error?.code).toBe('owner_protected');
    expect(await passwordHash(business.owner.id)).toBe(ownerHash);
    expect(await membership(business.accountId, business.owner.id)).toBe(1);

    // The owner cannot remove themselves either (the last and only owner).
    const owner = business.owner.kit;
    await owner.accounts.use(business.accountId);
    expect((await owner.staff.remove(business.owner.id)).error?.code).toBe('own_access_unchangeable');

    expect((await admin.staff.remove(business.members.peer!.id)).error?.code).toBe('forbidden');
    expect(await membership(business.accountId, business.members.peer!.id)).toBe(1);

    const plain = business.members.plain!.kit;
    await plain.accounts.use(business.accountId);
    expect((await plain.staff.remove(business.members.admin!.id)).error?.code).toBe('forbidden');
    expect((await plain.staff.setPassword(business.members.admin!.id, { password: strongPassword() })).error?.code).toBe('forbidden');
    const planted = await plain.staff.create({ email: uniqueEmail('by-plain'), password: strongPassword(), full_name: 'X', permissions: [] });
    expect(planted.error?.code).toBe('forbidden');
  });

  it('bad input: an unknown member, a bad reassignment and a taken e-mail are refused and write nothing', async () => {
    const business = await createBusiness({ leaving: { role: 'member' } });
    const other = await createBusiness({ outsider: { role: 'member' } });
    const owner = business.owner.kit;
    await owner.accounts.use(business.accountId);
    const leaving = business.members.leaving!.id;
    const client = await owner.crm.clients.create({ first_name: 'C', coach_id: leaving });

    expect((await owner.staff.remove('00000000-0000-4000-8000-000000000000')).error?.code).toBe('member_not_found');
    const toOutsider = await owner.staff.remove(leaving, { assignments: 'reassign', reassign_to: other.members.outsider!.id });
    expect(toOutsider.error?.code).toBe('invalid_assignee');
    const bogus = await owner.supabase.rpc('remove_account_member', { account_id: business.accountId, user_id: leaving, assignments: 'shred' });
    expect(bogus.error?.code).toBe('validation_failed');
    expect(await membership(business.accountId, leaving)).toBe(1);
    expect((await owner.crm.clients.get(client.data!.id)).data?.coach_id).toBe(leaving);
    expect(await sql(`select 1 from public.crm_assignment_history where account_id = $1`, [business.accountId])).toEqual([]);

    const taken = await owner.staff.create({ email: business.members.leaving!.email, password: strongPassword(), full_name: 'Dup' });
    expect(taken.error?.code).toBe('already_exists');
    const weak = await callFunction('account-staff', {
      bearer: await accessToken(owner),
      body: { account_id: business.accountId, email: uniqueEmail('weak'), password: 'short', full_name: 'W' },
    });
    expect(weak.status).toBe(400);
  });
});
