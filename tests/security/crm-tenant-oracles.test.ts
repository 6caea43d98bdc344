/**
 * Cross-tenant oracles in the CRM, attacked through the gateway: a signed-in user of another
 * business (or of none) probes business A by writing rows and comparing the answers — the assignee
 * check, unique indexes and chosen primary keys must answer the same whether A's user, client or row
 * exists or not.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBusiness, createUser, sql, type TestBusiness, type TestUser } from '../crm/support.ts';
import { clientWithRecords, rest, type ClientRecords, type RestAnswer } from './crm-support.ts';

let victim: TestBusiness;
let attacker: TestBusiness;
let loner: TestUser;
let stranger: TestUser;
let victimRecords: ClientRecords;
let attackerClient: string;

beforeAll(async () => {
  victim = await createBusiness({ coach: { role: 'member' } });
  attacker = await createBusiness();
  loner = await createUser('loner');
  stranger = await createUser('stranger');
  victimRecords = await clientWithRecords(victim.accountId);
  attackerClient = (await clientWithRecords(attacker.accountId)).client;
}, 120_000);

/** What an attacker can compare between two answers. */
const shape = (answer: RestAnswer) => ({ status: answer.status, code: answer.body?.code, message: answer.body?.message });

describe('an outsider probing another business', () => {
  it('cannot tell whether a user is an active member of it from the assignee check', async () => {
    for (const prober of [attacker.owner, loner]) {
      const member = await rest(prober, 'POST', 'crm_clients', { account_id: victim.accountId, first_name: 'Probe', coach_id: victim.members.coach!.id });
      const nonMember = await rest(prober, 'POST', 'crm_clients', { account_id: victim.accountId, first_name: 'Probe', coach_id: stranger.id });
      expect(shape(nonMember)).toEqual(shape(member));
      expect(member.status).toBe(403);
    }
    expect((await sql(`select 1 from public.crm_clients where account_id = $1 and first_name = 'Probe'`, [victim.accountId])).length).toBe(0);
  });

  it("cannot detect another business's active Stripe link through the one-active-link uniqueness", async () => {
    const existing = await rest(attacker.owner, 'POST', 'crm_stripe_customers', {
      account_id: attacker.accountId,
      client_id: victimRecords.client,
      stripe_customer_id: 'cus_probe1',
    });
    const missing = await rest(attacker.owner, 'POST', 'crm_stripe_customers', { account_id: attacker.accountId, client_id: randomUUID(), stripe_customer_id: 'cus_probe2' });
    expect(shape(existing)).toEqual(shape(missing));
    expect(existing.status).toBeGreaterThanOrEqual(400);
  });

  it("cannot detect another business's instalments through the instalment-number uniqueness", async () => {
    const row = { account_id: attacker.accountId, client_id: attackerClient, instalment_number: 1, amount: 1, currency: 'USD', schedule_date: '2026-12-01' };
    const existing = await rest(attacker.owner, 'POST', 'crm_instalments', { ...row, client_package_id: victimRecords.clientPackage });
    const missing = await rest(attacker.owner, 'POST', 'crm_instalments', { ...row, client_package_id: randomUUID() });
    expect(shape(existing)).toEqual(shape(missing));
    expect(existing.status).toBeGreaterThanOrEqual(400);
  });

  it("cannot detect another business's rows by choosing their ids", async () => {
    const probes: [string, Record<string, unknown>, string][] = [
      ['crm_clients', { account_id: attacker.accountId, first_name: 'Probe' }, victimRecords.client],
      ['crm_payments', { account_id: attacker.accountId, client_id: attackerClient, amount: 1, currency: 'USD' }, victimRecords.payment],
      [
        'crm_instalments',
        { account_id: attacker.accountId, client_id: attackerClient, instalment_number: 9, amount: 1, currency: 'USD', schedule_date: '2026-12-01' },
        victimRecords.instalment,
      ],
      ['crm_stripe_customers', { account_id: attacker.accountId, client_id: attackerClient, stripe_customer_id: 'cus_probe3', status: 'inactive' }, victimRecords.stripeCustomer],
      ['crm_client_packages', { account_id: attacker.accountId, client_id: attackerClient, package_id: randomUUID() }, victimRecords.clientPackage],
    ];
    for (const [table, row, takenId] of probes) {
      const freeId = randomUUID();
      const taken = await rest(attacker.owner, 'POST', table, { ...row, id: takenId });
      const free = await rest(attacker.owner, 'POST', table, { ...row, id: freeId });
      expect(shape(taken), table).toEqual(shape(free));
      expect(free.status, table).toBeGreaterThanOrEqual(400);
      expect((await sql(`select 1 from public.${table} where id = $1`, [freeId])).length, table).toBe(0);
    }
  });
});
