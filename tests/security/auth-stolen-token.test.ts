/**
 * Attacks with a stolen access token (and nothing else): it must not be enough to change the password
 * or to move the account to an address the attacker controls.
 */
import { describe, expect, it } from 'vitest';
import { authFetch, client, sql, uniqueEmail } from '../auth/support.ts';
import { confirmEmail, mailTo, tokenHashOf, waitForMail } from '../helpers/mailbox.ts';
import { strongPassword } from '../helpers/http.ts';

async function victim(): Promise<{ email: string; password: string; accessToken: string; userId: string }> {
  const email = uniqueEmail('victim');
  const password = strongPassword();
  const c = client();
  await c.auth.signUp({ email, password });
  await confirmEmail(client(), email);
  const { data, error } = await c.auth.signInWithPassword({ email, password });
  if (error) throw new Error(`sign-in failed: ${error.message}`);
  return { email, password, accessToken: data.session.access_token, userId: data.user.id };
}

async function canSignIn(email: string, password: string): Promise<boolean> {
  return (await client().auth.signInWithPassword({ email, password })).data.session !== null;
}

describe('an attacker holding only a stolen access token', () => {
  it('cannot change the password through Auth (PUT /auth/v1/user) on a fresh session', async () => {
    const v = await victim();
    const result = await authFetch('/user', { method: 'PUT', bearer: v.accessToken, body: JSON.stringify({ password: 'attacker-new-1' }) });
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(await canSignIn(v.email, 'attacker-new-1')).toBe(false);
    expect(await canSignIn(v.email, v.password)).toBe(true);
  });

  it('needs the mailed reauthentication nonce on a session older than a day, even with the current password', async () => {
    const v = await victim();
    await sql(`update auth.sessions set created_at = now() - interval '25 hours' where user_id = $1`, [v.userId]);
    const result = await authFetch('/user', {
      method: 'PUT',
      bearer: v.accessToken,
      body: JSON.stringify({ password: 'attacker-new-2', current_password: v.password }),
    });
    expect(result.status).toBe(400);
    expect(result.body.code).toBe('reauthentication_needed');
    expect(await canSignIn(v.email, 'attacker-new-2')).toBe(false);
  });

  it('cannot change the password through the change-password function without the current password', async () => {
    const v = await victim();
    const c = client();
    const { error } = await c.functions.invoke('change-password', {
      body: { current_password: 'guessed-wrong-1', password: 'attacker-new-3', password_confirmation: 'attacker-new-3' },
      headers: { Authorization: `Bearer ${v.accessToken}` },
    });
    expect(error).not.toBeNull();
    expect(await canSignIn(v.email, 'attacker-new-3')).toBe(false);
  });

  it('cannot move the account to an address the attacker controls', async () => {
    const v = await victim();
    const attackerEmail = uniqueEmail('attacker');
    const result = await authFetch('/user', { method: 'PUT', bearer: v.accessToken, body: JSON.stringify({ email: attackerEmail }) });
    expect(result.status).toBe(200);
    // The attacker follows the link sent to their own address …
    const toAttacker = await waitForMail(attackerEmail, 'email_change');
    await client().auth.verifyOtp({ token_hash: tokenHashOf(toAttacker), type: 'email_change' });
    // … which is not enough: the owner's address never agreed.
    const [row] = await sql<{ email: string }>('select email from auth.users where id = $1', [v.userId]);
    expect(row!.email).toBe(v.email);
    expect((await mailTo(v.email)).some((m) => m.type === 'email_change')).toBe(true);
  });
});

describe('the owner, with their password and their mailbox', () => {
  it('changes the password on an old session after a reauthentication nonce from the mailbox', async () => {
    const v = await victim();
    await sql(`update auth.sessions set created_at = now() - interval '25 hours' where user_id = $1`, [v.userId]);
    const sent = await authFetch('/reauthenticate', { bearer: v.accessToken });
    expect(sent.status).toBe(200);
    const message = await waitForMail(v.email, 'reauthentication');
    const next = strongPassword();
    const result = await authFetch('/user', {
      method: 'PUT',
      bearer: v.accessToken,
      body: JSON.stringify({ password: next, current_password: v.password, nonce: message.otps[0] }),
    });
    expect(result.status).toBe(200);
    expect(await canSignIn(v.email, next)).toBe(true);
  });
});
