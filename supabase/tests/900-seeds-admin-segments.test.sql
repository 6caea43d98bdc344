-- The admin user list's B2B/B2C segments: b2b = members of a business account, b2c = members of
-- none; a bad segment is a 400; a business's owner (another tenant's admin) lists nobody.
begin;
select plan(6);
select tests.crm_fixture();

select tests.authenticate_as(tests.crm_id('platform_admin'));
select ok(tests.crm_id('member_without') in (select id from public.admin_list_users(segment => 'b2b', page_limit => 1000)),
  'a member of a business should be listed as b2b');
select ok(tests.crm_id('outsider') not in (select id from public.admin_list_users(segment => 'b2b', page_limit => 1000)),
  'a user of no business should not be listed as b2b');
select ok(tests.crm_id('outsider') in (select id from public.admin_list_users(segment => 'b2c', page_limit => 1000)),
  'a user of no business should be listed as b2c');
select ok(tests.crm_id('pending_owner') in (select id from public.admin_list_users(segment => 'b2b', page_limit => 1000)),
  'the owner of a pending business should be listed as b2b');
select tests.clear_authentication();

select is(tests.try_as('platform_admin', $q$select * from public.admin_list_users(segment => 'b2x')$q$), 'error:validation_failed',
  'another segment should be refused with validation_failed');
select is(tests.try_as('other', $q$select * from public.admin_list_users(segment => 'b2b')$q$), 'error:42501',
  'another tenant''s owner should not list users by segment');

select * from finish();
rollback;
