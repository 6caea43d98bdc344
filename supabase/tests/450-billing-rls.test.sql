-- Billing: RLS and privileges on billing_products, billing_prices, billing_subscriptions and
-- billing_allowance_credits for anon, the subscriber, another user, an account's owner, its member,
-- another tenant's owner and a platform admin; subscriptions and credits written only by the webhook's
-- functions (once per event, never back to an older state).
begin;
select plan(46);

-- ----------------------------------------------------------------------------- structure
select ok((select bool_and(c.relrowsecurity) from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relname in ('billing_products', 'billing_prices', 'billing_subscriptions', 'billing_allowance_credits')),
  'RLS should be enabled on every billing table');
select ok(not has_function_privilege('authenticated', 'private.billing_apply_subscription(text, text, bigint, jsonb)', 'execute'),
  'users should not apply subscription events themselves');
select ok(not has_function_privilege('authenticated', 'private.billing_apply_invoice(text, text, bigint, jsonb)', 'execute'),
  'users should not apply invoice events (allowance credits) themselves');
select ok(not has_table_privilege('authenticated', 'private.billing_account_customers', 'select'), 'users should not read accounts'' Stripe customers');
select enum_has_labels('public', 'wallet_entry_kind', array['purchase', 'spend', 'refund', 'admin_adjustment', 'voucher', 'earning', 'payout', 'subscription_allowance'],
  'the wallet ledger should have a kind of its own for subscription allowances');

-- ----------------------------------------------------------------------------- fixtures
create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to anon, authenticated;
insert into people values
  ('subscriber', tests.create_user('brls-subscriber@example.test')),
  ('other', tests.create_user('brls-other@example.test')),
  ('owner', tests.create_user('brls-owner@example.test')),
  ('member', tests.create_user('brls-member@example.test')),
  ('tenant', tests.create_user('brls-tenant@example.test')),
  ('admin', tests.create_user('brls-admin@example.test', '{}', '{"role":"admin"}'));
create temporary table ids (name text primary key, id uuid) on commit drop;
grant select on ids to anon, authenticated;
insert into public.accounts (id, name, slug, status) values
  ('45000000-0000-4000-8000-000000000001', 'Billing A', 'billing-rls-a', 'active'),
  ('45000000-0000-4000-8000-000000000002', 'Billing B', 'billing-rls-b', 'active');
insert into public.account_members (account_id, user_id, role, full_name) values
  ('45000000-0000-4000-8000-000000000001', (select id from people where name = 'owner'), 'owner', 'Owner'),
  ('45000000-0000-4000-8000-000000000001', (select id from people where name = 'member'), 'member', 'Member'),
  ('45000000-0000-4000-8000-000000000002', (select id from people where name = 'tenant'), 'owner', 'Tenant');

create function pg_temp.sub(id text, subscriber jsonb, price text, status text, created bigint, period bigint)
returns jsonb language sql as $$
  select jsonb_build_object('id', id, 'object', 'subscription', 'customer', 'cus_brls', 'status', status, 'metadata', subscriber,
    'cancel_at_period_end', false,
    'items', jsonb_build_object('data', jsonb_build_array(jsonb_build_object('id', 'si_1', 'price', jsonb_build_object('id', price),
      'current_period_start', period, 'current_period_end', period + 2592000))))
$$;
create function pg_temp.invoice(id text, sub text, subscriber jsonb, price text, reason text, amount int, period bigint)
returns jsonb language sql as $$
  select jsonb_build_object('id', id, 'object', 'invoice', 'billing_reason', reason, 'amount_paid', amount,
    'parent', jsonb_build_object('subscription_details', jsonb_build_object('subscription', sub, 'metadata', subscriber)),
    'lines', jsonb_build_object('data', jsonb_build_array(jsonb_build_object('period', jsonb_build_object('start', period, 'end', period + 2592000),
      'pricing', jsonb_build_object('price_details', jsonb_build_object('price', price)),
      'parent', jsonb_build_object('subscription_item_details', jsonb_build_object('proration', false))))))
$$;

select is((select outcome from private.billing_apply_subscription('evt_brls_1', 'customer.subscription.created', 1000,
  pg_temp.sub('sub_brlsUser', jsonb_build_object('user_id', (select id from people where name = 'subscriber')), 'price_user_starter_monthly', 'active', 1000, 1000))),
  'subscription_active', 'a user''s subscription should be mirrored from its event');
select is((select outcome from private.billing_apply_subscription('evt_brls_2', 'customer.subscription.created', 1000,
  pg_temp.sub('sub_brlsAcct', '{"account_id":"45000000-0000-4000-8000-000000000001"}', 'price_business_team_monthly', 'active', 1000, 1000))),
  'subscription_active', 'an account''s subscription should be mirrored from its event');
select is((select outcome from private.billing_apply_invoice('evt_brls_3', 'invoice.paid', 1001,
  pg_temp.invoice('in_brls1', 'sub_brlsUser', jsonb_build_object('user_id', (select id from people where name = 'subscriber')), 'price_user_starter_monthly', 'subscription_create', 499, 1000))),
  'allowance_credited', 'a paid invoice of a user plan should credit the allowance');
select is((select outcome from private.billing_apply_invoice('evt_brls_3b', 'invoice.paid', 1002,
  pg_temp.invoice('in_brls1', 'sub_brlsUser', jsonb_build_object('user_id', (select id from people where name = 'subscriber')), 'price_user_starter_monthly', 'subscription_create', 499, 1000))),
  'invoice_paid', 'the same invoice under another event id should credit nothing more');
select is((select outcome from private.billing_apply_invoice('evt_brls_3', 'invoice.paid', 1001, '{}'::jsonb)),
  'duplicate', 'a repeated event id should do nothing');
select is((select balance from public.wallets where user_id = (select id from people where name = 'subscriber')), 500,
  'the allowance should be credited once');
select is((select outcome from private.billing_apply_subscription('evt_brls_4', 'customer.subscription.updated', 999,
  pg_temp.sub('sub_brlsUser', jsonb_build_object('user_id', (select id from people where name = 'subscriber')), 'price_user_starter_monthly', 'incomplete', 999, 1000))),
  'stale', 'an older state arriving late should change nothing');
select is((select status::text from public.billing_subscriptions where id = 'sub_brlsUser'), 'active', 'the subscription should stay active');
select is((select outcome from private.billing_apply_subscription('evt_brls_5', 'customer.subscription.updated', 1005,
  pg_temp.sub('sub_brlsUser', jsonb_build_object('user_id', (select id from people where name = 'other')), 'price_user_starter_monthly', 'canceled', 1005, 1000))),
  'stale', 'an event naming another subscriber should not move the subscription to them');
select is((select outcome from private.billing_apply_subscription('evt_brls_6', 'customer.subscription.created', 1000,
  pg_temp.sub('sub_brlsNobody', '{}', 'price_user_starter_monthly', 'active', 1000, 1000))),
  'not_ours', 'a subscription without a subscriber in its metadata should not be mirrored');

-- ----------------------------------------------------------------------------- anon
select tests.authenticate_as_anon();
select ok((select count(*) from public.billing_prices where id like 'price_user_%') = 2, 'anon should read the plan catalogue');
select throws_ok($$ select count(*) from public.billing_subscriptions $$, '42501', null, 'anon should not read subscriptions');
select throws_ok($$ select count(*) from public.billing_allowance_credits $$, '42501', null, 'anon should not read allowance credits');
select throws_ok($$ update public.billing_prices set unit_amount = 1 $$, '42501', null, 'anon should not change prices');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- the subscriber
select tests.authenticate_as((select id from people where name = 'subscriber'));
select is((select array_agg(id order by id) from public.billing_subscriptions), array['sub_brlsUser'], 'the subscriber should see their subscription only');
select is((select count(*)::int from public.billing_allowance_credits), 1, 'the subscriber should see their allowance credit');
select throws_ok($$ insert into public.billing_subscriptions (id, user_id, stripe_customer_id, price_id, status, order_ended, order_period, order_created, order_rank)
                   values ('sub_mine', auth.uid(), 'cus_x', 'price_user_plus_monthly', 'active', false, 0, 0, 2) $$, '42501', null,
  'the subscriber should not write subscriptions');
select throws_ok($$ update public.billing_subscriptions set status = 'active' $$, '42501', null, 'the subscriber should not change their subscription');
select throws_ok($$ insert into public.billing_allowance_credits (invoice_id, user_id, subscription_id, price_id, points, ledger_entry_id)
                   values ('in_free', auth.uid(), 'sub_brlsUser', 'price_user_starter_monthly', 100000, 0) $$, '42501', null,
  'the subscriber should not credit themselves');
select throws_ok($$ insert into public.billing_products (id, name, active, stripe_updated) values ('prod_mine', 'Mine', true, 0) $$, '42501', null,
  'the subscriber should not add plans');
select throws_ok($$ select private.billing_apply_invoice('evt_x', 'invoice.paid', 1, '{}') $$, '42501', null,
  'the subscriber should not call the webhook''s functions');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- another user
select tests.authenticate_as((select id from people where name = 'other'));
select is((select count(*)::int from public.billing_subscriptions), 0, 'another user should see no subscription');
select is((select count(*)::int from public.billing_allowance_credits), 0, 'another user should see no allowance credit');
select throws_ok($$ select * from public.billing_entitlements('45000000-0000-4000-8000-000000000001') $$, 'PGRST', null,
  'another user should not read an account''s entitlements');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- the account's owner
select tests.authenticate_as((select id from people where name = 'owner'));
select is((select array_agg(id order by id) from public.billing_subscriptions), array['sub_brlsAcct'], 'the owner should see the account''s subscription');
select is((select count(*)::int from public.billing_allowance_credits), 0, 'the owner should see no one else''s credits');
select is((select seat_limit from public.billing_entitlements('45000000-0000-4000-8000-000000000001')), 5, 'the owner should read the plan''s seat limit');
select throws_ok($$ delete from public.billing_subscriptions $$, '42501', null, 'the owner should not delete the subscription');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- a member
select tests.authenticate_as((select id from people where name = 'member'));
select is((select count(*)::int from public.billing_subscriptions), 0, 'a plain member should not read the subscription record');
select is((select features from public.billing_entitlements('45000000-0000-4000-8000-000000000001')), array['crm_statistics'],
  'a member should read what the plan gives');
select is((select seats_used from public.billing_entitlements('45000000-0000-4000-8000-000000000001')), 2, 'a member should see the seats used');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- another tenant
select tests.authenticate_as((select id from people where name = 'tenant'));
select is((select count(*)::int from public.billing_subscriptions), 0, 'another tenant should see no subscription');
select throws_ok($$ select * from public.billing_entitlements('45000000-0000-4000-8000-000000000001') $$, 'PGRST', null,
  'another tenant should not read the account''s entitlements');
select is((select metered from public.billing_entitlements('45000000-0000-4000-8000-000000000002')), false,
  'an account that never subscribed should not be metered (plans not required)');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- platform admin
select tests.authenticate_as((select id from people where name = 'admin'));
select is((select count(*)::int from public.billing_subscriptions where id like 'sub_brls%'), 2, 'an admin should see every subscription');
select is((select count(*)::int from public.billing_allowance_credits where invoice_id = 'in_brls1'), 1, 'an admin should see every allowance credit');
select throws_ok($$ update public.billing_subscriptions set status = 'canceled' $$, '42501', null, 'even an admin should not change a subscription');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------- any writer
select throws_ok($$ update public.billing_subscriptions set status = 'active', order_rank = 9 where id = 'sub_brlsAcct' $$, '42501', null,
  'the table owner should not change a subscription outside the webhook''s functions');
select throws_ok($$ delete from public.billing_allowance_credits $$, '42501', null, 'allowance credits should never be deleted');
select throws_ok($$ select private.post_wallet_entry((select id from people where name = 'other'), 1000, 'subscription_allowance', 'subscription_invoice') $$,
  '42501', null, 'an allowance entry should be written only for a paid invoice');
select is((select count(*)::int from public.wallet_ledger where kind = 'subscription_allowance' and user_id = (select id from people where name = 'subscriber')), 1,
  'the subscriber''s ledger should hold exactly one allowance entry');

select * from finish();
rollback;
