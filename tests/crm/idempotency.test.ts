/**
 * Creations through PostgREST are idempotent in the database: the CRM's `create` calls and
 * `marketplace.feedback.submit` carry an `Idempotency-Key` that the row's own transaction claims.
 * - a payment whose answer is lost after commit is retried (automatically) and recorded once;
 * - the same key with another body is refused (`idempotency_key_reused`) and records nothing;
 * - raw PostgREST callers get the same protection (the rule is in the database, not the SDK);
 * - concurrent requests with one key create one row.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, type KitClient } from '../../src/sdk/index.ts';
import { accessToken, createBusiness, randomIp, sql, stack, type TestBusiness } from './support.ts';
import { approvedTool, createUser as createMarketplaceUser, topUp } from '../marketplace/support.ts';

let business: TestBusiness;
let clientId: string;

/** A signed-in SDK client whose fetch drops the answer of the first matching request after the backend committed it. */
async function droppingKit(email: string, password: string, match: (url: string, init?: RequestInit) => boolean) {
  const keys: string[] = [];
  let dropped = false;
  const dropping = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await fetch(input, init);
    if (match(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, init)) {
      keys.push(new Headers(init?.headers).get('Idempotency-Key') ?? '');
      if (!dropped) {
        dropped = true; // committed; the connection drops before the answer arrives
        throw new TypeError('fetch failed');
      }
    }
    return response;
  }) as typeof fetch;
  const client = createClient(stack.url, stack.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { fetch: dropping, headers: { 'X-Forwarded-For': randomIp() } },
  });
  const signedIn = await client.auth.signIn({ email, password });
  if (signedIn.error) throw signedIn.error;
  return { kit: client, keys };
}

async function paymentCount(client: string): Promise<number> {
  const [row] = await sql<{ n: string }>('select count(*) as n from public.crm_payments where client_id = $1', [client]);
  return Number(row!.n);
}

beforeAll(async () => {
  business = await createBusiness();
  const created = await business.owner.kit.crm.clients.create({ first_name: 'Idem', last_name: 'Potent', email: 'idem@client.test' });
  if (created.error) throw created.error;
  clientId = created.data.id;
}, 60_000);

describe('kit.crm.*.create is idempotent in the database', () => {
  it('a payment whose answer is dropped after commit is retried with the same key and recorded once', async () => {
    const { kit: owner, keys } = await droppingKit(business.owner.email, business.owner.password, (url, init) => url.includes('/rest/v1/crm_payments') && init?.method === 'POST');
    const before = await paymentCount(clientId);
    const { data, error } = await owner.crm.payments.create({ client_id: clientId, amount: 250, currency: 'USD', payment_date: '2026-03-01' });
    expect(error).toBeNull();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(await paymentCount(clientId)).toBe(before + 1);
    const [stored] = await sql<{ id: string }>('select id from public.crm_payments where client_id = $1 and payment_date = $2', [clientId, '2026-03-01']);
    expect(data?.id).toBe(stored!.id);
  });

  it('the same key and body again answers the first row; nothing new is recorded', async () => {
    const idempotencyKey = `invoice-${randomUUID()}`;
    const input = { client_id: clientId, amount: 99, currency: 'USD', payment_date: '2026-03-02' };
    const first = await business.owner.kit.crm.payments.create(input, { idempotencyKey });
    expect(first.error).toBeNull();
    const before = await paymentCount(clientId);
    const again = await business.owner.kit.crm.payments.create(input, { idempotencyKey });
    expect(again.error).toBeNull();
    expect(again.data?.id).toBe(first.data!.id);
    expect(await paymentCount(clientId)).toBe(before);
  });

  it('attack: the same key with another body is refused and records nothing', async () => {
    const idempotencyKey = `invoice-${randomUUID()}`;
    const first = await business.owner.kit.crm.payments.create({ client_id: clientId, amount: 10, currency: 'USD' }, { idempotencyKey });
    expect(first.error).toBeNull();
    const before = await paymentCount(clientId);
    const other = await business.owner.kit.crm.payments.create({ client_id: clientId, amount: 10_000, currency: 'USD' }, { idempotencyKey });
    expect(other.data).toBeNull();
    expect(other.error?.code).toBe('idempotency_key_reused');
    expect(other.error?.status).toBe(422);
    expect(await paymentCount(clientId)).toBe(before);
  });

  it('attack: raw PostgREST inserts with a used key create nothing (the rule is in the database)', async () => {
    const token = await accessToken(business.owner.kit);
    const key = randomUUID();
    const post = (amount: number) =>
      fetch(`${stack.url}/rest/v1/crm_payments`, {
        method: 'POST',
        headers: {
          apikey: stack.publishableKey,
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          Prefer: 'return=representation',
          'Idempotency-Key': key,
          'X-Forwarded-For': randomIp(),
        },
        body: JSON.stringify({ account_id: business.accountId, client_id: clientId, amount, currency: 'USD' }),
      });
    const before = await paymentCount(clientId);
    expect((await post(5)).status).toBe(201);
    const replay = await post(5);
    expect(replay.status).toBe(409);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.json()).toMatchObject({ code: 'idempotent_replay' });
    const reused = await post(6);
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await paymentCount(clientId)).toBe(before + 1);
  });

  it('concurrent requests with one key record one payment', async () => {
    const idempotencyKey = randomUUID();
    const before = await paymentCount(clientId);
    const input = { client_id: clientId, amount: 7, currency: 'USD', payment_date: '2026-03-03' };
    const results = await Promise.all(Array.from({ length: 5 }, () => business.owner.kit.crm.payments.create(input, { idempotencyKey })));
    expect(results.map((r) => r.error)).toEqual([null, null, null, null, null]);
    expect(new Set(results.map((r) => r.data!.id)).size).toBe(1);
    expect(await paymentCount(clientId)).toBe(before + 1);
  });

  it('every CRM create takes the key: clients, packages, client packages, instalments, Stripe links', async () => {
    const kit: KitClient = business.owner.kit;
    const idem = () => ({ idempotencyKey: randomUUID() });
    const clientKey = idem();
    const client = await kit.crm.clients.create({ first_name: 'Once', email: 'once@client.test' }, clientKey);
    const clientAgain = await kit.crm.clients.create({ first_name: 'Once', email: 'once@client.test' }, clientKey);
    expect(clientAgain.data?.id).toBe(client.data!.id);
    const pkgKey = idem();
    const pkg = await kit.crm.packages.create({ name: 'Once', price: 100, currency: 'USD' }, pkgKey);
    expect((await kit.crm.packages.create({ name: 'Once', price: 100, currency: 'USD' }, pkgKey)).data?.id).toBe(pkg.data!.id);
    const cpKey = idem();
    const cpInput = { client_id: client.data!.id, package_id: pkg.data!.id, currency: 'USD' };
    const cp = await kit.crm.clientPackages.create(cpInput, cpKey);
    expect((await kit.crm.clientPackages.create(cpInput, cpKey)).data?.id).toBe(cp.data!.id);
    const inKey = idem();
    const inInput = { client_id: client.data!.id, client_package_id: cp.data!.id, instalment_number: 1, amount: 50, currency: 'USD', schedule_date: '2026-04-01' };
    const instalment = await kit.crm.instalments.create(inInput, inKey);
    expect((await kit.crm.instalments.create(inInput, inKey)).data?.id).toBe(instalment.data!.id);
    const scKey = idem();
    const scInput = { client_id: client.data!.id, stripe_customer_id: `cus_${randomUUID().replace(/-/g, '').slice(0, 14)}` };
    const link = await kit.crm.stripeCustomers.create(scInput, scKey);
    expect(link.error).toBeNull();
    expect((await kit.crm.stripeCustomers.create(scInput, scKey)).data?.id).toBe(link.data!.id);
    const [counts] = await sql<{ clients: string; packages: string; cps: string; instalments: string; links: string }>(
      `select (select count(*) from public.crm_clients where account_id = $1 and first_name = 'Once') as clients,
              (select count(*) from public.crm_packages where account_id = $1 and name = 'Once') as packages,
              (select count(*) from public.crm_client_packages where client_id = $2) as cps,
              (select count(*) from public.crm_instalments where client_id = $2) as instalments,
              (select count(*) from public.crm_stripe_customers where client_id = $2) as links`,
      [business.accountId, client.data!.id],
    );
    expect(counts).toEqual({ clients: '1', packages: '1', cps: '1', instalments: '1', links: '1' });
  });

  it('a key is per caller: another member using the same key creates their own row', async () => {
    const other = await createBusiness();
    const idempotencyKey = randomUUID();
    const mine = await business.owner.kit.crm.clients.create({ first_name: 'Shared key' }, { idempotencyKey });
    const theirs = await other.owner.kit.crm.clients.create({ first_name: 'Shared key' }, { idempotencyKey });
    expect(mine.error).toBeNull();
    expect(theirs.error).toBeNull();
    expect(theirs.data!.id).not.toBe(mine.data!.id);
  });

  it('a malformed key is refused locally', async () => {
    const { error } = await business.owner.kit.crm.clients.create({ first_name: 'X' }, { idempotencyKey: 'has space' });
    expect(error?.code).toBe('validation_failed');
  });
});

describe('kit.marketplace.feedback.submit is idempotent', () => {
  it('a review whose answer is dropped is retried and answered, not feedback_exists; another body with the key is refused', async () => {
    const [creator, admin] = await Promise.all([createMarketplaceUser('tool_creator'), createMarketplaceUser('admin')]);
    const tool = await approvedTool(creator, admin, { price_points: 1 });
    const { createUser } = await import('../identity/support.ts');
    const buyer = await createUser('client');
    await topUp(admin, { ...buyer, accessToken: '' }, 10);
    const used = await buyer.kit.marketplace.usage.use(tool.id, { expected_price_points: 1 });
    if (used.error) throw used.error;
    const usageId = used.data.usage.id;
    const { kit: client, keys } = await droppingKit(buyer.email, buyer.password, (url) => url.includes('/rest/v1/rpc/submit_feedback'));
    const rated = await client.marketplace.feedback.submit({ usage_id: usageId, rating: 4, review: 'Good' });
    expect(rated.error).toBeNull();
    expect(rated.data).toMatchObject({ usage_id: usageId, rating: 4, review: 'Good' });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);

    const idempotencyKey = randomUUID();
    const [first] = await sql<{ n: string }>('select count(*) as n from public.feedback where usage_id = $1', [usageId]);
    expect(first!.n).toBe('1');
    const reused = await client.marketplace.feedback.submit({ usage_id: usageId, rating: 1 }, { idempotencyKey: keys[0]! });
    expect(reused.error?.code).toBe('idempotency_key_reused');
    const fresh = await client.marketplace.feedback.submit({ usage_id: usageId, rating: 4, review: 'Good' }, { idempotencyKey });
    expect(fresh.error?.code).toBe('feedback_exists');
  });
});
