-- Identity, admin side: admin_list_users (admins only; filters, search, range, pages) and the password
-- check change-password relies on.
begin;
select plan(20);

create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to authenticated;
insert into people values
  ('admin', tests.create_user('list-admin@example.test', '{"first_name":"Alma","last_name":"Zqadmin"}', '{"role":"admin"}')),
  ('client', tests.create_user('list-client@example.test', '{"first_name":"Carl","last_name":"Zqlist"}')),
  ('creator1', tests.create_user('list-creator1@example.test', '{"first_name":"Theo","last_name":"Zqlist"}', '{"role":"tool_creator"}')),
  ('creator2', tests.create_user('list-creator2@example.test', '{"first_name":"Tina","last_name":"Zqlist","username":"tina_100%"}', '{"role":"tool_creator"}'));
update public.profiles set username = 'tina_z' where id = (select id from people where name = 'creator2');
update public.profiles set created_at = '2020-01-01T00:00:00Z' where id = (select id from people where name = 'client');
update public.profiles set created_at = '2024-01-01T00:00:00Z' where id = (select id from people where name = 'creator1');
update public.profiles set created_at = '2025-01-01T00:00:00Z' where id = (select id from people where name = 'creator2');
update auth.users set banned_until = now() + interval '1 hour' where id = (select id from people where name = 'creator1');

-- ------------------------------------------------------------------ who may list
select tests.authenticate_as_anon();
select throws_ok($$select * from public.admin_list_users()$$, '42501', null, 'anon should not list users');
select tests.clear_authentication();
select tests.authenticate_as((select id from people where name = 'client'));
select throws_ok($$select * from public.admin_list_users()$$, '42501', 'Only an admin can list users', 'a client should not list users');
select tests.clear_authentication();
select tests.authenticate_as((select id from people where name = 'creator2'));
select throws_ok($$select * from public.admin_list_users()$$, '42501', 'Only an admin can list users', 'a tool creator should not list users');
select tests.clear_authentication();

-- ------------------------------------------------------------------ filters (as the admin)
select tests.authenticate_as((select id from people where name = 'admin'));
select is((select count(*) from public.admin_list_users(search => 'zqlist')), 3::bigint, 'search should match last names, case-insensitively');
select is((select count(*) from public.admin_list_users(search => 'zqlist', role_filter => 'tool_creator')), 2::bigint,
  'the role filter should narrow the search');
select is((select email from public.admin_list_users(search => 'list-creator2')), 'list-creator2@example.test', 'search should match e-mail addresses');
select is((select email from public.admin_list_users(search => 'tina_z')), 'list-creator2@example.test', 'search should match usernames');
select is((select email from public.admin_list_users(search => 'Theo Zqlist')), 'list-creator1@example.test', 'search should match the full name');
select is((select count(*) from public.admin_list_users(search => '%')), 0::bigint, 'a % in the search should be taken literally');
select is((select count(*) from public.admin_list_users(search => 'zqlist', created_to => '2021-01-01T00:00:00Z')), 1::bigint,
  'created_to should keep only users created before it');
select is((select count(*) from public.admin_list_users(search => 'zqlist', created_from => '2021-01-01T00:00:00Z')), 2::bigint,
  'created_from should keep only users created from it on');
select ok((select banned_until is not null from public.admin_list_users(search => 'list-creator1')), 'the list should show a current ban');
select ok((select banned_until is null from public.admin_list_users(search => 'list-creator2')), 'the list should show no ban for others');

-- ------------------------------------------------------------------ pages
select is((select count(*) from public.admin_list_users(search => 'zqlist', page_limit => 2)), 2::bigint, 'page_limit should cap the page');
select is((select count(*) from public.admin_list_users(search => 'zqlist', page_limit => 2, page_offset => 2)), 1::bigint, 'page_offset should skip earlier rows');
select is((select distinct total_count from public.admin_list_users(search => 'zqlist', page_limit => 2)), 3::bigint,
  'total_count should count every match, not only the page');
select results_eq($$select email from public.admin_list_users(search => 'zqlist')$$,
  $$values ('list-creator2@example.test'), ('list-creator1@example.test'), ('list-client@example.test')$$,
  'users should come newest first');
select throws_ok($$select * from public.admin_list_users(page_limit => 0)$$, '22023', null, 'a page_limit below 1 should be refused');
select tests.clear_authentication();

-- ------------------------------------------------------------------ password check (bcrypt as GoTrue, $2a$, and as bcryptjs, $2b$)
update auth.users set encrypted_password = extensions.crypt('Right-pass-1', extensions.gen_salt('bf', 4))
 where id = (select id from people where name = 'client');
select ok(private.password_matches((select id from people where name = 'client'), 'Right-pass-1')
  and not private.password_matches((select id from people where name = 'client'), 'wrong-pass-1'),
  'password_matches should accept the right password and refuse a wrong one ($2a$ hash)');
update auth.users set encrypted_password = '$2b$' || substr(encrypted_password, 5) where id = (select id from people where name = 'client');
select ok(private.password_matches((select id from people where name = 'client'), 'Right-pass-1')
  and not private.password_matches((select id from people where name = 'client'), 'Right-pass-2'),
  'password_matches should read $2b$ hashes as well');

select * from finish();
rollback;
