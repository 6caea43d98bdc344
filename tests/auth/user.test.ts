/**
 * `GET /user` and `PUT /user` through supabase-js: token checks, metadata merge, password change,
 * e-mail change by confirmation.
 */
import { AuthApiError, AuthWeakPasswordError } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { signHs256 } from '../../src/stack/keys.ts';
import { authFetch, client, PASSWORD, signedUpUser, sql, stack, uniqueEmail, waitForMail } from './support.ts';

describe('GET /user', () => {
  it('returns the user of the access token', async () => {
    const { client: c, user } = await signedUpUser('getuser');
    const { data, error } = await c.auth.getUser();
    expect(error).toBeNull();
    expect(data.user?.id).toBe(user.id);
    expect(data.user?.identities).toHaveLength(1);
  });

  it('refuses an expired token with bad_jwt (403)', async () => {
    const { session } = await signedUpUser('expired');
    const claims = { ...decodeJwt(session.access_token), exp: Math.floor(Date.now() / 1000) - 60 };
    const { error } = await client().auth.getUser(signHs256(claims, stack.jwtSecret));
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('bad_jwt');
  });

  it('refuses a tampered token with bad_jwt (403)', async () => {
    const { session } = await signedUpUser('tampered');
    const [header, , signature] = session.access_token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(session.access_token), role: 'service_role' })).toString('base64url');
    const { error } = await client().auth.getUser(`${header}.${forged}.${signature}`);
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('bad_jwt');
  });

  it('refuses an API key (no sub claim) with bad_jwt', async () => {
    const { error } = await client().auth.getUser(stack.anonKey);
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('bad_jwt');
  });

  it('refuses a token whose sub is not a UUID with 400 bad_jwt', async () => {
    const token = signHs256({ sub: "1' or '1'='1", role: 'authenticated', aud: 'authenticated', exp: Math.floor(Date.now() / 1000) + 60 }, stack.jwtSecret);
    const { error } = await client().auth.getUser(token);
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('bad_jwt');
  });

  it('refuses a token of a deleted user with user_not_found (403)', async () => {
    const { session, user } = await signedUpUser('deleted');
    await sql('delete from auth.users where id = $1', [user.id]);
    const { error } = await client().auth.getUser(session.access_token);
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('user_not_found');
  });

  it('refuses a request without a Bearer token with no_authorization (401)', async () => {
    // The gateway keeps a non-Bearer Authorization header as it is (contract §4.4).
    const response = await authFetch('/user', { headers: { Authorization: 'Basic dXNlcjpwdw==' } });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'no_authorization' });
  });
});

describe('PUT /user', () => {
  it('merges data into user_metadata and deletes keys set to null', async () => {
    const { client: c } = await signedUpUser('merge', { plan: 'free', theme: 'dark' });
    const { data, error } = await c.auth.updateUser({ data: { plan: 'pro', theme: null, locale: 'fr' } });
    expect(error).toBeNull();
    expect(data.user?.user_metadata).toMatchObject({ plan: 'pro', locale: 'fr' });
    expect(data.user?.user_metadata).not.toHaveProperty('theme');
  });

  it('changes the password, keeps the current session and ends the others', async () => {
    const { client: c, email, session } = await signedUpUser('pwchange');
    const other = client();
    const otherSignIn = await other.auth.signInWithPassword({ email, password: PASSWORD });
    const { error } = await c.auth.updateUser({ password: 'a-brand-new-password-5', current_password: PASSWORD });
    expect(error).toBeNull();
    const sessions = await sql<{ id: string }>('select id from auth.sessions where user_id = $1', [decodeJwt(session.access_token).sub]);
    expect(sessions.map((s) => s.id)).toEqual([decodeJwt(session.access_token).session_id]);
    const stale = await client().auth.refreshSession({ refresh_token: otherSignIn.data.session!.refresh_token });
    expect(stale.error?.code).toBe('refresh_token_not_found');
    expect((await client().auth.signInWithPassword({ email, password: PASSWORD })).error?.code).toBe('invalid_credentials');
    expect((await client().auth.signInWithPassword({ email, password: 'a-brand-new-password-5' })).error).toBeNull();
  });

  it('refuses the current password as new password with same_password (422)', async () => {
    const { client: c } = await signedUpUser('samepw');
    const { error } = await c.auth.updateUser({ password: PASSWORD, current_password: PASSWORD });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('same_password');
  });

  it('refuses a weak new password with AuthWeakPasswordError', async () => {
    const { client: c } = await signedUpUser('weaknew');
    const { error } = await c.auth.updateUser({ password: 'abc' });
    expect(error).toBeInstanceOf(AuthWeakPasswordError);
    expect(error?.code).toBe('weak_password');
  });

  it('refuses app_metadata from a user with not_admin (403)', async () => {
    const { session } = await signedUpUser('appmeta');
    const response = await authFetch('/user', {
      method: 'PUT',
      bearer: session.access_token,
      body: JSON.stringify({ app_metadata: { role: 'admin' } }),
    });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('not_admin');
  });

  it('changes the e-mail only after both the current and the new address confirm it', async () => {
    const { client: c, email, user } = await signedUpUser('emailchange');
    const newEmail = uniqueEmail('emailchange-new');
    const { data, error } = await c.auth.updateUser({ email: newEmail });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
    expect(data.user?.new_email).toBe(newEmail);
    const mail = await waitForMail(newEmail, 'email_change');
    const [pending] = await sql('select email, email_change from auth.users where id = $1', [user.id]);
    expect(pending).toEqual({ email, email_change: newEmail });
    const first = await client().auth.verifyOtp({ email: newEmail, token: mail.otps[0]!, type: 'email_change' });
    expect(first.error).toBeNull();
    expect(first.data.session).toBeNull();
    const [half] = await sql('select email from auth.users where id = $1', [user.id]);
    expect(half).toEqual({ email });
    const toCurrent = await waitForMail(email, 'email_change');
    const verified = await client().auth.verifyOtp({ email, token: toCurrent.otps[0]!, type: 'email_change' });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email).toBe(newEmail);
    const [row] = await sql<{ email: string; email_change: string; identity_email: string }>(
      `select u.email, u.email_change, i.identity_data->>'email' as identity_email
       from auth.users u join auth.identities i on i.user_id = u.id and i.provider = 'email' where u.id = $1`,
      [user.id],
    );
    expect(row).toEqual({ email: newEmail, email_change: '', identity_email: newEmail });
  });

  it('refuses an e-mail change to an address in use with email_exists (422)', async () => {
    const { email: taken } = await signedUpUser('taken');
    const { client: c } = await signedUpUser('wants');
    const { error } = await c.auth.updateUser({ email: taken });
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('email_exists');
  });
});
