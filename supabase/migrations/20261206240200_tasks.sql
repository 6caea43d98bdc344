-- Tasks (seed 004's Celery tasks): a signed-in user submits a task, polls its status and reads its
-- result. A task is a background job (private.jobs) of a `tasks.*` type owned by its submitter, run
-- by the job-worker Edge Function. Statuses are reported both as ours and as Celery names them:
--   queued, never attempted → PENDING      running → STARTED      queued after a failed attempt → RETRY
--   succeeded → SUCCESS                    failed → FAILURE       cancelled → REVOKED
-- Per user: at most 5 unfinished tasks and 60 submissions an hour (429, nothing written); input at
-- most 4 KiB (413); users see only their own tasks. docs/tasks.md.

-- ============================================================================================
-- Tables (job types)
-- ============================================================================================
insert into private.job_types (type, runs_in, description) values
  ('tasks.add', 'edge', 'A user''s task: adds payload.a and payload.b. Result: {result}.'),
  ('tasks.process_csv', 'edge', 'A user''s task: summarises the CSV file payload.path of the Storage bucket media (the submitter''s own folder, at most 5 MiB): rows, and per column the count of numbers, their sum, mean, min and max. Result: {path, rows, columns}.');

-- ============================================================================================
-- Helper functions
-- ============================================================================================
create function private.task_limits()
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'max_unfinished', 5,
    'max_per_hour', 60,
    'max_input_bytes', 4096,
    'max_csv_bytes', 5 * 1024 * 1024,
    'max_number', 1e15);
$$;
comment on function private.task_limits() is
  'Per-user task quotas and input limits: unfinished tasks at once, submissions per hour, input size, CSV size, largest operand of add.';
revoke execute on function private.task_limits() from public, anon, authenticated;

create function private.celery_status(job private.jobs)
returns text
language sql
immutable
set search_path = ''
as $$
  select case job.status
    when 'queued' then case when job.attempts = 0 then 'PENDING' else 'RETRY' end
    when 'running' then 'STARTED'
    when 'succeeded' then 'SUCCESS'
    when 'failed' then 'FAILURE'
    when 'cancelled' then 'REVOKED'
  end;
$$;
comment on function private.celery_status(private.jobs) is
  'A job''s status as Celery names it: PENDING, STARTED, RETRY, SUCCESS, FAILURE, REVOKED.';
revoke execute on function private.celery_status(private.jobs) from public, anon, authenticated;

create function private.task_json(job private.jobs)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'task_id', job.id,
    'type', substr(job.type, char_length('tasks.') + 1),
    'input', job.payload,
    'status', job.status,
    'celery_status', private.celery_status(job),
    'result', job.result,
    'error', case when job.status in ('failed', 'queued') then job.last_error end,
    'attempts', job.attempts,
    'max_attempts', job.max_attempts,
    'created_at', job.created_at,
    'started_at', job.started_at,
    'finished_at', job.finished_at);
$$;
comment on function private.task_json(private.jobs) is 'The public view of a task: type without the tasks. prefix, input, both statuses, result or error, attempts, timestamps.';
revoke execute on function private.task_json(private.jobs) from public, anon, authenticated;

-- ============================================================================================
-- API functions
-- ============================================================================================
create function private.submit_task(p_type text, p_input jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  limits jsonb := private.task_limits();
  input jsonb := coalesce(p_input, '{}'::jsonb);
  payload jsonb;
  object_size bigint;
  unfinished integer;
  recent integer;
  job private.jobs;
begin
  if caller is null then
    perform private.refuse(401, 'unauthorized', 'Sign in to submit a task');
  end if;
  if p_type is null or p_type not in ('add', 'process_csv') then
    perform private.refuse(400, 'unknown_task_type', 'Unknown task type: use add or process_csv', 'type');
  end if;
  if octet_length(input::text) > (limits ->> 'max_input_bytes')::int then
    perform private.refuse(413, 'input_too_large', format('A task''s input may be at most %s bytes', limits ->> 'max_input_bytes'), 'input');
  end if;
  if jsonb_typeof(input) <> 'object' then
    perform private.refuse(400, 'validation_failed', 'input must be an object', 'input');
  end if;

  if p_type = 'add' then
    if (select count(*) from jsonb_object_keys(input) k where k not in ('a', 'b')) > 0
       or jsonb_typeof(input -> 'a') is distinct from 'number' or jsonb_typeof(input -> 'b') is distinct from 'number' then
      perform private.refuse(400, 'validation_failed', 'add takes {a, b}: two numbers', 'input');
    end if;
    if abs((input ->> 'a')::numeric) > (limits ->> 'max_number')::numeric or abs((input ->> 'b')::numeric) > (limits ->> 'max_number')::numeric then
      perform private.refuse(400, 'validation_failed', 'add''s numbers must lie between -1e15 and 1e15', 'input');
    end if;
    payload := jsonb_build_object('a', input -> 'a', 'b', input -> 'b');
  else
    if (select count(*) from jsonb_object_keys(input) k where k <> 'path') > 0
       or jsonb_typeof(input -> 'path') is distinct from 'string'
       or char_length(input ->> 'path') not between 1 and 1024 then
      perform private.refuse(400, 'validation_failed', 'process_csv takes {path}: a file of yours in the media bucket', 'input');
    end if;
    -- Only the submitter's own files (the media bucket's folder per user), never another user's.
    select coalesce((o.metadata ->> 'size')::bigint, 0) into object_size
    from storage.objects o
    where o.bucket_id = 'media' and o.name = input ->> 'path' and (storage.foldername(o.name))[1] = caller::text;
    if not found then
      perform private.refuse(404, 'file_not_found', 'No file of yours at this path in the media bucket', 'path');
    end if;
    if object_size > (limits ->> 'max_csv_bytes')::bigint then
      perform private.refuse(413, 'input_too_large', format('A CSV file may be at most %s bytes', limits ->> 'max_csv_bytes'), 'path');
    end if;
    payload := jsonb_build_object('path', input ->> 'path', 'owner_id', caller);
  end if;

  -- One submission at a time per user, so the quota checks and the insert cannot interleave.
  perform pg_advisory_xact_lock(hashtextextended('tasks:' || caller::text, 0));
  select count(*) filter (where j.status in ('queued', 'running')),
         count(*) filter (where j.created_at > now() - interval '1 hour')
    into unfinished, recent
  from private.jobs j
  where j.owner_id = caller and j.type like 'tasks.%' and j.created_at > now() - interval '30 days';
  if unfinished >= (limits ->> 'max_unfinished')::int then
    perform private.refuse(429, 'task_quota_exceeded',
      format('You have %s unfinished tasks; wait until one finishes (at most %s at once)', unfinished, limits ->> 'max_unfinished'));
  end if;
  if recent >= (limits ->> 'max_per_hour')::int then
    perform private.refuse(429, 'rate_limited', format('At most %s tasks an hour', limits ->> 'max_per_hour'));
  end if;

  job := private.enqueue_job('tasks.' || p_type, payload, caller, null, 3, null, 5);
  return private.task_json(job);
end;
$$;
comment on function private.submit_task(text, jsonb) is 'Implements public.submit_task: validation, per-user quotas and rate limit, then the job, in one transaction.';
revoke execute on function private.submit_task(text, jsonb) from public, anon;
grant execute on function private.submit_task(text, jsonb) to authenticated;

create function public.submit_task(type text, input jsonb default '{}'::jsonb)
returns jsonb
language sql
set search_path = ''
as $$
  select private.submit_task(type, input);
$$;
comment on function public.submit_task(text, jsonb) is
  'Submits a background task (seed 004''s POST /tasks): type add with input {a, b} (numbers), or process_csv with input {path} (a CSV of yours in the media bucket, at most 5 MiB). Answers the task (status PENDING). 400 unknown_task_type / validation_failed, 404 file_not_found, 413 input_too_large (input over 4 KiB, CSV over 5 MiB), 429 task_quota_exceeded (5 unfinished) / rate_limited (60 an hour).';
revoke execute on function public.submit_task(text, jsonb) from public, anon;
grant execute on function public.submit_task(text, jsonb) to authenticated;

create function private.get_task(p_task_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  job private.jobs;
begin
  select * into job from private.jobs j
  where j.id = p_task_id and j.owner_id = (select auth.uid()) and j.type like 'tasks.%';
  if not found then
    perform private.refuse(404, 'task_not_found', 'No task of yours has this id');
  end if;
  return private.task_json(job);
end;
$$;
comment on function private.get_task(uuid) is 'Implements public.get_task: only the caller''s own task.';
revoke execute on function private.get_task(uuid) from public, anon;
grant execute on function private.get_task(uuid) to authenticated;

create function public.get_task(task_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.get_task(task_id);
$$;
comment on function public.get_task(uuid) is
  'One of your tasks: status (ours) and celery_status (PENDING, STARTED, RETRY, SUCCESS, FAILURE, REVOKED), result or error. 404 task_not_found for anyone else''s.';
revoke execute on function public.get_task(uuid) from public, anon;
grant execute on function public.get_task(uuid) to authenticated;

create function private.list_tasks(p_page integer, p_per_page integer)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  items jsonb;
  total bigint;
begin
  if p_page is null or p_page < 1 or p_per_page is null or p_per_page < 1 or p_per_page > 1000 then
    perform private.refuse(400, 'validation_failed', 'page from 1, per_page from 1 to 1000');
  end if;
  select count(*) into total from private.jobs j where j.owner_id = (select auth.uid()) and j.type like 'tasks.%';
  select coalesce(jsonb_agg(private.task_json(j) order by j.created_at desc, j.id), '[]'::jsonb) into items
  from (
    select * from private.jobs j
    where j.owner_id = (select auth.uid()) and j.type like 'tasks.%'
    order by j.created_at desc, j.id
    limit p_per_page offset (p_page - 1) * p_per_page
  ) j;
  return jsonb_build_object('items', items, 'total', total, 'page', p_page, 'per_page', p_per_page);
end;
$$;
comment on function private.list_tasks(integer, integer) is 'Implements public.list_tasks: the caller''s own tasks, newest first.';
revoke execute on function private.list_tasks(integer, integer) from public, anon;
grant execute on function private.list_tasks(integer, integer) to authenticated;

create function public.list_tasks(page integer default 1, per_page integer default 50)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.list_tasks(page, per_page);
$$;
comment on function public.list_tasks(integer, integer) is 'Your tasks, newest first: {items, total, page, per_page}.';
revoke execute on function public.list_tasks(integer, integer) from public, anon;
grant execute on function public.list_tasks(integer, integer) to authenticated;
