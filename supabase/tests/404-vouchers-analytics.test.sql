-- Voucher statistics and the admin dashboard: a user's own stats; revenue by day and by voucher type,
-- totals, top types; refused to non-admins; bad ranges refused.
begin;
select plan(16);

create temporary table people (name text primary key, id uuid) on commit drop;
grant select on people to authenticated;
insert into people values
  ('buyer', tests.create_user('pan-buyer@example.test')),
  ('other', tests.create_user('pan-other@example.test')),
  ('admin', tests.create_user('pan-admin@example.test', '{}', '{"role":"admin"}'));
insert into public.voucher_types (id, name, service_type, price_amount, max_uses) values
  ('44000000-0000-4000-8000-000000000001', 'Analytics cheap', 'exam_results', 1000, 2),
  ('44000000-0000-4000-8000-000000000002', 'Analytics dear', 'school_application', 2500, 1);
insert into public.points_packages (id, name, points, price_amount) values ('44000000-0000-4000-8000-000000000011', 'Analytics pack', 100, 900);

-- Three voucher sales and a top-up on two days, one sale refunded, one payment failed.
create function pg_temp.sale(who text, voucher_type uuid, points_package uuid, key text, intent text, amount integer, currency text) returns uuid language plpgsql as $$
declare
  id uuid;
begin
  select (r.payment).id into id from private.create_payment((select p.id from people p where p.name = who), voucher_type, points_package, key) r;
  perform private.attach_payment_intent(id, intent, null);
  perform private.complete_payment(id, intent, amount, currency, 'evt_' || intent);
  return id;
end $$;
select pg_temp.sale('buyer', '44000000-0000-4000-8000-000000000001', null, 'a1', 'pi_A1', 1000, 'usd');
select pg_temp.sale('buyer', '44000000-0000-4000-8000-000000000002', null, 'a2', 'pi_A2', 2500, 'usd');
select pg_temp.sale('other', '44000000-0000-4000-8000-000000000002', null, 'a3', 'pi_A3', 2500, 'usd');
select pg_temp.sale('other', null, '44000000-0000-4000-8000-000000000011', 'a4', 'pi_A4', 900, 'usd');
select private.refund_payment(null, 'pi_A3', 2500, 'evt_refund_A3');
select (r.payment).id from private.create_payment((select id from people where name = 'buyer'), '44000000-0000-4000-8000-000000000001', null, 'a5') r;
-- Move them to March 2001, where no other data lives (the file must also pass on a database in use):
-- the first sale on the 9th, the rest and the refund on the 10th.
update public.payments set completed_at = '2001-03-10 12:00:00+00', refunded_at = case when refunded_at is not null then timestamptz '2001-03-10 15:00:00+00' end
 where stripe_payment_intent_id in ('pi_A2', 'pi_A3', 'pi_A4');
update public.payments set completed_at = '2001-03-09 23:30:00+00' where stripe_payment_intent_id = 'pi_A1';

select tests.authenticate_as((select id from people where name = 'buyer'));
select lives_ok($$ select * from public.redeem_voucher((select code from public.vouchers v join public.voucher_types t on t.id = v.voucher_type_id where t.name = 'Analytics cheap'), 'exam_results') $$,
  'the buyer should redeem one voucher');
select tests.clear_authentication();
update public.voucher_redemptions set redeemed_at = '2001-03-10 16:00:00+00' where voucher_owner_id = (select id from people where name = 'buyer');
select tests.authenticate_as((select id from people where name = 'buyer'));
select results_eq($$ select vouchers_bought, vouchers_active, vouchers_used, redemptions, amount_spent, currency from public.my_voucher_stats() $$,
  $$ values (2::bigint, 2::bigint, 1::bigint, 1::bigint, 3500::bigint, 'usd'::text) $$,
  'the buyer''s stats should count their vouchers, uses and spending');
select throws_like($$ select * from public.analytics_totals('2001-03-01', '2001-03-31') $$, '%"code": "forbidden"%',
  'the dashboard should be refused to a non-admin');
select throws_like($$ select * from public.analytics_revenue_by_day('2001-03-01', '2001-03-31') $$, '%"code": "forbidden"%',
  'revenue by day should be refused to a non-admin');
select tests.clear_authentication();

select tests.authenticate_as((select id from people where name = 'other'));
select results_eq($$ select vouchers_bought, vouchers_active, vouchers_used, redemptions, amount_spent from public.my_voucher_stats() $$,
  $$ values (1::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint) $$,
  'a refunded purchase should count as bought but neither active nor spent');
select tests.clear_authentication();

select tests.authenticate_as((select id from people where name = 'admin'));
select results_eq($$ select revenue, refunded, net_revenue, payments_completed, payments_refunded, vouchers_sold, points_sold, redemptions
                      from public.analytics_totals('2001-03-01', '2001-03-31') where currency = 'usd' $$,
  $$ values (6900::bigint, 2500::bigint, 4400::bigint, 4::bigint, 1::bigint, 3::bigint, 100::bigint, 1::bigint) $$,
  'totals should add up revenue, refunds, sales, points and redemptions over the range');
select results_eq($$ select day, revenue, vouchers_sold from public.analytics_revenue_by_day('2001-03-01', '2001-03-31') order by day $$,
  $$ values ('2001-03-09'::date, 1000::bigint, 1::bigint), ('2001-03-10'::date, 5900::bigint, 2::bigint) $$,
  'revenue by day should put each sale on its UTC day');
select is((select sum(refunded)::int from public.analytics_revenue_by_day('2001-03-01', '2001-03-31')), 2500,
  'revenue by day should show the refund on the day it happened');
select results_eq($$ select name, vouchers_sold, revenue from public.analytics_revenue_by_voucher_type('2001-03-01', '2001-03-31') $$,
  $$ values ('Analytics dear'::text, 2::bigint, 5000::bigint), ('Analytics cheap'::text, 1::bigint, 1000::bigint) $$,
  'voucher types should be ranked by revenue');
select is((select count(*)::int from public.analytics_revenue_by_voucher_type('2001-03-01', '2001-03-31', 1)), 1,
  'max_rows should limit the top types');
select is((select redemptions from public.analytics_revenue_by_voucher_type('2001-03-01', '2001-03-31') where name = 'Analytics cheap'), 1::bigint,
  'redemptions in the range should be counted per type');
select is((select coalesce(sum(revenue), 0)::int from public.analytics_revenue_by_day('2001-04-01', '2001-04-30')), 0,
  'a range with no sales should have no revenue');
select throws_like($$ select * from public.analytics_totals('2001-03-02', '2001-03-01') $$, '%"code": "validation_failed"%',
  'a range that ends before it starts should be refused');
select throws_like($$ select * from public.analytics_totals('1990-01-01', '2001-03-01') $$, '%"code": "validation_failed"%',
  'a range over ten years should be refused');
select throws_like($$ select * from public.analytics_totals(null, '2001-03-01') $$, '%"code": "validation_failed"%',
  'a missing date should be refused');
select tests.clear_authentication();

select tests.authenticate_as_anon();
select throws_ok($$ select * from public.analytics_totals('2001-03-01', '2001-03-31') $$, '42501', null, 'anon should not call the dashboard');
select tests.clear_authentication();

select * from finish();
rollback;
