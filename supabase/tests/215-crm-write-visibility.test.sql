-- CRM writes reach only rows their writer can read: for every crm_* table (and the writable account
-- tables), an UPDATE or DELETE with no filter, as a member who sees only some rows, changes exactly
-- the rows that member can see; inserts for an invisible client are refused; a row never points at
-- another client's records; and deleting a client or client package never cascades into payment
-- records its deleter could not delete directly.
--
-- Extra people (besides tests.crm_fixture()'s), all members of account A:
--   restricted_manager   manage_payments + manage_packages, no view_all_clients; closer of client_a1
--   client_manager       manage_all_clients (so view_all_clients), nothing about payments or packages
--   package_manager      view_all_clients + manage_packages, nothing about payments
-- Account A: clients client_a1 (assigned) and client_a2 (not), each with a client package, a
-- payment, an instalment and a Stripe link; client_a3 has nothing. Account B holds the same for client_b1.
begin;
select plan(37);
select tests.crm_fixture();

select tests.crm_user('restricted_manager');
select tests.crm_user('client_manager');
select tests.crm_user('package_manager');
insert into public.account_members (account_id, user_id, role, permissions, full_name, email) values
  (tests.crm_id('account_a'), tests.crm_id('restricted_manager'), 'member', '{manage_payments,manage_packages}', 'Restricted', 'restricted@crm-fixture.test'),
  (tests.crm_id('account_a'), tests.crm_id('client_manager'), 'member', '{manage_all_clients}', 'Client Manager', 'client-manager@crm-fixture.test'),
  (tests.crm_id('account_a'), tests.crm_id('package_manager'), 'member', '{view_all_clients,manage_packages}', 'Package Manager', 'package-manager@crm-fixture.test');
update public.crm_clients set closer_id = tests.crm_id('restricted_manager') where id = tests.crm_id('client_a1');
insert into public.crm_clients (id, account_id, first_name) values (tests.crm_id('client_a3'), tests.crm_id('account_a'), 'Nora');
-- Instalments of client_a2 and client_b1 hang off their client packages too, so a package delete reaches them.
update public.crm_instalments set client_package_id = tests.crm_id('client_package_a2') where id = tests.crm_id('instalment_a2');
update public.crm_instalments set client_package_id = tests.crm_id('client_package_b1') where id = tests.crm_id('instalment_b1');

-- Unfiltered writes touch only what the writer sees.
select is(tests.try_as(actor, statement), expected, description)
from (values
  -- crm_clients
  ('restricted_manager', $q$update public.crm_clients set notes = 'x'$q$, 'rows:0', 'an unfiltered client update without manage_all_clients should change no client'),
  ('restricted_manager', $q$delete from public.crm_clients$q$, 'rows:0', 'an unfiltered client delete without manage_all_clients should delete no client'),
  ('member_with', $q$update public.crm_clients set notes = 'x'$q$, 'rows:3', 'an unfiltered client update should change the 3 clients of the writer''s account only'),
  ('client_manager', $q$update public.crm_clients set notes = 'x'$q$, 'rows:3', 'an unfiltered client update by a client manager should change account A''s 3 clients only'),
  -- crm_packages (the catalogue: every member reads it, owners and admins write it)
  ('admin', $q$update public.crm_packages set description = 'x'$q$, 'rows:2', 'an unfiltered package update should change the writer''s account''s 2 packages only'),
  ('restricted_manager', $q$update public.crm_packages set description = 'x'$q$, 'rows:0', 'an unfiltered package update by a plain member should change nothing'),
  ('restricted_manager', $q$delete from public.crm_packages$q$, 'rows:0', 'an unfiltered package delete by a plain member should delete nothing'),
  -- crm_client_packages
  ('restricted_manager', $q$update public.crm_client_packages set custom_price = 0$q$, 'rows:1', 'an unfiltered client package update should change only the visible client''s package'),
  ('restricted_manager', $q$delete from public.crm_client_packages$q$, 'rows:1', 'an unfiltered client package delete should delete only the visible client''s package'),
  ('member_with', $q$update public.crm_client_packages set custom_price = 0$q$, 'rows:2', 'an unfiltered client package update with view_all_clients should stay in its account'),
  -- crm_payments
  ('restricted_manager', $q$update public.crm_payments set status = 'refunded'$q$, 'rows:1', 'an unfiltered payment update should refund only the visible client''s payment'),
  ('restricted_manager', $q$delete from public.crm_payments$q$, 'rows:1', 'an unfiltered payment delete should delete only the visible client''s payment'),
  ('member_with', $q$update public.crm_payments set status = 'refunded'$q$, 'rows:2', 'an unfiltered payment update with view_all_clients should stay in its account'),
  ('payments_viewer', $q$update public.crm_payments set status = 'refunded'$q$, 'rows:0', 'an unfiltered payment update with only view_payments should change nothing'),
  -- crm_instalments
  ('restricted_manager', $q$update public.crm_instalments set status = 'closed'$q$, 'rows:1', 'an unfiltered instalment update should change only the visible client''s instalment'),
  ('restricted_manager', $q$delete from public.crm_instalments$q$, 'rows:1', 'an unfiltered instalment delete should delete only the visible client''s instalment'),
  ('member_with', $q$delete from public.crm_instalments$q$, 'rows:2', 'an unfiltered instalment delete with view_all_clients should stay in its account'),
  -- crm_stripe_customers
  ('restricted_manager', $q$update public.crm_stripe_customers set status = 'inactive'$q$, 'rows:1', 'an unfiltered Stripe link update should change only the visible client''s link'),
  ('restricted_manager', $q$delete from public.crm_stripe_customers$q$, 'rows:1', 'an unfiltered Stripe link delete should delete only the visible client''s link'),
  ('member_with', $q$delete from public.crm_stripe_customers$q$, 'rows:2', 'an unfiltered Stripe link delete with view_all_clients should stay in its account'),
  -- accounts and members (already scoped; checked the same way)
  ('owner', $q$update public.accounts set contact_name = 'x'$q$, 'rows:1', 'an unfiltered account update should change the owner''s own account only'),
  ('member_without', $q$update public.account_members set job_title = 'x'$q$, 'rows:1', 'an unfiltered member update by a plain member should change only its own membership')
) as matrix (actor, statement, expected, description);

-- Inserts for a client the writer cannot see, and links to another client's records.
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('restricted_manager', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a2, 1, 'USD')$q$, 'error:42501', 'a payment for a client the writer cannot see should be refused'),
  ('restricted_manager', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a1, 1, 'USD')$q$, 'rows:1', 'a payment for the writer''s own client should be recorded'),
  ('restricted_manager', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a2, 5, 1, 'USD', current_date)$q$, 'error:42501', 'an instalment for a client the writer cannot see should be refused'),
  ('restricted_manager', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id, status) values (:account_a, :client_a2, 'cus_probe', 'inactive')$q$, 'error:42501', 'a Stripe link for a client the writer cannot see should be refused'),
  ('restricted_manager', $q$insert into public.crm_client_packages (account_id, client_id, package_id) values (:account_a, :client_a2, :package_a)$q$, 'error:42501', 'a client package for a client the writer cannot see should be refused'),
  ('restricted_manager', $q$update public.crm_instalments set payment_id = :payment_a2 where id = :instalment_a1$q$, 'error:23503', 'a visible instalment should not be settled by another client''s payment'),
  ('restricted_manager', $q$update public.crm_payments set client_package_id = :client_package_a2 where id = :payment_a1$q$, 'error:23503', 'a visible payment should not point at another client''s package'),
  ('owner', $q$insert into public.crm_instalments (account_id, client_id, client_package_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a1, :client_package_a2, 7, 1, 'USD', current_date)$q$, 'error:23503', 'an instalment should not belong to another client''s package')
) as matrix (actor, statement, expected, description);

-- Cascades never destroy money records their deleter could not delete directly.
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('client_manager', $q$delete from public.crm_clients where id = :client_a2$q$, 'error:forbidden', 'a member without manage_payments should not delete a client with payments'),
  ('client_manager', $q$delete from public.crm_clients$q$, 'error:forbidden', 'an unfiltered client delete without manage_payments should delete nothing when a client has payments'),
  ('client_manager', $q$delete from public.crm_clients where id = :client_a3$q$, 'rows:1', 'a member with manage_all_clients should delete a client without payment records'),
  ('member_with', $q$delete from public.crm_clients where id = :client_a2$q$, 'rows:1', 'a member with manage_payments and manage_packages should delete a client with its records'),
  ('owner', $q$delete from public.crm_clients$q$, 'rows:3', 'the owner should delete every client of the account with its records'),
  ('package_manager', $q$delete from public.crm_client_packages where id = :client_package_a2$q$, 'error:forbidden', 'a member without manage_payments should not delete a client package with instalments and payments')
) as matrix (actor, statement, expected, description);

-- Deleting a client package without records needs only manage_packages.
insert into public.crm_client_packages (id, account_id, client_id, package_id)
  values (tests.crm_id('client_package_a3'), tests.crm_id('account_a'), tests.crm_id('client_a2'), tests.crm_id('package_a_spare'));
select is(tests.try_as('package_manager', $q$delete from public.crm_client_packages where id = :client_package_a3$q$), 'rows:1',
  'a member with manage_packages should delete a client package without payment records');

select * from finish();
rollback;
