-- Voucher statistics (seed 003 `/api/vouchers/stats/`) and the admin analytics dashboard (seed 003
-- `/api/analytics/dashboard/`): revenue by day and by voucher type, vouchers sold and redeemed, top
-- types, points sold. Days are UTC days; amounts are minor units, per currency.
--
-- A user's statistics read through RLS (security invoker: they are the caller's own rows). The
-- dashboard functions check that the caller is an admin first and then read without RLS (security
-- definer in `private`, wrapped by invoker functions in `public`): an admin sees every row anyway, and
-- without the per-row policy the range scans below are index-only. Measured with 100k payments in
-- the README's payments section.

-- =====================================================================================================
-- Schema and grants
-- =====================================================================================================

create schema if not exists private;

-- =====================================================================================================
-- Tables: covering indexes for the dashboard's range scans
-- =====================================================================================================

create index payments_completed_at_idx on public.payments (completed_at)
  include (amount, currency, purpose, voucher_type_id, points)
  where fulfilled_at is not null;
create index payments_refunded_at_idx on public.payments (refunded_at)
  include (amount_refunded, currency, status)
  where refunded_at is not null;
create index payments_failed_at_idx on public.payments (failed_at)
  include (currency)
  where status = 'failed';
create index vouchers_usable_idx on public.vouchers (expires_at)
  where is_active and uses_remaining > 0;

-- =====================================================================================================
-- Helper functions
-- =====================================================================================================

-- Refuses non-admins and bad ranges; the range's first instant (from_date 00:00 UTC).
create function private.analytics_start(from_date date, to_date date)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
begin
  if not private.is_admin() then
    perform private.payments_raise('forbidden', 403, 'The analytics dashboard is for admins');
  end if;
  if from_date is null or to_date is null or from_date > to_date then
    perform private.payments_raise('validation_failed', 400, 'from_date must be on or before to_date');
  end if;
  if to_date - from_date > 3660 then
    perform private.payments_raise('validation_failed', 400, 'The range may span at most ten years');
  end if;
  return from_date::timestamp at time zone 'UTC';
end;
$$;
comment on function private.analytics_start(date, date) is
  'Checks the caller is an admin and the range is sane; returns the range''s first instant (UTC).';
revoke execute on function private.analytics_start(date, date) from public, anon, authenticated;

create function private.analytics_revenue_by_day(from_date date, to_date date)
returns table (
  day date, currency text, payments bigint, revenue bigint, refunded bigint, net_revenue bigint,
  vouchers_sold bigint, points_sold bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  starts timestamptz := private.analytics_start(from_date, to_date);
  ends timestamptz := (to_date + 1)::timestamp at time zone 'UTC';
begin
  return query
    with sold as (
      select (p.completed_at at time zone 'UTC')::date as sold_on, p.currency as sold_in,
             count(*) as n, sum(p.amount)::bigint as amount,
             count(*) filter (where p.purpose = 'voucher') as vouchers,
             coalesce(sum(p.points) filter (where p.purpose = 'points'), 0)::bigint as points
        from public.payments p
       where p.fulfilled_at is not null and p.completed_at >= starts and p.completed_at < ends
       group by 1, 2
    ), refunds as (
      select (p.refunded_at at time zone 'UTC')::date as refunded_on, p.currency as refunded_in, sum(p.amount_refunded)::bigint as amount
        from public.payments p
       where p.refunded_at is not null and p.refunded_at >= starts and p.refunded_at < ends
       group by 1, 2
    )
    select coalesce(s.sold_on, f.refunded_on), coalesce(s.sold_in, f.refunded_in), coalesce(s.n, 0),
           coalesce(s.amount, 0), coalesce(f.amount, 0), coalesce(s.amount, 0) - coalesce(f.amount, 0),
           coalesce(s.vouchers, 0), coalesce(s.points, 0)
      from sold s
      full join refunds f on f.refunded_on = s.sold_on and f.refunded_in = s.sold_in
     order by 1, 2;
end;
$$;
comment on function private.analytics_revenue_by_day(date, date) is 'Implementation of public.analytics_revenue_by_day.';
revoke execute on function private.analytics_revenue_by_day(date, date) from public, anon;
grant execute on function private.analytics_revenue_by_day(date, date) to authenticated, service_role;

create function private.analytics_revenue_by_voucher_type(from_date date, to_date date, max_rows integer)
returns table (voucher_type_id uuid, name text, service_type text, currency text, vouchers_sold bigint, revenue bigint, redemptions bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  starts timestamptz := private.analytics_start(from_date, to_date);
  ends timestamptz := (to_date + 1)::timestamp at time zone 'UTC';
begin
  return query
    with sold as (
      select p.voucher_type_id as type_id, p.currency as sold_in, count(*) as n, sum(p.amount)::bigint as amount
        from public.payments p
       where p.fulfilled_at is not null and p.completed_at >= starts and p.completed_at < ends and p.purpose = 'voucher'
       group by 1, 2
    ), used as (
      select v.voucher_type_id as type_id, count(*) as n
        from public.voucher_redemptions r
        join public.vouchers v on v.id = r.voucher_id
       where r.redeemed_at >= starts and r.redeemed_at < ends
       group by 1
    )
    select t.id, t.name, t.service_type, s.sold_in, s.n, s.amount, coalesce(u.n, 0)
      from sold s
      join public.voucher_types t on t.id = s.type_id
      left join used u on u.type_id = s.type_id
     order by s.amount desc, s.n desc, t.name
     limit greatest(1, least(coalesce(max_rows, 10), 1000));
end;
$$;
comment on function private.analytics_revenue_by_voucher_type(date, date, integer) is 'Implementation of public.analytics_revenue_by_voucher_type.';
revoke execute on function private.analytics_revenue_by_voucher_type(date, date, integer) from public, anon;
grant execute on function private.analytics_revenue_by_voucher_type(date, date, integer) to authenticated, service_role;

create function private.analytics_totals(from_date date, to_date date)
returns table (
  currency text, revenue bigint, refunded bigint, net_revenue bigint, payments_completed bigint,
  payments_failed bigint, payments_refunded bigint, vouchers_sold bigint, points_sold bigint,
  vouchers_redeemed bigint, redemptions bigint, vouchers_active bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  starts timestamptz := private.analytics_start(from_date, to_date);
  ends timestamptz := (to_date + 1)::timestamp at time zone 'UTC';
begin
  return query
    with sold as (
      select p.currency as c, sum(p.amount)::bigint as amount, count(*) as n,
             count(*) filter (where p.purpose = 'voucher') as vouchers,
             coalesce(sum(p.points) filter (where p.purpose = 'points'), 0)::bigint as points
        from public.payments p
       where p.fulfilled_at is not null and p.completed_at >= starts and p.completed_at < ends
       group by 1
    ), refunds as (
      select p.currency as c, sum(p.amount_refunded)::bigint as amount, count(*) filter (where p.status = 'refunded') as n
        from public.payments p
       where p.refunded_at is not null and p.refunded_at >= starts and p.refunded_at < ends
       group by 1
    ), failures as (
      select p.currency as c, count(*) as n
        from public.payments p
       where p.status = 'failed' and p.failed_at >= starts and p.failed_at < ends
       group by 1
    ), money as (
      select coalesce(s.c, f.c, x.c) as c, coalesce(s.amount, 0) as revenue, coalesce(f.amount, 0) as refunded,
             coalesce(s.n, 0) as completed, coalesce(x.n, 0) as failed, coalesce(f.n, 0) as refunded_n,
             coalesce(s.vouchers, 0) as vouchers, coalesce(s.points, 0) as points
        from sold s
        full join refunds f on f.c = s.c
        full join failures x on x.c = coalesce(s.c, f.c)
    ), usage as (
      select count(distinct r.voucher_id) as vouchers_redeemed, count(*) as redemptions
        from public.voucher_redemptions r
       where r.redeemed_at >= starts and r.redeemed_at < ends
    ), usable as (
      select count(*) as n from public.vouchers v where v.is_active and v.uses_remaining > 0 and v.expires_at > now()
    )
    select coalesce(m.c, 'usd'), coalesce(m.revenue, 0), coalesce(m.refunded, 0), coalesce(m.revenue, 0) - coalesce(m.refunded, 0),
           coalesce(m.completed, 0), coalesce(m.failed, 0), coalesce(m.refunded_n, 0),
           coalesce(m.vouchers, 0), coalesce(m.points, 0), u.vouchers_redeemed, u.redemptions, a.n
      from usage u
      cross join usable a
      left join money m on true
     order by m.revenue desc nulls last;
end;
$$;
comment on function private.analytics_totals(date, date) is 'Implementation of public.analytics_totals.';
revoke execute on function private.analytics_totals(date, date) from public, anon;
grant execute on function private.analytics_totals(date, date) to authenticated, service_role;

-- =====================================================================================================
-- API functions
-- =====================================================================================================

create function public.my_voucher_stats()
returns table (
  vouchers_bought bigint, vouchers_granted bigint, vouchers_active bigint, vouchers_used bigint,
  redemptions bigint, amount_spent bigint, currency text
)
language sql
stable
set search_path = ''
as $$
  with mine as (
    select v.* from public.vouchers v where v.owner_id = (select auth.uid())
  ), spent as (
    select p.currency, sum(p.amount - p.amount_refunded)::bigint as amount
      from public.payments p
     where p.user_id = (select auth.uid()) and p.purpose = 'voucher' and p.fulfilled_at is not null
     group by p.currency
  ), counts as (
    select count(*) filter (where m.payment_id is not null) as bought,
           count(*) filter (where m.granted_by is not null) as granted,
           count(*) filter (where m.is_active and m.expires_at > now() and m.uses_remaining > 0) as active,
           count(*) filter (where m.uses_remaining < m.total_uses) as used,
           coalesce(sum(m.total_uses - m.uses_remaining), 0)::bigint as redemptions
      from mine m
  )
  select c.bought, c.granted, c.active, c.used, c.redemptions, coalesce(s.amount, 0), coalesce(s.currency, 'usd')
    from counts c
    left join spent s on true
   order by s.amount desc nulls last
$$;
comment on function public.my_voucher_stats() is
  'The caller''s voucher statistics: vouchers bought and granted, active (usable now), used at least once, uses, and amount spent net of refunds in minor units — one row per currency spent in (one row with 0 when none).';
revoke execute on function public.my_voucher_stats() from public, anon;
grant execute on function public.my_voucher_stats() to authenticated, service_role;

create function public.analytics_revenue_by_day(from_date date, to_date date)
returns table (
  day date, currency text, payments bigint, revenue bigint, refunded bigint, net_revenue bigint,
  vouchers_sold bigint, points_sold bigint
)
language sql
stable
set search_path = ''
as $$
  select * from private.analytics_revenue_by_day(from_date, to_date)
$$;
comment on function public.analytics_revenue_by_day(date, date) is
  'Admins: per UTC day and currency over [from_date, to_date], the completed payments and their revenue (minor units), refunds made that day, net revenue, vouchers sold and points sold. Days without activity are absent. Errors: forbidden (403), validation_failed (400).';
revoke execute on function public.analytics_revenue_by_day(date, date) from public, anon;
grant execute on function public.analytics_revenue_by_day(date, date) to authenticated, service_role;

create function public.analytics_revenue_by_voucher_type(from_date date, to_date date, max_rows integer default 10)
returns table (voucher_type_id uuid, name text, service_type text, currency text, vouchers_sold bigint, revenue bigint, redemptions bigint)
language sql
stable
set search_path = ''
as $$
  select * from private.analytics_revenue_by_voucher_type(from_date, to_date, max_rows)
$$;
comment on function public.analytics_revenue_by_voucher_type(date, date, integer) is
  'Admins: the top voucher types over [from_date, to_date] by revenue: vouchers sold, revenue (minor units, per currency) and redemptions in the range.';
revoke execute on function public.analytics_revenue_by_voucher_type(date, date, integer) from public, anon;
grant execute on function public.analytics_revenue_by_voucher_type(date, date, integer) to authenticated, service_role;

create function public.analytics_totals(from_date date, to_date date)
returns table (
  currency text, revenue bigint, refunded bigint, net_revenue bigint, payments_completed bigint,
  payments_failed bigint, payments_refunded bigint, vouchers_sold bigint, points_sold bigint,
  vouchers_redeemed bigint, redemptions bigint, vouchers_active bigint
)
language sql
stable
set search_path = ''
as $$
  select * from private.analytics_totals(from_date, to_date)
$$;
comment on function public.analytics_totals(date, date) is
  'Admins: totals over [from_date, to_date] per currency (revenue, refunds, net, payments completed/failed/refunded, vouchers and points sold) with the range''s voucher redemptions and the vouchers usable now.';
revoke execute on function public.analytics_totals(date, date) from public, anon;
grant execute on function public.analytics_totals(date, date) to authenticated, service_role;
