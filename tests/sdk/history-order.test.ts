/**
 * Every history reads in commit order. Each case opens its transactions one after another (so
 * created_at, the transaction start, rises with them) and then commits them in the reverse order:
 * a history sorted by created_at would read backwards, one sorted by commit order reads the way the
 * writes happened — and a user's usages line up with the wallet ledger's spends and their balances.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { approvedTool, createUser, sql, stack, topUp, type TestUser } from '../marketplace/support.ts';

/** Statements that run as `user` through PostgREST's role and claims, in the caller's transaction. */
function as(user: TestUser, statement: string): string {
  return `set local role authenticated;
    select set_config('request.jwt.claims', json_build_object('sub', '${user.id}', 'role', 'authenticated')::text, true);
    ${statement}`;
}

/**
 * Begins one transaction per statement in the given order, then runs and commits them last to first:
 * the returned indexes are the commit order (newest last).
 */
async function startInOrderCommitInReverse(statements: string[]): Promise<number[]> {
  const clients = statements.map(() => new pg.Client({ connectionString: stack.dbUrl }));
  await Promise.all(clients.map((client) => client.connect()));
  try {
    for (const client of clients) {
      await client.query('begin');
      await client.query('select now()');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const committed: number[] = [];
    for (let i = statements.length - 1; i >= 0; i--) {
      await clients[i]!.query(statements[i]!);
      await clients[i]!.query('commit');
      committed.push(i);
    }
    return committed;
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

describe('histories under concurrency', () => {
  it("a user's usages read in commit order, spend by spend with the wallet's balance chain", async () => {
    const [admin, creator, client] = await Promise.all([createUser('admin'), createUser('tool_creator'), createUser('client')]);
    const tool = await approvedTool(creator, admin, { price_points: 3 });
    await topUp(admin, client, 100);
    const keys = Array.from({ length: 6 }, () => randomUUID());
    const committed = await startInOrderCommitInReverse(keys.map((key) => `select private.use_tool('${client.id}', '${tool.id}', '${key}', 3)`));

    const usages = await client.kit.marketplace.usage.list({ per_page: 100 });
    expect(usages.error).toBeNull();
    const oldestFirst = [...usages.data!.items].reverse();
    expect(oldestFirst.map((usage) => usage.idempotency_key)).toEqual(committed.map((i) => keys[i]));

    // The same order as the ledger's spends, and each spend leaves 3 points less than the one before.
    const ledger = await client.kit.wallet.history({ per_page: 100 });
    const spends = [...ledger.data!.items].reverse().filter((entry) => entry.kind === 'spend');
    expect(spends.map((entry) => entry.reference_id)).toEqual(oldestFirst.map((usage) => usage.id));
    expect(spends.map((entry) => entry.balance_after)).toEqual([97, 94, 91, 88, 85, 82]);
  });

  it('a usage is numbered only once it holds the wallet: a spend held up after it started still reads in commit order', async () => {
    const [admin, creator, client] = await Promise.all([createUser('admin'), createUser('tool_creator'), createUser('client')]);
    const tool = await approvedTool(creator, admin, { price_points: 5 });
    await topUp(admin, client, 100);
    // An earlier attempt with the same idempotency key, still open: the retry waits for it at the
    // key, after its insert has begun; another spend meanwhile runs to its commit, unless the retry
    // holds the wallet by then. The earlier attempt then fails (rolls back) and the retry goes on.
    const key = randomUUID();
    const earlier = new pg.Client({ connectionString: stack.dbUrl });
    await earlier.connect();
    try {
      await earlier.query('begin');
      await earlier.query('insert into public.usages (tool_id, client_id, creator_id, points_charged, creator_share, idempotency_key) values ($1, $2, $3, 5, 0, $4)', [
        tool.id,
        client.id,
        creator.id,
        key,
      ]);
      const retry = sql(`select private.use_tool('${client.id}', '${tool.id}', '${key}', 5)`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const other = sql(`select private.use_tool('${client.id}', '${tool.id}', '${randomUUID()}', 5)`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await earlier.query('rollback');
      await Promise.all([retry, other]);
    } finally {
      await earlier.end();
    }
    const usages = await client.kit.marketplace.usage.list({ per_page: 100 });
    const ledger = await client.kit.wallet.history({ per_page: 100 });
    const spends = [...ledger.data!.items].reverse().filter((entry) => entry.kind === 'spend');
    expect(spends).toHaveLength(2);
    expect([...usages.data!.items].reverse().map((usage) => usage.id)).toEqual(spends.map((entry) => entry.reference_id));
  });

  it("a creator's payouts read in commit order, as the wallet pays them out", async () => {
    const [admin, creator, client] = await Promise.all([createUser('admin'), createUser('tool_creator'), createUser('client')]);
    const tool = await approvedTool(creator, admin, { price_points: 10, creator_share_percent: 100 });
    await topUp(admin, client, 100);
    for (let i = 0; i < 3; i++) await sql(`select private.use_tool('${client.id}', '${tool.id}', '${randomUUID()}', 10)`);
    const amounts = [1, 2, 3, 4, 5];
    const committed = await startInOrderCommitInReverse(amounts.map((amount) => as(creator, `select public.request_payout(${amount}, '${randomUUID()}')`)));

    const payouts = await creator.kit.marketplace.payouts.list({ per_page: 100 });
    expect(payouts.error).toBeNull();
    const oldestFirst = [...payouts.data!.items].reverse();
    expect(oldestFirst.map((payout) => payout.amount_points)).toEqual(committed.map((i) => amounts[i]));
    const ledger = await creator.kit.wallet.history({ per_page: 100 });
    const paidOut = [...ledger.data!.items].reverse().filter((entry) => entry.kind === 'payout');
    expect(paidOut.map((entry) => entry.reference_id)).toEqual(oldestFirst.map((payout) => payout.id));
  });

  it('voucher redemptions read in commit order', async () => {
    const [admin, owner] = await Promise.all([createUser('admin'), createUser('client')]);
    const type = await admin.kit.admin.vouchers.createType({ name: `Five uses ${randomUUID()}`, service_type: 'exam_results', price_amount: 100, max_uses: 5 });
    const granted = await admin.kit.admin.vouchers.grant(owner.id, type.data!.id);
    const code = granted.data!.code;
    const services = [1, 2, 3, 4].map((n) => ({ exam: `exam-${n}` }));
    const committed = await startInOrderCommitInReverse(
      services.map((details) => as(owner, `select * from public.redeem_voucher('${code}', 'exam_results', '${JSON.stringify(details)}'::jsonb, '${randomUUID()}')`)),
    );

    const history = await owner.kit.vouchers.history({ per_page: 100 });
    expect(history.error).toBeNull();
    expect([...history.data!.items].reverse().map((redemption) => redemption.details)).toEqual(committed.map((i) => services[i]));
  });

  it("a ticket's messages and a user's tasks read in commit order", async () => {
    const user = await createUser('client');
    const opened = await user.kit.support.open({ subject: 'Commit order', body: 'The first message of the thread.' });
    expect(opened.error).toBeNull();
    const ticketId = opened.data!.id;
    const bodies = ['Reply one, started first.', 'Reply two.', 'Reply three, started last.'];
    const replies = await startInOrderCommitInReverse(bodies.map((body) => as(user, `insert into public.support_messages (ticket_id, body) values ('${ticketId}', '${body}')`)));
    const thread = await user.kit.support.get(ticketId);
    expect(thread.error).toBeNull();
    expect(thread.data!.messages.map((message) => message.body)).toEqual(['The first message of the thread.', ...replies.map((i) => bodies[i])]);

    const inputs = [1, 2, 3].map((a) => ({ a, b: 0 }));
    const submitted = await startInOrderCommitInReverse(inputs.map((input) => as(user, `select public.submit_task('add', '${JSON.stringify(input)}'::jsonb)`)));
    const tasks = await user.kit.tasks.list();
    expect(tasks.error).toBeNull();
    expect([...tasks.data!.items].reverse().map((task) => task.input)).toEqual(submitted.map((i) => inputs[i]));
  });
});
