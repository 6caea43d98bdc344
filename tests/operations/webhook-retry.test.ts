/**
 * A Stripe event whose application fails is not lost: the webhook answers 500 (Stripe retries) and
 * keeps the verified event with a `payments.reapply_stripe_event` job; the job applies it once, and
 * Stripe's own retry afterwards is a duplicate.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createUser, deliver, eventsRecorded, seeded, startPurchase, stripeEvent } from '../payments/support.ts';
import { callWorker, sql } from './support.ts';

const TYPE = 'payments.reapply_stripe_event';

describe('failed webhook applications, retried by a job', () => {
  it("keeps a failed event, re-applies it from the job exactly once, and Stripe's retry is then a duplicate", async () => {
    const buyer = await createUser('client');
    const { paymentId, intentId } = await startPurchase(buyer, { voucher_type_id: seeded.examResults });
    const event = await stripeEvent(intentId, 'succeed');

    // Make applying this one event fail inside its transaction (as a lost connection or a bug would).
    const name = `tests_fail_event_${randomUUID().replace(/-/g, '')}`;
    await sql(`create function private.${name}() returns trigger language plpgsql as $$
      begin if new.id = '${event.id}' then raise exception 'simulated failure applying %', new.id; end if; return new; end $$`);
    await sql(`create trigger ${name} before insert on private.stripe_events for each row execute function private.${name}()`);
    let failed: { status: number; body: any };
    try {
      failed = await deliver(event);
    } finally {
      await sql(`drop trigger ${name} on private.stripe_events`);
      await sql(`drop function private.${name}()`);
    }
    expect(failed.status).toBe(500);
    expect(await eventsRecorded(event.id)).toBe(0);
    const [kept] = await sql<{ event_type: string; failures: number; job_id: string; resolved_at: string | null; last_error: string }>(
      'select event_type, failures, job_id, resolved_at, last_error from private.stripe_event_failures where event_id = $1',
      [event.id],
    );
    expect(kept).toMatchObject({ event_type: 'payment_intent.succeeded', failures: 1, resolved_at: null });
    expect(kept!.last_error).toMatch(/simulated failure/);
    const [job] = await sql<{ type: string; status: string }>('select type, status::text from private.jobs where id = $1', [kept!.job_id]);
    expect(job).toEqual({ type: TYPE, status: 'queued' });

    // The job applies it.
    const report = await callWorker({ types: [TYPE], max_jobs: 10 });
    expect(report.body.jobs.find((j) => j.id === kept!.job_id)).toMatchObject({ outcome: 'succeeded' });
    const [payment] = await sql<{ status: string }>('select status::text from public.payments where id = $1', [paymentId]);
    expect(payment!.status).toBe('completed');
    expect(await eventsRecorded(event.id)).toBe(1);
    const [resolved] = await sql<{ outcome: string; resolved: boolean }>(
      'select outcome, resolved_at is not null as resolved from private.stripe_event_failures where event_id = $1',
      [event.id],
    );
    expect(resolved).toEqual({ outcome: 'completed', resolved: true });
    const [result] = await sql<{ result: Record<string, unknown> }>('select result from private.jobs where id = $1', [kept!.job_id]);
    expect(result!.result).toMatchObject({ event_id: event.id, outcome: 'completed', payment_id: paymentId });

    // Stripe's retry of the same event changes nothing more.
    const retried = await deliver(event);
    expect(retried.status).toBe(200);
    expect(retried.body.outcome).toBe('duplicate');
    const [vouchers] = await sql<{ n: number }>('select count(*)::int as n from public.vouchers where payment_id = $1', [paymentId]);
    expect(vouchers!.n).toBe(1);
  });
});
