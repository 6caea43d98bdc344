-- Marketplace abuse cases, each written as the attack at the SQL level, for every role:
-- - a creator rewriting an approved tool (price, share, name, description) to charge clients more;
-- - a client charged another price than the one it saw;
-- - payouts of points that were never earned (admin credits, top-ups), of earnings spent since, and
--   while a points debt is open; a creator earning from, or rating, its own tool.
-- Fixture (300): `tool` is creator's, approved, 10 points at 70 %; creator has earned 7 and holds 3 in
-- a payout (wallet 4, all of it earnings); other_creator has earned 2 and holds 1 (wallet 1).
begin;
select plan(47);
select tests.mp_fixture();

-- ============================================================================================
-- Payouts only from settled earnings
-- ============================================================================================
select is((select earnings_balance from public.wallets where user_id = tests.mp('creator')), 4,
  'the creator''s earnings not yet paid out should be tracked (7 earned − 3 held)');

-- Admin credits are not earnings.
select tests.mp_do_as('admin', format($$select public.admin_adjust_points(%L, 1000, 'Goodwill credit', 'sec-credit-creator')$$, tests.mp('creator')));
select is(tests.mp_try_as('creator', $$select public.request_payout(1000, 'sec-cash-out-credit')$$), 'error:payout_exceeds_available',
  'a creator should not cash out points an admin credited');
select is(tests.mp_try_as('creator', $$select public.request_payout(5, 'sec-cash-out-5')$$), 'error:payout_exceeds_available',
  'a payout should be bounded by the earnings not yet paid out (4), whatever else the wallet holds');
select is(tests.mp_try_as('creator', $$select public.request_payout(4, 'sec-cash-out-4')$$), 'rows:1',
  'a payout of exactly the earnings left should go through');
select is(tests.mp_try_as('admin', $$select public.request_payout(1, 'sec-admin-payout')$$), 'error:forbidden',
  'an admin should not request a payout');
select is(tests.mp_try_as('client', $$select public.request_payout(1, 'sec-client-payout')$$), 'error:forbidden',
  'a client should not request a payout of its purchased points');

-- No self-use: a creator cannot turn its own points into earnings through its own tool.
select is(tests.mp_try($$select private.use_tool(tests.mp('creator'), tests.mp('tool'), 'sec-self-use', 10)$$), 'error:own_tool',
  'a creator should not use (and earn from) its own tool');
select is(tests.mp_try($$select private.use_tool(tests.mp('creator'), tests.mp('tool'), 'sec-self-use-legacy')$$), 'error:own_tool',
  'a creator should not use its own tool without an expected price either');
select is((select count(*)::int from public.usages where client_id = tests.mp('creator')), 0, 'a refused self-use should record nothing');
select is((select balance from public.wallets where user_id = tests.mp('creator')), 1004, 'a refused self-use should charge nothing');
select is(tests.mp_try($$select private.use_tool(tests.mp('other_creator'), tests.mp('tool'), 'sec-cross-use', 10)$$), 'error:insufficient_points',
  'another creator may use the tool like any client (here: short of points)');

-- No feedback on one's own tool (a usage from before self-use was refused).
insert into public.usages (tool_id, client_id, creator_id, points_charged, creator_share, idempotency_key, settled_at)
values (tests.mp('tool'), tests.mp('creator'), tests.mp('creator'), 10, 0, 'sec-legacy-self-use', now());
select tests.mp_register('self_usage', (select id from public.usages where idempotency_key = 'sec-legacy-self-use'));
select is(tests.mp_try_as('creator', format($$select public.submit_feedback(%L, 5, 'Best tool ever')$$, tests.mp('self_usage'))), 'error:own_tool',
  'a creator should not rate its own tool');
select is((select rating_count from public.tools where id = tests.mp('tool')), 1, 'the tool''s rating should not move');

-- Earnings spent since cannot be cashed out after a top-up (spending takes purchased points first,
-- then earnings; a later credit does not bring them back).
select tests.mp_do_as('admin', format($$select public.admin_adjust_points(%L, 9, 'Promotion credit', 'sec-credit-other')$$, tests.mp('other_creator')));
select is((select (balance, earnings_balance)::text from public.wallets where user_id = tests.mp('other_creator')), '(10,1)',
  'an admin credit should not count as earnings');
select ok((private.use_tool(tests.mp('other_creator'), tests.mp('tool'), 'sec-spend-all', 10) ->> 'balance')::int = 0,
  'another creator spends all its points on a tool');
select is((select earnings_balance from public.wallets where user_id = tests.mp('other_creator')), 0,
  'spending below the earnings should consume them');
select tests.mp_do_as('admin', format($$select public.admin_adjust_points(%L, 20, 'Another credit', 'sec-credit-other-2')$$, tests.mp('other_creator')));
select is(tests.mp_try_as('other_creator', $$select public.request_payout(1, 'sec-spent-earnings')$$), 'error:payout_exceeds_available',
  'earnings spent on tools should not become payable again with credited points');

-- A points debt (a refunded top-up already spent) is collected from earnings before any payout.
select tests.mp_user('debtor', 'tool_creator');
insert into public.tools (id, creator_id, name, description, category, price_points, creator_share_percent, status, submitted_at, reviewed_at, review_note)
values (tests.mp_register('debtor_tool', gen_random_uuid()), tests.mp('debtor'), 'Debtor tool', '', 'text', 10, 70, 'approved', now(), now(), 'Fixture');
insert into public.points_packages (id, name, points, price_amount)
values (tests.mp_register('package', gen_random_uuid()), 'Security fixture pack', 100, 500);
insert into public.payments (id, user_id, purpose, points_package_id, description, points, amount, currency, idempotency_key)
values (tests.mp_register('debtor_payment', gen_random_uuid()), tests.mp('debtor'), 'points', tests.mp('package'), 'Fixture top-up', 100, 500, 'usd', 'sec-debt');
insert into public.points_debts (user_id, payment_id, points) values (tests.mp('debtor'), tests.mp('debtor_payment'), 6);
select ok(private.use_tool(tests.mp('client'), tests.mp('debtor_tool'), 'sec-debtor-use', 10) is not null, 'a client uses the debtor''s tool (share 7)');
select is(tests.mp_try_as('debtor', $$select public.request_payout(2, 'sec-debt-payout')$$), 'error:payout_exceeds_available',
  'a creator with an open points debt should be paid only what is left after the debt (7 − 6 = 1)');
select private.settle_earnings(tests.mp('debtor'));
select is((select settled_at is not null from public.points_debts where user_id = tests.mp('debtor')), true,
  'settling earnings should collect an open points debt');
select is((select (balance, earnings_balance)::text from public.wallets where user_id = tests.mp('debtor')), '(1,1)',
  'the debt should be taken from the earnings');
select is(tests.mp_try_as('debtor', $$select public.request_payout(1, 'sec-debt-payout-1')$$), 'rows:1',
  'what is left after the debt should be payable');

-- The invariant holds for every wallet.
select is((select count(*)::int from public.wallets where earnings_balance < 0 or earnings_balance > balance), 0,
  'no wallet should hold more payable earnings than points');

-- ============================================================================================
-- Approved tools change only after review; clients pay the price they expect
-- ============================================================================================
select tests.mp_do_as('creator', format($$update public.tools set price_points = 1000000 where id = %L$$, tests.mp('tool')));
select is((select (price_points, status)::text from public.tools where id = tests.mp('tool')), '(10,approved)',
  'a creator''s new price for an approved tool should not apply before an admin approves it');
select tests.mp_do_as('creator', format($$update public.tools set creator_share_percent = 100 where id = %L$$, tests.mp('tool')));
select tests.mp_do_as('creator', format($$update public.tools set name = 'Fixture summariser PRO', description = 'Now 100x better' where id = %L$$, tests.mp('tool')));
select is((select (name, description, creator_share_percent)::text from public.tools where id = tests.mp('tool')), '("Fixture summariser","Summarises text",70)',
  'a creator''s new share, name and description should not apply before review');
select results_eq(
  format($$select name, description, price_points, creator_share_percent, status::text from public.tool_revisions where tool_id = %L and status = 'pending'$$, tests.mp('tool')),
  $$values ('Fixture summariser PRO'::text, 'Now 100x better'::text, 1000000, 100, 'pending')$$,
  'the changes should wait together in one pending revision');
select is((select count(*)::int from public.tool_revisions where tool_id = tests.mp('tool') and status = 'superseded'), 2,
  'each further change should supersede the revision an admin may be looking at');
select is(((private.use_tool(tests.mp('client'), tests.mp('tool'), 'sec-use-live') #>> '{usage,points_charged}')::int), 10,
  'a client should be charged the approved price while a change waits for review');
select is(((private.use_tool(tests.mp('client'), tests.mp('tool'), 'sec-use-live') #>> '{usage,creator_share}')::int), 7,
  'the creator should earn the approved share while a change waits for review');

-- Who sees and who decides revisions.
select is(tests.mp_matrix(format($$select 1 from public.tool_revisions where tool_id = %L$$, tests.mp('tool'))),
  'anon=error:42501 client=rows:0 other_client=rows:0 creator=rows:3 other_creator=rows:0 admin=rows:3',
  'revisions should be visible to the tool''s creator and admins only');
select tests.mp_register('revision', (select id from public.tool_revisions where tool_id = tests.mp('tool') and status = 'pending'));
select is(tests.mp_matrix(format($$select public.review_tool_revision(%L, 'approve')$$, tests.mp('revision'))),
  'anon=error:42501 client=error:forbidden other_client=error:forbidden creator=error:forbidden other_creator=error:forbidden admin=rows:1',
  'only an admin should approve a revision (not even the tool''s creator)');
select is(tests.mp_matrix(format($$update public.tool_revisions set status = 'approved' where id = %L$$, tests.mp('revision'))),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'nobody should approve a revision by writing its status');
select is(tests.mp_matrix(format($$insert into public.tool_revisions (tool_id, creator_id, name, description, category, price_points, creator_share_percent) values (%L, %L, 'X tool', '', 'text', 1, 100)$$, tests.mp('other_tool'), tests.mp('other_creator'))),
  'anon=error:42501 client=error:42501 other_client=error:42501 creator=error:42501 other_creator=error:42501 admin=error:42501',
  'nobody should insert a revision directly');
select is(tests.mp_try_as('other_creator', format($$update public.tools set price_points = 1 where id = %L$$, tests.mp('tool'))), 'rows:0',
  'another creator should not change the tool at all');
select is(tests.mp_try_as('other_creator', format($$delete from public.tool_revisions where id = %L$$, tests.mp('revision'))), 'rows:0',
  'another creator should not withdraw the revision');
select is(tests.mp_try_as('client', format($$delete from public.tool_revisions where id = %L$$, tests.mp('revision'))), 'rows:0',
  'a client should not withdraw the revision');
select is(tests.mp_try_as('creator', format($$delete from public.tool_revisions where id = %L$$, tests.mp('revision'))), 'rows:1',
  'the creator should be able to withdraw its pending revision');
select is(tests.mp_try_as('admin', format($$select public.review_tool_revision(%L, 'approve')$$,
  (select id from public.tool_revisions where tool_id = tests.mp('tool') and status = 'superseded' order by created_at limit 1))), 'error:invalid_status',
  'an admin should not approve a superseded revision (it is not what the creator proposes now)');
select is(tests.mp_try_as('admin', format($$select public.review_tool_revision(%L, 'reject')$$, tests.mp('revision'))), 'error:note_required',
  'a rejection should say why');
select tests.mp_do_as('admin', format($$select public.review_tool_revision(%L, 'reject', 'Price and claims not justified')$$, tests.mp('revision')));
select is((select (price_points, creator_share_percent, name)::text from public.tools where id = tests.mp('tool')), '(10,70,"Fixture summariser")',
  'a rejected revision should leave the tool as approved');

-- An approved revision applies; from then on a client expecting the old price is refused, uncharged.
select tests.mp_do_as('creator', format($$update public.tools set price_points = 12 where id = %L$$, tests.mp('tool')));
select tests.mp_do_as('admin', format($$select public.review_tool_revision((select id from public.tool_revisions where tool_id = %L and status = 'pending'), 'approve')$$, tests.mp('tool')));
select is((select (price_points, creator_share_percent, status)::text from public.tools where id = tests.mp('tool')), '(12,70,approved)',
  'an approved revision should apply to the live tool');
select is((select count(*)::int from public.audit_log where action = 'tool_revision.approved' and actor_id = tests.mp('admin')), 1,
  'the approval should be audited with the admin');
select is((select (after ->> 'price_points') from public.audit_log where action = 'tool.pricing_changed' and target_id = tests.mp('tool')::text), '12',
  'the live price change should be audited');
select is(tests.mp_try($$select private.use_tool(tests.mp('client'), tests.mp('tool'), 'sec-old-price', 10)$$), 'error:price_changed',
  'a client expecting the old price should be refused');
select is((select count(*)::int from public.usages where idempotency_key = 'sec-old-price'), 0, 'a refused price should record no usage');
select is(((private.use_tool(tests.mp('client'), tests.mp('tool'), 'sec-new-price', 12) #>> '{usage,points_charged}')::int), 12,
  'a client expecting the current price should be charged it');
select is(tests.mp_try($$select private.use_tool(tests.mp('client'), tests.mp('tool'), 'sec-new-price', 10)$$), 'rows:1',
  'a retry of a recorded use should replay it, whatever price it names');

select * from finish();
rollback;
