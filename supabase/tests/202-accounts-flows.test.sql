-- The privileged flows behind the Edge Functions: registering a business, reviewing it, adding
-- members and batches. The functions call these as `postgres` with the verified caller's claims
-- (tests.try_claims); the API roles cannot call them at all. Refusals carry stable API error codes.
begin;
select plan(36);
select tests.crm_fixture();

-- Not callable through the API
select is(tests.try_as('outsider', $q$select private.register_business('Sneaky Co')$q$), 'error:42501', 'the API should not call register_business');
select is(tests.try_as('platform_admin', $q$select private.review_account(:account_p, 'approve')$q$), 'error:42501', 'the API should not call review_account');
select is(tests.try_as('owner', $q$select private.add_member(:account_a, :outsider, 'outsider@crm-fixture.test')$q$), 'error:42501', 'the API should not call add_member');

-- Registering a business
select is(tests.try_claims(null, $q$select private.register_business('Nobody Co')$q$), 'error:unauthorized', 'registering should need a signed-in caller');
select is(tests.try_claims('outsider', $q$select private.register_business('Outsider & Sons Ltd.', contact_email => 'Boss@Outsider.test')$q$, keep => true),
  'rows:1', 'a signed-in user should register a business');
select results_eq($$select status::text, slug, contact_email from public.accounts where created_by = tests.crm_id('outsider')$$,
  $$values ('pending', 'outsider-sons-ltd', 'boss@outsider.test')$$, 'the business should be pending, with a derived slug and a lower-case contact e-mail');
select results_eq($$select m.role::text, m.email, m.full_name from public.account_members m join public.accounts a on a.id = m.account_id where a.created_by = tests.crm_id('outsider')$$,
  $$values ('owner', 'outsider@crm-fixture.test', 'Outsider')$$, 'the registrant should own the new account');
select is(tests.try_claims('outsider', $q$select private.register_business('Second Try')$q$), 'error:application_pending',
  'a user should have one pending application at a time');
select is(tests.try_claims('member_with', $q$select private.register_business('Clash', 'crm-fixture-a')$q$), 'error:slug_taken', 'a taken slug should be refused');
select is(tests.try_claims('member_with', $q$select private.register_business('X')$q$), 'error:23514', 'a one-letter name should be refused');
select is(tests.try_claims('member_with', $q$select private.register_business('Valid Name', 'Bad Slug!')$q$), 'error:23514', 'a malformed slug should be refused');
select is(tests.try_claims('member_with', $q$select private.register_business('Valid Name', contact_email => 'not-an-email')$q$), 'error:23514',
  'a malformed contact e-mail should be refused');
select is(tests.try_claims('member_with', $q$select private.register_business('Account A')$q$), 'rows:1', 'a derived slug that is taken should get a suffix');

-- Reviewing
select is(tests.try_claims('owner', $q$select private.review_account(:account_p, 'approve')$q$), 'error:forbidden', 'an account owner should not review accounts');
select is(tests.try_claims('platform_admin', $q$select private.review_account(:account_p, 'reject')$q$), 'error:validation_failed', 'rejecting should need a reason');
select is(tests.try_claims('platform_admin', $q$select private.review_account(:account_p, 'bless')$q$), 'error:validation_failed', 'an unknown decision should be refused');
select is(tests.try_claims('platform_admin', $q$select private.review_account(gen_random_uuid(), 'approve')$q$), 'error:not_found', 'an unknown account should be 404');
select is(tests.try_claims('platform_admin', $q$select private.review_account(:account_p, 'suspend', 'why')$q$), 'error:invalid_transition',
  'a pending account should not be suspended');
select is(tests.try_claims('platform_admin', $q$select private.review_account(:account_p, 'approve')$q$, keep => true), 'rows:1', 'a platform admin should approve a pending account');
select results_eq(format('select status::text, reviewed_by, reviewed_at is not null from public.accounts where id = %L', tests.crm_id('account_p')),
  format('values (%L, %L::uuid, true)', 'active', tests.crm_id('platform_admin')), 'the approval should activate the account and record who and when');
select is(tests.try_claims('platform_admin', $q$select private.review_account(:account_p, 'approve')$q$), 'error:invalid_transition', 'approving twice should conflict');
select is(tests.try_claims('platform_admin', $q$select private.review_account(:account_a, 'suspend', 'Unpaid invoices')$q$, keep => true), 'rows:1',
  'a platform admin should suspend an active account with a reason');
select is((select review_reason from public.accounts where id = tests.crm_id('account_a')), 'Unpaid invoices', 'the suspension should keep its reason');
select is(tests.try_claims('platform_admin', $q$select private.review_account(:account_a, 'reactivate')$q$, keep => true), 'rows:1',
  'a platform admin should reactivate a suspended account');

-- Adding members
select is(tests.try_claims('owner', $q$select private.add_member(:account_a, :outsider, 'Outsider@crm-fixture.test', 'Out Sider', new_role => 'admin', new_permissions => '{view_payments}')$q$, keep => true),
  'rows:1', 'the owner should add an admin');
select results_eq($$select role::text, email, invited_by from public.account_members where user_id = tests.crm_id('outsider') and account_id = tests.crm_id('account_a')$$,
  format('values (%L, %L, %L::uuid)', 'admin', 'outsider@crm-fixture.test', tests.crm_id('owner')), 'the new member should carry its role, lower-case e-mail and inviter');
select is(tests.try_claims('owner', $q$select private.add_member(:account_a, :outsider, 'outsider@crm-fixture.test')$q$), 'error:already_member', 'adding a member twice should conflict');
select is(tests.try_claims('admin', $q$select private.add_member(:account_a, :pending_owner, 'p@crm-fixture.test', new_role => 'owner')$q$), 'error:owner_role_not_grantable',
  'an admin should not add an owner');
select is(tests.try_claims('member_without', $q$select private.add_member(:account_a, :pending_owner, 'p@crm-fixture.test')$q$), 'error:forbidden',
  'a member without manage_members should not add members');
update public.account_members set permissions = '{manage_members}' where user_id = tests.crm_id('member_without');
select is(tests.try_claims('member_without', $q$select private.add_member(:account_a, :pending_owner, 'p@crm-fixture.test', new_permissions => '{view_all_clients}')$q$), 'error:forbidden',
  'a member with manage_members should not grant permissions');
select is(tests.try_claims('member_without', $q$select private.add_member(:account_a, :pending_owner, 'p@crm-fixture.test')$q$), 'rows:1',
  'a member with manage_members should add a plain member');
select is(tests.try_claims('other', $q$select private.add_member(:account_a, :platform_admin, 'pa@crm-fixture.test')$q$), 'error:forbidden',
  'another account''s owner should not add members to A');
select is(tests.try_claims('pending_owner', $q$select private.add_member(:account_p, :outsider, 'outsider@crm-fixture.test')$q$), 'rows:1',
  'the owner of an approved account should add members');

-- Batches
select is(tests.try_claims('owner', $q$select private.create_member_batch(:account_a, ' Autumn intake ', 3)$q$, keep => true), 'rows:1', 'the owner should create a batch');
select is(tests.try_claims('owner', $q$select private.create_member_batch(:account_a, 'autumn INTAKE', 1)$q$), 'error:batch_name_taken',
  'a batch name should be unique in the account, whatever its case');
select is(tests.try_claims('payments_viewer', $q$select private.create_member_batch(:account_a, 'Mine', 1)$q$), 'error:forbidden',
  'a member without manage_members should not create batches');

select * from finish();
rollback;
