-- redeem_voucher: every rule and edge case (expiry at the boundary, the last use, inactive type and
-- voucher, wrong service, someone else's code, gift vouchers, malformed codes, idempotent retries),
-- and that a refused redemption writes nothing.
begin;
select plan(33);

create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to authenticated;
insert into people values
  ('owner', tests.create_user('vred-owner@example.test')),
  ('other', tests.create_user('vred-other@example.test'));

insert into public.voucher_types (id, name, service_type, price_amount, max_uses, validity_days, redeemable_by_code_holder) values
  ('41000000-0000-4000-8000-000000000001', 'Two uses', 'exam_results', 1000, 2, 30, false),
  ('41000000-0000-4000-8000-000000000002', 'Gift', 'school_application', 2500, 1, 30, true),
  ('41000000-0000-4000-8000-000000000003', 'Retired later', 'exam_results', 1000, 1, 30, false);

create temporary table v (name text primary key, code text) on commit drop;
grant select on v to authenticated;
insert into v select 'two', code from private.issue_voucher((select id from people where name = 'owner'), '41000000-0000-4000-8000-000000000001');
insert into v select 'gift', code from private.issue_voucher((select id from people where name = 'owner'), '41000000-0000-4000-8000-000000000002');
insert into v select 'retired', code from private.issue_voucher((select id from people where name = 'owner'), '41000000-0000-4000-8000-000000000003');
insert into v select 'boundary', code from private.issue_voucher((select id from people where name = 'owner'), '41000000-0000-4000-8000-000000000001');
insert into v select 'almost', code from private.issue_voucher((select id from people where name = 'owner'), '41000000-0000-4000-8000-000000000001');
insert into v select 'off', code from private.issue_voucher((select id from people where name = 'owner'), '41000000-0000-4000-8000-000000000001');
-- now() is the transaction's start, so "expires exactly now" is an exact boundary.
update public.vouchers set purchased_at = now() - interval '30 days', expires_at = now() where code = (select code from v where name = 'boundary');
update public.vouchers set purchased_at = now() - interval '30 days', expires_at = now() + interval '1 second' where code = (select code from v where name = 'almost');
update public.voucher_types set is_active = false where id = '41000000-0000-4000-8000-000000000003';
update public.vouchers set is_active = false where code = (select code from v where name = 'off');

select ok((select bool_and(code ~ '^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$') from v), 'issued codes should be 16 Crockford characters in four groups');
select is((select count(distinct code)::int from v), 6, 'issued codes should all differ');

select tests.authenticate_as((select id from people where name = 'owner'));

-- the happy path, then the last use
select is((select uses_remaining from public.redeem_voucher((select code from v where name = 'two'), 'exam_results', '{"candidate":"A1"}')), 1,
  'a redemption should use one of the voucher''s uses');
select is((select uses_remaining from public.redeem_voucher(lower(replace((select code from v where name = 'two'), '-', ' ')), 'exam_results')), 0,
  'the last use should succeed, whatever the case and separators of the typed code');
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'two'), 'exam_results') $$,
  '%"code": "voucher_exhausted"%', 'a voucher with no uses left should be voucher_exhausted');
select is((select count(*)::int from public.voucher_redemptions r join public.vouchers x on x.id = r.voucher_id where x.code = (select code from v where name = 'two')), 2,
  'exactly two redemptions should be recorded for a two-use voucher');
select is((select count(*)::int from public.voucher_redemptions r join public.vouchers x on x.id = r.voucher_id
            where x.code = (select code from v where name = 'two') and r.details = '{"candidate":"A1"}'::jsonb), 1,
  'the details of a redemption should be kept');

-- expiry at the boundary
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'boundary'), 'exam_results') $$,
  '%"code": "voucher_expired"%', 'a voucher whose expiry is exactly now should be voucher_expired');
select is((select uses_remaining from public.redeem_voucher((select code from v where name = 'almost'), 'exam_results')), 1,
  'a voucher expiring one second from now should still redeem');

-- inactive type, inactive voucher
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'retired'), 'exam_results') $$,
  '%"code": "voucher_inactive"%', 'a voucher of a deactivated type should be voucher_inactive');
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'off'), 'exam_results') $$,
  '%"code": "voucher_inactive"%', 'a deactivated voucher should be voucher_inactive');

-- service type
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'almost'), 'school_application') $$,
  '%"code": "wrong_service_type"%', 'a voucher should not redeem for another service type');

-- malformed and unknown codes
select throws_like($$ select * from public.redeem_voucher('not a code', 'exam_results') $$, '%"code": "invalid_voucher_code"%',
  'a malformed code should be invalid_voucher_code');
select throws_like($$ select * from public.redeem_voucher(repeat('A', 10000), 'exam_results') $$, '%"code": "invalid_voucher_code"%',
  'an oversized code should be invalid_voucher_code');
select throws_like($$ select * from public.redeem_voucher('ZZZZ-ZZZZ-ZZZZ-ZZZZ', 'exam_results') $$, '%"code": "voucher_not_found"%',
  'a well-formed code nobody holds should be voucher_not_found');
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'almost'), 'Not A Service') $$, '%"code": "validation_failed"%',
  'a malformed service type should be validation_failed');
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'almost'), 'exam_results', '[1,2]') $$, '%"code": "validation_failed"%',
  'details that are not an object should be validation_failed');
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'almost'), 'exam_results', jsonb_build_object('x', repeat('y', 5000))) $$,
  '%"code": "validation_failed"%', 'details over 4 kB should be validation_failed');

-- idempotent retries
select is((select replayed from public.redeem_voucher((select code from v where name = 'gift'), 'school_application', '{}', 'retry-1')), false,
  'a first redemption with a key should not be a replay');
select is((select replayed from public.redeem_voucher((select code from v where name = 'gift'), 'school_application', '{}', 'retry-1')), true,
  'the same key again should replay the first redemption');
select is((select uses_remaining from public.vouchers where code = (select code from v where name = 'gift')), 0,
  'a replay should not use the voucher again');
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'almost'), 'exam_results', '{}', 'retry-1') $$,
  '%"code": "idempotency_key_reused"%', 'the same key for another voucher should be idempotency_key_reused');

select tests.clear_authentication();

-- someone else's code
insert into v select 'gift2', code from private.issue_voucher((select id from people where name = 'owner'), '41000000-0000-4000-8000-000000000002');
insert into v select 'mine', code from private.issue_voucher((select id from people where name = 'owner'), '41000000-0000-4000-8000-000000000001');
select tests.authenticate_as((select id from people where name = 'other'));
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'mine'), 'exam_results') $$,
  '%"code": "voucher_not_found"%', 'another user''s code should be voucher_not_found, not revealing it exists');
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'boundary'), 'exam_results') $$,
  '%"code": "voucher_not_found"%', 'another user''s expired code should be voucher_not_found too');
select throws_like($$ select * from public.redeem_voucher((select code from v where name = 'two'), 'exam_results') $$,
  '%"code": "voucher_not_found"%', 'another user''s used-up code should be voucher_not_found too');
select is((select uses_remaining from public.redeem_voucher((select code from v where name = 'gift2'), 'school_application')), 0,
  'anyone holding the code of a gift voucher should redeem it');
select is((select count(*)::int from public.voucher_redemptions), 1,
  'the gift''s redeemer should see their own redemption');
select is((select count(*)::int from public.vouchers), 0, 'the gift''s redeemer should still not see the owner''s voucher');
select is((select voucher_code from public.voucher_by_code((select code from v where name = 'gift2'))), (select code from v where name = 'gift2'),
  'voucher_by_code should show a gift voucher to whoever holds its code');
select tests.clear_authentication();

select is((select uses_remaining from public.vouchers where code = (select code from v where name = 'mine')), 2,
  'refused attempts should not have used the voucher');
select is((select count(*)::int from public.voucher_redemptions r join public.vouchers x on x.id = r.voucher_id
            where x.code in (select code from v where name in ('boundary', 'retired', 'off', 'mine'))), 0,
  'refused attempts should record no redemption');
select is((select voucher_owner_id from public.voucher_redemptions where redeemed_by = (select id from people where name = 'other')),
  (select id from people where name = 'owner'), 'a gift redemption should be visible to the owner as well');
select is((select sum(total_uses - uses_remaining)::int from public.vouchers where owner_id = (select id from people where name = 'owner')),
  (select count(*)::int from public.voucher_redemptions where voucher_owner_id = (select id from people where name = 'owner')),
  'uses taken should equal redemptions recorded');

select * from finish();
rollback;
