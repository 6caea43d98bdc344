-- =====================================================================================================
-- The CRM's money becomes integers in minor units, like the rest of the kit (docs/decisions/0006):
-- crm_packages.price, crm_client_packages.custom_price / monthly_amount, crm_payments.amount and
-- crm_instalments.amount were numeric(12, 2) major units and are now bigint minor units (cents for
-- 'usd'). The stored amounts are converted exactly (× 100: two decimals always make a whole number of
-- cents). Currencies are ISO 4217 in lower case ('usd', as vouchers and payments); an upper-case code
-- on a write is lowered by a trigger, so a caller may send either.
-- The payment statistics take the kit's one date range: `from` inclusive, `to` exclusive, a date
-- (midnight UTC) or a date-time; a payment's date counts as midnight UTC of that day.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- statistics (depend on the type)

drop function public.crm_payment_statistics(uuid, date, date);

-- ----------------------------------------------------------------------------- amounts

alter table public.crm_packages drop constraint crm_packages_price_check;
alter table public.crm_packages alter column price type bigint using (price * 100)::bigint;
alter table public.crm_packages add constraint crm_packages_price_check check (price >= 0);
comment on column public.crm_packages.price is
  'List price in minor units of `currency` (cents for usd); a client package may carry a custom price.';

alter table public.crm_client_packages drop constraint crm_client_packages_custom_price_check;
alter table public.crm_client_packages drop constraint crm_client_packages_monthly_amount_check;
alter table public.crm_client_packages
  alter column custom_price type bigint using (custom_price * 100)::bigint,
  alter column monthly_amount type bigint using (monthly_amount * 100)::bigint;
alter table public.crm_client_packages
  add constraint crm_client_packages_custom_price_check check (custom_price >= 0),
  add constraint crm_client_packages_monthly_amount_check check (monthly_amount >= 0);
comment on column public.crm_client_packages.custom_price is
  'The price agreed with this client in minor units of `currency` (null: the package''s list price).';
comment on column public.crm_client_packages.monthly_amount is
  'What the client pays per month in minor units of `currency`, for Monthly schedules.';

alter table public.crm_payments drop constraint crm_payments_amount_check;
alter table public.crm_payments alter column amount type bigint using (amount * 100)::bigint;
alter table public.crm_payments add constraint crm_payments_amount_check check (amount > 0);
comment on column public.crm_payments.amount is 'The amount paid in minor units of `currency` (cents for usd).';

alter table public.crm_instalments drop constraint crm_instalments_amount_check;
alter table public.crm_instalments alter column amount type bigint using (amount * 100)::bigint;
alter table public.crm_instalments add constraint crm_instalments_amount_check check (amount > 0);
comment on column public.crm_instalments.amount is 'The amount due in minor units of `currency` (cents for usd).';

-- ----------------------------------------------------------------------------- currencies

/** Lowers a row's ISO 4217 currency code, so 'USD' and 'usd' are stored alike. */
create function private.crm_lower_currency()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.currency := lower(new.currency);
  return new;
end;
$$;
comment on function private.crm_lower_currency() is 'BEFORE INSERT/UPDATE trigger of the crm_* tables: stores the currency code in lower case.';
revoke execute on function private.crm_lower_currency() from public, anon, authenticated;

do $$
declare
  t text;
begin
  foreach t in array array['crm_clients', 'crm_packages', 'crm_client_packages', 'crm_payments', 'crm_instalments'] loop
    execute format('alter table public.%I drop constraint %I', t, t || '_currency_check');
    execute format('update public.%I set currency = lower(currency) where currency <> lower(currency)', t);
    execute format('alter table public.%I add constraint %I check (currency ~ ''^[a-z]{3}$'')', t, t || '_currency_check');
    execute format('create trigger crm_lower_currency before insert or update of currency on public.%I '
                   'for each row execute function private.crm_lower_currency()', t);
  end loop;
end;
$$;
alter table public.crm_clients alter column currency set default 'usd';
alter table public.crm_packages alter column currency set default 'usd';
alter table public.crm_client_packages alter column currency set default 'usd';

-- ----------------------------------------------------------------------------- statistics

create function public.crm_payment_statistics(account_id uuid, "from" timestamptz default null, "to" timestamptz default null)
returns table (
  status public.crm_payment_status,
  currency text,
  payments bigint,
  total_amount bigint
)
language sql
stable
security invoker
set search_path = ''
as $$
  select p.status, p.currency, count(*), sum(p.amount)::bigint
  from public.crm_payments p
  where p.account_id = crm_payment_statistics.account_id
    and (crm_payment_statistics."from" is null or (p.payment_date::timestamp at time zone 'UTC') >= crm_payment_statistics."from")
    and (crm_payment_statistics."to" is null or (p.payment_date::timestamp at time zone 'UTC') < crm_payment_statistics."to")
  group by p.status, p.currency
  order by p.currency, p.status;
$$;
comment on function public.crm_payment_statistics(uuid, timestamptz, timestamptz) is
  'Payment count and total amount (minor units) by status and currency in one account, optionally in a range: '
  '`from` inclusive, `to` exclusive (a payment''s date counts as midnight UTC), as far as the caller may see (RLS applies). '
  'Amounts are never summed across currencies.';
revoke execute on function public.crm_payment_statistics(uuid, timestamptz, timestamptz) from public, anon;
grant execute on function public.crm_payment_statistics(uuid, timestamptz, timestamptz) to authenticated, service_role;
