/**
 * Concurrent redemptions of one voucher through PostgREST: exactly as many succeed as it has uses,
 * the rest are voucher_exhausted (the benchmark runs the 500-against-100 version).
 */
import { describe, expect, it } from 'vitest';
import { createUser, sql } from './support.ts';

describe('concurrent redemptions', () => {
  it('lets exactly uses_remaining of 40 simultaneous redemptions of a 10-use voucher succeed', async () => {
    const [admin, owner] = await Promise.all([createUser('admin'), createUser('client')]);
    const type = await admin.kit.admin.vouchers.createType({ name: `Ten uses ${Date.now()}`, service_type: 'exam_results', price_amount: 100, max_uses: 10 });
    const granted = await admin.kit.admin.vouchers.grant(owner.id, type.data!.id);
    const code = granted.data!.code;
    const results = await Promise.all(Array.from({ length: 40 }, () => owner.kit.vouchers.redeem({ code, service_type: 'exam_results' })));
    expect(results.filter((r) => r.data).length).toBe(10);
    expect(results.filter((r) => r.error?.code === 'voucher_exhausted').length).toBe(30);
    const [row] = await sql<{ uses_remaining: number; redemptions: number }>(
      'select v.uses_remaining, (select count(*)::int from public.voucher_redemptions r where r.voucher_id = v.id) as redemptions from public.vouchers v where v.code = $1',
      [code],
    );
    expect(row).toEqual({ uses_remaining: 0, redemptions: 10 });
    const { data: stats } = await owner.kit.vouchers.stats();
    expect(stats).toMatchObject({ vouchers_granted: 1, vouchers_active: 0, vouchers_used: 1, redemptions: 10, spent: [] });
  });
});
