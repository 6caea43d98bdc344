/**
 * Profiles through the SDK and through PostgREST: reading and editing your own, admins editing anyone's,
 * and the protected fields — above all the platform role, which nobody can raise for themselves, not
 * through the REST API, not through Auth's user metadata.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, kit, serviceClient, sql, uniqueUsername, type TestUser } from './support.ts';

let client: TestUser;
let other: TestUser;
let admin: TestUser;

beforeAll(async () => {
  [client, other, admin] = await Promise.all([createUser('client'), createUser('client'), createUser('admin')]);
});

async function roleInDatabase(userId: string): Promise<string> {
  const rows = await sql<{ role: string; token_role: string }>(
    `select p.role, u.raw_app_meta_data ->> 'role' as token_role from public.profiles p join auth.users u using (id) where p.id = $1`,
    [userId],
  );
  expect(rows[0]!.token_role).toBe(rows[0]!.role);
  return rows[0]!.role;
}

describe('my profile', () => {
  it('reads my own profile', async () => {
    const { data, error } = await client.kit.profiles.me();
    expect(error).toBeNull();
    expect(data).toMatchObject({ id: client.id, email: client.email, role: 'client', locale: 'en' });
    expect(data!.notification_preferences).toEqual({ email: true, push: true, sms: false, marketing: false });
  });

  it('edits names, contact, address and preferences, and bumps updated_at', async () => {
    const before = (await client.kit.profiles.me()).data!;
    const username = uniqueUsername('me');
    const { data, error } = await client.kit.profiles.updateMe({
      first_name: 'Cleo',
      username,
      phone: '+442071838750',
      avatar_url: 'https://cdn.example.com/cleo.png',
      date_of_birth: '1990-04-01',
      address_line1: '1 Main Street',
      city: 'London',
      postal_code: 'SW1A 1AA',
      country_code: 'GB',
      locale: 'en-GB',
      notification_preferences: { email: false, push: true, sms: true, marketing: false },
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({ first_name: 'Cleo', username, city: 'London', date_of_birth: '1990-04-01', locale: 'en-GB' });
    expect(data!.notification_preferences).toEqual({ email: false, push: true, sms: true, marketing: false });
    expect(Date.parse(data!.updated_at)).toBeGreaterThan(Date.parse(before.updated_at));
  });

  it('refuses bad input before sending it, with field-level details', async () => {
    const { error } = await client.kit.profiles.updateMe({ phone: '0044 20', country_code: 'gb', extra: 1 } as never);
    expect(error).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(Object.keys((error!.details as any).fieldErrors).sort()).toEqual(['country_code', 'extra', 'phone']);
  });

  it('has the database refuse what the SDK would have caught, when PostgREST is called directly', async () => {
    const { error, status } = await client.kit.supabase.from('profiles').update({ phone: 'not-a-phone' }).eq('id', client.id);
    expect(status).toBe(400);
    expect(error?.code).toBe('23514');
  });

  it('refuses a username someone else has, whatever its case', async () => {
    const username = uniqueUsername('taken');
    expect((await other.kit.profiles.updateMe({ username })).error).toBeNull();
    const { error } = await client.kit.profiles.updateMe({ username: username.toUpperCase() });
    expect(error).toMatchObject({ code: 'username_taken', status: 409 });
  });
});

describe('the platform role', () => {
  it('cannot be raised by its owner through the REST API', async () => {
    const { error, status } = await client.kit.supabase.from('profiles').update({ role: 'admin' }).eq('id', client.id);
    expect(status).toBe(403);
    expect(error?.code).toBe('42501');
    expect(await roleInDatabase(client.id)).toBe('client');
  });

  it('cannot be raised by sneaking it into an update of allowed fields', async () => {
    const { error } = await client.kit.supabase.from('profiles').update({ first_name: 'X', role: 'tool_creator' }).eq('id', client.id);
    expect(error?.code).toBe('42501');
    expect(await roleInDatabase(client.id)).toBe('client');
  });

  it('cannot be raised through set_user_role by a non-admin', async () => {
    const { error } = await client.kit.admin.users.setRole(client.id, { role: 'admin' });
    expect(error).toMatchObject({ code: 'forbidden', status: 403 });
    expect(await roleInDatabase(client.id)).toBe('client');
  });

  it('cannot be put into the token through Auth: user metadata is not the role, app_metadata is not writable', async () => {
    const viaMetadata = await client.kit.supabase.auth.updateUser({ data: { role: 'admin' } });
    expect(viaMetadata.error).toBeNull();
    const refreshed = await client.kit.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect((await client.kit.auth.role()).data).toBe('client');
    expect(await roleInDatabase(client.id)).toBe('client');
  });

  it('stays the profile’s role even when the service role writes another into app_metadata', async () => {
    const { error } = await serviceClient().auth.admin.updateUserById(other.id, { app_metadata: { role: 'admin' } });
    expect(error).toBeNull();
    expect(await roleInDatabase(other.id)).toBe('client');
    await other.kit.auth.refreshSession();
    expect((await other.kit.auth.role()).data).toBe('client');
  });

  it('cannot have the e-mail copy edited through the REST API', async () => {
    const { error } = await client.kit.supabase.from('profiles').update({ email: 'x@example.test' }).eq('id', client.id);
    expect(error?.code).toBe('42501');
  });
});

describe('other people’s profiles', () => {
  it('are invisible and unchangeable to a client', async () => {
    expect((await client.kit.admin.profiles.get(other.id)).error).toMatchObject({ code: 'forbidden', status: 403 });
    expect((await client.kit.admin.profiles.update(other.id, { first_name: 'Hacked' })).error?.code).toBe('forbidden');
    // The database is the guard: the same change sent straight to the REST API touches no row.
    const { data: changed } = await client.kit.supabase.from('profiles').update({ first_name: 'Hacked' }).eq('id', other.id).select('id');
    expect(changed).toEqual([]);
    const rows = await sql<{ first_name: string }>('select first_name from public.profiles where id = $1', [other.id]);
    expect(rows[0]!.first_name).not.toBe('Hacked');
    const { data } = await client.kit.supabase.from('profiles').select('id');
    expect(data).toEqual([{ id: client.id }]);
  });

  it('are readable and editable by an admin, except the role', async () => {
    expect((await admin.kit.admin.profiles.get(other.id)).data?.email).toBe(other.email);
    const { data, error } = await admin.kit.admin.profiles.update(other.id, { last_name: 'Edited-by-admin' });
    expect(error).toBeNull();
    expect(data!.last_name).toBe('Edited-by-admin');
    const direct = await admin.kit.supabase.from('profiles').update({ role: 'admin' }).eq('id', other.id);
    expect(direct.error?.code).toBe('42501');
  });

  it('are not readable without signing in', async () => {
    const { error } = await kit().supabase.from('profiles').select('id');
    expect(error?.code).toBe('42501');
  });
});
