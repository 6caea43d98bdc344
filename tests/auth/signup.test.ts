/**
 * Sign-up through supabase-js against the local auth server (confirmations on, as `supabase/config.toml`
 * configures it; autoconfirm is covered on a second server in confirmations.test.ts and the e-mail limit test): the session, the user and identity shapes, and every failure path.
 */
import { AuthWeakPasswordError, isAuthApiError } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { authFetch, client, PASSWORD, signedUpUser, sql, uniqueEmail } from './support.ts';

describe('POST /signup', () => {
  it('returns the user without a session until the address is confirmed', async () => {
    const c = client();
    const email = uniqueEmail('Signup').toUpperCase();
    const { data, error } = await c.auth.signUp({ email, password: PASSWORD, options: { data: { full_name: 'Ada L' } } });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    const user = data.user!;
    expect(user.email).toBe(email.toLowerCase());
    expect(user.role).toBe('authenticated');
    expect(user.aud).toBe('authenticated');
    expect(user.email_confirmed_at).toBeUndefined();
    expect(user.confirmation_sent_at).toBeTruthy();
    expect(user.app_metadata).toMatchObject({ provider: 'email', providers: ['email'] });
    expect(user.user_metadata).toEqual({
      sub: user.id,
      email: email.toLowerCase(),
      full_name: 'Ada L',
      email_verified: false,
      phone_verified: false,
    });
    expect(user.identities).toHaveLength(1);
    const identity = user.identities![0]!;
    expect(identity.id).toBe(user.id);
    expect(identity.provider).toBe('email');
    expect(identity.identity_data?.email_verified).toBe(false);
    expect((identity as unknown as { identity_id: string }).identity_id).not.toBe(user.id);
  });

  it('writes GoTrue empty values: instance_id, empty token columns, hashed password', async () => {
    const { user } = await signedUpUser('columns');
    const [row] = await sql(
      `select instance_id, encrypted_password, confirmation_token, recovery_token, email_change_token_new,
              email_change_token_current, email_change, phone_change, phone_change_token, reauthentication_token,
              is_anonymous, is_sso_user
       from auth.users where id = $1`,
      [user.id],
    );
    expect(row).toMatchObject({
      instance_id: '00000000-0000-0000-0000-000000000000',
      confirmation_token: '',
      recovery_token: '',
      email_change_token_new: '',
      email_change_token_current: '',
      email_change: '',
      phone_change: '',
      phone_change_token: '',
      reauthentication_token: '',
      is_anonymous: false,
      is_sso_user: false,
    });
    expect(row!.encrypted_password).toMatch(/^\$2a\$\d\d\$/);
  });

  it('records the sign-up, confirmation and login in the audit log', async () => {
    const { user } = await signedUpUser('audit');
    const rows = await sql<{ action: string }>(
      `select payload->>'action' as action from auth.audit_log_entries
       where payload->>'actor_id' = $1 order by created_at, payload->>'action'`,
      [user.id],
    );
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['user_confirmation_requested', 'user_signedup', 'login']));
  });

  it('answers an already registered address with a made-up unconfirmed user and no session', async () => {
    const { email, user } = await signedUpUser('dup');
    const { data, error } = await client().auth.signUp({ email, password: PASSWORD });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user?.id).not.toBe(user.id);
    expect(data.user?.identities).toEqual([]);
  });

  it('refuses a short password with AuthWeakPasswordError and reason length', async () => {
    const email = uniqueEmail('weak');
    const { error } = await client().auth.signUp({ email, password: 'abc123' });
    expect(error).toBeInstanceOf(AuthWeakPasswordError);
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('weak_password');
    expect((error as AuthWeakPasswordError).reasons).toEqual(['length']);
    expect(await sql('select 1 from auth.users where email = $1', [email])).toHaveLength(0);
  });

  it("refuses a password without a letter and a digit with reason characters (the functions' policy too)", async () => {
    const email = uniqueEmail('nodigit');
    const { error } = await client().auth.signUp({ email, password: 'correct-horse-battery' });
    expect(error).toBeInstanceOf(AuthWeakPasswordError);
    expect((error as AuthWeakPasswordError).reasons).toEqual(['characters']);
    expect(await sql('select 1 from auth.users where email = $1', [email])).toHaveLength(0);
  });

  it('refuses a password over 72 bytes with validation_failed', async () => {
    const { error } = await client().auth.signUp({ email: uniqueEmail('long'), password: 'x'.repeat(73) });
    expect(isAuthApiError(error)).toBe(true);
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('validation_failed');
  });

  it('refuses a malformed e-mail address with validation_failed', async () => {
    const { error } = await client().auth.signUp({ email: 'not-an-email', password: PASSWORD });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('validation_failed');
  });

  it('refuses a sign-up without password with validation_failed', async () => {
    const { error } = await client().auth.signUp({ email: uniqueEmail('nopass'), password: '' });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('validation_failed');
    expect(error?.message).toBe('Signup requires a valid password');
  });

  it('refuses anonymous sign-in while enable_anonymous_sign_ins is false', async () => {
    const { error } = await client().auth.signInAnonymously();
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('anonymous_provider_disabled');
  });

  it('answers GoTrue error headers: x-sb-error-code and X-Supabase-Api-Version', async () => {
    const response = await authFetch('/signup', { method: 'POST', body: JSON.stringify({ email: 'not an email', password: PASSWORD }) });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-sb-error-code')).toBe('validation_failed');
    expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(response.body).toEqual({ code: 'validation_failed', message: expect.any(String) });
  });

  it('answers the legacy error shape to clients without the API version header', async () => {
    const response = await authFetch('/signup', {
      method: 'POST',
      body: JSON.stringify({ email: 'not an email', password: PASSWORD }),
      headers: { 'X-Supabase-Api-Version': '' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-supabase-api-version')).toBeNull();
    expect(response.body).toEqual({ code: 400, error_code: 'validation_failed', msg: expect.any(String) });
  });
});
