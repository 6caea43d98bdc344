-- Identity: profiles. Structure; the auth.users triggers under GoTrue's write order and under a direct
-- insert; the role mirror in app_metadata; and RLS for anon, client, tool creator, admin and another
-- user on select / insert / update / delete, including the role column nobody may raise for themselves.
begin;
select plan(61);

-- ------------------------------------------------------------------ structure
select has_table('public', 'profiles', 'profiles should exist');
select ok((select relrowsecurity from pg_class where oid = 'public.profiles'::regclass), 'profiles should have RLS enabled');
select enum_has_labels('public', 'platform_role', array['client', 'tool_creator', 'admin'], 'platform_role should be client | tool_creator | admin');
select col_default_is('public', 'profiles', 'role', 'client'::public.platform_role, 'a profile should default to the client role');
select ok(not has_column_privilege('authenticated', 'public.profiles', 'role', 'UPDATE'), 'authenticated should not have UPDATE on profiles.role');
select ok(not has_column_privilege('authenticated', 'public.profiles', 'email', 'UPDATE'), 'authenticated should not have UPDATE on profiles.email');
select ok(has_column_privilege('authenticated', 'public.profiles', 'first_name', 'UPDATE'), 'authenticated should have UPDATE on profiles.first_name');
select ok(not has_table_privilege('anon', 'public.profiles', 'SELECT'), 'anon should have no SELECT on profiles');
select ok(not has_function_privilege('anon', 'public.set_user_role(uuid, public.platform_role)', 'EXECUTE'), 'anon should not execute set_user_role');

-- ------------------------------------------------------------------ triggers, GoTrue's write order (contract §3.3)
-- INSERT with role '' and only the client's data (which tries to claim admin), then the UPDATEs GoTrue does.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, raw_app_meta_data, raw_user_meta_data,
  created_at, updated_at, confirmation_token, recovery_token, email_change_token_new, email_change_token_current,
  email_change, phone_change, phone_change_token, reauthentication_token)
values ('00000000-0000-0000-0000-000000000000', 'a0000000-0000-4000-8000-00000000000a', 'authenticated', '',
  'gotrue-order@example.test', '', '{"provider":"email","providers":["email"]}',
  '{"role":"admin","first_name":"  Grace ","last_name":"Hopper","username":"grace_h","phone":"not-a-phone"}',
  now(), now(), '', '', '', '', '', '', '', '');
select is((select role::text from public.profiles where id = 'a0000000-0000-4000-8000-00000000000a'), 'client',
  'a GoTrue-style insert should create a client profile even when user data asks for admin');
select is((select first_name || '/' || last_name || '/' || username from public.profiles where id = 'a0000000-0000-4000-8000-00000000000a'),
  'Grace/Hopper/grace_h', 'the profile should take the names and username from the sign-up data, trimmed');
select is((select phone from public.profiles where id = 'a0000000-0000-4000-8000-00000000000a'), null,
  'an invalid phone in the sign-up data should be left out rather than fail the sign-up');
update auth.users set role = 'authenticated' where id = 'a0000000-0000-4000-8000-00000000000a';
-- GoTrue rewrites app_metadata from its in-memory copy, which never had the role key
update auth.users set raw_app_meta_data = '{"provider":"email","providers":["email"]}' where id = 'a0000000-0000-4000-8000-00000000000a';
select is((select raw_app_meta_data ->> 'role' from auth.users where id = 'a0000000-0000-4000-8000-00000000000a'), 'client',
  'app_metadata.role should survive GoTrue rewriting app_metadata');
select is((select raw_app_meta_data ->> 'provider' from auth.users where id = 'a0000000-0000-4000-8000-00000000000a'), 'email',
  'the other app_metadata keys should be kept');

-- a second sign-up asking for the same username gets a profile without it
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, raw_app_meta_data, raw_user_meta_data,
  created_at, updated_at, confirmation_token, recovery_token, email_change_token_new, email_change_token_current,
  email_change, phone_change, phone_change_token, reauthentication_token)
values ('00000000-0000-0000-0000-000000000000', 'a0000000-0000-4000-8000-00000000000b', 'authenticated', '',
  'gotrue-dup@example.test', '', '{"provider":"email","providers":["email"]}', '{"username":"GRACE_H","full_name":"Ada King Lovelace"}',
  now(), now(), '', '', '', '', '', '', '', '');
select is((select coalesce(username, '(none)') || '/' || first_name || '/' || last_name from public.profiles where id = 'a0000000-0000-4000-8000-00000000000b'),
  '(none)/Ada/King Lovelace', 'a taken username (any case) should be left empty and full_name split into first and last name');

-- the service role (or anyone with the admin API) cannot put a different role into app_metadata
update auth.users set raw_app_meta_data = raw_app_meta_data || '{"role":"admin"}' where id = 'a0000000-0000-4000-8000-00000000000b';
select is((select raw_app_meta_data ->> 'role' from auth.users where id = 'a0000000-0000-4000-8000-00000000000b'), 'client',
  'app_metadata.role should be put back to the profile''s role when something else writes it');

-- e-mail changes reach the profile
update auth.users set email = 'gotrue-dup-new@example.test' where id = 'a0000000-0000-4000-8000-00000000000b';
select is((select email from public.profiles where id = 'a0000000-0000-4000-8000-00000000000b'), 'gotrue-dup-new@example.test',
  'an e-mail change in Auth should be copied to the profile');

-- deleting the auth user leaves the profile as an anonymised tombstone (it keeps the user's money records)
delete from auth.users where id = 'a0000000-0000-4000-8000-00000000000b';
select is((select count(*) from public.profiles where id = 'a0000000-0000-4000-8000-00000000000b' and deleted_at is not null and email is null), 1::bigint,
  'deleting the auth user should leave an anonymised tombstone profile');

-- ------------------------------------------------------------------ fixtures for RLS (direct inserts, role given by a privileged writer)
create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to anon, authenticated, service_role;
insert into people values
  ('client', tests.create_user('rls-client@example.test')),
  ('creator', tests.create_user('rls-creator@example.test', '{}', '{"role":"tool_creator"}')),
  ('admin', tests.create_user('rls-admin@example.test', '{}', '{"role":"admin"}')),
  ('other', tests.create_user('rls-other@example.test')),
  ('admin2', tests.create_user('rls-admin2@example.test', '{}', '{"role":"admin"}'));
select is((select role::text from public.profiles where id = (select id from people where name = 'creator')), 'tool_creator',
  'a role given in app_metadata by a privileged insert should be used for the profile');
select is((select raw_app_meta_data ->> 'role' from auth.users where id = (select id from people where name = 'admin')), 'admin',
  'the admin''s app_metadata should carry the admin role');

-- ------------------------------------------------------------------ anon
select tests.authenticate_as_anon();
select throws_ok('select * from public.profiles', '42501', null, 'anon should not read profiles');
select throws_ok($$insert into public.profiles (id) values (gen_random_uuid())$$, '42501', null, 'anon should not insert profiles');
select throws_ok($$update public.profiles set first_name = 'x'$$, '42501', null, 'anon should not update profiles');
select throws_ok('delete from public.profiles', '42501', null, 'anon should not delete profiles');
select throws_ok($$select public.set_user_role(gen_random_uuid(), 'admin')$$, '42501', null, 'anon should not call set_user_role');
select tests.clear_authentication();

-- ------------------------------------------------------------------ client
select tests.authenticate_as((select id from people where name = 'client'));
select results_eq('select id from public.profiles', $$select id from people where name = 'client'$$, 'a client should see only their own profile');
select results_eq(
  $$with changed as (update public.profiles set first_name = 'Cleo', city = 'Porto' where id = (select id from people where name = 'client') returning 1) select count(*)::int from changed$$,
  'values (1)', 'a client should update their own profile');
select results_eq(
  $$with changed as (update public.profiles set first_name = 'Hacked' where id = (select id from people where name = 'other') returning 1) select count(*)::int from changed$$,
  'values (0)', 'a client should not update another user''s profile');
select throws_ok($$update public.profiles set role = 'admin' where id = auth.uid()$$, '42501', null, 'a client should not raise their own role');
select throws_ok($$update public.profiles set email = 'x@example.test' where id = auth.uid()$$, '42501', null, 'a client should not change the profile e-mail');
select throws_ok($$insert into public.profiles (id) values (gen_random_uuid())$$, '42501', null, 'a client should not insert profiles');
select throws_ok('delete from public.profiles where id = auth.uid()', '42501', null, 'a client should not delete profiles');
select throws_ok($$select public.set_user_role(auth.uid(), 'admin')$$, '42501', null, 'a client should not set a role through set_user_role');
select throws_ok($$update public.profiles set phone = '12345' where id = auth.uid()$$, '23514', null, 'a malformed phone should be refused by the database');
select tests.clear_authentication();
select is((select role::text from public.profiles where id = (select id from people where name = 'client')), 'client', 'the client should still be a client');

-- ------------------------------------------------------------------ tool creator
select tests.authenticate_as((select id from people where name = 'creator'));
select results_eq('select id from public.profiles', $$select id from people where name = 'creator'$$, 'a tool creator should see only their own profile');
select results_eq(
  $$with changed as (update public.profiles set last_name = 'Maker' where id = auth.uid() returning 1) select count(*)::int from changed$$,
  'values (1)', 'a tool creator should update their own profile');
select throws_ok($$update public.profiles set role = 'admin' where id = auth.uid()$$, '42501', null, 'a tool creator should not raise their own role');
select throws_ok($$insert into public.profiles (id) values (gen_random_uuid())$$, '42501', null, 'a tool creator should not insert profiles');
select throws_ok('delete from public.profiles where id = auth.uid()', '42501', null, 'a tool creator should not delete profiles');
select tests.clear_authentication();

-- ------------------------------------------------------------------ another user
select tests.authenticate_as((select id from people where name = 'other'));
select is((select count(*) from public.profiles where id = (select id from people where name = 'client')), 0::bigint,
  'another user should not see the client''s profile');
select is((select city from public.profiles where id = auth.uid()), null, 'another user should see only their own data');
select results_eq(
  $$with changed as (update public.profiles set city = 'Nowhere' where id = (select id from people where name = 'client') returning 1) select count(*)::int from changed$$,
  'values (0)', 'another user should not update the client''s profile');
select throws_ok($$insert into public.profiles (id) values (gen_random_uuid())$$, '42501', null, 'another user should not insert profiles');
select throws_ok($$delete from public.profiles where id = (select id from people where name = 'client')$$, '42501', null,
  'another user should not delete the client''s profile');
select tests.clear_authentication();

-- ------------------------------------------------------------------ admin
select tests.authenticate_as((select id from people where name = 'admin'));
select ok((select count(*) from public.profiles) >= 5, 'an admin should see every profile');
select results_eq(
  $$with changed as (update public.profiles set first_name = 'Renamed' where id = (select id from people where name = 'other') returning 1) select count(*)::int from changed$$,
  'values (1)', 'an admin should edit another user''s profile');
select throws_ok($$update public.profiles set role = 'admin' where id = (select id from people where name = 'other')$$, '42501', null,
  'an admin should not change a role by updating the table (only through set_user_role)');
select throws_ok($$insert into public.profiles (id) values (gen_random_uuid())$$, '42501', null, 'an admin should not insert profiles');
select throws_ok($$delete from public.profiles where id = (select id from people where name = 'other')$$, '42501', null, 'an admin should not delete profiles');
select is((select role::text from public.set_user_role((select id from people where name = 'other'), 'tool_creator')), 'tool_creator',
  'an admin should change another user''s role through set_user_role');
select throws_ok($$select public.set_user_role(auth.uid(), 'client')$$, 'PT422', 'Admins cannot change their own platform role',
  'an admin should not change their own role');
select throws_ok($$select public.set_user_role('00000000-0000-4000-8000-000000000000', 'client')$$, 'PT404', null,
  'set_user_role should answer 404 for an unknown user');
select tests.clear_authentication();
select is((select raw_app_meta_data ->> 'role' from auth.users where id = (select id from people where name = 'other')), 'tool_creator',
  'a role change should be mirrored into app_metadata.role');
select ok((select updated_at from public.profiles where id = (select id from people where name = 'other')) is not null, 'updated_at should be set');

-- a demoted admin loses admin rights at once (the database decides, not the token)
select tests.authenticate_as((select id from people where name = 'admin2'));
select lives_ok($$select public.set_user_role((select id from people where name = 'admin'), 'client')$$, 'one admin should demote another');
select tests.clear_authentication();
select tests.authenticate_as((select id from people where name = 'admin'));
select is((select count(*) from public.profiles), 1::bigint, 'a demoted admin should see only their own profile right away, whatever the token says');
select tests.clear_authentication();

-- a banned admin is not an admin
update auth.users set banned_until = now() + interval '1 day' where id = (select id from people where name = 'admin2');
select tests.authenticate_as((select id from people where name = 'admin2'));
select is((select count(*) from public.profiles), 1::bigint, 'a banned admin should not see other profiles');
select tests.clear_authentication();

-- ------------------------------------------------------------------ the role guard behind every path that acts for a user
-- e.g. a future security definer function updating profiles for a signed-in client: claims set, role postgres
select set_config('request.jwt.claims', json_build_object('sub', (select id from people where name = 'client'), 'role', 'authenticated')::text, true);
select throws_ok($$update public.profiles set role = 'admin' where id = (select id from people where name = 'client')$$, '42501',
  'Only an admin can change a platform role', 'the guard should refuse a role change made for a non-admin, even by privileged code');
select set_config('request.jwt.claims', '', true);
select tests.authenticate_as_service_role();
select lives_ok($$update public.profiles set role = 'tool_creator' where id = (select id from people where name = 'client')$$,
  'the service role should change a role directly');
select tests.clear_authentication();
select is((select raw_app_meta_data ->> 'role' from auth.users where id = (select id from people where name = 'client')), 'tool_creator',
  'a service-role change should be mirrored into app_metadata.role too');

select * from finish();
rollback;
