/**
 * Sign-up through supabase-js against the local auth server (autoconfirm, as `supabase/config.toml`
 * configures it): the session, the user and identity shapes, and every failure path.
 */
import { AuthApiError, AuthWeakPasswordError, isAuthApiError } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { authFetch, client, PASSWORD, signedUpUser, sql, uniqueEmail } from './support.ts';

describe('POST /signup', () => {
  it('returns a session and a confirmed user when confirmations are off', async () => {
    const c = client();
    const email = uniqueEmail('Signup').toUpperCase();
    const { data, error } = await c.auth.signUp({ email, password: PASSWORD, options: { data: { full_name: 'Ada L' } } });
    expect(error).toBeNull();
    expect(data.session?.access_token).toMatch(/^ey/);
    expect(data.session?.refresh_token).toMatch(/^[a-z2-7]{12}$/);
    expect(data.session?.token_type).toBe('bearer');
    expect(data.session?.expires_in).toBeGreaterThan(3500);
    const user = data.user!;
    expect(user.email).toBe(email.toLowerCase());
    expect(user.role).toBe('authenticated');
    expect(user.aud).toBe('authenticated');
    expect(user.email_confirmed_at).toBeTruthy();
    // toMatchObject: project migrations may add keys (e.g. a platform role) from triggers.
    expect(user.app_metadata).toMatchObject({ provider: 'email', providers: ['email'] });
    expect(user.user_metadata).toEqual({
      sub: user.id,
      email: email.toLowerCase(),
      full_name: 'Ada L',
      email_verified: true,
      phone_verified: false,
    });
    expect(user.identities).toHaveLength(1);
    const identity = user.identities![0]!;
    expect(identity.id).toBe(user.id);
    expect(identity.provider).toBe('email');
    // Like GoTrue: autoconfirm marks the user's metadata verified, not the identity's data.
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
    expect(rows.map((r) => r.action).sort()).toEqual(['login', 'user_signedup']);
  });

  it('refuses an address that is already registered with user_already_exists', async () => {
    const { email } = await signedUpUser('dup');
    const { data, error } = await client().auth.signUp({ email, password: PASSWORD });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('user_already_exists');
    expect(data.session).toBeNull();
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

  it('refuses a password without a letter and a digit with reason characters (the functions\' policy too)', async () => {
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
