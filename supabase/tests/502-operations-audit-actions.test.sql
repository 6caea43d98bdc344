-- The audit log, action by action: each privileged action wired to it leaves exactly one entry, with
-- the acting admin, the target and the state before and after; a refused action leaves none.
begin;
select plan(22);

create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to authenticated;
insert into people values
  ('admin', tests.create_user('ops-act-admin@example.test', '{}', '{"role":"admin"}')),
  ('owner', tests.create_user('ops-act-owner@example.test')),
  ('member', tests.create_user('ops-act-member@example.test')),
  ('creator', tests.create_user('ops-act-creator@example.test')),
  ('client', tests.create_user('ops-act-client@example.test'));
update public.profiles set role = 'admin' where id = (select id from people where name = 'admin');
update public.profiles set role = 'tool_creator' where id = (select id from people where name = 'creator');

-- Fixtures written directly (as the database owner), before the actions under test.
insert into public.accounts (id, name, slug, created_by) values ('55100000-0000-4000-8000-000000000001', 'Ops Audit Co', 'ops-audit-co', (select id from people where name = 'owner'));
insert into public.account_members (account_id, user_id, role) values
  ('55100000-0000-4000-8000-000000000001', (select id from people where name = 'owner'), 'owner'),
  ('55100000-0000-4000-8000-000000000001', (select id from people where name = 'member'), 'member');
insert into public.tools (id, creator_id, name, category, price_points, status) values
  ('55100000-0000-4000-8000-000000000011', (select id from people where name = 'creator'), 'Ops audit tool', 'testing', 10, 'pending_review');
insert into public.usages (id, tool_id, client_id, creator_id, points_charged, creator_share, idempotency_key) values
  ('55100000-0000-4000-8000-000000000021', '55100000-0000-4000-8000-000000000011', (select id from people where name = 'client'), (select id from people where name = 'creator'), 10, 7, 'ops-audit-usage');
insert into public.refunds (id, usage_id, client_id, creator_id, tool_id, points, reason, idempotency_key) values
  ('55100000-0000-4000-8000-000000000031', '55100000-0000-4000-8000-000000000021', (select id from people where name = 'client'), (select id from people where name = 'creator'),
   '55100000-0000-4000-8000-000000000011', 10, 'did not work', 'ops-audit-refund');
insert into public.payouts (id, creator_id, amount_points, idempotency_key) values
  ('55100000-0000-4000-8000-000000000041', (select id from people where name = 'creator'), 100, 'ops-audit-payout');
insert into public.voucher_types (id, name, service_type, price_amount) values ('55100000-0000-4000-8000-000000000051', 'Ops audit voucher', 'ops_audit', 100);

create function pg_temp.entries(p_action text, p_target text) returns integer language sql as $$
  select count(*)::integer from public.audit_log where action = p_action and target_id = p_target;
$$;
create function pg_temp.entry(p_action text, p_target text) returns public.audit_log language sql as $$
  select * from public.audit_log where action = p_action and target_id = p_target;
$$;

select tests.authenticate_as((select id from people where name = 'admin'));
-- review_account is called by the accounts-review function over its own connection, with the admin's claims.
reset role;
select lives_ok($$ select private.review_account('55100000-0000-4000-8000-000000000001', 'approve') $$, 'an admin should approve an account');
select lives_ok($$ select private.review_account('55100000-0000-4000-8000-000000000001', 'suspend', 'fraud check') $$, 'an admin should suspend it');
set local role authenticated;
select lives_ok($$ select public.review_tool('55100000-0000-4000-8000-000000000011', 'approve') $$, 'an admin should approve a tool');
select lives_ok($$ select public.decide_refund('55100000-0000-4000-8000-000000000031', 'reject', 'used in full') $$, 'an admin should reject a refund');
select lives_ok($$ select public.decide_payout('55100000-0000-4000-8000-000000000041', 'approve') $$, 'an admin should approve a payout');
select lives_ok($$ insert into public.site_content (slug, title, body) values ('ops-audit-page', 'Ops', 'Hello') $$, 'an admin should create a page');
select lives_ok($$ select public.grant_voucher((select id from people where name = 'client'), '55100000-0000-4000-8000-000000000051') $$, 'an admin should grant a voucher');
select tests.clear_authentication();

select is(pg_temp.entries('account.approved', '55100000-0000-4000-8000-000000000001'), 1, 'an account approval should leave exactly one entry');
select results_eq($$ select actor_id, before, after from pg_temp.entry('account.suspended', '55100000-0000-4000-8000-000000000001') $$,
  $$ values ((select id from people where name = 'admin'), '{"status":"active"}'::jsonb, '{"status":"suspended","review_reason":"fraud check"}'::jsonb) $$,
  'a suspension should record the admin and the status before and after, with the reason');
select is(pg_temp.entries('tool.approved', '55100000-0000-4000-8000-000000000011'), 1, 'a tool approval should leave exactly one entry');
select is(pg_temp.entries('refund.rejected', '55100000-0000-4000-8000-000000000031'), 1, 'a refund decision should leave exactly one entry');
select is(pg_temp.entries('payout.approved', '55100000-0000-4000-8000-000000000041'), 1, 'a payout decision should leave exactly one entry');
select is((select count(*)::integer from public.audit_log where action = 'content.created' and after ->> 'slug' = 'ops-audit-page'), 1,
  'a content change should leave exactly one entry');
select is((select count(*)::integer from public.audit_log where action = 'voucher.granted' and after ->> 'owner_id' = (select id::text from people where name = 'client')), 1,
  'a voucher grant should leave exactly one entry');
select ok((select bool_and(not (coalesce(after, '{}') ? 'code')) from public.audit_log where target_type = 'voucher'), 'voucher entries should never hold the secret code');

-- A retry of the same payout decision changes nothing and records nothing more.
select tests.authenticate_as((select id from people where name = 'admin'));
select lives_ok($$ select public.decide_payout('55100000-0000-4000-8000-000000000041', 'approve') $$, 'the same payout decision again should be accepted');
select tests.clear_authentication();
select is(pg_temp.entries('payout.approved', '55100000-0000-4000-8000-000000000041'), 1, 'a repeated decision should not add an entry');

-- A refused action records nothing.
select tests.authenticate_as((select id from people where name = 'owner'));
select throws_like($$ select public.decide_payout('55100000-0000-4000-8000-000000000041', 'mark_paid') $$, '%forbidden%', 'a non-admin should not decide payouts');
select tests.clear_authentication();
select is(pg_temp.entries('payout.paid', '55100000-0000-4000-8000-000000000041'), 0, 'a refused decision should leave no entry');

-- Member access changes and removals.
update public.account_members set permissions = '{view_all_clients}'
 where account_id = '55100000-0000-4000-8000-000000000001' and user_id = (select id from people where name = 'member');
select results_eq($$ select before -> 'permissions', after -> 'permissions' from public.audit_log
                      where action = 'member.access_changed' and target_id = '55100000-0000-4000-8000-000000000001:' || (select id from people where name = 'member') $$,
  $$ values ('[]'::jsonb, '["view_all_clients"]'::jsonb) $$, 'a member permission change should record the permissions before and after');

-- A ban, as the Auth server writes it.
update auth.users set banned_until = now() + interval '1 day' where id = (select id from people where name = 'client');
select is(pg_temp.entries('user.banned', (select id::text from people where name = 'client')), 1, 'a ban should leave exactly one entry');
update auth.users set banned_until = null where id = (select id from people where name = 'client');
select is(pg_temp.entries('user.unbanned', (select id::text from people where name = 'client')), 1, 'lifting the ban should leave exactly one entry');

select * from finish();
rollback;
