/**
 * Large member batches send their invites from a background job: the call creates every row and
 * answers before any invite goes out; the job-worker then sends each invite exactly once, also when
 * the job runs again or a worker died between sending and recording.
 */
import { describe, expect, it } from 'vitest';
import { createBusiness, mailTo, uniqueEmail, waitForMail } from '../crm/support.ts';
import { callWorker, sql } from './support.ts';

const TYPE = 'accounts.send_batch_invites';

const inviteCount = async (email: string) => (await mailTo(email)).filter((m) => m.type === 'invite').length;

const inviteStatuses = async (batchId: string) =>
  Object.fromEntries(
    (await sql<{ status: string; n: number }>('select status, count(*)::int as n from private.member_invites where batch_id = $1 group by status', [batchId])).map((r) => [
      r.status,
      r.n,
    ]),
  );

describe('invites of large batches, from a background job', () => {
  it('a 60-row batch answers before any invite is sent; the worker then sends each exactly once', async () => {
    const business = await createBusiness();
    const emails = Array.from({ length: 60 }, (_, i) => uniqueEmail(`bg-invite-${i}`));
    const { data, error } = await business.owner.kit.accounts.batches.create({
      name: 'Big intake',
      members: emails.map((email, i) => ({ full_name: `Row ${i}`, email })),
    });
    expect(error).toBeNull();
    expect(data!.counts).toEqual({ created: 60, already_exists: 0, invalid: 0, failed: 0 });
    expect(data!.results.every((r) => r.status === 'created' && r.user_id)).toBe(true);
    expect(data!.invites.delivery).toBe('background');
    const jobId = data!.invites.job_id!;
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    // Rows exist, but nobody is invited yet: no invite mail, no invited_at, every invite pending.
    const [members] = await sql<{ n: number }>('select count(*)::int as n from public.account_members where batch_id = $1', [data!.batch.id]);
    expect(members!.n).toBe(60);
    const [invited] = await sql<{ n: number }>('select count(*)::int as n from auth.users where lower(email) = any($1::text[]) and invited_at is not null', [emails]);
    expect(invited!.n).toBe(0);
    expect((await Promise.all(emails.map(inviteCount))).every((n) => n === 0)).toBe(true);
    expect(await inviteStatuses(data!.batch.id)).toEqual({ pending: 60 });
    // The caller follows their job.
    const job = await business.owner.kit.jobs.get(jobId);
    expect(job.data).toMatchObject({ id: jobId, type: TYPE, status: 'queued', owner_id: business.owner.id });

    // The worker sends every invite.
    const report = await callWorker({ types: [TYPE], max_jobs: 10 });
    expect(report.status).toBe(200);
    expect(report.body.jobs.find((j) => j.id === jobId)).toMatchObject({ outcome: 'succeeded' });
    const done = await business.owner.kit.jobs.get(jobId);
    expect(done.data).toMatchObject({ status: 'succeeded', result: { batch_id: data!.batch.id, sent_now: 60, sent: 60, failed: 0, pending: 0 } });
    expect(await inviteStatuses(data!.batch.id)).toEqual({ sent: 60 });
    for (const email of emails) await waitForMail(email, 'invite');
    expect(await Promise.all(emails.map(inviteCount))).toEqual(emails.map(() => 1));

    // Running the job again — also for a row whose worker died after sending, before recording it — sends nothing twice.
    await sql(`update private.member_invites set status = 'sending', claimed_until = now() - interval '1 second', sent_at = null where user_id = $1`, [data!.results[0]!.user_id]);
    const [again] = await sql<{ id: string }>(`select (private.enqueue_job($1, jsonb_build_object('batch_id', $2::uuid))).id`, [TYPE, data!.batch.id]);
    const rerun = await callWorker({ types: [TYPE], max_jobs: 10 });
    expect(rerun.body.jobs.find((j) => j.id === again!.id)).toMatchObject({ outcome: 'succeeded' });
    const [result] = await sql<{ result: Record<string, number> }>('select result from private.jobs where id = $1', [again!.id]);
    expect(result!.result).toMatchObject({ sent_now: 0, sent: 60, pending: 0 });
    expect(await inviteStatuses(data!.batch.id)).toEqual({ sent: 60 });
    expect(await Promise.all(emails.map(inviteCount))).toEqual(emails.map(() => 1));
  }, 180_000);

  it('small batches still send their invites in the call', async () => {
    const business = await createBusiness();
    const email = uniqueEmail('small-batch');
    const { data } = await business.owner.kit.accounts.batches.create({ name: 'Small', members: [{ full_name: 'Small One', email }] });
    expect(data!.invites).toEqual({ delivery: 'inline', job_id: null });
    await waitForMail(email, 'invite');
    expect(await inviteCount(email)).toBe(1);
  });
});
