-- Subscriptions with Stripe Billing: plans for users (a monthly points allowance) and for business
-- accounts (a seat limit and feature flags).
--
-- Rules enforced here, in the database:
-- - the catalogue (billing_products, billing_prices) mirrors Stripe: read by anyone, written only by
--   the webhook's functions (and the first-load sync, which calls the same functions);
-- - a subscription's row changes only through private.billing_apply_subscription / billing_apply_invoice,
--   each called once per Stripe event id (private.stripe_events), and never moves back to an older state:
--   every write carries an ordering key taken from the object (ended?, current period start) and the
--   event (created, then the status' rank), and a write whose key is not newer changes nothing;
-- - a user plan's allowance is credited once per paid invoice (billing_allowance_credits has the invoice
--   id as its key), through private.post_wallet_entry, in the same transaction as the event record;
-- - an account's seats and features come from its plan (private.account_entitlements): adding or
--   reactivating a member past the seat limit is refused with 422 seat_limit_reached, a gated feature
--   without it with 403 feature_not_in_plan;
-- - who may start, change or cancel a plan (the user for their own, the owner for an account's) is
--   checked by private.billing_prepare / private.billing_subscription_for before Stripe is called.

-- ============================================================================================
-- Types and settings
-- ============================================================================================
create type public.billing_plan_kind as enum ('user', 'business');
comment on type public.billing_plan_kind is 'Who a plan is for: a user (monthly points allowance) or a business account (seats and features).';

create type public.billing_subscription_status as enum (
  'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'unpaid', 'paused', 'canceled'
);
comment on type public.billing_subscription_status is 'Stripe''s subscription statuses.';

create table private.billing_settings (
  id boolean primary key default true check (id),
  require_plan_for_accounts boolean not null default false,
  grace_days integer not null default 7 check (grace_days between 0 and 60),
  free_seats integer not null default 1 check (free_seats >= 1)
);
comment on table private.billing_settings is
  'One row. require_plan_for_accounts: false (default) leaves accounts that never subscribed unmetered (as before billing); true gives them the free tier (free_seats seats, no gated features). grace_days: how long a past_due subscription keeps its access.';
insert into private.billing_settings default values;
alter table private.billing_settings enable row level security;
revoke all on private.billing_settings from public, anon, authenticated;

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.billing_products (
  id text primary key check (id ~ '^prod_[A-Za-z0-9_]+$'),
  name text not null check (char_length(name) between 1 and 250),
  description text check (char_length(description) <= 2000),
  active boolean not null,
  plan_kind public.billing_plan_kind,
  monthly_points integer not null default 0 check (monthly_points between 0 and 10000000),
  seat_limit integer check (seat_limit between 1 and 100000),
  features text[] not null default '{}',
  trial_days integer not null default 0 check (trial_days between 0 and 730),
  stripe_updated bigint not null,
  synced_at timestamptz not null default now()
);
comment on table public.billing_products is
  'Stripe products mirrored by the webhook (product.*) and the first-load sync. A plan is a product whose metadata names plan_kind (user | business); user plans carry monthly_points, business plans seat_limit and features (comma-separated metadata). Read by anyone; written only by private.billing_apply_product.';
comment on column public.billing_products.stripe_updated is 'Stripe''s `updated` of the product mirrored: an older version arriving late is ignored.';

create table public.billing_prices (
  id text primary key check (id ~ '^price_[A-Za-z0-9_]+$'),
  product_id text not null references public.billing_products (id) on delete restrict,
  active boolean not null,
  currency text not null check (currency ~ '^[a-z]{3}$'),
  unit_amount integer not null check (unit_amount >= 0),
  recurring_interval text check (recurring_interval in ('day', 'week', 'month', 'year')),
  recurring_interval_count integer check (recurring_interval_count between 1 and 365),
  nickname text check (char_length(nickname) <= 250),
  stripe_version bigint not null,
  synced_at timestamptz not null default now()
);
create index billing_prices_product_id_idx on public.billing_prices (product_id);
comment on table public.billing_prices is
  'Stripe prices mirrored by the webhook (price.*) and the first-load sync; unit_amount in the currency''s minor units. Read by anyone; written only by private.billing_apply_price.';

create table public.billing_subscriptions (
  id text primary key check (id ~ '^sub_[A-Za-z0-9_]+$'),
  user_id uuid references auth.users (id) on delete cascade,
  account_id uuid references public.accounts (id) on delete cascade,
  stripe_customer_id text not null check (stripe_customer_id ~ '^cus_[A-Za-z0-9_]+$'),
  price_id text not null,
  status public.billing_subscription_status not null,
  cancel_at_period_end boolean not null default false,
  current_period_start timestamptz,
  current_period_end timestamptz,
  trial_end timestamptz,
  canceled_at timestamptz,
  ended_at timestamptz,
  past_due_since timestamptz,
  -- The ordering key of the state stored (see the header).
  order_ended boolean not null,
  order_period bigint not null,
  order_created bigint not null,
  order_rank smallint not null,
  last_event_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint billing_subscriptions_one_subscriber check (num_nonnulls(user_id, account_id) = 1)
);
create index billing_subscriptions_user_id_idx on public.billing_subscriptions (user_id);
create index billing_subscriptions_account_id_idx on public.billing_subscriptions (account_id);
comment on table public.billing_subscriptions is
  'Stripe subscriptions of users (user plans) and accounts (business plans), as Stripe last reported them; never moved back to an older state. Read by the user, the account''s owner and admins, platform admins.';
comment on column public.billing_subscriptions.past_due_since is 'When the subscription became past_due: access lasts grace_days from then.';

create table public.billing_allowance_credits (
  invoice_id text primary key check (invoice_id ~ '^in_[A-Za-z0-9_]+$'),
  id uuid not null unique default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  subscription_id text not null,
  price_id text not null,
  points integer not null check (points > 0),
  period_start timestamptz,
  period_end timestamptz,
  ledger_entry_id bigint not null,
  created_at timestamptz not null default now()
);
create index billing_allowance_credits_user_id_idx on public.billing_allowance_credits (user_id, created_at desc);
comment on table public.billing_allowance_credits is
  'One row per paid invoice of a user plan whose monthly allowance was credited (the invoice id is the key: never twice). Read by the user and admins.';

create table private.billing_account_customers (
  account_id uuid primary key references public.accounts (id) on delete cascade,
  stripe_customer_id text not null unique check (stripe_customer_id ~ '^cus_[A-Za-z0-9_]+$'),
  created_at timestamptz not null default now()
);
comment on table private.billing_account_customers is 'The Stripe customer of each business account that subscribed (users use public.stripe_customers).';
alter table private.billing_account_customers enable row level security;
revoke all on private.billing_account_customers from public, anon, authenticated;

create trigger billing_subscriptions_touch_updated_at before update on public.billing_subscriptions
  for each row execute function private.touch_updated_at();

-- ============================================================================================
-- Helpers
-- ============================================================================================
create function private.billing_int(value text)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case when value ~ '^\s*[0-9]{1,9}\s*$' then btrim(value)::integer end
$$;
comment on function private.billing_int(text) is 'A metadata value as a non-negative integer, or null when it is not one.';
revoke execute on function private.billing_int(text) from public, anon, authenticated;

create function private.billing_ts(value text)
returns timestamptz
language sql
immutable
set search_path = ''
as $$
  select case when value ~ '^[0-9]{1,12}$' then to_timestamp(value::bigint) end
$$;
comment on function private.billing_ts(text) is 'A Stripe unix timestamp (seconds) as timestamptz, or null.';
revoke execute on function private.billing_ts(text) from public, anon, authenticated;

create function private.billing_uuid(value text)
returns uuid
language sql
immutable
set search_path = ''
as $$
  select case when value ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then value::uuid end
$$;
comment on function private.billing_uuid(text) is 'A metadata value as a uuid, or null when it is not one.';
revoke execute on function private.billing_uuid(text) from public, anon, authenticated;

-- The rank of a status among states with the same period and event time (later states rank higher).
create function private.billing_status_rank(status public.billing_subscription_status)
returns smallint
language sql
immutable
set search_path = ''
as $$
  select case status
    when 'incomplete' then 0 when 'trialing' then 1 when 'active' then 2 when 'past_due' then 3
    when 'unpaid' then 4 when 'paused' then 4 else 5 end::smallint
$$;
comment on function private.billing_status_rank(public.billing_subscription_status) is 'Tie-break of the stale-write guard: later statuses rank higher.';
revoke execute on function private.billing_status_rank(public.billing_subscription_status) from public, anon, authenticated;

-- ============================================================================================
-- Catalogue: product.*, price.* (and the sync, with event_id null)
-- ============================================================================================
create function private.billing_apply_product(p_event_id text, p_event_type text, p_product jsonb)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  meta jsonb := coalesce(p_product -> 'metadata', '{}');
  kind public.billing_plan_kind := case when meta ->> 'plan_kind' in ('user', 'business') then (meta ->> 'plan_kind')::public.billing_plan_kind end;
  version bigint := coalesce((p_product ->> 'updated')::bigint, (p_product ->> 'created')::bigint, 0);
  deleted boolean := p_event_type = 'product.deleted' or coalesce(p_product ->> 'deleted', '') = 'true';
  outcome text;
begin
  if not private.record_stripe_event(p_event_id, p_event_type, null) then
    return 'duplicate';
  end if;
  if coalesce(p_product ->> 'id', '') !~ '^prod_[A-Za-z0-9_]+$' then
    outcome := 'ignored_invalid';
  else
    insert into public.billing_products as p (id, name, description, active, plan_kind, monthly_points, seat_limit, features, trial_days, stripe_updated)
    values (
      p_product ->> 'id',
      left(coalesce(nullif(btrim(p_product ->> 'name'), ''), p_product ->> 'id'), 250),
      left(p_product ->> 'description', 2000),
      coalesce((p_product ->> 'active')::boolean, true) and not deleted,
      kind,
      case when kind = 'user' then least(coalesce(private.billing_int(meta ->> 'monthly_points'), 0), 10000000) else 0 end,
      case when kind = 'business' then nullif(least(coalesce(private.billing_int(meta ->> 'seat_limit'), 0), 100000), 0) end,
      case when kind = 'business' then coalesce(
        (select array_agg(distinct f order by f) from unnest(string_to_array(meta ->> 'features', ',')) as t(raw), lateral btrim(raw) as f
          where f ~ '^[a-z][a-z0-9_]{0,39}$'), '{}') else '{}' end,
      least(coalesce(private.billing_int(meta ->> 'trial_days'), 0), 730),
      version + case when deleted then 1 else 0 end)
    on conflict (id) do update set
      name = excluded.name, description = excluded.description, active = excluded.active, plan_kind = excluded.plan_kind,
      monthly_points = excluded.monthly_points, seat_limit = excluded.seat_limit, features = excluded.features,
      trial_days = excluded.trial_days, stripe_updated = excluded.stripe_updated, synced_at = now()
    where excluded.stripe_updated > p.stripe_updated
       or (excluded.stripe_updated = p.stripe_updated and p_event_id is null);
    outcome := case when found then 'product_synced' else 'stale' end;
  end if;
  perform private.finish_stripe_event(p_event_id, outcome);
  return outcome;
end;
$$;
comment on function private.billing_apply_product(text, text, jsonb) is
  'Mirrors a Stripe product (product.created|updated|deleted, or the sync with event_id null) once per event id; an older `updated` than the one stored changes nothing.';
revoke execute on function private.billing_apply_product(text, text, jsonb) from public, anon, authenticated;
grant execute on function private.billing_apply_product(text, text, jsonb) to service_role;

create function private.billing_apply_price(p_event_id text, p_event_type text, p_event_created bigint, p_price jsonb)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  product_id text := coalesce(p_price -> 'product' ->> 'id', p_price ->> 'product');
  deleted boolean := p_event_type = 'price.deleted' or coalesce(p_price ->> 'deleted', '') = 'true';
  version bigint := coalesce(p_event_created, (p_price ->> 'created')::bigint, 0) * 2 + case when deleted then 1 else 0 end;
  outcome text;
begin
  if not private.record_stripe_event(p_event_id, p_event_type, null) then
    return 'duplicate';
  end if;
  if coalesce(p_price ->> 'id', '') !~ '^price_[A-Za-z0-9_]+$' or product_id is null
     or coalesce(p_price ->> 'currency', '') !~ '^[a-z]{3}$' then
    outcome := 'ignored_invalid';
  elsif not exists (select 1 from public.billing_products p where p.id = product_id) then
    -- Stripe sends product.created before price.created, but not necessarily in that order: keep the
    -- product's id so the price is mirrored now; its product.* event fills the rest in.
    insert into public.billing_products (id, name, active, stripe_updated) values (product_id, product_id, false, 0)
    on conflict (id) do nothing;
  end if;
  if outcome is null then
    insert into public.billing_prices as p (id, product_id, active, currency, unit_amount, recurring_interval, recurring_interval_count, nickname, stripe_version)
    values (
      p_price ->> 'id', product_id,
      coalesce((p_price ->> 'active')::boolean, true) and not deleted,
      p_price ->> 'currency',
      coalesce(private.billing_int(p_price ->> 'unit_amount'), 0),
      case when p_price -> 'recurring' ->> 'interval' in ('day', 'week', 'month', 'year') then p_price -> 'recurring' ->> 'interval' end,
      nullif(least(coalesce(private.billing_int(p_price -> 'recurring' ->> 'interval_count'), 0), 365), 0),
      left(p_price ->> 'nickname', 250),
      version)
    on conflict (id) do update set
      active = excluded.active, nickname = excluded.nickname, stripe_version = excluded.stripe_version, synced_at = now()
    where excluded.stripe_version > p.stripe_version or p_event_id is null;
    outcome := case when found then 'price_synced' else 'stale' end;
  end if;
  perform private.finish_stripe_event(p_event_id, outcome);
  return outcome;
end;
$$;
comment on function private.billing_apply_price(text, text, bigint, jsonb) is
  'Mirrors a Stripe price (price.created|updated|deleted, or the sync with event_id null) once per event id; amount, currency and interval are fixed at creation as in Stripe; an older event than the one applied changes nothing.';
revoke execute on function private.billing_apply_price(text, text, bigint, jsonb) from public, anon, authenticated;
grant execute on function private.billing_apply_price(text, text, bigint, jsonb) to service_role;

-- ============================================================================================
-- Entitlements
-- ============================================================================================
-- The plan an account has now. metered = false: the account never subscribed and plans are not
-- required (billing_settings), so nothing is limited. Access: trialing or active, or past_due for
-- grace_days; without access the free tier (free_seats seats, no features).
create function private.account_entitlements(p_account_id uuid)
returns table (
  metered boolean,
  has_access boolean,
  status public.billing_subscription_status,
  subscription_id text,
  price_id text,
  plan_name text,
  seat_limit integer,
  features text[],
  grace_until timestamptz,
  access_until timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  settings private.billing_settings;
  sub public.billing_subscriptions;
  product public.billing_products;
  access boolean;
  grace timestamptz;
begin
  select * into settings from private.billing_settings;
  select s.* into sub from public.billing_subscriptions s
   where s.account_id = p_account_id
   order by s.order_ended, s.created_at desc limit 1;
  if sub.id is null then
    if not coalesce(settings.require_plan_for_accounts, false) then
      return query select false, true, null::public.billing_subscription_status, null::text, null::text, null::text, null::integer, null::text[], null::timestamptz, null::timestamptz;
      return;
    end if;
    return query select true, false, null::public.billing_subscription_status, null::text, null::text, null::text, settings.free_seats, '{}'::text[], null::timestamptz, null::timestamptz;
    return;
  end if;
  select p.* into product from public.billing_prices pr join public.billing_products p on p.id = pr.product_id
   where pr.id = sub.price_id;
  grace := case when sub.status = 'past_due' then coalesce(sub.past_due_since, now()) + make_interval(days => settings.grace_days) end;
  access := product.plan_kind = 'business'
            and (sub.status in ('active', 'trialing') or (sub.status = 'past_due' and now() < grace));
  return query select true, access, sub.status, sub.id, sub.price_id, product.name,
    case when access then product.seat_limit else settings.free_seats end,
    case when access then product.features else '{}'::text[] end,
    grace,
    case when access then coalesce(least(sub.current_period_end, grace), sub.current_period_end, grace) end;
end;
$$;
comment on function private.account_entitlements(uuid) is
  'An account''s plan now: whether it is metered, has access (trialing/active, or past_due within the grace period), its seat limit and features; the free tier without access.';
revoke execute on function private.account_entitlements(uuid) from public, anon, authenticated;
grant execute on function private.account_entitlements(uuid) to service_role;

create function private.account_has_feature(p_account_id uuid, p_feature text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select not e.metered or p_feature = any (e.features) from private.account_entitlements(p_account_id) e
$$;
comment on function private.account_has_feature(uuid, text) is 'Whether the account''s plan includes the feature (always, for an unmetered account).';
revoke execute on function private.account_has_feature(uuid, text) from public, anon;
grant execute on function private.account_has_feature(uuid, text) to authenticated, service_role;

-- Raises 403 feature_not_in_plan unless the account's plan has the feature. Only for a caller who
-- belongs to the account (or a privileged caller without a user): others learn nothing about its plan.
create function private.require_account_feature(p_account_id uuid, p_feature text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if (auth.uid() is null or exists (select 1 from public.account_members m where m.account_id = p_account_id and m.user_id = auth.uid()))
     and not private.account_has_feature(p_account_id, p_feature) then
    perform private.refuse(403, 'feature_not_in_plan',
      format('This account''s plan does not include %s', p_feature), null, 'Upgrade the account''s plan (kit.billing.change) to use it.');
  end if;
end;
$$;
comment on function private.require_account_feature(uuid, text) is 'Raises 403 feature_not_in_plan when the account''s plan lacks the feature (for the account''s members and privileged callers).';
revoke execute on function private.require_account_feature(uuid, text) from public, anon;
grant execute on function private.require_account_feature(uuid, text) to authenticated, service_role;

-- What an account's members (and platform admins) see of its plan.
create function public.billing_entitlements(account_id uuid)
returns table (
  metered boolean,
  has_access boolean,
  status public.billing_subscription_status,
  plan_name text,
  seat_limit integer,
  seats_used integer,
  features text[],
  grace_until timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not (billing_entitlements.account_id = any (private.active_account_ids()) or private.is_admin()) then
    perform private.refuse(404, 'not_found', 'No such account');
  end if;
  return query
  select e.metered, e.has_access, e.status, e.plan_name, e.seat_limit,
         (select count(*)::integer from public.account_members m where m.account_id = billing_entitlements.account_id and m.is_active),
         coalesce(e.features, '{}'), e.grace_until
  from private.account_entitlements(billing_entitlements.account_id) e;
end;
$$;
comment on function public.billing_entitlements(uuid) is
  'The account''s plan as its active members (and platform admins) see it: metered, access, status, plan, seat limit and seats used, features, end of the grace period. 404 not_found for anyone else.';
revoke execute on function public.billing_entitlements(uuid) from public, anon;
grant execute on function public.billing_entitlements(uuid) to authenticated, service_role;

-- ============================================================================================
-- Seat limit and gated features
-- ============================================================================================
create function private.enforce_seat_limit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  e record;
  used integer;
begin
  -- One member addition at a time per account, so two concurrent additions cannot both take the last seat.
  perform 1 from public.accounts a where a.id = new.account_id for no key update;
  select * into e from private.account_entitlements(new.account_id);
  if e.metered and e.seat_limit is not null then
    select count(*) into used from public.account_members m
     where m.account_id = new.account_id and m.is_active and m.user_id <> new.user_id;
    if used >= e.seat_limit then
      perform private.refuse(422, 'seat_limit_reached',
        format('The account''s plan has %s seat(s), all taken', e.seat_limit), 'seat_limit',
        'Upgrade the plan or deactivate a member first.');
    end if;
  end if;
  return new;
end;
$$;
comment on function private.enforce_seat_limit() is 'Refuses (422 seat_limit_reached) an active member beyond the seat limit of the account''s plan, for every writer.';
revoke execute on function private.enforce_seat_limit() from public, anon, authenticated;

create trigger account_members_seat_limit_on_insert before insert on public.account_members
  for each row when (new.is_active) execute function private.enforce_seat_limit();
create trigger account_members_seat_limit_on_reactivate before update of is_active on public.account_members
  for each row when (new.is_active and not old.is_active) execute function private.enforce_seat_limit();

-- Member batches are the `batches` feature.
create function private.require_batches_feature()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_account_feature(new.account_id, 'batches');
  return new;
end;
$$;
comment on function private.require_batches_feature() is 'Refuses a member batch (403 feature_not_in_plan) for an account whose plan lacks `batches`.';
revoke execute on function private.require_batches_feature() from public, anon, authenticated;
create trigger member_batches_require_feature before insert on public.member_batches
  for each row execute function private.require_batches_feature();

-- CRM statistics are the `crm_statistics` feature (same results as before for accounts that have it).
create or replace function public.crm_client_statistics(account_id uuid)
returns table (
  total bigint,
  active bigint,
  inactive bigint,
  onboarding bigint,
  paused bigint,
  cancelled bigint
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform private.require_account_feature(crm_client_statistics.account_id, 'crm_statistics');
  return query
  select count(*),
         count(*) filter (where c.status = 'active'),
         count(*) filter (where c.status = 'inactive'),
         count(*) filter (where c.status = 'onboarding'),
         count(*) filter (where c.status = 'paused'),
         count(*) filter (where c.status = 'cancelled')
  from public.crm_clients c
  where c.account_id = crm_client_statistics.account_id;
end;
$$;
comment on function public.crm_client_statistics(uuid) is
  'Client counts by status in one account, as far as the caller may see (RLS applies): one row. Needs the plan feature crm_statistics (403 feature_not_in_plan).';

create or replace function public.crm_payment_statistics(account_id uuid, "from" timestamptz default null, "to" timestamptz default null)
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
  select private.require_account_feature(crm_payment_statistics.account_id, 'crm_statistics');
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
  'Amounts are never summed across currencies. Needs the plan feature crm_statistics (403 feature_not_in_plan).';

-- ============================================================================================
-- Starting and managing a plan (called by the billing function before it calls Stripe)
-- ============================================================================================
-- Checks that the caller may subscribe the subscriber (themselves, or an account they own) to the
-- price, and answers what the function needs. 404 price_not_found, 422 price_inactive,
-- 422 plan_kind_mismatch, 403 forbidden, 409 already_subscribed.
create function private.billing_prepare(p_caller uuid, p_price_id text, p_account_id uuid)
returns table (price_id text, product_id text, plan_kind public.billing_plan_kind, plan_name text, trial_days integer,
               stripe_customer_id text, account_name text)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  pr public.billing_prices;
  product public.billing_products;
  acct public.accounts;
begin
  select * into pr from public.billing_prices p where p.id = p_price_id;
  select * into product from public.billing_products p where p.id = pr.product_id;
  if pr.id is null or product.plan_kind is null then
    perform private.refuse(404, 'price_not_found', 'No such plan price', 'price_id');
  end if;
  if not pr.active or not product.active or pr.recurring_interval is null then
    perform private.refuse(422, 'price_inactive', 'This plan is not on sale', 'price_id');
  end if;
  if p_account_id is not null then
    select a.* into acct from public.accounts a
      join public.account_members m on m.account_id = a.id
     where a.id = p_account_id and m.user_id = p_caller and m.role = 'owner' and m.is_active and a.status = 'active';
    if acct.id is null then
      perform private.refuse(403, 'forbidden', 'Only the owner of an active account manages its plan', 'account_id');
    end if;
  end if;
  if product.plan_kind is distinct from (case when p_account_id is null then 'user' else 'business' end)::public.billing_plan_kind then
    perform private.refuse(422, 'plan_kind_mismatch',
      format('A %s plan cannot be used for %s', product.plan_kind, case when p_account_id is null then 'a user' else 'a business account' end), 'price_id');
  end if;
  if exists (select 1 from public.billing_subscriptions s
              where not s.order_ended and s.status <> 'incomplete'
                and (case when p_account_id is null then s.user_id = p_caller else s.account_id = p_account_id end)) then
    perform private.refuse(409, 'already_subscribed', 'There is a subscription already: change its plan instead');
  end if;
  -- One trial per subscriber: a subscriber who had any subscription before starts paying at once.
  return query select pr.id, product.id, product.plan_kind, product.name,
    case when exists (select 1 from public.billing_subscriptions s
                       where (case when p_account_id is null then s.user_id = p_caller else s.account_id = p_account_id end)
                         and s.status <> 'incomplete_expired') then 0 else product.trial_days end,
    case when p_account_id is null then (select c.stripe_customer_id from public.stripe_customers c where c.user_id = p_caller)
         else (select c.stripe_customer_id from private.billing_account_customers c where c.account_id = p_account_id) end,
    acct.name;
end;
$$;
comment on function private.billing_prepare(uuid, text, uuid) is
  'Before a subscription is started: the price exists, is on sale and is of the subscriber''s kind; the caller is the user, or the owner of the active account; there is no current subscription.';
revoke execute on function private.billing_prepare(uuid, text, uuid) from public, anon, authenticated;
grant execute on function private.billing_prepare(uuid, text, uuid) to service_role;

create function private.billing_link_account_customer(p_account_id uuid, p_customer text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  linked text;
begin
  insert into private.billing_account_customers (account_id, stripe_customer_id) values (p_account_id, p_customer)
  on conflict (account_id) do nothing;
  select c.stripe_customer_id into linked from private.billing_account_customers c where c.account_id = p_account_id;
  return linked;
end;
$$;
comment on function private.billing_link_account_customer(uuid, text) is 'Links an account to a Stripe customer unless one is linked already; answers the linked one.';
revoke execute on function private.billing_link_account_customer(uuid, text) from public, anon, authenticated;
grant execute on function private.billing_link_account_customer(uuid, text) to service_role;

-- The current subscription the caller manages: their own (account null) or their account's (owner
-- only). 403 forbidden for a non-owner, 404 subscription_not_found when there is none. With a new
-- price: 404/422 as billing_prepare, 409 same_plan.
create function private.billing_subscription_for(p_caller uuid, p_account_id uuid, p_new_price_id text default null)
returns table (subscription_id text, stripe_customer_id text, price_id text, status public.billing_subscription_status,
               cancel_at_period_end boolean)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  sub public.billing_subscriptions;
  pr public.billing_prices;
  product public.billing_products;
begin
  if p_account_id is not null and not exists (
       select 1 from public.account_members m join public.accounts a on a.id = m.account_id
        where m.account_id = p_account_id and m.user_id = p_caller and m.role = 'owner' and m.is_active and a.status = 'active') then
    perform private.refuse(403, 'forbidden', 'Only the owner of an active account manages its plan', 'account_id');
  end if;
  select s.* into sub from public.billing_subscriptions s
   where not s.order_ended
     and (case when p_account_id is null then s.user_id = p_caller else s.account_id = p_account_id end)
   order by s.created_at desc limit 1;
  if sub.id is null then
    perform private.refuse(404, 'subscription_not_found', 'There is no current subscription');
  end if;
  if p_new_price_id is not null then
    select * into pr from public.billing_prices p where p.id = p_new_price_id;
    select * into product from public.billing_products p where p.id = pr.product_id;
    if pr.id is null or product.plan_kind is null then
      perform private.refuse(404, 'price_not_found', 'No such plan price', 'price_id');
    end if;
    if not pr.active or not product.active or pr.recurring_interval is null then
      perform private.refuse(422, 'price_inactive', 'This plan is not on sale', 'price_id');
    end if;
    if product.plan_kind is distinct from (case when p_account_id is null then 'user' else 'business' end)::public.billing_plan_kind then
      perform private.refuse(422, 'plan_kind_mismatch', format('A %s plan cannot be used here', product.plan_kind), 'price_id');
    end if;
    if pr.id = sub.price_id then
      perform private.refuse(409, 'same_plan', 'The subscription is on this plan already', 'price_id');
    end if;
  end if;
  return query select sub.id, sub.stripe_customer_id, sub.price_id, sub.status, sub.cancel_at_period_end;
end;
$$;
comment on function private.billing_subscription_for(uuid, uuid, text) is
  'The caller''s current subscription (or their account''s, for its owner), optionally checking a new price for a plan change.';
revoke execute on function private.billing_subscription_for(uuid, uuid, text) from public, anon, authenticated;
grant execute on function private.billing_subscription_for(uuid, uuid, text) to service_role;

-- ============================================================================================
-- Webhook transitions: customer.subscription.*, invoice.paid, invoice.payment_failed, checkout.session.completed
-- ============================================================================================
create function private.billing_apply_subscription(p_event_id text, p_event_type text, p_event_created bigint, p_sub jsonb)
returns table (outcome text, subscription_id text, status text)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  meta jsonb := coalesce(p_sub -> 'metadata', '{}');
  item jsonb := p_sub -> 'items' -> 'data' -> 0;
  sub_id text := p_sub ->> 'id';
  v_user uuid := private.billing_uuid(meta ->> 'user_id');
  v_account uuid := private.billing_uuid(meta ->> 'account_id');
  v_status public.billing_subscription_status;
  v_period_start timestamptz := private.billing_ts(coalesce(item ->> 'current_period_start', p_sub ->> 'current_period_start'));
  v_period_end timestamptz := private.billing_ts(coalesce(item ->> 'current_period_end', p_sub ->> 'current_period_end'));
  v_ended boolean;
  v_outcome text;
  saved public.billing_subscriptions;
begin
  if not private.record_stripe_event(p_event_id, p_event_type, null) then
    return query select 'duplicate', sub_id, (select s.status::text from public.billing_subscriptions s where s.id = sub_id);
    return;
  end if;
  if p_event_type = 'customer.subscription.deleted' then
    v_status := 'canceled';
  elsif p_sub ->> 'status' in ('incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'unpaid', 'paused', 'canceled') then
    v_status := (p_sub ->> 'status')::public.billing_subscription_status;
  end if;
  if coalesce(sub_id, '') !~ '^sub_[A-Za-z0-9_]+$' or v_status is null
     or coalesce(p_sub ->> 'customer', '') !~ '^cus_[A-Za-z0-9_]+$'
     or num_nonnulls(v_user, v_account) <> 1
     or coalesce(item -> 'price' ->> 'id', '') = ''
     or (v_user is not null and not exists (select 1 from auth.users u where u.id = v_user))
     or (v_account is not null and not exists (select 1 from public.accounts a where a.id = v_account)) then
    -- Not a subscription this backend started (no subscriber in its metadata): nothing to mirror.
    v_outcome := 'not_ours';
    perform private.finish_stripe_event(p_event_id, v_outcome);
    return query select v_outcome, sub_id, null::text;
    return;
  end if;
  v_ended := v_status in ('canceled', 'incomplete_expired');

  insert into public.billing_subscriptions as s (
    id, user_id, account_id, stripe_customer_id, price_id, status, cancel_at_period_end, current_period_start, current_period_end,
    trial_end, canceled_at, ended_at, past_due_since, order_ended, order_period, order_created, order_rank, last_event_id)
  values (
    sub_id, v_user, v_account, p_sub ->> 'customer', item -> 'price' ->> 'id', v_status,
    coalesce((p_sub ->> 'cancel_at_period_end')::boolean, false), v_period_start, v_period_end,
    private.billing_ts(p_sub ->> 'trial_end'), private.billing_ts(p_sub ->> 'canceled_at'),
    coalesce(private.billing_ts(p_sub ->> 'ended_at'), case when v_ended then to_timestamp(p_event_created) end),
    case when v_status = 'past_due' then to_timestamp(p_event_created) end,
    v_ended, coalesce(extract(epoch from v_period_start)::bigint, 0), p_event_created, private.billing_status_rank(v_status), p_event_id)
  on conflict (id) do update set
    price_id = excluded.price_id, status = excluded.status, cancel_at_period_end = excluded.cancel_at_period_end,
    current_period_start = excluded.current_period_start, current_period_end = excluded.current_period_end,
    trial_end = excluded.trial_end, canceled_at = excluded.canceled_at, ended_at = excluded.ended_at,
    past_due_since = case when excluded.status = 'past_due' then coalesce(s.past_due_since, excluded.past_due_since) end,
    order_ended = excluded.order_ended, order_period = excluded.order_period, order_created = excluded.order_created,
    order_rank = excluded.order_rank, last_event_id = excluded.last_event_id
  -- The stale-write guard: only a newer state replaces the stored one (the subscriber never changes).
  where (excluded.order_ended, excluded.order_period, excluded.order_created, excluded.order_rank)
        > (s.order_ended, s.order_period, s.order_created, s.order_rank)
    and s.user_id is not distinct from excluded.user_id and s.account_id is not distinct from excluded.account_id
  returning s.* into saved;
  v_outcome := case when saved.id is null then 'stale' else 'subscription_' || v_status::text end;
  perform private.finish_stripe_event(p_event_id, v_outcome);
  return query select v_outcome, sub_id, (select s.status::text from public.billing_subscriptions s where s.id = sub_id);
end;
$$;
comment on function private.billing_apply_subscription(text, text, bigint, jsonb) is
  'Mirrors a customer.subscription.created|updated|deleted event once per event id; a state older than the stored one (by ended, period start, event time, status rank) changes nothing (outcome stale).';
revoke execute on function private.billing_apply_subscription(text, text, bigint, jsonb) from public, anon, authenticated;
grant execute on function private.billing_apply_subscription(text, text, bigint, jsonb) to service_role;

create function private.billing_apply_invoice(p_event_id text, p_event_type text, p_event_created bigint, p_invoice jsonb)
returns table (outcome text, subscription_id text, status text, points integer)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  details jsonb := coalesce(p_invoice -> 'parent' -> 'subscription_details', '{}');
  meta jsonb := coalesce(details -> 'metadata', p_invoice -> 'subscription_details' -> 'metadata', '{}');
  sub_id text := coalesce(details ->> 'subscription', p_invoice ->> 'subscription');
  v_invoice text := p_invoice ->> 'id';
  v_user uuid := private.billing_uuid(meta ->> 'user_id');
  line jsonb;
  v_price text;
  v_period_start timestamptz;
  v_period_end timestamptz;
  product public.billing_products;
  credit public.billing_allowance_credits;
  entry public.wallet_ledger;
  v_outcome text;
  v_points integer := 0;
begin
  if not private.record_stripe_event(p_event_id, p_event_type, null) then
    return query select 'duplicate', sub_id, (select s.status::text from public.billing_subscriptions s where s.id = sub_id), 0;
    return;
  end if;
  if coalesce(v_invoice, '') !~ '^in_[A-Za-z0-9_]+$' or coalesce(sub_id, '') !~ '^sub_[A-Za-z0-9_]+$' then
    v_outcome := 'not_ours';
    perform private.finish_stripe_event(p_event_id, v_outcome);
    return query select v_outcome, sub_id, null::text, 0;
    return;
  end if;
  -- The plan's line: the first line that is not a proration.
  select l into line from jsonb_array_elements(coalesce(p_invoice -> 'lines' -> 'data', '[]')) l
   where coalesce((l -> 'parent' -> 'subscription_item_details' ->> 'proration')::boolean, (l ->> 'proration')::boolean, false) = false
   limit 1;
  v_price := coalesce(line -> 'pricing' -> 'price_details' ->> 'price', line -> 'price' ->> 'id');
  v_period_start := private.billing_ts(line -> 'period' ->> 'start');
  v_period_end := private.billing_ts(line -> 'period' ->> 'end');

  if p_event_type = 'invoice.paid' then
    select p.* into product from public.billing_prices pr join public.billing_products p on p.id = pr.product_id where pr.id = v_price;
    if v_user is not null and product.plan_kind = 'user' and product.monthly_points > 0
       and coalesce(p_invoice ->> 'billing_reason', '') in ('subscription_create', 'subscription_cycle')
       and coalesce(private.billing_int(p_invoice ->> 'amount_paid'), 0) > 0
       and exists (select 1 from auth.users u where u.id = v_user) then
      insert into public.billing_allowance_credits (invoice_id, user_id, subscription_id, price_id, points, period_start, period_end, ledger_entry_id)
      values (v_invoice, v_user, sub_id, v_price, product.monthly_points, v_period_start, v_period_end, 0)
      on conflict (invoice_id) do nothing
      returning * into credit;
      if credit.invoice_id is not null then
        entry := private.post_wallet_entry(v_user, product.monthly_points, 'subscription_allowance', 'subscription_invoice', credit.id,
                                           null, format('Monthly allowance: %s', product.name), v_invoice);
        update public.billing_allowance_credits c set ledger_entry_id = entry.id where c.invoice_id = credit.invoice_id;
        v_points := product.monthly_points;
      end if;
    end if;
    -- Recovery: a paid invoice ends past_due (unless a newer state is stored).
    update public.billing_subscriptions s
       set status = 'active', past_due_since = null, order_created = p_event_created,
           order_rank = private.billing_status_rank('active'), last_event_id = p_event_id
     where s.id = sub_id and s.status in ('past_due', 'unpaid', 'incomplete') and not s.order_ended
       and (coalesce(extract(epoch from v_period_start)::bigint, 0), p_event_created) >= (s.order_period, s.order_created + 1);
    v_outcome := case when v_points > 0 then 'allowance_credited' when found then 'recovered' else 'invoice_paid' end;
  else
    update public.billing_subscriptions s
       set status = 'past_due', past_due_since = coalesce(s.past_due_since, to_timestamp(p_event_created)),
           order_created = p_event_created, order_rank = private.billing_status_rank('past_due'), last_event_id = p_event_id
     where s.id = sub_id and s.status in ('active', 'trialing') and not s.order_ended
       and (coalesce(extract(epoch from v_period_start)::bigint, 0), p_event_created) >= (s.order_period, s.order_created + 1);
    v_outcome := case when found then 'past_due' else 'payment_failed' end;
  end if;
  perform private.finish_stripe_event(p_event_id, v_outcome);
  return query select v_outcome, sub_id, (select s.status::text from public.billing_subscriptions s where s.id = sub_id), v_points;
end;
$$;
comment on function private.billing_apply_invoice(text, text, bigint, jsonb) is
  'invoice.paid: credits a user plan''s monthly allowance once per invoice (subscription_create / subscription_cycle with an amount paid) and ends past_due; invoice.payment_failed: active → past_due. Once per event id; never over a newer state.';
revoke execute on function private.billing_apply_invoice(text, text, bigint, jsonb) from public, anon, authenticated;
grant execute on function private.billing_apply_invoice(text, text, bigint, jsonb) to service_role;

create function private.billing_apply_checkout(p_event_id text, p_session jsonb)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  meta jsonb := coalesce(p_session -> 'metadata', '{}');
  v_user uuid := private.billing_uuid(meta ->> 'user_id');
  v_account uuid := private.billing_uuid(meta ->> 'account_id');
  customer text := p_session ->> 'customer';
  v_outcome text;
begin
  if not private.record_stripe_event(p_event_id, 'checkout.session.completed', null) then
    return 'duplicate';
  end if;
  if p_session ->> 'mode' <> 'subscription' or coalesce(customer, '') !~ '^cus_[A-Za-z0-9_]+$' or num_nonnulls(v_user, v_account) <> 1 then
    v_outcome := 'not_ours';
  elsif v_account is not null and exists (select 1 from public.accounts a where a.id = v_account) then
    perform private.billing_link_account_customer(v_account, customer);
    v_outcome := 'checkout_completed';
  elsif v_user is not null and exists (select 1 from auth.users u where u.id = v_user) then
    perform private.link_stripe_customer(v_user, customer);
    v_outcome := 'checkout_completed';
  else
    v_outcome := 'not_ours';
  end if;
  perform private.finish_stripe_event(p_event_id, v_outcome);
  return v_outcome;
end;
$$;
comment on function private.billing_apply_checkout(text, jsonb) is
  'checkout.session.completed in subscription mode: links the subscriber to the Checkout''s customer (the subscription itself comes with customer.subscription.*). Once per event id.';
revoke execute on function private.billing_apply_checkout(text, jsonb) from public, anon, authenticated;
grant execute on function private.billing_apply_checkout(text, jsonb) to service_role;

-- ============================================================================================
-- Integrity guards: allowance entries and credits only from billing_apply_invoice; subscriptions
-- only from the webhook's functions
-- ============================================================================================
create function private.guard_billing_writes()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_table_name = 'wallet_ledger' then
    if not private.called_from(array['private.billing_apply_invoice']) then
      perform private.refuse_workflow_bypass('A subscription allowance is credited only for a paid invoice', 'the Stripe webhook (private.billing_apply_invoice)');
    end if;
  elsif tg_table_name = 'billing_allowance_credits' then
    if tg_op <> 'INSERT' and new.ledger_entry_id is distinct from old.ledger_entry_id and old.ledger_entry_id = 0
       and private.called_from(array['private.billing_apply_invoice']) then
      return new;
    end if;
    if tg_op <> 'INSERT' or not private.called_from(array['private.billing_apply_invoice']) then
      perform private.refuse_workflow_bypass('Allowance credits are written once, for a paid invoice', 'the Stripe webhook (private.billing_apply_invoice)');
    end if;
  elsif not private.called_from(array['private.billing_apply_subscription', 'private.billing_apply_invoice']) then
    perform private.refuse_workflow_bypass('A subscription changes only as Stripe reports it', 'the Stripe webhook (private.billing_apply_subscription)');
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;
comment on function private.guard_billing_writes() is
  'Subscription allowance ledger entries, allowance credits and subscription rows are written only by the billing webhook functions, whoever the writer.';
revoke execute on function private.guard_billing_writes() from public, anon, authenticated;

create trigger wallet_ledger_subscription_allowance_guard before insert on public.wallet_ledger
  for each row when (new.kind = 'subscription_allowance') execute function private.guard_billing_writes();
create trigger billing_allowance_credits_guard before insert or update or delete on public.billing_allowance_credits
  for each row execute function private.guard_billing_writes();
create trigger billing_subscriptions_guard before insert or update on public.billing_subscriptions
  for each row execute function private.guard_billing_writes();

-- ============================================================================================
-- Row-level security and grants
-- ============================================================================================
alter table public.billing_products enable row level security;
alter table public.billing_prices enable row level security;
alter table public.billing_subscriptions enable row level security;
alter table public.billing_allowance_credits enable row level security;

grant select on public.billing_products, public.billing_prices to anon, authenticated, service_role;
grant select on public.billing_subscriptions, public.billing_allowance_credits to authenticated, service_role;

create policy "The plan catalogue is public" on public.billing_products for select to anon, authenticated using (true);
create policy "Plan prices are public" on public.billing_prices for select to anon, authenticated using (true);
create policy "Subscriptions are visible to their subscriber, account managers and admins"
  on public.billing_subscriptions for select to authenticated
  using (user_id = (select auth.uid()) or account_id = any ((select private.managed_account_ids())::uuid[]) or (select private.is_admin()));
create policy "Allowance credits are visible to their user and platform admins"
  on public.billing_allowance_credits for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));
