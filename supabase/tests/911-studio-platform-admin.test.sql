-- The SQL editor as the platform: `postgres` without a request token calls the admin functions (they
-- used to answer "Only an admin…"), the audit log records it as "platform"; a signed-in non-admin and
-- the service role are still refused; a status edit in the Table Editor names the function to call.
begin;
select plan(17);
select tests.mp_fixture();

-- ----------------------------------------------------------------------------- admin functions as postgres
select is((select status::text from public.decide_payout(tests.mp('payout_creator'), 'approve')), 'approved',
  'postgres should approve a payout');
select is((select actor_role from public.audit_log where action = 'payout.approved' and target_id = tests.mp('payout_creator')::text), 'platform',
  'the audit log should record the platform as the actor');
select is((select status::text from public.decide_refund(tests.mp('refund_other'), 'reject', 'Studio test')), 'rejected',
  'postgres should decide a refund');
select is((select amount from public.admin_adjust_points(tests.mp('client'), 25, 'Studio goodwill', 'studio-adjust-1')), 25,
  'postgres should adjust points');
select is((select id from public.admin_adjust_points(tests.mp('client'), 25, 'Studio goodwill', 'studio-adjust-1')),
          (select id from public.wallet_ledger where idempotency_key = 'studio-adjust-1'),
  'a repeated platform adjustment with the same key should return the first entry');
select is((select count(*) from public.wallet_ledger where idempotency_key = 'studio-adjust-1'), 1::bigint, 'and post it once');
select is((select role::text from public.set_user_role(tests.mp('other_client'), 'tool_creator')), 'tool_creator',
  'postgres should change a platform role');
select ok((select count(*) from public.admin_list_users() ) > 0, 'postgres should list users');
select is((select status::text from public.review_tool(tests.mp('suspended_tool'), 'reinstate')), 'approved',
  'postgres should reinstate a tool');
select lives_ok($$select public.grant_voucher(tests.mp('client'), (select id from public.voucher_types order by created_at limit 1))$$,
  'postgres should grant a voucher');

-- ----------------------------------------------------------------------------- others are judged by their token
select is(tests.mp_try_as('client', format($$select public.decide_payout(%L, 'mark_paid')$$, tests.mp('payout_creator'))), 'error:forbidden',
  'a signed-in client should still be refused an admin function');
select matches(tests.mp_try_as('service_role', format($$select public.admin_adjust_points(%L, 5, 'x y z', 'svc-1')$$, tests.mp('client'))), '^error:',
  'the service role should still not pass as an admin');
select is(tests.mp_try_as('admin', format($$select status::text from public.decide_payout(%L, 'mark_paid')$$, tests.mp('payout_creator'))), 'rows:1',
  'a signed-in admin should still decide payouts');

-- ----------------------------------------------------------------------------- Table Editor status edits
select throws_like($$update public.accounts set status = 'suspended', review_reason = 'x' where id = (select id from public.accounts limit 1)$$,
  '%use private.review_account(%', 'a Table Editor edit of an account status should name private.review_account');
select throws_like(format($$update public.tools set status = 'approved' where id = %L$$, tests.mp('draft_tool')),
  '%use public.review_tool(%', 'a Table Editor edit of a tool status should name public.review_tool');
select throws_like(format($$update public.payouts set status = 'rejected' where id = %L$$, tests.mp('payout_other')),
  '%use public.decide_payout(%', 'a Table Editor edit of a payout status should name public.decide_payout');
select throws_like(format($$update public.refunds set status = 'approved' where id = %L$$, tests.mp('refund_other')),
  '%use public.decide_refund(%', 'a Table Editor edit of a refund status should name public.decide_refund');

select * from finish();
rollback;
