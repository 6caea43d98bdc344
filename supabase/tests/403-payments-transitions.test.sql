-- Payment transitions as the webhook and the confirm call apply them: priced from the database,
-- idempotent creation, fulfilment exactly once, duplicates and any arrival order, refunds that
-- deactivate the voucher or take the points back (recording a debt rather than going negative), and
-- nothing half-applied when a transition fails.
begin;
select plan(50);

create temporary table people (name text primary key, id uuid) on commit drop;
insert into people values
  ('buyer', tests.create_user('ptr-buyer@example.test')),
  ('gone', tests.create_user('ptr-gone@example.test'));
insert into public.voucher_types (id, name, service_type, price_amount, currency, max_uses, is_active) values
  ('43000000-0000-4000-8000-000000000001', 'Transitions type', 'exam_results', 1000, 'eur', 3, true),
  ('43000000-0000-4000-8000-000000000002', 'Transitions retired', 'exam_results', 1000, 'usd', 1, false);
insert into public.points_packages (id, name, points, price_amount, is_active) values
  ('43000000-0000-4000-8000-000000000011', 'Transitions 100', 100, 1000, true);

-- A payment row per name, created the way the payments function does.
create temporary table p (name text primary key, id uuid) on commit drop;
create function pg_temp.pay(name text, voucher_type uuid, points_package uuid, who text default 'buyer') returns uuid language sql as $$
  insert into p select name, (r.payment).id from private.create_payment((select id from people where people.name = who), voucher_type, points_package, 'key-' || name) r
  returning id
$$;
create function pg_temp.id(name text) returns uuid language sql as $$ select id from p where p.name = $1 $$;
create function pg_temp.buyer() returns uuid language sql as $$ select id from people where name = 'buyer' $$;
create function pg_temp.balance() returns integer language sql as $$ select coalesce((select balance from public.wallets where user_id = pg_temp.buyer()), 0) $$;

-- ----------------------------------------------------------------------------- creation
select pg_temp.pay('v1', '43000000-0000-4000-8000-000000000001', null);
select is((select amount from public.payments where id = pg_temp.id('v1')), 1000, 'the amount should come from the voucher type');
select is((select currency from public.payments where id = pg_temp.id('v1')), 'eur', 'the currency should come from the voucher type');
select is((select status::text from public.payments where id = pg_temp.id('v1')), 'pending', 'a new payment should be pending');
select is((select (r.payment).id from private.create_payment(pg_temp.buyer(), '43000000-0000-4000-8000-000000000001', null, 'key-v1') r), pg_temp.id('v1'),
  'the same idempotency key should return the same payment');
select is((select count(*)::int from public.payments where user_id = pg_temp.buyer()), 1, 'a retried creation should not add a payment');
select throws_like($$ select private.create_payment(pg_temp.buyer(), null, '43000000-0000-4000-8000-000000000011', 'key-v1') $$,
  '%"code": "idempotency_key_reused"%', 'the same key for another purchase should be refused');
select throws_like($$ select private.create_payment(pg_temp.buyer(), '43000000-0000-4000-8000-000000000002', null, 'key-x') $$,
  '%"code": "voucher_type_inactive"%', 'an inactive voucher type should not be sold');
select throws_like($$ select private.create_payment(pg_temp.buyer(), '43000000-0000-4000-8000-0000000000ff', null, 'key-y') $$,
  '%"code": "voucher_type_not_found"%', 'an unknown voucher type should be voucher_type_not_found');
select throws_like($$ select private.create_payment(pg_temp.buyer(), null, '43000000-0000-4000-8000-0000000000ff', 'key-z') $$,
  '%"code": "points_package_not_found"%', 'an unknown points package should be points_package_not_found');
select throws_like($$ select private.create_payment(pg_temp.buyer(), null, null, 'key-w') $$,
  '%"code": "validation_failed"%', 'a payment for nothing should be refused');
select is((select count(*)::int from public.payments where user_id = pg_temp.buyer()), 1, 'refused creations should write nothing');
select is((select stripe_payment_intent_id from private.attach_payment_intent(pg_temp.id('v1'), 'pi_V1', 'cus_Buyer')), 'pi_V1',
  'the PaymentIntent should be attached to the payment');

-- ----------------------------------------------------------------------------- success, exactly once
select is((select outcome from private.complete_payment(pg_temp.id('v1'), 'pi_V1', 1000, 'eur', 'evt_V1a')), 'completed',
  'payment_intent.succeeded should complete the payment');
select is((select count(*)::int from public.vouchers where payment_id = pg_temp.id('v1')), 1, 'success should issue one voucher');
select is((select uses_remaining from public.vouchers where payment_id = pg_temp.id('v1')), 3, 'the voucher should have the type''s uses');
select is((select outcome from private.complete_payment(pg_temp.id('v1'), 'pi_V1', 1000, 'eur', 'evt_V1a')), 'duplicate',
  'a repeated delivery of the same event should be a duplicate');
select is((select outcome from private.complete_payment(null, 'pi_V1', 1000, 'eur', 'evt_V1b')), 'already_completed',
  'a second success event (found by the PaymentIntent id) should change nothing');
select is((select outcome from private.complete_payment(pg_temp.id('v1'), 'pi_V1', 1000, 'eur')), 'already_completed',
  'the confirm call after the webhook should change nothing');
select is((select count(*)::int from public.vouchers where payment_id = pg_temp.id('v1')), 1, 'the voucher should still be issued once');
select is((select outcome from private.fail_payment(pg_temp.id('v1'), 'pi_V1', 'card_declined', 'late', 'evt_V1c')), 'ignored_completed',
  'a late failure should not undo a completed payment');
select is((select count(*)::int from private.stripe_events where payment_id = pg_temp.id('v1')), 3, 'each distinct event should be recorded once');

-- ----------------------------------------------------------------------------- refund of a voucher
select is((select outcome from private.refund_payment(null, 'pi_V1', 500, 'evt_V1d')), 'partially_refunded', 'a partial refund should be recorded as such');
select is((select status::text || '/' || amount_refunded from public.payments where id = pg_temp.id('v1')), 'completed/500',
  'a partial refund should keep the purchase and record the amount');
select is((select outcome from private.refund_payment(null, 'pi_V1', 1000, 'evt_V1e')), 'refunded', 'a full refund should refund the payment');
select is((select is_active from public.vouchers where payment_id = pg_temp.id('v1')), false, 'the refunded voucher should be deactivated');
select is((select outcome from private.refund_payment(null, 'pi_V1', 1000, 'evt_V1e')), 'duplicate', 'the refund event again should be a duplicate');

-- ----------------------------------------------------------------------------- any arrival order
select pg_temp.pay('v2', '43000000-0000-4000-8000-000000000001', null);
select private.attach_payment_intent(pg_temp.id('v2'), 'pi_V2', 'cus_Buyer');
select is((select outcome from private.refund_payment(pg_temp.id('v2'), 'pi_V2', 1000, 'evt_V2b')), 'refunded',
  'a refund arriving before the success should refund the pending payment');
select is((select outcome from private.complete_payment(pg_temp.id('v2'), 'pi_V2', 1000, 'eur', 'evt_V2a')), 'already_refunded',
  'the success arriving after its refund should not fulfil');
select is((select count(*)::int from public.vouchers where payment_id = pg_temp.id('v2')), 0, 'no voucher should be issued for a payment refunded first');
select is((select status::text from public.payments where id = pg_temp.id('v2')), 'refunded', 'the payment should end refunded');

select pg_temp.pay('v3', '43000000-0000-4000-8000-000000000001', null);
select private.attach_payment_intent(pg_temp.id('v3'), 'pi_V3', 'cus_Buyer');
select is((select outcome from private.fail_payment(pg_temp.id('v3'), 'pi_V3', 'card_declined', 'Your card was declined.', 'evt_V3a')), 'failed',
  'payment_intent.payment_failed should fail a pending payment');
select is((select outcome from private.complete_payment(pg_temp.id('v3'), 'pi_V3', 1000, 'eur', 'evt_V3b')), 'completed',
  'a success after a failed attempt (the customer retried) should complete it');
select is((select count(*)::int from public.vouchers where payment_id = pg_temp.id('v3')), 1, 'and issue its voucher');

select pg_temp.pay('v4', '43000000-0000-4000-8000-000000000001', null);
select private.attach_payment_intent(pg_temp.id('v4'), 'pi_V4', 'cus_Buyer');
select is((select outcome from private.complete_payment(pg_temp.id('v4'), 'pi_V4', 999, 'eur', 'evt_V4a')), 'amount_mismatch',
  'a success for another amount than priced should not fulfil');
select is((select status::text from public.payments where id = pg_temp.id('v4')), 'pending', 'a mismatched payment should stay pending');
select is((select outcome from private.complete_payment(null, 'pi_Unknown', 1000, 'eur', 'evt_Unknown')), 'unknown_payment',
  'an event about a payment that is not ours should be acknowledged');

-- ----------------------------------------------------------------------------- points: credit, refund, debt
select pg_temp.pay('t1', null, '43000000-0000-4000-8000-000000000011');
select private.attach_payment_intent(pg_temp.id('t1'), 'pi_T1', 'cus_Buyer');
select is((select outcome from private.complete_payment(pg_temp.id('t1'), 'pi_T1', 1000, 'usd', 'evt_T1a')), 'completed', 'a top-up should complete');
select is(pg_temp.balance(), 100, 'a top-up should credit the package''s points');
select is((select outcome from private.complete_payment(pg_temp.id('t1'), 'pi_T1', 1000, 'usd', 'evt_T1b')), 'already_completed', 'a second success event should not credit again');
select is(pg_temp.balance(), 100, 'the points should be credited once');
-- spend 70 of them
select private.post_wallet_entry(pg_temp.buyer(), -70, 'spend', 'usage', gen_random_uuid());
select is((select outcome from private.refund_payment(pg_temp.id('t1'), 'pi_T1', 1000, 'evt_T1c')), 'refunded', 'a top-up should be refundable');
select is(pg_temp.balance(), 0, 'the refund should take back what is left, and never go below zero');
select is((select points - settled_points from public.points_debts where payment_id = pg_temp.id('t1')), 70, 'the spent points should be recorded as a debt');
select pg_temp.pay('t2', null, '43000000-0000-4000-8000-000000000011');
select private.attach_payment_intent(pg_temp.id('t2'), 'pi_T2', 'cus_Buyer');
select private.complete_payment(pg_temp.id('t2'), 'pi_T2', 1000, 'usd', 'evt_T2a');
select is(pg_temp.balance(), 30, 'the next top-up should settle the debt first');
select ok((select settled_at is not null from public.points_debts where payment_id = pg_temp.id('t1')), 'the debt should be settled');
select is((select sum(amount)::int from public.wallet_ledger where user_id = pg_temp.buyer()), pg_temp.balance(), 'the ledger should still add up to the balance');

-- ----------------------------------------------------------------------------- nothing half-applied
select pg_temp.pay('v5', '43000000-0000-4000-8000-000000000001', null);
select private.attach_payment_intent(pg_temp.id('v5'), 'pi_V5', 'cus_Buyer');
-- Issuing the voucher fails half-way through the transition (after the event and the status were written).
create function pg_temp.refuse() returns trigger language plpgsql as $$ begin raise exception 'simulated failure'; end $$;
create trigger refuse_vouchers before insert on public.vouchers for each row execute function pg_temp.refuse();
select throws_ok($$ select private.complete_payment(pg_temp.id('v5'), 'pi_V5', 1000, 'eur', 'evt_V5a') $$, 'P0001', 'simulated failure',
  'a transition that cannot finish should raise (the webhook answers 500 and Stripe retries)');
select ok(not exists (select 1 from private.stripe_events where id = 'evt_V5a') and (select status = 'pending' from public.payments where id = pg_temp.id('v5')),
  'a failed transition should leave neither the event record nor the status change behind');
drop trigger refuse_vouchers on public.vouchers;
select is((select outcome from private.complete_payment(pg_temp.id('v5'), 'pi_V5', 1000, 'eur', 'evt_V5a')), 'completed',
  'Stripe''s retry of the same event should then apply it');

select pg_temp.pay('t3', null, '43000000-0000-4000-8000-000000000011', 'gone');
select private.attach_payment_intent(pg_temp.id('t3'), 'pi_T3', 'cus_Gone');
update public.payments set user_id = null where id = pg_temp.id('t3');
select is((select outcome from private.complete_payment(pg_temp.id('t3'), 'pi_T3', 1000, 'usd', 'evt_T3a')), 'buyer_deleted',
  'a success for a deleted buyer should complete without fulfilling (and not fail forever)');

select * from finish();
rollback;
