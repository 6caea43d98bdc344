-- After the migrations alone (no manual step), pg_cron is on and every job of the project is scheduled,
-- active, and runs as postgres in this database.
begin;
select plan(8);

select has_extension('pg_cron', 'pg_cron should be enabled by the migrations');
select results_eq($$ select schedule, command from cron.job where jobname = 'settle-creator-earnings' $$,
  $$ values ('* * * * *'::text, 'select private.settle_all_earnings()'::text) $$, 'earnings should settle every minute');
select results_eq($$ select schedule, command from cron.job where jobname = 'ops-expire-vouchers' $$,
  $$ values ('5 * * * *'::text, 'select private.expire_vouchers()'::text) $$, 'vouchers should expire hourly');
select results_eq($$ select schedule, command from cron.job where jobname = 'ops-close-overdue-instalments' $$,
  $$ values ('15 0 * * *'::text, 'select private.close_overdue_instalments(30)'::text) $$, 'overdue instalments should close daily');
select results_eq($$ select schedule, command from cron.job where jobname = 'ops-enqueue-daily-statistics' $$,
  $$ values ('30 0 * * *'::text, 'select private.enqueue_daily_statistics()'::text) $$, 'statistics should be enqueued daily');
select results_eq($$ select schedule, command from cron.job where jobname = 'ops-run-database-jobs' $$,
  $$ values ('* * * * *'::text, 'select private.work_database_jobs(50)'::text) $$, 'database jobs should run every minute');
select results_eq($$ select schedule, command from cron.job where jobname = 'ops-purge-finished-jobs' $$,
  $$ values ('45 3 * * *'::text, 'select private.purge_finished_jobs(30)'::text) $$, 'finished jobs should be purged daily');
select results_eq(
  $$ select count(*)::int from cron.job where active and username = 'postgres' and database = current_database()
       and jobname in ('settle-creator-earnings', 'ops-expire-vouchers', 'ops-close-overdue-instalments',
                       'ops-enqueue-daily-statistics', 'ops-run-database-jobs', 'ops-purge-finished-jobs') $$,
  $$ values (6) $$, 'all six jobs should be active, run as postgres, in this database');

select * from finish();
rollback;
