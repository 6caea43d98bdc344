-- The wallet: one balance per user and an append-only ledger. Structure and privileges, the single
-- balance-changing function, admin adjustments (with idempotency), and the ledger invariant — balance
-- = sum of entries = last balance_after, never negative — after a random workload of every operation.
begin;
select plan(50);
select tests.mp_fixture();

-- structure ------------------------------------------------------------------------------------
select has_table('public', 'wallets', 'wallets should exist');
select has_table('public', 'wallet_ledger', 'wallet_ledger should exist');
select col_type_is('public', 'wallets', 'balance', 'integer', 'balances should be whole points');
select col_type_is('public', 'wallet_ledger', 'amount', 'integer', 'ledger amounts should be whole points');
select enum_has_labels('public', 'wallet_entry_kind', array['purchase', 'spend', 'refund', 'admin_adjustment', 'voucher', 'earning', 'payout', 'subscription_allowance'],
  'entry kinds should be purchase, spend, refund, admin_adjustment, voucher, earning, payout and subscription_allowance');
select ok(not has_function_privilege('authenticated', 'private.post_wallet_entry(uuid, integer, public.wallet_entry_kind, text, uuid, uuid, text, text)', 'execute'),
  'signed-in users should not call the balance-changing primitive');
select ok(not has_function_privilege('service_role', 'private.post_wallet_entry(uuid, integer, public.wallet_entry_kind, text, uuid, uuid, text, text)', 'execute'),
  'the service role should not call the balance-changing primitive');
select ok(not has_function_privilege('anon', 'public.admin_adjust_points(uuid, integer, text, text)', 'execute'),
  'anon should not call admin_adjust_points');

-- append-only, for everyone including the table owner -------------------------------------------
select throws_ok($$update public.wallet_ledger set amount = amount + 1$$, '42501', null,
  'the ledger should refuse UPDATE even for its owner');
select throws_ok($$delete from public.wallet_ledger$$, '42501', null,
  'the ledger should refuse DELETE even for its owner');
-- The fixtures' entries left deferred balance checks pending in this transaction; run them first so the
-- TRUNCATE meets its refusal trigger rather than "pending trigger events".
set constraints all immediate;
select throws_ok($$truncate public.wallet_ledger$$, '42501', null,
  'the ledger should refuse TRUNCATE even for its owner');
set constraints all deferred;
select throws_ok($$delete from public.wallets where user_id = tests.mp('client')$$, '42501', null,
  'wallets should never be deleted, not even by their owner role');

-- an entry's shape: the table refuses zero entries and negative balances from anyone (here its owner,
-- past every privilege); post_wallet_entry, the writer every feature calls, refuses malformed entries
select throws_ok($$insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type) values (tests.mp('client'), 0, 'refund', 5, 'refund')$$,
  '23514', null, 'an entry should never be zero points');
select throws_ok($$insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type) values (tests.mp('client'), -5, 'refund', -1, 'refund')$$,
  '23514', null, 'an entry should never leave a negative balance');
select throws_ok($$insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type, reason) values (tests.mp('client'), 5, 'refund', 5, 'refund', repeat('x', 1001))$$,
  '22001', null, 'a reason should be at most 1,000 characters');
select throws_ok($$select private.post_wallet_entry(tests.mp('client'), 5, 'spend', 'usage', gen_random_uuid())$$,
  '23514', null, 'a spend should always be a debit');
select throws_ok($$select private.post_wallet_entry(tests.mp('client'), -1, 'earning', 'usage', gen_random_uuid())$$,
  '23514', null, 'an earning should always be a credit');
select throws_ok($$select private.post_wallet_entry(tests.mp('client'), 5, 'admin_adjustment', 'adjustment')$$,
  '23514', null, 'an admin adjustment should always carry a reason');
select throws_ok($$select private.post_wallet_entry(tests.mp('client'), 5, 'purchase', 'Payment!')$$,
  '23514', null, 'a reference type should be a lower-case word');
select throws_ok($$select private.post_wallet_entry(tests.mp('client'), 5, 'refund', 'refund', null, null, '')$$,
  '23514', null, 'a reason should not be empty');

-- post_wallet_entry ----------------------------------------------------------------------------
do $$ begin perform tests.mp_user('newcomer'); end $$;
select is((private.post_wallet_entry(tests.mp('newcomer'), 30, 'purchase', 'payment', gen_random_uuid())).balance_after, 30,
  'a first credit should create the wallet and report the balance after it');
select is((select balance from public.wallets where user_id = tests.mp('newcomer')), 30, 'the wallet should hold the credit');
select is(tests.mp_try($$select private.post_wallet_entry(tests.mp('newcomer'), -31, 'spend', 'usage', gen_random_uuid())$$),
  'error:insufficient_points', 'a debit beyond the balance should fail with insufficient_points');
select is((select count(*)::int from public.wallet_ledger where user_id = tests.mp('newcomer')), 1, 'a refused debit should write no entry');
select is((private.post_wallet_entry(tests.mp('newcomer'), -30, 'spend', 'usage', gen_random_uuid())).balance_after, 0,
  'a debit of the whole balance should leave exactly zero');
select is(tests.mp_try($$select private.post_wallet_entry(tests.mp('newcomer'), -1, 'spend', 'usage', gen_random_uuid())$$),
  'error:insufficient_points', 'an empty wallet should refuse any debit');
select is(tests.mp_try($$select private.post_wallet_entry(tests.mp('newcomer'), 0, 'purchase', 'payment')$$),
  'error:invalid_amount', 'a zero entry should be refused');
select is(tests.mp_try($$select private.post_wallet_entry(tests.mp('newcomer'), 5, 'spend', 'usage')$$),
  'error:23514', 'a spend should never credit (the kind and the sign must agree)');
select is(tests.mp_try($$select private.post_wallet_entry(tests.mp('admin'), -1, 'spend', 'usage')$$),
  'error:insufficient_points', 'a debit from a user without a wallet should fail with insufficient_points');

-- admin adjustments ----------------------------------------------------------------------------
select is(tests.mp_try_as('client', $$select public.admin_adjust_points(tests.mp('client'), 1000, 'I deserve it', 'k-self')$$),
  'error:forbidden', 'a client should not adjust wallets, not even their own');
select is(tests.mp_try_as('creator', $$select public.admin_adjust_points(tests.mp('creator'), 1000, 'I deserve it', 'k-self')$$),
  'error:forbidden', 'a creator should not adjust wallets');
select is(tests.mp_try_as('admin', $$select public.admin_adjust_points(tests.mp('client'), 25, '', 'k-no-reason')$$),
  'error:reason_required', 'an adjustment without a reason should be refused');
select is(tests.mp_try_as('admin', $$select public.admin_adjust_points(tests.mp('client'), 0, 'Nothing', 'k-zero')$$),
  'error:invalid_amount', 'a zero adjustment should be refused');
select is(tests.mp_try_as('admin', $$select public.admin_adjust_points(gen_random_uuid(), 25, 'Ghost', 'k-ghost')$$),
  'error:user_not_found', 'adjusting an unknown user should be refused');
select is(tests.mp_try_as('admin', $$select public.admin_adjust_points(tests.mp('client'), -1000, 'Too much', 'k-too-much')$$),
  'error:insufficient_points', 'a deduction should never take a balance below zero');

select tests.mp_as('admin');
select public.admin_adjust_points(tests.mp('client'), -15, 'Goodwill reversal', 'k-deduct') as first_entry \gset
select public.admin_adjust_points(tests.mp('client'), -15, 'Goodwill reversal', 'k-deduct') as second_entry \gset
select tests.clear_authentication();
select is((:'second_entry'::public.wallet_ledger).id, (:'first_entry'::public.wallet_ledger).id,
  'the same adjustment retried with the same idempotency key should return the first entry');
select is((select count(*)::int from public.wallet_ledger where idempotency_key = 'k-deduct'), 1,
  'a retried adjustment should write one entry only');
select is((select balance from public.wallets where user_id = tests.mp('client')), 75,
  'the deduction should have been applied once (90 − 15)');
select is(tests.mp_try_as('admin', $$select public.admin_adjust_points(tests.mp('client'), -14, 'Goodwill reversal', 'k-deduct')$$),
  'error:idempotency_key_reused', 'the same key for a different adjustment should be refused');
select results_eq(
  $$select kind::text, amount, reason::text, actor_id from public.wallet_ledger where idempotency_key = 'k-deduct'$$,
  $$values ('admin_adjustment', -15, 'Goodwill reversal', tests.mp('admin'))$$,
  'an adjustment should appear in the history with its reason and the admin who made it');
select is(tests.mp_try_as('client', $$select 1 from public.wallet_ledger where idempotency_key = 'k-deduct'$$), 'rows:1',
  'the client should see the adjustment in their own history');

-- the ledger invariant after a random workload -------------------------------------------------
create function tests.mp_random_workload(steps integer)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  clients uuid[] := '{}';
  creators uuid[] := '{}';
  tools uuid[] := '{}';
  usage_ids uuid[];
  payout_ids uuid[];
  refund_id uuid;
  retry_key text;
  who uuid;
  r double precision;
  done jsonb := '{}';
  op text;
  i integer;
begin
  perform setseed(0.42);
  for i in 1..6 loop clients := clients || tests.mp_user('w_client_' || i); end loop;
  for i in 1..2 loop creators := creators || tests.mp_user('w_creator_' || i, 'tool_creator'); end loop;
  for i in 1..4 loop
    insert into public.tools (creator_id, name, category, price_points, creator_share_percent, status)
    values (creators[1 + (i % 2)], 'Workload tool ' || i, 'test', 1 + floor(random() * 20)::int, (array[0, 33, 70, 100])[i], 'approved')
    returning id into who;
    tools := tools || who;
  end loop;
  for i in 1..6 loop
    perform tests.mp_as('admin');
    perform public.admin_adjust_points(clients[i], 20 + floor(random() * 80)::int, 'Workload top-up', 'w-top-up-' || i);
    perform tests.clear_authentication();
  end loop;

  for i in 1..steps loop
    r := random();
    op := case when r < 0.40 then 'use' when r < 0.48 then 'retry' when r < 0.60 then 'adjust' when r < 0.70 then 'refund'
               when r < 0.78 then 'settle' when r < 0.88 then 'payout' else 'decide_payout' end;
    begin
      perform tests.clear_authentication();
      case op
        when 'use' then
          perform private.use_tool(clients[1 + floor(random() * 6)::int], tools[1 + floor(random() * 4)::int], 'w-use-' || i);
        when 'retry' then
          select u.client_id, u.idempotency_key into who, retry_key from public.usages as u
          where u.idempotency_key like 'w-use-%' order by random() limit 1;
          if who is not null then
            perform private.use_tool(who, (select u.tool_id from public.usages as u where u.client_id = who and u.idempotency_key = retry_key), retry_key);
          end if;
        when 'adjust' then
          perform tests.mp_as('admin');
          perform public.admin_adjust_points(clients[1 + floor(random() * 6)::int], (floor(random() * 61) - 30)::int, 'Workload adjustment', 'w-adjust-' || i);
        when 'refund' then
          select array_agg(u.id) into usage_ids from public.usages as u
          where u.status = 'completed' and u.idempotency_key like 'w-use-%' and not exists (select 1 from public.refunds as x where x.usage_id = u.id);
          if usage_ids is not null then
            who := usage_ids[1 + floor(random() * array_length(usage_ids, 1))::int];
            perform tests.mp_as('w_client_' || (array_position(clients, (select u.client_id from public.usages as u where u.id = who))));
            select (public.request_refund(who, 'Workload refund', 'w-refund-' || i)).id into refund_id;
            perform tests.mp_as('admin');
            perform public.decide_refund(refund_id, case when random() < 0.7 then 'approve' else 'reject' end, 'Workload decision');
          end if;
        when 'settle' then
          perform private.settle_earnings(creators[1 + floor(random() * 2)::int]);
        when 'payout' then
          perform tests.mp_as('w_creator_' || (1 + floor(random() * 2)::int));
          perform public.request_payout(1 + floor(random() * 30)::int, 'w-payout-' || i);
        when 'decide_payout' then
          select array_agg(p.id) into payout_ids from public.payouts as p where p.status in ('requested', 'approved') and p.idempotency_key like 'w-payout-%';
          if payout_ids is not null then
            perform tests.mp_as('admin');
            perform public.decide_payout(payout_ids[1 + floor(random() * array_length(payout_ids, 1))::int],
              (array['approve', 'reject', 'mark_paid'])[1 + floor(random() * 3)::int], 'Workload decision');
          end if;
      end case;
      done := jsonb_set(done, array[op], to_jsonb(coalesce((done ->> op)::int, 0) + 1));
    exception when others then
      done := jsonb_set(done, array[op || '_refused'], to_jsonb(coalesce((done ->> (op || '_refused'))::int, 0) + 1));
    end;
  end loop;
  perform tests.clear_authentication();
  return done;
end;
$$;

select tests.mp_random_workload(400) as workload \gset
select diag('workload: ' || :'workload');
select cmp_ok(coalesce((:'workload'::jsonb ->> 'use')::int, 0), '>', 50, 'the workload should use tools many times');
select cmp_ok(coalesce((:'workload'::jsonb ->> 'use_refused')::int, 0), '>', 0, 'the workload should run into insufficient balances');
select cmp_ok(coalesce((:'workload'::jsonb ->> 'refund')::int, 0) + coalesce((:'workload'::jsonb ->> 'payout')::int, 0), '>', 10,
  'the workload should refund usages and pay creators out');

select is(
  (select count(*)::int from public.wallets as w
    where w.balance <> coalesce((select sum(l.amount) from public.wallet_ledger as l where l.user_id = w.user_id), 0)),
  0, 'after the workload every balance should equal the sum of its ledger entries');
select is(
  (select count(*)::int from public.wallets as w
    where w.balance <> (select l.balance_after from public.wallet_ledger as l where l.user_id = w.user_id order by l.id desc limit 1)),
  0, 'after the workload every balance should equal its last entry''s balance_after');
select is(
  (select count(*)::int from (
     select l.balance_after, sum(l.amount) over (partition by l.user_id order by l.id) as running from public.wallet_ledger as l
   ) as chain where chain.balance_after <> chain.running),
  0, 'every entry''s balance_after should be the running sum of its wallet''s entries (nothing skipped, nothing negative)');
select is(
  (select count(*)::int from public.usages as u
    where (select count(*) from public.wallet_ledger as l where l.reference_id = u.id and l.kind = 'spend' and l.amount = -u.points_charged) <> 1),
  0, 'every usage should have exactly one spend entry for its price, retries included');
select is(
  (select count(*)::int from public.usages as u
    where u.settled_at is not null and u.creator_share > 0 and u.idempotency_key like 'w-use-%'
      and (select count(*) from public.wallet_ledger as l where l.reference_id = u.id and l.kind = 'earning') <> 1),
  0, 'every settled usage should have credited its creator exactly once');
select is(
  (select count(*)::int from public.wallet_ledger as l
    where (l.kind = 'spend' and l.amount > 0)
       or (l.kind in ('purchase', 'voucher', 'earning') and l.amount < 0)
       or (l.kind = 'admin_adjustment' and l.reason is null)
       or l.reference_type !~ '^[a-z][a-z_]{0,39}$' or l.reason = '' or l.idempotency_key = ''),
  0, 'after the workload every entry should have a sign that fits its kind, adjustments a reason, a well-formed reference');

select * from finish();
rollback;
