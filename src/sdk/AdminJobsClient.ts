/**
 * `kit.admin.jobs`: every background job — list all, enqueue a job of a known type, cancel any queued
 * one. Users read and cancel their own jobs through `kit.jobs`.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result } from './errors.ts';
import { type Job, type JobEnqueueInput, type JobListQuery, JobsClient } from './JobsClient.ts';
import { paged, type Page, type PageRequest } from './pages.ts';
import { requireAdmin } from './session.ts';
import { checkIds } from './validation.ts';

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
  list(query: JobListQuery = {}): PageRequest<Job> {
    return paged(query, async (q): Promise<Result<Page<Job>>> => {
      const admin = await requireAdmin(this.supabase);
      if (admin.error) return { data: null, error: admin.error };
      return this.#jobs.list(q);
    });
  }

  /**
   * Admins: enqueue a job (`forbidden` for others, `unknown_job_type` for a type workers don't know).
   *
   * @example
   * const { data, error } = await kit.admin.jobs.enqueue({ type: 'statistics.recompute_daily', payload: { day: '2026-11-22' } });
   */
  async enqueue(input: JobEnqueueInput): Promise<Result<Job>> {
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    const { data, error, status } = await this.supabase.rpc('enqueue_job', {
      type: input.type,
      payload: input.payload ?? {},
      ...(input.run_after ? { run_after: input.run_after } : {}),
      ...(input.max_attempts ? { max_attempts: input.max_attempts } : {}),
    });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as Job, error: null };
  }

  /**
   * Cancels anyone's queued job; `invalid_transition` once it runs or ran.
   *
   * @example
   * const { data, error } = await kit.admin.jobs.cancel(jobId);
   */
  async cancel(id: string): Promise<Result<Job>> {
    const invalidId = checkIds({ id });
    if (invalidId) return { data: null, error: invalidId };
    const admin = await requireAdmin(this.supabase);
    if (admin.error) return { data: null, error: admin.error };
    return this.#jobs.cancel(id);
  }
}
