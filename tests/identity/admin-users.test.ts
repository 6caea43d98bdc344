/**
 * Admin user management through the SDK: the list with filters and pages, role changes (and how they
 * reach the token: on refresh), bans and unbans through the Auth admin API — and non-admins refused.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, kit, sql, type TestUser } from './support.ts';

let admin: TestUser;

beforeAll(async () => {
  admin = await createUser('admin');
});

describe('listing users', () => {
  const marker = `Zq${randomUUID().slice(0, 8)}`;
  let people: TestUser[];

  beforeAll(async () => {
    people = [];
    // created one after another so "newest first" has a defined order
    people.push(await createUser('client', { firstName: 'Ana', lastName: marker }));
    people.push(await createUser('tool_creator', { firstName: 'Ben', lastName: marker }));
    people.push(await createUser('tool_creator', { firstName: 'Cy', lastName: marker }));
    await sql(`update public.profiles set created_at = '2021-06-01T00:00:00Z' where id = $1`, [people[0]!.id]);
  });

  it('finds users by name, newest first, with Auth facts', async () => {
    const { data, error } = await admin.kit.admin.users.list({ search: marker.toLowerCase() });
    expect(error).toBeNull();
    expect(data!.total).toBe(3);
    expect(data!.items.map((u) => u.first_name)).toEqual(['Cy', 'Ben', 'Ana']);
    expect(data!.items[0]).toMatchObject({ email: people[2]!.email, role: 'tool_creator', banned_until: null });
    expect(data!.items[0]!.email_confirmed_at).not.toBeNull();
    expect(data!.items[0]!.last_sign_in_at).not.toBeNull();
  });

  it('finds a user by e-mail and by full name', async () => {
    expect((await admin.kit.admin.users.list({ search: people[1]!.email })).data!.items.map((u) => u.id)).toEqual([people[1]!.id]);
    expect((await admin.kit.admin.users.list({ search: `Ben ${marker}` })).data!.items.map((u) => u.id)).toEqual([people[1]!.id]);
  });

  it('filters by role and by creation range', async () => {
    const creators = await admin.kit.admin.users.list({ search: marker, role: 'tool_creator' });
    expect(creators.data!.items.map((u) => u.first_name)).toEqual(['Cy', 'Ben']);
    const old = await admin.kit.admin.users.list({ search: marker, to: '2022-01-01T00:00:00Z' });
    expect(old.data!.items.map((u) => u.first_name)).toEqual(['Ana']);
    const recent = await admin.kit.admin.users.list({ search: marker, from: '2022-01-01T00:00:00Z' });
    expect(recent.data!.total).toBe(2);
  });

  it('pages through the matches', async () => {
    const first = await admin.kit.admin.users.list({ search: marker, page: 1, per_page: 2 });
    const second = await admin.kit.admin.users.list({ search: marker, page: 2, per_page: 2 });
    expect(first.data).toMatchObject({ total: 3, page: 1, per_page: 2 });
    expect(first.data!.items.map((u) => u.first_name)).toEqual(['Cy', 'Ben']);
    expect(second.data!.items.map((u) => u.first_name)).toEqual(['Ana']);
  });

  it('refuses bad filters before sending them', async () => {
    const { error } = await admin.kit.admin.users.list({ per_page: 5000, role: 'owner' as never });
    expect(error?.code).toBe('validation_failed');
    expect(Object.keys((error!.details as any).fieldErrors).sort()).toEqual(['per_page', 'role']);
  });

  it('is refused to clients and tool creators', async () => {
    expect((await people[0]!.kit.admin.users.list()).error).toMatchObject({ code: 'forbidden', status: 403 });
    expect((await people[1]!.kit.admin.users.list()).error?.code).toBe('forbidden');
  });
});

describe('changing a role', () => {
  it('applies in the database at once and reaches the user’s token on refresh', async () => {
    const user = await createUser('client');
    const { data, error } = await admin.kit.admin.users.setRole(user.id, { role: 'tool_creator' });
    expect(error).toBeNull();
    expect(data!.role).toBe('tool_creator');
    expect((await user.kit.auth.role()).data).toBe('client'); // the old token still says client
    expect((await user.kit.auth.refreshSession()).error).toBeNull();
    expect((await user.kit.auth.role()).data).toBe('tool_creator');
    expect((await user.kit.profiles.me()).data!.role).toBe('tool_creator');
  });

  it('takes admin rights away at once, before the demoted admin’s token changes', async () => {
    const other = await createUser('admin');
    expect((await other.kit.admin.users.list({ per_page: 1 })).error).toBeNull();
    expect((await admin.kit.admin.users.setRole(other.id, { role: 'client' })).error).toBeNull();
    expect((await other.kit.auth.role()).data).toBe('admin');
    expect((await other.kit.admin.users.list({ per_page: 1 })).error?.code).toBe('forbidden');
  });

  it('refuses an admin changing their own role, non-admins, and unknown users', async () => {
    expect((await admin.kit.admin.users.setRole(admin.id, { role: 'client' })).error).toMatchObject({ code: 'rule_broken', status: 422 });
    const client = await createUser('client');
    expect((await client.kit.admin.users.setRole(client.id, { role: 'admin' })).error?.code).toBe('forbidden');
    expect((await admin.kit.admin.users.setRole(randomUUID(), { role: 'client' })).error).toMatchObject({ code: 'not_found', status: 404 });
  });
});

describe('banning', () => {
  it('bans through Auth: sessions end, sign-in is refused, the list shows it; unbanning lets the user back in', async () => {
    const user = await createUser('client');
    const { data, error } = await admin.kit.admin.users.ban(user.id, { durationHours: 24 });
    expect(error).toBeNull();
    expect(Date.parse(data!.banned_until!)).toBeGreaterThan(Date.now() + 23 * 3600_000);

    expect((await user.kit.auth.refreshSession()).error?.status).toBe(400);
    expect((await kit().auth.signIn({ email: user.email, password: user.password })).error?.code).toBe('user_banned');
    const listed = await admin.kit.admin.users.list({ search: user.email });
    expect(listed.data!.items[0]!.banned_until).not.toBeNull();

    const lifted = await admin.kit.admin.users.unban(user.id);
    expect(lifted.error).toBeNull();
    expect(lifted.data!.banned_until).toBeNull();
    expect((await kit().auth.signIn({ email: user.email, password: user.password })).error).toBeNull();
  });

  it('bans for good when no duration is given', async () => {
    const user = await createUser('tool_creator');
    const { data } = await admin.kit.admin.users.ban(user.id);
    expect(Date.parse(data!.banned_until!)).toBeGreaterThan(Date.now() + 50 * 365 * 24 * 3600_000);
  });

  it('refuses banning yourself, unknown users, and non-admins', async () => {
    expect((await admin.kit.admin.users.ban(admin.id)).error).toMatchObject({ code: 'rule_broken', status: 422 });
    expect((await admin.kit.admin.users.ban(randomUUID())).error?.code).toBe('not_found');
    const client = await createUser('client');
    const victim = await createUser('client');
    expect((await client.kit.admin.users.ban(victim.id)).error).toMatchObject({ code: 'forbidden', status: 403 });
    expect((await kit().auth.signIn({ email: victim.email, password: victim.password })).error).toBeNull();
  });
});
