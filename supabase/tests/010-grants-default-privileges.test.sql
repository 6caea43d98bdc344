-- The platform as strict as hosted Supabase: a new object in public gives the API roles nothing until a
-- migration grants it, postgres cannot create objects in auth nor rewrite Auth's bookkeeping, auth and
-- storage objects belong to their services' roles, and pg_cron exists only because a migration enabled it.
begin;
select plan(22);

-- ---------------------------------------------------------------- default privileges (as postgres)
create table public.grants_probe (id bigint generated always as identity primary key, note text);
create function public.grants_probe_fn() returns int language sql as 'select 1';
create view public.grants_probe_view with (security_invoker = true) as select id from public.grants_probe;

select is(
  (select count(*)::int from pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
    where c.oid = 'public.grants_probe'::regclass
      and a.grantee in ('anon'::regrole, 'authenticated'::regrole, 'service_role'::regrole)),
  0, 'a new table in public should carry no privilege for anon, authenticated or service_role');
select is(
  (select count(*)::int from pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
    where c.oid = 'public.grants_probe_view'::regclass
      and a.grantee in ('anon'::regrole, 'authenticated'::regrole, 'service_role'::regrole)),
  0, 'a new view in public should carry no privilege for the API roles');
select is(
  (select count(*)::int from pg_class c, aclexplode(coalesce(c.relacl, acldefault('s', c.relowner))) a
    where c.oid = pg_get_serial_sequence('public.grants_probe', 'id')::regclass
      and a.grantee in ('anon'::regrole, 'authenticated'::regrole, 'service_role'::regrole)),
  0, 'a new sequence in public should carry no privilege for the API roles');
select is(
  (select count(*)::int from pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
    where p.oid = 'public.grants_probe_fn()'::regprocedure
      and a.grantee in ('anon'::regrole, 'authenticated'::regrole, 'service_role'::regrole)),
  0, 'a new function in public should carry no explicit privilege for the API roles');
select is(
  (select count(*)::int from pg_default_acl d, aclexplode(d.defaclacl) a
    where d.defaclrole = 'postgres'::regrole and d.defaclnamespace = 'public'::regnamespace
      and a.grantee in ('anon'::regrole, 'authenticated'::regrole, 'service_role'::regrole)),
  0, 'postgres''s default privileges in public should name none of the API roles');

-- the same, as each API role: the new table is out of reach for all of them
select tests.authenticate_as_anon();
select throws_ok('select * from public.grants_probe', '42501', null, 'anon should not read a new table');
select tests.clear_authentication();
select tests.authenticate_as(tests.create_user('grants-probe@example.test'));
select throws_ok('select * from public.grants_probe', '42501', null, 'authenticated should not read a new table');
select throws_ok($$ insert into public.grants_probe (note) values ('x') $$, '42501', null, 'authenticated should not write a new table');
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select throws_ok('select * from public.grants_probe', '42501', null, 'service_role should not read a new table without a grant');
select throws_ok($$ insert into public.grants_probe (note) values ('x') $$, '42501', null, 'service_role should not write a new table without a grant');
select tests.clear_authentication();
select lives_ok($$ insert into public.grants_probe (note) values ('owner') $$, 'postgres, the owner, should still write it');

-- ---------------------------------------------------------------- auth belongs to Auth
select ok(not has_schema_privilege('postgres', 'auth', 'create'), 'postgres should not hold CREATE on schema auth');
select throws_ok('create function auth.grants_probe() returns int language sql as ''select 1''', '42501', null,
  'postgres should not create a function in auth');
select throws_ok('create table auth.grants_probe (id int)', '42501', null, 'postgres should not create a table in auth');
select is((select pg_get_userbyid(relowner)::text from pg_class where oid = 'auth.schema_migrations'::regclass),
  'supabase_auth_admin', 'auth.schema_migrations should belong to supabase_auth_admin');
select throws_ok($$ insert into auth.schema_migrations (version) values ('29990101000000') $$, '42501', null,
  'postgres should not record an Auth migration');
select is(
  (select array_agg(distinct pg_get_userbyid(c.relowner)::text) from pg_class c
    where c.relnamespace = 'auth'::regnamespace and c.relkind in ('r', 'p', 'S')),
  array['supabase_auth_admin'], 'every auth table and sequence should belong to supabase_auth_admin');
select ok(not pg_has_role('postgres', 'supabase_auth_admin', 'member'), 'postgres should not be a member of supabase_auth_admin');

-- ---------------------------------------------------------------- storage belongs to Storage
select is(
  (select array_agg(distinct pg_get_userbyid(c.relowner)::text) from pg_class c
    where c.relnamespace = 'storage'::regnamespace and c.relkind in ('r', 'p')),
  array['supabase_storage_admin'], 'every storage table should belong to supabase_storage_admin');

-- ---------------------------------------------------------------- pg_cron: enabled by a migration
select is((select extowner::regrole::text from pg_extension where extname = 'pg_cron'), 'supabase_admin',
  'pg_cron should be installed by the platform''s superuser on request of a migration');
select ok(not has_table_privilege('postgres', 'cron.job', 'insert, update, delete'),
  'postgres should change jobs only through cron.schedule / cron.unschedule, as on hosted');
select is((select count(*)::int from supabase_migrations.schema_migrations
  where statements::text ~* 'create extension if not exists pg_cron'), 1,
  'exactly one migration should enable pg_cron');

select * from finish();
rollback;
