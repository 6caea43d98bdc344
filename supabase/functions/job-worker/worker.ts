/**
 * The worker loop: claims up to `maxJobs` due jobs in ONE statement, runs them one after another and
 * records every success in ONE statement (private.complete_jobs), each only with its lease token, so
 * a call costs two round trips whatever the number of jobs. Database job types run their effects and
 * completion together in SQL (private.run_database_job); a failure is recorded at once
 * (private.fail_job). A completion with a stale token changes nothing and is reported as `lost`.
 *
 * A worker that dies mid-call strands the jobs it claimed and has not completed until their lease
 * expires; then the next claim takes them again (each claim counts as an attempt).
 */
import type postgres from 'postgres';
import { type ClaimedJob, edgeHandlers, PermanentJobError } from './handlers.ts';

export interface WorkerOptions {
  workerId: string;
  maxJobs: number;
  leaseSeconds: number;
  types?: string[];
}

export interface JobOutcome {
  id: string;
  type: string;
  attempt: number;
  outcome: 'succeeded' | 'retrying' | 'failed' | 'lost';
  error?: string;
}

export interface WorkerReport {
  worker: string;
  claimed: number;
  succeeded: number;
  retrying: number;
  failed: number;
  lost: number;
  jobs: JobOutcome[];
}

/** Runs one claimed job; an edge job's success is only returned, for the batch completion. */
async function runOne(sql: postgres.Sql, job: ClaimedJob, databaseTypes: Set<string>): Promise<JobOutcome | { complete: unknown }> {
  const base = { id: job.id, type: job.type, attempt: job.attempts };
  try {
    if (databaseTypes.has(job.type)) {
      await sql`select private.run_database_job(${job.id}, ${job.lease_token})`;
      return { ...base, outcome: 'succeeded' };
    }
    const handler = edgeHandlers[job.type];
    if (!handler) throw new PermanentJobError(`No handler for job type ${job.type}`);
    return { complete: (await handler(job)) ?? null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const retry = !(error instanceof PermanentJobError);
    const [row] = await sql<{ ok: boolean }[]>`select private.fail_job(${job.id}, ${job.lease_token}, ${message}, ${retry}) as ok`;
    if (!row?.ok) return { ...base, outcome: 'lost', error: message };
    const [after] = await sql<{ status: string }[]>`select status::text from private.jobs where id = ${job.id}`;
    return { ...base, outcome: after?.status === 'queued' ? 'retrying' : 'failed', error: message };
  }
}

let knownTypes: { at: number; types: Set<string> } | undefined;

/** The job types that run in SQL; read once a minute (they change only with a migration). */
async function databaseJobTypes(sql: postgres.Sql, fresh = false): Promise<Set<string>> {
  if (!fresh && knownTypes && Date.now() - knownTypes.at < 60_000) return knownTypes.types;
  const rows = await sql<{ type: string }[]>`select type from private.job_types where runs_in = 'database'`;
  knownTypes = { at: Date.now(), types: new Set(rows.map((row) => row.type)) };
  return knownTypes.types;
}

/** Runs up to `maxJobs` due jobs and reports what happened to each. */
export async function runWorker(sql: postgres.Sql, options: WorkerOptions): Promise<WorkerReport> {
  const report: WorkerReport = { worker: options.workerId, claimed: 0, succeeded: 0, retrying: 0, failed: 0, lost: 0, jobs: [] };
  const types = options.types && options.types.length > 0 ? options.types : null;
  let databaseTypes = await databaseJobTypes(sql);
  // A job failed with no backoff is due again at once: claiming again until the budget is spent (or
  // nothing is due) retries it within the same call.
  while (report.claimed < options.maxJobs) {
    const claimed = await sql<ClaimedJob[]>`
      select id, type, payload, attempts, max_attempts, lease_token
        from private.claim_jobs(${options.workerId}, ${options.maxJobs - report.claimed}, ${options.leaseSeconds}, ${types}::text[])`;
    if (claimed.length === 0) break;
    report.claimed += claimed.length;
    // A type neither known to run in SQL nor here may be newer than the list: read it again.
    if (claimed.some((job) => !databaseTypes.has(job.type) && !edgeHandlers[job.type])) databaseTypes = await databaseJobTypes(sql, true);

    const outcomes: (JobOutcome | undefined)[] = [];
    const completions: { id: string; lease_token: string; result: unknown }[] = [];
    for (const job of claimed) {
      const result = await runOne(sql, job, databaseTypes);
      if ('complete' in result) {
        completions.push({ id: job.id, lease_token: job.lease_token, result: result.complete });
        outcomes.push(undefined);
      } else outcomes.push(result);
    }
    const completed = new Set<string>();
    if (completions.length > 0) {
      const rows = await sql<{ id: string }[]>`select private.complete_jobs(${sql.json(completions as unknown as postgres.JSONValue)}) as id`;
      for (const row of rows) completed.add(row.id);
    }
    claimed.forEach((job, i) => {
      const outcome = outcomes[i] ?? {
        id: job.id,
        type: job.type,
        attempt: job.attempts,
        outcome: completed.has(job.id) ? ('succeeded' as const) : ('lost' as const),
      };
      report[outcome.outcome] += 1;
      report.jobs.push(outcome);
    });
  }
  return report;
}
