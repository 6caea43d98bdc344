-- Background jobs: structure and privileges, enqueue with dedupe, claiming (skip locked, leases),
-- completion only with the current lease, backoff and max attempts, database jobs applied atomically,
-- users seeing their own jobs and admins all.
begin;
select plan(34);

create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to authenticated;
insert into people values
  ('owner', tests.create_user('ops-job-owner@example.test')),
  ('other', tests.create_user('ops-job-other@example.test')),
  ('admin', tests.create_user('ops-job-admin@example.test', '{}', '{"role":"admin"}'));
update public.profiles set role = 'admin' where id = (select id from people where name = 'admin');
-- Only this file's jobs are claimable while it runs.
update private.jobs set run_after = run_after + interval '100 years' where status = 'queued';

-- ---------------------------------------------------------------- structure and privileges
select has_table('private', 'jobs', 'the job table should live in the private schema');
select col_type_is('private', 'jobs', 'status', 'private.job_status', 'a job status should be the job_status enum');
select ok(not has_table_privilege('authenticated', 'private.jobs', 'select'), 'users should not read the job table directly');
select ok(not has_function_privilege('authenticated', 'private.claim_jobs(text, integer, integer, text[])', 'execute'), 'users should not claim jobs');
select ok(not has_function_privilege('anon', 'public.get_job(uuid)', 'execute'), 'anon should not read jobs');
select ok(has_function_privilege('service_role', 'private.enqueue_job(text, jsonb, uuid, timestamptz, integer, text, integer, smallint)', 'execute'),
  'the service role should enqueue jobs');

-- ---------------------------------------------------------------- enqueue
create temporary table j (name text primary key, id uuid) on commit drop;
grant select on j to authenticated;
insert into j select 'mine', (private.enqueue_job('diagnostics.echo', '{"message":"a"}', (select id from people where name = 'owner'))).id;
insert into j select 'theirs', (private.enqueue_job('diagnostics.echo', '{"message":"b"}', (select id from people where name = 'other'))).id;
select is((private.enqueue_job('statistics.recompute_daily', '{"day":"2001-01-01"}', null, null, 5, 'ops-test-dedupe')).id,
          (private.enqueue_job('statistics.recompute_daily', '{"day":"2001-01-01"}', null, null, 5, 'ops-test-dedupe')).id,
  'enqueueing a live dedupe key twice should return the same job');
select throws_ok($$ select private.enqueue_job('no.such_type') $$, '23503', null, 'an unknown job type should be refused');
select is((select status::text from private.jobs where id = (select id from j where name = 'mine')), 'queued', 'a new job should be queued');

-- ---------------------------------------------------------------- claiming
select is((select count(*)::integer from private.claim_jobs('w1', 2, 60, array['diagnostics.echo'])), 2, 'a claim should take up to the limit of due jobs');
select results_eq($$ select status::text, attempts, locked_by from private.jobs where id = (select id from j where name = 'mine') $$,
  $$ values ('running', 1, 'w1') $$, 'a claimed job should be running, attempt 1, locked by its worker');
select is((select count(*)::integer from private.claim_jobs('w2', 10, 60) c where c.id in (select id from j)), 0,
  'a running job with a live lease should not be claimed again');
select ok(not private.complete_job((select id from j where name = 'mine'), gen_random_uuid(), '{}'), 'completing with a wrong lease token should do nothing');
select ok(private.complete_job((select id from j where name = 'mine'), (select lease_token from private.jobs where id = (select id from j where name = 'mine')), '{"ok":true}'),
  'completing with the current lease token should succeed');
select results_eq($$ select status::text, result, lease_token is null from private.jobs where id = (select id from j where name = 'mine') $$,
  $$ values ('succeeded', '{"ok":true}'::jsonb, true) $$, 'a completed job should be succeeded with its result and no lease');

-- A worker that died: its lease expires and the next claim takes the job over with a new token.
update private.jobs set lease_expires_at = now() - interval '1 second' where id = (select id from j where name = 'theirs');
create temporary table stale on commit drop as select lease_token from private.jobs where id = (select id from j where name = 'theirs');
select results_eq($$ select attempts from private.claim_jobs('w3', 10, 60) c where c.id = (select id from j where name = 'theirs') $$,
  $$ values (2) $$, 'a job whose lease expired should be claimed again as attempt 2');
select ok(not private.complete_job((select id from j where name = 'theirs'), (select lease_token from stale), '{}'),
  'the dead worker''s token should no longer complete the job');
select alike((select last_error from private.jobs where id = (select id from j where name = 'theirs')), '%stopped answering%',
  'the takeover should be recorded in last_error');

-- ---------------------------------------------------------------- failures, backoff, max attempts
insert into j select 'flaky', (private.enqueue_job('diagnostics.echo', '{}', null, null, 2, null, 10)).id;
select ok(private.fail_job((select id from j where name = 'flaky'), (select lease_token from private.claim_jobs('w4', 1, 60, array['diagnostics.echo']) c where c.id = (select id from j where name = 'flaky')), 'boom'),
  'failing a claimed job should be accepted');
select results_eq($$ select status::text, last_error, run_after > now() + interval '9 seconds' and run_after < now() + interval '11 seconds' from private.jobs where id = (select id from j where name = 'flaky') $$,
  $$ values ('queued', 'boom', true) $$, 'a failed attempt should be queued again after backoff_seconds');
select is(private.job_backoff(10, 3), interval '40 seconds', 'the backoff should double with each attempt');
select is(private.job_backoff(10, 20), interval '1 hour', 'the backoff should be capped at one hour');
update private.jobs set run_after = now() where id = (select id from j where name = 'flaky');
select ok(private.fail_job((select id from j where name = 'flaky'), (select lease_token from private.claim_jobs('w4', 1, 60, array['diagnostics.echo']) c where c.id = (select id from j where name = 'flaky')), 'boom again'),
  'the last attempt should fail too');
select results_eq($$ select status::text, attempts, finished_at is not null from private.jobs where id = (select id from j where name = 'flaky') $$,
  $$ values ('failed', 2, true) $$, 'a job should stop as failed after max_attempts');

-- ---------------------------------------------------------------- database jobs
insert into j select 'stats', (private.enqueue_job('statistics.recompute_daily', '{"day":"2001-02-03"}')).id;
select is(private.work_database_jobs(10) >= 1, true, 'the database runner should run due database jobs');
select results_eq($$ select status::text, result ->> 'day' from private.jobs where id = (select id from j where name = 'stats') $$,
  $$ values ('succeeded', '2001-02-03') $$, 'the statistics job should succeed for its day');
select throws_ok($$ select private.run_database_job((select id from j where name = 'stats'), gen_random_uuid()) $$, '55000', null,
  'running a database job without its current lease should apply nothing');

-- ---------------------------------------------------------------- what users and admins see
select tests.authenticate_as((select id from people where name = 'owner'));
select is((public.get_job((select id from j where name = 'mine')) ->> 'status'), 'succeeded', 'a user should see their own job');
select throws_like($$ select public.get_job((select id from j where name = 'theirs')) $$, '%job_not_found%', 'a user should not see another user''s job');
select ok((select bool_and(x ->> 'owner_id' = (select id::text from people where name = 'owner')) from jsonb_array_elements(public.list_jobs() -> 'items') x),
  'a user''s job list should hold only their jobs');
select is((select jsonb_array_length(l -> 'items') + (l ->> 'page_count')::int - (l ->> 'total')::int from public.list_jobs(per_page => 1) l), 1,
  'a job list should come one page at a time, with the total and the number of pages');
select throws_like($$ select public.list_jobs(page => 0) $$, '%invalid_page%', 'page 0 should be refused');
select throws_like($$ select public.enqueue_job('vouchers.expire') $$, '%forbidden%', 'a user should not enqueue jobs');
select tests.clear_authentication();

select tests.authenticate_as((select id from people where name = 'admin'));
select is((public.get_job((select id from j where name = 'theirs')) ->> 'type'), 'diagnostics.echo', 'an admin should see anyone''s job');
select tests.clear_authentication();

select * from finish();
rollback;
