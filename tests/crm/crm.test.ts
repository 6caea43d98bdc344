/**
 * The CRM through the SDK: lists with seed 002's filters, sorting and pages with a total; the
 * statistics matching the rows; each tenant and each member seeing what RLS allows; and bad input
 * answered with 400/422 and field details, nothing written — through the SDK and raw PostgREST.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatMoney, type CrmClientRecord } from '../../src/sdk/index.ts';
import { createBusiness, sql, type TestBusiness } from './support.ts';

let business: TestBusiness;
let other: TestBusiness;
let coachId: string;
const clients: CrmClientRecord[] = [];

const statuses = ['active', 'active', 'onboarding', 'paused', 'inactive', 'cancelled', 'active'] as const;

beforeAll(async () => {
  business = await createBusiness({
    coach: { role: 'member', permissions: ['view_payments'] },
    manager: { role: 'member', permissions: ['view_all_clients', 'manage_all_clients', 'manage_packages', 'manage_payments'] },
  });
  other = await createBusiness();
  coachId = business.members.coach!.id;
  const owner = business.owner.kit;
  for (let i = 0; i < 62; i++) {
    const { data, error } = await owner.crm.clients.create({
      first_name: `Client${String(i).padStart(2, '0')}`,
      last_name: i % 2 === 0 ? 'Even' : 'Odd',
      email: `client${i}@list.test`,
      country: i % 3 === 0 ? 'DE' : 'US',
      currency: i % 3 === 0 ? 'EUR' : 'USD',
      status: statuses[i % statuses.length],
      coach_id: i % 5 === 0 ? coachId : null,
    });
    if (error) throw error;
    clients.push(data);
  }
  const pkg = await owner.crm.packages.create({ name: 'Premium', price: 120000, currency: 'USD' });
  if (pkg.error) throw pkg.error;
  for (const [i, client] of clients.slice(0, 10).entries()) {
    const cp = await owner.crm.clientPackages.create({
      client_id: client.id,
      package_id: pkg.data.id,
      custom_price: 100000,
      monthly_amount: 10000,
      payment_schedule: 'Monthly',
      currency: client.currency,
    });
    if (cp.error) throw cp.error;
    const paid = await owner.crm.payments.create({
      client_id: client.id,
      client_package_id: cp.data.id,
      amount: 10050,
      currency: client.currency,
      status: i % 4 === 3 ? 'failed' : 'paid',
      payment_date: '2026-01-15',
    });
    if (paid.error) throw paid.error;
    const instalment = await owner.crm.instalments.create({
      client_id: client.id,
      client_package_id: cp.data.id,
      instalment_number: 1,
      amount: 10000,
      currency: client.currency,
      schedule_date: '2026-02-01',
      status: i % 2 ? 'open' : 'paid',
    });
    if (instalment.error) throw instalment.error;
  }
}, 120_000);

describe('client lists', () => {
  it('pages by 50 by default with the exact total, sorted by name', async () => {
    const first = await business.owner.kit.crm.clients.list();
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ total: 62, page: 1, per_page: 50, page_count: 2 });
    expect(first.data!.items).toHaveLength(50);
    const expected = [...clients].sort((a, b) => a.last_name.localeCompare(b.last_name) || a.first_name.localeCompare(b.first_name));
    expect(first.data!.items.map((c) => c.id)).toEqual(expected.slice(0, 50).map((c) => c.id));
    const second = await business.owner.kit.crm.clients.list({ page: 2 });
    expect(second.data!.items.map((c) => c.id)).toEqual(expected.slice(50).map((c) => c.id));
    const beyond = await business.owner.kit.crm.clients.list({ page: 9 });
    expect(beyond.data?.items).toEqual([]);
  });

  it('filters by status, coach, country and search, and sorts newest first', async () => {
    const kit = business.owner.kit;
    const active = await kit.crm.clients.list({ status: 'active', per_page: 100 });
    expect(active.data!.total).toBe(clients.filter((c) => c.status === 'active').length);
    const some = await kit.crm.clients.list({ status: ['paused', 'cancelled'], per_page: 100 });
    expect(some.data!.items.every((c) => c.status === 'paused' || c.status === 'cancelled')).toBe(true);
    const coached = await kit.crm.clients.list({ coach_id: coachId, per_page: 100 });
    expect(coached.data!.total).toBe(13);
    const german = await kit.crm.clients.list({ country: 'DE', status: 'active', per_page: 100 });
    expect(german.data!.total).toBe(clients.filter((c) => c.country === 'DE' && c.status === 'active').length);
    // Names Client10–19, and Client01 through its e-mail client1@list.test.
    const search = await kit.crm.clients.list({ search: 'CLIENT1' });
    expect(search.data!.items.map((c) => c.first_name).sort()).toEqual([
      'Client01',
      'Client10',
      'Client11',
      'Client12',
      'Client13',
      'Client14',
      'Client15',
      'Client16',
      'Client17',
      'Client18',
      'Client19',
    ]);
    const byEmail = await kit.crm.clients.list({ search: 'client7@list' });
    expect(byEmail.data!.items.map((c) => c.first_name)).toEqual(['Client07']);
    const literal = await kit.crm.clients.list({ search: '%' });
    expect(literal.data!.total).toBe(0);
    const newest = await kit.crm.clients.list({ sort: '-created_at', per_page: 1 });
    expect(newest.data!.items[0]!.id).toBe(clients.at(-1)!.id);
    expect((await kit.crm.clients.list({ sort: 'height' as never })).error?.code).toBe('validation_failed');
    expect((await kit.crm.clients.list({ per_page: 5000 })).error?.code).toBe('validation_failed');
  });

  it('a member with "my clients" lists only assigned clients; "assigned to me" narrows any member', async () => {
    const coach = business.members.coach!.kit;
    const mine = await coach.crm.clients.list({ per_page: 100 });
    expect(mine.data!.total).toBe(13);
    expect(mine.data!.items.every((c) => c.coach_id === coachId)).toBe(true);
    const manager = business.members.manager!.kit;
    expect((await manager.crm.clients.list()).data!.total).toBe(62);
    expect((await manager.crm.clients.list({ assigned_to_me: true })).data!.total).toBe(0);
  });

  it('another account sees none of it, even when asking for it by id or account', async () => {
    const stranger = other.owner.kit;
    expect((await stranger.crm.clients.list()).data!.total).toBe(0);
    expect((await stranger.crm.clients.get(clients[0]!.id)).error?.code).toBe('not_found');
    const raw = await stranger.supabase.from('crm_clients').select('id').eq('account_id', business.accountId);
    expect(raw.data).toEqual([]);
    expect((await stranger.crm.clients.list({ account_id: business.accountId })).data!.total).toBe(0);
    expect((await stranger.crm.clients.update(clients[0]!.id, { status: 'cancelled' })).error?.code).toBe('not_found');
  });
});

describe('payments and instalments', () => {
  it('filters payments by status and currency, instalments by status', async () => {
    const kit = business.owner.kit;
    const failed = await kit.crm.payments.list({ status: 'failed' });
    expect(failed.data!.total).toBe(2);
    const eur = await kit.crm.payments.list({ currency: 'EUR' });
    expect(eur.data!.items.every((p) => p.currency === 'eur')).toBe(true);
    expect(eur.data!.total).toBe(4);
    const open = await kit.crm.instalments.list({ status: 'open' });
    expect(open.data!.total).toBe(5);
    const ofClient = await kit.crm.payments.list({ client_id: clients[0]!.id });
    expect(ofClient.data!.items).toHaveLength(1);
  });

  it('a member without view_payments sees no payment; with it, those of their clients', async () => {
    const coach = business.members.coach!.kit;
    const payments = await coach.crm.payments.list();
    // The coach's clients among the first ten are client 0 and client 5.
    expect(payments.data!.items.map((p) => p.client_id).sort()).toEqual([clients[0]!.id, clients[5]!.id].sort());
    await sql(`update public.account_members set permissions = '{}' where user_id = $1`, [coachId]);
    expect((await coach.crm.payments.list()).data!.total).toBe(0);
    await sql(`update public.account_members set permissions = '{view_payments}' where user_id = $1`, [coachId]);
  });
});

describe('statistics', () => {
  it('client counts by status match the rows, for the owner and for a member with "my clients"', async () => {
    const stats = await business.owner.kit.crm.statistics.clients();
    expect(stats.error).toBeNull();
    const count = (status: string) => clients.filter((c) => c.status === status).length;
    expect(stats.data).toEqual({
      total: 62,
      active: count('active'),
      inactive: count('inactive'),
      onboarding: count('onboarding'),
      paused: count('paused'),
      cancelled: count('cancelled'),
    });
    const coachStats = await business.members.coach!.kit.crm.statistics.clients();
    expect(coachStats.data!.total).toBe(13);
    expect((await other.owner.kit.crm.statistics.clients({ account_id: business.accountId })).data!.total).toBe(0);
  });

  it('payment totals by status and currency match the rows', async () => {
    const stats = await business.owner.kit.crm.statistics.payments();
    expect(stats.error).toBeNull();
    const [rows] = await sql<{ rows: { status: string; currency: string; payments: number; total_amount: number }[] }>(
      `select coalesce(jsonb_agg(jsonb_build_object('status', status, 'currency', currency, 'payments', n, 'total_amount', total) order by currency, status), '[]') as rows
       from (select status, currency, count(*)::int as n, sum(amount)::bigint as total from public.crm_payments where account_id = $1 group by 1, 2) t`,
      [business.accountId],
    );
    expect(stats.data!.rows.map((r) => ({ ...r }))).toEqual(rows!.rows);
    expect(stats.data!.total_payments).toBe(10);
    // Minor units, lower-case ISO codes (amounts were sent as 10050 cents each).
    expect(stats.data!.by_currency.usd).toEqual({ payments: 6, total_amount: 60300, paid_amount: 50250 });
    expect(stats.data!.by_currency.eur).toEqual({ payments: 4, total_amount: 40200, paid_amount: 30150 });
    const later = await business.owner.kit.crm.statistics.payments({ from: '2026-02-01' });
    expect(later.data!.total_payments).toBe(0);
  });

  it('one range shape: from inclusive, to exclusive, dates or date-times, checked locally', async () => {
    const kit = business.owner.kit;
    // Every payment is dated 2026-01-15 (midnight UTC).
    expect((await kit.crm.statistics.payments({ from: '2026-01-15', to: '2026-01-16' })).data!.total_payments).toBe(10);
    expect((await kit.crm.statistics.payments({ to: '2026-01-15' })).data!.total_payments).toBe(0);
    expect((await kit.crm.statistics.payments({ from: '2026-01-15T00:00:01Z' })).data!.total_payments).toBe(0);
    expect((await kit.crm.statistics.payments({ from: '2026-01-14T23:00:00-01:00', to: '2026-01-15T00:00:01Z' })).data!.total_payments).toBe(10);
    expect((await kit.crm.payments.list({ from: '2026-01-15', to: '2026-01-16' })).data!.total).toBe(10);
    expect((await kit.crm.payments.list({ to: '2026-01-15' })).data!.total).toBe(0);
    expect((await kit.crm.payments.list({ from: '2026-01-14T12:00:00Z' })).data!.total).toBe(10);
    expect((await kit.crm.instalments.list({ from: '2026-02-01', to: '2026-02-02' })).data!.total).toBe(10);
    expect((await kit.crm.instalments.list({ to: '2026-02-01' })).data!.total).toBe(0);
    const bad = await kit.crm.statistics.payments({ from: 'yesterday' });
    expect(bad.error?.code).toBe('validation_failed');
    const backwards = await kit.crm.payments.list({ from: '2026-02-01', to: '2026-01-01' });
    expect(backwards.error).toMatchObject({ code: 'validation_failed', details: { fieldErrors: { to: ['from must be before to'] } } });
  });
});

describe('money in minor units', () => {
  it('amounts are whole minor units in the database and the answers; formatMoney renders them', async () => {
    const { data } = await business.owner.kit.crm.payments.list({ per_page: 1 });
    expect(data!.items[0]).toMatchObject({ amount: 10050 });
    expect(['usd', 'eur']).toContain(data!.items[0]!.currency);
    const [row] = await sql<{ type: string }>(`select pg_typeof(amount)::text as type from public.crm_payments limit 1`);
    expect(row!.type).toBe('bigint');
    expect(formatMoney(10050, 'usd', 'en-US')).toBe('$100.50');
    expect(formatMoney(10050, 'EUR', 'de-DE')).toBe('100,50\u00a0€');
    expect(formatMoney(500, 'jpy', 'en-US')).toBe('¥500');
    expect(formatMoney(1234, 'kwd', 'en-US')).toBe('KWD\u00a01.234');
    expect(formatMoney(-5, 'usd', 'en-US')).toBe('-$0.05');
    expect(formatMoney(9007199254740991, 'usd', 'en-US')).toBe('$90,071,992,547,409.91');
  });
});

describe('bad input', () => {
  const countClients = async () => (await sql<{ n: number }>('select count(*)::int as n from public.crm_clients where account_id = $1', [business.accountId]))[0]!.n;

  it('the SDK refuses invalid statuses, negative amounts and malformed e-mails before sending', async () => {
    const kit = business.owner.kit;
    const before = await countClients();
    const status = await kit.crm.clients.create({ first_name: 'X', status: 'sleeping' as never });
    expect(status.error).toMatchObject({
      code: 'validation_failed',
      status: 400,
      details: { fieldErrors: { status: ['Use one of active, inactive, onboarding, paused, cancelled'] } },
    });
    const email = await kit.crm.clients.create({ first_name: 'X', email: 'not-an-email' });
    expect(email.error?.details).toMatchObject({ fieldErrors: { email: ['Enter a valid e-mail address'] } });
    const negative = await kit.crm.payments.create({ client_id: clients[0]!.id, amount: -5, currency: 'USD' });
    expect(negative.error?.details).toMatchObject({ fieldErrors: { amount: ['Must be more than 0'] } });
    const major = await kit.crm.payments.create({ client_id: clients[0]!.id, amount: 100.5, currency: 'USD' });
    expect(major.error?.details).toMatchObject({ fieldErrors: { amount: ['Use a whole number of minor units (cents): 1999 is 19.99'] } });
    expect(await countClients()).toBe(before);
  });

  it('the database refuses the same through raw PostgREST with 400 and the details', async () => {
    const raw = business.owner.kit.supabase;
    const before = await countClients();
    const status = await raw.from('crm_clients').insert({ account_id: business.accountId, first_name: 'X', status: 'sleeping' as never });
    expect(status.status).toBe(400);
    expect(status.error?.code).toBe('22P02');
    const email = await raw.from('crm_clients').insert({ account_id: business.accountId, first_name: 'X', email: 'nope' });
    expect(email.status).toBe(400);
    expect(email.error?.code).toBe('23514');
    const negative = await raw.from('crm_payments').insert({ account_id: business.accountId, client_id: clients[0]!.id, amount: -5, currency: 'USD' });
    expect(negative.status).toBe(400);
    expect(negative.error?.message).toContain('crm_payments_amount_check');
    const fractional = await raw.from('crm_payments').insert({ account_id: business.accountId, client_id: clients[0]!.id, amount: 100.5, currency: 'usd' });
    expect(fractional.status).toBe(400);
    expect(fractional.error?.code).toBe('22P02');
    expect(await countClients()).toBe(before);
  });

  it('a coach from another account is refused with 422 naming the field, through the SDK and PostgREST', async () => {
    const kit = business.owner.kit;
    const before = await countClients();
    const viaSdk = await kit.crm.clients.create({ first_name: 'X', coach_id: other.owner.id });
    expect(viaSdk.error).toMatchObject({ code: 'invalid_assignee', status: 422, details: { field: 'coach_id' } });
    const raw = await kit.supabase.from('crm_clients').update({ setter_id: other.owner.id }).eq('id', clients[1]!.id);
    expect(raw.status).toBe(422);
    expect(raw.error).toMatchObject({ code: 'invalid_assignee', details: 'setter_id' });
    expect(await countClients()).toBe(before);
    const [row] = await sql<{ setter_id: string | null }>('select setter_id from public.crm_clients where id = $1', [clients[1]!.id]);
    expect(row!.setter_id).toBeNull();
  });

  it('a member without the permission is refused, and nothing changes', async () => {
    const coach = business.members.coach!.kit;
    expect((await coach.crm.clients.create({ first_name: 'X' })).error).toMatchObject({ code: 'forbidden', status: 403 });
    expect((await coach.crm.clients.remove(clients[0]!.id)).error?.code).toBe('not_found');
    expect((await coach.crm.packages.create({ name: 'Cheap' })).error?.code).toBe('forbidden');
    const manager = business.members.manager!.kit;
    expect((await manager.crm.packages.create({ name: 'Cheap' })).error?.code).toBe('forbidden');
    expect((await manager.crm.clients.update(clients[2]!.id, { notes: 'Called back' })).data?.notes).toBe('Called back');
  });
});
