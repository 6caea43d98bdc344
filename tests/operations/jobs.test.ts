/**
 * Background jobs end to end: the job-worker Edge Function and concurrent SQL claimers never run a job
 * twice; a worker that dies mid-job has its job retried and completed once; failures back off and stop
 * at max attempts; users see their own jobs through the SDK, admins all.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.ts';
import { callWorker, createUser, enqueueEcho, jobsById, sql, stack, type TestUser } from './support.ts';

const ECHO = { types: ['diagnostics.echo'] };

describe('claiming under concurrency', () => {
  it('four concurrent job-worker calls run each of 60 jobs exactly once', async () => {
    const tag = randomUUID();
    const ids = await enqueueEcho(60, { message: tag });
    const reports = await Promise.all([1, 2, 3, 4].map(() => callWorker({ ...ECHO, max_jobs: 100 })));
    for (const report of reports) expect(report.status).toBe(200);
    const ran = reports.flatMap((report) => report.body.jobs.filter((job) => ids.includes(job.id)).map((job) => job.id));
    expect(ran).toHaveLength(60);
    expect(new Set(ran).size).toBe(60);
    const rows = await jobsById(ids);
    expect(rows.every((row) => row.status === 'succeeded' && row.attempts === 1)).toBe(true);
    expect(rows.every((row) => (row.result as { message: string }).message === tag)).toBe(true);
  });

  it('eight SQL claimers racing over 200 jobs never claim one twice', async () => {
    const ids = await enqueueEcho(200, { message: 'race' });
    const wanted = new Set(ids);
    const claimer = async (name: string): Promise<string[]> => {
      const client = new pg.Client({ connectionString: stack.dbUrl });
      await client.connect();
      const mine: string[] = [];
      try {
        for (;;) {
          const { rows } = await client.query<{ id: string; lease_token: string }>(`select id, lease_token from private.claim_jobs($1, 7, 60, array['diagnostics.echo'])`, [name]);
          if (rows.length === 0) break;
          for (const row of rows) {
            if (wanted.has(row.id)) mine.push(row.id);
            await client.query('select private.complete_job($1, $2, $3)', [row.id, row.lease_token, JSON.stringify({ by: name })]);
          }
        }
      } finally {
        await client.end();
      }
      return mine;
    };
    const claimed = (await Promise.all(Array.from({ length: 8 }, (_, i) => claimer(`racer-${i}`)))).flat();
    expect(claimed).toHaveLength(200);
    expect(new Set(claimed).size).toBe(200);
    const rows = await jobsById(ids);
    expect(rows.filter((row) => row.status === 'succeeded' && row.attempts === 1)).toHaveLength(200);
  });
});

describe('a worker that dies mid-job', () => {
  it('leaves the job to be re-claimed after its lease, which completes it once', async () => {
    const [id] = await enqueueEcho(1, { message: 'survivor' });
    // The doomed worker claims with a 1-second lease and is never heard from again.
    const [claim] = await sql<{ id: string; lease_token: string }>(
      `select id, lease_token from private.claim_jobs('doomed-worker', 1, 1, array['diagnostics.echo']) where id = $1`,
      [id],
    );
    expect(claim?.id).toBe(id);
    let finishedBy: string | undefined;
    await eventually(
      async () => {
        const report = await callWorker({ ...ECHO, max_jobs: 20 });
        const mine = report.body.jobs.find((job) => job.id === id && job.outcome === 'succeeded');
        if (mine) finishedBy = report.body.worker;
        return mine !== undefined;
      },
      15_000,
      'the job to be re-claimed',
    );
    const [row] = await jobsById([id!]);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2, result: { message: 'survivor', attempt: 2 } });
    expect(row!.last_error).toMatch(/doomed-worker stopped answering/);
    expect(finishedBy).toMatch(/^job-worker:/);
    // The dead worker coming back cannot complete it a second time.
    const [late] = await sql<{ ok: boolean }>('select private.complete_job($1, $2, $3) as ok', [id, claim!.lease_token, '{"late":true}']);
    expect(late!.ok).toBe(false);
    expect((await jobsById([id!]))[0]!.result).toEqual({ message: 'survivor', attempt: 2 });
  });
});

describe('failures', () => {
  it('retries a failing job until max_attempts, then marks it failed', async () => {
    const [id] = await enqueueEcho(1, { fail_times: 10 }, { maxAttempts: 3, backoffSeconds: 0 });
    const report = await callWorker({ ...ECHO, max_jobs: 50 });
    const outcomes = report.body.jobs.filter((job) => job.id === id).map((job) => `${job.attempt}:${job.outcome}`);
    expect(outcomes).toEqual(['1:retrying', '2:retrying', '3:failed']);
    const [row] = await jobsById([id!]);
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row!.last_error).toMatch(/fail attempt 3/);
  });

  it('backs off before the next attempt instead of retrying at once', async () => {
    const [id] = await enqueueEcho(1, { fail_times: 1 }, { backoffSeconds: 60 });
    const report = await callWorker({ ...ECHO, max_jobs: 50 });
    expect(report.body.jobs.filter((job) => job.id === id).map((job) => job.outcome)).toEqual(['retrying']);
    const [row] = await jobsById([id!]);
    expect(row!.status).toBe('queued');
    const delay = (row!.run_after.getTime() - Date.now()) / 1000;
    expect(delay).toBeGreaterThan(50);
    expect(delay).toBeLessThanOrEqual(61);
    const again = await callWorker({ ...ECHO, max_jobs: 50 });
    expect(again.body.jobs.some((job) => job.id === id)).toBe(false);
  });

  it('runs a succeeding job after a failed attempt, once', async () => {
    const [id] = await enqueueEcho(1, { fail_times: 1, message: 'second time lucky' }, { backoffSeconds: 0 });
    await callWorker({ ...ECHO, max_jobs: 50 });
    expect((await jobsById([id!]))[0]).toMatchObject({ status: 'succeeded', attempts: 2, result: { message: 'second time lucky', attempt: 2 } });
  });
});

describe('the job-worker function', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser('client');
  });

  it('refuses callers without credentials (401) and signed-in users (403)', async () => {
    expect((await callWorker({}, {})).body.error?.code).toBe('unauthorized');
    const asUser = await callWorker({}, { authorization: `Bearer ${user.accessToken}`, apikey: stack.publishableKey });
    expect(asUser.status).toBe(403);
    expect(asUser.body.error?.code).toBe('forbidden');
  });

  it('rejects bad input with validation_failed', async () => {
    const bad = await callWorker({ max_jobs: 0, surprise: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('validation_failed');
  });
});

describe('kit.jobs', () => {
  let owner: TestUser;
  let other: TestUser;
  let admin: TestUser;
  beforeAll(async () => {
    [owner, other, admin] = await Promise.all([createUser('client'), createUser('client'), createUser('admin')]);
  });

  it("shows users their own job, hides others' jobs, and shows admins all", async () => {
    const [id] = await enqueueEcho(1, { message: 'mine' }, { ownerId: owner.id });
    const mine = await owner.kit.jobs.get(id!);
    expect(mine.error).toBeNull();
    expect(mine.data).toMatchObject({ id, type: 'diagnostics.echo', status: 'queued', owner_id: owner.id, attempts: 0 });
    expect(mine.data).not.toHaveProperty('lease_token');
    const theirs = await other.kit.jobs.get(id!);
    expect(theirs.error?.code).toBe('job_not_found');
    expect((await other.kit.jobs.list()).data?.items.some((job) => job.id === id)).toBe(false);
    expect((await admin.kit.jobs.get(id!)).data?.id).toBe(id);
    expect((await owner.kit.jobs.list({ status: 'queued' })).data?.items.map((job) => job.id)).toContain(id);
    // pages like every other list
    const firstPage = await owner.kit.jobs.list({ per_page: 1 });
    expect(firstPage.data).toMatchObject({ page: 1, per_page: 1 });
    expect(firstPage.data!.items).toHaveLength(1);
    expect(firstPage.data!.page_count).toBe(firstPage.data!.total);
    expect((await owner.kit.jobs.list({ page: 0 })).error?.code).toBe('validation_failed');
  });

  it('lets the owner cancel a queued job, which no worker then runs', async () => {
    const [id] = await enqueueEcho(1, { message: 'never' }, { ownerId: owner.id });
    const cancelled = await owner.kit.jobs.cancel(id!);
    expect(cancelled.data?.status).toBe('cancelled');
    const report = await callWorker({ ...ECHO, max_jobs: 50 });
    expect(report.body.jobs.some((job) => job.id === id)).toBe(false);
    expect((await owner.kit.jobs.cancel(id!)).data?.status).toBe('cancelled');
  });

  it('lets admins enqueue a database job that the worker runs, and refuses others', async () => {
    const refused = await owner.kit.admin.jobs.enqueue({ type: 'statistics.recompute_daily' });
    expect(refused.error?.code).toBe('forbidden');
    const unknown = await admin.kit.admin.jobs.enqueue({ type: 'no.such_type' as 'vouchers.expire' });
    expect(unknown.error?.code).toBe('unknown_job_type');
    const { data, error } = await admin.kit.admin.jobs.enqueue({ type: 'statistics.recompute_daily', payload: { day: '2001-05-06' } });
    expect(error).toBeNull();
    expect(data).toMatchObject({ status: 'queued', owner_id: admin.id });
    await eventually(
      async () => {
        await callWorker({ types: ['statistics.recompute_daily'], max_jobs: 10 });
        return (await admin.kit.jobs.get(data!.id)).data?.status === 'succeeded';
      },
      10_000,
      'the statistics job to run',
    );
    expect((await admin.kit.jobs.get(data!.id)).data?.result).toMatchObject({ day: '2001-05-06' });
  });
});
