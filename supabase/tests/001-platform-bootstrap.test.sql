-- The platform bootstrap behaves like a Supabase database: auth helpers read the request's claims,
-- the API roles cannot see auth tables, and service_role bypasses row-level security.
begin;
select plan(12);

select has_role('anon', 'the anon role should exist');
select has_role('authenticated', 'the authenticated role should exist');
select ok((select rolbypassrls from pg_roles where rolname = 'service_role'), 'service_role should bypass RLS');
select ok(not (select rolinherit from pg_roles where rolname = 'authenticator'), 'authenticator should be NOINHERIT');

-- auth.uid() and friends read request.jwt.claims
select set_config('request.jwt.claims',
  '{"sub":"6b0e1d4c-4f5a-4d38-9a51-0d0f4c1a2b3c","role":"authenticated","email":"a@example.test"}', true);
select is(auth.uid(), '6b0e1d4c-4f5a-4d38-9a51-0d0f4c1a2b3c'::uuid, 'auth.uid() should return the sub of the claims');
select is(auth.role(), 'authenticated', 'auth.role() should return the role claim');
select is(auth.email(), 'a@example.test', 'auth.email() should return the email claim');
select is(auth.jwt() ->> 'sub', '6b0e1d4c-4f5a-4d38-9a51-0d0f4c1a2b3c', 'auth.jwt() should return the whole claims');
select set_config('request.jwt.claims', '', true);
select is(auth.uid(), null, 'auth.uid() should be null without claims');

-- anon cannot read auth.users
select tests.create_user('bootstrap-probe@example.test');
select tests.authenticate_as_anon();
select throws_ok('select count(*) from auth.users', '42501', null, 'anon should not read auth.users');
select tests.clear_authentication();

-- service_role bypasses RLS; authenticated sees nothing without a policy
create table public.bootstrap_probe (id int primary key);
alter table public.bootstrap_probe enable row level security;
insert into public.bootstrap_probe values (1), (2);
-- New tables carry no API grants (auto_expose_new_tables = false): grant as a migration would.
grant select on public.bootstrap_probe to authenticated, service_role;
select tests.authenticate_as_service_role();
select is((select count(*) from public.bootstrap_probe), 2::bigint, 'service_role should see rows RLS would hide');
select tests.clear_authentication();
select tests.authenticate_as((select id from auth.users where email = 'bootstrap-probe@example.test'));
select is((select count(*) from public.bootstrap_probe), 0::bigint, 'authenticated should see no rows without a policy');

select * from finish();
rollback;
