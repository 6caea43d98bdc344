/**
 * What the job-worker runs for each job type. Database types run in SQL (private.run_database_job,
 * effects and completion in one transaction); edge types run here and then complete with their lease.
 */
import { sendBatchInvites } from '../_shared/batch-invites.ts';
import { database } from '../_shared/database.ts';
import type { Stripe } from '../_shared/stripe.ts';
import { addTask, processCsvTask, TaskInputError } from '../_shared/tasks.ts';
import { applyStripeEvent } from '../stripe-webhook/events.ts';
import { exportUserData } from './export-user-data.ts';

/** A claimed job as private.claim_jobs returns it. */
export interface ClaimedJob {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  lease_token: string;
}

/** A failure that retrying cannot fix: the job fails at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export type EdgeHandler = (job: ClaimedJob) => Promise<unknown>;

async function permanentOnBadInput<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TaskInputError) throw new PermanentJobError(error.message);
    throw error;
  }
}

const MAX_ECHO_DELAY_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Edge job types, by name (the database's private.job_types lists the same with runs_in = 'edge'). */
export const edgeHandlers: Record<string, EdgeHandler> = {
  /** Users' tasks (public.submit_task); bad input fails at once, without retries. */
  'tasks.add': (job) => permanentOnBadInput(() => addTask(job)),
  'tasks.process_csv': (job) => permanentOnBadInput(() => processCsvTask(job)),
  /**
   * Echoes payload.message after payload.delay_ms (on the first payload.delay_attempts attempts, all
   * by default); fails its first payload.fail_times attempts.
   */
  'diagnostics.echo': async (job) => {
    const delay = Math.min(Math.max(Number(job.payload.delay_ms ?? 0) || 0, 0), MAX_ECHO_DELAY_MS);
    const delayAttempts = job.payload.delay_attempts === undefined ? Infinity : Number(job.payload.delay_attempts) || 0;
    const failTimes = Number(job.payload.fail_times ?? 0) || 0;
    if (delay > 0 && job.attempts <= delayAttempts) await new Promise((resolve) => setTimeout(resolve, delay));
    if (job.attempts <= failTimes) throw new Error(`diagnostics.echo was asked to fail attempt ${job.attempts} of ${failTimes}`);
    return { message: job.payload.message ?? null, attempt: job.attempts };
  },
  /**
   * Sends the still unsent Auth invites of member batch payload.batch_id (large batches, see
   * account-batches); each row at most once, also across retries. Retries while some fail; on the
   * last attempt the rest are recorded as failed.
   */
  'accounts.send_batch_invites': async (job) => {
    const batchId = String(job.payload.batch_id ?? '');
    if (!UUID.test(batchId)) throw new PermanentJobError('payload.batch_id must be a batch id');
    return await sendBatchInvites(database(), batchId, job.attempts >= job.max_attempts);
  },
  /**
   * Re-applies a verified Stripe event whose application failed in stripe-webhook (kept in
   * private.stripe_event_failures). Applying is idempotent by event id: if Stripe's own retry got
   * there first, the outcome is `duplicate`. Either way the failure is marked resolved.
   */
  'payments.reapply_stripe_event': async (job) => {
    const eventId = String(job.payload.event_id ?? '');
    const sql = database();
    const [kept] = await sql<{ event: Stripe.Event }[]>`select event from private.stripe_event_failures where event_id = ${eventId}`;
    if (!kept) throw new PermanentJobError(`No failed Stripe event ${eventId} is kept`);
    const applied = await applyStripeEvent(sql, kept.event);
    await sql`select private.resolve_stripe_event_failure(${eventId}, ${applied.outcome})`;
    return { event_id: eventId, outcome: applied.outcome, payment_id: applied.payment_id, status: applied.status };
  },
  /** Writes the user's data export to Storage and answers a signed link (export-user-data.ts). */
  'users.export_data': (job) => exportUserData(job),
};
