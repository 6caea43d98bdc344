/**
 * Passwords end to end through the SDK and the local mailbox: change (old + new), reset by e-mail link,
 * and the first password of an invited user (seed 001's password set-up token, as an Auth invite).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mailTo } from '../helpers/mailbox.ts';
import { createUser, kit, registration, strongPassword, tokenHashOf, uniqueEmail, waitForMail, type TestUser } from './support.ts';

describe('changing my password', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser('client');
  });

  it('refuses a wrong current password and changes nothing', async () => {
    const next = strongPassword();
    const { error } = await user.kit.auth.changePassword({ current_password: 'Not-my-pass-1', password: next, password_confirmation: next });
    expect(error).toMatchObject({ code: 'invalid_current_password', status: 422 });
    expect((await kit().auth.signIn({ email: user.email, password: user.password })).error).toBeNull();
  });

  it('refuses a new password that breaks the policy or does not match its confirmation', async () => {
    const weak = await user.kit.auth.changePassword({ current_password: user.password, password: 'abc', password_confirmation: 'abc' });
    expect((weak.error!.details as any).fieldErrors.password).toBeDefined();
    const next = strongPassword();
    const mismatch = await user.kit.auth.changePassword({ current_password: user.password, password: next, password_confirmation: `${next}x` });
    expect((mismatch.error!.details as any).fieldErrors.password_confirmation).toEqual(['Passwords do not match']);
  });

  it('sets the new password, keeps this session and ends the other ones', async () => {
    const elsewhere = kit({ userAgent: 'OtherDevice/1.0' });
    expect((await elsewhere.auth.signIn({ email: user.email, password: user.password })).error).toBeNull();

    const next = strongPassword();
    const { data, error } = await user.kit.auth.changePassword({ current_password: user.password, password: next, password_confirmation: next });
    expect(error).toBeNull();
    expect(data).toEqual({ password_changed: true });

    expect((await kit().auth.signIn({ email: user.email, password: user.password })).error?.code).toBe('invalid_credentials');
    expect((await kit().auth.signIn({ email: user.email, password: next })).error).toBeNull();
    expect((await user.kit.auth.refreshSession()).error).toBeNull();
    const ended = await elsewhere.auth.refreshSession();
    expect(ended.error?.status).toBe(400);
    user.password = next;
  });

  it('requires a signed-in user', async () => {
    const next = strongPassword();
    const { error } = await kit().auth.changePassword({ current_password: 'whatever-1', password: next, password_confirmation: next });
    expect(error?.status).toBe(401);
  });
});

describe('resetting a forgotten password by e-mail', () => {
  it('mails a link that sets a new password and signs the user in; the link works once', async () => {
    const user = await createUser('tool_creator');
    const requester = kit();
    expect((await requester.auth.requestPasswordReset({ email: user.email })).error).toBeNull();
    const mail = await waitForMail(user.email, 'recovery');
    const tokenHash = tokenHashOf(mail);

    const next = strongPassword();
    const browser = kit();
    const { data, error } = await browser.auth.completePasswordReset({ token_hash: tokenHash, password: next, password_confirmation: next });
    expect(error).toBeNull();
    expect(data!.user.email).toBe(user.email);
    expect((await browser.auth.role()).data).toBe('tool_creator');

    expect((await kit().auth.signIn({ email: user.email, password: next })).error).toBeNull();
    expect((await kit().auth.signIn({ email: user.email, password: user.password })).error?.code).toBe('invalid_credentials');

    const again = strongPassword();
    const reused = await kit().auth.completePasswordReset({ token_hash: tokenHash, password: again, password_confirmation: again });
    expect(reused.error?.code).toBe('otp_expired');
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const email = uniqueEmail('nobody');
    expect((await kit().auth.requestPasswordReset({ email })).error).toBeNull();
    expect(await mailTo(email)).toEqual([]);
  });

  it('refuses a mismatched confirmation before verifying the link', async () => {
    const next = strongPassword();
    const { error } = await kit().auth.completePasswordReset({ token_hash: 'abc', password: next, password_confirmation: strongPassword() });
    expect(error).toMatchObject({ code: 'validation_failed' });
  });

  it('needs a link or a recovery session', async () => {
    const next = strongPassword();
    const { error } = await kit().auth.completePasswordReset({ password: next, password_confirmation: next });
    expect(error?.code).toBe('unauthorized');
  });
});

describe('setting up the password of an invited admin', () => {
  it('invites by e-mail when no password is given, and the invite link sets the first password', async () => {
    const admin = await createUser('admin');
    const input = registration({ password: undefined, password_confirmation: undefined, first_name: 'Ivy' });
    const created = await admin.kit.admin.users.createAdmin(input);
    expect(created.error).toBeNull();
    expect(created.data!.user.invited_at).not.toBeNull();
    expect(created.data!.profile.role).toBe('admin');

    const mail = await waitForMail(input.email, 'invite');
    const password = strongPassword();
    const invited = kit();
    const { data, error } = await invited.auth.setUpPassword({ token_hash: tokenHashOf(mail), password, password_confirmation: password });
    expect(error).toBeNull();
    expect(data!.user.email).toBe(input.email);
    expect((await invited.auth.role()).data).toBe('admin');
    const { data: me } = await invited.profiles.me();
    expect(me).toMatchObject({ first_name: 'Ivy', role: 'admin' });

    expect((await kit().auth.signIn({ email: input.email, password })).error).toBeNull();
  });
});
