-- =====================================================================================================
-- pg_cron, enabled and scheduled by the migrations themselves. pg_cron is off on a new hosted project
-- and on `supabase start`; the earlier migrations scheduled their jobs only where it was already on, so
-- after `supabase db push` nothing ran. This enables it as Supabase documents and (re)schedules every
-- job of the project. cron.schedule with a job name updates the job of that name if it exists, so this
-- is idempotent and also repairs a project where pg_cron was enabled by hand.
--
-- | job name                      | schedule     | runs                                    |
-- | ----------------------------- | ------------ | --------------------------------------- |
-- | settle-creator-earnings       | `* * * * *`  | private.settle_all_earnings()           |
-- | ops-expire-vouchers           | `5 * * * *`  | private.expire_vouchers()               |
-- | ops-close-overdue-instalments | `15 0 * * *` | private.close_overdue_instalments(30)   |
-- | ops-enqueue-daily-statistics  | `30 0 * * *` | private.enqueue_daily_statistics()      |
-- | ops-run-database-jobs         | `* * * * *`  | private.work_database_jobs(50)          |
-- | ops-purge-finished-jobs       | `45 3 * * *` | private.purge_finished_jobs(30)         |
--
-- The jobs run as postgres (the migration's role), which owns the functions they call.
-- =====================================================================================================

create extension if not exists pg_cron with schema pg_catalog;

select cron.schedule('settle-creator-earnings', '* * * * *', 'select private.settle_all_earnings()');
select cron.schedule('ops-expire-vouchers', '5 * * * *', 'select private.expire_vouchers()');
select cron.schedule('ops-close-overdue-instalments', '15 0 * * *', 'select private.close_overdue_instalments(30)');
select cron.schedule('ops-enqueue-daily-statistics', '30 0 * * *', 'select private.enqueue_daily_statistics()');
select cron.schedule('ops-run-database-jobs', '* * * * *', 'select private.work_database_jobs(50)');
select cron.schedule('ops-purge-finished-jobs', '45 3 * * *', 'select private.purge_finished_jobs(30)');
