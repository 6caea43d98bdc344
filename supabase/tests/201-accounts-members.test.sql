-- Accounts and memberships: who sees which account and member, who may change roles, permissions
-- and the active flag (nobody raises their own rights; an admin never touches the owner), and the
-- "who am I here" function.
begin;
select plan(52);
select tests.crm_fixture();

-- accounts: visibility
select is(tests.try_as('owner', $q$select 1 from public.accounts where slug like 'crm-fixture-%'$q$), 'rows:1', 'the owner should see only their account');
select is(tests.try_as('member_without', $q$select 1 from public.accounts where slug like 'crm-fixture-%'$q$), 'rows:1', 'a member should see their account');
select is(tests.try_as('other', $q$select 1 from public.accounts where id = :account_a$q$), 'rows:0', 'another account''s owner should not see account A');
select is(tests.try_as('platform_admin', $q$select 1 from public.accounts where slug like 'crm-fixture-%'$q$), 'rows:3', 'a platform admin should see every account');
select is(tests.try_as('platform_admin', $q$select 1 from public.accounts where status = 'pending' and slug like 'crm-fixture-%'$q$), 'rows:1', 'a platform admin should list the pending accounts');
select is(tests.try_as('pending_owner', $q$select 1 from public.accounts where id = :account_p and status = 'pending'$q$), 'rows:1', 'a pending account''s owner should read its status');
select is(tests.try_as('outsider', $q$select 1 from public.accounts where slug like 'crm-fixture-%'$q$), 'rows:0', 'a user of no account should see no account');
select is(tests.try_as('anon', $q$select 1 from public.accounts$q$), 'error:42501', 'anon should be refused reading accounts');

-- accounts: writes
select is(tests.try_as('owner', $q$update public.accounts set name = 'Renamed' where id = :account_a$q$), 'rows:1', 'the owner should rename the account');
select is(tests.try_as('admin', $q$update public.accounts set contact_phone = '+15550100200' where id = :account_a$q$), 'rows:1', 'an admin should edit the account''s contact');
select is(tests.try_as('member_with', $q$update public.accounts set name = 'Renamed' where id = :account_a$q$), 'rows:0', 'a member should not edit the account');
select is(tests.try_as('pending_owner', $q$update public.accounts set name = 'Renamed' where id = :account_p$q$), 'rows:0', 'a pending account''s owner should not edit it');
select is(tests.try_as('owner', $q$update public.accounts set status = 'active' where id = :account_a$q$), 'error:42501', 'nobody should set an account''s status through the API');
select is(tests.try_as('owner', $q$insert into public.accounts (name, slug) values ('Mine', 'mine')$q$), 'error:42501', 'accounts should not be inserted through the API');
select is(tests.try_as('owner', $q$delete from public.accounts where id = :account_a$q$), 'error:42501', 'accounts should not be deleted through the API');

-- account_members: visibility
select is(tests.try_as('owner', $q$select 1 from public.account_members where account_id = :account_a$q$), 'rows:5', 'the owner should see every member');
select is(tests.try_as('member_without', $q$select 1 from public.account_members where account_id = :account_a$q$), 'rows:5', 'a member should see their colleagues');
select is(tests.try_as('other', $q$select 1 from public.account_members where account_id = :account_a$q$), 'rows:0', 'another account''s owner should see no member of A');
select is(tests.try_as('platform_admin', $q$select 1 from public.account_members where account_id = :account_a$q$), 'rows:5', 'a platform admin should see the members');
select is(tests.try_as('pending_owner', $q$select 1 from public.account_members$q$), 'rows:1', 'a pending account''s owner should see only their own membership');
select is(tests.try_as('anon', $q$select 1 from public.account_members$q$), 'error:42501', 'anon should be refused reading members');

-- Nobody raises their own rights
select is(tests.try_as('member_without', $q$update public.account_members set permissions = '{view_all_clients}' where user_id = :member_without$q$),
  'error:own_access_unchangeable', 'a member should not grant themselves a permission');
select is(tests.try_as('member_without', $q$update public.account_members set role = 'admin' where user_id = :member_without$q$),
  'error:own_access_unchangeable', 'a member should not make themselves an admin');
select is(tests.try_as('admin', $q$update public.account_members set role = 'owner' where user_id = :admin$q$),
  'error:own_access_unchangeable', 'an admin should not make themselves the owner');
select is(tests.try_as('owner', $q$update public.account_members set is_active = false where user_id = :owner$q$),
  'error:own_access_unchangeable', 'the owner should not deactivate themselves');
select is(tests.try_as('member_without', $q$update public.account_members set full_name = 'New Name', phone = '+442079460000', job_title = 'Coach' where user_id = :member_without$q$),
  'rows:1', 'a member should edit their own profile');

-- A member never touches anyone; an admin never touches the owner
select is(tests.try_as('member_with', $q$update public.account_members set permissions = '{view_all_clients}' where user_id = :member_without$q$),
  'rows:0', 'a member should not change another member''s permissions');
select is(tests.try_as('member_with', $q$update public.account_members set full_name = 'X' where user_id = :member_without$q$),
  'rows:0', 'a member should not edit another member''s profile');
select is(tests.try_as('admin', $q$update public.account_members set role = 'member' where user_id = :owner$q$),
  'error:owner_protected', 'an admin should not demote the owner');
select is(tests.try_as('admin', $q$update public.account_members set full_name = 'X' where user_id = :owner$q$),
  'error:owner_protected', 'an admin should not edit the owner''s profile');
select is(tests.try_as('admin', $q$update public.account_members set is_active = false where user_id = :owner$q$),
  'error:owner_protected', 'an admin should not deactivate the owner');
select is(tests.try_as('admin', $q$update public.account_members set role = 'owner' where user_id = :member_without$q$),
  'error:owner_role_not_grantable', 'nobody should grant the owner role');
select is(tests.try_as('other', $q$update public.account_members set permissions = '{view_all_clients}' where user_id = :member_without$q$),
  'rows:0', 'another account''s owner should not change A''s members');
select is(tests.try_as('platform_admin', $q$update public.account_members set permissions = '{view_all_clients}' where user_id = :member_without$q$),
  'rows:0', 'a platform admin should not change a tenant''s members');
select is(tests.try_as('member_with', $q$insert into public.account_members (account_id, user_id, email) values (:account_a, :outsider, 'x@y.test')$q$),
  'error:42501', 'members should not be inserted through the API');
select is(tests.try_as('owner', $q$delete from public.account_members where user_id = :member_without$q$),
  'error:42501', 'members should be deactivated, not deleted');

-- Owners and admins change roles, permissions and the active flag of others
select is(tests.try_as('admin', $q$update public.account_members set permissions = '{manage_all_clients}' where user_id = :member_without$q$),
  'rows:1', 'an admin should grant a member a permission');
select is(tests.try_as('admin', $q$update public.account_members set role = 'admin' where user_id = :member_without$q$),
  'rows:1', 'an admin should promote a member to admin');
select is(tests.try_as('owner', $q$update public.account_members set role = 'member' where user_id = :admin$q$),
  'rows:1', 'the owner should demote an admin');
select is(tests.try_as('admin', $q$update public.account_members set is_active = false where user_id = :member_without$q$),
  'rows:1', 'an admin should deactivate a member');

-- The permission list stays canonical: managing implies viewing
select tests.authenticate_as(tests.crm_id('admin'));
update public.account_members set permissions = '{manage_payments,manage_all_clients,manage_payments}' where user_id = tests.crm_id('member_without');
select tests.clear_authentication();
select is((select permissions from public.account_members where user_id = tests.crm_id('member_without')),
  '{view_all_clients,manage_all_clients,view_payments,manage_payments}'::public.account_permission[],
  'granting manage permissions should also grant the matching view permissions, once each');

-- Deactivation stamps the time and removes the member from the account
select tests.authenticate_as(tests.crm_id('admin'));
update public.account_members set is_active = false where user_id = tests.crm_id('member_without');
select tests.clear_authentication();
select isnt((select deactivated_at from public.account_members where user_id = tests.crm_id('member_without')), null,
  'a deactivated member should carry the time of deactivation');
select is(tests.try_as('member_without', $q$select 1 from public.account_members where account_id = :account_a$q$),
  'rows:1', 'a deactivated member should see only their own membership');

-- A member holding manage_members still changes nobody
update public.account_members set permissions = '{manage_members}' where user_id = tests.crm_id('member_with');
select is(tests.try_as('member_with', $q$update public.account_members set permissions = '{view_all_clients}' where user_id = :payments_viewer$q$),
  'rows:0', 'a member with manage_members should still not change permissions');

-- my_accounts(): "who am I here"
select tests.authenticate_as(tests.crm_id('owner'));
select results_eq($$select role::text, usable, cardinality(permissions) from public.my_accounts()$$,
  $$values ('owner', true, 6)$$, 'the owner should be owner of one usable account, holding every permission');
select tests.clear_authentication();
select tests.authenticate_as(tests.crm_id('payments_viewer'));
select results_eq($$select account_id, role::text, permissions::text[] from public.my_accounts()$$,
  $$values (tests.crm_id('account_a'), 'member', array['view_payments'])$$, 'a member should see their role and exact permissions');
select tests.clear_authentication();
select tests.authenticate_as(tests.crm_id('pending_owner'));
select results_eq($$select status::text, usable from public.my_accounts()$$,
  $$values ('pending', false)$$, 'a pending account should be listed as not usable');
select tests.clear_authentication();
select tests.authenticate_as(tests.crm_id('outsider'));
select is((select count(*)::int from public.my_accounts()), 0, 'a user of no account should have no accounts');
select tests.clear_authentication();
select is(tests.try_as('anon', $q$select * from public.my_accounts()$q$), 'error:42501', 'anon should not call my_accounts');

-- batches are visible to those who may add members
insert into public.member_batches (id, account_id, name, created_by, requested_count)
values (tests.crm_id('batch_a'), tests.crm_id('account_a'), 'Spring intake', tests.crm_id('owner'), 1);
select is(tests.try_as('admin', $q$select 1 from public.member_batches where account_id = :account_a$q$), 'rows:1', 'an admin should list the batches');
select is(tests.try_as('payments_viewer', $q$select 1 from public.member_batches$q$), 'rows:0', 'a member without manage_members should see no batch');
select is(tests.try_as('member_with', $q$select 1 from public.member_batches$q$), 'rows:1', 'a member with manage_members should list the batches');

select * from finish();
rollback;
