/**
 * Blind mass tampering in the CRM, attacked through the gateway: a member who sees only "my
 * clients" but holds manage_payments and manage_packages sends PATCH and DELETE with no filter to
 * every money table, and a member who may delete clients but not payments deletes a client with
 * payments. Each attack must reach only the rows its sender can read, and no cascade may destroy
 * money records its sender could not have deleted directly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createBusiness, sql, type TestBusiness, type TestUser } from '../crm/support.ts';
import { clientWithRecords, rest, type ClientRecords } from './crm-support.ts';

let business: TestBusiness;
let restricted: TestUser;
let clientManager: TestUser;
/** Assigned to the restricted member (closer): theirs to change. */
let mine: ClientRecords;
/** Nobody's: the restricted member can neither see nor change these. */
let theirs: ClientRecords;

beforeAll(async () => {
  business = await createBusiness({
    restricted: { role: 'member', permissions: ['manage_payments', 'manage_packages'] },
    clientmanager: { role: 'member', permissions: ['manage_all_clients'] },
  });
  restricted = business.members.restricted!;
  clientManager = business.members.clientmanager!;
  mine = await clientWithRecords(business.accountId, restricted.id);
  theirs = await clientWithRecords(business.accountId);
}, 120_000);

const one = async <T extends Record<string, unknown>>(query: string, id: string) => (await sql<T>(query, [id]))[0];

describe('a member who sees only "my clients"', () => {
  it('cannot refund every payment of the business with an unfiltered PATCH /rest/v1/crm_payments', async () => {
    const answer = await rest(restricted, 'PATCH', 'crm_payments', { status: 'refunded' });
    expect(answer.status).toBe(204);
    expect(await one(`select status from public.crm_payments where id = $1`, theirs.payment)).toEqual({ status: 'paid' });
    expect(await one(`select status from public.crm_payments where id = $1`, mine.payment)).toEqual({ status: 'refunded' });
  });

  it('cannot rewrite every instalment with an unfiltered PATCH /rest/v1/crm_instalments', async () => {
    await rest(restricted, 'PATCH', 'crm_instalments', { status: 'closed', amount: 1 });
    expect(await one(`select status, amount::text from public.crm_instalments where id = $1`, theirs.instalment)).toEqual({ status: 'open', amount: '100' });
  });

  it('cannot deactivate every Stripe link with an unfiltered PATCH /rest/v1/crm_stripe_customers', async () => {
    await rest(restricted, 'PATCH', 'crm_stripe_customers', { status: 'inactive' });
    expect(await one(`select status from public.crm_stripe_customers where id = $1`, theirs.stripeCustomer)).toEqual({ status: 'active' });
  });

  it('cannot reprice every client package with an unfiltered PATCH /rest/v1/crm_client_packages', async () => {
    await rest(restricted, 'PATCH', 'crm_client_packages', { custom_price: 0, status: 'inactive' });
    expect(await one(`select status, custom_price from public.crm_client_packages where id = $1`, theirs.clientPackage)).toEqual({ status: 'active', custom_price: null });
  });

  it('cannot delete every instalment with an unfiltered DELETE /rest/v1/crm_instalments', async () => {
    const answer = await rest(restricted, 'DELETE', 'crm_instalments');
    expect(answer.status).toBe(204);
    expect(await one(`select count(*)::int as n from public.crm_instalments where id = $1`, theirs.instalment)).toEqual({ n: 1 });
  });

  it('cannot delete every Stripe link with an unfiltered DELETE /rest/v1/crm_stripe_customers', async () => {
    await rest(restricted, 'DELETE', 'crm_stripe_customers');
    expect(await one(`select count(*)::int as n from public.crm_stripe_customers where id = $1`, theirs.stripeCustomer)).toEqual({ n: 1 });
  });

  it('cannot delete every payment with an unfiltered DELETE /rest/v1/crm_payments', async () => {
    await rest(restricted, 'DELETE', 'crm_payments');
    expect(await one(`select count(*)::int as n from public.crm_payments where id = $1`, theirs.payment)).toEqual({ n: 1 });
    expect(await one(`select count(*)::int as n from public.crm_payments where id = $1`, mine.payment)).toEqual({ n: 0 });
  });

  it('cannot delete every client package with an unfiltered DELETE /rest/v1/crm_client_packages', async () => {
    await rest(restricted, 'DELETE', 'crm_client_packages');
    expect(await one(`select count(*)::int as n from public.crm_client_packages where id = $1`, theirs.clientPackage)).toEqual({ n: 1 });
  });

  it('cannot record a payment for a client it cannot see', async () => {
    const answer = await rest(restricted, 'POST', 'crm_payments', { account_id: business.accountId, client_id: theirs.client, amount: 5, currency: 'USD', status: 'refunded' });
    expect(answer.status).toBe(403);
    expect(await one(`select count(*)::int as n from public.crm_payments where client_id = $1`, theirs.client)).toEqual({ n: 1 });
  });
});

describe('deleting a client', () => {
  it("refuses a member without manage_payments whose delete would cascade to the client's payments", async () => {
    const target = await clientWithRecords(business.accountId);
    const answer = await rest(clientManager, 'DELETE', `crm_clients?id=eq.${target.client}`);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('forbidden');
    const throughSdk = await clientManager.kit.crm.clients.remove(target.client);
    expect(throughSdk.error?.code).toBe('forbidden');
    expect(await one(`select count(*)::int as n from public.crm_payments where client_id = $1`, target.client)).toEqual({ n: 1 });
    expect(await one(`select count(*)::int as n from public.crm_clients where id = $1`, target.client)).toEqual({ n: 1 });
  });

  it('still lets the owner delete a client with everything it owns', async () => {
    const target = await clientWithRecords(business.accountId);
    const answer = await rest(business.owner, 'DELETE', `crm_clients?id=eq.${target.client}`);
    expect(answer.status).toBe(204);
    expect(await one(`select count(*)::int as n from public.crm_payments where client_id = $1`, target.client)).toEqual({ n: 0 });
  });
});
