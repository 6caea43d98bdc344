-- Tasks: submission rules and visibility in the database. Another user (another tenant's owner)
-- cannot read, list or run anything on someone else's task or file; bad input changes nothing.
begin;
select plan(14);
select tests.crm_fixture();

select ok(not has_function_privilege('anon', 'public.submit_task(text, jsonb)', 'execute'), 'anon should not submit tasks');
select ok(not has_function_privilege('authenticated', 'private.task_limits()', 'execute'), 'task limits should not be callable by users');

select tests.authenticate_as(tests.crm_id('owner'));
select is((public.submit_task('add', '{"a": 1, "b": 2}')) ->> 'celery_status', 'PENDING', 'a new task should be PENDING');
select tests.clear_authentication();

select is(tests.try_as('other', $q$select public.get_task((select id from private.jobs where owner_id = :owner and type = 'tasks.add' limit 1))$q$),
  'error:42501', 'another tenant''s owner should not even reach the private jobs table');
select is(tests.try_claims('other', $q$select private.get_task((select id from private.jobs where owner_id = :owner and type = 'tasks.add' limit 1))$q$),
  'error:task_not_found', 'another tenant''s owner should not read the task');
select is(tests.try_as('other', $q$select public.list_tasks()$q$), 'rows:1', 'list_tasks should answer one page');
select is((select (private.list_tasks(1, 50) ->> 'total')::int from (select tests.claims_as('other')) s), 0, 'another tenant''s owner should list none of the task');
select set_config('request.jwt.claims', '', true);

-- Bad input, each refused with its code and nothing written.
select is(tests.try_as('owner', statement), expected, description)
from (values
  ($q$select public.submit_task('shell', '{}')$q$, 'error:unknown_task_type', 'an unknown task type should be refused'),
  ($q$select public.submit_task('add', '{"a": "1", "b": 2}')$q$, 'error:validation_failed', 'a string operand should be refused'),
  ($q$select public.submit_task('add', jsonb_build_object('a', 1, 'b', 2, 'pad', repeat('x', 5000)))$q$, 'error:input_too_large', 'input over 4 KiB should be refused'),
  ($q$select public.submit_task('process_csv', jsonb_build_object('path', :other || '/data.csv'))$q$, 'error:file_not_found', 'another user''s folder should look like no file'),
  ($q$select public.get_task(gen_random_uuid())$q$, 'error:task_not_found', 'an unknown task should be not found')
) as matrix (statement, expected, description);
select is((select count(*)::int from private.jobs where owner_id = tests.crm_id('owner') and type like 'tasks.%'), 1, 'refused submissions should write no job');

update private.jobs set attempts = 1, last_error = 'transient' where owner_id = tests.crm_id('owner') and type = 'tasks.add';
select is((select private.celery_status(j) from private.jobs j where owner_id = tests.crm_id('owner') and type = 'tasks.add'),
  'RETRY', 'a queued task after a failed attempt should be RETRY');

select * from finish();
rollback;
