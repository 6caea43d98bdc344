-- Using a tool: one transaction that records the usage and debits the price; idempotency; refusals
-- that write nothing; settlement of the creator's earnings; revenue stats.
-- Fixture: client holds 90 points after one use of `tool` (10 points, 70 % → share 7).
begin;
select plan(37);
select tests.mp_fixture();

-- a use ----------------------------------------------------------------------------------------
select private.use_tool(tests.mp('client'), tests.mp('tool'), 'use-1') as first_use \gset
select is((:'first_use'::jsonb ->> 'balance')::int, 80, 'a use should debit the price and answer the balance after it');
select is((:'first_use'::jsonb ->> 'replayed')::boolean, false, 'a first use should not be a replay');
select results_eq(
  format($$select tool_id, client_id, creator_id, points_charged, creator_share, status::text, settled_at from public.usages where id = %L$$, :'first_use'::jsonb #>> '{usage,id}'),
  $$values (tests.mp('tool'), tests.mp('client'), tests.mp('creator'), 10, 7, 'completed', null::timestamptz)$$,
  'the usage should record the tool, the client, the creator, the price and the creator''s share');
select results_eq(
  format($$select kind::text, amount, balance_after, actor_id from public.wallet_ledger where reference_id = %L$$, :'first_use'::jsonb #>> '{usage,id}'),
  $$values ('spend', -10, 80, tests.mp('client'))$$,
  'the use should append one spend entry to the client''s ledger');

-- idempotency ----------------------------------------------------------------------------------
select private.use_tool(tests.mp('client'), tests.mp('tool'), 'use-1') as retried_use \gset
select is(:'retried_use'::jsonb #>> '{usage,id}', :'first_use'::jsonb #>> '{usage,id}', 'a retry with the same key should return the first usage');
select is((:'retried_use'::jsonb ->> 'replayed')::boolean, true, 'a retry should say it is a replay');
select is((select balance from public.wallets where user_id = tests.mp('client')), 80, 'a retry should never charge again');
select is((select count(*)::int from public.usages where client_id = tests.mp('client') and idempotency_key = 'use-1'), 1, 'a retry should record no second usage');
select is(tests.mp_try($$select private.use_tool(tests.mp('client'), tests.mp('other_tool'), 'use-1')$$), 'error:idempotency_key_reused',
  'the same key for another tool should be refused');
select is(tests.mp_try($$select private.use_tool(tests.mp('client'), tests.mp('tool'), '')$$), 'error:invalid_idempotency_key',
  'an empty idempotency key should be refused');
select is((private.use_tool(tests.mp('other_client'), tests.mp('tool'), 'use-1') ->> 'replayed')::boolean, false,
  'idempotency keys should be scoped to the client');

-- refusals write nothing -----------------------------------------------------------------------
select tests.mp_user('poor_client') as poor \gset
select tests.mp_do_as('admin', $$select public.admin_adjust_points(tests.mp('poor_client'), 9, 'Almost enough', 'poor-top-up')$$);
select is(tests.mp_try($$select private.use_tool(tests.mp('poor_client'), tests.mp('tool'), 'poor-1')$$), 'error:insufficient_points',
  'a use the balance cannot pay for should fail with insufficient_points');
select is((select count(*)::int from public.usages where client_id = tests.mp('poor_client')), 0, 'an unpaid use should record no usage');
select is((select count(*)::int from public.wallet_ledger where user_id = tests.mp('poor_client')), 1, 'an unpaid use should write no ledger entry');
select is((select balance from public.wallets where user_id = tests.mp('poor_client')), 9, 'an unpaid use should leave the balance alone');
select is(tests.mp_try($$select private.use_tool(tests.mp('client'), tests.mp('draft_tool'), 'use-draft')$$), 'error:tool_not_found',
  'a draft tool should not be usable (nor known to clients)');
select is(tests.mp_try($$select private.use_tool(tests.mp('client'), tests.mp('suspended_tool'), 'use-suspended')$$), 'error:tool_unavailable',
  'a suspended tool should not be usable');
select is(tests.mp_try($$select private.use_tool(tests.mp('client'), gen_random_uuid(), 'use-ghost')$$), 'error:tool_not_found',
  'an unknown tool should not be usable');
select tests.mp_do_as('admin', $$select public.review_tool(tests.mp('tool'), 'suspend', 'Temporarily off')$$);
select is((private.use_tool(tests.mp('client'), tests.mp('tool'), 'use-1') ->> 'replayed')::boolean, true,
  'a retry should still return the first usage after the tool was suspended');
select tests.mp_do_as('admin', $$select public.review_tool(tests.mp('tool'), 'reinstate')$$);
select ok(not has_function_privilege('authenticated', 'private.use_tool(uuid, uuid, text, integer)', 'execute'),
  'signed-in users should not call use_tool with someone else''s id (the use-tool function calls it for the verified caller)');

-- settlement of earnings -----------------------------------------------------------------------
-- creator: 7 (fixture usage, settled) − 3 (payout) = 4; pending: use-1 (7) and other_client's use-1 (7).
select is((select balance from public.wallets where user_id = tests.mp('creator')), 4, 'earnings should not reach the creator''s wallet before settlement');
select is(private.settle_earnings(tests.mp('creator')), 2, 'settling should credit every pending usage of the creator');
select is((select balance from public.wallets where user_id = tests.mp('creator')), 18, 'the creator''s wallet should grow by the settled shares');
select is((select count(*)::int from public.wallet_ledger where user_id = tests.mp('creator') and kind = 'earning'), 3,
  'each settled usage should be one earning entry in the creator''s history');
select is(private.settle_earnings(tests.mp('creator')), 0, 'settling again should find nothing to do');
select is((select usage_count from public.tools where id = tests.mp('tool')), 3::bigint, 'settlement should count the uses of each tool (its popularity)');

insert into public.tools (id, creator_id, name, category, price_points, creator_share_percent, status)
values (tests.mp_register('free_share_tool', gen_random_uuid()), tests.mp('creator'), 'No share', 'text', 2, 0, 'approved');
select lives_ok($$select private.use_tool(tests.mp('client'), tests.mp('free_share_tool'), 'use-no-share')$$, 'a tool with a 0 % share should be usable');
select is(private.settle_earnings(tests.mp('creator')), 1, 'a usage with no share should still be settled');
select is((select count(*)::int from public.wallet_ledger where user_id = tests.mp('creator') and kind = 'earning'), 3,
  'a usage with no share should credit nothing');

select private.use_tool(tests.mp('client'), tests.mp('tool'), 'use-2') as pending_use \gset
select tests.mp_as('creator');
select is((select balance from public.get_wallet()), 25, 'reading the wallet should first credit pending earnings');
select tests.clear_authentication();
select tests.mp_as('other_client');
select results_eq($$select balance from public.get_wallet()$$, $$values (36)$$, 'a client should read their own balance');
select tests.clear_authentication();
select is(tests.mp_try_as('anon', $$select public.get_wallet()$$), 'error:42501', 'anonymous visitors have no wallet');

-- revenue --------------------------------------------------------------------------------------
select tests.mp_as('creator');
select public.revenue_stats() as stats \gset
select tests.clear_authentication();
select is(:'stats'::jsonb -> 'totals',
  '{"usages": 5, "refunded_usages": 0, "points_earned": 28, "points_paid_out": 0, "points_pending_payout": 3, "points_available": 25}'::jsonb,
  'revenue totals should count usages, points earned, paid out, pending and available');
select is(jsonb_array_length(:'stats'::jsonb -> 'per_day'), 30, 'revenue per day should cover the last 30 days by default');
select is((select (t ->> 'points_earned')::int from jsonb_array_elements(:'stats'::jsonb -> 'per_tool') as t where t ->> 'tool_id' = tests.mp('tool')::text), 28,
  'revenue per tool should add up the tool''s shares');
select is(tests.mp_try_as('creator', $$select public.revenue_stats(current_date, current_date - 1)$$), 'error:invalid_range',
  'a range that ends before it starts should be refused');
select is(tests.mp_try_as('creator', format($$select public.revenue_stats(null, null, %L)$$, tests.mp('other_creator'))), 'error:forbidden',
  'a creator should not read another creator''s revenue');

select * from finish();
rollback;
