/**
 * `POST /functions/v1/job-worker` (service role only): runs due background jobs —
 * `{max_jobs?: 1..100 = 10, lease_seconds?: 1..3600 = 300, types?: string[], worker_id?: string}` —
 * and answers `{worker, claimed, succeeded, retrying, failed, lost, jobs: [{id, type, attempt, outcome, error?}]}`.
 * Call it on a schedule (pg_cron + pg_net on hosted Supabase) or from any trusted backend; any number
 * of workers may run at once. 400 validation_failed, 401 / 403 for anyone but the service role.
 */
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse, json } from '../_shared/errors.ts';
import { requireOperator } from '../_shared/operators.ts';
import { instrument } from '../_shared/request-metrics.ts';
import { allowMethods, readBody } from '../_shared/request.ts';
import { jobWorkerSchema } from '../_shared/schemas/operations.ts';
import { runWorker } from './worker.ts';

export async function handleJobWorker(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    requireOperator(request);
    const input = await readBody(request, jobWorkerSchema);
    const report = await runWorker(database(), {
      workerId: input.worker_id ?? `job-worker:${crypto.randomUUID()}`,
      maxJobs: input.max_jobs,
      leaseSeconds: input.lease_seconds,
      types: input.types,
    });
    return json(report);
  } catch (error) {
    return errorResponse(error);
  }
}

Deno.serve(instrument('job-worker', handleJobWorker));
