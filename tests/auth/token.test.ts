/**
 * `POST /token`: password sign-in, refresh-token rotation with reuse detection (contract §2.4, v1
 * tokens), and the failure paths supabase-js turns into error classes.
 */
import { AuthApiError, AuthSessionMissingError } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { sourceAddressFor } from '../helpers/client-address.ts';
import { adminClient, authFetch, client, followLink, PASSWORD, signedUpUser, sql, uniqueEmail, waitForMail } from './support.ts';

describe('password grant', () => {
  it('signs in with the right password and returns a session with GoTrue claims', async () => {
    const { email, user } = await signedUpUser('signin');
    const c = client();
    const { data, error } = await c.auth.signInWithPassword({ email, password: PASSWORD });
    expect(error).toBeNull();
    const claims = decodeJwt(data.session!.access_token);
    expect(Object.keys(claims)).toEqual(['iss', 'sub', 'aud', 'exp', 'iat', 'email', 'phone', 'app_metadata', 'user_metadata', 'role', 'aal', 'amr', 'session_id', 'is_anonymous']);
    expect(claims).toMatchObject({
      iss: `${process.env.SUPABASE_URL}/auth/v1`,
      sub: user.id,
      aud: 'authenticated',
      email,
      phone: '',
      role: 'authenticated',
      aal: 'aal1',
      is_anonymous: false,
    });
    expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
    expect(claims.exp! - claims.iat!).toBe(3600);
    const sessions = await sql('select 1 from auth.sessions where id = $1 and user_id = $2', [claims.session_id, user.id]);
    expect(sessions).toHaveLength(1);
    expect(data.user?.last_sign_in_at).toBeTruthy();
  });

  it('refuses a wrong password with invalid_credentials', async () => {
    const { email } = await signedUpUser('wrongpw');
    const { data, error } = await client().auth.signInWithPassword({ email, password: 'not-the-password' });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('invalid_credentials');
    expect(error?.message).toBe('Invalid login credentials');
    expect(data.session).toBeNull();
  });

  it('refuses an unknown user with the same invalid_credentials', async () => {
    const { error } = await client().auth.signInWithPassword({ email: uniqueEmail('nobody'), password: PASSWORD });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('invalid_credentials');
  });

  it('refuses an unconfirmed user with email_not_confirmed', async () => {
    const email = uniqueEmail('unconfirmed');
    const created = await adminClient().auth.admin.createUser({ email, password: PASSWORD });
    expect(created.error).toBeNull();
    const { error } = await client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('email_not_confirmed');
  });

  it('refuses a banned user with user_banned', async () => {
    const { email, user } = await signedUpUser('banned');
    await adminClient().auth.admin.updateUserById(user.id, { ban_duration: '1h' });
    const { error } = await client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('user_banned');
  });

  it('refuses an unknown grant type with 400 unsupported_grant_type', async () => {
    const response = await authFetch('/token?grant_type=magic', { method: 'POST', body: '{}' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ code: 'invalid_credentials', message: 'unsupported_grant_type' });
  });

  it('reports a weak (but correct) password on sign-in without refusing it', async () => {
    const email = uniqueEmail('weaksignin');
    await adminClient().auth.admin.createUser({ email, password: 'ab12', email_confirm: true });
    const { data, error } = await client().auth.signInWithPassword({ email, password: 'ab12' });
    expect(error).toBeNull();
    expect(data.weakPassword?.reasons).toEqual(['length']);
  });
});

describe('refresh_token grant', () => {
  it('rotates: a new refresh token, the old one revoked, its parent recorded', async () => {
    const { client: c, session } = await signedUpUser('rotate');
    const { data, error } = await c.auth.refreshSession();
    expect(error).toBeNull();
    expect(data.session!.refresh_token).not.toBe(session.refresh_token);
    expect(decodeJwt(data.session!.access_token).session_id).toBe(decodeJwt(session.access_token).session_id);
    const rows = await sql<{ token: string; revoked: boolean; parent: string | null }>('select token, revoked, parent from auth.refresh_tokens where token = any($1) order by id', [
      [session.refresh_token, data.session!.refresh_token],
    ]);
    expect(rows).toEqual([
      { token: session.refresh_token, revoked: true, parent: null },
      { token: data.session!.refresh_token, revoked: false, parent: session.refresh_token },
    ]);
  });

  it('answers the active token again when the old one is its parent (client lost the response)', async () => {
    const { client: c, session } = await signedUpUser('parent');
    const first = await c.auth.refreshSession();
    const again = await client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(again.error).toBeNull();
    expect(again.data.session!.refresh_token).toBe(first.data.session!.refresh_token);
  });

  it('rotates a revoked token again inside the reuse interval', async () => {
    const { client: c, session } = await signedUpUser('reusein');
    const first = await c.auth.refreshSession();
    // Rotating the child makes the original a grandparent, no longer the active token's parent.
    await client().auth.refreshSession({ refresh_token: first.data.session!.refresh_token });
    const again = await client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(again.error).toBeNull();
    expect(again.data.session!.refresh_token).toMatch(/^[a-z2-7]{12}$/);
  });

  it('refuses a revoked token outside the reuse interval and revokes the whole session', async () => {
    const { client: c, session } = await signedUpUser('reuseout');
    const first = await c.auth.refreshSession();
    const second = await client().auth.refreshSession({ refresh_token: first.data.session!.refresh_token });
    // Move the revocation of the original token past the 10 s reuse interval instead of waiting.
    await sql(`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = $1`, [session.refresh_token]);
    const reused = await client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(reused.error).toBeInstanceOf(AuthApiError);
    expect(reused.error?.status).toBe(400);
    expect(reused.error?.code).toBe('refresh_token_already_used');
    const active = await sql('select 1 from auth.refresh_tokens where session_id = $1 and revoked = false', [decodeJwt(session.access_token).session_id]);
    expect(active).toHaveLength(0);
    const [newest] = await sql('select revoked from auth.refresh_tokens where token = $1', [second.data.session!.refresh_token]);
    expect(newest).toEqual({ revoked: true });
  });

  it('serialises concurrent refreshes of one token: all get the same child token', async () => {
    const { session } = await signedUpUser('concurrent');
    const results = await Promise.all(Array.from({ length: 5 }, () => client().auth.refreshSession({ refresh_token: session.refresh_token })));
    expect(results.map((r) => r.error)).toEqual([null, null, null, null, null]);
    expect(new Set(results.map((r) => r.data.session!.refresh_token)).size).toBe(1);
    const children = await sql('select 1 from auth.refresh_tokens where parent = $1', [session.refresh_token]);
    expect(children).toHaveLength(1);
  });

  it('refuses an unknown refresh token with refresh_token_not_found', async () => {
    const { error } = await client().auth.refreshSession({ refresh_token: 'abcdefghijkl' });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('refresh_token_not_found');
  });

  it('refuses an empty refresh token with the OAuth error invalid_request', async () => {
    const response = await authFetch('/token?grant_type=refresh_token', { method: 'POST', body: '{"refresh_token":""}' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_request', error_description: 'refresh_token required' });
  });

  it('refuses the refresh of a banned user with user_banned', async () => {
    const { client: c, user } = await signedUpUser('banrefresh');
    await adminClient().auth.admin.updateUserById(user.id, { ban_duration: '1h' });
    const { error } = await c.auth.refreshSession();
    expect(error?.code).toBe('user_banned');
  });

  it('records the refreshing client in the session (user agent, IP, refreshed_at)', async () => {
    const { session } = await signedUpUser('refreshinfo');
    const c = client(undefined, { ip: '203.0.113.77', userAgent: 'refresh-agent/1.0' });
    const { error } = await c.auth.refreshSession({ refresh_token: session.refresh_token });
    expect(error).toBeNull();
    const [row] = await sql('select user_agent, host(ip) as ip, refreshed_at from auth.sessions where id = $1', [decodeJwt(session.access_token).session_id]);
    expect(row).toMatchObject({ user_agent: 'refresh-agent/1.0', ip: sourceAddressFor('203.0.113.77') });
    expect(row!.refreshed_at).not.toBeNull();
  });
});

describe('pkce grant', () => {
  it('exchanges the code from a PKCE magic link for a session with amr magiclink', async () => {
    const { email } = await signedUpUser('pkce');
    const c = client(undefined, { flowType: 'pkce' });
    const sent = await c.auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
    expect(sent.error).toBeNull();
    const mail = await waitForMail(email, 'magiclink');
    expect(mail.links[0]).toContain('token=pkce_');
    const location = await followLink(mail.links[0]!);
    const code = location.searchParams.get('code');
    expect(code).toBeTruthy();
    const { data, error } = await c.auth.exchangeCodeForSession(code!);
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe(email);
    expect(decodeJwt(data.session!.access_token).amr).toEqual([{ method: 'magiclink', timestamp: expect.any(Number) }]);
    const flows = await sql('select 1 from auth.flow_state where auth_code = $1', [code]);
    expect(flows).toHaveLength(0);
  });

  it('refuses an unknown auth code with flow_state_not_found (404)', async () => {
    const c = client(undefined, { flowType: 'pkce' });
    // supabase-js needs a stored verifier to send the exchange at all.
    await (c.auth as unknown as { storage: { setItem(k: string, v: string): Promise<void> }; storageKey: string }).storage.setItem(
      `${(c.auth as unknown as { storageKey: string }).storageKey}-code-verifier`,
      JSON.stringify('v'.repeat(43)),
    );
    const { error } = await c.auth.exchangeCodeForSession('00000000-0000-4000-8000-000000000000');
    expect(error?.status).toBe(404);
    expect(error?.code).toBe('flow_state_not_found');
  });

  it('refuses a wrong code verifier with bad_code_verifier', async () => {
    const { email } = await signedUpUser('pkcebad');
    const c = client(undefined, { flowType: 'pkce' });
    await c.auth.resetPasswordForEmail(email);
    const location = await followLink((await waitForMail(email, 'recovery')).links[0]!);
    const code = location.searchParams.get('code')!;
    const response = await authFetch('/token?grant_type=pkce', {
      method: 'POST',
      body: JSON.stringify({ auth_code: code, code_verifier: 'w'.repeat(50) }),
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('bad_code_verifier');
  });

  it('refuses an exchange without verifier with validation_failed', async () => {
    const response = await authFetch('/token?grant_type=pkce', { method: 'POST', body: '{"auth_code":"x"}' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
  });
});

describe('session errors seen by getUser', () => {
  it('answers session_not_found after logout, which supabase-js raises as AuthSessionMissingError', async () => {
    const { client: c, session } = await signedUpUser('gone');
    await c.auth.signOut({ scope: 'global' });
    const { error } = await client().auth.getUser(session.access_token);
    expect(error).toBeInstanceOf(AuthSessionMissingError);
  });
});
