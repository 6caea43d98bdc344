-- Platform bootstrap: what a hosted Supabase database already has before the project's first
-- migration (roles, schemas, extensions, the auth helper functions, default privileges).
-- Applied once, by the local stack, to a fresh cluster whose bootstrap superuser is supabase_admin.
-- Written from the documented behaviour of hosted Supabase (its roles, grants and auth helpers).
\set ON_ERROR_STOP on

-- ============================================================================================
-- Roles (contract §4.1). Local development gives every login role the password 'postgres'.
-- ============================================================================================
alter role supabase_admin with password 'postgres';
alter role supabase_admin set search_path = "$user", public, auth, extensions;

create role postgres with login createdb createrole replication bypassrls password 'postgres';
alter role postgres set search_path = "$user", public, extensions;

create role anon nologin inherit;
create role authenticated nologin inherit;
create role service_role nologin inherit bypassrls;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

create role authenticator login noinherit password 'postgres';
grant anon, authenticated, service_role to authenticator;
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';

-- postgres may act as the API roles (Studio and the SQL editor do).
grant anon, authenticated, service_role to postgres;
grant pg_read_all_data, pg_signal_backend, pg_monitor to postgres;

create role supabase_auth_admin login noinherit noreplication password 'postgres';
alter role supabase_auth_admin set search_path = auth;
alter role supabase_auth_admin set idle_in_transaction_session_timeout = 60000;
grant create on database postgres to supabase_auth_admin;

create role dashboard_user nologin createdb createrole replication;
create role supabase_storage_admin login noinherit password 'postgres';
create role supabase_read_only_user login bypassrls password 'postgres';
grant pg_read_all_data to supabase_read_only_user;
create role supabase_replication_admin login replication password 'postgres';
create role supabase_functions_admin login noinherit createrole password 'postgres';
create role supabase_realtime_admin nologin noinherit;
create role pgbouncer login password 'postgres';

grant all on database postgres to postgres, dashboard_user;

-- ============================================================================================
-- Schemas and extensions
-- ============================================================================================
create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists pgtap with schema extensions;
create extension if not exists plpgsql_check with schema extensions;
alter default privileges in schema extensions grant all on functions to postgres, anon, authenticated, service_role;
grant all on all functions in schema extensions to postgres, anon, authenticated, service_role;

-- pg_cron is available (the stack preloads it, as the Supabase image does) but not installed: as on
-- hosted Supabase and `supabase start`, a migration enables it (see 40-privileged-extensions.sql).

create schema if not exists graphql_public;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;

create schema auth authorization supabase_admin;
grant usage on schema auth to anon, authenticated, service_role;
grant usage, create on schema auth to supabase_auth_admin, dashboard_user;
-- postgres may use auth objects (and gets table privileges in 20-auth-tables.sql) but not create any:
-- hosted Supabase revoked CREATE on auth from postgres, so a migration that adds a function or table
-- there must fail here as it fails on `supabase db push`.
grant usage on schema auth to postgres;

create schema if not exists storage authorization supabase_admin;
grant usage on schema storage to postgres, anon, authenticated, service_role;

-- public belongs to postgres on Supabase; migrations run as postgres.
alter schema public owner to postgres;
grant usage on schema public to postgres, anon, authenticated, service_role;
grant all on schema public to postgres;

-- The image's defaults: new objects in public are API-visible, RLS decides which rows (contract §4.2).
-- With `[api] auto_expose_new_tables = false` in config.toml (this project's setting, and the cloud
-- default for new projects) the stack then revokes the API roles' share of postgres's defaults, as the
-- Supabase CLI does (src/stack/database.ts applyApiPrivileges): every table, view, sequence and function
-- a migration creates in public needs explicit grants.
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;

-- ============================================================================================
-- Auth helper functions (contract §3.4): owned by supabase_auth_admin, SECURITY INVOKER, stable.
-- They read what PostgREST (and the test helpers) put in request.jwt.claims.
-- ============================================================================================
set role supabase_auth_admin;

create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
comment on function auth.uid() is 'Deprecated. Use auth.jwt() -> ''sub'' instead. The caller''s user id from the JWT claims.';

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
comment on function auth.role() is 'Deprecated. Use auth.jwt() -> ''role'' instead. The caller''s database role claim.';

create or replace function auth.email() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
comment on function auth.email() is 'Deprecated. Use auth.jwt() -> ''email'' instead. The caller''s e-mail claim.';

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
comment on function auth.jwt() is 'The verified JWT claims of the current request.';

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to public;
reset role;
