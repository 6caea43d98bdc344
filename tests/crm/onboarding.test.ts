/**
 * A business from registration to its first member, through the SDK: a user registers a business
 * (pending: nothing usable), a platform admin approves it (the owner is e-mailed), the owner invites
 * a member, the member sets a password from the invite and sees only the clients assigned to them.
 * Also: rejection with a reason, and the rules nobody may break — through the SDK and raw PostgREST.
 */
import { describe, expect, it } from 'vitest';
import { createUser, inviteTokenHash, kit, mailTo, sql, strongPassword, uniqueEmail, waitForMail, type TestUser } from './support.ts';

async function registerBusiness(name: string): Promise<{ owner: TestUser; accountId: string }> {
  const owner = await createUser('founder', { fullName: 'Fay Founder' });
  const { data, error } = await owner.kit.accounts.register({ name, contact_email: owner.email });
  expect(error).toBeNull();
  return { owner, accountId: data!.account.id };
}

describe('business onboarding', () => {
  it('registration → approval → member invite → member sets a password → member sees only assigned clients', async () => {
    const name = `Onboarding ${Date.now()}`;
    const { owner, accountId } = await registerBusiness(name);

    // Pending: the owner reads the status, and nothing else works.
    const mine = await owner.kit.accounts.mine();
    expect(mine.data?.items).toEqual([expect.objectContaining({ account_id: accountId, status: 'pending', role: 'owner', usable: false })]);
    const tooEarly = await owner.kit.crm.clients.list();
    expect(tooEarly.error?.code).toBe('no_account');
    const refused = await owner.kit.accounts.use(accountId);
    expect(refused.error?.code).toBe('account_not_usable');
    const rawInsert = await owner.kit.supabase.from('crm_clients').insert({ account_id: accountId, first_name: 'Early' });
    expect(rawInsert.status).toBe(403);

    // A platform admin finds it in the queue and approves it; the owner is told.
    const admin = await createUser('platform-admin', { admin: true });
    const queue = await admin.kit.admin.accounts.list({ per_page: 1000 });
    expect(queue.error).toBeNull();
    expect(queue.data!.items.map((a) => a.id)).toContain(accountId);
    const approved = await admin.kit.admin.accounts.approve(accountId);
    expect(approved.error).toBeNull();
    expect(approved.data).toMatchObject({ account: { id: accountId, status: 'active', reviewed_by: admin.id }, notified: true });
    const notice = await waitForMail(owner.email, 'account_review');
    expect(notice.subject).toBe('Your business account was approved');
    expect(notice.text).toContain(name);

    // The owner invites a member (no permissions: "my clients" only).
    const current = await owner.kit.accounts.current();
    expect(current.data).toMatchObject({ account_id: accountId, usable: true, role: 'owner' });
    const memberEmail = uniqueEmail('coach');
    const added = await owner.kit.accounts.members.add({ email: memberEmail, full_name: 'Cora Coach', job_title: 'Coach', phone: '+14155550199' });
    expect(added.error).toBeNull();
    expect(added.data!.member).toMatchObject({ account_id: accountId, role: 'member', permissions: [], email: memberEmail, invited_by: owner.id, is_active: true });
    const memberId = added.data!.member.user_id;

    // The member sets a password from the invite, then signs in with it.
    const invite = await waitForMail(memberEmail, 'invite');
    const password = strongPassword();
    const member = kit();
    const setUp = await member.auth.setUpPassword({ token_hash: inviteTokenHash(invite), password, password_confirmation: password });
    expect(setUp.error).toBeNull();
    const again = kit();
    expect((await again.auth.signIn({ email: memberEmail, password })).error).toBeNull();

    // The owner creates clients; one is assigned to the member.
    const assigned = await owner.kit.crm.clients.create({ first_name: 'Mine', last_name: 'Assigned', coach_id: memberId, country: 'PT', currency: 'EUR' });
    expect(assigned.error).toBeNull();
    for (const first_name of ['Other', 'Another']) expect((await owner.kit.crm.clients.create({ first_name })).error).toBeNull();

    const seen = await again.crm.clients.list();
    expect(seen.error).toBeNull();
    expect(seen.data!.total).toBe(1);
    expect(seen.data!.items.map((c) => c.id)).toEqual([assigned.data!.id]);
    const all = await owner.kit.crm.clients.list();
    expect(all.data!.total).toBe(3);
    const notMine = all.data!.items.find((c) => c.first_name === 'Other')!;
    expect((await again.crm.clients.get(notMine.id)).error?.code).toBe('not_found');
    expect((await again.crm.clients.create({ first_name: 'Sneaky' })).error?.code).toBe('forbidden');

    // Granting view_all_clients opens the whole list; the member cannot grant it to themselves.
    expect((await again.accounts.members.setAccess(memberId, { permissions: ['view_all_clients'] })).error?.code).toBe('own_access_unchangeable');
    const raw = await again.supabase
      .from('account_members')
      .update({ permissions: ['view_all_clients'] })
      .eq('user_id', memberId)
      .eq('account_id', accountId);
    expect(raw.status).toBe(403);
    expect(raw.error?.code).toBe('own_access_unchangeable');
    expect((await owner.kit.accounts.members.setAccess(memberId, { permissions: ['view_all_clients'] })).error).toBeNull();
    expect((await again.crm.clients.list()).data!.total).toBe(3);

    // The member edits their own profile.
    const profile = await again.accounts.members.updateMe({ job_title: 'Senior coach' });
    expect(profile.data?.job_title).toBe('Senior coach');
  });

  it('a rejected business is told why, stays unusable and cannot be approved afterwards', async () => {
    const { owner, accountId } = await registerBusiness(`Rejected ${Date.now()}`);
    const admin = await createUser('platform-admin', { admin: true });
    const rejected = await admin.kit.admin.accounts.reject(accountId, { reason: 'We could not verify the company' });
    expect(rejected.data).toMatchObject({ account: { status: 'rejected', review_reason: 'We could not verify the company' }, notified: true });
    const notice = await waitForMail(owner.email, 'account_review');
    expect(notice.subject).toBe('Your business account was not approved');
    expect(notice.text).toContain('We could not verify the company');
    expect((await admin.kit.admin.accounts.approve(accountId)).error?.code).toBe('invalid_transition');
    expect((await owner.kit.accounts.mine()).data?.items).toEqual([expect.objectContaining({ status: 'rejected', usable: false })]);
    // A rejected applicant may apply again.
    expect((await owner.kit.accounts.register({ name: `Second try ${Date.now()}` })).error).toBeNull();
  });

  it('only platform admins review, and a reason is required to reject or suspend', async () => {
    const { owner, accountId } = await registerBusiness(`Review rules ${Date.now()}`);
    const notAdmin = await owner.kit.admin.accounts.approve(accountId);
    expect(notAdmin.error).toMatchObject({ code: 'forbidden', status: 403 });
    const admin = await createUser('platform-admin', { admin: true });
    const noReason = await admin.kit.admin.accounts.reject(accountId, {} as { reason: string });
    expect(noReason.error).toMatchObject({ code: 'validation_failed', details: { fieldErrors: { reason: ['A reason is required to reject'] } } });
    expect((await admin.kit.admin.accounts.suspend(accountId, { reason: 'Not yet active' })).error?.code).toBe('invalid_transition');
    const [row] = await sql<{ status: string }>('select status from public.accounts where id = $1', [accountId]);
    expect(row!.status).toBe('pending');
    expect(await mailTo(owner.email)).toEqual([]);
  });

  it('a second pending application is refused, and a retried registration with the same Idempotency-Key is answered once', async () => {
    const owner = await createUser('founder');
    const key = `register-${Date.now()}`;
    const first = await owner.kit.accounts.register({ name: 'Retry Co' }, { idempotencyKey: key });
    const retry = await owner.kit.accounts.register({ name: 'Retry Co' }, { idempotencyKey: key });
    expect(first.error).toBeNull();
    expect(retry.data?.account.id).toBe(first.data!.account.id);
    const second = await owner.kit.accounts.register({ name: 'Another Co' });
    expect(second.error).toMatchObject({ code: 'application_pending', status: 409 });
    const [count] = await sql<{ n: number }>('select count(*)::int as n from public.accounts where created_by = $1', [owner.id]);
    expect(count!.n).toBe(1);
  });
});

describe('suspension', () => {
  it('suspending an account locks its members out at once; reactivating lets them back', async () => {
    const { owner, accountId } = await registerBusiness(`Suspended ${Date.now()}`);
    const admin = await createUser('platform-admin', { admin: true });
    await admin.kit.admin.accounts.approve(accountId);
    expect((await owner.kit.crm.clients.create({ first_name: 'Kept' })).error).toBeNull();
    expect((await admin.kit.admin.accounts.suspend(accountId, { reason: 'Unpaid invoices' })).data?.account.status).toBe('suspended');
    owner.kit.accounts.clearCurrentAccount();
    expect((await owner.kit.crm.clients.list()).error?.code).toBe('no_account');
    const raw = await owner.kit.supabase.from('crm_clients').select('id').eq('account_id', accountId);
    expect(raw.data).toEqual([]);
    await admin.kit.admin.accounts.reactivate(accountId);
    expect((await owner.kit.crm.clients.list()).data?.total).toBe(1);
  });
});
