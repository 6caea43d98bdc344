/**
 * `kit.tasks`: background tasks as seed 004's Celery tasks work. Submit a task (`add` two numbers, or
 * `process_csv` over a CSV you uploaded with `kit.media`), then poll it until it finishes. Each task
 * reports `status` (the kit's job status) and `celery_status` (PENDING, STARTED, RETRY, SUCCESS,
 * FAILURE, REVOKED). You see only your own tasks. Quotas: 5 unfinished at once
 * (`task_quota_exceeded`), 60 an hour (`rate_limited`); input at most 4 KiB and a CSV at most 5 MiB
 * (`input_too_large`).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { errorFromPostgrest, type Result, type RpcErrorCodes, SdkApiError, withCodes } from './errors.ts';
import type { MutationOptions } from './functions.ts';
import { paged, type Page, type PageQuery, type PageRequest } from './pages.ts';
import { badKey, keyedBy } from './postgrest.ts';
import { checkIds } from './validation.ts';

/** Celery's names for a task's state. */
export type CeleryStatus = 'PENDING' | 'STARTED' | 'RETRY' | 'SUCCESS' | 'FAILURE' | 'REVOKED';

/** What a task is asked to do. */
export type TaskInput = { type: 'add'; input: { a: number; b: number } } | { type: 'process_csv'; input: { path: string } };

/** One task and where it stands. */
export interface Task {
  task_id: string;
  type: 'add' | 'process_csv';
  input: Record<string, unknown>;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  celery_status: CeleryStatus;
  result: unknown;
  error: string | null;
  attempts: number;
  max_attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const FINISHED: CeleryStatus[] = ['SUCCESS', 'FAILURE', 'REVOKED'];

/** The codes `submit` can answer besides the common ones. */
export type TaskSubmitErrorCode = RpcErrorCodes['submit_task'];

/** The codes `get` can answer besides the common ones. */
export type TaskGetErrorCode = RpcErrorCodes['get_task'];

/** The codes `wait` can answer besides the common ones: `get`'s, and `timeout`. */
export type TaskWaitErrorCode = TaskGetErrorCode | 'timeout';

export class TasksClient {
  constructor(private readonly supabase: SupabaseClient<Database>) {}

  /**
   * Submits a task; it starts `PENDING` and a worker runs it. Idempotent: a retry with the same
   * `idempotencyKey` (generated when absent, retried automatically after a network failure) submits
   * nothing and answers the first task as it stands now (quotas are not counted again); the same key
   * with another type or input is `idempotency_key_reused`.
   *
   * @example
   * const { data, error } = await kit.tasks.submit({ type: 'add', input: { a: 2, b: 3 } }, { idempotencyKey: requestId });
   * if (error?.code === 'task_quota_exceeded') console.log('wait until one of your tasks finishes');
   */
  submit(input: TaskInput, options: MutationOptions = {}): Promise<Result<Task, TaskSubmitErrorCode>> {
    return this.#submit(input, options).then(withCodes<TaskSubmitErrorCode, Task>);
  }

  /** The implementation of `submit` (its result carries any `SdkError`). */
  async #submit(input: TaskInput, options: MutationOptions): Promise<Result<Task>> {
    const invalidKey = badKey(options);
    if (invalidKey) return { data: null, error: invalidKey };
    const { data, error, status } = await keyedBy(this.supabase.rpc('submit_task', { type: input.type, input: input.input }), options);
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as Task, error: null };
  }

  /**
   * One of your tasks (`task_not_found` for anyone else's).
   *
   * @example
   * const { data, error } = await kit.tasks.get(taskId);
   * if (data?.celery_status === 'SUCCESS') console.log(data.result);
   */
  get(taskId: string): Promise<Result<Task, TaskGetErrorCode>> {
    return this.#get(taskId).then(withCodes<TaskGetErrorCode, Task>);
  }

  /** The implementation of `get` (its result carries any `SdkError`). */
  async #get(taskId: string): Promise<Result<Task>> {
    const invalid = checkIds({ taskId });
    if (invalid) return { data: null, error: invalid };
    const { data, error, status } = await this.supabase.rpc('get_task', { task_id: taskId });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    return { data: data as unknown as Task, error: null };
  }

  /**
   * Your tasks, newest first, 50 a page.
   *
   * @example
   * const { data, error } = await kit.tasks.list({ page: 1 });
   */
  list(query: PageQuery = {}): PageRequest<Task, never> {
    return paged<Task, PageQuery, never>(query, (q) => this.#page(q));
  }

  async #page(query: PageQuery): Promise<Result<Page<Task>>> {
    const { data, error, status } = await this.supabase.rpc('list_tasks', { page: query.page ?? 1, per_page: query.per_page ?? 50 });
    if (error) return { data: null, error: errorFromPostgrest(error, status) };
    const page = data as unknown as { items: Task[]; total: number; page: number; per_page: number };
    return { data: { items: page.items, total: page.total, page: page.page, per_page: page.per_page, page_count: Math.ceil(page.total / page.per_page) }, error: null };
  }

  /**
   * Polls a task until it is SUCCESS, FAILURE or REVOKED, or `timeoutMs` passes (`timeout`).
   *
   * @example
   * const { data, error } = await kit.tasks.wait(taskId, { timeoutMs: 30_000 });
   */
  wait(taskId: string, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<Result<Task, TaskWaitErrorCode>> {
    return this.#wait(taskId, options).then(withCodes<TaskWaitErrorCode, Task>);
  }

  /** The implementation of `wait` (its result carries any `SdkError`). */
  async #wait(taskId: string, options: { timeoutMs?: number; intervalMs?: number }): Promise<Result<Task>> {
    const invalid = checkIds({ taskId });
    if (invalid) return { data: null, error: invalid };
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const task = await this.#get(taskId);
      if (task.error || FINISHED.includes(task.data.celery_status)) return task;
      if (Date.now() > deadline) return { data: null, error: new SdkApiError('The task did not finish in time', 'timeout', 408) };
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  }
}
