-- Payments (seeds 003 and 004): Stripe customers linked to users, payments for a voucher type or a
-- points package, the Stripe webhook's event log, and one SQL function per payment transition
-- (completed, failed, refunded), each applied with its event record in one transaction. The Edge
-- Functions `payments` and `stripe-webhook` talk to Stripe and call these functions; users and admins
-- read payments through PostgREST under RLS.

-- =====================================================================================================
-- Schema and grants
-- =====================================================================================================

create schema if not exists private;

-- =====================================================================================================
-- Types
-- =====================================================================================================

create type public.payment_status as enum ('pending', 'completed', 'failed', 'refunded');
comment on type public.payment_status is
  'pending: waiting for Stripe; completed: paid and fulfilled; failed: the last attempt failed (the customer may retry and it may still complete); refunded: refunded in full, fulfilment reversed.';

create type public.payment_purpose as enum ('voucher', 'points');
comment on type public.payment_purpose is 'What a payment buys: a voucher of a voucher type, or a points package credited to the wallet.';

-- =====================================================================================================
-- Tables
-- =====================================================================================================

create table public.points_packages (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 120),
  description text not null default '' check (char_length(description) <= 2000),
  points integer not null check (points between 1 and 100000000),
  price_amount integer not null check (price_amount between 1 and 99999999),
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index points_packages_name_key on public.points_packages (lower(name));
create index points_packages_is_active_idx on public.points_packages (is_active);

comment on table public.points_packages is 'Points top-ups sold through Stripe. Listed publicly while active; managed by platform admins.';
comment on column public.points_packages.price_amount is 'Price in the currency''s minor units (cents for usd); the only source of a top-up payment''s amount.';

create table public.stripe_customers (
  user_id uuid primary key references auth.users (id) on delete cascade,
  stripe_customer_id text not null unique check (stripe_customer_id ~ '^cus_[A-Za-z0-9_]+$'),
  created_at timestamptz not null default now()
);
comment on table public.stripe_customers is 'The Stripe customer of each user who has paid: created on the first payment, reused after.';

create table public.payments (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references auth.users (id) on delete set null,
  purpose public.payment_purpose not null,
  voucher_type_id uuid references public.voucher_types (id) on delete restrict,
  points_package_id uuid references public.points_packages (id) on delete restrict,
  description text not null,
  points integer check (points > 0),
  amount integer not null check (amount > 0),
  currency text not null check (currency ~ '^[a-z]{3}$'),
  status public.payment_status not null default 'pending',
  stripe_payment_intent_id text unique check (stripe_payment_intent_id ~ '^pi_[A-Za-z0-9_]+$'),
  stripe_customer_id text,
  idempotency_key text not null check (char_length(idempotency_key) between 1 and 200),
  amount_refunded integer not null default 0 check (amount_refunded between 0 and amount),
  failure_code text,
  failure_message text,
  points_credited integer not null default 0 check (points_credited >= 0),
  points_reversed integer not null default 0 check (points_reversed >= 0),
  fulfilled_at timestamptz,
  completed_at timestamptz,
  failed_at timestamptz,
  refunded_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payments_idempotency_key unique (user_id, idempotency_key),
  check ((purpose = 'voucher') = (voucher_type_id is not null)),
  check ((purpose = 'points') = (points_package_id is not null and points is not null)),
  check (points_reversed <= points_credited)
);
create index payments_user_id_idx on public.payments (user_id, created_at desc);
create index payments_voucher_type_id_idx on public.payments (voucher_type_id);
create index payments_points_package_id_idx on public.payments (points_package_id);
create index payments_status_idx on public.payments (status, created_at desc);

comment on table public.payments is
  'Stripe payments for a voucher or a points top-up. Amount and currency are copied from the price list when the payment is created, never taken from the client; the status is driven by Stripe webhooks (and the confirm call), one SQL function per transition.';
comment on column public.payments.amount is 'In the currency''s minor units (cents for usd), as sent to Stripe.';
comment on column public.payments.points is 'For a points top-up: the points the package gives, fixed at purchase.';
comment on column public.payments.idempotency_key is 'The client''s Idempotency-Key: the same key from the same user returns this payment instead of a new one.';
comment on column public.payments.fulfilled_at is 'When the voucher was issued or the points credited: exactly once, never after a refund.';
comment on column public.payments.points_reversed is 'Points taken back from the wallet on refund; what could not be taken back (already spent) is a points_debts row.';

alter table public.vouchers
  add constraint vouchers_payment_id_fkey foreign key (payment_id) references public.payments (id) on delete set null;

create table public.points_debts (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  payment_id uuid not null unique references public.payments (id) on delete cascade,
  points integer not null check (points > 0),
  settled_points integer not null default 0,
  created_at timestamptz not null default now(),
  settled_at timestamptz,
  check (settled_points between 0 and points),
  check ((settled_at is not null) = (settled_points = points))
);
create index points_debts_user_id_idx on public.points_debts (user_id, created_at) where settled_at is null;
create index points_debts_user_id_all_idx on public.points_debts (user_id);

comment on table public.points_debts is
  'Points a refund could not take back because they were already spent: the wallet never goes negative, the debt is recorded here and settled from later top-ups (or by an admin).';

-- The webhook's log: every Stripe event id once, written in the same transaction as its transition.
create table private.stripe_events (
  id text primary key check (char_length(id) between 1 and 255),
  type text not null,
  payment_id uuid references public.payments (id) on delete set null,
  outcome text not null,
  received_at timestamptz not null default now()
);
create index stripe_events_payment_id_idx on private.stripe_events (payment_id);
comment on table private.stripe_events is
  'Stripe events applied (or acknowledged): the id makes a repeated delivery a no-op. Written only with the transition it caused.';

-- =====================================================================================================
-- Triggers
-- =====================================================================================================

create trigger points_packages_touch_updated_at
  before update on public.points_packages
  for each row execute function private.vouchers_touch_updated_at();

create trigger payments_touch_updated_at
  before update on public.payments
  for each row execute function private.vouchers_touch_updated_at();

-- =====================================================================================================
-- Helper functions
-- =====================================================================================================

-- The wallet changes only through private.post_wallet_entry(). These two adapters are the
-- only places that call it, so a change of the wallet's API is a change here and nowhere else.
create function private.payments_credit_points(user_id uuid, points integer, payment_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.post_wallet_entry(
    payments_credit_points.user_id, payments_credit_points.points, 'purchase', 'payment', payments_credit_points.payment_id,
    payments_credit_points.user_id, 'Points bought', 'payment:' || payments_credit_points.payment_id || ':credit');
end;
$$;
comment on function private.payments_credit_points(uuid, integer, uuid) is 'Credits a paid top-up to the wallet ledger (adapter to the wallet module).';
revoke execute on function private.payments_credit_points(uuid, integer, uuid) from public, anon, authenticated;

-- Takes back up to `points` without letting the balance go negative; returns how many it took.
create function private.payments_debit_points_up_to(
  user_id uuid, points integer, reference_type text, reference_id uuid, reason text, idempotency_key text
)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  available integer;
  taken integer;
begin
  -- The row lock keeps the balance from changing between this read and the debit.
  select w.balance into available from public.wallets w where w.user_id = payments_debit_points_up_to.user_id for update;
  taken := least(coalesce(available, 0), payments_debit_points_up_to.points);
  if taken > 0 then
    perform private.post_wallet_entry(
      payments_debit_points_up_to.user_id, -taken, 'refund', payments_debit_points_up_to.reference_type,
      payments_debit_points_up_to.reference_id, null, payments_debit_points_up_to.reason, payments_debit_points_up_to.idempotency_key);
  end if;
  return taken;
end;
$$;
comment on function private.payments_debit_points_up_to(uuid, integer, text, uuid, text, text) is
  'Debits at most the given points from a wallet, never below zero (adapter to the wallet module); returns the points debited.';
revoke execute on function private.payments_debit_points_up_to(uuid, integer, text, uuid, text, text) from public, anon, authenticated;

-- Pays open points debts (oldest first) from whatever the wallet holds now.
create function private.settle_points_debts(user_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  debt record;
  taken integer;
  total integer := 0;
begin
  for debt in
    select d.id, d.payment_id, d.points - d.settled_points as open_points
      from public.points_debts d
     where d.user_id = settle_points_debts.user_id and d.settled_at is null
     order by d.created_at
       for update
  loop
    taken := private.payments_debit_points_up_to(
      settle_points_debts.user_id, debt.open_points, 'points_debt', debt.id, 'Points debt of a refunded top-up settled',
      'points_debt:' || debt.id || ':' || debt.open_points::text);
    exit when taken = 0;
    update public.points_debts d
       set settled_points = d.settled_points + taken,
           settled_at = case when d.settled_points + taken = d.points then now() end
     where d.id = debt.id;
    total := total + taken;
    exit when taken < debt.open_points;
  end loop;
  return total;
end;
$$;
comment on function private.settle_points_debts(uuid) is 'Settles a user''s open points debts from their current balance; returns the points taken.';
revoke execute on function private.settle_points_debts(uuid) from public, anon, authenticated;

-- Records a Stripe event id; false when it was already recorded (a repeated delivery).
create function private.record_stripe_event(event_id text, event_type text, payment_id uuid)
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  if event_id is null then
    return true; -- a transition asked for by the confirm call, not by an event
  end if;
  insert into private.stripe_events (id, type, payment_id, outcome)
  values (event_id, event_type, payment_id, 'received')
  on conflict (id) do nothing;
  return found;
end;
$$;
comment on function private.record_stripe_event(text, text, uuid) is 'Records an event id once; false for a duplicate delivery.';
revoke execute on function private.record_stripe_event(text, text, uuid) from public, anon, authenticated;

create function private.finish_stripe_event(event_id text, outcome text)
returns void
language sql
set search_path = ''
as $$
  update private.stripe_events set outcome = finish_stripe_event.outcome where id = finish_stripe_event.event_id
$$;
comment on function private.finish_stripe_event(text, text) is 'Stores what an event did (for support and audits).';
revoke execute on function private.finish_stripe_event(text, text) from public, anon, authenticated;

-- =====================================================================================================
-- Helper functions: the transitions (called by the Edge Functions over their database connection; one call = one transaction)
-- =====================================================================================================

-- Records a new pending payment for a voucher type or points package at the price in the database.
-- The same (user, idempotency key) returns the payment created the first time.
create function private.create_payment(user_id uuid, voucher_type_id uuid, points_package_id uuid, idempotency_key text)
returns table (payment public.payments, created boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  voucher_type public.voucher_types;
  points_package public.points_packages;
  inserted public.payments;
begin
  if (voucher_type_id is null) = (points_package_id is null) then
    perform private.payments_raise('validation_failed', 400, 'Name exactly one of voucher_type_id and points_package_id');
  end if;

  select * into inserted from public.payments p
   where p.user_id = create_payment.user_id and p.idempotency_key = create_payment.idempotency_key;
  if found then
    if inserted.voucher_type_id is distinct from create_payment.voucher_type_id
       or inserted.points_package_id is distinct from create_payment.points_package_id then
      perform private.payments_raise('idempotency_key_reused', 422, 'This Idempotency-Key was already used for another purchase');
    end if;
    return query select inserted, false;
    return;
  end if;

  if voucher_type_id is not null then
    select * into voucher_type from public.voucher_types t where t.id = create_payment.voucher_type_id;
    if not found then
      perform private.payments_raise('voucher_type_not_found', 404, 'No such voucher type');
    elsif not voucher_type.is_active then
      perform private.payments_raise('voucher_type_inactive', 422, 'This voucher type is not for sale');
    end if;
    insert into public.payments (user_id, purpose, voucher_type_id, description, amount, currency, idempotency_key)
    values (create_payment.user_id, 'voucher', voucher_type.id, voucher_type.name, voucher_type.price_amount, voucher_type.currency, create_payment.idempotency_key)
    on conflict on constraint payments_idempotency_key do nothing
    returning * into inserted;
  else
    select * into points_package from public.points_packages k where k.id = create_payment.points_package_id;
    if not found then
      perform private.payments_raise('points_package_not_found', 404, 'No such points package');
    elsif not points_package.is_active then
      perform private.payments_raise('points_package_inactive', 422, 'This points package is not for sale');
    end if;
    insert into public.payments (user_id, purpose, points_package_id, points, description, amount, currency, idempotency_key)
    values (create_payment.user_id, 'points', points_package.id, points_package.points, points_package.name,
            points_package.price_amount, points_package.currency, create_payment.idempotency_key)
    on conflict on constraint payments_idempotency_key do nothing
    returning * into inserted;
  end if;
  if not found then
    perform private.payments_raise('idempotency_key_in_use', 409, 'A request with this Idempotency-Key is in progress; retry it');
  end if;
  return query select inserted, true;
end;
$$;
comment on function private.create_payment(uuid, uuid, uuid, text) is
  'Records a pending payment priced from the database; idempotent per (user, key).';
revoke execute on function private.create_payment(uuid, uuid, uuid, text) from public, anon, authenticated;
grant execute on function private.create_payment(uuid, uuid, uuid, text) to service_role;

-- Links a user to their Stripe customer once; returns the customer that is linked.
create function private.link_stripe_customer(user_id uuid, stripe_customer_id text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  linked text;
begin
  insert into public.stripe_customers (user_id, stripe_customer_id)
  values (link_stripe_customer.user_id, link_stripe_customer.stripe_customer_id)
  on conflict on constraint stripe_customers_pkey do nothing;
  select c.stripe_customer_id into linked from public.stripe_customers c where c.user_id = link_stripe_customer.user_id;
  return linked;
end;
$$;
comment on function private.link_stripe_customer(uuid, text) is 'Links a user to a Stripe customer unless one is linked already.';
revoke execute on function private.link_stripe_customer(uuid, text) from public, anon, authenticated;
grant execute on function private.link_stripe_customer(uuid, text) to service_role;

create function private.attach_payment_intent(payment_id uuid, stripe_payment_intent_id text, stripe_customer_id text)
returns public.payments
language plpgsql
security definer
set search_path = ''
as $$
declare
  updated public.payments;
begin
  update public.payments p
     set stripe_payment_intent_id = coalesce(p.stripe_payment_intent_id, attach_payment_intent.stripe_payment_intent_id),
         stripe_customer_id = coalesce(p.stripe_customer_id, attach_payment_intent.stripe_customer_id)
   where p.id = attach_payment_intent.payment_id
  returning * into updated;
  if updated.stripe_payment_intent_id <> attach_payment_intent.stripe_payment_intent_id then
    raise exception 'payment % already has payment intent %', payment_id, updated.stripe_payment_intent_id;
  end if;
  return updated;
end;
$$;
comment on function private.attach_payment_intent(uuid, text, text) is 'Stores the PaymentIntent created for a payment (once).';
revoke execute on function private.attach_payment_intent(uuid, text, text) from public, anon, authenticated;
grant execute on function private.attach_payment_intent(uuid, text, text) to service_role;

-- Finds the payment an event is about: by our id in the metadata, else by the PaymentIntent id.
create function private.find_payment(payment_id uuid, stripe_payment_intent_id text)
returns uuid
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select p.id from public.payments p where p.id = find_payment.payment_id
       and (p.stripe_payment_intent_id is null or find_payment.stripe_payment_intent_id is null
            or p.stripe_payment_intent_id = find_payment.stripe_payment_intent_id)),
    (select p.id from public.payments p where p.stripe_payment_intent_id = find_payment.stripe_payment_intent_id)
  )
$$;
comment on function private.find_payment(uuid, text) is 'The payment an event refers to, or null when it is not one of ours.';
revoke execute on function private.find_payment(uuid, text) from public, anon, authenticated;

-- payment_intent.succeeded (or the confirm call): completed, and fulfilled exactly once.
create function private.complete_payment(
  payment_id uuid, stripe_payment_intent_id text, amount_received integer, currency text,
  event_id text default null, event_type text default 'payment_intent.succeeded'
)
returns table (payment public.payments, outcome text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := private.find_payment(payment_id, stripe_payment_intent_id);
  current public.payments;
  result text;
begin
  if not private.record_stripe_event(event_id, event_type, target) then
    return query select (select p from public.payments p where p.id = target), 'duplicate'::text;
    return;
  end if;
  select * into current from public.payments p where p.id = target for update;
  if not found then
    result := 'unknown_payment';
  elsif current.status = 'refunded' then
    -- The refund arrived first: remember the success, never fulfil.
    update public.payments p set completed_at = coalesce(p.completed_at, now()) where p.id = current.id returning * into current;
    result := 'already_refunded';
  elsif current.status = 'completed' then
    result := 'already_completed';
  elsif current.user_id is null then
    -- The buyer's account was deleted meanwhile: nobody to fulfil for (support refunds it).
    update public.payments p set status = 'completed', completed_at = now() where p.id = current.id returning * into current;
    result := 'buyer_deleted';
  elsif amount_received is distinct from current.amount or lower(complete_payment.currency) is distinct from current.currency then
    -- Not what we priced: do not fulfil; support looks at it (the outcome says why).
    result := 'amount_mismatch';
  else
    update public.payments p
       set status = 'completed', completed_at = now(), failed_at = null, failure_code = null, failure_message = null,
           stripe_payment_intent_id = coalesce(p.stripe_payment_intent_id, complete_payment.stripe_payment_intent_id)
     where p.id = current.id
    returning * into current;
    if current.fulfilled_at is null then
      if current.purpose = 'voucher' then
        perform private.issue_voucher(current.user_id, current.voucher_type_id, current.id, null);
      else
        perform private.payments_credit_points(current.user_id, current.points, current.id);
        perform private.settle_points_debts(current.user_id);
      end if;
      update public.payments p
         set fulfilled_at = now(), points_credited = coalesce(current.points, 0)
       where p.id = current.id
      returning * into current;
    end if;
    result := 'completed';
  end if;
  if event_id is not null then
    perform private.finish_stripe_event(event_id, result);
  end if;
  return query select current, result;
end;
$$;
comment on function private.complete_payment(uuid, text, integer, text, text, text) is
  'Applies payment_intent.succeeded: marks the payment completed and issues the voucher or credits the points, exactly once; a duplicate event or a payment already refunded changes nothing.';
revoke execute on function private.complete_payment(uuid, text, integer, text, text, text) from public, anon, authenticated;
grant execute on function private.complete_payment(uuid, text, integer, text, text, text) to service_role;

-- payment_intent.payment_failed: failed, unless it already completed or was refunded.
create function private.fail_payment(
  payment_id uuid, stripe_payment_intent_id text, failure_code text, failure_message text, event_id text default null
)
returns table (payment public.payments, outcome text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := private.find_payment(payment_id, stripe_payment_intent_id);
  current public.payments;
  result text;
begin
  if not private.record_stripe_event(event_id, 'payment_intent.payment_failed', target) then
    return query select (select p from public.payments p where p.id = target), 'duplicate'::text;
    return;
  end if;
  select * into current from public.payments p where p.id = target for update;
  if not found then
    result := 'unknown_payment';
  elsif current.status in ('completed', 'refunded') then
    -- A late failure of an earlier attempt: the payment went through after all.
    result := 'ignored_' || current.status::text;
  else
    update public.payments p
       set status = 'failed', failed_at = now(),
           failure_code = left(fail_payment.failure_code, 100), failure_message = left(fail_payment.failure_message, 500)
     where p.id = current.id
    returning * into current;
    result := 'failed';
  end if;
  if event_id is not null then
    perform private.finish_stripe_event(event_id, result);
  end if;
  return query select current, result;
end;
$$;
comment on function private.fail_payment(uuid, text, text, text, text) is
  'Applies payment_intent.payment_failed: a pending payment becomes failed (the customer may still retry and complete it).';
revoke execute on function private.fail_payment(uuid, text, text, text, text) from public, anon, authenticated;
grant execute on function private.fail_payment(uuid, text, text, text, text) to service_role;

-- charge.refunded: in full → refunded, voucher deactivated or points taken back (a debt for the part
-- already spent); partial → the refunded amount is recorded and the purchase stands.
create function private.refund_payment(
  payment_id uuid, stripe_payment_intent_id text, amount_refunded integer, event_id text default null
)
returns table (payment public.payments, outcome text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := private.find_payment(payment_id, stripe_payment_intent_id);
  current public.payments;
  result text;
  taken integer;
begin
  if not private.record_stripe_event(event_id, 'charge.refunded', target) then
    return query select (select p from public.payments p where p.id = target), 'duplicate'::text;
    return;
  end if;
  select * into current from public.payments p where p.id = target for update;
  if not found then
    result := 'unknown_payment';
  elsif current.status = 'refunded' then
    result := 'already_refunded';
  elsif coalesce(amount_refunded, 0) < current.amount then
    update public.payments p set amount_refunded = greatest(p.amount_refunded, least(coalesce(refund_payment.amount_refunded, 0), p.amount))
     where p.id = current.id
    returning * into current;
    result := 'partially_refunded';
  else
    update public.payments p
       set status = 'refunded', refunded_at = now(), amount_refunded = p.amount
     where p.id = current.id
    returning * into current;
    if current.fulfilled_at is not null then
      if current.purpose = 'voucher' then
        update public.vouchers v
           set is_active = false, deactivated_at = now(), deactivation_reason = 'payment refunded'
         where v.payment_id = current.id;
      else
        taken := private.payments_debit_points_up_to(current.user_id, current.points_credited, 'payment', current.id,
                                                     'Points top-up refunded', 'payment:' || current.id || ':refund');
        if taken < current.points_credited then
          insert into public.points_debts (user_id, payment_id, points)
          values (current.user_id, current.id, current.points_credited - taken);
        end if;
        update public.payments p set points_reversed = taken where p.id = current.id returning * into current;
      end if;
    end if;
    result := 'refunded';
  end if;
  if event_id is not null then
    perform private.finish_stripe_event(event_id, result);
  end if;
  return query select current, result;
end;
$$;
comment on function private.refund_payment(uuid, text, integer, text) is
  'Applies charge.refunded: a full refund marks the payment refunded and reverses its fulfilment (voucher deactivated; points debited down to zero at most, the rest recorded in points_debts).';
revoke execute on function private.refund_payment(uuid, text, integer, text) from public, anon, authenticated;
grant execute on function private.refund_payment(uuid, text, integer, text) to service_role;

-- =====================================================================================================
-- RLS policies
-- =====================================================================================================

alter table public.points_packages enable row level security;
alter table public.stripe_customers enable row level security;
alter table public.payments enable row level security;
alter table public.points_debts enable row level security;
alter table private.stripe_events enable row level security;

revoke all on public.points_packages, public.stripe_customers, public.payments, public.points_debts from anon, authenticated;
revoke all on private.stripe_events from anon, authenticated;
grant select on public.points_packages to anon, authenticated;
grant insert, update, delete on public.points_packages to authenticated;
grant select on public.stripe_customers, public.payments, public.points_debts to authenticated;

create policy "Active points packages are listed publicly"
  on public.points_packages for select to anon
  using (is_active);

create policy "Active points packages are listed to users, all of them to admins"
  on public.points_packages for select to authenticated
  using (is_active or (select private.is_admin()));

create policy "Admins create points packages"
  on public.points_packages for insert to authenticated
  with check ((select private.is_admin()));

create policy "Admins edit points packages"
  on public.points_packages for update to authenticated
  using ((select private.is_admin()))
  with check ((select private.is_admin()));

create policy "Admins delete points packages nobody bought"
  on public.points_packages for delete to authenticated
  using ((select private.is_admin()));

create policy "Stripe customers are visible to their user and to admins"
  on public.stripe_customers for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy "Payments are visible to their user and to admins"
  on public.payments for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy "Points debts are visible to their user and to admins"
  on public.points_debts for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

-- =====================================================================================================
-- API functions
-- =====================================================================================================

create function private.settle_points_debts_as_admin(user_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.is_admin() then
    perform private.payments_raise('forbidden', 403, 'Only admins settle points debts');
  end if;
  return private.settle_points_debts(user_id);
end;
$$;
comment on function private.settle_points_debts_as_admin(uuid) is 'Implementation of public.settle_points_debts.';
revoke execute on function private.settle_points_debts_as_admin(uuid) from public, anon;
grant execute on function private.settle_points_debts_as_admin(uuid) to authenticated, service_role;

create function public.settle_points_debts(user_id uuid)
returns integer
language sql
set search_path = ''
as $$
  select private.settle_points_debts_as_admin(user_id)
$$;
comment on function public.settle_points_debts(uuid) is
  'Admins: settles a user''s open points debts from their current wallet balance (never below zero); returns the points taken.';
revoke execute on function public.settle_points_debts(uuid) from public, anon;
grant execute on function public.settle_points_debts(uuid) to authenticated, service_role;
