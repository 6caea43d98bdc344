/**
 * Tasks (seed 004) through the SDK: a signed-in user submits `add` and `process_csv` (over a CSV
 * uploaded to the media bucket), the job-worker runs them, and the user polls status and result with
 * Celery's names. Users see only their own tasks; quotas, rate limits, wrong types and oversized
 * input are refused with a stable code and write nothing.
 */
import { describe, expect, it } from 'vitest';
import { createUser, sql } from '../crm/support.ts';
import { callWorker } from './support.ts';

const TASK_TYPES = ['tasks.add', 'tasks.process_csv'];

async function taskCount(userId: string): Promise<number> {
  const [row] = await sql<{ n: number }>(`select count(*)::int as n from private.jobs where owner_id = $1 and type like 'tasks.%'`, [userId]);
  return row!.n;
}

describe('tasks', () => {
  it('an add task lives PENDING → SUCCESS with its result', async () => {
    const user = await createUser('tasks');
    const submitted = await user.kit.tasks.submit({ type: 'add', input: { a: 2.5, b: 40 } });
    expect(submitted.error).toBeNull();
    expect(submitted.data).toMatchObject({ type: 'add', status: 'queued', celery_status: 'PENDING', result: null, input: { a: 2.5, b: 40 } });
    const id = submitted.data!.task_id;

    // Running: STARTED while a worker holds it.
    await sql(
      `update private.jobs set status = 'running', attempts = 1, lease_token = gen_random_uuid(), lease_expires_at = now() + interval '1 minute', started_at = now() where id = $1`,
      [id],
    );
    expect((await user.kit.tasks.get(id)).data?.celery_status).toBe('STARTED');
    await sql(`update private.jobs set status = 'queued', lease_token = null, lease_expires_at = null, last_error = 'transient', run_after = now() where id = $1`, [id]);
    expect((await user.kit.tasks.get(id)).data).toMatchObject({ celery_status: 'RETRY', error: 'transient' });

    const report = await callWorker({ types: ['tasks.add'], max_jobs: 100 });
    expect(report.status).toBe(200);
    const done = await user.kit.tasks.wait(id, { timeoutMs: 10_000 });
    expect(done.data).toMatchObject({ status: 'succeeded', celery_status: 'SUCCESS', result: { result: 42.5 } });
    expect(done.data!.finished_at).not.toBeNull();

    const list = await user.kit.tasks.list();
    expect(list.data!.items.map((t) => t.task_id)).toEqual([id]);
    expect(list.data!.per_page).toBe(50);
  });

  it('a process_csv task summarises an uploaded CSV; a missing file fails the task with FAILURE', async () => {
    const user = await createUser('tasks-csv');
    const csv = 'name,amount,qty\r\n"Smith, Jane",10.5,2\nBob,4.5,x\n"Quote ""q""",,3\n';
    expect((await user.kit.media.upload('sales.csv', csv, { contentType: 'text/csv' })).error).toBeNull();
    const submitted = await user.kit.tasks.submit({ type: 'process_csv', input: { path: `${user.id}/sales.csv` } });
    expect(submitted.error).toBeNull();

    const doomed = await user.kit.media.upload('gone.csv', 'a\n1\n', { contentType: 'text/csv' });
    expect(doomed.error).toBeNull();
    const gone = await user.kit.tasks.submit({ type: 'process_csv', input: { path: `${user.id}/gone.csv` } });
    expect(gone.error).toBeNull();
    await user.kit.media.remove(['gone.csv']);

    await callWorker({ types: TASK_TYPES, max_jobs: 100 });
    const done = await user.kit.tasks.wait(submitted.data!.task_id, { timeoutMs: 15_000 });
    expect(done.data).toMatchObject({
      celery_status: 'SUCCESS',
      result: {
        path: `${user.id}/sales.csv`,
        rows: 3,
        columns: [
          { name: 'name', numeric: 0, sum: null, mean: null, min: null, max: null },
          { name: 'amount', numeric: 2, sum: 15, mean: 7.5, min: 4.5, max: 10.5 },
          { name: 'qty', numeric: 2, sum: 5, mean: 2.5, min: 2, max: 3 },
        ],
      },
    });
    const failed = await user.kit.tasks.wait(gone.data!.task_id, { timeoutMs: 15_000 });
    expect(failed.data).toMatchObject({ celery_status: 'FAILURE', status: 'failed', attempts: 1 });
    expect(failed.data!.error).toMatch(/no longer exists/);
  });
});

describe('task attacks and bad input', () => {
  it("a user sees only their own tasks and cannot process another user's file", async () => {
    const owner = await createUser('tasks-owner');
    const thief = await createUser('tasks-thief');
    await owner.kit.media.upload('private.csv', 'secret\n42\n', { contentType: 'text/csv' });
    const mine = await owner.kit.tasks.submit({ type: 'add', input: { a: 1, b: 1 } });

    const peek = await thief.kit.tasks.get(mine.data!.task_id);
    expect(peek.error?.code).toBe('task_not_found');
    expect(peek.error?.status).toBe(404);
    expect((await thief.kit.tasks.list()).data!.items).toEqual([]);
    // The generic job API does not leak it either.
    expect((await thief.kit.supabase.rpc('get_job', { job_id: mine.data!.task_id })).error).not.toBeNull();

    const steal = await thief.kit.tasks.submit({ type: 'process_csv', input: { path: `${owner.id}/private.csv` } });
    expect(steal.error?.code).toBe('file_not_found');
    const traversal = await thief.kit.tasks.submit({ type: 'process_csv', input: { path: `${thief.id}/../${owner.id}/private.csv` } });
    expect(traversal.error?.code).toBe('file_not_found');
    expect(await taskCount(thief.id)).toBe(0);
  });

  it('wrong types, bad and oversized input are refused and write nothing', async () => {
    const user = await createUser('tasks-bad');
    const rpc = (type: string, input: unknown) => user.kit.supabase.rpc('submit_task', { type, input: input as never });
    expect((await rpc('rm_rf', {})).error?.code).toBe('unknown_task_type');
    expect((await rpc('add', { a: '1', b: 2 })).error?.code).toBe('validation_failed');
    expect((await rpc('add', { a: 1 })).error?.code).toBe('validation_failed');
    expect((await rpc('add', { a: 1, b: 2, c: 3 })).error?.code).toBe('validation_failed');
    expect((await rpc('add', { a: 1e300, b: 1 })).error?.code).toBe('validation_failed');
    expect((await rpc('add', [1, 2])).error?.code).toBe('validation_failed');
    const huge = await rpc('add', { a: 1, b: 2, padding: 'x'.repeat(5000) });
    expect(huge.error?.code).toBe('input_too_large');
    expect(huge.status).toBe(413);
    expect((await rpc('process_csv', { path: `${user.id}/nothing.csv` })).error?.code).toBe('file_not_found');

    const big = 'n\n' + '1\n'.repeat(3 * 1024 * 1024);
    expect((await user.kit.media.upload('big.csv', big, { contentType: 'text/csv' })).error).toBeNull();
    const tooBig = await rpc('process_csv', { path: `${user.id}/big.csv` });
    expect(tooBig.error?.code).toBe('input_too_large');
    expect(await taskCount(user.id)).toBe(0);

    const anonymous = await (await import('../crm/support.ts')).kit().supabase.rpc('submit_task', { type: 'add', input: { a: 1, b: 2 } });
    expect(anonymous.error).not.toBeNull();
  });

  it('a user gets at most 5 unfinished tasks and 60 an hour', async () => {
    const user = await createUser('tasks-quota');
    const results = await Promise.all(Array.from({ length: 8 }, () => user.kit.tasks.submit({ type: 'add', input: { a: 1, b: 2 } })));
    expect(results.filter((r) => r.error === null)).toHaveLength(5);
    expect(results.filter((r) => r.error?.code === 'task_quota_exceeded').every((r) => r.error?.status === 429)).toBe(true);
    expect(await taskCount(user.id)).toBe(5);

    // Finished tasks free the quota, but the hourly rate still counts them.
    await sql(`update private.jobs set status = 'succeeded', finished_at = now() where owner_id = $1`, [user.id]);
    await sql(`select private.enqueue_job('tasks.add', '{"a":1,"b":1}', $1) from generate_series(1, 54)`, [user.id]);
    await sql(`update private.jobs set status = 'succeeded', finished_at = now() where owner_id = $1`, [user.id]);
    expect((await user.kit.tasks.submit({ type: 'add', input: { a: 1, b: 2 } })).error).toBeNull();
    const limited = await user.kit.tasks.submit({ type: 'add', input: { a: 1, b: 2 } });
    expect(limited.error?.code).toBe('rate_limited');
    expect(await taskCount(user.id)).toBe(60);
  });
});
