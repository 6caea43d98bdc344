-- Wallet integrity under any writer: a balance changes only together with its ledger entry, whoever
-- writes (the API roles, the service role, or `postgres` editing rows in Supabase Studio).
--
-- The append-only ledger (UPDATE, DELETE and TRUNCATE refused for every role) and wallets that are never
-- deleted come from 20261123300000_wallet.sql. What was missing is the link between the two tables:
-- `update wallets set balance = 1000000` or an inserted ledger row with no wallet change went through
-- for the table owner. Deferred constraint triggers now check, at commit, what the wallet's writers
-- (post_wallet_entry, use_tool, settle_earnings) do by construction:
-- - a wallet whose balance grew, that was created with points, or that was changed by a statement that is
--   not one of the writers (they stamp `updated_at = now()` with every change; an edit of the balance cell
--   in Studio does not), ends the transaction at the balance_after of its newest ledger entry;
-- - a new ledger entry continues its wallet's chain (balance_after = the previous entry's balance_after
--   + amount; entries of one wallet are ordered by id, and every writer holds the wallet's row lock while
--   it appends) and, if it is the newest, carries the wallet's balance.
-- So no points appear without an entry that explains them, and no entry is written without its balance
-- change. The checks run at commit, so they do not care how a writer orders its statements.
--
-- The hot path pays nothing but one index entry: a spend (use_tool: a debit stamped now(), an entry of kind
-- spend) and a settlement's earning entries match none of the trigger conditions (evaluated without calling
-- a function); a settlement is checked once per batch through its wallet credit. Measured with
-- `npm run bench wallet` (README, Performance): every per-use check that ran a query cost use_tool 10–25 %.
-- What is left to intent rather than accident: a debit written as `update wallets set balance = balance - n,
-- updated_at = now()` without an entry, and a ledger row of kind spend or earning inserted alone (neither
-- creates points; both are deliberate acts of the table owner, like `alter table … disable trigger`).

create index wallet_ledger_user_id_id_idx on public.wallet_ledger (user_id, id);

-- The trigger functions are SECURITY DEFINER: deferred triggers run at COMMIT as whatever role is
-- current then (authenticated, under RLS, for a PostgREST request), and they must see every wallet.
create function private.check_wallet_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  wallet_balance integer;
  newest_balance integer;
begin
  select w.balance,
         (select l.balance_after from public.wallet_ledger as l where l.user_id = w.user_id order by l.id desc limit 1)
    into wallet_balance, newest_balance
  from public.wallets as w where w.user_id = new.user_id;
  if coalesce(wallet_balance, 0) is distinct from coalesce(newest_balance, 0) then
    raise exception 'The balance of wallet % (%) does not match its ledger (%): a balance changes only together with a ledger entry',
      new.user_id, coalesce(wallet_balance, 0), coalesce(newest_balance, 0)
      using errcode = '23514',
            hint = 'Use public.admin_adjust_points(user_id, amount, reason, idempotency_key) to change a balance; it writes the ledger entry.';
  end if;
  return null;
end;
$$;
comment on function private.check_wallet_change() is
  'Deferred check of a wallet created with points, credited, or changed outside the wallet''s writers: at commit its balance is its newest ledger entry''s balance_after.';
revoke execute on function private.check_wallet_change() from public, anon, authenticated;

create function private.check_wallet_ledger_entry()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  previous_balance integer;
  newest_id bigint;
  wallet_balance integer;
begin
  select (select l.balance_after from public.wallet_ledger as l where l.user_id = new.user_id and l.id < new.id order by l.id desc limit 1),
         (select l.id from public.wallet_ledger as l where l.user_id = new.user_id order by l.id desc limit 1),
         (select w.balance from public.wallets as w where w.user_id = new.user_id)
    into previous_balance, newest_id, wallet_balance;
  if new.balance_after is distinct from coalesce(previous_balance, 0) + new.amount then
    raise exception 'Ledger entry % of wallet % does not continue its ledger: % + % <> %',
      new.id, new.user_id, coalesce(previous_balance, 0), new.amount, new.balance_after
      using errcode = '23514',
            hint = 'Use public.admin_adjust_points(user_id, amount, reason, idempotency_key) to change a balance; it writes the ledger entry.';
  end if;
  if newest_id = new.id and new.balance_after is distinct from wallet_balance then
    raise exception 'The balance of wallet % (%) does not match its ledger (%): a ledger entry is written only together with its balance change',
      new.user_id, coalesce(wallet_balance, 0), new.balance_after
      using errcode = '23514',
            hint = 'Use public.admin_adjust_points(user_id, amount, reason, idempotency_key) to change a balance; it writes the ledger entry.';
  end if;
  return null;
end;
$$;
comment on function private.check_wallet_ledger_entry() is
  'Deferred check of a new ledger entry: it continues its wallet''s chain (previous balance_after + amount) and, if it is the wallet''s newest entry, its balance_after is the wallet''s balance.';
revoke execute on function private.check_wallet_ledger_entry() from public, anon, authenticated;

-- Wallets are created at 0 or with their first credit (once per wallet).
create constraint trigger wallets_balance_matches_ledger_on_insert
  after insert on public.wallets
  deferrable initially deferred
  for each row when (new.balance <> 0)
  execute function private.check_wallet_change();

-- Every credit; and any change not stamped by the writers (updated_at = now()). A spend is neither.
create constraint trigger wallets_balance_matches_ledger_on_update
  after update on public.wallets
  deferrable initially deferred
  for each row when (new.balance > old.balance or new.updated_at is distinct from now())
  execute function private.check_wallet_change();

-- Every entry but spends (use_tool's debits) and earnings (settle_earnings' batch, checked by its credit).
create constraint trigger wallet_ledger_entry_continues_ledger
  after insert on public.wallet_ledger
  deferrable initially deferred
  for each row when (new.kind not in ('spend', 'earning'))
  execute function private.check_wallet_ledger_entry();

-- Moving a wallet to another user would move its ledger's meaning with it.
create function private.refuse_wallet_owner_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'A wallet belongs to its user for good' using errcode = '42501',
    hint = 'Use public.admin_adjust_points(user_id, amount, reason, idempotency_key) on both wallets to move points.';
end;
$$;
comment on function private.refuse_wallet_owner_change() is 'Refuses changing wallets.user_id, for every role.';
revoke execute on function private.refuse_wallet_owner_change() from public, anon, authenticated;

create trigger wallets_owner_fixed before update of user_id on public.wallets
  for each row when (old.user_id is distinct from new.user_id)
  execute function private.refuse_wallet_owner_change();

-- The refusals name what to do instead (an admin in Studio reads only the message).
create or replace function private.refuse_wallet_ledger_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'The wallet ledger is append-only: entries are never updated, deleted or truncated; use public.admin_adjust_points(user_id, amount, reason, idempotency_key) to post a correcting entry'
    using errcode = '42501', hint = 'Post a compensating entry instead.';
end;
$$;

create or replace function private.refuse_wallet_delete()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'Wallets are never deleted: their ledger keeps the history; use public.admin_adjust_points(user_id, amount, reason, idempotency_key) to empty one, or ban the user'
    using errcode = '42501', hint = 'Ban the user instead of deleting them.';
end;
$$;
