/**
 * The admin API through supabase-js `auth.admin`: create, list with pagination, get, update (metadata
 * merge, ban), delete (hard and soft), invite, and generateLink → verifyOtp for every link type.
 */
import { AuthApiError } from '@supabase/supabase-js';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.ts';
import { adminClient, authFetch, client, followLink, fragment, PASSWORD, signedUpUser, sql, stack, uniqueEmail, waitForMail } from './support.ts';

const admin = adminClient();

describe('admin users', () => {
  it('creates a confirmed user with metadata; app_metadata merges over provider keys', async () => {
    const email = uniqueEmail('admincreate');
    const { data, error } = await admin.auth.admin.createUser({
      email,
      password: PASSWORD,
      email_confirm: true,
      user_metadata: { full_name: 'Grace H' },
      app_metadata: { plan: 'team' },
    });
    expect(error).toBeNull();
    expect(data.user?.email_confirmed_at).toBeTruthy();
    expect(data.user?.app_metadata).toMatchObject({ provider: 'email', providers: ['email'], plan: 'team' });
    expect(data.user?.user_metadata).toEqual({ full_name: 'Grace H', email_verified: true });
    expect((await client().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
  });

  it('accepts a bcrypt password_hash and a chosen id', async () => {
    const email = uniqueEmail('hash');
    const id = crypto.randomUUID();
    const { data, error } = await admin.auth.admin.createUser({
      id,
      email,
      password_hash: await bcrypt.hash('hashed-password', 4),
      email_confirm: true,
    });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
    expect((await client().auth.signInWithPassword({ email, password: 'hashed-password' })).error).toBeNull();
  });

  it('refuses a duplicate e-mail with email_exists (422)', async () => {
    const { email } = await signedUpUser('admindup');
    const { error } = await admin.auth.admin.createUser({ email, password: PASSWORD });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('email_exists');
  });

  it('refuses a user without e-mail or phone, and a non-UUID id, with validation_failed', async () => {
    expect((await admin.auth.admin.createUser({ password: PASSWORD })).error?.code).toBe('validation_failed');
    const bad = await admin.auth.admin.createUser({ id: "x'; drop table auth.users; --", email: uniqueEmail('badid') });
    expect(bad.error?.status).toBe(400);
    expect(bad.error?.code).toBe('validation_failed');
  });

  it('refuses the admin API to a non-admin key with not_admin (403)', async () => {
    const { error } = await client(stack.anonKey).auth.admin.listUsers();
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('not_admin');
  });

  it('lists users newest first in pages, with total, next and last page', async () => {
    for (let i = 0; i < 3; i++) await signedUpUser('page');
    // Other test files create users meanwhile, which shifts pages: read page 1, page 2, then page 1
    // again, and judge a pair only when page 1 did not move in between.
    type Page = Awaited<ReturnType<typeof admin.auth.admin.listUsers>>;
    const ids = (r: Page) => r.data.users.map((u) => u.id).join();
    let first!: Page;
    let second!: Page;
    await eventually(
      async () => {
        first = await admin.auth.admin.listUsers({ page: 1, perPage: 2 });
        second = await admin.auth.admin.listUsers({ page: 2, perPage: 2 });
        return ids(first) === ids(await admin.auth.admin.listUsers({ page: 1, perPage: 2 }));
      },
      15_000,
      'two consecutive pages that did not move',
    );
    expect(first.error).toBeNull();
    expect(first.data.users).toHaveLength(2);
    expect((first.data as unknown as { total: number }).total).toBeGreaterThanOrEqual(3);
    expect((first.data as unknown as { nextPage: number }).nextPage).toBe(2);
    expect(second.data.users.length).toBeGreaterThan(0);
    const firstIds = new Set(first.data.users.map((u) => u.id));
    expect(second.data.users.some((u) => firstIds.has(u.id))).toBe(false);
    const created = [...first.data.users, ...second.data.users].map((u) => Date.parse(u.created_at));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('answers X-Total-Count and a GoTrue Link header', async () => {
    const response = await authFetch('/admin/users?per_page=1&page=1', { key: stack.serviceRoleKey });
    expect(response.status).toBe(200);
    const total = Number(response.headers.get('x-total-count'));
    expect(total).toBeGreaterThan(1);
    expect(response.headers.get('link')).toBe(`</admin/users?page=2&per_page=1>; rel="next", </admin/users?page=${total}&per_page=1>; rel="last"`);
    expect(response.body.aud).toBe('authenticated');
  });

  it('refuses non-numeric pagination with validation_failed', async () => {
    const response = await authFetch('/admin/users?page=abc', { key: stack.serviceRoleKey });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
  });

  it('gets a user by id; an unknown id is user_not_found, a non-UUID validation_failed (both 404)', async () => {
    const { user } = await signedUpUser('getbyid');
    expect((await admin.auth.admin.getUserById(user.id)).data.user?.id).toBe(user.id);
    const missing = await admin.auth.admin.getUserById(crypto.randomUUID());
    expect(missing.error?.status).toBe(404);
    expect(missing.error?.code).toBe('user_not_found');
    const response = await authFetch(`/admin/users/${encodeURIComponent("1' or 1=1 --")}`, { key: stack.serviceRoleKey });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('validation_failed');
  });

  it('merges user_metadata and app_metadata on update (null removes a key)', async () => {
    const { user } = await signedUpUser('adminupdate', { a: 1, b: 2 });
    const { data, error } = await admin.auth.admin.updateUserById(user.id, {
      user_metadata: { b: null, c: 3 },
      app_metadata: { roles: ['editor'] },
    });
    expect(error).toBeNull();
    expect(data.user?.user_metadata).toMatchObject({ a: 1, c: 3 });
    expect(data.user?.user_metadata).not.toHaveProperty('b');
    expect(data.user?.app_metadata).toMatchObject({ provider: 'email', providers: ['email'], roles: ['editor'] });
  });

  it('bans with ban_duration and lifts the ban with none', async () => {
    const { user, email, client: c } = await signedUpUser('ban');
    const banned = await admin.auth.admin.updateUserById(user.id, { ban_duration: '24h' });
    expect(Date.parse(banned.data.user!.banned_until!)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect((await c.auth.getUser()).error?.code).toBe('user_banned');
    expect((await client().auth.signInWithPassword({ email, password: PASSWORD })).error?.code).toBe('user_banned');
    const lifted = await admin.auth.admin.updateUserById(user.id, { ban_duration: 'none' });
    expect(lifted.data.user?.banned_until).toBeUndefined();
    expect((await client().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
  });

  it('refuses an unparseable ban_duration with validation_failed and changes nothing', async () => {
    const { user } = await signedUpUser('badban');
    const { error } = await admin.auth.admin.updateUserById(user.id, { ban_duration: '3 weeks' });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('validation_failed');
    expect((await sql('select banned_until from auth.users where id = $1', [user.id]))[0]).toEqual({ banned_until: null });
  });

  it('refuses a weak password on update with weak_password', async () => {
    const { user } = await signedUpUser('adminweak');
    const { error } = await admin.auth.admin.updateUserById(user.id, { password: 'x' });
    expect(error?.code).toBe('weak_password');
  });

  it('ends all sessions when an admin sets a password', async () => {
    const { user } = await signedUpUser('adminpw');
    await admin.auth.admin.updateUserById(user.id, { password: 'admin-set-password-2' });
    expect(await sql('select 1 from auth.sessions where user_id = $1', [user.id])).toHaveLength(0);
  });

  it('hard-deletes a user and everything that hangs off it', async () => {
    const { user } = await signedUpUser('harddelete');
    const { data, error } = await admin.auth.admin.deleteUser(user.id);
    expect(error).toBeNull();
    expect(data.user).toEqual({});
    expect(await sql('select 1 from auth.users where id = $1', [user.id])).toHaveLength(0);
    expect(await sql('select 1 from auth.identities where user_id = $1', [user.id])).toHaveLength(0);
    expect(await sql('select 1 from auth.sessions where user_id = $1', [user.id])).toHaveLength(0);
    expect((await admin.auth.admin.deleteUser(user.id)).error?.code).toBe('user_not_found');
  });

  it('soft-deletes: obfuscated address, no password, empty metadata, no sessions', async () => {
    const { user, email } = await signedUpUser('softdelete', { keep: 'no' });
    const { error } = await admin.auth.admin.deleteUser(user.id, true);
    expect(error).toBeNull();
    const [row] = await sql('select email, encrypted_password, raw_user_meta_data, raw_app_meta_data, deleted_at from auth.users where id = $1', [user.id]);
    expect(row!.email).not.toBe(email);
    expect(row).toMatchObject({ encrypted_password: null, raw_user_meta_data: {}, raw_app_meta_data: {} });
    expect(row!.deleted_at).not.toBeNull();
    expect(await sql('select 1 from auth.sessions where user_id = $1', [user.id])).toHaveLength(0);
    const [identity] = await sql('select provider_id, identity_data from auth.identities where user_id = $1', [user.id]);
    expect(identity).toMatchObject({ identity_data: {} });
    expect(identity!.provider_id).not.toBe(user.id);
    expect((await client().auth.signInWithPassword({ email, password: PASSWORD })).error?.code).toBe('invalid_credentials');
  });
});

describe('invite', () => {
  it('mails an invite whose link signs the invitee in, who then sets a password', async () => {
    const email = uniqueEmail('invitee');
    const { data, error } = await admin.auth.admin.inviteUserByEmail(email, { data: { team: 'blue' } });
    expect(error).toBeNull();
    expect(data.user?.invited_at).toBeTruthy();
    expect(data.user?.confirmation_sent_at).toBeTruthy();
    const [row] = await sql('select encrypted_password, raw_user_meta_data from auth.users where email = $1', [email]);
    expect(row).toEqual({ encrypted_password: '', raw_user_meta_data: { team: 'blue' } });
    const mail = await waitForMail(email, 'invite');
    const location = await followLink(mail.links[0]!);
    const params = fragment(location);
    expect(params.get('type')).toBe('invite');
    const invitee = client();
    await invitee.auth.setSession({ access_token: params.get('access_token')!, refresh_token: params.get('refresh_token')! });
    expect((await invitee.auth.updateUser({ password: 'invitee-password-3' })).error).toBeNull();
    expect((await client().auth.signInWithPassword({ email, password: 'invitee-password-3' })).error).toBeNull();
  });

  it('refuses to invite a confirmed address with email_exists', async () => {
    const { email } = await signedUpUser('invited-existing');
    const { error } = await admin.auth.admin.inviteUserByEmail(email);
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('email_exists');
  });
});

describe('generateLink', () => {
  it('signup: creates the user and its token_hash verifies to a session', async () => {
    const email = uniqueEmail('genlink-signup');
    const { data, error } = await admin.auth.admin.generateLink({ type: 'signup', email, password: PASSWORD });
    expect(error).toBeNull();
    expect(data.properties?.verification_type).toBe('signup');
    expect(data.properties?.action_link).toContain('/auth/v1/verify?token=');
    expect(data.user?.email_confirmed_at).toBeUndefined();
    const verified = await client().auth.verifyOtp({ token_hash: data.properties!.hashed_token, type: 'signup' });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email_confirmed_at).toBeTruthy();
  });

  it('magiclink: the e-mailed OTP works with verifyOtp({email, token, type: magiclink})', async () => {
    const { email } = await signedUpUser('genlink-magic');
    const { data } = await admin.auth.admin.generateLink({ type: 'magiclink', email });
    const verified = await client().auth.verifyOtp({ email, token: data.properties!.email_otp, type: 'magiclink' });
    expect(verified.error).toBeNull();
    expect(verified.data.session?.user.email).toBe(email);
  });

  it('recovery: the action link redirects with a session', async () => {
    const { email } = await signedUpUser('genlink-recovery');
    const { data } = await admin.auth.admin.generateLink({ type: 'recovery', email });
    const location = await followLink(data.properties!.action_link);
    expect(fragment(location).get('type')).toBe('recovery');
    expect(fragment(location).get('access_token')).toMatch(/^ey/);
  });

  it('invite: the token_hash confirms the invitee', async () => {
    const email = uniqueEmail('genlink-invite');
    const { data } = await admin.auth.admin.generateLink({ type: 'invite', email });
    const verified = await client().auth.verifyOtp({ token_hash: data.properties!.hashed_token, type: 'invite' });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email).toBe(email);
  });

  it('email_change_new and email_change_current: both addresses confirm with their OTPs (double confirmation)', async () => {
    const { email, user } = await signedUpUser('genlink-change');
    const newEmail = uniqueEmail('genlink-changed');
    const { data, error } = await admin.auth.admin.generateLink({ type: 'email_change_new', email, newEmail });
    expect(error).toBeNull();
    const current = await admin.auth.admin.generateLink({ type: 'email_change_current', email, newEmail });
    expect(current.error).toBeNull();
    const first = await client().auth.verifyOtp({ email: newEmail, token: data.properties!.email_otp, type: 'email_change' });
    expect(first.error).toBeNull();
    expect((await sql('select email from auth.users where id = $1', [user.id]))[0]).toEqual({ email });
    const verified = await client().auth.verifyOtp({ email, token: current.data.properties!.email_otp, type: 'email_change' });
    expect(verified.error).toBeNull();
    expect((await sql('select email from auth.users where id = $1', [user.id]))[0]).toEqual({ email: newEmail });
  });

  it('recovery for an unknown address is user_not_found (404)', async () => {
    const { error } = await admin.auth.admin.generateLink({ type: 'recovery', email: uniqueEmail('genlink-nobody') });
    expect(error?.status).toBe(404);
    expect(error?.code).toBe('user_not_found');
  });

  it('signup for a confirmed address is email_exists (422)', async () => {
    const { email } = await signedUpUser('genlink-exists');
    const { error } = await admin.auth.admin.generateLink({ type: 'signup', email, password: PASSWORD });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('email_exists');
  });
});
