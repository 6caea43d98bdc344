/**
 * Business plans: an account's owner subscribes it; the plan's seat limit and features are enforced by
 * the database (adding or reactivating a member past the limit is 422 seat_limit_reached whoever
 * writes; a gated feature without the plan is 403 feature_not_in_plan); a failed payment keeps access
 * for the grace period; only the owner manages the plan.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/stack.ts';
import { advance, createBusiness, createUser, deliverAll, eventsOf, failNext, pay, plans, sql, subscriptionRow, type TestBusiness } from './support.ts';

describe('the last seat', () => {
  it('goes to exactly one of several concurrent additions', async () => {
    const crowded = await createBusiness({ a: { role: 'member' }, b: { role: 'member' }, c: { role: 'member' } });
    const { data } = await crowded.owner.kit.billing.subscribe({ price_id: plans.team, account_id: crowded.accountId });
    await pay(data!.subscription_id);
    await deliverAll(await eventsOf(data!.subscription_id));
    const candidates = await Promise.all(Array.from({ length: 6 }, () => createUser('client')));
    const attempts = await Promise.allSettled(
      candidates.map((user, i) =>
        sql(`insert into public.account_members (account_id, user_id, role, full_name) values ($1, $2, 'member', $3)`, [crowded.accountId, user.id, `Seat ${i}`]),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 'rejected').every((a) => String(a.reason).includes('seat_limit_reached'))).toBe(true);
    const [{ n }] = (await sql<{ n: number }>(`select count(*)::int as n from public.account_members where account_id = $1 and is_active`, [crowded.accountId])) as [{ n: number }];
    expect(n).toBe(5);
  });
});

describe('a business plan', () => {
  let business: TestBusiness;
  let subscriptionId: string;

  beforeAll(async () => {
    business = await createBusiness({ admin: { role: 'admin' }, seller: { role: 'member' }, closer: { role: 'member' } });
  });

  it("is started by the owner for the account and gives the plan's seats and features", async () => {
    const { data, error } = await business.owner.kit.billing.subscribe({ price_id: plans.team, account_id: business.accountId });
    expect(error).toBeNull();
    subscriptionId = data!.subscription_id;
    await pay(subscriptionId);
    await deliverAll(await eventsOf(subscriptionId));
    expect((await subscriptionRow(subscriptionId))!.status).toBe('active');
    const seen = await business.members.seller!.kit.billing.entitlements(business.accountId);
    expect(seen.error).toBeNull();
    expect(seen.data).toMatchObject({ metered: true, has_access: true, status: 'active', plan_name: 'Team', seat_limit: 5, seats_used: 4, features: ['crm_statistics'] });
    expect((await business.owner.kit.billing.accountSubscription(business.accountId)).data).toMatchObject({ id: subscriptionId, account_id: business.accountId });
    // Plain members see the plan's effect, not the subscription record.
    expect((await business.members.seller!.kit.billing.accountSubscription(business.accountId)).data).toBeNull();
  });

  it('refuses a member past the seat limit with seat_limit_reached, through the API and in the database', async () => {
    const fifth = await business.owner.kit.accounts.members.add({ account_id: business.accountId, email: uniqueEmail('fifth'), full_name: 'Fifth Seat' });
    expect(fifth.error).toBeNull();
    const sixth = await business.owner.kit.accounts.members.add({ account_id: business.accountId, email: uniqueEmail('sixth'), full_name: 'Sixth Seat' });
    expect(sixth.error).toMatchObject({ code: 'seat_limit_reached', status: 422 });
    // Even the table owner (Studio, a script) cannot add a sixth active member.
    const [someone] = await sql<{ id: string }>(`select id from auth.users where id not in (select user_id from public.account_members where account_id = $1) limit 1`, [
      business.accountId,
    ]);
    await expect(
      sql(`insert into public.account_members (account_id, user_id, role, full_name) values ($1, $2, 'member', 'Direct')`, [business.accountId, someone!.id]),
    ).rejects.toThrow(/seat_limit_reached/);
    const [{ n }] = (await sql<{ n: number }>(`select count(*)::int as n from public.account_members where account_id = $1 and is_active`, [business.accountId])) as [
      { n: number },
    ];
    expect(n).toBe(5);
  });

  it('refuses reactivating a member when every seat is taken', async () => {
    const seller = business.members.seller!;
    expect((await business.owner.kit.accounts.members.deactivate(seller.id)).error).toBeNull();
    const newcomer = await business.owner.kit.accounts.members.add({ account_id: business.accountId, email: uniqueEmail('newcomer'), full_name: 'Newcomer' });
    expect(newcomer.error).toBeNull();
    const back = await business.owner.kit.accounts.members.reactivate(seller.id);
    expect(back.error).toMatchObject({ code: 'seat_limit_reached' });
  });

  it('gates features by plan in the database: statistics on Team, batches only on Scale', async () => {
    const stats = await business.owner.kit.supabase.rpc('crm_client_statistics', { account_id: business.accountId });
    expect(stats.error).toBeNull();
    const batch = await business.owner.kit.accounts.batches.create({
      account_id: business.accountId,
      name: 'Intake',
      members: [{ full_name: 'Batch One', email: uniqueEmail('batch') }],
    });
    expect(batch.error).toMatchObject({ code: 'feature_not_in_plan', status: 403 });
    const [{ n }] = (await sql<{ n: number }>(`select count(*)::int as n from public.member_batches where account_id = $1`, [business.accountId])) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('upgrades to Scale (owner only): more seats and batches', async () => {
    const refused = await business.members.admin!.kit.billing.change({ price_id: plans.scale, account_id: business.accountId });
    expect(refused.error).toMatchObject({ code: 'forbidden', status: 403 });
    const last = (await eventsOf(subscriptionId)).at(-1)!.id;
    const { error } = await business.owner.kit.billing.change({ price_id: plans.scale, account_id: business.accountId });
    expect(error).toBeNull();
    await deliverAll(await eventsOf(subscriptionId, last));
    const { data } = await business.owner.kit.billing.entitlements(business.accountId);
    expect(data).toMatchObject({ plan_name: 'Scale', seat_limit: 50, features: ['batches', 'crm_statistics'] });
    const back = await business.owner.kit.accounts.members.reactivate(business.members.seller!.id);
    expect(back.error).toBeNull();
    const batch = await business.owner.kit.accounts.batches.create({
      account_id: business.accountId,
      name: 'Intake',
      members: [{ full_name: 'Batch One', email: uniqueEmail('batch') }],
    });
    expect(batch.error).toBeNull();
  });

  it('keeps access while past_due within the grace period, and names its end', async () => {
    await failNext(subscriptionId);
    await deliverAll(await advance(subscriptionId));
    const { data } = await business.members.seller!.kit.billing.entitlements(business.accountId);
    expect(data).toMatchObject({ status: 'past_due', has_access: true, seat_limit: 50 });
    const graceDays = (new Date(data!.grace_until).getTime() - Date.now()) / 86_400_000;
    expect(graceDays).toBeGreaterThan(6);
    expect(graceDays).toBeLessThanOrEqual(7.01);
    await deliverAll(await pay(subscriptionId));
    expect((await business.owner.kit.billing.entitlements(business.accountId)).data).toMatchObject({ status: 'active', grace_until: null });
  });

  it('answers not_found to someone outside the account asking for its entitlements', async () => {
    const stranger = await createBusiness();
    const { error } = await stranger.owner.kit.billing.entitlements(business.accountId);
    expect(error).toMatchObject({ code: 'not_found' });
    expect((await stranger.owner.kit.billing.entitlements(randomUUID())).error).toMatchObject({ code: 'not_found' });
  });
});
