/**
 * A platform admin creates a business together with its owner (seed 001: "B2B admin registration
 * (Admin only)") through the SDK: the account starts active, the owner is invited by e-mail, sets a
 * password, signs in and uses the account. Non-admins get 403, a taken e-mail 409 and bad input 400 —
 * and none of them leaves an Auth user or an account behind, not even when the database part fails
 * after the Auth user was created.
 */
import { describe, expect, it } from 'vitest';
import { accessToken, callFunction, createUser, inviteTokenHash, kit, mailTo, sql, strongPassword, uniqueEmail, waitForMail } from './support.ts';

/** How many Auth users have this e-mail, and how many accounts this name. */
async function written(email: string, name: string): Promise<{ users: number; accounts: number }> {
  const [users] = await sql<{ n: number }>(`select count(*)::int as n from auth.users where lower(email) = lower($1)`, [email]);
  const [accounts] = await sql<{ n: number }>(`select count(*)::int as n from public.accounts where name = $1`, [name]);
  return { users: users!.n, accounts: accounts!.n };
}

describe('a platform admin creates a business for its owner', () => {
  it('admin creates → invite mail → owner sets a password → owner signs in and uses its active account', async () => {
    const admin = await createUser('platform-admin', { admin: true });
    const name = `Admin Made ${Date.now()}`;
    const ownerEmail = uniqueEmail('b2b-owner');
    const created = await admin.kit.accounts.createForOwner({
      name,
      contact_email: 'ops@admin-made.test',
      owner: { email: ownerEmail.toUpperCase(), first_name: 'Olga', last_name: 'Owner' },
    });
    expect(created.error).toBeNull();
    const { account, owner } = created.data!;
    expect(account).toMatchObject({ name, status: 'active', created_by: admin.id, reviewed_by: admin.id, contact_email: 'ops@admin-made.test' });
    expect(account.reviewed_at).not.toBeNull();
    expect(owner.email).toBe(ownerEmail);
    const [membership] = await sql<{ role: string; full_name: string; email: string; invited_by: string }>(
      `select role, full_name, email, invited_by from public.account_members where account_id = $1`,
      [account.id],
    );
    expect(membership).toEqual({ role: 'owner', full_name: 'Olga Owner', email: ownerEmail, invited_by: admin.id });

    // The owner cannot sign in before setting a password from the invite.
    const early = await kit().auth.signIn({ email: ownerEmail, password: strongPassword() });
    expect(early.error).not.toBeNull();

    const invite = await waitForMail(ownerEmail, 'invite');
    const password = strongPassword();
    const setUp = await kit().auth.setUpPassword({ token_hash: inviteTokenHash(invite), password, password_confirmation: password });
    expect(setUp.error).toBeNull();

    const ownerKit = kit();
    expect((await ownerKit.auth.signIn({ email: ownerEmail, password })).error).toBeNull();
    const mine = await ownerKit.accounts.mine();
    expect(mine.data?.items).toEqual([expect.objectContaining({ account_id: account.id, status: 'active', role: 'owner', usable: true })]);
    const profile = await ownerKit.profiles.me();
    expect(profile.data).toMatchObject({ id: owner.id, first_name: 'Olga', last_name: 'Owner', role: 'client' });
    // Usable at once: the owner works in the CRM and invites a member.
    expect((await ownerKit.crm.clients.create({ first_name: 'First' })).error).toBeNull();
    const member = await ownerKit.accounts.members.add({ email: uniqueEmail('b2b-user'), full_name: 'Bea User' });
    expect(member.error).toBeNull();
  });

  it('refuses non-admins with 403 and writes nothing', async () => {
    const client = await createUser('client');
    const name = `Not Allowed ${Date.now()}`;
    const ownerEmail = uniqueEmail('b2b-owner');
    const refused = await client.kit.accounts.createForOwner({ name, owner: { email: ownerEmail, first_name: 'No', last_name: 'Body' } });
    expect(refused.error).toMatchObject({ code: 'forbidden', status: 403 });
    expect(await written(ownerEmail, name)).toEqual({ users: 0, accounts: 0 });
    expect(await mailTo(ownerEmail)).toEqual([]);

    const anonymous = await kit().accounts.createForOwner({ name, owner: { email: ownerEmail, first_name: 'No', last_name: 'Body' } });
    expect(anonymous.error?.status).toBe(401);
    expect(await written(ownerEmail, name)).toEqual({ users: 0, accounts: 0 });
  });

  it('answers 409 email_taken when the owner e-mail belongs to a user, and writes nothing', async () => {
    const admin = await createUser('platform-admin', { admin: true });
    const existing = await createUser('existing');
    const name = `Taken Owner ${Date.now()}`;
    const taken = await admin.kit.accounts.createForOwner({ name, owner: { email: existing.email, first_name: 'Ex', last_name: 'Isting' } });
    expect(taken.error).toMatchObject({ code: 'email_taken', status: 409, details: { fieldErrors: { 'owner.email': ['Already registered'] } } });
    expect(await written(existing.email, name)).toEqual({ users: 1, accounts: 0 });
    const [memberships] = await sql<{ n: number }>(`select count(*)::int as n from public.account_members where user_id = $1`, [existing.id]);
    expect(memberships!.n).toBe(0);
  });

  it('deletes the new Auth user again when the database part fails (slug taken)', async () => {
    const admin = await createUser('platform-admin', { admin: true });
    const slug = `admin-made-${Date.now()}`;
    const first = await admin.kit.accounts.createForOwner({ name: 'First Of Two', slug, owner: { email: uniqueEmail('b2b-owner'), first_name: 'A', last_name: 'One' } });
    expect(first.error).toBeNull();
    const ownerEmail = uniqueEmail('b2b-owner');
    const name = `Second ${Date.now()}`;
    const clash = await admin.kit.accounts.createForOwner({ name, slug, owner: { email: ownerEmail, first_name: 'B', last_name: 'Two' } });
    expect(clash.error).toMatchObject({ code: 'slug_taken', status: 409 });
    expect(await written(ownerEmail, name)).toEqual({ users: 0, accounts: 0 });
    expect((await mailTo(ownerEmail)).filter((m) => m.type === 'invite')).toEqual([]);
  });

  it('refuses bad input with 400 and field details, through the SDK and raw, writing nothing', async () => {
    const admin = await createUser('platform-admin', { admin: true });
    const name = `Bad Input ${Date.now()}`;
    const viaSdk = await admin.kit.accounts.createForOwner({ name: 'X', owner: { email: 'not-an-email', first_name: '', last_name: 'Ok' } });
    expect(viaSdk.error).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(viaSdk.error?.details).toMatchObject({
      fieldErrors: { name: ['At least 2 characters'], 'owner.email': ['Enter a valid e-mail address'], 'owner.first_name': ['Required'] },
    });

    const bearer = await accessToken(admin.kit);
    const ownerEmail = uniqueEmail('b2b-owner');
    const raw = await callFunction('accounts-register', {
      bearer,
      body: { name, slug: 'Bad Slug!', owner: { email: ownerEmail, first_name: 'Ok' }, redirect_to: 'nowhere' },
    });
    expect(raw.status).toBe(400);
    expect(raw.body.error).toMatchObject({ code: 'validation_failed' });
    expect(Object.keys(raw.body.error.details.fieldErrors).sort()).toEqual(['owner.last_name', 'redirect_to', 'slug']);
    const unknownField = await callFunction('accounts-register', { bearer, body: { name, owner: { email: ownerEmail, first_name: 'A', last_name: 'B', role: 'admin' } } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.details.fieldErrors['owner.role']).toEqual(['Unknown field']);
    expect(await written(ownerEmail, name)).toEqual({ users: 0, accounts: 0 });

    // Self-registration has no invite link to send.
    const client = await createUser('client');
    const selfWithRedirect = await callFunction('accounts-register', { bearer: await accessToken(client.kit), body: { name, redirect_to: 'https://app.test/welcome' } });
    expect(selfWithRedirect.status).toBe(400);
    expect(selfWithRedirect.body.error.details.fieldErrors.redirect_to).toEqual(['Only used with owner']);
    expect(await written(ownerEmail, name)).toEqual({ users: 0, accounts: 0 });
  });
});
