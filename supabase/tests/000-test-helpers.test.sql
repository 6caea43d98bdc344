-- Test helpers for every pgTAP file, in a `tests` schema that exists only in test databases.
-- Committed on purpose (no rollback): pg_prove runs the files in name order, this one first.
-- act as a user: role + request.jwt.claims, transaction-local, as PostgREST does (contract §3.4).
begin;
create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

-- Creates an auth user the way the auth server does (empty-string tokens, `{}` metadata).
create or replace function tests.create_user(email text, user_metadata jsonb default '{}', app_metadata jsonb default '{}')
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  new_id uuid := gen_random_uuid();
begin
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
    confirmation_token, recovery_token, email_change_token_new, email_change_token_current,
    email_change, phone_change, phone_change_token, reauthentication_token
  ) values (
    '00000000-0000-0000-0000-000000000000', new_id, 'authenticated', 'authenticated', lower(email),
    extensions.crypt('password', extensions.gen_salt('bf', 4)), now(),
    '{"provider":"email","providers":["email"]}'::jsonb || app_metadata, user_metadata, now(), now(),
    '', '', '', '', '', '', '', ''
  );
  insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
  values (new_id::text, new_id, jsonb_build_object('sub', new_id::text, 'email', lower(email), 'email_verified', true, 'phone_verified', false),
          'email', now(), now(), now());
  return new_id;
end;
$$;

-- Acts as the given user until the transaction ends (or tests.clear_authentication()).
create or replace function tests.authenticate_as(user_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  u auth.users;
begin
  select * into u from auth.users where id = user_id;
  if not found then
    raise exception 'tests.authenticate_as: no user %', user_id;
  end if;
  perform set_config('request.jwt.claims', jsonb_build_object(
    'sub', u.id::text, 'role', 'authenticated', 'aud', 'authenticated', 'email', coalesce(u.email, ''),
    'phone', coalesce(u.phone, ''), 'app_metadata', u.raw_app_meta_data, 'user_metadata', u.raw_user_meta_data,
    'aal', 'aal1', 'is_anonymous', false, 'session_id', gen_random_uuid()::text)::text, true);
  set local role authenticated;
end;
$$;

create or replace function tests.authenticate_as_anon()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('request.jwt.claims', '{"role":"anon"}', true);
  set local role anon;
end;
$$;

create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('request.jwt.claims', '{"role":"service_role"}', true);
  set local role service_role;
end;
$$;

-- Back to the connecting role (postgres) with no claims.
create or replace function tests.clear_authentication()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('request.jwt.claims', '', true);
  reset role;
end;
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(1);
select has_function('tests', 'authenticate_as', array['uuid'], 'the test helpers should be installed');
select * from finish();
commit;
