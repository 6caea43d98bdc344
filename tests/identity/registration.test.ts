/**
 * Registration through the SDK: client and tool creator (public Edge Functions), B2C self sign-up through
 * plain supabase.auth.signUp, admins creating admins, and the failures a user meets — duplicate e-mail or
 * username, weak password, mismatched confirmation, a non-admin creating an admin — plus idempotent
 * retries and the guarantee that a registration failing half-way leaves no user behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KitClient } from '../../src/sdk/index.ts';
import { confirmEmail } from '../helpers/mailbox.ts';
import { authUserCount, callFunction, claims, createUser, kit, registration, sql, stack, strongPassword, uniqueEmail, uniqueUsername, type TestUser } from './support.ts';

let admin: TestUser;

beforeAll(async () => {
  admin = await createUser('admin');
});

/** The new user confirms from the mailbox (confirmations are on), then signs in on `client`. */
async function confirmAndSignIn(client: ReturnType<typeof kit>, email: string, password: string) {
  await confirmEmail(kit().supabase, email);
  const signedIn = await client.auth.signIn({ email, password });
  if (signedIn.error) throw new Error(`sign-in of ${email} failed: ${signedIn.error.message}`);
  return signedIn.data.session;
}

describe('registering as a client', () => {
  it('creates a client profile with the given details; the user signs in once the address is confirmed', async () => {
    const client = kit();
    const input = registration({ username: uniqueUsername(), phone: '+14155550123', first_name: 'Ana', last_name: 'Silva' });
    const { data, error } = await client.auth.registerClient(input);
    expect(error).toBeNull();
    expect(data!.profile).toMatchObject({
      email: input.email,
      role: 'client',
      first_name: 'Ana',
      last_name: 'Silva',
      username: input.username,
      phone: '+14155550123',
    });
    expect(data!.session).toBeNull();
    const session = await confirmAndSignIn(client, input.email, input.password);
    expect(claims(session.access_token).app_metadata.role).toBe('client');
    const { data: role } = await client.auth.role();
    expect(role).toBe('client');
    const { data: me } = await client.profiles.me();
    expect(me?.id).toBe(data!.user.id);
  });

  it('answers an already registered address (whatever its case) as a new one, creating nobody', async () => {
    const input = registration();
    expect((await kit().auth.registerClient(input)).error).toBeNull();
    const { data, error } = await kit().auth.registerClient(registration({ email: input.email.toUpperCase() }));
    expect(error).toBeNull();
    expect(data!.session).toBeNull();
    expect(await authUserCount(input.email)).toBe(1);
  });

  it('refuses a username that is taken, and creates no user for the second attempt', async () => {
    const username = uniqueUsername();
    expect((await kit().auth.registerClient(registration({ username }))).error).toBeNull();
    const second = registration({ username: username.toUpperCase() });
    const { error } = await kit().auth.registerClient(second);
    expect(error).toMatchObject({ code: 'username_taken', status: 409 });
    expect(await authUserCount(second.email)).toBe(0);
  });

  it('refuses a weak password with field-level details, in the SDK and in the function', async () => {
    const input = registration({ password: 'short', password_confirmation: 'short' });
    const sdk = await kit().auth.registerClient(input);
    expect(sdk.error).toMatchObject({ code: 'validation_failed', status: 400 });
    expect((sdk.error!.details as any).fieldErrors.password).toContain('At least 8 characters');

    const raw = await callFunction('register-client', { body: { ...input, password: 'lettersonly', password_confirmation: 'lettersonly' } });
    expect(raw.status).toBe(400);
    expect(raw.body.error.details.fieldErrors.password).toEqual(['Use at least one letter and one digit']);
    expect(await authUserCount(input.email)).toBe(0);
  });

  it('refuses a password confirmation that does not match', async () => {
    const input = registration({ password_confirmation: strongPassword() });
    const raw = await callFunction('register-client', { body: input });
    expect(raw.status).toBe(400);
    expect(raw.body.error.details.fieldErrors).toEqual({ password_confirmation: ['Passwords do not match'] });
    const sdk = await kit().auth.registerClient(input);
    expect((sdk.error!.details as any).fieldErrors.password_confirmation).toEqual(['Passwords do not match']);
    expect(await authUserCount(input.email)).toBe(0);
  });

  it('returns the first result to a retry with the same Idempotency-Key, creating one user', async () => {
    const input = registration();
    const key = crypto.randomUUID();
    const first = await kit().auth.registerClient(input, { idempotencyKey: key, signIn: false });
    const retry = await kit().auth.registerClient(input, { idempotencyKey: key, signIn: false });
    expect(first.error).toBeNull();
    expect(retry.data?.user.id).toBe(first.data?.user.id);
    expect(await authUserCount(input.email)).toBe(1);

    const reused = await kit().auth.registerClient(registration(), { idempotencyKey: key });
    expect(reused.error).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
  });
});

describe('registering as a tool creator', () => {
  it('creates a tool creator whose token says so', async () => {
    const client = kit();
    const input = registration({ first_name: 'Theo' });
    const { data, error } = await client.auth.registerToolCreator(input);
    expect(error).toBeNull();
    expect(data!.profile.role).toBe('tool_creator');
    const session = await confirmAndSignIn(client, input.email, input.password);
    expect(claims(session.access_token).app_metadata.role).toBe('tool_creator');
    const rows = await sql<{ role: string }>('select role from public.profiles where id = $1', [data!.user.id]);
    expect(rows[0]!.role).toBe('tool_creator');
  });

  it('does not turn the account of a client into a tool creator (nor say it exists)', async () => {
    const input = registration();
    const first = await kit().auth.registerClient(input, { signIn: false });
    const { error } = await kit().auth.registerToolCreator(registration({ email: input.email }));
    expect(error).toBeNull();
    const rows = await sql<{ role: string }>('select role from public.profiles where id = $1', [first.data!.user.id]);
    expect(rows[0]!.role).toBe('client');
  });
});

describe('B2C self sign-up through plain supabase.auth.signUp', () => {
  it('yields a client even when the sign-up data asks for admin', async () => {
    const client = kit();
    const email = uniqueEmail('b2c');
    const password = strongPassword();
    const { error } = await client.supabase.auth.signUp({
      email,
      password,
      options: { data: { role: 'admin', first_name: 'Bea', last_name: 'Cee' } },
    });
    expect(error).toBeNull();
    const session = await confirmAndSignIn(client, email, password);
    expect(claims(session.access_token).app_metadata.role).toBe('client');
    const { data: me } = await client.profiles.me();
    expect(me).toMatchObject({ role: 'client', first_name: 'Bea', last_name: 'Cee', email });
  });

  it('also works through the SDK, with username and phone landing in the profile', async () => {
    const client = kit();
    const input = registration({ username: uniqueUsername('b2c'), phone: '+351912345678' });
    const { data, error } = await client.auth.signUp(input);
    expect(error).toBeNull();
    expect(data!.session).toBeNull();
    await confirmAndSignIn(client, input.email, input.password);
    const { data: me } = await client.profiles.me();
    expect(me).toMatchObject({ role: 'client', username: input.username, phone: '+351912345678' });
  });

  it('gives no session for an e-mail address that is already registered', async () => {
    const input = registration();
    await kit().auth.registerClient(input, { signIn: false });
    await confirmEmail(kit().supabase, input.email);
    const { data, error } = await kit().auth.signUp(registration({ email: input.email }));
    expect(error).toBeNull();
    expect(data!.session).toBeNull();
  });
});

describe('creating an admin', () => {
  it('lets an admin create an admin, usable once the new admin confirms the address', async () => {
    const input = registration();
    const { data, error } = await admin.kit.admin.users.createAdmin(input);
    expect(error).toBeNull();
    expect(data!.profile.role).toBe('admin');
    const newAdmin = kit();
    const session = await confirmAndSignIn(newAdmin, input.email, input.password);
    expect(claims(session.access_token).app_metadata.role).toBe('admin');
    const list = await newAdmin.admin.users.list({ search: input.email });
    expect(list.data?.items.map((u) => u.email)).toEqual([input.email]);
  });

  it('answers 403 to a client and creates nobody', async () => {
    const client = await createUser('client');
    const input = registration();
    const { error } = await client.kit.admin.users.createAdmin(input);
    expect(error).toMatchObject({ code: 'forbidden', status: 403 });
    expect(await authUserCount(input.email)).toBe(0);
  });

  it('answers 403 to a tool creator and 401 without a session', async () => {
    const creator = await createUser('tool_creator');
    expect((await creator.kit.admin.users.createAdmin(registration())).error?.status).toBe(403);
    const anonymous = await callFunction('register-admin', { body: registration() });
    expect(anonymous.status).toBe(401);
  });
});

describe('a registration failing half-way', () => {
  // A trigger that breaks the profile write for one address stands in for any failure after Auth has
  // created the user (the function's second step) or while it does (the profile insert in its trigger).
  const failingEmail = uniqueEmail('halfway');
  const failingSignUp = uniqueEmail('halfway-signup');

  beforeAll(async () => {
    await sql(`create or replace function public.test_fail_profile_write() returns trigger language plpgsql set search_path = '' as $$
      begin
        if new.email in ('${failingEmail}', '${failingSignUp}') then raise exception 'simulated failure'; end if;
        return new;
      end $$`);
    await sql(`create trigger test_fail_profile_update before update on public.profiles for each row
      execute function public.test_fail_profile_write()`);
    await sql(`create trigger test_fail_profile_insert before insert on public.profiles for each row
      when (new.email = '${failingSignUp}') execute function public.test_fail_profile_write()`);
  });

  afterAll(async () => {
    await sql('drop trigger if exists test_fail_profile_update on public.profiles');
    await sql('drop trigger if exists test_fail_profile_insert on public.profiles');
    await sql('drop function if exists public.test_fail_profile_write()');
  });

  it('deletes the Auth user again when setting up the profile fails after it was created', async () => {
    const { error } = await kit().auth.registerToolCreator(registration({ email: failingEmail }));
    expect(error).toMatchObject({ code: 'internal_error', status: 500 });
    expect(await authUserCount(failingEmail)).toBe(0);
  });

  it('leaves no user when the profile cannot be created inside Auth’s own sign-up', async () => {
    const viaFunction = await kit().auth.registerClient(registration({ email: failingSignUp }));
    expect(viaFunction.error?.status).toBe(500);
    const viaSignUp = await kit().supabase.auth.signUp({ email: failingSignUp, password: strongPassword() });
    expect(viaSignUp.error?.status).toBe(500);
    expect(await authUserCount(failingSignUp)).toBe(0);
  });
});

describe('the public registration functions', () => {
  it('answer CORS preflights and refuse other methods', async () => {
    const preflight = await fetch(`${stack.url}/functions/v1/register-client`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    const get = await callFunction('register-client', { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.body.error.code).toBe('method_not_allowed');
  });
});

// keep the type import used when the file is read on its own
export type { KitClient };
