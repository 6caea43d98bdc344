/**
 * The six everyday jobs of a frontend developer, written as a new user would write them from the
 * README and the SDK's types alone (docs/sdk.md quotes them): the wallet, tools, vouchers, the CRM as
 * a business owner, admin approvals, and error handling. Each job is the code a page would hold —
 * one dialect everywhere: `{ data, error }`, `Page<T>` with `for await`, snake_case fields, options
 * last, money in minor units, narrowed error codes with typed details.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/sdk/index.ts';
import { createBusiness, type TestBusiness } from '../crm/support.ts';
import { createUser, type TestUser } from '../identity/support.ts';

let client: TestUser;
let creator: TestUser;
let admin: TestUser;
let business: TestBusiness;
let toolId: string;
let voucherCode: string;

beforeAll(async () => {
  [client, creator, admin, business] = await Promise.all([createUser('client'), createUser('tool_creator'), createUser('admin'), createBusiness()]);
  const adjusted = await admin.kit.admin.wallet.adjust({ user_id: client.id, amount: 50, reason: 'Welcome points' });
  if (adjusted.error) throw adjusted.error;
  const tool = await creator.kit.marketplace.tools.create({
    name: `Everyday ${randomUUID().slice(0, 8)}`,
    description: 'Transcribes audio',
    category: 'transcription',
    price_points: 7,
  });
  if (tool.error) throw tool.error;
  toolId = tool.data.id;
  const submitted = await creator.kit.marketplace.tools.submit(toolId);
  if (submitted.error) throw submitted.error;
  const type = await admin.kit.admin.vouchers.createType({ name: `Transcript ${randomUUID().slice(0, 6)}`, service_type: 'transcript', price_amount: 2000, max_uses: 1 });
  if (type.error) throw type.error;
  const voucher = await admin.kit.admin.vouchers.grant(client.id, type.data.id);
  if (voucher.error) throw voucher.error;
  voucherCode = voucher.data.code;
}, 60_000);

describe('six everyday jobs', () => {
  it('5. admin approvals: review the pending tools', async () => {
    const kit = admin.kit;
    // -- job 5 --
    const decided: string[] = [];
    for await (const pending of kit.admin.tools.list({ status: 'pending_review' })) {
      if (pending.id !== toolId) continue; // (other suites' tools wait in the same queue)
      const { data: tool, error } = await kit.admin.tools.review(pending.id, { decision: 'approve' }, { idempotencyKey: `review-${pending.id}` });
      if (error) throw error;
      decided.push(`${tool.name}: ${tool.status}`);
    }
    // --
    expect(decided).toEqual([expect.stringMatching(/: approved$/)]);
  });

  it('1. the wallet: balance and the newest entries', async () => {
    const kit = client.kit;
    // -- job 1 --
    const { data: wallet, error } = await kit.wallet.balance();
    if (error) throw error;
    const { data: page } = await kit.wallet.history({ per_page: 10 });
    const lines = page?.items.map((entry) => `${entry.amount > 0 ? '+' : ''}${entry.amount} → ${entry.balance_after}`);
    // --
    expect(wallet.balance).toBe(50);
    expect(lines).toEqual(['+50 → 50']);
  });

  it('2. tools: find one and use it once, however often the button is pressed', async () => {
    const kit = client.kit;
    const orderId = randomUUID();
    // -- job 2 --
    const { data: tool } = await kit.marketplace.tools.get(toolId);
    const use = () => kit.marketplace.usage.use(toolId, { expected_price_points: tool!.price_points }, { idempotencyKey: orderId });
    const [first, second] = await Promise.all([use(), use()]);
    // --
    expect(first.data?.usage.id).toBe(second.data?.usage.id);
    expect((await kit.wallet.balance()).data?.balance).toBe(43);
  });

  it('3. vouchers: check a code, redeem it, see it used', async () => {
    const kit = client.kit;
    // -- job 3 --
    const { data: voucher } = await kit.vouchers.get(voucherCode);
    const { data: redemption, error } = await kit.vouchers.redeem({ code: voucherCode, service_type: voucher!.service_type, details: { index_number: '0421' } });
    if (error) throw error;
    const { data: usedUp } = await kit.vouchers.mine({ usable: false });
    // --
    expect(redemption.uses_remaining).toBe(0);
    expect(usedUp?.items.some((v) => v.code === voucherCode)).toBe(true);
  });

  it('4. the CRM as an owner: a client, a payment, this month in money', async () => {
    const kit = business.owner.kit;
    // -- job 4 --
    const { data: ana, error } = await kit.crm.clients.create({ first_name: 'Ana', last_name: 'Silva', email: `ana-${randomUUID()}@client.test` });
    if (error) throw error;
    await kit.crm.payments.create({ client_id: ana.id, amount: 49900, currency: 'usd', payment_date: '2026-12-01' }, { idempotencyKey: `invoice-${ana.id}` });
    let total = 0;
    for await (const payment of kit.crm.payments.list({ client_id: ana.id, from: '2026-12-01', to: '2027-01-01' })) total += payment.amount;
    const shown = formatMoney(total, 'usd', 'en-US');
    // --
    expect(shown).toBe('$499.00');
  });

  it('6. errors: one narrowed code, typed details, no Postgres wording', async () => {
    const kit = client.kit;
    // -- job 6 --
    const { error } = await kit.marketplace.usage.use(toolId, { expected_price_points: 1 });
    let message = '';
    if (error?.code === 'price_changed') message = `The price is now ${error.details.price_points} points`;
    else if (error?.code === 'insufficient_points') message = 'Top up first';
    else if (error) message = error.message;
    // --
    expect(message).toBe('The price is now 7 points');
  });
});
