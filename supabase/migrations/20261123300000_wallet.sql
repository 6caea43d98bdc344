-- Points wallet: one balance per user and an append-only ledger that explains every change of it.
-- Every change of a balance is one SQL function, one atomic statement.
--
-- Rules enforced here, in the database:
-- - a balance is never negative and always equals the sum of its ledger entries: both change together,
--   in private.post_wallet_entry() and nowhere else (a conditional update, never read-then-write);
-- - nobody writes wallets or the ledger through the API, not even admins or the service role;
-- - ledger entries are never updated or deleted, by anyone (a trigger refuses UPDATE, DELETE, TRUNCATE),
--   and wallets are never deleted either;
-- - users with a wallet cannot be hard-deleted (financial history is kept; ban them instead).
--
-- The `private` schema and private.is_admin() come from the identity migrations (202611231*).

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.wallet_entry_kind as enum (
  'purchase', 'spend', 'refund', 'admin_adjustment', 'voucher', 'earning', 'payout'
);
comment on type public.wallet_entry_kind is
  'Why a wallet balance changed: purchase (points bought), spend (a tool used), refund (a usage refunded: + for the client, − for the creator), admin_adjustment (an admin added or deducted points, with a reason), voucher (a voucher redeemed), earning (a creator''s share of a usage), payout (points held for a payout request: −, or returned when it is rejected: +).';

-- ============================================================================================
-- Tables
-- ============================================================================================
-- fillfactor leaves room on each page so balance updates stay HOT (no index writes).
create table public.wallets (
  user_id uuid primary key references auth.users (id) on delete restrict,
  balance integer not null default 0 constraint wallets_balance_not_negative check (balance >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
) with (fillfactor = 70);
comment on table public.wallets is
  'A user''s points balance. Created with the first ledger entry (no row means 0 points). Changed only by private.post_wallet_entry(), together with a ledger entry, so balance = sum(wallet_ledger.amount) always holds. Read-only through the API, for its owner and admins.';
comment on column public.wallets.balance is 'Whole points, never negative.';

-- user_id has no foreign key, on purpose: the check would lock the wallet row a second time in every
-- change (measurably slower on the hot path). The reference holds anyway: post_wallet_entry() is the
-- only writer and updates or creates that wallet in the same transaction, and wallets are never deleted.
create table public.wallet_ledger (
  id bigint generated always as identity primary key,
  user_id uuid not null,
  amount integer not null constraint wallet_ledger_amount_not_zero check (amount <> 0),
  kind public.wallet_entry_kind not null,
  balance_after integer not null constraint wallet_ledger_balance_after_not_negative check (balance_after >= 0),
  reference_type text not null constraint wallet_ledger_reference_type_format check (reference_type ~ '^[a-z][a-z_]{0,39}$'),
  reference_id uuid,
  reason text constraint wallet_ledger_reason_length check (char_length(reason) between 1 and 500),
  actor_id uuid,
  idempotency_key text constraint wallet_ledger_idempotency_key_length check (char_length(idempotency_key) between 1 and 200),
  created_at timestamptz not null default now(),
  constraint wallet_ledger_sign_matches_kind check (
    case kind
      when 'spend' then amount < 0
      when 'purchase' then amount > 0
      when 'voucher' then amount > 0
      when 'earning' then amount > 0
      else true
    end
  ),
  constraint wallet_ledger_adjustment_has_reason check (kind <> 'admin_adjustment' or reason is not null)
);
comment on table public.wallet_ledger is
  'Append-only history of every balance change: signed amount, kind, the balance right after, what caused it (reference_type + reference_id: usage, refund, payout, adjustment, payment, voucher…), who did it (actor_id) and the idempotency key of the request. Entries of one wallet are ordered by id. Never updated or deleted.';
comment on column public.wallet_ledger.amount is 'Signed whole points: + credits the wallet, − debits it.';
comment on column public.wallet_ledger.balance_after is 'The wallet balance right after this entry.';
comment on column public.wallet_ledger.reference_type is 'What caused the entry: usage, refund, payout, adjustment, payment, voucher…';
comment on column public.wallet_ledger.reference_id is 'The id of the row that caused the entry (a usage, refund, payout…); null for admin adjustments.';
comment on column public.wallet_ledger.reason is 'Why, in words: required for admin adjustments, shown in the owner''s history.';
comment on column public.wallet_ledger.actor_id is 'The user whose request caused the entry (the client, the admin…); null for system work.';

create index wallet_ledger_user_id_created_at_idx on public.wallet_ledger (user_id, created_at desc, id desc);
-- An admin's retried adjustment finds its first result here.
create unique index wallet_ledger_adjustment_idempotency_idx on public.wallet_ledger (actor_id, idempotency_key)
  where kind = 'admin_adjustment';

-- ============================================================================================
-- Triggers
-- ============================================================================================
create function private.refuse_wallet_ledger_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'The wallet ledger is append-only: entries are never updated or deleted'
    using errcode = '42501', hint = 'Post a compensating entry instead.';
end;
$$;
comment on function private.refuse_wallet_ledger_change() is 'Keeps public.wallet_ledger append-only for every role, the table owner included.';
revoke execute on function private.refuse_wallet_ledger_change() from public, anon, authenticated;

create trigger wallet_ledger_append_only before update or delete on public.wallet_ledger
  for each statement execute function private.refuse_wallet_ledger_change();
create trigger wallet_ledger_no_truncate before truncate on public.wallet_ledger
  for each statement execute function private.refuse_wallet_ledger_change();

create function private.refuse_wallet_delete()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'Wallets are never deleted: their ledger keeps the history'
    using errcode = '42501', hint = 'Ban the user instead of deleting them.';
end;
$$;
comment on function private.refuse_wallet_delete() is 'Keeps wallets (and so every ledger entry''s wallet) from being deleted, by any role.';
revoke execute on function private.refuse_wallet_delete() from public, anon, authenticated;

create trigger wallets_never_deleted before delete on public.wallets
  for each statement execute function private.refuse_wallet_delete();
create trigger wallets_no_truncate before truncate on public.wallets
  for each statement execute function private.refuse_wallet_delete();

-- ============================================================================================
-- Helper functions
-- ============================================================================================
-- The one way the wallet and the marketplace refuse a request, the way PostgREST understands
-- (`raise sqlstate 'PGRST'`): REST callers get that HTTP status and `{code, message}`, and the Edge
-- Functions map the same error through _shared/sql-errors.ts. `code` is a stable code the SDK documents.
create function private.raise_marketplace_error(http_status integer, error_code text, error_message text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  raise sqlstate 'PGRST' using
    message = json_build_object('code', error_code, 'message', error_message, 'details', null, 'hint', null)::text,
    detail = json_build_object('status', http_status, 'headers', json_build_object())::text;
end;
$$;
comment on function private.raise_marketplace_error(integer, text, text) is
  'Raises an API error (SQLSTATE PGRST): HTTP status, stable code (insufficient_points, tool_not_found…) and a sentence for people.';
revoke execute on function private.raise_marketplace_error(integer, text, text) from public, anon, authenticated;

-- The stable code of a PGRST error raised by raise_marketplace_error (in an exception handler).
create function private.marketplace_error_code(error_message text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when error_message like '{%' then error_message::jsonb ->> 'code' end;
$$;
comment on function private.marketplace_error_code(text) is 'The `code` of an API error''s message (see raise_marketplace_error), or null.';
revoke execute on function private.marketplace_error_code(text) from public, anon, authenticated;

-- The single place a balance changes. Credits create the wallet on first use; debits are one
-- conditional update, so concurrent debits can never take a balance below zero.
create function private.post_wallet_entry(
  p_user_id uuid,
  p_amount integer,
  p_kind public.wallet_entry_kind,
  p_reference_type text,
  p_reference_id uuid default null,
  p_actor_id uuid default null,
  p_reason text default null,
  p_idempotency_key text default null
)
returns public.wallet_ledger
language plpgsql
set search_path = ''
as $$
declare
  new_balance integer;
  current_balance integer;
  entry public.wallet_ledger;
begin
  if p_amount is null or p_amount = 0 then
    perform private.raise_marketplace_error(400, 'invalid_amount', 'A wallet entry needs a non-zero whole number of points.');
  end if;
  if p_amount > 0 then
    insert into public.wallets as w (user_id, balance) values (p_user_id, p_amount)
    on conflict (user_id) do update set balance = w.balance + excluded.balance, updated_at = now()
    returning w.balance into new_balance;
  else
    update public.wallets as w set balance = w.balance + p_amount, updated_at = now()
    where w.user_id = p_user_id and w.balance >= -p_amount
    returning w.balance into new_balance;
    if not found then
      select w.balance into current_balance from public.wallets as w where w.user_id = p_user_id;
      perform private.raise_marketplace_error(422, 'insufficient_points',
        format('This needs %s points; the balance is %s.', -p_amount, coalesce(current_balance, 0)));
    end if;
  end if;
  insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type, reference_id, reason, actor_id, idempotency_key)
  values (p_user_id, p_amount, p_kind, new_balance, p_reference_type, p_reference_id, p_reason, p_actor_id, p_idempotency_key)
  returning * into entry;
  return entry;
end;
$$;
comment on function private.post_wallet_entry(uuid, integer, public.wallet_entry_kind, text, uuid, uuid, text, text) is
  'Changes a balance and appends its ledger entry, atomically. Credits (+) upsert the wallet; debits (−) are one conditional update (balance >= amount) and raise 422 insufficient_points otherwise, writing nothing. For privileged SQL only (purchases, vouchers, the marketplace); never exposed.';
revoke execute on function private.post_wallet_entry(uuid, integer, public.wallet_entry_kind, text, uuid, uuid, text, text) from public, anon, authenticated;

-- ============================================================================================
-- Row-level security
-- ============================================================================================
alter table public.wallets enable row level security;
alter table public.wallet_ledger enable row level security;

-- Read-only for everyone: balances and entries change only through the functions above.
revoke all on public.wallets, public.wallet_ledger from anon, authenticated, service_role;
grant select on public.wallets, public.wallet_ledger to authenticated, service_role;

create policy "Wallets are visible to their owner and to admins" on public.wallets
  for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create policy "Ledger entries are visible to the wallet owner and to admins" on public.wallet_ledger
  for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

-- ============================================================================================
-- API functions
-- ============================================================================================
create function private.admin_adjust_points(p_user_id uuid, p_amount integer, p_reason text, p_idempotency_key text)
returns public.wallet_ledger
language plpgsql
security definer
set search_path = ''
as $$
declare
  admin_id uuid := (select auth.uid());
  first public.wallet_ledger;
begin
  if admin_id is null or not (select private.is_admin()) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only admins adjust wallets.');
  end if;
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An idempotency key of 1 to 200 characters is required.');
  end if;
  select * into first from public.wallet_ledger as l
  where l.actor_id = admin_id and l.idempotency_key = p_idempotency_key and l.kind = 'admin_adjustment';
  if found then
    if first.user_id <> p_user_id or first.amount <> p_amount then
      perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This idempotency key was used for another adjustment.');
    end if;
    return first;
  end if;
  if p_amount is null or p_amount = 0 or abs(p_amount) > 1000000000 then
    perform private.raise_marketplace_error(400, 'invalid_amount', 'Adjust by a non-zero whole number of points (at most 1,000,000,000 either way).');
  end if;
  if char_length(btrim(coalesce(p_reason, ''))) not between 3 and 500 then
    perform private.raise_marketplace_error(400, 'reason_required', 'Say why, in 3 to 500 characters.');
  end if;
  if not exists (select 1 from auth.users as u where u.id = p_user_id) then
    perform private.raise_marketplace_error(404, 'user_not_found', 'There is no such user.');
  end if;
  return private.post_wallet_entry(p_user_id, p_amount, 'admin_adjustment', 'adjustment', null, admin_id, btrim(p_reason), p_idempotency_key);
exception
  when unique_violation then
    -- The same admin retried with the same key while the first call was committing.
    select * into first from public.wallet_ledger as l
    where l.actor_id = admin_id and l.idempotency_key = p_idempotency_key and l.kind = 'admin_adjustment';
    return first;
end;
$$;
comment on function private.admin_adjust_points(uuid, integer, text, text) is
  'Admins only: adds (amount > 0) or deducts (amount < 0) points with a reason; the entry (kind admin_adjustment, actor = the admin) shows in the user''s history and is the audit record. A deduction never takes the balance below zero (422 insufficient_points). A retry with the same idempotency key returns the first entry.';
revoke execute on function private.admin_adjust_points(uuid, integer, text, text) from public, anon;
grant execute on function private.admin_adjust_points(uuid, integer, text, text) to authenticated;

create function public.admin_adjust_points(user_id uuid, amount integer, reason text, idempotency_key text)
returns public.wallet_ledger
language sql
set search_path = ''
as $$
  select * from private.admin_adjust_points(user_id, amount, reason, idempotency_key);
$$;
comment on function public.admin_adjust_points(uuid, integer, text, text) is
  'Admins only: add (amount > 0) or deduct (amount < 0) points with a reason (3–500 characters). Returns the ledger entry. 403 forbidden, 400 invalid_amount / reason_required, 404 user_not_found, 422 insufficient_points, 422 idempotency_key_reused; a retry with the same idempotency_key returns the first entry.';
revoke execute on function public.admin_adjust_points(uuid, integer, text, text) from public, anon;
grant execute on function public.admin_adjust_points(uuid, integer, text, text) to authenticated;
