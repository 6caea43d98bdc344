/**
 * Sign-up with `[auth.email] enable_confirmations = true`, on a second auth server started with that
 * setting (the shared stack keeps the CLI default, autoconfirm): confirmation mail, unconfirmed sign-in,
 * the link, repeated sign-ups, resend, PKCE, the e-mail send limit and double-confirmed e-mail change.
 */
import { AuthClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followLink, fragment, mailTo, ownStack, PASSWORD, randomIp, sql, stack, startExtraAuthServer, uniqueEmail, waitForMail, type ExtraAuthServer } from './support.ts';

describe.skipIf(!ownStack)('sign-up with confirmations on', () => {
  let server: ExtraAuthServer;

  beforeAll(async () => {
    server = await startExtraAuthServer({ STACK_AUTH_ENABLE_CONFIRMATIONS: 'true', STACK_AUTH_EMAIL_SENT: '2' });
  });

  afterAll(async () => {
    await (server as ExtraAuthServer | undefined)?.stop(); // unset when beforeAll failed
  });

  it('returns the user without a session and mails a confirmation', async () => {
    const email = uniqueEmail('confirm');
    const { data, error } = await server.auth().signUp({ email, password: PASSWORD });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user?.confirmation_sent_at).toBeTruthy();
    expect(data.user?.email_confirmed_at).toBeUndefined();
    expect(data.user?.identities).toHaveLength(1);
    const mail = await waitForMail(email, 'signup');
    expect(mail.links[0]).toContain('type=signup');
    const [ott] = await sql('select token_type::text as type from auth.one_time_tokens where relates_to = $1', [email]);
    expect(ott).toEqual({ type: 'confirmation_token' });
  });

  it('refuses to sign in before confirmation, then confirms through the link', async () => {
    const email = uniqueEmail('confirmlink');
    const auth = server.auth();
    await auth.signUp({ email, password: PASSWORD });
    const early = await server.auth().signInWithPassword({ email, password: PASSWORD });
    expect(early.error?.code).toBe('email_not_confirmed');
    const location = await followLink((await waitForMail(email, 'signup')).links[0]!);
    expect(fragment(location).get('type')).toBe('signup');
    expect(fragment(location).get('access_token')).toMatch(/^ey/);
    const late = await server.auth().signInWithPassword({ email, password: PASSWORD });
    expect(late.error).toBeNull();
    expect(late.data.user?.user_metadata.email_verified).toBe(true);
    expect(late.data.user?.identities?.[0]?.identity_data?.email_verified).toBe(true);
  });

  it('answers a repeated sign-up of a confirmed address with an obfuscated user (no identities)', async () => {
    const email = uniqueEmail('confirmrepeat');
    await server.auth().signUp({ email, password: PASSWORD });
    const code = (await waitForMail(email, 'signup')).otps[0]!;
    const confirmed = await server.auth().verifyOtp({ email, token: code, type: 'signup' });
    expect(confirmed.error).toBeNull();
    const again = await server.auth().signUp({ email, password: PASSWORD });
    expect(again.error).toBeNull();
    expect(again.data.session).toBeNull();
    expect(again.data.user?.identities).toEqual([]);
    expect(again.data.user?.id).not.toBe(confirmed.data.user?.id);
    const audit = await sql(`select 1 from auth.audit_log_entries where payload->>'actor_id' = $1 and payload->>'action' = 'user_repeated_signup'`, [confirmed.data.user!.id]);
    expect(audit).toHaveLength(1);
  });

  it('resends the confirmation of a pending sign-up', async () => {
    const email = uniqueEmail('confirmresend');
    await server.auth().signUp({ email, password: PASSWORD });
    await waitForMail(email, 'signup');
    await sql(`update auth.users set confirmation_sent_at = now() - interval '1 minute' where email = $1`, [email]);
    const { error } = await server.auth().resend({ type: 'signup', email });
    expect(error).toBeNull();
    await waitForMail(email, 'signup', 2);
    // Only the newest code is valid.
    const [newest, older] = await mailTo(email);
    expect((await server.auth().verifyOtp({ email, token: older!.otps[0]!, type: 'signup' })).error?.code).toBe('otp_expired');
    expect((await server.auth().verifyOtp({ email, token: newest!.otps[0]!, type: 'signup' })).error).toBeNull();
  });

  it('confirms a PKCE sign-up with a code exchange (amr email/signup)', async () => {
    const email = uniqueEmail('confirmpkce');
    const auth = new AuthClient({
      url: server.url,
      headers: { apikey: stack.anonKey, Authorization: `Bearer ${stack.anonKey}`, 'X-Forwarded-For': randomIp() },
      persistSession: false,
      autoRefreshToken: false,
      detectSessionInUrl: false,
      flowType: 'pkce',
    });
    await auth.signUp({ email, password: PASSWORD });
    const link = (await waitForMail(email, 'signup')).links[0]!;
    expect(link).toContain('token=pkce_');
    const code = (await followLink(link)).searchParams.get('code')!;
    const { data, error } = await auth.exchangeCodeForSession(code);
    expect(error).toBeNull();
    const claims = JSON.parse(Buffer.from(data.session!.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.amr).toEqual([{ method: 'email/signup', timestamp: expect.any(Number) }]);
  });

  it('limits e-mails per address to email_sent per hour (429 over_email_send_rate_limit)', async () => {
    const auth = server.auth();
    expect((await auth.signUp({ email: uniqueEmail('mail1'), password: PASSWORD })).error).toBeNull();
    expect((await auth.signUp({ email: uniqueEmail('mail2'), password: PASSWORD })).error).toBeNull();
    const third = uniqueEmail('mail3');
    const { error } = await auth.signUp({ email: third, password: PASSWORD });
    expect(error?.status).toBe(429);
    expect(error?.code).toBe('over_email_send_rate_limit');
    expect(await sql('select 1 from auth.users where email = $1', [third])).toHaveLength(0);
  });

  it('needs both addresses to confirm an e-mail change (double_confirm_changes)', async () => {
    const email = uniqueEmail('double');
    await server.auth().signUp({ email, password: PASSWORD });
    await server.auth().verifyOtp({ email, token: (await waitForMail(email, 'signup')).otps[0]!, type: 'signup' });
    const auth = server.auth();
    await auth.signInWithPassword({ email, password: PASSWORD });
    const newEmail = uniqueEmail('double-new');
    const { data, error } = await auth.updateUser({ email: newEmail });
    expect(error).toBeNull();
    expect(data.user?.new_email).toBe(newEmail);
    const toCurrent = await waitForMail(email, 'email_change');
    const toNew = await waitForMail(newEmail, 'email_change');
    const first = await server.auth().verifyOtp({ email, token: toCurrent.otps[0]!, type: 'email_change' });
    expect(first.error).toBeNull();
    expect(first.data.session).toBeNull();
    expect(await sql('select email from auth.users where email = $1', [email])).toHaveLength(1);
    const second = await server.auth().verifyOtp({ email: newEmail, token: toNew.otps[0]!, type: 'email_change' });
    expect(second.error).toBeNull();
    expect(second.data.user?.email).toBe(newEmail);
  });
});
