/**
 * One date-range shape across the SDK: `{ from?, to? }`, `from` inclusive, `to` exclusive, dates or
 * ISO 8601 date-times, validated locally (nothing is sent for a bad range). The CRM's lists and
 * statistics are covered in tests/crm/crm.test.ts; this file holds the vouchers dashboard.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/sdk/index.ts';
import { createUser, stack } from '../identity/support.ts';

describe('kit.admin.vouchers.dashboard ranges', () => {
  it('takes from (inclusive) and to (exclusive) as dates or date-times and answers the days covered', async () => {
    const admin = await createUser('admin');
    const november = await admin.kit.admin.vouchers.dashboard({ from: '2026-11-01', to: '2026-12-01' });
    expect(november.error).toBeNull();
    expect(november.data!.range).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    expect(november.data!.revenue_by_day.every((d) => d.day >= '2026-11-01' && d.day < '2026-12-01')).toBe(true);
    // A date-time inside a day: that day's start is before `from`, so it is left out; `to` likewise keeps it.
    const shifted = await admin.kit.admin.vouchers.dashboard({ from: '2026-11-01T08:00:00Z', to: '2026-11-30T08:00:00+02:00' });
    expect(shifted.data!.range).toEqual({ from: '2026-11-02', to: '2026-12-01' });
    const byDefault = await admin.kit.admin.vouchers.dashboard();
    expect(byDefault.error).toBeNull();
    const today = new Date().toISOString().slice(0, 10);
    expect(byDefault.data!.range.from < today && today < byDefault.data!.range.to).toBe(true);
  });

  it('refuses a bad or empty range locally, without a request', async () => {
    let requests = 0;
    const counting = createClient(stack.url, stack.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { fetch: (...args: Parameters<typeof fetch>) => (requests++, fetch(...args)) },
    });
    expect((await counting.admin.vouchers.dashboard({ from: 'last week' })).error?.code).toBe('validation_failed');
    expect((await counting.admin.vouchers.dashboard({ from: '2026-12-01', to: '2026-11-01' })).error?.code).toBe('validation_failed');
    expect((await counting.admin.vouchers.dashboard({ from: '2026-11-01T01:00:00Z', to: '2026-11-01T23:00:00Z' })).error?.code).toBe('validation_failed');
    expect(requests).toBe(0);
  });
});
