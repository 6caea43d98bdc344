/**
 * The e-mail flows end to end through the local mailbox: password recovery, magic link / OTP, resend,
 * and `POST`/`GET /verify` with their failure paths.
 */
import { AuthApiError } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { authFetch, client, followLink, fragment, mailTo, signedUpUser, sql, uniqueEmail, waitForMail } from './support.ts';

describe('password recovery', () => {
  it('mails a link that signs the user in, after which a new password works', async () => {
    const { email } = await signedUpUser('recover');
    const c = client();
    const sent = await c.auth.resetPasswordForEmail(email, { redirectTo: 'http://127.0.0.1:3000/reset' });
    expect(sent.error).toBeNull();
    expect(sent.data).toEqual({});
    const mail = await waitForMail(email, 'recovery');
    expect(mail.subject).toBe('Reset your password');
    expect(mail.otps[0]).toMatch(/^\d{6}$/);
    const location = await followLink(mail.links[0]!);
    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:3000/reset');
    const params = fragment(location);
    expect(params.get('type')).toBe('recovery');
    expect(params.get('token_type')).toBe('bearer');
    const session = await c.auth.setSession({
      access_token: params.get('access_token')!,
      refresh_token: params.get('refresh_token')!,
    });
    expect(session.error).toBeNull();
    expect(decodeJwt(params.get('access_token')!).amr).toEqual([{ method: 'otp', timestamp: expect.any(Number) }]);
    expect((await c.auth.updateUser({ password: 'recovered-password-4' })).error).toBeNull();
    expect((await client().auth.signInWithPassword({ email, password: 'recovered-password-4' })).error).toBeNull();
  });

  it('answers {} for an unknown address and sends nothing', async () => {
    const email = uniqueEmail('unknown-recover');
    const { data, error } = await client().auth.resetPasswordForEmail(email);
    expect(error).toBeNull();
    expect(data).toEqual({});
    expect(await mailTo(email)).toHaveLength(0);
  });

  it('refuses a second mail within max_frequency with over_email_send_rate_limit (429)', async () => {
    const { email } = await signedUpUser('freq');
    expect((await client().auth.resetPasswordForEmail(email)).error).toBeNull();
    // Pin the last send in the near future so a slow machine cannot let max_frequency (1 s) elapse.
    await sql(`update auth.users set recovery_sent_at = now() + interval '5 seconds' where email = $1`, [email]);
    const again = await client().auth.resetPasswordForEmail(email);
    expect(again.error).toBeInstanceOf(AuthApiError);
    expect(again.error?.status).toBe(429);
    expect(again.error?.code).toBe('over_email_send_rate_limit');
  });

  it('verifies the recovery code with verifyOtp({email, token, type: recovery})', async () => {
    const { email } = await signedUpUser('recovercode');
    await client().auth.resetPasswordForEmail(email);
    const mail = await waitForMail(email, 'recovery');
    const { data, error } = await client().auth.verifyOtp({ email, token: mail.otps[0]!, type: 'recovery' });
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe(email);
    const [row] = await sql('select recovery_token from auth.users where email = $1', [email]);
    expect(row).toEqual({ recovery_token: '' });
    expect(await sql('select 1 from auth.one_time_tokens where relates_to = $1', [email])).toHaveLength(0);
  });
});

describe('magic link and OTP', () => {
  it('signs in an existing user with the mailed code (type email resolves to magiclink)', async () => {
    const { email } = await signedUpUser('magic');
    const sent = await client().auth.signInWithOtp({ email });
    expect(sent.error).toBeNull();
    const mail = await waitForMail(email, 'magiclink');
    const { data, error } = await client().auth.verifyOtp({ email, token: mail.otps[0]!, type: 'email' });
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe(email);
  });

  it('creates an unknown address and mails it the sign-up confirmation, which signs it in', async () => {
    const email = uniqueEmail('magicnew');
    const { error } = await client().auth.signInWithOtp({ email, options: { data: { source: 'otp' } } });
    expect(error).toBeNull();
    const mail = await waitForMail(email, 'signup');
    const location = await followLink(mail.links[0]!);
    const token = fragment(location).get('access_token')!;
    expect(decodeJwt(token)).toMatchObject({ email, user_metadata: expect.objectContaining({ source: 'otp' }) });
  });

  it('refuses an unknown address when shouldCreateUser is false with otp_disabled (422)', async () => {
    const email = uniqueEmail('nocreate');
    const { error } = await client().auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('otp_disabled');
    expect(await sql('select 1 from auth.users where email = $1', [email])).toHaveLength(0);
  });
});

describe('verify failures', () => {
  it('refuses a wrong code with otp_expired (403)', async () => {
    const { email } = await signedUpUser('wrongcode');
    await client().auth.signInWithOtp({ email });
    await waitForMail(email, 'magiclink');
    const { error } = await client().auth.verifyOtp({ email, token: '000000', type: 'magiclink' });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('otp_expired');
  });

  it('refuses an expired code with otp_expired, and its link redirects with the error', async () => {
    const { email } = await signedUpUser('expiredcode');
    await client().auth.resetPasswordForEmail(email);
    const mail = await waitForMail(email, 'recovery');
    await sql(`update auth.users set recovery_sent_at = now() - interval '2 hours' where email = $1`, [email]);
    const { error } = await client().auth.verifyOtp({ email, token: mail.otps[0]!, type: 'recovery' });
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('otp_expired');
    const location = await followLink(mail.links[0]!);
    const params = fragment(location);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_code')).toBe('otp_expired');
    expect(params.get('error_description')).toBe('Email link is invalid or has expired');
  });

  it('refuses a token_hash that matches nothing with otp_expired', async () => {
    const { error } = await client().auth.verifyOtp({ token_hash: 'f'.repeat(56), type: 'magiclink' });
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('otp_expired');
  });

  it('refuses token and token_hash together with validation_failed', async () => {
    const response = await authFetch('/verify', {
      method: 'POST',
      body: JSON.stringify({ type: 'magiclink', token: '123456', token_hash: 'abc', email: 'a@b.test' }),
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
  });

  it('refuses an unsupported verification type with validation_failed', async () => {
    const { error } = await client().auth.verifyOtp({ token_hash: 'abc', type: 'teleport' as 'email' });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('validation_failed');
  });

  it('refuses a link without type with validation_failed', async () => {
    const response = await authFetch('/verify?token=abc');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
  });
});

describe('resend', () => {
  it('answers {} and sends nothing for an already confirmed sign-up', async () => {
    const { email } = await signedUpUser('resendconfirmed');
    const before = (await mailTo(email)).length;
    const { error } = await client().auth.resend({ type: 'signup', email });
    expect(error).toBeNull();
    expect(await mailTo(email)).toHaveLength(before);
  });

  it('mails the pending e-mail change again', async () => {
    const { client: c } = await signedUpUser('resendchange');
    const newEmail = uniqueEmail('resendchange-new');
    await c.auth.updateUser({ email: newEmail });
    await waitForMail(newEmail, 'email_change');
    await sql(`update auth.users set email_change_sent_at = now() - interval '1 minute' where email_change = $1`, [newEmail]);
    const { error } = await client().auth.resend({ type: 'email_change', email: (await c.auth.getUser()).data.user!.email! });
    expect(error).toBeNull();
    await waitForMail(newEmail, 'email_change', 2);
  });

  it('refuses an unknown type with validation_failed', async () => {
    const response = await authFetch('/resend', { method: 'POST', body: JSON.stringify({ type: 'fax', email: 'a@b.test' }) });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
  });
});
