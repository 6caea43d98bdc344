-- Card disputes at the SQL level: private.open_payment_dispute / close_payment_dispute take back what a
-- payment gave (debit up to the balance, the rest a debt), exactly once per event and per dispute, give it
-- back once when won; nobody writes payment_disputes or waives a debt by hand.
begin;
select plan(16);

select tests.create_user('dispute-buyer@example.test') as buyer \gset
create function pg_temp.buyer() returns uuid language sql as $$ select id from auth.users where email = 'dispute-buyer@example.test' $$;
create function pg_temp.balance() returns integer language sql as $$ select coalesce((select balance from public.wallets where user_id = pg_temp.buyer()), 0) $$;

-- A paid 100-point top-up (package of the seed), 60 points spent.
select (r.payment).id as payment_id from private.create_payment(pg_temp.buyer(), null, 'b0000000-0000-4000-8000-000000000001', 'k-321') r \gset
select private.attach_payment_intent(:'payment_id', 'pi_D321', null);
select is((select outcome from private.complete_payment(:'payment_id', 'pi_D321', 1000, 'usd', 'evt_D321_paid')), 'completed', 'the top-up should complete');
select private.post_wallet_entry(pg_temp.buyer(), -60, 'spend', 'usage', gen_random_uuid());

select is((select outcome from private.open_payment_dispute('dp_D321', 'ch_D321', 'pi_D321', 1000, 'usd', 'fraudulent', 'needs_response', 'evt_D321_open')),
  'disputed', 'charge.dispute.created should dispute the payment');
select is(pg_temp.balance(), 0, 'the 40 points left should be taken back');
select is((select points from public.points_debts where dispute_id = 'dp_D321'), 60, 'the 60 spent should become a debt');
select is((select status::text from public.payments where id = :'payment_id'), 'disputed', 'the payment should be disputed');
select is((select outcome from private.open_payment_dispute('dp_D321', 'ch_D321', 'pi_D321', 1000, 'usd', 'fraudulent', 'needs_response', 'evt_D321_open')),
  'duplicate', 'the same event again should change nothing');
select is((select outcome from private.open_payment_dispute('dp_D321', 'ch_D321', 'pi_D321', 1000, 'usd', 'fraudulent', 'needs_response', 'evt_D321_open2')),
  'already_recorded', 'the same dispute in another event should change nothing');
select is((select count(*)::int from public.audit_log where action = 'payment.disputed' and target_id = :'payment_id'), 1, 'the dispute should be audited once');

-- Nobody edits disputes or waives debts by hand.
select throws_ok($$update public.payment_disputes set status = 'won' where id = 'dp_D321'$$, '42501', null,
  'postgres should not close a dispute by editing it');
select throws_ok($$delete from public.payment_disputes where id = 'dp_D321'$$, '42501', null, 'postgres should not delete a dispute');
select throws_ok($$update public.points_debts set waived_points = 0, settled_points = points, settled_at = now() where dispute_id = 'dp_D321'$$, '42501', null,
  'postgres should not waive a dispute''s debt by hand');
select throws_ok($$update public.payments set status = 'completed' where id = '$$ || :'payment_id' || $$'$$, '42501', null,
  'postgres should not end a dispute by editing the payment');

-- Won: exactly what the dispute took (40), once; the debt is waived.
select is((select outcome from private.close_payment_dispute('dp_D321', 'ch_D321', 'pi_D321', 1000, 'usd', 'fraudulent', 'won', 'evt_D321_won')),
  'won', 'charge.dispute.closed (won) should restore');
select is((select outcome from private.close_payment_dispute('dp_D321', 'ch_D321', 'pi_D321', 1000, 'usd', 'fraudulent', 'won', 'evt_D321_won2')),
  'already_closed', 'a second close should change nothing');
select is(pg_temp.balance(), 40, 'the 40 taken back should be restored, once');
select is((select sum(amount)::int from public.wallet_ledger where user_id = pg_temp.buyer()), pg_temp.balance(), 'the ledger should add up to the balance');

select * from finish();
rollback;
