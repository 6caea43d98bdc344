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
-- - the ledger entries of such a change explain it: they chain (balance_after = the previous entry's
--   balance_after + amount, in id order) from the balance before to the balance after;
-- - a new ledger entry (other than a spend or an earning) belongs to a wallet changed in the same
--   transaction, and the newest entry carries the wallet's balance.
-- So no points appear without an entry that explains them, and no entry is written without its balance
-- change. The checks run at commit, so they do not care how a writer orders its statements.
--
-- The hot path pays nothing: a spend (use_tool: a debit stamped now(), an entry of kind spend) and a
-- settlement's earning entries match none of the trigger conditions (evaluated without calling a
-- function); a settlement is checked once per batch through its wallet credit. Measured with
-- `npm run bench wallet` and pgbench: any per-use check that ran a query cost use_tool 10–25 %, and even
-- an extra ledger index about 8 %, so there is neither.
-- What is left to intent rather than accident: a debit written as `update wallets set balance = balance - n,
-- updated_at = now()` without an entry, and a ledger row of kind spend or earning inserted alone (neither
-- creates points; both are deliberate acts of the table owner, like `alter table … disable trigger`).

-- The trigger functions are SECURITY DEFINER: deferred triggers run at COMMIT as whatever role is
-- current then (authenticated, under RLS, for a PostgREST request), and they must see every wallet.
-- "This transaction's entries" are the wallet's entries with created_at = now() (every writer leaves the
-- column to its default, the transaction's start), found through wallet_ledger_user_id_created_at_idx:
-- no extra index, however long the wallet's history.

-- A wallet created with points, credited, or changed by a statement that is not one of the writers: this
-- transaction's entries must chain, one of them must start at the balance before the change and one end
-- at the balance after it, and the newest must carry the balance at commit.
create function private.check_wallet_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  before_balance integer := case when tg_op = 'INSERT' then 0 else old.balance end;
  wallet_balance integer;
  chained boolean;
  starts boolean;
  ends boolean;
  newest_balance integer;
begin
  select w.balance into wallet_balance from public.wallets as w where w.user_id = new.user_id;
  select coalesce(bool_and(e.previous_end is null or e.previous_end = e.balance_after - e.amount), true),
         coalesce(bool_or(e.balance_after - e.amount = before_balance), false),
         coalesce(bool_or(e.balance_after = new.balance), false),
         (array_agg(e.balance_after order by e.id desc))[1]
    into chained, starts, ends, newest_balance
  from (
    select l.id, l.amount, l.balance_after, lag(l.balance_after) over (order by l.id) as previous_end
    from public.wallet_ledger as l where l.user_id = new.user_id and l.created_at = now()
  ) as e;
  if not chained
     or (new.balance is distinct from before_balance and not (starts and ends))
     or (newest_balance is not null and newest_balance is distinct from wallet_balance) then
    raise exception 'The balance of wallet % changed from % to % without the ledger entries that explain it: a balance changes only together with a ledger entry',
      new.user_id, before_balance, new.balance
      using errcode = '23514',
            hint = 'Use public.admin_adjust_points(user_id, amount, reason, idempotency_key) to change a balance; it writes the ledger entry.';
  end if;
  return null;
end;
$$;
comment on function private.check_wallet_change() is
  'Deferred check of a wallet created with points, credited, or changed outside the wallet''s writers: the transaction''s ledger entries chain from the balance before to the balance after, and the newest carries the balance at commit.';
revoke execute on function private.check_wallet_change() from public, anon, authenticated;

-- A new entry (other than a spend or an earning): its wallet was changed in this transaction, this
-- transaction's entries chain, and the newest carries the balance at commit.
create function private.check_wallet_ledger_entry()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  wallet_balance integer;
  wallet_changed_at timestamptz;
  chained boolean;
  newest_balance integer;
begin
  select w.balance, w.updated_at into wallet_balance, wallet_changed_at from public.wallets as w where w.user_id = new.user_id;
  select coalesce(bool_and(e.previous_end is null or e.previous_end = e.balance_after - e.amount), true),
         (array_agg(e.balance_after order by e.id desc))[1]
    into chained, newest_balance
  from (
    select l.id, l.amount, l.balance_after, lag(l.balance_after) over (order by l.id) as previous_end
    from public.wallet_ledger as l where l.user_id = new.user_id and l.created_at = now()
  ) as e;
  if wallet_changed_at is distinct from now() or not chained or newest_balance is distinct from wallet_balance then
    raise exception 'Ledger entry % of wallet % (% points, balance after %) has no matching balance change: a ledger entry is written only together with its balance change',
      new.id, new.user_id, new.amount, new.balance_after
      using errcode = '23514',
            hint = 'Use public.admin_adjust_points(user_id, amount, reason, idempotency_key) to change a balance; it writes the ledger entry.';
  end if;
  return null;
end;
$$;
comment on function private.check_wallet_ledger_entry() is
  'Deferred check of a new ledger entry (not spend or earning): its wallet changed in the same transaction, the transaction''s entries chain and the newest carries the wallet''s balance at commit.';
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
