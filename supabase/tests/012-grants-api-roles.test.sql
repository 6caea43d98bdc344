-- The Data API's grants, exercised as each role the API uses. With no default privileges in public,
-- each grant below exists because a migration wrote it: the service role (secret key: server-side SDK,
-- Edge Functions) reads every table and writes every table it manages over REST; the ledgers change only
-- through SQL functions; anon reads the public catalogue and nothing else; no API role may truncate,
-- reference or trigger on anything; postgres, the owner, does everything.
begin;
select plan(240);

-- service_writes: true = the four DML privileges; false = read only (changed by SQL functions);
-- null = tools, which the service role may insert and update (admin review) but not delete.
create temporary table api_tables (name text primary key, service_writes boolean, anon_reads boolean not null) on commit drop;
insert into api_tables values
  ('profiles', true, false), ('devices', true, false), ('waitlist', true, false),
  ('accounts', true, false), ('account_members', true, false), ('member_batches', true, false),
  ('crm_clients', true, false), ('crm_packages', true, false), ('crm_client_packages', true, false),
  ('crm_payments', true, false), ('crm_instalments', true, false), ('crm_stripe_customers', true, false),
  ('support_tickets', true, false), ('support_messages', true, false), ('site_content', true, true),
  ('voucher_types', true, true), ('vouchers', true, false), ('voucher_redemptions', true, false),
  ('points_packages', true, true), ('stripe_customers', true, false), ('payments', true, false),
  ('points_debts', true, false),
  -- changed only through SQL functions (atomic, audited): the service role reads them
  ('wallets', false, false), ('wallet_ledger', false, false), ('usages', false, false),
  ('payouts', false, false), ('refunds', false, false), ('api_keys', false, false),
  ('audit_log', false, false), ('feedback', false, false), ('tools', null, true),
  ('tool_revisions', false, false);
grant select on api_tables to anon, authenticated, service_role;

-- One column each statement can name without touching identity or generated columns.
create temporary view api_probe_columns as
  select t.name, t.service_writes, t.anon_reads,
         (select a.attname from pg_attribute a
           where a.attrelid = format('public.%I', t.name)::regclass and a.attnum > 0 and not a.attisdropped
             and a.attidentity = '' and a.attgenerated = '' order by a.attnum limit 1) as col
    from api_tables t;
grant select on api_probe_columns to anon, authenticated, service_role;

-- ---------------------------------------------------------------- the catalogue itself (32 checks)
select ok(to_regclass(format('public.%I', name)) is not null, format('public.%s should exist', name))
  from api_tables order by name;

-- ---------------------------------------------------------------- service_role (32 + 22*3 + 9 checks)
select tests.authenticate_as_service_role();
select lives_ok(format('select * from public.%I limit 0', name), format('service_role should read %s', name))
  from api_tables order by name;
select lives_ok(format('insert into public.%1$I (%2$I) select %2$I from public.%1$I where false', name, col),
                format('service_role should insert into %s', name))
  from api_probe_columns where service_writes order by name;
select lives_ok(format('update public.%1$I set %2$I = %2$I where false', name, col),
                format('service_role should update %s', name))
  from api_probe_columns where service_writes order by name;
select lives_ok(format('delete from public.%I where false', name), format('service_role should delete from %s', name))
  from api_probe_columns where service_writes order by name;
select throws_ok(format('insert into public.%1$I (%2$I) select %2$I from public.%1$I where false', name, col), '42501', null,
                 format('service_role should not insert into %s (SQL functions only)', name))
  from api_probe_columns where service_writes is false order by name;
select tests.clear_authentication();

-- ---------------------------------------------------------------- anon (32 checks)
select tests.authenticate_as_anon();
select lives_ok(format('select * from public.%I limit 0', name), format('anon should read the catalogue table %s', name))
  from api_tables where anon_reads order by name;
select throws_ok(format('select * from public.%I limit 0', name), '42501', null, format('anon should not read %s', name))
  from api_tables where not anon_reads order by name;
select tests.clear_authentication();

-- ---------------------------------------------------------------- authenticated (2 checks)
select tests.authenticate_as(tests.create_user('grants-api-roles@example.test'));
select throws_ok('truncate public.profiles', '42501', null, 'authenticated should not truncate profiles');
select throws_ok('truncate public.site_content', '42501', null, 'authenticated should not truncate site_content');
select tests.clear_authentication();

-- ---------------------------------------------------------------- every API role, every table (3 checks)
select is(
  (select count(*)::int from pg_class c, aclexplode(c.relacl) a
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
      and a.grantee in ('anon'::regrole, 'authenticated'::regrole, 'service_role'::regrole)
      and a.privilege_type in ('TRUNCATE', 'REFERENCES', 'TRIGGER')),
  0, 'no API role should hold TRUNCATE, REFERENCES or TRIGGER on a table in public');
select is(
  (select count(*)::int from pg_class c, aclexplode(c.relacl) a
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
      and a.grantee = 'anon'::regrole and a.privilege_type <> 'SELECT'),
  0, 'anon should write no table in public');
select is(
  (select count(*)::int from pg_class c, aclexplode(c.relacl) a
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'S'
      and a.grantee in ('anon'::regrole, 'authenticated'::regrole, 'service_role'::regrole)),
  0, 'no API role should hold a sequence in public (ledgers are numbered by their functions)');

-- ---------------------------------------------------------------- postgres, the owner (64 checks)
-- (live writes would meet the ledgers' statement triggers, which refuse every update and delete)
select lives_ok(format('select * from public.%I limit 0', name), format('postgres should read %s', name))
  from api_tables order by name;
select ok(has_table_privilege('postgres', format('public.%I', name), 'select, insert, update, delete'),
          format('postgres should hold every DML privilege on %s', name))
  from api_tables order by name;

select * from finish();
rollback;
