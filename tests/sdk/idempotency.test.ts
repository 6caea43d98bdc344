/**
 * Every creating SDK call takes `{ idempotencyKey }` and the database holds it: the same key and input
 * again answer the first row and create nothing; the same key with other input is refused with
 * `idempotency_key_reused`. (The CRM and feedback: tests/crm/idempotency.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, sql, type TestUser } from '../identity/support.ts';

let admin: TestUser;
let creator: TestUser;
let client: TestUser;

async function count(table: string, column: string, value: string): Promise<number> {
  const [row] = await sql<{ n: string }>(`select count(*) as n from public.${table} where ${column} = $1`, [value]);
  return Number(row!.n);
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
