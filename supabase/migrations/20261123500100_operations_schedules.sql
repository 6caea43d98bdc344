-- =====================================================================================================
-- Scheduled work with pg_cron (operations module). Every schedule calls one SQL function from the jobs migration
-- (20261123500000), so what a schedule does is tested by calling that function. Times are UTC.
--
-- | job name                    | schedule      | runs                                             | does |
-- | --------------------------- | ------------- | ------------------------------------------------ | ---- |
-- | ops-expire-vouchers         | `5 * * * *`   | private.expire_vouchers()                        | hourly at :05, deactivates vouchers past their expiry (reason 'expired') |
-- | ops-close-overdue-instalments | `15 0 * * *` | private.close_overdue_instalments(30)           | daily 00:15, closes open CRM instalments scheduled more than 30 days ago |
-- | ops-enqueue-daily-statistics | `30 0 * * *` | private.enqueue_daily_statistics()               | daily 00:30, enqueues statistics.recompute_daily for yesterday (one per day, deduplicated) |
-- | ops-run-database-jobs       | `* * * * *`   | private.work_database_jobs(50)                   | every minute, runs due database-type jobs (and retries those whose worker died) |
-- | ops-purge-finished-jobs     | `45 3 * * *`  | private.purge_finished_jobs(30)                  | daily 03:45, deletes jobs finished more than 30 days ago |
--
-- Edge-type jobs (diagnostics.echo) need the job-worker Edge Function; on hosted Supabase schedule it
-- with pg_cron + pg_net (`net.http_post` to /functions/v1/job-worker with the service-role key).
-- =====================================================================================================

-- ----------------------------------------------------------------------------- helper functions

/** Enqueues the statistics job for yesterday (UTC), at most once per day. */
create function private.enqueue_daily_statistics()
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  day date := (now() at time zone 'utc')::date - 1;
begin
  if exists (select 1 from private.jobs j where j.dedupe_key = 'statistics.recompute_daily:' || day and j.status = 'succeeded') then
    return null;
  end if;
  return (private.enqueue_job('statistics.recompute_daily', jsonb_build_object('day', day), null, null, 5,
                              'statistics.recompute_daily:' || day)).id;
end;
$$;
comment on function private.enqueue_daily_statistics() is
  'Enqueues statistics.recompute_daily for yesterday (UTC) unless one is queued, running or already succeeded; returns the job id or null.';
revoke execute on function private.enqueue_daily_statistics() from public, anon, authenticated;
grant execute on function private.enqueue_daily_statistics() to service_role;

-- ----------------------------------------------------------------------------- schedules
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('ops-expire-vouchers', '5 * * * *', 'select private.expire_vouchers()');
    perform cron.schedule('ops-close-overdue-instalments', '15 0 * * *', 'select private.close_overdue_instalments(30)');
    perform cron.schedule('ops-enqueue-daily-statistics', '30 0 * * *', 'select private.enqueue_daily_statistics()');
    perform cron.schedule('ops-run-database-jobs', '* * * * *', 'select private.work_database_jobs(50)');
    perform cron.schedule('ops-purge-finished-jobs', '45 3 * * *', 'select private.purge_finished_jobs(30)');
  end if;
end;
$$;
