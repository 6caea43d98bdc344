/**
 * User enumeration: whether an address has an account must not show in the answers of sign-up,
 * registration, magic link / OTP, or in the password grant's answer for a banned user.
 */
import { describe, expect, it } from 'vitest';
import { adminClient, authFetch, client, randomIp, stack, uniqueEmail } from '../auth/support.ts';
import { confirmEmail, mailTo, waitForMail } from '../helpers/mailbox.ts';
import { strongPassword } from '../helpers/http.ts';

async function registeredAddress(): Promise<{ email: string; password: string; id: string }> {
  const email = uniqueEmail('known');
  const password = strongPassword();
  const { data, error } = await adminClient().auth.admin.createUser({ email, password, email_confirm: true });
  if (error) throw new Error(`createUser failed: ${error.message}`);
  return { email, password, id: data.user.id };
}

/** `POST /functions/v1/register-client` as a browser sends it; status and JSON body. */
async function registerClient(body: object): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.url}/functions/v1/register-client`, {
    method: 'POST',
    headers: { apikey: stack.publishableKey, 'Content-Type': 'application/json', 'X-Forwarded-For': randomIp() },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

function registrationBody(email: string) {
  const password = strongPassword();
  return { email, password, password_confirmation: password, first_name: 'Probe', last_name: 'Person' };
}

describe('an attacker probing which addresses have an account', () => {
  it('gets the same answer from /signup for a registered and a new address', async () => {
    const known = await registeredAddress();
    const fresh = uniqueEmail('fresh');
    const a = await authFetch('/signup', { method: 'POST', body: JSON.stringify({ email: known.email, password: strongPassword() }) });
    const b = await authFetch('/signup', { method: 'POST', body: JSON.stringify({ email: fresh, password: strongPassword() }) });
    expect(a.status).toBe(b.status);
    expect(a.body.access_token).toBeUndefined();
    expect(b.body.access_token).toBeUndefined();
    expect(Object.keys(a.body).sort()).toEqual(Object.keys(b.body).sort());
  });

  it('gets the same answer from register-client for a registered and a new address; the owner is told by mail', async () => {
    const known = await registeredAddress();
    const fresh = uniqueEmail('fresh');
    const a = await registerClient(registrationBody(known.email));
    const b = await registerClient(registrationBody(fresh));
    expect(a.status).toBe(b.status);
    expect(a.status).toBe(201);
    expect(Object.keys(a.body).sort()).toEqual(Object.keys(b.body).sort());
    expect(Object.keys(a.body.user).sort()).toEqual(Object.keys(b.body.user).sort());
    expect(Object.keys(a.body.profile).sort()).toEqual(Object.keys(b.body.profile).sort());
    expect(a.body.user.email_confirmed_at).toBe(b.body.user.email_confirmed_at);
    await waitForMail(known.email);
  });

  it('gets the same answer from a magic-link request for a registered and a new address', async () => {
    const known = await registeredAddress();
    const a = await authFetch('/otp', { method: 'POST', body: JSON.stringify({ email: known.email }) });
    const b = await authFetch('/otp', { method: 'POST', body: JSON.stringify({ email: uniqueEmail('fresh') }) });
    expect([a.status, a.body]).toEqual([b.status, b.body]);
  });

  it('cannot tell a banned account from a wrong password', async () => {
    const known = await registeredAddress();
    await adminClient().auth.admin.updateUserById(known.id, { ban_duration: '24h' });
    const banned = await client().auth.signInWithPassword({ email: known.email, password: 'wrong-password-1' });
    const unknown = await client().auth.signInWithPassword({ email: uniqueEmail('nobody'), password: 'wrong-password-1' });
    expect(banned.error?.code).toBe('invalid_credentials');
    expect([banned.error?.status, banned.error?.message]).toEqual([unknown.error?.status, unknown.error?.message]);
  });
});

describe('a person registering', () => {
  it('confirms the address from the mailbox before the account can be used', async () => {
    const fresh = uniqueEmail('fresh');
    const body = registrationBody(fresh);
    const response = await registerClient(body);
    expect(response.status).toBe(201);
    expect((await client().auth.signInWithPassword({ email: fresh, password: body.password })).error?.code).toBe('email_not_confirmed');
    await confirmEmail(client(), fresh);
    expect((await client().auth.signInWithPassword({ email: fresh, password: body.password })).data.session).not.toBeNull();
    expect((await mailTo(fresh)).length).toBeGreaterThan(0);
  });
});
