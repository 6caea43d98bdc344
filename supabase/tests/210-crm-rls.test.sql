-- Row-level security of every CRM table, as a matrix: each table × owner / admin / member with the
-- permission / member without / member with only view_payments / another account's owner / platform
-- admin / anon × select, insert, update, delete. tests.try_as runs each statement as that person and
-- rolls it back, so every cell is independent. Expectations (README "Who may do what"):
-- - clients and client packages: read with view_all_clients or when assigned ("my clients");
-- - packages: read by every active member, written by owners and admins only;
-- - payments, instalments, Stripe links: read with view_payments and the client; written with manage_payments;
-- - another account's people and platform admins see and change nothing; anon is refused outright.
begin;
select plan(204);
select tests.crm_fixture();

-- crm_clients
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('owner', $q$select 1 from public.crm_clients where account_id = :account_a$q$, 'rows:2', 'the owner should see 2 crm_clients rows of account A'),
  ('admin', $q$select 1 from public.crm_clients where account_id = :account_a$q$, 'rows:2', 'an admin should see 2 crm_clients rows of account A'),
  ('member_with', $q$select 1 from public.crm_clients where account_id = :account_a$q$, 'rows:2', 'a member with the permission should see 2 crm_clients rows of account A'),
  ('member_without', $q$select 1 from public.crm_clients where account_id = :account_a$q$, 'rows:1', 'a member without permissions should see 1 crm_clients row of account A'),
  ('payments_viewer', $q$select 1 from public.crm_clients where account_id = :account_a$q$, 'rows:1', 'a member with only view_payments should see 1 crm_clients row of account A'),
  ('other', $q$select 1 from public.crm_clients where account_id = :account_a$q$, 'rows:0', 'another account''s owner should see 0 crm_clients rows of account A'),
  ('platform_admin', $q$select 1 from public.crm_clients where account_id = :account_a$q$, 'rows:0', 'a platform admin should see 0 crm_clients rows of account A'),
  ('anon', $q$select 1 from public.crm_clients where account_id = :account_a$q$, 'error:42501', 'anon should be refused reading crm_clients'),
  ('owner', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, 'New')$q$, 'rows:1', 'the owner should insert crm_clients in account A'),
  ('admin', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, 'New')$q$, 'rows:1', 'an admin should insert crm_clients in account A'),
  ('member_with', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, 'New')$q$, 'rows:1', 'a member with the permission should insert crm_clients in account A'),
  ('member_without', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, 'New')$q$, 'error:42501', 'a member without permissions should be refused inserting into crm_clients'),
  ('payments_viewer', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, 'New')$q$, 'error:42501', 'a member with only view_payments should be refused inserting into crm_clients'),
  ('other', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, 'New')$q$, 'error:42501', 'another account''s owner should be refused inserting into crm_clients'),
  ('platform_admin', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, 'New')$q$, 'error:42501', 'a platform admin should be refused inserting into crm_clients'),
  ('anon', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, 'New')$q$, 'error:42501', 'anon should be refused inserting into crm_clients'),
  ('owner', $q$update public.crm_clients set notes = 'seen' where id = :client_a1$q$, 'rows:1', 'the owner should update crm_clients in account A'),
  ('admin', $q$update public.crm_clients set notes = 'seen' where id = :client_a1$q$, 'rows:1', 'an admin should update crm_clients in account A'),
  ('member_with', $q$update public.crm_clients set notes = 'seen' where id = :client_a1$q$, 'rows:1', 'a member with the permission should update crm_clients in account A'),
  ('member_without', $q$update public.crm_clients set notes = 'seen' where id = :client_a1$q$, 'rows:0', 'a member without permissions should update no row of crm_clients in account A'),
  ('payments_viewer', $q$update public.crm_clients set notes = 'seen' where id = :client_a1$q$, 'rows:0', 'a member with only view_payments should update no row of crm_clients in account A'),
  ('other', $q$update public.crm_clients set notes = 'seen' where id = :client_a1$q$, 'rows:0', 'another account''s owner should update no row of crm_clients in account A'),
  ('platform_admin', $q$update public.crm_clients set notes = 'seen' where id = :client_a1$q$, 'rows:0', 'a platform admin should update no row of crm_clients in account A'),
  ('anon', $q$update public.crm_clients set notes = 'seen' where id = :client_a1$q$, 'error:42501', 'anon should be refused updating crm_clients'),
  ('owner', $q$delete from public.crm_clients where id = :client_a1$q$, 'rows:1', 'the owner should delete crm_clients in account A'),
  ('admin', $q$delete from public.crm_clients where id = :client_a1$q$, 'rows:1', 'an admin should delete crm_clients in account A'),
  ('member_with', $q$delete from public.crm_clients where id = :client_a1$q$, 'rows:1', 'a member with the permission should delete crm_clients in account A'),
  ('member_without', $q$delete from public.crm_clients where id = :client_a1$q$, 'rows:0', 'a member without permissions should delete no row of crm_clients in account A'),
  ('payments_viewer', $q$delete from public.crm_clients where id = :client_a1$q$, 'rows:0', 'a member with only view_payments should delete no row of crm_clients in account A'),
  ('other', $q$delete from public.crm_clients where id = :client_a1$q$, 'rows:0', 'another account''s owner should delete no row of crm_clients in account A'),
  ('platform_admin', $q$delete from public.crm_clients where id = :client_a1$q$, 'rows:0', 'a platform admin should delete no row of crm_clients in account A'),
  ('anon', $q$delete from public.crm_clients where id = :client_a1$q$, 'error:42501', 'anon should be refused deleting crm_clients')
) as matrix (actor, statement, expected, description);

-- crm_packages
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('owner', $q$select 1 from public.crm_packages where account_id = :account_a$q$, 'rows:2', 'the owner should see 2 crm_packages rows of account A'),
  ('admin', $q$select 1 from public.crm_packages where account_id = :account_a$q$, 'rows:2', 'an admin should see 2 crm_packages rows of account A'),
  ('member_with', $q$select 1 from public.crm_packages where account_id = :account_a$q$, 'rows:2', 'a member with the permission should see 2 crm_packages rows of account A'),
  ('member_without', $q$select 1 from public.crm_packages where account_id = :account_a$q$, 'rows:2', 'a member without permissions should see 2 crm_packages rows of account A'),
  ('payments_viewer', $q$select 1 from public.crm_packages where account_id = :account_a$q$, 'rows:2', 'a member with only view_payments should see 2 crm_packages rows of account A'),
  ('other', $q$select 1 from public.crm_packages where account_id = :account_a$q$, 'rows:0', 'another account''s owner should see 0 crm_packages rows of account A'),
  ('platform_admin', $q$select 1 from public.crm_packages where account_id = :account_a$q$, 'rows:0', 'a platform admin should see 0 crm_packages rows of account A'),
  ('anon', $q$select 1 from public.crm_packages where account_id = :account_a$q$, 'error:42501', 'anon should be refused reading crm_packages'),
  ('owner', $q$insert into public.crm_packages (account_id, name) values (:account_a, 'Gold')$q$, 'rows:1', 'the owner should insert crm_packages in account A'),
  ('admin', $q$insert into public.crm_packages (account_id, name) values (:account_a, 'Gold')$q$, 'rows:1', 'an admin should insert crm_packages in account A'),
  ('member_with', $q$insert into public.crm_packages (account_id, name) values (:account_a, 'Gold')$q$, 'error:42501', 'a member with the permission should be refused inserting into crm_packages'),
  ('member_without', $q$insert into public.crm_packages (account_id, name) values (:account_a, 'Gold')$q$, 'error:42501', 'a member without permissions should be refused inserting into crm_packages'),
  ('payments_viewer', $q$insert into public.crm_packages (account_id, name) values (:account_a, 'Gold')$q$, 'error:42501', 'a member with only view_payments should be refused inserting into crm_packages'),
  ('other', $q$insert into public.crm_packages (account_id, name) values (:account_a, 'Gold')$q$, 'error:42501', 'another account''s owner should be refused inserting into crm_packages'),
  ('platform_admin', $q$insert into public.crm_packages (account_id, name) values (:account_a, 'Gold')$q$, 'error:42501', 'a platform admin should be refused inserting into crm_packages'),
  ('anon', $q$insert into public.crm_packages (account_id, name) values (:account_a, 'Gold')$q$, 'error:42501', 'anon should be refused inserting into crm_packages'),
  ('owner', $q$update public.crm_packages set description = 'new' where id = :package_a$q$, 'rows:1', 'the owner should update crm_packages in account A'),
  ('admin', $q$update public.crm_packages set description = 'new' where id = :package_a$q$, 'rows:1', 'an admin should update crm_packages in account A'),
  ('member_with', $q$update public.crm_packages set description = 'new' where id = :package_a$q$, 'rows:0', 'a member with the permission should update no row of crm_packages in account A'),
  ('member_without', $q$update public.crm_packages set description = 'new' where id = :package_a$q$, 'rows:0', 'a member without permissions should update no row of crm_packages in account A'),
  ('payments_viewer', $q$update public.crm_packages set description = 'new' where id = :package_a$q$, 'rows:0', 'a member with only view_payments should update no row of crm_packages in account A'),
  ('other', $q$update public.crm_packages set description = 'new' where id = :package_a$q$, 'rows:0', 'another account''s owner should update no row of crm_packages in account A'),
  ('platform_admin', $q$update public.crm_packages set description = 'new' where id = :package_a$q$, 'rows:0', 'a platform admin should update no row of crm_packages in account A'),
  ('anon', $q$update public.crm_packages set description = 'new' where id = :package_a$q$, 'error:42501', 'anon should be refused updating crm_packages'),
  ('owner', $q$delete from public.crm_packages where id = :package_a_spare$q$, 'rows:1', 'the owner should delete crm_packages in account A'),
  ('admin', $q$delete from public.crm_packages where id = :package_a_spare$q$, 'rows:1', 'an admin should delete crm_packages in account A'),
  ('member_with', $q$delete from public.crm_packages where id = :package_a_spare$q$, 'rows:0', 'a member with the permission should delete no row of crm_packages in account A'),
  ('member_without', $q$delete from public.crm_packages where id = :package_a_spare$q$, 'rows:0', 'a member without permissions should delete no row of crm_packages in account A'),
  ('payments_viewer', $q$delete from public.crm_packages where id = :package_a_spare$q$, 'rows:0', 'a member with only view_payments should delete no row of crm_packages in account A'),
  ('other', $q$delete from public.crm_packages where id = :package_a_spare$q$, 'rows:0', 'another account''s owner should delete no row of crm_packages in account A'),
  ('platform_admin', $q$delete from public.crm_packages where id = :package_a_spare$q$, 'rows:0', 'a platform admin should delete no row of crm_packages in account A'),
  ('anon', $q$delete from public.crm_packages where id = :package_a_spare$q$, 'error:42501', 'anon should be refused deleting crm_packages')
) as matrix (actor, statement, expected, description);

-- crm_client_packages
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('owner', $q$select 1 from public.crm_client_packages where account_id = :account_a$q$, 'rows:2', 'the owner should see 2 crm_client_packages rows of account A'),
  ('admin', $q$select 1 from public.crm_client_packages where account_id = :account_a$q$, 'rows:2', 'an admin should see 2 crm_client_packages rows of account A'),
  ('member_with', $q$select 1 from public.crm_client_packages where account_id = :account_a$q$, 'rows:2', 'a member with the permission should see 2 crm_client_packages rows of account A'),
  ('member_without', $q$select 1 from public.crm_client_packages where account_id = :account_a$q$, 'rows:1', 'a member without permissions should see 1 crm_client_packages row of account A'),
  ('payments_viewer', $q$select 1 from public.crm_client_packages where account_id = :account_a$q$, 'rows:1', 'a member with only view_payments should see 1 crm_client_packages row of account A'),
  ('other', $q$select 1 from public.crm_client_packages where account_id = :account_a$q$, 'rows:0', 'another account''s owner should see 0 crm_client_packages rows of account A'),
  ('platform_admin', $q$select 1 from public.crm_client_packages where account_id = :account_a$q$, 'rows:0', 'a platform admin should see 0 crm_client_packages rows of account A'),
  ('anon', $q$select 1 from public.crm_client_packages where account_id = :account_a$q$, 'error:42501', 'anon should be refused reading crm_client_packages'),
  ('owner', $q$insert into public.crm_client_packages (account_id, client_id, package_id) values (:account_a, :client_a2, :package_a)$q$, 'rows:1', 'the owner should insert crm_client_packages in account A'),
  ('admin', $q$insert into public.crm_client_packages (account_id, client_id, package_id) values (:account_a, :client_a2, :package_a)$q$, 'rows:1', 'an admin should insert crm_client_packages in account A'),
  ('member_with', $q$insert into public.crm_client_packages (account_id, client_id, package_id) values (:account_a, :client_a2, :package_a)$q$, 'rows:1', 'a member with the permission should insert crm_client_packages in account A'),
  ('member_without', $q$insert into public.crm_client_packages (account_id, client_id, package_id) values (:account_a, :client_a2, :package_a)$q$, 'error:42501', 'a member without permissions should be refused inserting into crm_client_packages'),
  ('payments_viewer', $q$insert into public.crm_client_packages (account_id, client_id, package_id) values (:account_a, :client_a2, :package_a)$q$, 'error:42501', 'a member with only view_payments should be refused inserting into crm_client_packages'),
  ('other', $q$insert into public.crm_client_packages (account_id, client_id, package_id) values (:account_a, :client_a2, :package_a)$q$, 'error:42501', 'another account''s owner should be refused inserting into crm_client_packages'),
  ('platform_admin', $q$insert into public.crm_client_packages (account_id, client_id, package_id) values (:account_a, :client_a2, :package_a)$q$, 'error:42501', 'a platform admin should be refused inserting into crm_client_packages'),
  ('anon', $q$insert into public.crm_client_packages (account_id, client_id, package_id) values (:account_a, :client_a2, :package_a)$q$, 'error:42501', 'anon should be refused inserting into crm_client_packages'),
  ('owner', $q$update public.crm_client_packages set status = 'inactive' where id = :client_package_a1$q$, 'rows:1', 'the owner should update crm_client_packages in account A'),
  ('admin', $q$update public.crm_client_packages set status = 'inactive' where id = :client_package_a1$q$, 'rows:1', 'an admin should update crm_client_packages in account A'),
  ('member_with', $q$update public.crm_client_packages set status = 'inactive' where id = :client_package_a1$q$, 'rows:1', 'a member with the permission should update crm_client_packages in account A'),
  ('member_without', $q$update public.crm_client_packages set status = 'inactive' where id = :client_package_a1$q$, 'rows:0', 'a member without permissions should update no row of crm_client_packages in account A'),
  ('payments_viewer', $q$update public.crm_client_packages set status = 'inactive' where id = :client_package_a1$q$, 'rows:0', 'a member with only view_payments should update no row of crm_client_packages in account A'),
  ('other', $q$update public.crm_client_packages set status = 'inactive' where id = :client_package_a1$q$, 'rows:0', 'another account''s owner should update no row of crm_client_packages in account A'),
  ('platform_admin', $q$update public.crm_client_packages set status = 'inactive' where id = :client_package_a1$q$, 'rows:0', 'a platform admin should update no row of crm_client_packages in account A'),
  ('anon', $q$update public.crm_client_packages set status = 'inactive' where id = :client_package_a1$q$, 'error:42501', 'anon should be refused updating crm_client_packages'),
  ('owner', $q$delete from public.crm_client_packages where id = :client_package_a1$q$, 'rows:1', 'the owner should delete crm_client_packages in account A'),
  ('admin', $q$delete from public.crm_client_packages where id = :client_package_a1$q$, 'rows:1', 'an admin should delete crm_client_packages in account A'),
  ('member_with', $q$delete from public.crm_client_packages where id = :client_package_a1$q$, 'rows:1', 'a member with the permission should delete crm_client_packages in account A'),
  ('member_without', $q$delete from public.crm_client_packages where id = :client_package_a1$q$, 'rows:0', 'a member without permissions should delete no row of crm_client_packages in account A'),
  ('payments_viewer', $q$delete from public.crm_client_packages where id = :client_package_a1$q$, 'rows:0', 'a member with only view_payments should delete no row of crm_client_packages in account A'),
  ('other', $q$delete from public.crm_client_packages where id = :client_package_a1$q$, 'rows:0', 'another account''s owner should delete no row of crm_client_packages in account A'),
  ('platform_admin', $q$delete from public.crm_client_packages where id = :client_package_a1$q$, 'rows:0', 'a platform admin should delete no row of crm_client_packages in account A'),
  ('anon', $q$delete from public.crm_client_packages where id = :client_package_a1$q$, 'error:42501', 'anon should be refused deleting crm_client_packages')
) as matrix (actor, statement, expected, description);

-- crm_payments
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('owner', $q$select 1 from public.crm_payments where account_id = :account_a$q$, 'rows:2', 'the owner should see 2 crm_payments rows of account A'),
  ('admin', $q$select 1 from public.crm_payments where account_id = :account_a$q$, 'rows:2', 'an admin should see 2 crm_payments rows of account A'),
  ('member_with', $q$select 1 from public.crm_payments where account_id = :account_a$q$, 'rows:2', 'a member with the permission should see 2 crm_payments rows of account A'),
  ('member_without', $q$select 1 from public.crm_payments where account_id = :account_a$q$, 'rows:0', 'a member without permissions should see 0 crm_payments rows of account A'),
  ('payments_viewer', $q$select 1 from public.crm_payments where account_id = :account_a$q$, 'rows:1', 'a member with only view_payments should see 1 crm_payments row of account A'),
  ('other', $q$select 1 from public.crm_payments where account_id = :account_a$q$, 'rows:0', 'another account''s owner should see 0 crm_payments rows of account A'),
  ('platform_admin', $q$select 1 from public.crm_payments where account_id = :account_a$q$, 'rows:0', 'a platform admin should see 0 crm_payments rows of account A'),
  ('anon', $q$select 1 from public.crm_payments where account_id = :account_a$q$, 'error:42501', 'anon should be refused reading crm_payments'),
  ('owner', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a2, 10, 'USD')$q$, 'rows:1', 'the owner should insert crm_payments in account A'),
  ('admin', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a2, 10, 'USD')$q$, 'rows:1', 'an admin should insert crm_payments in account A'),
  ('member_with', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a2, 10, 'USD')$q$, 'rows:1', 'a member with the permission should insert crm_payments in account A'),
  ('member_without', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a2, 10, 'USD')$q$, 'error:42501', 'a member without permissions should be refused inserting into crm_payments'),
  ('payments_viewer', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a2, 10, 'USD')$q$, 'error:42501', 'a member with only view_payments should be refused inserting into crm_payments'),
  ('other', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a2, 10, 'USD')$q$, 'error:42501', 'another account''s owner should be refused inserting into crm_payments'),
  ('platform_admin', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a2, 10, 'USD')$q$, 'error:42501', 'a platform admin should be refused inserting into crm_payments'),
  ('anon', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a2, 10, 'USD')$q$, 'error:42501', 'anon should be refused inserting into crm_payments'),
  ('owner', $q$update public.crm_payments set status = 'refunded' where id = :payment_a1$q$, 'rows:1', 'the owner should update crm_payments in account A'),
  ('admin', $q$update public.crm_payments set status = 'refunded' where id = :payment_a1$q$, 'rows:1', 'an admin should update crm_payments in account A'),
  ('member_with', $q$update public.crm_payments set status = 'refunded' where id = :payment_a1$q$, 'rows:1', 'a member with the permission should update crm_payments in account A'),
  ('member_without', $q$update public.crm_payments set status = 'refunded' where id = :payment_a1$q$, 'rows:0', 'a member without permissions should update no row of crm_payments in account A'),
  ('payments_viewer', $q$update public.crm_payments set status = 'refunded' where id = :payment_a1$q$, 'rows:0', 'a member with only view_payments should update no row of crm_payments in account A'),
  ('other', $q$update public.crm_payments set status = 'refunded' where id = :payment_a1$q$, 'rows:0', 'another account''s owner should update no row of crm_payments in account A'),
  ('platform_admin', $q$update public.crm_payments set status = 'refunded' where id = :payment_a1$q$, 'rows:0', 'a platform admin should update no row of crm_payments in account A'),
  ('anon', $q$update public.crm_payments set status = 'refunded' where id = :payment_a1$q$, 'error:42501', 'anon should be refused updating crm_payments'),
  ('owner', $q$delete from public.crm_payments where id = :payment_a1$q$, 'rows:1', 'the owner should delete crm_payments in account A'),
  ('admin', $q$delete from public.crm_payments where id = :payment_a1$q$, 'rows:1', 'an admin should delete crm_payments in account A'),
  ('member_with', $q$delete from public.crm_payments where id = :payment_a1$q$, 'rows:1', 'a member with the permission should delete crm_payments in account A'),
  ('member_without', $q$delete from public.crm_payments where id = :payment_a1$q$, 'rows:0', 'a member without permissions should delete no row of crm_payments in account A'),
  ('payments_viewer', $q$delete from public.crm_payments where id = :payment_a1$q$, 'rows:0', 'a member with only view_payments should delete no row of crm_payments in account A'),
  ('other', $q$delete from public.crm_payments where id = :payment_a1$q$, 'rows:0', 'another account''s owner should delete no row of crm_payments in account A'),
  ('platform_admin', $q$delete from public.crm_payments where id = :payment_a1$q$, 'rows:0', 'a platform admin should delete no row of crm_payments in account A'),
  ('anon', $q$delete from public.crm_payments where id = :payment_a1$q$, 'error:42501', 'anon should be refused deleting crm_payments')
) as matrix (actor, statement, expected, description);

-- crm_instalments
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('owner', $q$select 1 from public.crm_instalments where account_id = :account_a$q$, 'rows:2', 'the owner should see 2 crm_instalments rows of account A'),
  ('admin', $q$select 1 from public.crm_instalments where account_id = :account_a$q$, 'rows:2', 'an admin should see 2 crm_instalments rows of account A'),
  ('member_with', $q$select 1 from public.crm_instalments where account_id = :account_a$q$, 'rows:2', 'a member with the permission should see 2 crm_instalments rows of account A'),
  ('member_without', $q$select 1 from public.crm_instalments where account_id = :account_a$q$, 'rows:0', 'a member without permissions should see 0 crm_instalments rows of account A'),
  ('payments_viewer', $q$select 1 from public.crm_instalments where account_id = :account_a$q$, 'rows:1', 'a member with only view_payments should see 1 crm_instalments row of account A'),
  ('other', $q$select 1 from public.crm_instalments where account_id = :account_a$q$, 'rows:0', 'another account''s owner should see 0 crm_instalments rows of account A'),
  ('platform_admin', $q$select 1 from public.crm_instalments where account_id = :account_a$q$, 'rows:0', 'a platform admin should see 0 crm_instalments rows of account A'),
  ('anon', $q$select 1 from public.crm_instalments where account_id = :account_a$q$, 'error:42501', 'anon should be refused reading crm_instalments'),
  ('owner', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a2, 2, 50, 'USD', current_date)$q$, 'rows:1', 'the owner should insert crm_instalments in account A'),
  ('admin', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a2, 2, 50, 'USD', current_date)$q$, 'rows:1', 'an admin should insert crm_instalments in account A'),
  ('member_with', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a2, 2, 50, 'USD', current_date)$q$, 'rows:1', 'a member with the permission should insert crm_instalments in account A'),
  ('member_without', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a2, 2, 50, 'USD', current_date)$q$, 'error:42501', 'a member without permissions should be refused inserting into crm_instalments'),
  ('payments_viewer', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a2, 2, 50, 'USD', current_date)$q$, 'error:42501', 'a member with only view_payments should be refused inserting into crm_instalments'),
  ('other', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a2, 2, 50, 'USD', current_date)$q$, 'error:42501', 'another account''s owner should be refused inserting into crm_instalments'),
  ('platform_admin', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a2, 2, 50, 'USD', current_date)$q$, 'error:42501', 'a platform admin should be refused inserting into crm_instalments'),
  ('anon', $q$insert into public.crm_instalments (account_id, client_id, instalment_number, amount, currency, schedule_date) values (:account_a, :client_a2, 2, 50, 'USD', current_date)$q$, 'error:42501', 'anon should be refused inserting into crm_instalments'),
  ('owner', $q$update public.crm_instalments set status = 'closed' where id = :instalment_a1$q$, 'rows:1', 'the owner should update crm_instalments in account A'),
  ('admin', $q$update public.crm_instalments set status = 'closed' where id = :instalment_a1$q$, 'rows:1', 'an admin should update crm_instalments in account A'),
  ('member_with', $q$update public.crm_instalments set status = 'closed' where id = :instalment_a1$q$, 'rows:1', 'a member with the permission should update crm_instalments in account A'),
  ('member_without', $q$update public.crm_instalments set status = 'closed' where id = :instalment_a1$q$, 'rows:0', 'a member without permissions should update no row of crm_instalments in account A'),
  ('payments_viewer', $q$update public.crm_instalments set status = 'closed' where id = :instalment_a1$q$, 'rows:0', 'a member with only view_payments should update no row of crm_instalments in account A'),
  ('other', $q$update public.crm_instalments set status = 'closed' where id = :instalment_a1$q$, 'rows:0', 'another account''s owner should update no row of crm_instalments in account A'),
  ('platform_admin', $q$update public.crm_instalments set status = 'closed' where id = :instalment_a1$q$, 'rows:0', 'a platform admin should update no row of crm_instalments in account A'),
  ('anon', $q$update public.crm_instalments set status = 'closed' where id = :instalment_a1$q$, 'error:42501', 'anon should be refused updating crm_instalments'),
  ('owner', $q$delete from public.crm_instalments where id = :instalment_a1$q$, 'rows:1', 'the owner should delete crm_instalments in account A'),
  ('admin', $q$delete from public.crm_instalments where id = :instalment_a1$q$, 'rows:1', 'an admin should delete crm_instalments in account A'),
  ('member_with', $q$delete from public.crm_instalments where id = :instalment_a1$q$, 'rows:1', 'a member with the permission should delete crm_instalments in account A'),
  ('member_without', $q$delete from public.crm_instalments where id = :instalment_a1$q$, 'rows:0', 'a member without permissions should delete no row of crm_instalments in account A'),
  ('payments_viewer', $q$delete from public.crm_instalments where id = :instalment_a1$q$, 'rows:0', 'a member with only view_payments should delete no row of crm_instalments in account A'),
  ('other', $q$delete from public.crm_instalments where id = :instalment_a1$q$, 'rows:0', 'another account''s owner should delete no row of crm_instalments in account A'),
  ('platform_admin', $q$delete from public.crm_instalments where id = :instalment_a1$q$, 'rows:0', 'a platform admin should delete no row of crm_instalments in account A'),
  ('anon', $q$delete from public.crm_instalments where id = :instalment_a1$q$, 'error:42501', 'anon should be refused deleting crm_instalments')
) as matrix (actor, statement, expected, description);

-- crm_stripe_customers
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('owner', $q$select 1 from public.crm_stripe_customers where account_id = :account_a$q$, 'rows:2', 'the owner should see 2 crm_stripe_customers rows of account A'),
  ('admin', $q$select 1 from public.crm_stripe_customers where account_id = :account_a$q$, 'rows:2', 'an admin should see 2 crm_stripe_customers rows of account A'),
  ('member_with', $q$select 1 from public.crm_stripe_customers where account_id = :account_a$q$, 'rows:2', 'a member with the permission should see 2 crm_stripe_customers rows of account A'),
  ('member_without', $q$select 1 from public.crm_stripe_customers where account_id = :account_a$q$, 'rows:0', 'a member without permissions should see 0 crm_stripe_customers rows of account A'),
  ('payments_viewer', $q$select 1 from public.crm_stripe_customers where account_id = :account_a$q$, 'rows:1', 'a member with only view_payments should see 1 crm_stripe_customers row of account A'),
  ('other', $q$select 1 from public.crm_stripe_customers where account_id = :account_a$q$, 'rows:0', 'another account''s owner should see 0 crm_stripe_customers rows of account A'),
  ('platform_admin', $q$select 1 from public.crm_stripe_customers where account_id = :account_a$q$, 'rows:0', 'a platform admin should see 0 crm_stripe_customers rows of account A'),
  ('anon', $q$select 1 from public.crm_stripe_customers where account_id = :account_a$q$, 'error:42501', 'anon should be refused reading crm_stripe_customers'),
  ('owner', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id, status) values (:account_a, :client_a2, 'cus_new', 'inactive')$q$, 'rows:1', 'the owner should insert crm_stripe_customers in account A'),
  ('admin', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id, status) values (:account_a, :client_a2, 'cus_new', 'inactive')$q$, 'rows:1', 'an admin should insert crm_stripe_customers in account A'),
  ('member_with', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id, status) values (:account_a, :client_a2, 'cus_new', 'inactive')$q$, 'rows:1', 'a member with the permission should insert crm_stripe_customers in account A'),
  ('member_without', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id, status) values (:account_a, :client_a2, 'cus_new', 'inactive')$q$, 'error:42501', 'a member without permissions should be refused inserting into crm_stripe_customers'),
  ('payments_viewer', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id, status) values (:account_a, :client_a2, 'cus_new', 'inactive')$q$, 'error:42501', 'a member with only view_payments should be refused inserting into crm_stripe_customers'),
  ('other', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id, status) values (:account_a, :client_a2, 'cus_new', 'inactive')$q$, 'error:42501', 'another account''s owner should be refused inserting into crm_stripe_customers'),
  ('platform_admin', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id, status) values (:account_a, :client_a2, 'cus_new', 'inactive')$q$, 'error:42501', 'a platform admin should be refused inserting into crm_stripe_customers'),
  ('anon', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id, status) values (:account_a, :client_a2, 'cus_new', 'inactive')$q$, 'error:42501', 'anon should be refused inserting into crm_stripe_customers'),
  ('owner', $q$update public.crm_stripe_customers set status = 'inactive' where id = :stripe_a1$q$, 'rows:1', 'the owner should update crm_stripe_customers in account A'),
  ('admin', $q$update public.crm_stripe_customers set status = 'inactive' where id = :stripe_a1$q$, 'rows:1', 'an admin should update crm_stripe_customers in account A'),
  ('member_with', $q$update public.crm_stripe_customers set status = 'inactive' where id = :stripe_a1$q$, 'rows:1', 'a member with the permission should update crm_stripe_customers in account A'),
  ('member_without', $q$update public.crm_stripe_customers set status = 'inactive' where id = :stripe_a1$q$, 'rows:0', 'a member without permissions should update no row of crm_stripe_customers in account A'),
  ('payments_viewer', $q$update public.crm_stripe_customers set status = 'inactive' where id = :stripe_a1$q$, 'rows:0', 'a member with only view_payments should update no row of crm_stripe_customers in account A'),
  ('other', $q$update public.crm_stripe_customers set status = 'inactive' where id = :stripe_a1$q$, 'rows:0', 'another account''s owner should update no row of crm_stripe_customers in account A'),
  ('platform_admin', $q$update public.crm_stripe_customers set status = 'inactive' where id = :stripe_a1$q$, 'rows:0', 'a platform admin should update no row of crm_stripe_customers in account A'),
  ('anon', $q$update public.crm_stripe_customers set status = 'inactive' where id = :stripe_a1$q$, 'error:42501', 'anon should be refused updating crm_stripe_customers'),
  ('owner', $q$delete from public.crm_stripe_customers where id = :stripe_a1$q$, 'rows:1', 'the owner should delete crm_stripe_customers in account A'),
  ('admin', $q$delete from public.crm_stripe_customers where id = :stripe_a1$q$, 'rows:1', 'an admin should delete crm_stripe_customers in account A'),
  ('member_with', $q$delete from public.crm_stripe_customers where id = :stripe_a1$q$, 'rows:1', 'a member with the permission should delete crm_stripe_customers in account A'),
  ('member_without', $q$delete from public.crm_stripe_customers where id = :stripe_a1$q$, 'rows:0', 'a member without permissions should delete no row of crm_stripe_customers in account A'),
  ('payments_viewer', $q$delete from public.crm_stripe_customers where id = :stripe_a1$q$, 'rows:0', 'a member with only view_payments should delete no row of crm_stripe_customers in account A'),
  ('other', $q$delete from public.crm_stripe_customers where id = :stripe_a1$q$, 'rows:0', 'another account''s owner should delete no row of crm_stripe_customers in account A'),
  ('platform_admin', $q$delete from public.crm_stripe_customers where id = :stripe_a1$q$, 'rows:0', 'a platform admin should delete no row of crm_stripe_customers in account A'),
  ('anon', $q$delete from public.crm_stripe_customers where id = :stripe_a1$q$, 'error:42501', 'anon should be refused deleting crm_stripe_customers')
) as matrix (actor, statement, expected, description);

-- Across tenants: composite foreign keys keep a child row in its client's account.
select is(tests.try_as('other', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_b, :client_a1, 10, 'USD')$q$),
  'error:23503', 'another account''s owner should not attach a payment to account A''s client');
select is(tests.try_as('other', $q$insert into public.crm_client_packages (account_id, client_id, package_id) values (:account_b, :client_b1, :package_a)$q$),
  'error:23503', 'a client package should not use another account''s package');
select is(tests.try_as('other', $q$select 1 from public.crm_clients$q$), 'rows:1', 'another account''s owner should see only its own client');
select is(tests.try_as('member_with', $q$update public.crm_clients set account_id = :account_b where id = :client_a2$q$),
  'error:42501', 'nobody should move a client to another account');
select is(tests.try_as('member_with', $q$update public.crm_clients set created_by = :member_with where id = :client_a2$q$),
  'error:42501', 'the API should not rewrite created_by');

-- A pending account's owner and a signed-in stranger read nothing.
select is(tests.try_as('pending_owner', $q$select 1 from public.crm_clients$q$), 'rows:0', 'a pending account''s owner should read no clients');
select is(tests.try_as('pending_owner', $q$select 1 from public.crm_packages$q$), 'rows:0', 'a pending account''s owner should read no packages');
select is(tests.try_as('outsider', $q$select 1 from public.crm_payments$q$), 'rows:0', 'a user of no account should read no payments');

-- Suspending an account or deactivating a member takes effect at once.
select private.review_account(tests.crm_id('account_a'), 'suspend', 'test');
select is(tests.try_as('owner', $q$select 1 from public.crm_clients$q$), 'rows:0', 'the owner of a suspended account should read no clients');
select is(tests.try_as('owner', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, 'New')$q$),
  'error:42501', 'the owner of a suspended account should not create clients');
select private.review_account(tests.crm_id('account_a'), 'reactivate');
update public.account_members set is_active = false where user_id = tests.crm_id('member_with');
select is(tests.try_as('member_with', $q$select 1 from public.crm_clients$q$), 'rows:0', 'a deactivated member should read no clients');
select is(tests.try_as('member_without', $q$select 1 from public.crm_clients$q$), 'rows:1', 'a member should still see their assigned client');

select * from finish();
rollback;
