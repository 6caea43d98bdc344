/**
 * The worker loop: claims one job at a time (so a crash strands at most one job, until its lease
 * expires and another worker re-claims it), runs it and records the outcome with the lease token.
 * A completion with a stale token changes nothing and is reported as `lost`.
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

async function runOne(sql: postgres.Sql, job: ClaimedJob, databaseTypes: Set<string>): Promise<JobOutcome> {
  const base = { id: job.id, type: job.type, attempt: job.attempts };
  try {
    if (databaseTypes.has(job.type)) {
      await sql`select private.run_database_job(${job.id}, ${job.lease_token})`;
      return { ...base, outcome: 'succeeded' };
    }
    const handler = edgeHandlers[job.type];
    if (!handler) throw new PermanentJobError(`No handler for job type ${job.type}`);
    const result = await handler(job);
    const [row] = await sql<{ ok: boolean }[]>`select private.complete_job(${job.id}, ${job.lease_token}, ${sql.json((result ?? null) as postgres.JSONValue)}) as ok`;
    return { ...base, outcome: row?.ok ? 'succeeded' : 'lost' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const retry = !(error instanceof PermanentJobError);
    const [row] = await sql<{ ok: boolean }[]>`select private.fail_job(${job.id}, ${job.lease_token}, ${message}, ${retry}) as ok`;
    if (!row?.ok) return { ...base, outcome: 'lost', error: message };
    const [after] = await sql<{ status: string }[]>`select status::text from private.jobs where id = ${job.id}`;
    return { ...base, outcome: after?.status === 'queued' ? 'retrying' : 'failed', error: message };
  }
}

/** Runs up to `maxJobs` due jobs and reports what happened to each. */
export async function runWorker(sql: postgres.Sql, options: WorkerOptions): Promise<WorkerReport> {
  const report: WorkerReport = { worker: options.workerId, claimed: 0, succeeded: 0, retrying: 0, failed: 0, lost: 0, jobs: [] };
  const typeRows = await sql<{ type: string }[]>`select type from private.job_types where runs_in = 'database'`;
  const databaseTypes = new Set(typeRows.map((row) => row.type));
  const types = options.types && options.types.length > 0 ? options.types : null;
  while (report.claimed < options.maxJobs) {
    const [job] = await sql<ClaimedJob[]>`
      select id, type, payload, attempts, max_attempts, lease_token
        from private.claim_jobs(${options.workerId}, 1, ${options.leaseSeconds}, ${types}::text[])`;
    if (!job) break;
    report.claimed += 1;
    const outcome = await runOne(sql, job, databaseTypes);
    report[outcome.outcome] += 1;
    report.jobs.push(outcome);
  }
  return report;
}
