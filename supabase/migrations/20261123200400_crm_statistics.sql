-- CRM statistics as SQL functions (seed 002's /clients/statistics and /payments/statistics).
-- Security invoker: they count what the caller's RLS lets them see in the given account, so a
-- member with only "my clients" gets the figures of their clients and another account gets zeros.

-- ============================================================================================
-- API functions
-- ============================================================================================
create function public.crm_client_statistics(account_id uuid)
returns table (
  total bigint,
  active bigint,
  inactive bigint,
  onboarding bigint,
  paused bigint,
  cancelled bigint
)
language sql
stable
security invoker
set search_path = ''
as $$
  select count(*),
         count(*) filter (where c.status = 'active'),
         count(*) filter (where c.status = 'inactive'),
         count(*) filter (where c.status = 'onboarding'),
         count(*) filter (where c.status = 'paused'),
         count(*) filter (where c.status = 'cancelled')
  from public.crm_clients c
  where c.account_id = crm_client_statistics.account_id;
$$;
comment on function public.crm_client_statistics(uuid) is
  'Client counts by status in one account, as far as the caller may see (RLS applies): one row.';
revoke execute on function public.crm_client_statistics(uuid) from public, anon;
grant execute on function public.crm_client_statistics(uuid) to authenticated;

create function public.crm_payment_statistics(account_id uuid, from_date date default null, to_date date default null)
returns table (
  status public.crm_payment_status,
  currency text,
  payments bigint,
  total_amount numeric(14, 2)
)
language sql
stable
security invoker
set search_path = ''
as $$
  select p.status, p.currency, count(*), sum(p.amount)::numeric(14, 2)
  from public.crm_payments p
  where p.account_id = crm_payment_statistics.account_id
    and (crm_payment_statistics.from_date is null or p.payment_date >= crm_payment_statistics.from_date)
    and (crm_payment_statistics.to_date is null or p.payment_date <= crm_payment_statistics.to_date)
  group by p.status, p.currency
  order by p.currency, p.status;
$$;
comment on function public.crm_payment_statistics(uuid, date, date) is
  'Payment count and total amount by status and currency in one account (optionally between two dates, inclusive), as far as the caller may see (RLS applies). Amounts are never summed across currencies.';
revoke execute on function public.crm_payment_statistics(uuid, date, date) from public, anon;
grant execute on function public.crm_payment_statistics(uuid, date, date) to authenticated;
