-- Identity: the waitlist. join_waitlist deduplicates; RLS lets only admins read and delete, and nobody
-- write through the API (the Edge Function writes over its own connection).
begin;
select plan(22);

create temporary table people (name text primary key, id uuid) on commit drop;
insert into people values
  ('client', tests.create_user('wl-client@example.test')),
  ('creator', tests.create_user('wl-creator@example.test', '{}', '{"role":"tool_creator"}')),
  ('admin', tests.create_user('wl-admin@example.test', '{}', '{"role":"admin"}'));

select ok(private.join_waitlist('Early@Example.test', 'landing'), 'a new address should join the waitlist');
select ok(not private.join_waitlist(' early@example.TEST ', 'ad'), 'the same address again (other case, spaces) should not be new');
select is((select request_count || '/' || source from public.waitlist where email = 'early@example.test'), '2/landing',
  'a duplicate should be counted on the one row, keeping the first source');
select throws_ok($$select private.join_waitlist('not-an-email', null)$$, '23514', null, 'the database should refuse a malformed address');
select ok(not has_function_privilege('anon', 'private.join_waitlist(text, text)', 'EXECUTE'), 'anon should not execute join_waitlist');

-- ------------------------------------------------------------------ anon
select tests.authenticate_as_anon();
select throws_ok('select * from public.waitlist', '42501', null, 'anon should not read the waitlist');
select throws_ok($$insert into public.waitlist (email) values ('anon@example.test')$$, '42501', null, 'anon should not insert into the waitlist directly');
select throws_ok($$update public.waitlist set source = 'x'$$, '42501', null, 'anon should not update the waitlist');
select throws_ok('delete from public.waitlist', '42501', null, 'anon should not delete from the waitlist');
select tests.clear_authentication();

-- ------------------------------------------------------------------ client, tool creator
select tests.authenticate_as((select id from people where name = 'client'));
select is((select count(*) from public.waitlist), 0::bigint, 'a client should see no waitlist entries');
select throws_ok($$insert into public.waitlist (email) values ('c@example.test')$$, '42501', null, 'a client should not insert into the waitlist directly');
select throws_ok($$update public.waitlist set source = 'x'$$, '42501', null, 'a client should not update the waitlist');
select results_eq($$with gone as (delete from public.waitlist returning 1) select count(*)::int from gone$$, 'values (0)',
  'a client should delete nothing from the waitlist');
select tests.clear_authentication();
select tests.authenticate_as((select id from people where name = 'creator'));
select is((select count(*) from public.waitlist), 0::bigint, 'a tool creator should see no waitlist entries');
select throws_ok($$insert into public.waitlist (email) values ('t@example.test')$$, '42501', null, 'a tool creator should not insert into the waitlist directly');
select throws_ok($$update public.waitlist set source = 'x'$$, '42501', null, 'a tool creator should not update the waitlist');
select results_eq($$with gone as (delete from public.waitlist returning 1) select count(*)::int from gone$$, 'values (0)',
  'a tool creator should delete nothing from the waitlist');
select tests.clear_authentication();

-- ------------------------------------------------------------------ admin
select tests.authenticate_as((select id from people where name = 'admin'));
select is((select email from public.waitlist where email = 'early@example.test'), 'early@example.test', 'an admin should read the waitlist');
select throws_ok($$insert into public.waitlist (email) values ('a@example.test')$$, '42501', null, 'an admin should not insert into the waitlist directly');
select throws_ok($$update public.waitlist set source = 'x'$$, '42501', null, 'an admin should not update the waitlist');
select results_eq($$with gone as (delete from public.waitlist where email = 'early@example.test' returning 1) select count(*)::int from gone$$, 'values (1)',
  'an admin should delete a waitlist entry');
select tests.clear_authentication();
select is((select count(*) from public.waitlist where email = 'early@example.test'), 0::bigint, 'the deleted entry should be gone');

select * from finish();
rollback;
