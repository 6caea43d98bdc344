/**
 * The waitlist (seed 004's pre-registration) through the SDK: anonymous sign-up, duplicates stored once,
 * a per-client rate limit, and admins listing and exporting it while nobody else can read it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, kit, randomIp, sql, uniqueEmail, type TestUser } from './support.ts';

let admin: TestUser;

beforeAll(async () => {
  admin = await createUser('admin');
});

async function rows(email: string): Promise<{ request_count: number; source: string | null }[]> {
  return sql('select request_count, source from public.waitlist where email = lower($1)', [email]);
}

describe('joining the waitlist', () => {
  it('takes an address without an account', async () => {
    const email = uniqueEmail('early');
    const { data, error } = await kit().auth.joinWaitlist({ email, source: 'landing-page' });
    expect(error).toBeNull();
    expect(data).toEqual({ status: 'joined' });
    expect(await rows(email)).toEqual([{ request_count: 1, source: 'landing-page' }]);
  });

  it('stores a duplicate once, answering exactly as for a new address', async () => {
    const email = uniqueEmail('dup');
    const first = await kit().auth.joinWaitlist({ email });
    const second = await kit().auth.joinWaitlist({ email: email.toUpperCase(), source: 'ad' });
    expect(second).toEqual(first);
    expect(await rows(email)).toEqual([{ request_count: 2, source: null }]);
  });

  it('limits how often one client address may sign up', async () => {
    const client = kit({ ip: randomIp() });
    const answers: (string | null)[] = [];
    for (let i = 0; i < 6; i += 1) answers.push((await client.auth.joinWaitlist({ email: uniqueEmail('burst') })).error?.code ?? null);
    expect(answers.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(answers[5]).toBe('rate_limited');
    expect((await kit().auth.joinWaitlist({ email: uniqueEmail('other-ip') })).error).toBeNull();
  });

  it('refuses an invalid address and writes nothing', async () => {
    const { error } = await kit().auth.joinWaitlist({ email: 'not-an-address' });
    expect(error).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(await rows('not-an-address')).toEqual([]);
  });
});

describe('reading the waitlist', () => {
  it('lets an admin list it, newest first, with a total', async () => {
    const email = uniqueEmail('listed');
    await kit().auth.joinWaitlist({ email });
    const { data, error } = await admin.kit.admin.waitlist.list({ per_page: 5 });
    expect(error).toBeNull();
    expect(data!.items.length).toBeLessThanOrEqual(5);
    expect(data!.total).toBeGreaterThanOrEqual(1);
    expect(data!.items.map((e) => e.email)).toContain(email);
  });

  it('lets an admin export it as CSV', async () => {
    const email = uniqueEmail('csv');
    await kit().auth.joinWaitlist({ email, source: 'csv-test' });
    const { data: csv, error } = await admin.kit.admin.waitlist.exportCsv();
    expect(error).toBeNull();
    const lines = csv!.trim().split('\n');
    expect(lines[0]).toBe('email,source,request_count,created_at,last_requested_at');
    expect(lines.some((line) => line.startsWith(`${email},csv-test,1,`))).toBe(true);
  });

  it('lets an admin remove an entry', async () => {
    const email = uniqueEmail('removed');
    await kit().auth.joinWaitlist({ email });
    const entry = (await admin.kit.supabase.from('waitlist').select('id').eq('email', email).single()).data!;
    expect((await admin.kit.admin.waitlist.remove(entry.id)).error).toBeNull();
    expect(await rows(email)).toEqual([]);
  });

  it('refuses clients and tool creators (forbidden) and anonymous readers (unauthorized); the table shows them nothing', async () => {
    const [client, creator] = await Promise.all([createUser('client'), createUser('tool_creator')]);
    expect((await client.kit.admin.waitlist.list()).error?.code).toBe('forbidden');
    expect((await creator.kit.admin.waitlist.exportCsv()).error?.code).toBe('forbidden');
    expect((await kit().admin.waitlist.list()).error?.code).toBe('unauthorized');
    // Row-level security, not the SDK, keeps the rows: read directly, the table is empty to them.
    expect((await client.kit.supabase.from('waitlist').select('id')).data).toEqual([]);
    expect((await creator.kit.supabase.rpc('admin_export_waitlist_csv')).data?.trim() ?? '').toBe('');
  });
});
