/**
 * Guessing attacks that rotate the client address: wrong passwords and wrong one-time codes are also
 * counted per account, so a new address per attempt does not buy new guesses.
 */
import { describe, expect, it } from 'vitest';
import { adminClient, authFetch, client, sql, uniqueEmail } from '../auth/support.ts';
import { waitForMail } from '../helpers/mailbox.ts';
import { strongPassword } from '../helpers/http.ts';

async function account(): Promise<{ email: string; password: string }> {
  const email = uniqueEmail('target');
  const password = strongPassword();
  const { error } = await adminClient().auth.admin.createUser({ email, password, email_confirm: true });
  if (error) throw new Error(error.message);
  return { email, password };
}

/** Sequential wrong guesses, each from a new client address. */
async function wrongPasswords(email: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await client().auth.signInWithPassword({ email, password: `wrong-guess-${i}` });
}

describe('an attacker guessing one account from ever new addresses', () => {
  it('is stopped after a few wrong passwords, and the answer does not reveal a right guess', async () => {
    const target = await account();
    await wrongPasswords(target.email, 10);
    const wrong = await client().auth.signInWithPassword({ email: target.email, password: 'wrong-guess-x' });
    const right = await client().auth.signInWithPassword({ email: target.email, password: target.password });
    expect(wrong.error?.status).toBe(429);
    expect(right.data.session).toBeNull();
    expect([right.error?.status, right.error?.code]).toEqual([wrong.error?.status, wrong.error?.code]);
  });

  it('is stopped the same way on an address without an account (no enumeration by the limit)', async () => {
    const email = uniqueEmail('nobody');
    await wrongPasswords(email, 10);
    const wrong = await client().auth.signInWithPassword({ email, password: 'wrong-guess-x' });
    expect(wrong.error?.status).toBe(429);
  });

  it('kills a mailed recovery code after a few wrong codes', async () => {
    const target = await account();
    await client().auth.resetPasswordForEmail(target.email);
    const mail = await waitForMail(target.email, 'recovery');
    const code = mail.otps[0]!;
    for (let i = 0; i < 5; i++) {
      const guess = String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
      const { error } = await client().auth.verifyOtp({ email: target.email, token: guess, type: 'recovery' });
      expect(error?.code).toBe('otp_expired');
    }
    const late = await client().auth.verifyOtp({ email: target.email, token: code, type: 'recovery' });
    expect(late.data.session).toBeNull();
    expect(late.error?.code).toBe('otp_expired');
  });

  it('kills a reauthentication nonce after a few wrong nonces', async () => {
    const target = await account();
    const c = client();
    const { data } = await c.auth.signInWithPassword(target);
    const token = data.session!.access_token;
    await sql(`update auth.sessions set created_at = now() - interval '25 hours' where user_id = $1`, [data.user!.id]);
    await authFetch('/reauthenticate', { bearer: token });
    const mail = await waitForMail(target.email, 'reauthentication');
    const nonce = mail.otps[0]!;
    const next = strongPassword();
    for (let i = 0; i < 5; i++) {
      const guess = String((Number(nonce) + 1 + i) % 1_000_000).padStart(6, '0');
      await authFetch('/user', { method: 'PUT', bearer: token, body: JSON.stringify({ password: next, current_password: target.password, nonce: guess }) });
    }
    const late = await authFetch('/user', {
      method: 'PUT',
      bearer: token,
      body: JSON.stringify({ password: next, current_password: target.password, nonce }),
    });
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect((await client().auth.signInWithPassword({ email: target.email, password: next })).data.session).toBeNull();
  });
});
