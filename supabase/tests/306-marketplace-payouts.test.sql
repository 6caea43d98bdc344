-- Payouts: a creator asks for up to their available earnings (held at once, never more than earned,
-- pending earnings settled first); admins approve, reject with a reason (points return) or mark paid.
-- Fixture: creator's wallet holds 4 (7 earned − 3 held by payout_creator).
begin;
select plan(26);
select tests.mp_fixture();

select is(tests.mp_try_as('client', $$select public.request_payout(1, 'p-client')$$), 'error:forbidden', 'a client should not request payouts');
select is(tests.mp_try_as('anon', $$select public.request_payout(1, 'p-anon')$$), 'error:42501', 'anonymous visitors should not request payouts');
select is(tests.mp_try_as('creator', $$select public.request_payout(0, 'p-zero')$$), 'error:invalid_amount', 'a zero payout should be refused');
select is(tests.mp_try_as('creator', $$select public.request_payout(-5, 'p-negative')$$), 'error:invalid_amount', 'a negative payout should be refused');
select is(tests.mp_try_as('creator', $$select public.request_payout(5, 'p-too-much')$$), 'error:payout_exceeds_available',
  'a payout above the available earnings should be refused');
select is((select count(*)::int from public.payouts where creator_id = tests.mp('creator')), 1, 'a refused payout should record nothing');
select is((select balance from public.wallets where user_id = tests.mp('creator')), 4, 'a refused payout should leave the wallet alone');

-- pending earnings count: one more use of `tool` earns 7, not yet settled
select private.use_tool(tests.mp('client'), tests.mp('tool'), 'p-use') is not null as used \gset
select tests.mp_as('creator');
select public.request_payout(11, 'p-all') as first_payout \gset
select public.request_payout(11, 'p-all') as second_payout \gset
select tests.clear_authentication();
select is((:'second_payout'::public.payouts).id, (:'first_payout'::public.payouts).id,
  'a retry with the same idempotency key should return the first payout');
select is((select count(*)::int from public.payouts where idempotency_key = 'p-all'), 1, 'a retry should record one payout only');
select is((select balance from public.wallets where user_id = tests.mp('creator')), 0,
  'a payout should settle pending earnings and hold exactly the amount (4 + 7 − 11)');
select results_eq(
  format($$select kind::text, amount, balance_after from public.wallet_ledger where reference_id = %L$$, (:'first_payout'::public.payouts).id),
  $$values ('payout', -11, 0)$$,
  'the held points should show as a payout entry in the creator''s history');
select is(tests.mp_try_as('creator', $$select public.request_payout(12, 'p-all')$$), 'error:idempotency_key_reused',
  'the same key for another amount should be refused');
select is(tests.mp_try_as('creator', $$select public.request_payout(1, 'p-empty')$$), 'error:payout_exceeds_available',
  'nothing should be left to pay out once everything is held');

-- decisions ------------------------------------------------------------------------------------
select is(tests.mp_try_as('creator', format($$select public.decide_payout(%L, 'mark_paid')$$, (:'first_payout'::public.payouts).id)), 'error:forbidden',
  'a creator should not decide their own payout');
select is(tests.mp_try_as('admin', format($$select public.decide_payout(%L, 'reject')$$, (:'first_payout'::public.payouts).id)), 'error:reason_required',
  'a rejection should need a reason');
select is(tests.mp_try_as('admin', format($$select public.decide_payout(%L, 'cancel')$$, (:'first_payout'::public.payouts).id)), 'error:invalid_decision',
  'an unknown decision should be refused');
select is(tests.mp_try_as('admin', $$select public.decide_payout(gen_random_uuid(), 'approve')$$), 'error:payout_not_found',
  'deciding an unknown payout should be refused');

select tests.mp_do_as('admin', format($$select public.decide_payout(%L, 'approve')$$, (:'first_payout'::public.payouts).id));
select is((select status::text from public.payouts where id = (:'first_payout'::public.payouts).id), 'approved', 'an admin should approve a payout');
select tests.mp_do_as('admin', format($$select public.decide_payout(%L, 'reject', 'Bank details missing')$$, (:'first_payout'::public.payouts).id));
select results_eq(
  format($$select status::text, decision_reason, decided_by from public.payouts where id = %L$$, (:'first_payout'::public.payouts).id),
  $$values ('rejected', 'Bank details missing', tests.mp('admin'))$$,
  'a rejection should record the reason and the admin');
select is((select balance from public.wallets where user_id = tests.mp('creator')), 11, 'a rejected payout should return the points to the wallet');
select results_eq(
  format($$select amount, reason::text from public.wallet_ledger where reference_id = %L order by id$$, (:'first_payout'::public.payouts).id),
  $$values (-11, null::text), (11, 'Bank details missing')$$,
  'the return should be a payout entry carrying the reason');
select is(tests.mp_try_as('admin', format($$select public.decide_payout(%L, 'mark_paid')$$, (:'first_payout'::public.payouts).id)), 'error:invalid_status',
  'a rejected payout should not be paid');
select is(tests.mp_try_as('admin', format($$select public.decide_payout(%L, 'reject', 'Again')$$, (:'first_payout'::public.payouts).id)), 'rows:1',
  'rejecting a rejected payout again should answer it unchanged (a retry) and return nothing twice');
select tests.mp_do_as('admin', format($$select public.decide_payout(%L, 'reject', 'Again')$$, (:'first_payout'::public.payouts).id));
select is((select balance from public.wallets where user_id = tests.mp('creator')), 11, 'a repeated rejection should not return the points twice');

select tests.mp_do_as('admin', format($$select public.decide_payout(%L, 'mark_paid')$$, tests.mp('payout_creator')));
select results_eq(
  format($$select status::text, paid_at is not null from public.payouts where id = %L$$, tests.mp('payout_creator')),
  $$values ('paid', true)$$,
  'an admin should mark a requested payout paid');
select tests.mp_as('creator');
select public.revenue_stats() as stats \gset
select tests.clear_authentication();
select is(:'stats'::jsonb #> '{totals,points_paid_out}', '3'::jsonb, 'paid payouts should count as paid out in the revenue stats');

select * from finish();
rollback;
