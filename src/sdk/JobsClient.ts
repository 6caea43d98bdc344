/**
 * `kit.jobs`: background jobs (the seed's `GET /tasks/{id}`). Everyone reads the status of their own
 * jobs; admins read all, enqueue jobs of a known type and cancel queued ones. Jobs run in the
 * `job-worker` Edge Function and the database's pg_cron runner, never in the browser.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { checkIds } from './validation.ts';
import type { Database, Json } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes, withCodes } from './errors.ts';
import { paged, type PageRequest, type Page, type PageQuery } from './pages.ts';
import { badKey, keyedBy, pageOf } from './postgrest.ts';
import type { MutationOptions } from './functions.ts';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The job types workers know (private.job_types). */
export type JobType = 'vouchers.expire' | 'crm.close_overdue_instalments' | 'statistics.recompute_daily' | 'diagnostics.echo' | 'accounts.send_batch_invites';

/** A background job as its owner (or an admin) sees it. */
export interface Job {
  id: string;
  type: JobType | (string & {});
  payload: Record<string, Json>;
  status: JobStatus;
  owner_id: string | null;
  attempts: number;
  max_attempts: number;
  run_after: string;
  result: Json | null;
  last_error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

export interface JobListQuery extends PageQuery {
  status?: JobStatus;
  type?: string;
}

export interface JobEnqueueInput {
  type: JobType;
  payload?: Record<string, Json>;
  /** Not before this instant (ISO 8601); now by default. */
  run_after?: string;
  /** 1–25 attempts before the job fails for good; 5 by default. */
  max_attempts?: number;
}

/** The codes `get` can answer besides the common ones. */
export type JobGetErrorCode = RpcErrorCodes['get_job'];

/** The codes `list` can answer besides the common ones. */
export type JobListErrorCode = RpcErrorCodes['list_jobs'];

/** The codes `cancel` can answer besides the common ones. */
export type JobCancelErrorCode = RpcErrorCodes['cancel_job'];

export class JobsClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * One job's status: yours, or any for an admin (`job_not_found` otherwise).
   *
   * @example
   * const { data, error } = await kit.jobs.get(jobId);
   * if (data?.status === 'failed') console.log(data.last_error);
   */
  get(id: string): Promise<Result<Job, JobGetErrorCode>> {
    return this.#get(id).then(withCodes<JobGetErrorCode, Job>);
  }

  /** The implementation of `get` (its result carries any `SdkError`). */
  async #get(id: string): Promise<Result<Job>> {
    const invalidId = checkIds({ id: id });
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await this.supabase.rpc('get_job', { job_id: id });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as Job, error: null };
  }

  /**
   * Your jobs, newest first (admins: everyone's), a page at a time (`page` from 1, `per_page` ≤ 1000).
   *
   * @example
   * const { data, error } = await kit.jobs.list({ status: 'failed', per_page: 20 });
   * data?.items.forEach((job) => console.log(job.type, job.last_error));
   */
  list(query: JobListQuery = {}): PageRequest<Job, JobListErrorCode> {
    return paged<Job, JobListQuery, JobListErrorCode>(query, (q) => this.#listPage(q));
  }

  async #listPage(query: JobListQuery): Promise<Result<Page<Job>>> {
    const range = pageOf(query);
    if (range.error) return { data: null, error: range.error };
    const { data, error, status } = await this.supabase.rpc('list_jobs', {
      ...(query.status ? { status: query.status } : {}),
      ...(query.type ? { type: query.type } : {}),
      page: range.page,
      per_page: range.perPage,
    });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as Page<Job>, error: null };
  }

  /**
   * Cancels a queued job (yours, or any for an admin); `invalid_transition` once it runs or ran.
   *
   * @example
   * const { data, error } = await kit.jobs.cancel(jobId);
   */
  cancel(id: string, options?: MutationOptions): Promise<Result<Job, JobCancelErrorCode>> {
    return this.#cancel(id, options).then(withCodes<JobCancelErrorCode, Job>);
  }

  /** The implementation of `cancel` (its result carries any `SdkError`). */
  async #cancel(id: string, options?: MutationOptions): Promise<Result<Job>> {
    const invalidId = checkIds({ id: id }) ?? badKey(options);
    if (invalidId) return { data: null, error: invalidId };
    const { data, error, status } = await keyedBy(this.supabase.rpc('cancel_job', { job_id: id }), options);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as Job, error: null };
  }
}
