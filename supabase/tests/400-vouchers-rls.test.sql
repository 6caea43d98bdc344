-- Vouchers: structure, privileges and RLS on voucher_types, vouchers and voucher_redemptions for anon,
-- the voucher's owner, another user and an admin (select / insert / update / delete each).
begin;
select plan(46);

-- ----------------------------------------------------------------------------- structure
select has_table('public', 'voucher_types', 'voucher_types should exist');
select has_table('public', 'vouchers', 'vouchers should exist');
select has_table('public', 'voucher_redemptions', 'voucher_redemptions should exist');
select ok((select bool_and(c.relrowsecurity) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relname in ('voucher_types', 'vouchers', 'voucher_redemptions')),
  'RLS should be enabled on every voucher table');
select ok(not has_function_privilege('anon', 'public.redeem_voucher(text, text, jsonb, text)', 'execute'),
  'anon should not be able to execute redeem_voucher');
select ok(has_function_privilege('authenticated', 'public.redeem_voucher(text, text, jsonb, text)', 'execute'),
  'authenticated should be able to execute redeem_voucher');
select ok(not has_function_privilege('authenticated', 'private.issue_voucher(uuid, uuid, uuid, uuid)', 'execute'),
  'authenticated should not be able to issue vouchers directly');
select ok(not has_table_privilege('authenticated', 'public.vouchers', 'update'),
  'nobody should update vouchers through the API (only SQL functions do)');

-- ----------------------------------------------------------------------------- fixtures
create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to anon, authenticated;
insert into people values
  ('owner', tests.create_user('vrls-owner@example.test')),
  ('other', tests.create_user('vrls-other@example.test')),
  ('admin', tests.create_user('vrls-admin@example.test', '{}', '{"role":"admin"}'));

insert into public.voucher_types (id, name, service_type, price_amount, max_uses, is_active) values
  ('40000000-0000-4000-8000-000000000001', 'RLS active', 'exam_results', 1000, 2, true),
  ('40000000-0000-4000-8000-000000000002', 'RLS inactive', 'exam_results', 1000, 1, false),
  ('40000000-0000-4000-8000-000000000003', 'RLS unused', 'exam_results', 1000, 1, true);
select private.issue_voucher((select id from people where name = 'owner'), '40000000-0000-4000-8000-000000000001');
create temporary table fixture on commit drop as
  select v.id as voucher_id, v.code from public.vouchers v where v.owner_id = (select id from people where name = 'owner');
grant select on fixture to anon, authenticated;

select tests.authenticate_as((select id from people where name = 'owner'));
select lives_ok($$ select * from public.redeem_voucher((select code from fixture), 'exam_results') $$, 'the owner should redeem their voucher once');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- anon
select tests.authenticate_as_anon();
select is((select count(*)::int from public.voucher_types where id::text like '40000000-%'), 2,
  'anon should see the active voucher types only');
select throws_ok($$ insert into public.voucher_types (name, service_type, price_amount) values ('x', 'x', 1) $$, '42501', null,
  'anon should not create voucher types');
select throws_ok($$ select count(*) from public.vouchers $$, '42501', null, 'anon should not read vouchers at all');
select throws_ok($$ select count(*) from public.voucher_redemptions $$, '42501', null, 'anon should not read redemptions at all');
select throws_ok($$ select * from public.redeem_voucher('AAAA-AAAA-AAAA-AAAA', 'exam_results') $$, '42501', null,
  'anon should not redeem');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- owner
select tests.authenticate_as((select id from people where name = 'owner'));
select is((select count(*)::int from public.voucher_types where id::text like '40000000-%'), 2,
  'a user should see the active voucher types only');
select throws_ok($$ insert into public.voucher_types (name, service_type, price_amount) values ('mine', 'exam_results', 1) $$,
  '42501', null, 'a user should not create voucher types');
with changed as (update public.voucher_types set price_amount = 1 where id = '40000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 0,
  'a user should not change a voucher type''s price');
with changed as (delete from public.voucher_types where id = '40000000-0000-4000-8000-000000000003' returning 1)
select is((select count(*)::int from changed), 0,
  'a user should not delete voucher types');
select is((select count(*)::int from public.vouchers), 1, 'the owner should see their voucher');
select is((select code from public.vouchers), (select code from fixture), 'the owner should see their voucher''s code');
select throws_ok($$ insert into public.vouchers (code, owner_id, voucher_type_id, expires_at, uses_remaining, total_uses)
                   values ('AAAA-AAAA-AAAA-AAAA', auth.uid(), '40000000-0000-4000-8000-000000000001', now() + interval '1 day', 9, 9) $$,
  '42501', null, 'the owner should not mint vouchers');
select throws_ok($$ update public.vouchers set uses_remaining = 99 $$, '42501', null, 'the owner should not top up uses');
select throws_ok($$ delete from public.vouchers $$, '42501', null, 'the owner should not delete vouchers');
select is((select count(*)::int from public.voucher_redemptions), 1, 'the owner should see the redemptions of their voucher');
select throws_ok($$ insert into public.voucher_redemptions (voucher_id, voucher_owner_id, service_type)
                   values ((select voucher_id from fixture), auth.uid(), 'exam_results') $$,
  '42501', null, 'the owner should not write redemptions directly');
select throws_ok($$ delete from public.voucher_redemptions $$, '42501', null, 'the owner should not erase usage history');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- another user
select tests.authenticate_as((select id from people where name = 'other'));
select is((select count(*)::int from public.vouchers), 0, 'another user should see no vouchers of others');
select is((select count(*)::int from public.vouchers where code = (select code from fixture)), 0,
  'another user should not find a voucher by its code through the table');
select is((select count(*)::int from public.voucher_redemptions), 0, 'another user should see no redemptions of others');
select throws_ok($$ update public.vouchers set owner_id = auth.uid() $$, '42501', null, 'another user should not take a voucher over');
select throws_like($$ select * from public.voucher_by_code((select code from fixture)) $$, '%"code": "voucher_not_found"%',
  'voucher_by_code should answer voucher_not_found to another user');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- admin
select tests.authenticate_as((select id from people where name = 'admin'));
select is((select count(*)::int from public.voucher_types where id::text like '40000000-%'), 3, 'an admin should see every voucher type');
select lives_ok($$ insert into public.voucher_types (id, name, service_type, price_amount) values ('40000000-0000-4000-8000-000000000009', 'Admin made', 'document_verification', 1500) $$,
  'an admin should create a voucher type');
with changed as (update public.voucher_types set price_amount = 1200 where id = '40000000-0000-4000-8000-000000000001' returning 1)
select is((select count(*)::int from changed), 1,
  'an admin should change a voucher type');
select throws_ok($$ delete from public.voucher_types where id = '40000000-0000-4000-8000-000000000001' $$, '23503', null,
  'a voucher type somebody bought should not be deletable, even by an admin');
with changed as (delete from public.voucher_types where id = '40000000-0000-4000-8000-000000000003' returning 1)
select is((select count(*)::int from changed), 1,
  'an admin should delete an unused voucher type');
select is((select count(*)::int from public.vouchers where owner_id = (select id from people where name = 'owner')), 1,
  'an admin should see every voucher');
select is((select count(*)::int from public.voucher_redemptions where voucher_owner_id = (select id from people where name = 'owner')), 1,
  'an admin should see every redemption');
select throws_ok($$ update public.vouchers set uses_remaining = 2 $$, '42501', null, 'even an admin should change vouchers only through functions');
select is((select uses_remaining from public.grant_voucher((select id from people where name = 'other'), '40000000-0000-4000-8000-000000000001')), 2,
  'an admin should grant a voucher with the type''s uses');
select throws_like($$ select * from public.grant_voucher((select id from people where name = 'other'), '40000000-0000-4000-8000-000000000002') $$,
  '%"code": "voucher_type_inactive"%', 'an admin should not grant a voucher of an inactive type');
select is((select is_active from public.deactivate_voucher((select voucher_id from fixture), 'fraud')), false,
  'an admin should deactivate a voucher');
select is((select voucher_code from public.voucher_by_code((select code from fixture))), (select code from fixture),
  'voucher_by_code should show any voucher to an admin');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- admin-only functions
select tests.authenticate_as((select id from people where name = 'other'));
select throws_like($$ select * from public.grant_voucher(auth.uid(), '40000000-0000-4000-8000-000000000001') $$, '%"code": "forbidden"%',
  'a user should not grant themselves a voucher');
select throws_like($$ select * from public.deactivate_voucher((select voucher_id from fixture)) $$, '%"code": "forbidden"%',
  'a user should not deactivate vouchers');
select tests.clear_authentication();
select is((select count(*)::int from public.vouchers where owner_id = (select id from people where name = 'other')), 1,
  'only the admin''s grant should have given the other user a voucher');

select * from finish();
rollback;
