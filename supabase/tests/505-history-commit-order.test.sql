-- Lists and workflows that read rows in order use the commit-order key (seq), not created_at (the
-- start of the writing transaction). Each fixture row inserted later is given an earlier created_at,
-- as when its transaction started first and committed last: created_at order would read it backwards.
begin;
select plan(4);

create temp table people (name text primary key, id uuid not null);
insert into people values ('owner', tests.create_user('order-owner@example.test'));

-- Three tasks; the last one queued carries the earliest created_at.
select private.enqueue_job('tasks.add', jsonb_build_object('a', n, 'b', 0), (select id from people where name = 'owner'))
  from generate_series(1, 3) as n;
update private.jobs set created_at = now() - make_interval(secs => (payload ->> 'a')::int)
 where owner_id = (select id from people where name = 'owner');

select tests.authenticate_as((select id from people where name = 'owner'));
select is(
  (select jsonb_agg((t -> 'input' ->> 'a')::int order by o) from jsonb_array_elements(public.list_tasks() -> 'items') with ordinality as x (t, o)),
  '[3, 2, 1]'::jsonb,
  'list_tasks should list the owner''s tasks newest first in commit order');
select is(
  (select jsonb_agg((j -> 'payload' ->> 'a')::int order by o) from jsonb_array_elements(public.list_jobs(null, 'tasks.add') -> 'items') with ordinality as x (j, o)),
  '[3, 2, 1]'::jsonb,
  'list_jobs should list the owner''s jobs newest first in commit order');
select is(
  (select jsonb_agg((j -> 'payload' ->> 'a')::int order by o) from jsonb_array_elements(public.list_jobs(null, 'tasks.add', 2, 1) -> 'items') with ordinality as x (j, o)),
  '[2]'::jsonb,
  'list_jobs should page in the same order');
select tests.clear_authentication();

-- Two debts of 5 points and 5 points to pay them with: the debt recorded first is paid first.
insert into public.points_packages (id, name, points, price_amount)
values ('50500000-0000-4000-8000-000000000001', 'Commit order pack', 100, 500);
insert into public.payments (id, user_id, purpose, points_package_id, description, points, amount, currency, idempotency_key)
select ('50500000-0000-4000-8000-00000000001' || n)::uuid, (select id from people where name = 'owner'), 'points',
       '50500000-0000-4000-8000-000000000001', 'Fixture top-up', 100, 500, 'usd', 'order-' || n
  from generate_series(1, 2) as n;
insert into public.points_debts (user_id, payment_id, points, created_at)
values ((select id from people where name = 'owner'), '50500000-0000-4000-8000-000000000011', 5, now()),
       ((select id from people where name = 'owner'), '50500000-0000-4000-8000-000000000012', 5, now() - interval '1 minute');
select private.post_wallet_entry((select id from people where name = 'owner'), 5, 'admin_adjustment', 'admin', null, null, 'Fixture points', 'order-points');
select private.settle_points_debts((select id from people where name = 'owner'));
select is(
  (select jsonb_agg(d.settled_at is not null order by d.seq) from public.points_debts as d where d.user_id = (select id from people where name = 'owner')),
  '[true, false]'::jsonb,
  'settle_points_debts should pay the debt recorded first, whatever its transaction''s start');

select * from finish();
rollback;
