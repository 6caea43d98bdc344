/**
 * The wallet history reads in commit order: with concurrent changes to one wallet, each entry's
 * balance_after is the previous entry's balance_after plus its amount. Ordered by transaction start
 * (created_at) the history broke that chain whenever a transaction started earlier committed later.
 */
import { describe, expect, it } from 'vitest';
import { createUser, sql } from '../identity/support.ts';

describe('the wallet history under concurrency', () => {
  it('follows commit order: every balance_after follows from the entry before it', async () => {
    const [admin, user] = await Promise.all([createUser('admin'), createUser('client')]);
    // Transactions that start in one order and commit in another: each adjustment sleeps after it
    // started (created_at = transaction start) but before it takes the wallet's lock.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        sql(
          `begin; select pg_sleep($3::float8); set local role authenticated;
           select set_config('request.jwt.claims', json_build_object('sub', $1::text, 'role', 'authenticated')::text, true);
           select public.admin_adjust_points($2::uuid, ($4::int), 'concurrent', gen_random_uuid()::text); commit;`.replace(
            /\$(\d)/g,
            (_, n) => ['', `'${admin.id}'`, `'${user.id}'`, `${(12 - i) * 0.02}`, `${i + 1}`][Number(n)]!,
          ),
        ).catch(async (error: unknown) => {
          await sql('rollback').catch(() => undefined);
          throw error;
        }),
      ),
    );
    const history = await admin.kit.wallet.history({ user_id: user.id, per_page: 100 });
    expect(history.error).toBeNull();
    const entries = [...history.data!.items].reverse(); // oldest first
    expect(entries).toHaveLength(12);
    let balance = 0;
    for (const entry of entries) {
      balance += entry.amount;
      expect(entry.balance_after).toBe(balance);
    }
  });
});
