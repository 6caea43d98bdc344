-- Identity: devices recorded from auth.sessions (sign-in, refresh, sign-out), the new-device flag,
-- sign_out_device, and RLS for anon, client, tool creator, admin and another user.
begin;
select plan(36);

create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to anon, authenticated;
insert into people values
  ('client', tests.create_user('dev-client@example.test')),
  ('creator', tests.create_user('dev-creator@example.test', '{}', '{"role":"tool_creator"}')),
  ('admin', tests.create_user('dev-admin@example.test', '{}', '{"role":"admin"}')),
  ('other', tests.create_user('dev-other@example.test'));

-- sessions are written as GoTrue writes them at sign-in
create function pg_temp.sign_in(p_user uuid, p_session uuid, p_agent text, p_ip inet) returns void language sql as $$
  insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
  values (p_session, p_user, now(), now(), 'aal1', p_agent, p_ip);
$$;

select pg_temp.sign_in((select id from people where name = 'client'), 'b0000000-0000-4000-8000-000000000001', 'Firefox/120', '10.0.0.1');
select is((select count(*) from public.devices where user_id = (select id from people where name = 'client')), 1::bigint,
  'a first sign-in should record a device');
select is((select is_new_device from public.devices where user_id = (select id from people where name = 'client')), false,
  'a user''s first device should not be flagged as new');
select pg_temp.sign_in((select id from people where name = 'client'), 'b0000000-0000-4000-8000-000000000002', 'Chrome/130', '10.0.0.2');
select is((select is_new_device from public.devices where user_agent = 'Chrome/130'), true,
  'a sign-in from another user agent should be flagged as a new device');
select is((select host(ip) from public.devices where user_agent = 'Chrome/130'), '10.0.0.2', 'the device should carry the sign-in IP');
select pg_temp.sign_in((select id from people where name = 'client'), 'b0000000-0000-4000-8000-000000000003', 'Firefox/120', '10.0.0.9');
select is((select sign_in_count || '/' || active_sessions || '/' || host(ip) from public.devices where user_agent = 'Firefox/120'), '2/2/10.0.0.9',
  'signing in again from a known device should count the sign-in, the open session and the new IP');
select is((select count(*) from public.devices where user_id = (select id from people where name = 'client')), 2::bigint,
  'a known device should not be recorded twice');

update public.devices set last_seen_at = now() - interval '1 day' where user_agent = 'Chrome/130';
update auth.sessions set refreshed_at = (now() at time zone 'utc'), ip = '10.0.0.3' where id = 'b0000000-0000-4000-8000-000000000002';
select ok((select last_seen_at > now() - interval '1 minute' and host(ip) = '10.0.0.3' from public.devices where user_agent = 'Chrome/130'),
  'a refresh should update last seen and IP of the session''s device');

delete from auth.sessions where id = 'b0000000-0000-4000-8000-000000000003';
select is((select active_sessions from public.devices where user_agent = 'Firefox/120'), 1,
  'Auth ending a session (sign-out) should lower the device''s open sessions');

select pg_temp.sign_in((select id from people where name = 'other'), 'b0000000-0000-4000-8000-000000000004', 'Safari/17', '10.0.0.4');
select pg_temp.sign_in((select id from people where name = 'creator'), 'b0000000-0000-4000-8000-000000000005', 'Edge/120', '10.0.0.5');

-- ------------------------------------------------------------------ anon
select tests.authenticate_as_anon();
select throws_ok('select * from public.devices', '42501', null, 'anon should not read devices');
select throws_ok($$insert into public.devices (user_id) values (gen_random_uuid())$$, '42501', null, 'anon should not insert devices');
select throws_ok($$update public.devices set user_agent = 'x'$$, '42501', null, 'anon should not update devices');
select throws_ok('delete from public.devices', '42501', null, 'anon should not delete devices');
select throws_ok($$select public.sign_out_device(gen_random_uuid())$$, '42501', null, 'anon should not sign devices out');
select tests.clear_authentication();

-- ------------------------------------------------------------------ client (owner)
select tests.authenticate_as((select id from people where name = 'client'));
select is((select count(*) from public.devices), 2::bigint, 'a client should see only their own devices');
select throws_ok($$insert into public.devices (user_id) values (auth.uid())$$, '42501', null, 'a client should not insert devices');
select throws_ok($$update public.devices set is_new_device = false$$, '42501', null, 'a client should not update devices');
select throws_ok('delete from public.devices', '42501', null, 'a client should not delete device rows');
select throws_ok($$select public.sign_out_device((select id from public.devices d where d.user_agent = 'Safari/17' limit 1))$$, 'PT404', null,
  'a client should not find another user''s device to sign out');
select is(public.sign_out_device((select id from public.devices where user_agent = 'Chrome/130')), 1,
  'a client should sign one of their devices out, ending its session');
select tests.clear_authentication();
select is((select count(*) from auth.sessions where id = 'b0000000-0000-4000-8000-000000000002'), 0::bigint,
  'signing a device out should delete its Auth session');
select is((select count(*) from auth.sessions where id = 'b0000000-0000-4000-8000-000000000001'), 1::bigint,
  'signing a device out should keep the sessions of the user''s other devices');
select ok((select active_sessions = 0 and signed_out_at is not null from public.devices where user_agent = 'Chrome/130'),
  'a signed-out device should show no open session and when it was signed out');

-- ------------------------------------------------------------------ tool creator, another user, admin
select tests.authenticate_as((select id from people where name = 'creator'));
select results_eq('select user_agent from public.devices', $$values ('Edge/120')$$, 'a tool creator should see only their own devices');
select throws_ok($$insert into public.devices (user_id) values (auth.uid())$$, '42501', null, 'a tool creator should not insert devices');
select throws_ok($$update public.devices set ip = null$$, '42501', null, 'a tool creator should not update devices');
select throws_ok('delete from public.devices', '42501', null, 'a tool creator should not delete device rows');
select tests.clear_authentication();
select tests.authenticate_as((select id from people where name = 'other'));
select results_eq('select user_agent from public.devices', $$values ('Safari/17')$$, 'another user should not see the client''s devices');
select throws_ok($$insert into public.devices (user_id) values ((select id from people where name = 'client'))$$, '42501', null,
  'another user should not insert devices for the client');
select throws_ok($$update public.devices set user_agent = 'x' where user_id = (select id from people where name = 'client')$$, '42501', null,
  'another user should not update the client''s devices');
select throws_ok($$delete from public.devices where user_id = (select id from people where name = 'client')$$, '42501', null,
  'another user should not delete the client''s devices');
select tests.clear_authentication();
select tests.authenticate_as((select id from people where name = 'admin'));
select ok((select count(*) from public.devices) >= 4, 'an admin should see every user''s devices');
select throws_ok($$insert into public.devices (user_id) values (auth.uid())$$, '42501', null, 'an admin should not insert devices');
select throws_ok($$update public.devices set user_agent = 'x'$$, '42501', null, 'an admin should not update devices');
select throws_ok('delete from public.devices', '42501', null, 'an admin should not delete device rows');
select throws_ok($$select public.sign_out_device((select id from public.devices d where d.user_agent = 'Safari/17' limit 1))$$, 'PT404', null,
  'an admin should sign out only their own devices through this function');
select tests.clear_authentication();
select ok(not has_table_privilege('authenticated', 'private.device_sessions', 'SELECT'), 'authenticated should not read the session-to-device map');

select * from finish();
rollback;
