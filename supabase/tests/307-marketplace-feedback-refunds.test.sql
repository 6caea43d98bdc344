-- Feedback (after a usage, once per usage, 1–5) and refunds (asked by the client, decided by an
-- admin: points back, creator's share reversed, in one transaction).
-- Fixture: tool rated 5 once (feedback_client); refund_other requested on usage_other (4 points,
-- share 2, settled); other_creator's wallet holds 1 (2 earned − 1 held).
begin;
select plan(34);
select tests.mp_fixture();

-- feedback -------------------------------------------------------------------------------------
select private.use_tool(tests.mp('client'), tests.mp('tool'), 'f-use') #>> '{usage,id}' as second_usage \gset
select is(tests.mp_try_as('client', format($$select public.submit_feedback(%L, 0)$$, :'second_usage')), 'error:invalid_rating', 'a rating of 0 should be refused');
select is(tests.mp_try_as('client', format($$select public.submit_feedback(%L, 6)$$, :'second_usage')), 'error:invalid_rating', 'a rating of 6 should be refused');
select is(tests.mp_try_as('client', format($$select public.submit_feedback(%L, null)$$, :'second_usage')), 'error:invalid_rating', 'a missing rating should be refused');
select is(tests.mp_try_as('client', format($$select public.submit_feedback(%L, 4, repeat('x', 2001))$$, :'second_usage')), 'error:review_too_long',
  'a review over 2,000 characters should be refused');
select is(tests.mp_try_as('other_client', format($$select public.submit_feedback(%L, 1)$$, :'second_usage')), 'error:usage_not_found',
  'a client should not rate with someone else''s usage');
select is(tests.mp_try_as('creator', format($$select public.submit_feedback(%L, 5)$$, :'second_usage')), 'error:usage_not_found',
  'a creator should not rate their own tool with a client''s usage');
select is(tests.mp_try_as('client', $$select public.submit_feedback(gen_random_uuid(), 5)$$), 'error:usage_not_found',
  'feedback without a usage should be refused');
select is(tests.mp_try_as('client', $$select public.submit_feedback(tests.mp('usage_client'), 1)$$), 'error:feedback_exists',
  'a usage should be rated once');
select is((select count(*)::int from public.feedback where tool_id = tests.mp('tool')), 1, 'refused feedback should write nothing');

select tests.mp_do_as('client', format($$select public.submit_feedback(%L, 2, 'Slower this time')$$, :'second_usage'));
select results_eq($$select rating_count, rating_average from public.tools where id = tests.mp('tool')$$,
  $$values (2, 3.50::numeric(3, 2))$$, 'a tool should show its rating count and average');
select tests.mp_do_as('admin', $$delete from public.feedback where id = tests.mp('feedback_client')$$);
select results_eq($$select rating_count, rating_average from public.tools where id = tests.mp('tool')$$,
  $$values (1, 2.00::numeric(3, 2))$$, 'deleting feedback should update the tool''s rating');

-- refunds: requests ----------------------------------------------------------------------------
select is(tests.mp_try_as('other_client', $$select public.request_refund(tests.mp('usage_client'), 'Not mine but worth a try', 'r-steal')$$),
  'error:usage_not_found', 'a client should not ask for a refund of someone else''s usage');
select is(tests.mp_try_as('client', $$select public.request_refund(tests.mp('usage_client'), '', 'r-no-reason')$$),
  'error:reason_required', 'a refund request should need a reason');
select is(tests.mp_try_as('client', $$select public.request_refund(gen_random_uuid(), 'Nothing to refund', 'r-ghost')$$),
  'error:usage_not_found', 'a refund of an unknown usage should be refused');
select tests.mp_as('client');
select public.request_refund(tests.mp('usage_client'), 'The summary was wrong', 'r-1') as first_refund \gset
select public.request_refund(tests.mp('usage_client'), 'The summary was wrong', 'r-1') as second_refund \gset
select tests.clear_authentication();
select is((:'second_refund'::public.refunds).id, (:'first_refund'::public.refunds).id, 'a retried request with the same key should return the first one');
select is(tests.mp_try_as('client', $$select public.request_refund(tests.mp('usage_client'), 'Asking again', 'r-2')$$),
  'error:refund_exists', 'a usage should be refunded at most once');
select is(tests.mp_try_as('client', $$select public.request_refund(tests.mp('usage_client'), 'Other usage', 'r-1')$$), 'rows:1',
  'the same key and usage should keep answering the first request');

-- refunds: decisions ---------------------------------------------------------------------------
select is(tests.mp_try_as('client', format($$select public.decide_refund(%L, 'approve')$$, (:'first_refund'::public.refunds).id)), 'error:forbidden',
  'a client should not approve their own refund');
select is(tests.mp_try_as('admin', format($$select public.decide_refund(%L, 'reject')$$, (:'first_refund'::public.refunds).id)), 'error:note_required',
  'a rejection should need a note');
select private.settle_earnings(tests.mp('creator')) as settled \gset
select balance as client_before from public.wallets where user_id = tests.mp('client') \gset
select balance as creator_before from public.wallets where user_id = tests.mp('creator') \gset
select tests.mp_do_as('admin', format($$select public.decide_refund(%L, 'approve', 'Sorry about that')$$, (:'first_refund'::public.refunds).id));
select is((select balance from public.wallets where user_id = tests.mp('client')), :client_before + 10, 'an approved refund should give the client the price back');
select is((select balance from public.wallets where user_id = tests.mp('creator')), :creator_before - 7, 'an approved refund should take the creator''s share back');
select is((select status::text from public.usages where id = tests.mp('usage_client')), 'refunded', 'the usage should be marked refunded');
select results_eq(
  format($$select user_id, kind::text, amount from public.wallet_ledger where reference_id = %L order by id$$, (:'first_refund'::public.refunds).id),
  $$values (tests.mp('client'), 'refund', 10), (tests.mp('creator'), 'refund', -7)$$,
  'both sides of a refund should be in the ledger, under the refund');
select is(tests.mp_try_as('admin', format($$select public.decide_refund(%L, 'approve')$$, (:'first_refund'::public.refunds).id)), 'rows:1',
  'approving again should answer the refund unchanged (a retry)');
select tests.mp_do_as('admin', format($$select public.decide_refund(%L, 'approve')$$, (:'first_refund'::public.refunds).id));
select is((select balance from public.wallets where user_id = tests.mp('client')), :client_before + 10, 'a repeated approval should not refund twice');
select is(tests.mp_try_as('admin', format($$select public.decide_refund(%L, 'reject', 'Changed my mind')$$, (:'first_refund'::public.refunds).id)), 'error:invalid_status',
  'an approved refund should not be rejected afterwards');
select is(tests.mp_try_as('client', $$select public.request_refund(tests.mp('usage_client'), 'Again please', 'r-3')$$), 'error:already_refunded',
  'a refunded usage should not be refunded again');

-- a share not yet settled is simply never credited
select private.use_tool(tests.mp('client'), tests.mp('tool'), 'r-unsettled') #>> '{usage,id}' as unsettled_usage \gset
select tests.mp_as('client');
select (public.request_refund(:'unsettled_usage', 'Did not work', 'r-unsettled')).id as unsettled_refund \gset
select tests.clear_authentication();
select balance as creator_before from public.wallets where user_id = tests.mp('creator') \gset
select tests.mp_do_as('admin', format($$select public.decide_refund(%L, 'approve', repeat('n', 900))$$, :'unsettled_refund'));
select is((select char_length(reason) from public.wallet_ledger where reference_id = :'unsettled_refund'::uuid and kind = 'refund'), 900,
  'an approval note of up to 1,000 characters should reach the client''s history whole');
select is(private.settle_earnings(tests.mp('creator')), 0, 'settlement should skip a usage refunded before it was settled');
select is((select count(*)::int from public.wallet_ledger where reference_id = :'unsettled_usage'::uuid and kind = 'earning'), 0,
  'the share of a usage refunded before settlement should never be credited');
select is((select balance from public.wallets where user_id = tests.mp('creator')), :creator_before,
  'a refund of a pending usage should leave the creator''s wallet alone');

-- the creator already took the points out: nothing is written
select tests.mp_do_as('other_creator', $$select public.request_payout(1, 'r-drain')$$);
select is(tests.mp_try_as('admin', $$select public.decide_refund(tests.mp('refund_other'), 'approve')$$), 'error:creator_balance_insufficient',
  'a refund whose share the creator already took out should be refused');
select results_eq(
  $$select r.status::text, u.status::text, w.balance from public.refunds as r join public.usages as u on u.id = r.usage_id join public.wallets as w on w.user_id = r.client_id where r.id = tests.mp('refund_other')$$,
  $$values ('requested', 'completed', 46)$$,
  'a refused approval should write nothing');
select tests.mp_do_as('admin', $$select public.decide_refund(tests.mp('refund_other'), 'reject', 'Used as described')$$);
select is((select status::text from public.refunds where id = tests.mp('refund_other')), 'rejected', 'an admin should reject a refund with a note');

select * from finish();
rollback;
