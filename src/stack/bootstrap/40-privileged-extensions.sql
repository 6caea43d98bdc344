-- Platform bootstrap, privileged extensions: what lets `postgres` (not a superuser, as on hosted
-- Supabase) enable pg_cron from a migration. pg_cron is not a trusted extension; hosted Supabase lets
-- postgres create it anyway (its supautils hook runs the script as the platform's superuser, then hands
-- postgres the grants below). The local stand-in is an event trigger that, when a non-superuser runs
-- `create extension if not exists pg_cron …`, creates it first as supabase_admin with the same grants;
-- the user's statement then finds it there and does nothing. Nothing else is installed in advance:
-- until a migration enables pg_cron, `cron.*` does not exist, as on a new hosted project.
\set ON_ERROR_STOP on

create or replace function extensions.create_privileged_extension()
returns event_trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if coalesce(current_setting('supabase_local.creating_extension', true), '') = 'on' then
    return;
  end if;
  if (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = session_user) then
    return;
  end if;
  if current_query() !~* 'create\s+extension\s+(if\s+not\s+exists\s+)?"?pg_cron"?(\s|;|$)' then
    return;
  end if;
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    return;
  end if;

  perform pg_catalog.set_config('supabase_local.creating_extension', 'on', true);
  create extension pg_cron with schema pg_catalog;
  perform pg_catalog.set_config('supabase_local.creating_extension', '', true);

  -- What hosted Supabase grants postgres once pg_cron exists: the schema and its tables, but on
  -- cron.job only SELECT (jobs change through cron.schedule / cron.unschedule / cron.alter_job).
  grant usage on schema cron to postgres with grant option;
  grant all privileges on all tables in schema cron to postgres with grant option;
  grant all privileges on all sequences in schema cron to postgres with grant option;
  grant all privileges on all functions in schema cron to postgres with grant option;
  alter default privileges in schema cron grant all on tables to postgres with grant option;
  alter default privileges in schema cron grant all on sequences to postgres with grant option;
  alter default privileges in schema cron grant all on functions to postgres with grant option;
  revoke all on table cron.job from postgres;
  grant select on table cron.job to postgres with grant option;
end;
$$;
comment on function extensions.create_privileged_extension() is
  'Local stack only: creates pg_cron as supabase_admin when a non-superuser asks for it with IF NOT EXISTS, as hosted Supabase allows postgres to.';
revoke all on function extensions.create_privileged_extension() from public, anon, authenticated, service_role, postgres;

drop event trigger if exists create_privileged_extension;
create event trigger create_privileged_extension on ddl_command_start
  when tag in ('CREATE EXTENSION')
  execute function extensions.create_privileged_extension();
