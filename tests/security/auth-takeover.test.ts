/**
 * Attacks on accounts nobody has accepted yet: an invited user (admin invite, business member, admin
 * created by an admin) or an address someone else signed up first. Whoever knows the address must not
 * get a session as that user, nor make a password they chose (or learn one set by someone else) work.
 */
import { describe, expect, it } from 'vitest';
import { adminClient, client, eventually, PASSWORD, sql, uniqueEmail } from '../auth/support.ts';
import { confirmEmail, mailTo, waitForMail, tokenHashOf } from '../helpers/mailbox.ts';
import { strongPassword } from '../helpers/http.ts';

const ATTACKER_PASSWORD = 'attacker-chosen-1';

async function invite(email: string): Promise<string> {
  const { data, error } = await adminClient().auth.admin.inviteUserByEmail(email, { data: { first_name: 'In', last_name: 'Vitee' } });
  if (error) throw new Error(`invite failed: ${error.message}`);
  return data.user.id;
}

describe('an attacker who knows the address of an invited user', () => {
  it('gets no session by signing up with that address', async () => {
    const email = uniqueEmail('invitee');
    const id = await invite(email);
    const attacker = client();
    const { data } = await attacker.auth.signUp({ email, password: ATTACKER_PASSWORD });
    expect(data.session).toBeNull();
    expect(data.user?.id ?? null).not.toBe(id);
    const [row] = await sql<{ email_confirmed_at: string | null }>('select email_confirmed_at from auth.users where id = $1', [id]);
    expect(row!.email_confirmed_at).toBeNull();
  });

  it('cannot sign in with a password chosen at sign-up, before or after the invitee accepts', async () => {
    const email = uniqueEmail('invitee');
    await invite(email);
    const attacker = client();
    await attacker.auth.signUp({ email, password: ATTACKER_PASSWORD });
    expect((await client().auth.signInWithPassword({ email, password: ATTACKER_PASSWORD })).data.session).toBeNull();
    // The invitee accepts from their mailbox: the attacker's password still opens nothing.
    const invitee = client();
    await confirmEmail(invitee, email, 'invite');
    expect((await client().auth.signInWithPassword({ email, password: ATTACKER_PASSWORD })).data.session).toBeNull();
  });

  it('gets no session through a magic link or OTP request: the mail goes to the mailbox owner', async () => {
    const email = uniqueEmail('invitee');
    await invite(email);
    const attacker = client();
    const { data } = await attacker.auth.signInWithOtp({ email });
    expect(data.session).toBeNull();
    expect((await attacker.auth.getSession()).data.session).toBeNull();
  });

  it('gets no session by registering through register-client with that address', async () => {
    const email = uniqueEmail('invitee');
    const id = await invite(email);
    const attacker = client();
    await attacker.functions.invoke('register-client', {
      body: { email, password: ATTACKER_PASSWORD, password_confirmation: ATTACKER_PASSWORD, first_name: 'Eve', last_name: 'Attacker' },
    });
    expect((await client().auth.signInWithPassword({ email, password: ATTACKER_PASSWORD })).data.session).toBeNull();
    const [row] = await sql<{ email_confirmed_at: string | null; first_name: string | null }>(
      'select u.email_confirmed_at, p.first_name from auth.users u join public.profiles p on p.id = u.id where u.id = $1',
      [id],
    );
    expect(row!.email_confirmed_at).toBeNull();
    expect(row!.first_name).not.toBe('Eve');
  });
});

describe('an attacker who signs an address up before its owner does', () => {
  it('cannot sign in once the owner signs up too and confirms from the mailbox', async () => {
    const email = uniqueEmail('victim');
    await client().auth.signUp({ email, password: ATTACKER_PASSWORD });
    const owner = client();
    const ownerPassword = strongPassword();
    // Auth sends one mail per address per second (max_frequency): the owner retries until it goes out.
    await eventually(async () => !(await owner.auth.signUp({ email, password: ownerPassword })).error, 10_000, "the owner's sign-up");
    // The owner follows the newest confirmation link in their mailbox.
    const message = await waitForMail(email, 'signup', 2);
    const { data } = await owner.auth.verifyOtp({ token_hash: tokenHashOf(message), type: 'signup' });
    expect(data.session).not.toBeNull();
    expect((await client().auth.signInWithPassword({ email, password: ATTACKER_PASSWORD })).data.session).toBeNull();
  });

  it('cannot sign in once the owner registers through register-client and confirms', async () => {
    const email = uniqueEmail('victim');
    await client().auth.signUp({ email, password: ATTACKER_PASSWORD });
    const ownerPassword = strongPassword();
    const owner = client();
    await owner.functions.invoke('register-client', {
      body: { email, password: ownerPassword, password_confirmation: ownerPassword, first_name: 'Olga', last_name: 'Owner' },
    });
    const messages = (await mailTo(email)).filter((m) => m.type === 'signup');
    const message = messages[0] ?? (await waitForMail(email, 'signup'));
    await owner.auth.verifyOtp({ token_hash: tokenHashOf(message), type: 'signup' });
    expect((await client().auth.signInWithPassword({ email, password: ATTACKER_PASSWORD })).data.session).toBeNull();
  });
});

describe('sign-up under the shipped configuration', () => {
  it('gives no session before the address is confirmed from the mailbox', async () => {
    const email = uniqueEmail('fresh');
    const c = client();
    const { data, error } = await c.auth.signUp({ email, password: PASSWORD });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    const session = await confirmEmail(client(), email);
    expect(session.user.email).toBe(email);
  });
});
