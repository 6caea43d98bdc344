-- Vouchers (seed 003): voucher types sold through Stripe (see 20261123400100_payments.sql), vouchers
-- with unguessable codes, and their redemptions. Reads go through PostgREST under RLS; every change
-- is one SQL function (redeem, grant, deactivate) so that it is atomic and cannot be bypassed.

-- =====================================================================================================
-- Schema and grants
-- =====================================================================================================

-- `private` is not exposed by PostgREST: helpers, security definer code and machinery live there.
create schema if not exists private;
-- Policies and public wrappers call a few private helpers as the caller's role.
grant usage on schema private to authenticated, service_role;

-- =====================================================================================================
-- Tables
-- =====================================================================================================

create table public.voucher_types (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 120),
  description text not null default '' check (char_length(description) <= 2000),
  service_type text not null check (service_type ~ '^[a-z][a-z0-9_]{0,62}$'),
  price_amount integer not null check (price_amount between 1 and 99999999),
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  validity_days integer not null default 365 check (validity_days between 1 and 3650),
  max_uses integer not null default 1 check (max_uses between 1 and 100000),
  redeemable_by_code_holder boolean not null default false,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index voucher_types_name_key on public.voucher_types (lower(name));
create index voucher_types_is_active_idx on public.voucher_types (is_active);

comment on table public.voucher_types is
  'Sellable voucher products (seed 003). Listed publicly while active; managed by platform admins. Deactivating a type stops its sale and the redemption of its vouchers.';
comment on column public.voucher_types.service_type is 'The service a voucher of this type pays for; a redemption must name the same service type.';
comment on column public.voucher_types.price_amount is 'Price in the currency''s minor units (cents for usd); the only source of a voucher payment''s amount.';
comment on column public.voucher_types.currency is 'ISO 4217 code, lower case as Stripe writes it.';
comment on column public.voucher_types.validity_days is 'A voucher expires this many days after its purchase.';
comment on column public.voucher_types.max_uses is 'Redemptions each voucher of this type allows.';
comment on column public.voucher_types.redeemable_by_code_holder is 'When true anyone holding the code may redeem it (a gift voucher); otherwise only its owner.';

create table public.vouchers (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$'),
  owner_id uuid not null references auth.users (id) on delete cascade,
  voucher_type_id uuid not null references public.voucher_types (id) on delete restrict,
  -- The payment that bought it (foreign key added by the payments migration); null for admin grants.
  payment_id uuid unique,
  granted_by uuid references auth.users (id) on delete set null,
  is_active boolean not null default true,
  deactivated_at timestamptz,
  deactivation_reason text check (char_length(deactivation_reason) <= 500),
  purchased_at timestamptz not null default now(),
  expires_at timestamptz not null,
  uses_remaining integer not null check (uses_remaining >= 0),
  total_uses integer not null check (total_uses >= 1),
  created_at timestamptz not null default now(),
  check (uses_remaining <= total_uses),
  check (expires_at > purchased_at),
  check (payment_id is null or granted_by is null)
);
create index vouchers_owner_id_idx on public.vouchers (owner_id, purchased_at desc);
create index vouchers_voucher_type_id_idx on public.vouchers (voucher_type_id);
create index vouchers_granted_by_idx on public.vouchers (granted_by);

comment on table public.vouchers is
  'Purchased (or admin-granted) vouchers. The code is the secret that redeems it: 80 random bits, shown to its owner and admins only. Written only by SQL functions (issue, redeem, deactivate).';
comment on column public.vouchers.code is 'Unguessable code, 16 Crockford base-32 characters in groups of four (XXXX-XXXX-XXXX-XXXX).';
comment on column public.vouchers.expires_at is 'Exclusive: the voucher can be redeemed strictly before this instant.';
comment on column public.vouchers.uses_remaining is 'Redemptions left; decremented atomically by redeem_voucher, never below 0.';

create table public.voucher_redemptions (
  id uuid primary key default gen_random_uuid(),
  voucher_id uuid not null references public.vouchers (id) on delete cascade,
  -- Copied from the voucher so that the owner's read policy needs no join.
  voucher_owner_id uuid not null references auth.users (id) on delete cascade,
  redeemed_by uuid references auth.users (id) on delete set null,
  service_type text not null,
  details jsonb not null default '{}'::jsonb check (jsonb_typeof(details) = 'object'),
  idempotency_key text check (char_length(idempotency_key) between 1 and 200),
  redeemed_at timestamptz not null default now(),
  constraint voucher_redemptions_idempotency_key unique (redeemed_by, idempotency_key)
);
create index voucher_redemptions_voucher_id_idx on public.voucher_redemptions (voucher_id, redeemed_at desc);
create index voucher_redemptions_voucher_owner_id_idx on public.voucher_redemptions (voucher_owner_id, redeemed_at desc);
create index voucher_redemptions_redeemed_by_idx on public.voucher_redemptions (redeemed_by, redeemed_at desc);
create index voucher_redemptions_redeemed_at_idx on public.voucher_redemptions (redeemed_at) include (voucher_id);

comment on table public.voucher_redemptions is
  'Usage history: one row per use of a voucher, with the service and free-form details. Append-only, written by redeem_voucher.';
comment on column public.voucher_redemptions.idempotency_key is 'The caller''s Idempotency-Key: a retry by the same user returns this redemption instead of using the voucher again.';

-- =====================================================================================================
-- Triggers
-- =====================================================================================================

create function private.vouchers_touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.vouchers_touch_updated_at() is 'Keeps updated_at current on the vouchers and payments tables.';
revoke execute on function private.vouchers_touch_updated_at() from public;

create trigger voucher_types_touch_updated_at
  before update on public.voucher_types
  for each row execute function private.vouchers_touch_updated_at();

-- =====================================================================================================
-- Helper functions
-- =====================================================================================================

-- Raises an error PostgREST turns into `{code, message, details}` with the given HTTP status, so that
-- supabase-js callers branch on a stable `error.code` (e.g. voucher_expired). Called from SQL it is an
-- ordinary exception with SQLSTATE PGRST and that JSON as its message. `details` (a JSON object) travels as
-- text, because PostgREST wants text there.
create function private.payments_raise(code text, status integer, message text, details jsonb default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  raise sqlstate 'PGRST' using
    message = jsonb_build_object('code', code, 'message', message, 'details', details::text, 'hint', null)::text,
    detail = jsonb_build_object('status', status, 'headers', jsonb_build_object())::text;
end;
$$;
comment on function private.payments_raise(text, integer, text, jsonb) is
  'Raises an API error with a stable code and HTTP status (PostgREST''s PGRST convention).';
revoke execute on function private.payments_raise(text, integer, text, jsonb) from public, anon, authenticated;
grant execute on function private.payments_raise(text, integer, text, jsonb) to service_role;

-- Crockford base 32: no I, L, O, U, so codes read aloud and typed by hand survive.
create function private.normalize_voucher_code(raw text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when cleaned ~ '^[0-9A-HJKMNP-TV-Z]{16}$'
      then substr(cleaned, 1, 4) || '-' || substr(cleaned, 5, 4) || '-' || substr(cleaned, 9, 4) || '-' || substr(cleaned, 13, 4)
  end
  from (
    select translate(upper(regexp_replace(coalesce(left(raw, 64), ''), '[\s-]', '', 'g')), 'OIL', '011') as cleaned
  ) normalized
$$;
comment on function private.normalize_voucher_code(text) is
  'A typed code in canonical form (upper case, dashes, O→0, I/L→1), or null when it cannot be a voucher code.';
revoke execute on function private.normalize_voucher_code(text) from public, anon, authenticated;
grant execute on function private.normalize_voucher_code(text) to service_role;

create function private.new_voucher_code()
returns text
language sql
volatile
set search_path = ''
as $$
  select string_agg(
           substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (get_byte(bytes, i) % 32) + 1, 1) ||
             case when i in (3, 7, 11) then '-' else '' end,
           '' order by i)
  from extensions.gen_random_bytes(16) as bytes, generate_series(0, 15) as i
$$;
comment on function private.new_voucher_code() is
  'A fresh voucher code: 16 characters from 16 random bytes (5 bits each, 80 bits in all).';
revoke execute on function private.new_voucher_code() from public, anon, authenticated;

-- Issues a voucher of a type to a user: bought (payment_id) or granted by an admin (granted_by).
create function private.issue_voucher(owner_id uuid, voucher_type_id uuid, payment_id uuid default null, granted_by uuid default null)
returns public.vouchers
language plpgsql
security definer
set search_path = ''
as $$
declare
  voucher_type public.voucher_types;
  issued public.vouchers;
begin
  select * into voucher_type from public.voucher_types t where t.id = issue_voucher.voucher_type_id;
  if not found then
    perform private.payments_raise('voucher_type_not_found', 404, 'No such voucher type');
  end if;
  -- 80 random bits make a collision practically impossible; retry rather than fail if one happens.
  loop
    insert into public.vouchers (code, owner_id, voucher_type_id, payment_id, granted_by, purchased_at, expires_at, uses_remaining, total_uses)
    values (private.new_voucher_code(), issue_voucher.owner_id, voucher_type.id, issue_voucher.payment_id, issue_voucher.granted_by,
            now(), now() + make_interval(days => voucher_type.validity_days), voucher_type.max_uses, voucher_type.max_uses)
    on conflict (code) do nothing
    returning * into issued;
    exit when found;
  end loop;
  return issued;
end;
$$;
comment on function private.issue_voucher(uuid, uuid, uuid, uuid) is
  'Creates a voucher of a type for a user with a fresh code, its expiry and uses taken from the type.';
revoke execute on function private.issue_voucher(uuid, uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function private.issue_voucher(uuid, uuid, uuid, uuid) to service_role;

-- The redemption itself; public.redeem_voucher is its API. Runs as definer because a code holder who
-- is not the owner may redeem a gift voucher they cannot read.
create function private.redeem_voucher(code text, service_type text, details jsonb, idempotency_key text)
returns table (redemption_id uuid, voucher_id uuid, voucher_code text, redeemed_service_type text, redeemed_at timestamptz, uses_remaining integer, replayed boolean)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_variable
declare
  caller uuid := (select auth.uid());
  wanted text := private.normalize_voucher_code(code);
  previous record;
  found_voucher record;
  now_state record;
  left_after integer;
  redemption public.voucher_redemptions;
begin
  if caller is null then
    perform private.payments_raise('unauthorized', 401, 'Sign in to redeem a voucher');
  end if;
  if wanted is null then
    perform private.payments_raise('invalid_voucher_code', 400, 'A voucher code is 16 letters and digits, like ABCD-EFGH-JKMN-PQRS');
  end if;
  if service_type is null or service_type !~ '^[a-z][a-z0-9_]{0,62}$' then
    perform private.payments_raise('validation_failed', 400, 'service_type must be a service type identifier', jsonb_build_object('field', 'service_type'));
  end if;
  if details is null or jsonb_typeof(details) <> 'object' or octet_length(details::text) > 4096 then
    perform private.payments_raise('validation_failed', 400, 'details must be a JSON object of at most 4 kB', jsonb_build_object('field', 'details'));
  end if;
  if idempotency_key is not null and char_length(idempotency_key) not between 1 and 200 then
    perform private.payments_raise('validation_failed', 400, 'The idempotency key must be 1 to 200 characters', jsonb_build_object('field', 'idempotency_key'));
  end if;

  -- A retry of a redemption that already happened returns it, and uses nothing.
  if idempotency_key is not null then
    select r.id, r.voucher_id, v.code, r.service_type, r.redeemed_at, v.uses_remaining
      into previous
      from public.voucher_redemptions r
      join public.vouchers v on v.id = r.voucher_id
     where r.redeemed_by = caller and r.idempotency_key = redeem_voucher.idempotency_key;
    if found then
      if previous.code <> wanted then
        perform private.payments_raise('idempotency_key_reused', 422, 'This Idempotency-Key was already used for another voucher');
      end if;
      return query select previous.id, previous.voucher_id, previous.code, previous.service_type,
                          previous.redeemed_at, previous.uses_remaining, true;
      return;
    end if;
  end if;

  select v.id, v.owner_id, v.is_active, v.expires_at, v.uses_remaining,
         t.service_type as type_service, t.is_active as type_active, t.redeemable_by_code_holder
    into found_voucher
    from public.vouchers v
    join public.voucher_types t on t.id = v.voucher_type_id
   where v.code = wanted;
  -- Someone who may not redeem a code learns nothing about it beyond "not found".
  if not found or (found_voucher.owner_id <> caller and not found_voucher.redeemable_by_code_holder) then
    perform private.payments_raise('voucher_not_found', 404, 'No voucher with this code');
  end if;
  -- Expiry first: the hourly expiry job also deactivates expired vouchers, and their holders should
  -- still hear "expired", not "inactive".
  if found_voucher.expires_at <= now() then
    perform private.payments_raise('voucher_expired', 422, 'This voucher has expired', jsonb_build_object('expires_at', found_voucher.expires_at));
  end if;
  if not found_voucher.is_active or not found_voucher.type_active then
    perform private.payments_raise('voucher_inactive', 422, 'This voucher is no longer active');
  end if;
  if found_voucher.type_service <> service_type then
    perform private.payments_raise('wrong_service_type', 422, 'This voucher is for another service',
      jsonb_build_object('voucher_service_type', found_voucher.type_service));
  end if;

  -- The conditional write that makes concurrent redemptions safe: exactly uses_remaining succeed.
  update public.vouchers v
     set uses_remaining = v.uses_remaining - 1
   where v.id = found_voucher.id and v.is_active and v.expires_at > now() and v.uses_remaining > 0
  returning v.uses_remaining into left_after;
  if not found then
    -- Changed since the read above (a concurrent redemption or deactivation): say which rule now fails.
    select v.is_active, v.expires_at into now_state from public.vouchers v where v.id = found_voucher.id;
    if now_state.expires_at <= now() then
      perform private.payments_raise('voucher_expired', 422, 'This voucher has expired');
    elsif not now_state.is_active then
      perform private.payments_raise('voucher_inactive', 422, 'This voucher is no longer active');
    end if;
    perform private.payments_raise('voucher_exhausted', 422, 'This voucher has no uses left');
  end if;

  insert into public.voucher_redemptions (voucher_id, voucher_owner_id, redeemed_by, service_type, details, idempotency_key)
  values (found_voucher.id, found_voucher.owner_id, caller, service_type, details, idempotency_key)
  on conflict on constraint voucher_redemptions_idempotency_key do nothing
  returning * into redemption;
  if not found then
    -- The same key in flight twice at once: this one loses and its use is rolled back with it.
    perform private.payments_raise('idempotency_key_in_use', 409, 'A request with this Idempotency-Key is in progress; retry it');
  end if;

  return query select redemption.id, redemption.voucher_id, wanted, redemption.service_type, redemption.redeemed_at, left_after, false;
end;
$$;
comment on function private.redeem_voucher(text, text, jsonb, text) is 'Implementation of public.redeem_voucher.';
revoke execute on function private.redeem_voucher(text, text, jsonb, text) from public, anon;
grant execute on function private.redeem_voucher(text, text, jsonb, text) to authenticated, service_role;

create function private.voucher_by_code(code text)
returns table (
  voucher_id uuid, voucher_code text, voucher_type_id uuid, voucher_type_name text, service_type text, is_active boolean,
  purchased_at timestamptz, expires_at timestamptz, uses_remaining integer, total_uses integer, is_owner boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  caller uuid := (select auth.uid());
  wanted text := private.normalize_voucher_code(voucher_by_code.code);
begin
  if wanted is null then
    perform private.payments_raise('invalid_voucher_code', 400, 'A voucher code is 16 letters and digits, like ABCD-EFGH-JKMN-PQRS');
  end if;
  return query
    select v.id, v.code, v.voucher_type_id, t.name, t.service_type, v.is_active and t.is_active,
           v.purchased_at, v.expires_at, v.uses_remaining, v.total_uses, v.owner_id = caller
      from public.vouchers v
      join public.voucher_types t on t.id = v.voucher_type_id
     where v.code = wanted
       and (v.owner_id = caller or t.redeemable_by_code_holder or private.is_admin());
  if not found then
    perform private.payments_raise('voucher_not_found', 404, 'No voucher with this code');
  end if;
end;
$$;
comment on function private.voucher_by_code(text) is 'Implementation of public.voucher_by_code.';
revoke execute on function private.voucher_by_code(text) from public, anon;
grant execute on function private.voucher_by_code(text) to authenticated, service_role;

create function private.grant_voucher(user_id uuid, voucher_type_id uuid)
returns public.vouchers
language plpgsql
security definer
set search_path = ''
as $$
declare
  voucher_type public.voucher_types;
begin
  if not private.is_admin() then
    perform private.payments_raise('forbidden', 403, 'Only admins grant vouchers');
  end if;
  if not exists (select 1 from auth.users u where u.id = grant_voucher.user_id) then
    perform private.payments_raise('user_not_found', 404, 'No such user');
  end if;
  select * into voucher_type from public.voucher_types t where t.id = grant_voucher.voucher_type_id;
  if not found then
    perform private.payments_raise('voucher_type_not_found', 404, 'No such voucher type');
  elsif not voucher_type.is_active then
    perform private.payments_raise('voucher_type_inactive', 422, 'This voucher type is not active');
  end if;
  return private.issue_voucher(grant_voucher.user_id, voucher_type.id, null, (select auth.uid()));
end;
$$;
comment on function private.grant_voucher(uuid, uuid) is 'Implementation of public.grant_voucher.';
revoke execute on function private.grant_voucher(uuid, uuid) from public, anon;
grant execute on function private.grant_voucher(uuid, uuid) to authenticated, service_role;

create function private.deactivate_voucher(voucher_id uuid, reason text default null)
returns public.vouchers
language plpgsql
security definer
set search_path = ''
as $$
declare
  voucher public.vouchers;
begin
  if not private.is_admin() then
    perform private.payments_raise('forbidden', 403, 'Only admins deactivate vouchers');
  end if;
  update public.vouchers v
     set is_active = false, deactivated_at = coalesce(v.deactivated_at, now()),
         deactivation_reason = coalesce(left(deactivate_voucher.reason, 500), v.deactivation_reason, 'deactivated by an admin')
   where v.id = deactivate_voucher.voucher_id
  returning * into voucher;
  if not found then
    perform private.payments_raise('voucher_not_found', 404, 'No such voucher');
  end if;
  return voucher;
end;
$$;
comment on function private.deactivate_voucher(uuid, text) is 'Implementation of public.deactivate_voucher.';
revoke execute on function private.deactivate_voucher(uuid, text) from public, anon;
grant execute on function private.deactivate_voucher(uuid, text) to authenticated, service_role;

-- =====================================================================================================
-- RLS policies
-- =====================================================================================================

alter table public.voucher_types enable row level security;
alter table public.vouchers enable row level security;
alter table public.voucher_redemptions enable row level security;

-- Least privilege on top of RLS: nobody writes vouchers or redemptions through the API.
revoke all on public.voucher_types, public.vouchers, public.voucher_redemptions from anon, authenticated;
grant select on public.voucher_types to anon, authenticated;
grant insert, update, delete on public.voucher_types to authenticated;
grant select on public.vouchers, public.voucher_redemptions to authenticated;

create policy "Active voucher types are listed publicly"
  on public.voucher_types for select to anon
  using (is_active);

create policy "Active voucher types are listed to users, all of them to admins"
  on public.voucher_types for select to authenticated
  using (is_active or (select private.is_admin()));

create policy "Admins create voucher types"
  on public.voucher_types for insert to authenticated
  with check ((select private.is_admin()));

create policy "Admins edit voucher types"
  on public.voucher_types for update to authenticated
  using ((select private.is_admin()))
  with check ((select private.is_admin()));

create policy "Admins delete voucher types nobody bought"
  on public.voucher_types for delete to authenticated
  using ((select private.is_admin()));

create policy "Vouchers are visible to their owner and to admins"
  on public.vouchers for select to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_admin()));

create policy "Redemptions are visible to the voucher owner, the redeemer and admins"
  on public.voucher_redemptions for select to authenticated
  using (
    voucher_owner_id = (select auth.uid())
    or redeemed_by = (select auth.uid())
    or (select private.is_admin())
  );

-- =====================================================================================================
-- API functions
-- =====================================================================================================

create function public.redeem_voucher(code text, service_type text, details jsonb default '{}'::jsonb, idempotency_key text default null)
returns table (redemption_id uuid, voucher_id uuid, voucher_code text, redeemed_service_type text, redeemed_at timestamptz, uses_remaining integer, replayed boolean)
language sql
set search_path = ''
as $$
  select * from private.redeem_voucher(code, service_type, details, idempotency_key)
$$;
comment on function public.redeem_voucher(text, text, jsonb, text) is
  'Redeems one use of a voucher for a service, atomically: the owner (or anyone with the code, if the type allows it) names the code and the service type. Errors: invalid_voucher_code (400), voucher_not_found (404), voucher_expired (checked before inactive, so vouchers the expiry job deactivated still say expired), voucher_inactive, wrong_service_type, voucher_exhausted (422), idempotency_key_reused (422). A repeated idempotency_key returns the first redemption with replayed = true.';
revoke execute on function public.redeem_voucher(text, text, jsonb, text) from public, anon;
grant execute on function public.redeem_voucher(text, text, jsonb, text) to authenticated, service_role;

create function public.voucher_by_code(code text)
returns table (
  voucher_id uuid, voucher_code text, voucher_type_id uuid, voucher_type_name text, service_type text, is_active boolean,
  purchased_at timestamptz, expires_at timestamptz, uses_remaining integer, total_uses integer, is_owner boolean
)
language sql
stable
set search_path = ''
as $$
  select * from private.voucher_by_code(code)
$$;
comment on function public.voucher_by_code(text) is
  'A voucher''s state by its code, for its owner, an admin, or (gift vouchers) anyone holding the code; voucher_not_found for everyone else.';
revoke execute on function public.voucher_by_code(text) from public, anon;
grant execute on function public.voucher_by_code(text) to authenticated, service_role;


create function public.grant_voucher(user_id uuid, voucher_type_id uuid)
returns public.vouchers
language sql
set search_path = ''
as $$
  select * from private.grant_voucher(user_id, voucher_type_id)
$$;
comment on function public.grant_voucher(uuid, uuid) is
  'Admins: gives a user a voucher of an active type without payment. Errors: forbidden (403), user_not_found, voucher_type_not_found (404), voucher_type_inactive (422).';
revoke execute on function public.grant_voucher(uuid, uuid) from public, anon;
grant execute on function public.grant_voucher(uuid, uuid) to authenticated, service_role;

create function public.deactivate_voucher(voucher_id uuid, reason text default null)
returns public.vouchers
language sql
set search_path = ''
as $$
  select * from private.deactivate_voucher(voucher_id, reason)
$$;
comment on function public.deactivate_voucher(uuid, text) is
  'Admins: deactivates a voucher so that it can no longer be redeemed. Errors: forbidden (403), voucher_not_found (404).';
revoke execute on function public.deactivate_voucher(uuid, text) from public, anon;
grant execute on function public.deactivate_voucher(uuid, text) to authenticated, service_role;
