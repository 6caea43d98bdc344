/**
 * The plan catalogue mirrors Stripe: product.* and price.* events (each once, an older version arriving
 * late ignored), and the first load by a platform admin (`POST /billing/sync`, the same SQL functions).
 */
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { callFunction } from '../identity/support.ts';
import { accessToken } from '../crm/support.ts';
import { createUser, deliver, deliverAll, kit, sql, stripe } from './support.ts';

const fakeUrl = process.env.STRIPE_FAKE_URL ?? 'http://127.0.0.1:55344';
async function eventsAbout(objectId: string): Promise<Stripe.Event[]> {
  const all = ((await (await fetch(`${fakeUrl}/_fake/billing/events?subscription=*`)).json()) as { data: Stripe.Event[] }).data;
  return all.filter((e) => (e.data.object as { id: string }).id === objectId);
}

describe('the plan catalogue', () => {
  it('mirrors a new plan from its product and price events, readable by anyone', async () => {
    const product = await stripe.products.create({ name: 'Pro', metadata: { plan_kind: 'user', monthly_points: '5000' } });
    const price = await stripe.prices.create({ product: product.id, unit_amount: 2999, currency: 'usd', recurring: { interval: 'month' } });
    // The price's event first: the order of delivery does not matter.
    await deliverAll([...(await eventsAbout(price.id)), ...(await eventsAbout(product.id))]);
    const { data } = await kit().billing.plans({ kind: 'user' });
    expect(data!.items.find((p) => p.id === price.id)).toMatchObject({ unit_amount: 2999, currency: 'usd', product: { name: 'Pro', monthly_points: 5000, plan_kind: 'user' } });
  });

  it('ignores an older version of a product that arrives after a newer one', async () => {
    const product = await stripe.products.create({ name: 'Team Plus', metadata: { plan_kind: 'business', seat_limit: '10', features: 'crm_statistics, batches, Bad Name!' } });
    await stripe.products.update(product.id, { name: 'Team Plus (renamed)' });
    const [created, updated] = await eventsAbout(product.id);
    expect((await deliver(updated)).body.outcome).toBe('product_synced');
    expect((await deliver(created)).body.outcome).toBe('stale');
    const [row] = await sql<{ name: string; seat_limit: number; features: string[] }>(`select name, seat_limit, features from public.billing_products where id = $1`, [product.id]);
    expect(row).toEqual({ name: 'Team Plus (renamed)', seat_limit: 10, features: ['batches', 'crm_statistics'] });
  });

  it('a deactivated price leaves the list of plans on sale', async () => {
    const product = await stripe.products.create({ name: 'Legacy', metadata: { plan_kind: 'user', monthly_points: '1' } });
    const price = await stripe.prices.create({ product: product.id, unit_amount: 100, currency: 'usd', recurring: { interval: 'month' } });
    await stripe.prices.update(price.id, { active: false });
    await deliverAll([...(await eventsAbout(product.id)), ...(await eventsAbout(price.id))]);
    const { data } = await kit().billing.plans();
    expect(data!.items.some((p) => p.id === price.id)).toBe(false);
    const user = await createUser('client');
    expect((await user.kit.billing.subscribe({ price_id: price.id })).error).toMatchObject({ code: 'price_inactive', status: 422 });
  });

  it("loads the whole catalogue on an admin's sync, and refuses anyone else", async () => {
    const product = await stripe.products.create({ name: 'Synced', metadata: { plan_kind: 'user', monthly_points: '42' } });
    const price = await stripe.prices.create({ product: product.id, unit_amount: 420, currency: 'usd', recurring: { interval: 'month' } });
    const user = await createUser('client');
    const refused = await callFunction('billing/sync', { bearer: await accessToken(user.kit) });
    expect(refused.status).toBe(403);
    expect((await kit().billing.plans()).data!.items.some((p) => p.id === price.id)).toBe(false);
    const admin = await createUser('admin');
    const synced = await callFunction('billing/sync', { bearer: await accessToken(admin.kit) });
    expect(synced.status).toBe(200);
    expect(synced.body.products).toBeGreaterThanOrEqual(5);
    expect((await kit().billing.plans()).data!.items.find((p) => p.id === price.id)).toMatchObject({ product: { monthly_points: 42 } });
  });
});
