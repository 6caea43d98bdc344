-- A platform admin creates a business for its owner (private.create_business_for_owner, called by
-- accounts-register after it created the owner's Auth user): admins only, the account starts active
-- and reviewed by the admin, the owner must be a user without a business. Self-registration still
-- goes through the shared insert (private.insert_business) unchanged.
begin;
select plan(10);
select tests.crm_fixture();

select is(tests.try_as('platform_admin', $q$select private.create_business_for_owner(:outsider, 'Sneaky Co')$q$), 'error:42501',
  'the API should not call create_business_for_owner');
select is(tests.try_as('platform_admin', $q$select private.insert_business(:outsider, 'x@y.test', null, 'Sneaky Co', null, null, null, null, :outsider)$q$), 'error:42501',
  'the API should not call insert_business');
-- A request without a user (the service role); `postgres` without any request is the platform (SQL editor).
select set_config('request.jwt.claims', '{"role": "service_role"}', true);
select is(tests.try_claims(null, $q$select private.create_business_for_owner(:outsider, 'Nobody Co')$q$), 'error:forbidden',
  'creating for an owner should need a signed-in platform admin');
select is(tests.try_claims('owner', $q$select private.create_business_for_owner(:outsider, 'Owner Co')$q$), 'error:forbidden',
  'an account owner should not create businesses for others');
select is(tests.try_claims('platform_admin', $q$select private.create_business_for_owner(gen_random_uuid(), 'Ghost Co')$q$), 'error:not_found',
  'an unknown owner should be 404');
select is(tests.try_claims('platform_admin', $q$select private.create_business_for_owner(:member_with, 'Second Home')$q$), 'error:already_member',
  'a user who already belongs to a business should not get another one this way');
select is(tests.try_claims('platform_admin', $q$select private.create_business_for_owner(:outsider, 'Clash', 'crm-fixture-a')$q$), 'error:slug_taken',
  'a taken slug should be refused');

select is(tests.try_claims('platform_admin', $q$select private.create_business_for_owner(:outsider, 'Admin Made Ltd.', contact_email => 'Ops@Admin-Made.test')$q$, keep => true),
  'rows:1', 'a platform admin should create a business for an owner');
select results_eq(
  $$select status::text, slug, contact_email, created_by = tests.crm_id('platform_admin'), reviewed_by = tests.crm_id('platform_admin'), reviewed_at is not null
      from public.accounts where name = 'Admin Made Ltd.'$$,
  $$values ('active', 'admin-made-ltd', 'ops@admin-made.test', true, true, true)$$,
  'the business should start active, created and reviewed by the admin');
select results_eq(
  $$select m.role::text, m.user_id = tests.crm_id('outsider'), m.invited_by = tests.crm_id('platform_admin')
      from public.account_members m join public.accounts a on a.id = m.account_id where a.name = 'Admin Made Ltd.'$$,
  $$values ('owner', true, true)$$,
  'the owner should own it, invited by the admin');

select * from finish();
rollback;
