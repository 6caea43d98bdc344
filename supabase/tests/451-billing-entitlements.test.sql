-- Billing entitlements in the database: an account's seat limit (adding or reactivating a member past
-- it is 422 seat_limit_reached for every writer), gated features (CRM statistics, member batches: 403
-- feature_not_in_plan), the past_due grace period, the end of a plan, and accounts that never subscribed.
begin;
select plan(20);

create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to anon, authenticated;
insert into people values
  ('owner', tests.create_user('bent-owner@example.test')),
  ('m1', tests.create_user('bent-m1@example.test')),
  ('m2', tests.create_user('bent-m2@example.test')),
  ('m3', tests.create_user('bent-m3@example.test')),
  ('outsider', tests.create_user('bent-outsider@example.test'));
insert into public.accounts (id, name, slug, status) values ('45100000-0000-4000-8000-000000000001', 'Entitled', 'billing-ent-a', 'active');
insert into public.account_members (account_id, user_id, role, full_name) values
  ('45100000-0000-4000-8000-000000000001', (select id from people where name = 'owner'), 'owner', 'Owner');

-- A business product with two seats and CRM statistics only.
select private.billing_apply_product(null, 'product.created',
  '{"id":"prod_bentTwo","name":"Two seats","active":true,"updated":10,"metadata":{"plan_kind":"business","seat_limit":"2","features":"crm_statistics"}}');
select private.billing_apply_price(null, 'price.created', 10,
  '{"id":"price_bentTwo","product":"prod_bentTwo","active":true,"currency":"usd","unit_amount":1000,"recurring":{"interval":"month","interval_count":1}}');
create function pg_temp.state(status text, created bigint, event text) returns text language sql as $$
  select outcome from private.billing_apply_subscription(event, 'customer.subscription.updated', extract(epoch from now())::bigint - 1000 + created,
    jsonb_build_object('id', 'sub_bent', 'customer', 'cus_bent', 'status', status, 'metadata', '{"account_id":"45100000-0000-4000-8000-000000000001"}'::jsonb,
      'items', jsonb_build_object('data', jsonb_build_array(jsonb_build_object('price', '{"id":"price_bentTwo"}'::jsonb,
        'current_period_start', 100, 'current_period_end', extract(epoch from now() + interval '20 days')::bigint)))))
$$;

-- ----------------------------------------------------------------------------- never subscribed
select is((select metered from private.account_entitlements('45100000-0000-4000-8000-000000000001')), false,
  'an account that never subscribed should not be metered while plans are not required');
update private.billing_settings set require_plan_for_accounts = true;
select is((select seat_limit from private.account_entitlements('45100000-0000-4000-8000-000000000001')), 1,
  'with plans required, an account without one should get the free tier''s seats');
select throws_ok($$ insert into public.account_members (account_id, user_id, role, full_name) values ('45100000-0000-4000-8000-000000000001', (select id from people where name = 'm1'), 'member', 'M1') $$,
  'PGRST', null, 'with plans required, a second member should need a plan');
update private.billing_settings set require_plan_for_accounts = false;

-- ----------------------------------------------------------------------------- active plan: seats
select is(pg_temp.state('active', 200, 'evt_bent_1'), 'subscription_active', 'the plan should start');
select lives_ok($$ insert into public.account_members (account_id, user_id, role, full_name) values ('45100000-0000-4000-8000-000000000001', (select id from people where name = 'm1'), 'member', 'M1') $$,
  'the second seat should be taken');
select throws_ok($$ insert into public.account_members (account_id, user_id, role, full_name) values ('45100000-0000-4000-8000-000000000001', (select id from people where name = 'm2'), 'member', 'M2') $$,
  'PGRST', '{"code" : "seat_limit_reached", "message" : "The account''s plan has 2 seat(s), all taken", "details" : "seat_limit", "hint" : "Upgrade the plan or deactivate a member first."}',
  'a third member should be refused with seat_limit_reached');
select lives_ok($$ insert into public.account_members (account_id, user_id, role, full_name, is_active) values ('45100000-0000-4000-8000-000000000001', (select id from people where name = 'm2'), 'member', 'M2', false) $$,
  'an inactive member takes no seat');
select throws_ok($$ update public.account_members set is_active = true where user_id = (select id from people where name = 'm2') $$,
  'PGRST', null, 'reactivating a member past the limit should be refused');
select lives_ok($$ update public.account_members set full_name = 'M1 renamed' where user_id = (select id from people where name = 'm1') $$,
  'other changes of a member should not count seats');

-- ----------------------------------------------------------------------------- features
select tests.authenticate_as((select id from people where name = 'owner'));
select lives_ok($$ select * from public.crm_client_statistics('45100000-0000-4000-8000-000000000001') $$, 'CRM statistics should be in the plan');
select throws_ok($$ select private.require_account_feature('45100000-0000-4000-8000-000000000001', 'batches') $$, 'PGRST', null,
  'batches should not be in the plan');
select tests.clear_authentication();
select throws_ok($$ insert into public.member_batches (account_id, name, requested_count) values ('45100000-0000-4000-8000-000000000001', 'Intake', 1) $$,
  'PGRST', null, 'a member batch should be refused by the database without the batches feature');
select tests.authenticate_as((select id from people where name = 'outsider'));
select lives_ok($$ select * from public.crm_client_statistics('45100000-0000-4000-8000-000000000001') $$,
  'an outsider should learn nothing about the plan (zeros, as before)');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- past_due and the grace period
select is(pg_temp.state('past_due', 300, 'evt_bent_2'), 'subscription_past_due', 'a failed payment should make the plan past_due');
select is((select has_access from private.account_entitlements('45100000-0000-4000-8000-000000000001')), true,
  'past_due should keep access during the grace period');
update private.billing_settings set grace_days = 0;
select is((select has_access from private.account_entitlements('45100000-0000-4000-8000-000000000001')), false,
  'past_due after the grace period should lose access');
select is((select features from private.account_entitlements('45100000-0000-4000-8000-000000000001')), '{}'::text[],
  'without access the plan''s features should be gone');
update private.billing_settings set grace_days = 7;
select is(pg_temp.state('active', 400, 'evt_bent_3'), 'subscription_active', 'paying should recover the plan');

-- ----------------------------------------------------------------------------- the end of a plan
select is(pg_temp.state('canceled', 500, 'evt_bent_4'), 'subscription_canceled', 'the plan should end');
select is((select (has_access, seat_limit) from private.account_entitlements('45100000-0000-4000-8000-000000000001')), (false, 1),
  'an ended plan should leave the free tier: no access, one seat');

select * from finish();
rollback;
