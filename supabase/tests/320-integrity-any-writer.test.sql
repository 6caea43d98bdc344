-- Integrity under any writer: `postgres` (an admin editing rows in Supabase Studio), the service role and
-- an admin user each try to rewrite or delete ledger entries, set a balance directly, forge an entry and
-- jump a status of a usage, payout, refund, payment, points debt or voucher. All refused, with a message
-- that names the function to use; the workflow functions themselves keep working.
begin;
select plan(47);
select tests.mp_fixture();

-- Runs a statement as `who` ('postgres', 'service_role' or a persona), then runs the deferred (commit-
-- time) checks as a COMMIT would, and undoes everything: 'ok', or 'error:<sqlstate>: <message>'.
create function pg_temp.attempt(who text, statement text)
returns text
language plpgsql
as $$
declare
  state text;
  message text;
begin
  begin
    if who <> 'postgres' then
      perform tests.mp_as(who);
    end if;
    execute statement;
    set constraints all immediate;
    raise exception 'undo' using errcode = 'MPUND';
  exception
    when sqlstate 'MPUND' then
      perform tests.clear_authentication();
      return 'ok';
    when others then
      get stacked diagnostics state = returned_sqlstate, message = message_text;
      perform tests.clear_authentication();
      return 'error:' || state || ': ' || message;
  end;
end;
$$;

create function pg_temp.refused_by_everyone(statement text)
returns boolean
language sql
as $$
  select bool_and(pg_temp.attempt(w, statement) like 'error:%')
  from unnest(array['postgres', 'service_role', 'admin']) as w;
$$;

-- ----------------------------------------------------------------------------- the ledger is append-only
select ok(pg_temp.refused_by_everyone($$update public.wallet_ledger set amount = amount + 100 where user_id = tests.mp('client')$$),
  'nobody (postgres, service_role, admin) should update ledger entries');
select ok(pg_temp.refused_by_everyone($$delete from public.wallet_ledger where user_id = tests.mp('client')$$),
  'nobody should delete ledger entries');
select matches(pg_temp.attempt('postgres', $$delete from public.wallet_ledger where user_id = tests.mp('client')$$),
  '^error:42501: .*append-only.*use public\.admin_adjust_points\(',
  'deleting ledger rows in Studio should be refused with a message naming public.admin_adjust_points');
select matches(pg_temp.attempt('postgres', $$set constraints all immediate; truncate public.wallet_ledger cascade$$), '^error:42501',
  'postgres should not truncate the ledger');

-- ----------------------------------------------------------------------------- balances change only with an entry
select ok(pg_temp.refused_by_everyone($$update public.wallets set balance = 1000000 where user_id = tests.mp('client')$$),
  'nobody should set a balance directly');
select matches(pg_temp.attempt('postgres', $$update public.wallets set balance = 1000000 where user_id = tests.mp('client')$$),
  '^error:23514: The balance of wallet .* does not match its ledger',
  'a balance set in Studio should be refused at commit');
select matches(pg_temp.attempt('postgres', $$update public.wallets set balance = balance + 1000, updated_at = now() where user_id = tests.mp('client')$$),
  '^error:23514', 'points credited in Studio should be refused even when the edit stamps updated_at like the writers do');
select matches(pg_temp.attempt('postgres', $$update public.wallets set balance = 0 where user_id = tests.mp('client')$$),
  '^error:23514', 'a balance lowered in Studio should be refused too');
select matches(pg_temp.attempt('postgres', $$insert into public.wallets (user_id, balance) values (tests.mp('admin'), 500)$$),
  '^error:23514', 'a wallet created with points and no entry should be refused');
select matches(pg_temp.attempt('postgres',
  $$insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type) values (tests.mp('client'), 500, 'admin_adjustment', 590, 'adjustment')$$),
  '^error:23514', 'an entry forged in Studio without its balance should be refused');
select matches(pg_temp.attempt('postgres',
  $$update public.wallets set balance = balance + 500 where user_id = tests.mp('client');
    insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type, reason) values (tests.mp('client'), 400, 'admin_adjustment', 590, 'adjustment', 'forged')$$),
  '^error:23514: Ledger entry .* does not continue its ledger', 'an entry whose amount does not explain the balance should be refused');
select is(pg_temp.attempt('postgres',
  $$update public.wallets set balance = balance + 500 where user_id = tests.mp('client');
    insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type, reason) values (tests.mp('client'), 500, 'admin_adjustment', 590, 'adjustment', 'Studio correction')$$),
  'ok', 'a balance change written together with its entry, as the functions do, should pass');
select matches(pg_temp.attempt('postgres', $$update public.wallets set user_id = tests.mp('admin') where user_id = tests.mp('client')$$),
  '^error:(42501|23503)', 'a wallet should not move to another user');
select matches(pg_temp.attempt('postgres', $$delete from public.wallets where user_id = tests.mp('client')$$),
  '^error:42501: Wallets are never deleted.*public\.admin_adjust_points\(', 'deleting a wallet in Studio should be refused, naming the function');
select ok(pg_temp.refused_by_everyone($$delete from public.wallets where user_id = tests.mp('client')$$), 'nobody should delete a wallet');

-- The functions keep working (their effects pass the commit-time checks).
select is(pg_temp.attempt('admin', format($$select public.admin_adjust_points(%L, 25, 'Goodwill', 'k-320-adjust')$$, tests.mp('client'))), 'ok',
  'admin_adjust_points should pass the checks');
select is(pg_temp.attempt('postgres', format($$select private.use_tool(%L, %L, 'k-320-use')$$, tests.mp('client'), tests.mp('tool'))), 'ok',
  'use_tool should pass the checks');
select is(pg_temp.attempt('postgres', format($$select private.use_tool(%L, %L, 'k-320-use-2'); select private.settle_earnings(%L)$$,
  tests.mp('client'), tests.mp('tool'), tests.mp('creator'))), 'ok', 'settle_earnings should pass the checks');
select is(pg_temp.attempt('creator', $$select public.request_payout(1, 'k-320-payout')$$), 'ok', 'request_payout should pass the checks');

-- ----------------------------------------------------------------------------- usages
select ok(pg_temp.refused_by_everyone($$update public.usages set status = 'refunded' where id = tests.mp('usage_client')$$),
  'nobody should mark a usage refunded directly');
select matches(pg_temp.attempt('postgres', $$update public.usages set status = 'refunded' where id = tests.mp('usage_client')$$),
  '^error:42501: .*use public\.decide_refund\(', 'refunding a usage in Studio should name public.decide_refund');
select matches(pg_temp.attempt('postgres', $$update public.usages set points_charged = 1 where id = tests.mp('usage_client')$$),
  '^error:42501', 'a usage''s price should be fixed');
select matches(pg_temp.attempt('postgres', $$update public.usages set settled_at = null where id = tests.mp('usage_client')$$),
  '^error:42501', 'a settled usage should not be unsettled (its share would be credited twice)');
select matches(pg_temp.attempt('postgres', $$delete from public.usages where id = tests.mp('usage_client')$$),
  '^error:42501', 'a usage should not be deleted');

-- ----------------------------------------------------------------------------- payouts
select ok(pg_temp.refused_by_everyone($$update public.payouts set status = 'paid' where id = tests.mp('payout_creator')$$),
  'nobody should mark a payout paid directly');
select matches(pg_temp.attempt('postgres', $$update public.payouts set status = 'approved' where id = tests.mp('payout_creator')$$),
  '^error:42501: .*use public\.decide_payout\(', 'approving a payout in Studio should name public.decide_payout');
select matches(pg_temp.attempt('postgres', $$update public.payouts set status = 'rejected', decision_reason = 'x' where id = tests.mp('payout_creator')$$),
  '^error:42501: .*use public\.decide_payout\(', 'rejecting a payout without returning its points should be refused');
select matches(pg_temp.attempt('admin', format($$select public.decide_payout(%L, 'mark_paid'); update public.payouts set status = 'requested' where id = %L$$,
  tests.mp('payout_creator'), tests.mp('payout_creator'))),
  '^error:42501', 'a paid payout should never go back to requested');
select matches(pg_temp.attempt('postgres', $$update public.payouts set amount_points = 1000 where id = tests.mp('payout_creator')$$),
  '^error:42501', 'a payout''s amount should be fixed');
select matches(pg_temp.attempt('postgres', $$insert into public.payouts (creator_id, amount_points, idempotency_key) values (tests.mp('creator'), 1000, 'forged')$$),
  '^error:42501: .*use public\.request_payout\(', 'a payout inserted without holding its points should be refused');
select matches(pg_temp.attempt('postgres', $$delete from public.payouts where id = tests.mp('payout_creator')$$),
  '^error:42501', 'a payout should not be deleted');
select is(pg_temp.attempt('admin', format($$select public.decide_payout(%L, 'approve'); select public.decide_payout(%L, 'mark_paid')$$,
  tests.mp('payout_creator'), tests.mp('payout_creator'))), 'ok', 'decide_payout should still approve and pay');
select is(pg_temp.attempt('admin', format($$select public.decide_payout(%L, 'reject', 'Fixture')$$, tests.mp('payout_other'))), 'ok',
  'decide_payout should still reject (returning the points)');

-- ----------------------------------------------------------------------------- refunds
select ok(pg_temp.refused_by_everyone($$update public.refunds set status = 'approved' where id = tests.mp('refund_other')$$),
  'nobody should approve a refund directly');
select matches(pg_temp.attempt('postgres', $$update public.refunds set status = 'approved' where id = tests.mp('refund_other')$$),
  '^error:42501: .*use public\.decide_refund\(', 'approving a refund in Studio should name public.decide_refund');
select matches(pg_temp.attempt('postgres', $$delete from public.refunds where id = tests.mp('refund_other')$$),
  '^error:42501', 'a refund request should not be deleted');
select is(pg_temp.attempt('admin', format($$select public.admin_adjust_points(%L, 5, 'Float for the refund', 'k-320-float'); select public.decide_refund(%L, 'approve')$$,
  tests.mp('other_creator'), tests.mp('refund_other'))), 'ok',
  'decide_refund should still approve (usage refunded, points back)');

-- ----------------------------------------------------------------------------- payments, debts, vouchers
create temporary table fixture_payment as
  select (r.payment).id from private.create_payment(tests.mp('client'), null, (select id from public.points_packages order by created_at limit 1), 'k-320-payment') as r;
select ok(pg_temp.refused_by_everyone($$update public.payments set status = 'completed' where id = (select id from fixture_payment)$$),
  'nobody should complete a payment directly');
select matches(pg_temp.attempt('postgres', $$update public.payments set status = 'completed' where id = (select id from fixture_payment)$$),
  '^error:42501: .*stripe-webhook', 'completing a payment in Studio should name the functions that do it');
select matches(pg_temp.attempt('postgres', format($$select private.complete_payment(%L, null, (select amount from public.payments where id = %L), 'usd', 'evt_320_a');
    update public.payments set status = 'pending' where id = %L$$,
  (select id from fixture_payment), (select id from fixture_payment), (select id from fixture_payment))),
  '^error:42501: A payment cannot go from completed to pending', 'a completed payment should never go back to pending');
select is(pg_temp.attempt('postgres', format($$select private.complete_payment(%L, null, (select amount from public.payments where id = %L), 'usd', 'evt_320_b')$$,
  (select id from fixture_payment), (select id from fixture_payment))), 'ok', 'complete_payment should still complete and credit');
select matches(pg_temp.attempt('postgres', $$delete from public.payments where id = (select id from fixture_payment)$$),
  '^error:42501', 'a payment should not be deleted');
select matches(pg_temp.attempt('postgres',
  $$insert into public.payments (user_id, purpose, points_package_id, points, description, amount, currency, idempotency_key, status, points_credited)
    select tests.mp('client'), 'points', id, 100, 'forged', 1, 'usd', 'forged', 'completed', 100 from public.points_packages limit 1$$),
  '^error:42501', 'a payment should not be inserted as already completed');
select matches(pg_temp.attempt('postgres', format($$insert into public.points_debts (user_id, payment_id, points) values (%L, %L, 50);
    update public.points_debts set points = 1 where payment_id = %L$$, tests.mp('client'), (select id from fixture_payment), (select id from fixture_payment))),
  '^error:42501', 'a points debt should not be rewritten');
select matches(pg_temp.attempt('postgres', format($$insert into public.points_debts (user_id, payment_id, points) values (%L, %L, 50);
    delete from public.points_debts where payment_id = %L$$, tests.mp('client'), (select id from fixture_payment), (select id from fixture_payment))),
  '^error:42501', 'a points debt should not be deleted');
select matches(pg_temp.attempt('postgres', format($$select private.issue_voucher(%L, 'a0000000-0000-4000-8000-000000000001');
    update public.vouchers set uses_remaining = uses_remaining + 10 where owner_id = %L$$, tests.mp('client'), tests.mp('client'))),
  '^error:42501: .*use public\.grant_voucher\(', 'a voucher''s uses should never go up');
select matches(pg_temp.attempt('postgres', format($$select private.issue_voucher(%L, 'a0000000-0000-4000-8000-000000000001');
    update public.vouchers set is_active = false where owner_id = %L; update public.vouchers set is_active = true where owner_id = %L$$,
    tests.mp('client'), tests.mp('client'), tests.mp('client'))),
  '^error:42501', 'a deactivated voucher should not be reactivated in Studio');

select * from finish();
rollback;
