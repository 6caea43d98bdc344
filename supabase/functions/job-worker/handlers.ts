/**
 * What the job-worker runs for each job type. Database types run in SQL (private.run_database_job,
 * effects and completion in one transaction); edge types run here and then complete with their lease.
 */

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

const MAX_ECHO_DELAY_MS = 60_000;

/** Edge job types, by name (the database's private.job_types lists the same with runs_in = 'edge'). */
export const edgeHandlers: Record<string, EdgeHandler> = {
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
};
