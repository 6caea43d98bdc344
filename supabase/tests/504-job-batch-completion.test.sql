-- Batch completion of jobs (private.complete_jobs): completes only the jobs whose lease token is
-- current, in one statement; a stale or foreign token in the batch changes nothing for that job;
-- users cannot call it; a malformed batch is refused.
begin;
select plan(8);

-- Only this file's jobs are claimable while it runs.
update private.jobs set run_after = run_after + interval '100 years' where status = 'queued';

create temporary table claimed (id uuid primary key, lease_token uuid) on commit drop;
select private.enqueue_job('diagnostics.echo', jsonb_build_object('message', 'batch ' || g)) from generate_series(1, 3) as g;
insert into claimed select id, lease_token from private.claim_jobs('batch-test', 3, 60, array['diagnostics.echo']);

select is((select count(*)::int from claimed), 3, 'three jobs should be claimed in one call');
select ok(not has_function_privilege('authenticated', 'private.complete_jobs(jsonb)', 'execute'), 'users should not complete jobs');
select ok(has_function_privilege('service_role', 'private.complete_jobs(jsonb)', 'execute'), 'the service role should complete jobs');

-- Two with their current token, one with a stale token (the attack: completing a job one no longer holds).
select is(
  (select count(*)::int from private.complete_jobs((
     select jsonb_agg(jsonb_build_object('id', id, 'lease_token', case when n = 3 then gen_random_uuid() else lease_token end, 'result', jsonb_build_object('n', n)))
       from (select id, lease_token, row_number() over (order by id) as n from claimed) c))),
  2, 'only the two jobs with a current lease token should be completed');
select is(
  (select count(*)::int from private.jobs j join claimed c using (id) where j.status = 'succeeded' and j.lease_token is null and j.result ? 'n'),
  2, 'the completed jobs should be succeeded with their result and no lease');
select is(
  (select count(*)::int from private.jobs j join claimed c using (id) where j.status = 'running' and j.lease_token = c.lease_token),
  1, 'the job named with a stale token should still be running under its lease');
select is(
  (select count(*)::int from private.complete_jobs((select jsonb_agg(jsonb_build_object('id', id, 'lease_token', lease_token)) from claimed))),
  1, 'completing the batch again should complete only the job still running');
select throws_ok($$ select private.complete_jobs('{"id": 1}'::jsonb) $$, '22023', null, 'a batch that is not an array should be refused');

select * from finish();
rollback;
