-- pg_cron schedules and the SQL functions they run (on seeded data), and the audit log: one entry per
-- privileged action in the same transaction, readable by admins only, never changed or deleted.
begin;
select plan(26);

create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to authenticated;
insert into people values
  ('user', tests.create_user('ops-audit-user@example.test')),
  ('admin', tests.create_user('ops-audit-admin@example.test', '{}', '{"role":"admin"}'));
update public.profiles set role = 'admin' where id = (select id from people where name = 'admin');

-- ---------------------------------------------------------------- schedules
select results_eq($$ select schedule, command from cron.job where jobname = 'ops-expire-vouchers' $$,
  $$ values ('5 * * * *'::text, 'select private.expire_vouchers()'::text) $$, 'vouchers should be expired hourly');
select results_eq($$ select schedule, command from cron.job where jobname = 'ops-close-overdue-instalments' $$,
  $$ values ('15 0 * * *'::text, 'select private.close_overdue_instalments(30)'::text) $$, 'overdue instalments should be closed daily');
select results_eq($$ select schedule, command from cron.job where jobname = 'ops-enqueue-daily-statistics' $$,
  $$ values ('30 0 * * *'::text, 'select private.enqueue_daily_statistics()'::text) $$, 'the statistics job should be enqueued daily');
select results_eq($$ select schedule, command from cron.job where jobname = 'ops-run-database-jobs' $$,
  $$ values ('* * * * *'::text, 'select private.work_database_jobs(50)'::text) $$, 'database jobs should be run every minute');
select results_eq($$ select schedule, command from cron.job where jobname = 'ops-purge-finished-jobs' $$,
  $$ values ('45 3 * * *'::text, 'select private.purge_finished_jobs(30)'::text) $$, 'old finished jobs should be purged daily');

-- ---------------------------------------------------------------- expire vouchers
insert into public.voucher_types (id, name, service_type, price_amount) values ('55000000-0000-4000-8000-000000000001', 'Ops expiry', 'ops_test', 100);
insert into public.vouchers (id, code, owner_id, voucher_type_id, purchased_at, expires_at, uses_remaining, total_uses) values
  ('55000000-0000-4000-8000-000000000011', 'PS00-0000-0000-0001', (select id from people where name = 'user'), '55000000-0000-4000-8000-000000000001', now() - interval '2 days', now() - interval '1 minute', 1, 1),
  ('55000000-0000-4000-8000-000000000012', 'PS00-0000-0000-0002', (select id from people where name = 'user'), '55000000-0000-4000-8000-000000000001', now() - interval '2 days', now() + interval '1 day', 1, 1);
select ok(private.expire_vouchers() >= 1, 'expire_vouchers should report what it expired');
select results_eq($$ select is_active, deactivation_reason from public.vouchers where id = '55000000-0000-4000-8000-000000000011' $$,
  $$ values (false, 'expired'::text) $$, 'a voucher past its expiry should be deactivated as expired');
select results_eq($$ select is_active from public.vouchers where id = '55000000-0000-4000-8000-000000000012' $$,
  $$ values (true) $$, 'a voucher still valid should stay active');
select is(private.expire_vouchers(), 0, 'a second run should expire nothing more');
select tests.authenticate_as((select id from people where name = 'user'));
select throws_like($$ select * from public.redeem_voucher('PS00-0000-0000-0001', 'ops_test') $$,
  '%"code": "voucher_expired"%', 'its holder should still hear voucher_expired once the job has deactivated it');
select tests.clear_authentication();

-- ---------------------------------------------------------------- close overdue instalments
insert into public.accounts (id, name, slug, status) values ('55000000-0000-4000-8000-000000000021', 'Ops Instalments', 'ops-instalments', 'active');
insert into public.crm_clients (id, account_id, first_name) values ('55000000-0000-4000-8000-000000000022', '55000000-0000-4000-8000-000000000021', 'Olga');
insert into public.crm_instalments (id, account_id, client_id, instalment_number, amount, currency, schedule_date, status) values
  ('55000000-0000-4000-8000-000000000031', '55000000-0000-4000-8000-000000000021', '55000000-0000-4000-8000-000000000022', 1, 10, 'USD', current_date - 45, 'open'),
  ('55000000-0000-4000-8000-000000000032', '55000000-0000-4000-8000-000000000021', '55000000-0000-4000-8000-000000000022', 2, 10, 'USD', current_date - 5, 'open'),
  ('55000000-0000-4000-8000-000000000033', '55000000-0000-4000-8000-000000000021', '55000000-0000-4000-8000-000000000022', 3, 10, 'USD', current_date - 60, 'paid');
select ok(private.close_overdue_instalments(30) >= 1, 'close_overdue_instalments should report what it closed');
select results_eq($$ select id::text, status::text from public.crm_instalments where account_id = '55000000-0000-4000-8000-000000000021' order by instalment_number $$,
  $$ values ('55000000-0000-4000-8000-000000000031', 'closed'), ('55000000-0000-4000-8000-000000000032', 'open'), ('55000000-0000-4000-8000-000000000033', 'paid') $$,
  'only open instalments more than 30 days overdue should be closed');

-- ---------------------------------------------------------------- daily statistics
update private.jobs set status = 'cancelled' where type = 'statistics.recompute_daily' and status in ('queued', 'running');
select isnt(private.enqueue_daily_statistics(), null, 'the daily statistics job should be enqueued');
select is((select count(*)::integer from private.jobs where type = 'statistics.recompute_daily' and status = 'queued'
             and payload ->> 'day' = ((now() at time zone 'utc')::date - 1)::text), 1, 'it should be for yesterday');
select is(private.enqueue_daily_statistics(), (select id from private.jobs where type = 'statistics.recompute_daily' and status = 'queued' limit 1),
  'enqueueing again the same day should return the same job');
insert into public.usages (tool_id, client_id, creator_id, points_charged, creator_share, idempotency_key, created_at)
  select t.id, (select id from people where name = 'user'), t.creator_id, 7, 3, 'ops-stats-1', '2001-04-05 10:00+00' from public.tools t limit 1;
select private.recompute_daily_statistics('2001-04-05');
select results_eq($$ select metric, value from private.daily_statistics where day = '2001-04-05' and metric in ('tool_usages', 'points_spent') order by metric $$,
  $$ values ('points_spent'::text, 7::numeric), ('tool_usages', 1) $$, 'the recomputed day should count its usages and points');

-- ---------------------------------------------------------------- audit log
select tests.authenticate_as((select id from people where name = 'admin'));
select lives_ok($$ select public.set_user_role((select id from people where name = 'user'), 'tool_creator') $$, 'an admin should change a role');
select lives_ok($$ select public.admin_adjust_points((select id from people where name = 'user'), 25, 'ops audit test', 'ops-audit-1') $$, 'an admin should adjust points');
select tests.clear_authentication();
select results_eq($$ select actor_id, action, before, after from public.audit_log where target_id = (select id::text from people where name = 'user') and action = 'user.role_changed' $$,
  $$ values ((select id from people where name = 'admin'), 'user.role_changed'::text, '{"role":"client"}'::jsonb, '{"role":"tool_creator"}'::jsonb) $$,
  'a role change should leave exactly one entry with actor, before and after');
select is((select count(*)::integer from public.audit_log where target_id = (select id::text from people where name = 'user') and action = 'wallet.admin_adjustment'), 1,
  'an admin points adjustment should leave exactly one entry');
select is((select transaction_id from public.audit_log where action = 'wallet.admin_adjustment' and target_id = (select id::text from people where name = 'user')), txid_current(),
  'the entry should be written by the same transaction as the action');

select tests.authenticate_as((select id from people where name = 'user'));
select is((select count(*)::integer from public.audit_log), 0, 'RLS should hide the audit log from non-admins');
select throws_ok($$ insert into public.audit_log (actor_role, action, target_type) values ('x', 'forged.entry', 'x') $$, '42501', null,
  'users should not write audit entries');
select tests.clear_authentication();
select tests.authenticate_as((select id from people where name = 'admin'));
select ok((select count(*) from public.audit_log where target_id = (select id::text from people where name = 'user')) >= 2, 'admins should read the audit log');
select tests.clear_authentication();

select throws_ok($$ update public.audit_log set action = 'x.y' $$, '42501', 'The audit log is append-only', 'nobody, not even the owner, should update audit entries');
select throws_ok($$ delete from public.audit_log $$, '42501', 'The audit log is append-only', 'nobody should delete audit entries');

select * from finish();
rollback;
