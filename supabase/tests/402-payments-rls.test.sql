-- Payments: structure, privileges and RLS on payments, stripe_customers, points_packages and
-- points_debts for anon, the payer, another user and an admin (select / insert / update / delete).
begin;
select plan(33);

-- ----------------------------------------------------------------------------- structure
select has_table('public', 'payments', 'payments should exist');
select has_table('private', 'stripe_events', 'the webhook event log should live in the private schema');
select enum_has_labels('public', 'payment_status', array['pending', 'completed', 'failed', 'refunded', 'disputed'],
  'payment_status should be pending | completed | failed | refunded | disputed');
select ok((select bool_and(c.relrowsecurity) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relname in ('payments', 'stripe_customers', 'points_packages', 'points_debts')),
  'RLS should be enabled on every payments table');
select ok(not has_function_privilege('authenticated', 'private.complete_payment(uuid, text, integer, text, text, text)', 'execute'),
  'users should not be able to complete payments themselves');
select ok(not has_function_privilege('authenticated', 'private.create_payment(uuid, uuid, uuid, text)', 'execute'),
  'users should not create payment rows directly (the payments function does)');
select ok(not has_table_privilege('authenticated', 'private.stripe_events', 'select'), 'users should not read the webhook event log');

-- ----------------------------------------------------------------------------- fixtures
create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to anon, authenticated;
insert into people values
  ('payer', tests.create_user('prls-payer@example.test')),
  ('other', tests.create_user('prls-other@example.test')),
  ('admin', tests.create_user('prls-admin@example.test', '{}', '{"role":"admin"}'));
insert into public.points_packages (id, name, points, price_amount, is_active) values
  ('42000000-0000-4000-8000-000000000001', 'RLS pack', 100, 1000, true),
  ('42000000-0000-4000-8000-000000000002', 'RLS old pack', 50, 600, false);
insert into public.stripe_customers (user_id, stripe_customer_id) values ((select id from people where name = 'payer'), 'cus_rlsPayer');
select private.create_payment((select id from people where name = 'payer'), null, '42000000-0000-4000-8000-000000000001', 'rls-1');
insert into public.points_debts (user_id, payment_id, points)
  select user_id, id, 10 from public.payments where user_id = (select id from people where name = 'payer');

-- ----------------------------------------------------------------------------- anon
select tests.authenticate_as_anon();
select is((select count(*)::int from public.points_packages where id::text like '42000000-%'), 1, 'anon should see the active points packages only');
select throws_ok($$ select count(*) from public.payments $$, '42501', null, 'anon should not read payments');
select throws_ok($$ select count(*) from public.stripe_customers $$, '42501', null, 'anon should not read Stripe customers');
select throws_ok($$ select count(*) from public.points_debts $$, '42501', null, 'anon should not read debts');
select throws_ok($$ update public.points_packages set price_amount = 1 $$, '42501', null, 'anon should not change prices');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- payer
select tests.authenticate_as((select id from people where name = 'payer'));
select is((select count(*)::int from public.payments), 1, 'the payer should see their payment');
select is((select amount from public.payments), 1000, 'the payment should carry the package''s price');
select is((select count(*)::int from public.stripe_customers), 1, 'the payer should see their Stripe customer link');
select is((select count(*)::int from public.points_debts), 1, 'the payer should see their debt');
select is((select count(*)::int from public.points_packages where id::text like '42000000-%'), 1, 'a user should see active packages only');
select throws_ok($$ insert into public.payments (user_id, purpose, points_package_id, points, description, amount, currency, idempotency_key)
                   values (auth.uid(), 'points', '42000000-0000-4000-8000-000000000001', 100000, 'free points', 1, 'usd', 'x') $$,
  '42501', null, 'the payer should not write payments');
select throws_ok($$ update public.payments set status = 'completed' $$, '42501', null, 'the payer should not mark their payment completed');
select throws_ok($$ delete from public.payments $$, '42501', null, 'the payer should not delete payments');
select throws_ok($$ update public.points_debts set settled_points = points $$, '42501', null, 'the payer should not wipe their debt');
select throws_ok($$ insert into public.stripe_customers (user_id, stripe_customer_id) values (auth.uid(), 'cus_other') $$, '42501', null,
  'the payer should not relink their Stripe customer');
select throws_ok($$ insert into public.points_packages (name, points, price_amount) values ('cheap', 1000000, 1) $$, '42501', null,
  'a user should not create points packages');
with changed as (update public.points_packages set price_amount = 1 where id = '42000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0, 'a user should not change a package''s price');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- another user
select tests.authenticate_as((select id from people where name = 'other'));
select is((select count(*)::int from public.payments), 0, 'another user should see no payments of others');
select is((select count(*)::int from public.stripe_customers), 0, 'another user should see no Stripe customers of others');
select is((select count(*)::int from public.points_debts), 0, 'another user should see no debts of others');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- admin
select tests.authenticate_as((select id from people where name = 'admin'));
select is((select count(*)::int from public.payments where user_id = (select id from people where name = 'payer')), 1, 'an admin should see every payment');
select is((select count(*)::int from public.stripe_customers where user_id = (select id from people where name = 'payer')), 1, 'an admin should see every Stripe customer');
select is((select count(*)::int from public.points_debts where user_id = (select id from people where name = 'payer')), 1, 'an admin should see every debt');
select is((select count(*)::int from public.points_packages where id::text like '42000000-%'), 2, 'an admin should see every package');
with changed as (update public.points_packages set is_active = true where id = '42000000-0000-4000-8000-000000000002' returning 1)
select is((select count(*)::int from changed), 1, 'an admin should manage packages');
select throws_ok($$ update public.payments set amount = 1 $$, '42501', null, 'even an admin should not edit payments (Stripe drives them)');
select tests.clear_authentication();

select * from finish();
rollback;
