-- =====================================================================================================
-- Background jobs (operations module): a queue in the private schema that SQL and Edge Functions enqueue into,
-- and workers claim with `for update skip locked` under a lease. A claim increments `attempts` and
-- hands out a fresh lease token; only the holder of the current token can complete or fail the job,
-- so a worker that died (or stalled past its lease) can never finish a job someone else re-claimed.
-- Database-side job types run their effects and their completion in ONE transaction
-- (private.run_database_job), so they can never be applied twice. Failed attempts back off
-- exponentially and stop at `max_attempts`. Users read their own jobs through public.get_job /
-- public.list_jobs; admins read all, enqueue, cancel and retry.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- types
create type private.job_status as enum ('queued', 'running', 'succeeded', 'failed', 'cancelled');
comment on type private.job_status is
  'queued (waiting for run_after), running (claimed under a lease), succeeded, failed (gave up after max_attempts or a permanent error), cancelled.';

-- ----------------------------------------------------------------------------- tables
create table private.job_types (
  type text primary key check (type ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)+$'),
  runs_in text not null check (runs_in in ('database', 'edge')),
  description text not null
);
comment on table private.job_types is
  'The job types workers know. runs_in = database: private.run_database_job applies it in SQL (any worker, or the pg_cron runner); edge: only the job-worker Edge Function can run it.';

insert into private.job_types (type, runs_in, description) values
  ('vouchers.expire', 'database', 'Deactivates vouchers whose expiry has passed (reason ''expired''). Result: {expired}.'),
  ('crm.close_overdue_instalments', 'database', 'Closes open CRM instalments scheduled more than payload.grace_days (default 30) days ago. Result: {closed}.'),
  ('statistics.recompute_daily', 'database', 'Recomputes private.daily_statistics for payload.day (default: yesterday, UTC). Result: {day, rows}.'),
  ('diagnostics.echo', 'edge', 'Answers payload.message after payload.delay_ms (max 60 s; only on the first payload.delay_attempts attempts when given); fails its first payload.fail_times attempts. For monitoring the queue end to end.');

create table private.jobs (
  id uuid primary key default gen_random_uuid(),
  type text not null references private.job_types (type),
  payload jsonb not null default '{}'::jsonb check (jsonb_typeof(payload) = 'object'),
  status private.job_status not null default 'queued',
  owner_id uuid references auth.users (id) on delete set null,
  priority smallint not null default 0,
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 5 check (max_attempts between 1 and 25),
  backoff_seconds integer not null default 10 check (backoff_seconds between 0 and 3600),
  run_after timestamptz not null default now(),
  dedupe_key text check (char_length(dedupe_key) between 1 and 200),
  locked_by text check (char_length(locked_by) <= 200),
  lease_token uuid,
  lease_expires_at timestamptz,
  result jsonb,
  last_error text check (char_length(last_error) <= 2000),
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now(),
  check ((status = 'running') = (lease_token is not null and lease_expires_at is not null))
);
comment on table private.jobs is
  'Background jobs. Written only by the private.*job* functions; read by users through public.get_job/list_jobs.';
comment on column private.jobs.attempts is 'Claims so far (a claim counts as an attempt, also when the worker dies during it).';
comment on column private.jobs.backoff_seconds is 'Retry delay after the first failed attempt; doubles each attempt, capped at one hour.';
comment on column private.jobs.dedupe_key is 'At most one queued or running job per key (e.g. one statistics job per day).';
comment on column private.jobs.lease_token is 'Proof of the current claim; completing or failing needs it.';

create index jobs_claimable_idx on private.jobs (priority desc, run_after, id) where status = 'queued';
create index jobs_lease_idx on private.jobs (lease_expires_at) where status = 'running';
create index jobs_owner_idx on private.jobs (owner_id, created_at desc);
create index jobs_created_idx on private.jobs (created_at desc);
create index jobs_finished_idx on private.jobs (finished_at) where status in ('succeeded', 'failed', 'cancelled');
create unique index jobs_dedupe_idx on private.jobs (dedupe_key) where status in ('queued', 'running');

create table private.daily_statistics (
  day date not null,
  metric text not null,
  currency text not null default '',
  value numeric not null,
  computed_at timestamptz not null default now(),
  primary key (day, metric, currency)
);
comment on table private.daily_statistics is
  'Platform figures per UTC day, recomputed by the statistics.recompute_daily job; read by admins via public.daily_statistics().';

-- ----------------------------------------------------------------------------- helper functions

/** Inserts a job (or returns the live job with the same dedupe_key). */
create function private.enqueue_job(
  p_type text,
  p_payload jsonb default '{}'::jsonb,
  p_owner_id uuid default null,
  p_run_after timestamptz default null,
  p_max_attempts integer default 5,
  p_dedupe_key text default null,
  p_backoff_seconds integer default 10,
  p_priority smallint default 0
)
returns private.jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  job private.jobs;
begin
  insert into private.jobs (type, payload, owner_id, run_after, max_attempts, dedupe_key, backoff_seconds, priority)
  values (p_type, coalesce(p_payload, '{}'::jsonb), p_owner_id, coalesce(p_run_after, now()), p_max_attempts, p_dedupe_key,
          p_backoff_seconds, coalesce(p_priority, 0))
  on conflict (dedupe_key) where status in ('queued', 'running') do nothing
  returning * into job;
  if job.id is null then
    select * into job from private.jobs j where j.dedupe_key = p_dedupe_key and j.status in ('queued', 'running');
  end if;
  return job;
end;
$$;
comment on function private.enqueue_job(text, jsonb, uuid, timestamptz, integer, text, integer, smallint) is
  'Enqueues a job; with a dedupe_key, returns the queued/running job of that key instead of a second one.';
revoke execute on function private.enqueue_job(text, jsonb, uuid, timestamptz, integer, text, integer, smallint) from public, anon, authenticated;
grant execute on function private.enqueue_job(text, jsonb, uuid, timestamptz, integer, text, integer, smallint) to service_role;

/**
 * Claims up to p_limit due jobs for p_worker: queued ones whose run_after has come, and running ones
 * whose lease expired (their worker is presumed dead). Rows locked by a concurrent claimer are
 * skipped, so two claimers never get the same job. Jobs whose lease expired on their last attempt
 * are failed first.
 */
create function private.claim_jobs(
  p_worker text,
  p_limit integer default 1,
  p_lease_seconds integer default 300,
  p_types text[] default null
)
returns setof private.jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  taken integer;
begin
  if p_limit < 1 or p_limit > 1000 or p_lease_seconds < 1 then
    raise exception 'claim_jobs: limit must be 1..1000 and the lease at least 1 second' using errcode = '22023';
  end if;
  update private.jobs j
     set status = 'failed', finished_at = now(), updated_at = now(), lease_token = null, lease_expires_at = null,
         last_error = format('The worker %s stopped answering during the last attempt (%s of %s)', j.locked_by, j.attempts, j.max_attempts)
   where j.id in (select x.id from private.jobs x
                   where x.status = 'running' and x.lease_expires_at <= now() and x.attempts >= x.max_attempts
                   for update skip locked);
  -- Jobs whose worker died first (oldest lease first), then due queued jobs. Each select locks the rows
  -- it takes and skips rows another claimer holds, so concurrent claimers share the queue and never
  -- get the same job; a row claimed meanwhile fails the re-check of the WHERE clause and is left out.
  return query
  with locked as (
    select r.id from private.jobs r
     where r.status = 'running' and r.lease_expires_at <= now() and r.attempts < r.max_attempts
       and (p_types is null or r.type = any (p_types))
     order by r.lease_expires_at
     limit p_limit
     for update skip locked
  )
  update private.jobs j
     set status = 'running', attempts = j.attempts + 1, locked_by = p_worker, lease_token = gen_random_uuid(),
         lease_expires_at = now() + make_interval(secs => p_lease_seconds), started_at = now(), updated_at = now(),
         last_error = format('The worker %s stopped answering during attempt %s', j.locked_by, j.attempts)
    from locked l
   where j.id = l.id
  returning j.*;
  get diagnostics taken = row_count;
  if taken < p_limit then
    return query
    with locked as (
      select q.id from private.jobs q
       where q.status = 'queued' and q.run_after <= now() and (p_types is null or q.type = any (p_types))
       order by q.priority desc, q.run_after, q.id
       limit p_limit - taken
       for update skip locked
    )
    update private.jobs j
       set status = 'running', attempts = j.attempts + 1, locked_by = p_worker, lease_token = gen_random_uuid(),
           lease_expires_at = now() + make_interval(secs => p_lease_seconds), started_at = now(), updated_at = now()
      from locked l
     where j.id = l.id
    returning j.*;
  end if;
end;
$$;
comment on function private.claim_jobs(text, integer, integer, text[]) is
  'Claims due jobs (and jobs whose worker''s lease expired) with for update skip locked; each claim is an attempt with a new lease token.';
revoke execute on function private.claim_jobs(text, integer, integer, text[]) from public, anon, authenticated;
grant execute on function private.claim_jobs(text, integer, integer, text[]) to service_role;

/** Marks a claimed job succeeded; false when the lease token is no longer current (nothing written). */
create function private.complete_job(p_job_id uuid, p_lease_token uuid, p_result jsonb default null)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  update private.jobs j
     set status = 'succeeded', result = p_result, finished_at = now(), updated_at = now(),
         lease_token = null, lease_expires_at = null
   where j.id = p_job_id and j.lease_token = p_lease_token and j.status = 'running';
  return found;
end;
$$;
comment on function private.complete_job(uuid, uuid, jsonb) is
  'Completes a job for the holder of its current lease token; false (and no change) for a stale claim.';
revoke execute on function private.complete_job(uuid, uuid, jsonb) from public, anon, authenticated;
grant execute on function private.complete_job(uuid, uuid, jsonb) to service_role;

/** The delay before the next attempt: backoff_seconds × 2^(attempts−1), at most one hour. */
create function private.job_backoff(p_backoff_seconds integer, p_attempts integer)
returns interval
language sql
immutable
set search_path = ''
as $$
  select make_interval(secs => least(3600, p_backoff_seconds::double precision * power(2, greatest(p_attempts - 1, 0))));
$$;
comment on function private.job_backoff(integer, integer) is 'Exponential retry delay of a job after its n-th attempt (capped at 1 h).';
revoke execute on function private.job_backoff(integer, integer) from public, anon, authenticated;
grant execute on function private.job_backoff(integer, integer) to service_role;

/**
 * Records a failed attempt: back to queued after the backoff, or failed for good once attempts reach
 * max_attempts (or when p_retry is false). False when the lease token is not current.
 */
create function private.fail_job(p_job_id uuid, p_lease_token uuid, p_error text, p_retry boolean default true)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  update private.jobs j
     set status = case when p_retry and j.attempts < j.max_attempts then 'queued'::private.job_status else 'failed'::private.job_status end,
         run_after = case when p_retry and j.attempts < j.max_attempts then now() + private.job_backoff(j.backoff_seconds, j.attempts) else j.run_after end,
         finished_at = case when p_retry and j.attempts < j.max_attempts then null else now() end,
         last_error = left(coalesce(p_error, 'unknown error'), 2000), updated_at = now(),
         lease_token = null, lease_expires_at = null, locked_by = null
   where j.id = p_job_id and j.lease_token = p_lease_token and j.status = 'running';
  return found;
end;
$$;
comment on function private.fail_job(uuid, uuid, text, boolean) is
  'Records a failed attempt: retried after an exponential backoff until max_attempts, then failed.';
revoke execute on function private.fail_job(uuid, uuid, text, boolean) from public, anon, authenticated;
grant execute on function private.fail_job(uuid, uuid, text, boolean) to service_role;

-- ----------------------------------------------------------------------------- the database job types

/** Deactivates vouchers whose expiry has passed; answers how many. */
create function private.expire_vouchers()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  expired integer;
begin
  update public.vouchers v
     set is_active = false, deactivated_at = now(), deactivation_reason = 'expired'
   where v.is_active and v.expires_at <= now();
  get diagnostics expired = row_count;
  return expired;
end;
$$;
comment on function private.expire_vouchers() is
  'Deactivates every active voucher whose expires_at has passed (deactivation_reason = ''expired''); returns the count. Run hourly by pg_cron.';
revoke execute on function private.expire_vouchers() from public, anon, authenticated;
grant execute on function private.expire_vouchers() to service_role;

/** Closes open CRM instalments scheduled more than p_grace_days days ago; answers how many. */
create function private.close_overdue_instalments(p_grace_days integer default 30)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  closed integer;
begin
  update public.crm_instalments i
     set status = 'closed', updated_at = now()
   where i.status = 'open' and i.schedule_date < (now() at time zone 'utc')::date - p_grace_days;
  get diagnostics closed = row_count;
  return closed;
end;
$$;
comment on function private.close_overdue_instalments(integer) is
  'Closes (status closed) every open CRM instalment whose schedule_date is more than p_grace_days days in the past (UTC); returns the count. Run daily by pg_cron.';
revoke execute on function private.close_overdue_instalments(integer) from public, anon, authenticated;
grant execute on function private.close_overdue_instalments(integer) to service_role;

/** Recomputes one UTC day of private.daily_statistics; answers the number of rows written. */
create function private.recompute_daily_statistics(p_day date)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  day_start timestamptz := p_day::timestamp at time zone 'utc';
  day_end timestamptz := (p_day + 1)::timestamp at time zone 'utc';
  written integer;
begin
  delete from private.daily_statistics s where s.day = p_day;
  insert into private.daily_statistics (day, metric, currency, value)
  select p_day, m.metric, m.currency, m.value from (
    select 'users_signed_up' as metric, '' as currency, count(*)::numeric as value
      from auth.users u where u.created_at >= day_start and u.created_at < day_end
    union all
    select 'tool_usages', '', count(*) from public.usages x where x.created_at >= day_start and x.created_at < day_end
    union all
    select 'points_spent', '', coalesce(sum(x.points_charged), 0) from public.usages x where x.created_at >= day_start and x.created_at < day_end
    union all
    select 'voucher_redemptions', '', count(*) from public.voucher_redemptions r where r.redeemed_at >= day_start and r.redeemed_at < day_end
    union all
    select 'payments_completed', '', count(*) from public.payments p where p.completed_at >= day_start and p.completed_at < day_end
    union all
    select 'payments_failed', '', count(*) from public.payments p where p.failed_at >= day_start and p.failed_at < day_end
    union all
    select 'revenue', p.currency, sum(p.amount) from public.payments p
     where p.completed_at >= day_start and p.completed_at < day_end group by p.currency
  ) m;
  get diagnostics written = row_count;
  return written;
end;
$$;
comment on function private.recompute_daily_statistics(date) is
  'Replaces one UTC day of platform figures: users_signed_up, tool_usages, points_spent, voucher_redemptions, payments_completed, payments_failed, revenue (minor units, per currency).';
revoke execute on function private.recompute_daily_statistics(date) from public, anon, authenticated;
grant execute on function private.recompute_daily_statistics(date) to service_role;

/** Runs the effects of a database job type and answers its result. */
create function private.apply_database_job(p_type text, p_payload jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  day date;
begin
  case p_type
    when 'vouchers.expire' then
      return jsonb_build_object('expired', private.expire_vouchers());
    when 'crm.close_overdue_instalments' then
      return jsonb_build_object('closed', private.close_overdue_instalments(coalesce((p_payload ->> 'grace_days')::integer, 30)));
    when 'statistics.recompute_daily' then
      day := coalesce((p_payload ->> 'day')::date, (now() at time zone 'utc')::date - 1);
      return jsonb_build_object('day', day, 'rows', private.recompute_daily_statistics(day));
    else
      raise exception 'No database handler for job type %', p_type using errcode = '22023';
  end case;
end;
$$;
comment on function private.apply_database_job(text, jsonb) is 'Dispatches a database job type to its SQL function.';
revoke execute on function private.apply_database_job(text, jsonb) from public, anon, authenticated;
grant execute on function private.apply_database_job(text, jsonb) to service_role;

/**
 * Runs a claimed database job and completes it in the same transaction: either both the effects and
 * `succeeded` commit, or neither does. Raises when the lease token is not current (another worker
 * re-claimed it), so a late worker applies nothing.
 */
create function private.run_database_job(p_job_id uuid, p_lease_token uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  job private.jobs;
  outcome jsonb;
begin
  select * into job from private.jobs j
   where j.id = p_job_id and j.lease_token = p_lease_token and j.status = 'running'
   for update;
  if not found then
    raise exception 'Job % is no longer claimed with this lease', p_job_id using errcode = '55000';
  end if;
  outcome := private.apply_database_job(job.type, job.payload);
  perform private.complete_job(p_job_id, p_lease_token, outcome);
  return outcome;
end;
$$;
comment on function private.run_database_job(uuid, uuid) is
  'Applies a claimed database job and marks it succeeded atomically; refuses a stale lease token.';
revoke execute on function private.run_database_job(uuid, uuid) from public, anon, authenticated;
grant execute on function private.run_database_job(uuid, uuid) to service_role;

/**
 * The in-database worker (pg_cron, every minute): claims due database-type jobs one by one and runs
 * each in a subtransaction; a failure is recorded with private.fail_job (backoff), never lost.
 */
create function private.work_database_jobs(p_max_jobs integer default 50)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  job private.jobs;
  handled integer := 0;
  database_types text[] := array(select t.type from private.job_types t where t.runs_in = 'database');
begin
  while handled < p_max_jobs loop
    select * into job from private.claim_jobs('pg_cron', 1, 300, database_types);
    exit when job.id is null;
    begin
      perform private.run_database_job(job.id, job.lease_token);
    exception when others then
      perform private.fail_job(job.id, job.lease_token, sqlerrm);
    end;
    handled := handled + 1;
  end loop;
  return handled;
end;
$$;
comment on function private.work_database_jobs(integer) is
  'Runs up to p_max_jobs due database-type jobs inside the database (the pg_cron runner); returns how many it handled.';
revoke execute on function private.work_database_jobs(integer) from public, anon, authenticated;
grant execute on function private.work_database_jobs(integer) to service_role;

/** Deletes finished jobs older than p_keep_days. */
create function private.purge_finished_jobs(p_keep_days integer default 30)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  purged integer;
begin
  delete from private.jobs j
   where j.status in ('succeeded', 'failed', 'cancelled') and j.finished_at < now() - make_interval(days => p_keep_days);
  get diagnostics purged = row_count;
  return purged;
end;
$$;
comment on function private.purge_finished_jobs(integer) is 'Deletes succeeded, failed and cancelled jobs finished more than p_keep_days days ago.';
revoke execute on function private.purge_finished_jobs(integer) from public, anon, authenticated;
grant execute on function private.purge_finished_jobs(integer) to service_role;

-- ----------------------------------------------------------------------------- API functions

/** A job as users and admins see it (no lease token). */
create function private.job_json(job private.jobs)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', job.id, 'type', job.type, 'payload', job.payload, 'status', job.status, 'owner_id', job.owner_id,
    'attempts', job.attempts, 'max_attempts', job.max_attempts, 'run_after', job.run_after,
    'result', job.result, 'last_error', job.last_error, 'created_at', job.created_at,
    'started_at', job.started_at, 'finished_at', job.finished_at, 'updated_at', job.updated_at);
$$;
comment on function private.job_json(private.jobs) is 'The public view of a job (everything but the lease).';
revoke execute on function private.job_json(private.jobs) from public, anon, authenticated;

create function private.get_job(p_job_id uuid)
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
   where j.id = p_job_id and (j.owner_id = (select auth.uid()) or private.is_admin());
  if not found then
    perform private.payments_raise('job_not_found', 404, 'No job with this id');
  end if;
  return private.job_json(job);
end;
$$;
comment on function private.get_job(uuid) is 'Implements public.get_job: the caller''s own job, or any job for an admin.';
revoke execute on function private.get_job(uuid) from public, anon, authenticated;
grant execute on function private.get_job(uuid) to authenticated;

create function public.get_job(job_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.get_job(job_id);
$$;
comment on function public.get_job(uuid) is
  'The status of a background job (id, type, status, attempts, result, last_error, timestamps): your own, or any for admins. 404 job_not_found otherwise.';
revoke execute on function public.get_job(uuid) from public, anon;
grant execute on function public.get_job(uuid) to authenticated;

create function private.list_jobs(p_status text, p_type text, p_max_rows integer)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  admin boolean := private.is_admin();
  me uuid := (select auth.uid());
begin
  if p_status is not null and not p_status = any (enum_range(null::private.job_status)::text[]) then
    perform private.payments_raise('invalid_status', 400, 'Unknown job status', jsonb_build_object('status', p_status));
  end if;
  return coalesce((
    select jsonb_agg(private.job_json(j) order by j.created_at desc, j.id)
      from (select * from private.jobs x
             where (x.owner_id = me or admin)
               and (p_status is null or x.status::text = p_status)
               and (p_type is null or x.type = p_type)
             order by x.created_at desc, x.id
             limit least(greatest(coalesce(p_max_rows, 50), 1), 200)) j), '[]'::jsonb);
end;
$$;
comment on function private.list_jobs(text, text, integer) is 'Implements public.list_jobs.';
revoke execute on function private.list_jobs(text, text, integer) from public, anon, authenticated;
grant execute on function private.list_jobs(text, text, integer) to authenticated;

create function public.list_jobs(status text default null, type text default null, max_rows integer default 50)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.list_jobs(status, type, max_rows);
$$;
comment on function public.list_jobs(text, text, integer) is
  'Your background jobs, newest first (admins: everyone''s), optionally by status and type; at most max_rows (≤ 200). 400 invalid_status.';
revoke execute on function public.list_jobs(text, text, integer) from public, anon;
grant execute on function public.list_jobs(text, text, integer) to authenticated;

create function private.admin_enqueue_job(p_type text, p_payload jsonb, p_run_after timestamptz, p_max_attempts integer)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  job private.jobs;
begin
  if not private.is_admin() then
    perform private.payments_raise('forbidden', 403, 'Only admins enqueue jobs');
  end if;
  if not exists (select 1 from private.job_types t where t.type = p_type) then
    perform private.payments_raise('unknown_job_type', 400, 'Unknown job type', jsonb_build_object('type', p_type));
  end if;
  if p_payload is not null and jsonb_typeof(p_payload) <> 'object' then
    perform private.payments_raise('invalid_payload', 400, 'The payload must be a JSON object');
  end if;
  if p_max_attempts is not null and (p_max_attempts < 1 or p_max_attempts > 25) then
    perform private.payments_raise('invalid_max_attempts', 400, 'max_attempts must be between 1 and 25');
  end if;
  job := private.enqueue_job(p_type, p_payload, (select auth.uid()), p_run_after, coalesce(p_max_attempts, 5));
  return private.job_json(job);
end;
$$;
comment on function private.admin_enqueue_job(text, jsonb, timestamptz, integer) is 'Implements public.enqueue_job.';
revoke execute on function private.admin_enqueue_job(text, jsonb, timestamptz, integer) from public, anon, authenticated;
grant execute on function private.admin_enqueue_job(text, jsonb, timestamptz, integer) to authenticated;

create function public.enqueue_job(type text, payload jsonb default '{}'::jsonb, run_after timestamptz default null, max_attempts integer default 5)
returns jsonb
language sql
set search_path = ''
as $$
  select private.admin_enqueue_job(type, payload, run_after, max_attempts);
$$;
comment on function public.enqueue_job(text, jsonb, timestamptz, integer) is
  'Admins: enqueue a background job of a known type (vouchers.expire, crm.close_overdue_instalments, statistics.recompute_daily, diagnostics.echo), owned by the admin. 403 forbidden, 400 unknown_job_type / invalid_payload / invalid_max_attempts.';
revoke execute on function public.enqueue_job(text, jsonb, timestamptz, integer) from public, anon;
grant execute on function public.enqueue_job(text, jsonb, timestamptz, integer) to authenticated;

create function private.cancel_job(p_job_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  job private.jobs;
begin
  update private.jobs j set status = 'cancelled', finished_at = now(), updated_at = now()
   where j.id = p_job_id and j.status = 'queued' and (j.owner_id = (select auth.uid()) or private.is_admin())
  returning * into job;
  if not found then
    select * into job from private.jobs j where j.id = p_job_id and (j.owner_id = (select auth.uid()) or private.is_admin());
    if not found then
      perform private.payments_raise('job_not_found', 404, 'No job with this id');
    end if;
    if job.status <> 'cancelled' then
      perform private.payments_raise('invalid_transition', 409, format('A %s job cannot be cancelled', job.status));
    end if;
  end if;
  return private.job_json(job);
end;
$$;
comment on function private.cancel_job(uuid) is 'Implements public.cancel_job.';
revoke execute on function private.cancel_job(uuid) from public, anon, authenticated;
grant execute on function private.cancel_job(uuid) to authenticated;

create function public.cancel_job(job_id uuid)
returns jsonb
language sql
set search_path = ''
as $$
  select private.cancel_job(job_id);
$$;
comment on function public.cancel_job(uuid) is
  'Cancels a queued job (yours, or any for admins); cancelling twice answers the cancelled job. 404 job_not_found, 409 invalid_transition for a running or finished job.';
revoke execute on function public.cancel_job(uuid) from public, anon;
grant execute on function public.cancel_job(uuid) to authenticated;

create function private.daily_statistics(p_from date, p_to date)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_admin() then
    perform private.payments_raise('forbidden', 403, 'Only admins read platform statistics');
  end if;
  if p_from is null or p_to is null or p_from > p_to or p_to - p_from > 366 then
    perform private.payments_raise('invalid_range', 400, 'Give from_date ≤ to_date, at most 366 days apart');
  end if;
  return coalesce((
    select jsonb_agg(jsonb_build_object('day', s.day, 'metric', s.metric, 'currency', nullif(s.currency, ''), 'value', s.value,
                                        'computed_at', s.computed_at) order by s.day, s.metric, s.currency)
      from private.daily_statistics s where s.day between p_from and p_to), '[]'::jsonb);
end;
$$;
comment on function private.daily_statistics(date, date) is 'Implements public.daily_statistics.';
revoke execute on function private.daily_statistics(date, date) from public, anon, authenticated;
grant execute on function private.daily_statistics(date, date) to authenticated;

create function public.daily_statistics(from_date date, to_date date)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.daily_statistics(from_date, to_date);
$$;
comment on function public.daily_statistics(date, date) is
  'Admins: the recomputed daily platform figures between two UTC days (≤ 366 days): [{day, metric, currency, value, computed_at}]. 403 forbidden, 400 invalid_range.';
revoke execute on function public.daily_statistics(date, date) from public, anon;
grant execute on function public.daily_statistics(date, date) to authenticated;
