-- CRM statistics (counted under the caller's RLS, scoped to one account) and the database's answer
-- to bad input: invalid statuses, negative amounts, a coach from another account, malformed fields.
begin;
select plan(30);
select tests.crm_fixture();

-- Client counts by status
select tests.authenticate_as(tests.crm_id('owner'));
select results_eq(format('select * from public.crm_client_statistics(%L)', tests.crm_id('account_a')),
  $$values (2::bigint, 1::bigint, 0::bigint, 1::bigint, 0::bigint, 0::bigint)$$, 'the owner should count every client of the account by status');
select results_eq(format('select total from public.crm_client_statistics(%L)', tests.crm_id('account_b')),
  $$values (0::bigint)$$, 'the owner should count nothing in another account');
select tests.clear_authentication();
select tests.authenticate_as(tests.crm_id('member_without'));
select results_eq(format('select total, active from public.crm_client_statistics(%L)', tests.crm_id('account_a')),
  $$values (1::bigint, 1::bigint)$$, 'a member with "my clients" should count only their clients');
select tests.clear_authentication();
select is(tests.try_as('anon', $q$select * from public.crm_client_statistics(:account_a)$q$), 'error:42501', 'anon should not call the client statistics');

-- Payment totals by status and currency
select tests.authenticate_as(tests.crm_id('owner'));
select results_eq(format('select status::text, currency, payments, total_amount from public.crm_payment_statistics(%L)', tests.crm_id('account_a')),
  $$values ('paid', 'usd', 1::bigint, 7500::bigint), ('failed', 'usd', 1::bigint, 99900::bigint)$$,
  'the owner should get payment counts and totals (minor units) by status and lower-case currency');
select results_eq(format('select count(*)::int from public.crm_payment_statistics(%L, "from" => (current_date + 1)::timestamptz)', tests.crm_id('account_a')),
  $$values (0)$$, 'a range starting after the payments should count none');
select results_eq(format('select count(*)::int from public.crm_payment_statistics(%L, "to" => current_date::timestamptz)', tests.crm_id('account_a')),
  $$values (0)$$, 'the range''s end is exclusive: payments dated that day are not counted');
select results_eq(format('select sum(payments)::int from public.crm_payment_statistics(%L, "from" => current_date::timestamptz, "to" => (current_date + 1)::timestamptz)', tests.crm_id('account_a')),
  $$values (2)$$, 'the range''s start is inclusive: payments dated that day are counted');
select tests.clear_authentication();
select tests.authenticate_as(tests.crm_id('payments_viewer'));
select results_eq(format('select status::text, total_amount from public.crm_payment_statistics(%L)', tests.crm_id('account_a')),
  $$values ('paid', 7500::bigint)$$, 'a payments viewer with "my clients" should total only their clients'' payments');
select tests.clear_authentication();
select tests.authenticate_as(tests.crm_id('member_without'));
select is((select count(*)::int from public.crm_payment_statistics(tests.crm_id('account_a'))), 0, 'a member without view_payments should total nothing');
select tests.clear_authentication();
select tests.authenticate_as(tests.crm_id('other'));
select is((select count(*)::int from public.crm_payment_statistics(tests.crm_id('account_a'))), 0, 'another account should total nothing in A');
select tests.clear_authentication();

-- Bad input: nothing is written, the error names the problem
select is(tests.try_as('owner', $q$insert into public.crm_clients (account_id, first_name, status) values (:account_a, 'X', 'sleeping')$q$),
  'error:22P02', 'an invalid client status should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_clients (account_id, first_name, coach_id) values (:account_a, 'X', :other)$q$),
  'error:invalid_assignee', 'a coach from another account should be refused');
select is(tests.try_as('owner', $q$update public.crm_clients set closer_id = :other where id = :client_a2$q$),
  'error:invalid_assignee', 'a closer from another account should be refused on update');
select tests.clear_authentication();
update public.account_members set is_active = false where user_id = tests.crm_id('member_with');
select is(tests.try_as('owner', $q$update public.crm_clients set setter_id = :member_with where id = :client_a2$q$),
  'error:invalid_assignee', 'a deactivated member should not be assigned');
select is(tests.try_as('owner', $q$update public.crm_clients set notes = 'kept' where id = :client_a1$q$),
  'rows:1', 'an existing assignment should not block other edits');
select is(tests.try_as('owner', $q$insert into public.crm_clients (account_id, first_name, email) values (:account_a, 'X', 'not-an-email')$q$),
  'error:23514', 'a malformed client e-mail should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_clients (account_id, first_name, country, currency) values (:account_a, 'X', 'usa', 'usd')$q$),
  'error:23514', 'a malformed country should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_clients (account_id, first_name, currency) values (:account_a, 'X', 'us')$q$),
  'error:23514', 'a malformed currency should be refused');
select col_type_is('public', 'crm_payments', 'amount', 'bigint', 'payment amounts should be whole minor units');
select is(tests.try_as('owner', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, '  ')$q$),
  'error:23514', 'a blank first name should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a1, -5, 'USD')$q$),
  'error:23514', 'a negative payment amount should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_payments (account_id, client_id, amount, currency, status) values (:account_a, :client_a1, 5, 'USD', 'pending')$q$),
  'error:22P02', 'an invalid payment status should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_client_packages (account_id, client_id, package_id, custom_price) values (:account_a, :client_a1, :package_a, -1)$q$),
  'error:23514', 'a negative custom price should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_client_packages (account_id, client_id, package_id, payment_schedule) values (:account_a, :client_a1, :package_a, 'Weekly')$q$),
  'error:22P02', 'an unknown payment schedule should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a1, 0, 5, 'USD', current_date)$q$),
  'error:23514', 'instalment number 0 should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date, status) values (:account_a, :client_a1, 2, 5, 'USD', current_date, 'late')$q$),
  'error:22P02', 'an invalid instalment status should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_instalments (account_id, client_id, client_package_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a1, :client_package_a1, 1, 5, 'USD', current_date)$q$),
  'error:23505', 'an instalment number should be unique per client package');
select is(tests.try_as('owner', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id) values (:account_a, :client_a2, 'acct_123')$q$),
  'error:23514', 'a Stripe customer id should look like cus_…');
select is((select count(*)::int from public.crm_clients where first_name = 'X'), 0, 'no refused row should have been written');

select * from finish();
rollback;
