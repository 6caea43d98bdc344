/**
 * Seed parity for platform staff: the admin user list filters B2B users (members of a business) and
 * B2C users (no business) as seed 001's list does, and admins manage points packages through the SDK.
 * A non-admin can do neither; a package somebody bought cannot be deleted.
 */
import { describe, expect, it } from 'vitest';
import { createBusiness, createUser, sql } from '../crm/support.ts';

describe('admin user list segments', () => {
  it('b2b lists members of a business, b2c users of none, and a bad segment is refused', async () => {
    const admin = await createUser('segments-admin', { admin: true });
    const business = await createBusiness({ staffer: { role: 'member' } });
    const loner = await createUser('segments-b2c');
    const search = (email: string) => email.split('@')[0]!;

    const b2b = await admin.kit.admin.users.list({ segment: 'b2b', search: search(business.members.staffer!.email) });
    expect(b2b.error).toBeNull();
    expect(b2b.data!.items.map((u) => u.id)).toEqual([business.members.staffer!.id]);
    const notB2c = await admin.kit.admin.users.list({ segment: 'b2c', search: search(business.members.staffer!.email) });
    expect(notB2c.data!.items).toEqual([]);

    const b2c = await admin.kit.admin.users.list({ segment: 'b2c', search: search(loner.email) });
    expect(b2c.data!.items.map((u) => u.id)).toEqual([loner.id]);
    expect((await admin.kit.admin.users.list({ segment: 'b2b', search: search(loner.email) })).data!.items).toEqual([]);

    const bad = await admin.kit.supabase.rpc('admin_list_users', { segment: 'b2x' });
    expect(bad.error?.code).toBe('validation_failed');
    const sdkBad = await admin.kit.admin.users.list({ segment: 'b2x' as never });
    expect(sdkBad.error?.code).toBe('validation_failed');

    // A non-admin learns nothing, segment or not.
    const denied = await loner.kit.admin.users.list({ segment: 'b2b' });
    expect(denied.error?.code).toBe('forbidden');
  });
});

describe('admin points packages', () => {
  it('an admin creates, lists, updates, deactivates and deletes a points package', async () => {
    const admin = await createUser('packages-admin', { admin: true });
    const packages = admin.kit.admin.pointsPackages;
    const name = `Pack ${Date.now()}`;
    const created = await packages.create({ name, points: 250, price_amount: 1999, description: 'Two hundred and fifty' });
    expect(created.error).toBeNull();
    expect(created.data).toMatchObject({ name, points: 250, price_amount: 1999, currency: 'usd', is_active: true });
    const id = created.data!.id;

    expect((await packages.create({ name: name.toUpperCase(), points: 1, price_amount: 1 })).error?.code).toBe('conflict');
    expect((await packages.update(id, { price_amount: 2499 })).data?.price_amount).toBe(2499);
    expect((await packages.deactivate(id)).data?.is_active).toBe(false);
    expect((await packages.list()).data!.items.map((p) => p.id)).toContain(id);
    // Inactive: gone from the public list.
    expect((await admin.kit.payments.pointsPackages()).data!.items.map((p) => p.id)).not.toContain(id);
    expect((await packages.remove(id)).data).toEqual({ id });
    expect(await sql(`select 1 from public.points_packages where id = $1`, [id])).toEqual([]);
  });

  it('bad input and non-admins are refused and write nothing; a bought package cannot be deleted', async () => {
    const admin = await createUser('packages-admin2', { admin: true });
    const user = await createUser('packages-user');
    const name = `Sneaky ${Date.now()}`;
    const sneaky = await user.kit.admin.pointsPackages.create({ name, points: 1_000_000, price_amount: 1 });
    expect(sneaky.error?.code).toBe('forbidden');
    expect(await sql(`select 1 from public.points_packages where name = $1`, [name])).toEqual([]);

    const [bought] = await sql<{ id: string }>(`select points_package_id as id from public.payments where points_package_id is not null limit 1`);
    const target = bought?.id ?? (await sql<{ id: string }>(`select id from public.points_packages order by created_at limit 1`))[0]!.id;
    const [before] = await sql<{ price_amount: number }>(`select price_amount from public.points_packages where id = $1`, [target]);
    expect((await user.kit.admin.pointsPackages.update(target, { price_amount: 1 })).error?.code).toBe('forbidden');
    expect((await user.kit.admin.pointsPackages.remove(target)).error?.code).toBe('forbidden');
    const [after] = await sql<{ price_amount: number }>(`select price_amount from public.points_packages where id = $1`, [target]);
    expect(after).toEqual(before);

    expect((await admin.kit.admin.pointsPackages.create({ name: 'Free', points: 10, price_amount: 0 })).error?.code).toBe('validation_failed');
    expect((await admin.kit.admin.pointsPackages.update(target, {})).error?.code).toBe('validation_failed');
    if (bought) {
      const removal = await admin.kit.admin.pointsPackages.remove(bought.id);
      expect(removal.error?.code).toBe('conflict');
      expect(await sql(`select 1 from public.points_packages where id = $1`, [bought.id])).toHaveLength(1);
    }
  });
});
