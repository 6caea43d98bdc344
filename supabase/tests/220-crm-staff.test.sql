-- CRM staff: removing a member (assignments kept as history or moved), the checks behind setting a
-- member's password, and who may see the assignment history. Another tenant's owner tries each
-- action; each refusal writes nothing (try_as rolls back only the successful ones, so the counts
-- after the matrix prove it).
begin;
select plan(26);
select tests.crm_fixture();

-- Structure and privileges.
select has_table('public', 'crm_assignment_history', 'crm_assignment_history should exist');
select ok((select relrowsecurity from pg_class where oid = 'public.crm_assignment_history'::regclass), 'crm_assignment_history should have RLS on');
select ok(not has_function_privilege('anon', 'public.remove_account_member(uuid, uuid, text, uuid)', 'execute'), 'anon should not execute remove_account_member');
select ok(not has_function_privilege('authenticated', 'private.assert_can_set_member_password(uuid, uuid)', 'execute'), 'authenticated should not execute the password check directly');
select ok(not has_function_privilege('authenticated', 'private.end_user_sessions(uuid)', 'execute'), 'authenticated should not end anyone''s sessions');
select is(private.default_member_permissions(), '{view_all_clients,view_payments}'::public.account_permission[], 'a new employee should see all clients and payments by default');

-- remove_account_member, as each actor.
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('other', $q$select public.remove_account_member(:account_a, :member_without)$q$, 'error:forbidden', 'another tenant''s owner should not remove our member'),
  ('other', $q$select public.remove_account_member(:account_b, :member_without)$q$, 'error:member_not_found', 'another tenant''s owner naming our member in their own account should find no such member'),
  ('outsider', $q$select public.remove_account_member(:account_a, :member_without)$q$, 'error:forbidden', 'a user of no account should not remove a member'),
  ('member_with', $q$select public.remove_account_member(:account_a, :member_without)$q$, 'error:forbidden', 'a plain member, even with every CRM permission, should not remove a member'),
  ('admin', $q$select public.remove_account_member(:account_a, :owner)$q$, 'error:owner_protected', 'an admin should not remove the owner'),
  ('owner', $q$select public.remove_account_member(:account_a, :owner)$q$, 'error:own_access_unchangeable', 'the owner should not remove themselves: an account keeps its owner'),
  ('owner', $q$select public.remove_account_member(:account_a, :member_without, 'shred')$q$, 'error:validation_failed', 'an unknown assignments mode should be refused'),
  ('owner', $q$select public.remove_account_member(:account_a, :member_without, 'reassign', :other)$q$, 'error:invalid_assignee', 'reassigning to another tenant''s user should be refused'),
  ('owner', $q$select public.remove_account_member(:account_a, :member_without, 'reassign', :member_without)$q$, 'error:invalid_assignee', 'reassigning to the member being removed should be refused'),
  ('owner', $q$select public.remove_account_member(:account_a, :member_without)$q$, 'rows:1', 'the owner should remove a member')
) as matrix (actor, statement, expected, description);

select is((select count(*)::int from public.account_members where account_id = tests.crm_id('account_a')), 5, 'no refused removal should have removed anyone');
select is((select count(*)::int from public.crm_assignment_history where account_id = tests.crm_id('account_a')), 0, 'no refused removal should have written history');

-- A removal that stays: history rows, the assignment moved, the membership gone.
select tests.authenticate_as(tests.crm_id('admin'));
select is((public.remove_account_member(tests.crm_id('account_a'), tests.crm_id('payments_viewer'), 'reassign', tests.crm_id('member_with')) ->> 'clients_reassigned')::int, 1,
  'an admin should remove a plain member, moving their client to another member');
select is((select setter_id from public.crm_clients where id = tests.crm_id('client_a1')), tests.crm_id('member_with'), 'the setter assignment should have moved');
select is((select count(*)::int from public.crm_assignment_history where member_id = tests.crm_id('payments_viewer') and reassigned_to = tests.crm_id('member_with')), 1,
  'the former assignment should be in the history');
select tests.clear_authentication();

-- Who sees the history.
select is(tests.try_as('other', $q$select * from public.crm_assignment_history$q$), 'rows:0', 'another tenant''s owner should see none of our history');
select is(tests.try_as('member_without', $q$select * from public.crm_assignment_history$q$), 'rows:0', 'a member without view_all_clients should see no history');

-- The checks behind "set a member's password" (called by the account-staff function with the caller's claims).
select is(tests.try_claims(actor, statement), expected, description)
from (values
  ('other', $q$select private.assert_can_set_member_password(:account_a, :member_without)$q$, 'error:forbidden', 'another tenant''s owner should not set our member''s password'),
  ('admin', $q$select private.assert_can_set_member_password(:account_a, :owner)$q$, 'error:owner_protected', 'an admin should not set the owner''s password')
) as matrix (actor, statement, expected, description);

-- A member who also belongs to another account is out of reach (account takeover across tenants).
insert into public.account_members (account_id, user_id, role, full_name, email)
values (tests.crm_id('account_b'), tests.crm_id('member_without'), 'member', 'Shared', 'member-without@crm-fixture.test');
select is(tests.try_claims('owner', $q$select private.assert_can_set_member_password(:account_a, :member_without)$q$), 'error:member_not_managed',
  'the owner should not set the password of a member who also belongs to another account');

select * from finish();
rollback;
