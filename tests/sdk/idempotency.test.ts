/**
 * Every creating SDK call takes `{ idempotencyKey }` and the database holds it: the same key and input
 * again answer the first row and create nothing; the same key with other input is refused with
 * `idempotency_key_reused`. Creations through PostgREST inserts (the table trigger) and through the
 * creating SQL functions (API keys, tasks, jobs: the functions claim the key themselves), also when
 * calls race or the first answer is lost. (The CRM and feedback: tests/crm/idempotency.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/sdk/index.ts';
import { createUser, randomIp, sql, stack, type TestUser } from '../identity/support.ts';

let admin: TestUser;
let creator: TestUser;
let client: TestUser;

async function count(table: string, column: string, value: string): Promise<number> {
  const [row] = await sql<{ n: string }>(`select count(*) as n from public.${table} where ${column} = $1`, [value]);
  return Number(row!.n);
}

async function jobCount(owner: string, type: string): Promise<number> {
  const [row] = await sql<{ n: string }>('select count(*) as n from private.jobs where owner_id = $1 and type = $2', [owner, type]);
  return Number(row!.n);
}

async function apiKeyCount(creatorId: string, name: string): Promise<{ keys: number; secrets: number }> {
  const [row] = await sql<{ keys: string; secrets: string }>(
    `select count(*) as keys, count(s.api_key_id) as secrets
       from public.api_keys k left join private.api_key_secrets s on s.api_key_id = k.id
      where k.creator_id = $1 and k.name = $2`,
    [creatorId, name],
  );
  return { keys: Number(row!.keys), secrets: Number(row!.secrets) };
}

/** A signed-in SDK client whose fetch drops the answer of the first request to `path` after the backend committed it. */
async function droppingKit(user: TestUser, path: string) {
  const keys: string[] = [];
  let dropped = false;
  const dropping = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await fetch(input, init);
    if ((typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).includes(path)) {
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
  const signedIn = await client.auth.signIn({ email: user.email, password: user.password });
  if (signedIn.error) throw signedIn.error;
  return { kit: client, keys };
}

beforeAll(async () => {
  [admin, creator, client] = await Promise.all([createUser('admin'), createUser('tool_creator'), createUser('client')]);
});

describe('creations with an idempotency key', () => {
  it('marketplace.tools.create: once per key; another body with the key is refused', async () => {
    const idempotencyKey = randomUUID();
    const name = `Once ${idempotencyKey.slice(0, 8)}`;
    const input = { name, category: 'testing', price_points: 3 };
    const first = await creator.kit.marketplace.tools.create(input, { idempotencyKey });
    const again = await creator.kit.marketplace.tools.create(input, { idempotencyKey });
    expect(first.error).toBeNull();
    expect(again.data?.id).toBe(first.data!.id);
    expect(await count('tools', 'name', name)).toBe(1);
    const other = await creator.kit.marketplace.tools.create({ ...input, price_points: 300 }, { idempotencyKey });
    expect(other.error?.code).toBe('idempotency_key_reused');
    expect(await count('tools', 'name', name)).toBe(1);
  });

  it('support.open and support.reply: once per key', async () => {
    const idempotencyKey = randomUUID();
    const subject = `Help ${idempotencyKey.slice(0, 8)}`;
    const first = await client.kit.support.open({ subject, body: 'It broke' }, { idempotencyKey });
    const again = await client.kit.support.open({ subject, body: 'It broke' }, { idempotencyKey });
    expect(first.error).toBeNull();
    expect(again.data?.id).toBe(first.data!.id);
    expect(await count('support_tickets', 'subject', subject)).toBe(1);
    const replyKey = randomUUID();
    const reply = await client.kit.support.reply(first.data!.id, { body: 'More details' }, { idempotencyKey: replyKey });
    const replyAgain = await client.kit.support.reply(first.data!.id, { body: 'More details' }, { idempotencyKey: replyKey });
    expect(replyAgain.data?.id).toBe(reply.data!.id);
    expect(await count('support_messages', 'ticket_id', first.data!.id)).toBe(2);
    const other = await client.kit.support.reply(first.data!.id, { body: 'Something else' }, { idempotencyKey: replyKey });
    expect(other.error?.code).toBe('idempotency_key_reused');
  });

  it('admin.content.create, admin.vouchers.createType/grant and admin.pointsPackages.create: once per key', async () => {
    const key = () => ({ idempotencyKey: randomUUID() });
    const slug = `once-${randomUUID().slice(0, 8)}`;
    const contentKey = key();
    const page = await admin.kit.admin.content.create({ slug, title: 'Once' }, contentKey);
    expect((await admin.kit.admin.content.create({ slug, title: 'Once' }, contentKey)).data?.id).toBe(page.data!.id);

    const typeKey = key();
    const typeName = `Once ${slug}`;
    const type = await admin.kit.admin.vouchers.createType({ name: typeName, service_type: 'transcript', price_amount: 100 }, typeKey);
    expect(type.error).toBeNull();
    expect((await admin.kit.admin.vouchers.createType({ name: typeName, service_type: 'transcript', price_amount: 100 }, typeKey)).data?.id).toBe(type.data!.id);
    expect(await count('voucher_types', 'name', typeName)).toBe(1);

    const grantKey = key();
    const voucher = await admin.kit.admin.vouchers.grant(client.id, type.data!.id, grantKey);
    expect(voucher.error).toBeNull();
    const voucherAgain = await admin.kit.admin.vouchers.grant(client.id, type.data!.id, grantKey);
    expect(voucherAgain.error).toBeNull();
    expect(voucherAgain.data?.id).toBe(voucher.data!.id);
    expect(await count('vouchers', 'voucher_type_id', type.data!.id)).toBe(1);

    const packageKey = key();
    const pkg = await admin.kit.admin.pointsPackages.create({ name: typeName, points: 10, price_amount: 100 }, packageKey);
    expect(pkg.error).toBeNull();
    expect((await admin.kit.admin.pointsPackages.create({ name: typeName, points: 10, price_amount: 100 }, packageKey)).data?.id).toBe(pkg.data!.id);
  });
});

describe('creating SQL functions with an idempotency key', () => {
  it('marketplace.apiKeys.create: once per key, the replay answers the key without its secret; another body is refused', async () => {
    const idempotencyKey = randomUUID();
    const name = `Backend ${idempotencyKey.slice(0, 8)}`;
    const first = await creator.kit.marketplace.apiKeys.create({ name }, { idempotencyKey });
    const again = await creator.kit.marketplace.apiKeys.create({ name }, { idempotencyKey });
    expect(first.error).toBeNull();
    expect(first.data?.secret).toMatch(/^mk_[0-9a-f]{12}_/);
    expect(again.error).toBeNull();
    expect(again.data).toEqual({ ...first.data, secret: null });
    expect(await apiKeyCount(creator.id, name)).toEqual({ keys: 1, secrets: 1 });

    const other = await creator.kit.marketplace.apiKeys.create({ name: `${name} 2` }, { idempotencyKey });
    expect(other.error?.code).toBe('idempotency_key_reused');
    expect(other.error?.status).toBe(422);
    expect(await apiKeyCount(creator.id, `${name} 2`)).toEqual({ keys: 0, secrets: 0 });
  });

  it('marketplace.apiKeys.create: concurrent calls with one key create one key and show its secret once', async () => {
    const idempotencyKey = randomUUID();
    const name = `Racing ${idempotencyKey.slice(0, 8)}`;
    const results = await Promise.all(Array.from({ length: 4 }, () => creator.kit.marketplace.apiKeys.create({ name }, { idempotencyKey })));
    expect(results.map((r) => r.error)).toEqual([null, null, null, null]);
    expect(new Set(results.map((r) => r.data!.id)).size).toBe(1);
    expect(results.filter((r) => r.data!.secret !== null)).toHaveLength(1);
    expect(await apiKeyCount(creator.id, name)).toEqual({ keys: 1, secrets: 1 });
  });

  it('marketplace.apiKeys.create: an answer lost after commit is retried with the same key and creates one key', async () => {
    const { kit, keys } = await droppingKit(creator, '/rest/v1/rpc/create_api_key');
    const name = `Lost ${randomUUID().slice(0, 8)}`;
    const { data, error } = await kit.marketplace.apiKeys.create({ name });
    expect(error).toBeNull();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(data).toMatchObject({ name, secret: null });
    expect(await apiKeyCount(creator.id, name)).toEqual({ keys: 1, secrets: 1 });
  });

  it('tasks.submit: once per key, also in a race and when the answer is lost; another body is refused', async () => {
    const user = await createUser('client');
    const idempotencyKey = randomUUID();
    const input = { type: 'add', input: { a: 2, b: 3 } } as const;
    const results = await Promise.all(Array.from({ length: 3 }, () => user.kit.tasks.submit(input, { idempotencyKey })));
    expect(results.map((r) => r.error)).toEqual([null, null, null]);
    expect(new Set(results.map((r) => r.data!.task_id)).size).toBe(1);
    expect(await jobCount(user.id, 'tasks.add')).toBe(1);

    const other = await user.kit.tasks.submit({ type: 'add', input: { a: 2, b: 4 } }, { idempotencyKey });
    expect(other.error?.code).toBe('idempotency_key_reused');
    expect(await jobCount(user.id, 'tasks.add')).toBe(1);

    const { kit, keys } = await droppingKit(user, '/rest/v1/rpc/submit_task');
    const lost = await kit.tasks.submit({ type: 'add', input: { a: 5, b: 5 } });
    expect(lost.error).toBeNull();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(await jobCount(user.id, 'tasks.add')).toBe(2);
  });

  it('tasks.submit: the retry of a submission answers its task even once the quota is reached', async () => {
    const user = await createUser('client');
    const idempotencyKey = randomUUID();
    const first = await user.kit.tasks.submit({ type: 'add', input: { a: 1, b: 2 } }, { idempotencyKey });
    expect(first.error).toBeNull();
    // Five more unfinished tasks, queued for later: the quota (5 unfinished) is reached.
    await sql(
      `insert into private.jobs (type, payload, owner_id, run_after, max_attempts) select 'tasks.add', '{"a":1,"b":1}', $1, now() + interval '1 hour', 3 from generate_series(1, 5)`,
      [user.id],
    );
    const retried = await user.kit.tasks.submit({ type: 'add', input: { a: 1, b: 2 } }, { idempotencyKey });
    expect(retried.error).toBeNull();
    expect(retried.data?.task_id).toBe(first.data!.task_id);
    const fresh = await user.kit.tasks.submit({ type: 'add', input: { a: 1, b: 2 } }, { idempotencyKey: randomUUID() });
    expect(fresh.error?.code).toBe('task_quota_exceeded');
  });

  it('admin.jobs.enqueue: once per key, also in a race; another body is refused', async () => {
    const idempotencyKey = randomUUID();
    const payload = { note: idempotencyKey };
    const results = await Promise.all(Array.from({ length: 3 }, () => admin.kit.admin.jobs.enqueue({ type: 'diagnostics.echo', payload }, { idempotencyKey })));
    expect(results.map((r) => r.error)).toEqual([null, null, null]);
    expect(new Set(results.map((r) => r.data!.id)).size).toBe(1);
    const [row] = await sql<{ n: string }>(`select count(*) as n from private.jobs where payload ->> 'note' = $1`, [idempotencyKey]);
    expect(Number(row!.n)).toBe(1);

    const other = await admin.kit.admin.jobs.enqueue({ type: 'diagnostics.echo', payload, max_attempts: 2 }, { idempotencyKey });
    expect(other.error?.code).toBe('idempotency_key_reused');
    const [after] = await sql<{ n: string }>(`select count(*) as n from private.jobs where payload ->> 'note' = $1`, [idempotencyKey]);
    expect(Number(after!.n)).toBe(1);
  });
});
