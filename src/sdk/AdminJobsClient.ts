/**
 * `kit.admin.jobs`: every background job — list all, enqueue a job of a known type, cancel any queued
 * one. Users read and cancel their own jobs through `kit.jobs`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes, withCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { type Job, type JobCancelErrorCode, type JobEnqueueInput, type JobListErrorCode, type JobListQuery, JobsClient } from './JobsClient.ts';
import { paged, type Page, type PageRequest } from './pages.ts';
import { badKey, keyedBy } from './postgrest.ts';
import { requireAdmin } from './session.ts';
import { checkIds } from './validation.ts';

/** The codes `enqueue` can answer besides the common ones. */
export type JobEnqueueErrorCode = RpcErrorCodes['enqueue_job'];

export class AdminJobsClient {
  readonly #jobs: JobsClient;

  constructor(private readonly supabase: SupabaseClient<Database>) {
    this.#jobs = new JobsClient(supabase);
  }

  /**
   * Everyone's jobs, newest first, a page at a time.
   *
   * @example
   * const { data, error } = await kit.admin.jobs.list({ status: 'failed' });
   */
  list(query: JobListQuery = {}): PageRequest<Job, JobListErrorCode> {
    return paged<Job, JobListQuery, JobListErrorCode>(query, async (q): Promise<Result<Page<Job>>> => {
      const admin = await requireAdmin(this.supabase);
      if (admin.error) return { data: null, error: admin.error };
      return this.#jobs.list(q);
    });
  }

  /**
   * Admins: enqueue a job (`forbidden` for others, `unknown_job_type` for a type workers don't know).
   * Idempotent: a retry with the same `idempotencyKey` (generated when absent, retried automatically
   * after a network failure) enqueues nothing and answers the first job as it stands now; the same key
   * with another type, payload, `run_after` or `max_attempts` is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.admin.jobs.enqueue({ type: 'statistics.recompute_daily', payload: { day: '2026-11-22' } }, { idempotencyKey: 'recompute-2026-11-22' });
   * if (error?.code === 'unknown_job_type') console.log('no worker runs this type');
   */
  enqueue(input: JobEnqueueInput, options: MutationOptions = {}): Promise<Result<Job, JobEnqueueErrorCode>> {
    return this.#enqueue(input, options).then(withCodes<JobEnqueueErrorCode, Job>);
  }

  /** The implementation of `enqueue` (its result carries any `SdkError`). */
  async #enqueue(input: JobEnqueueInput, options: MutationOptions): Promise<Result<Job>> {
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const request = this.supabase.rpc('enqueue_job', {
      type: input.type,
      payload: input.payload ?? {},
      ...(input.run_after ? { run_after: input.run_after } : {}),
      ...(input.max_attempts ? { max_attempts: input.max_attempts } : {}),
    });
    const { data, error, status } = await keyedBy(request, options);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as Job, error: null };
  }

  /**
   * Cancels anyone's queued job; `invalid_transition` once it runs or ran.
   *
   * @example
   * const { data, error } = await kit.admin.jobs.cancel(jobId);
   */
  cancel(id: string, options?: MutationOptions): Promise<Result<Job, JobCancelErrorCode>> {
    return this.#cancel(id, options).then(withCodes<JobCancelErrorCode, Job>);
  }

  /** The implementation of `cancel` (its result carries any `SdkError`). */
  async #cancel(id: string, options?: MutationOptions): Promise<Result<Job>> {
    const invalidId = checkIds({ id });
    if (invalidId) return { data: null, error: invalidId };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    return this.#jobs.cancel(id, options);
  }
}
