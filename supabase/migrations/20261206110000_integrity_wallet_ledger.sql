-- Wallet integrity under any writer: a balance changes only together with its ledger entry, whoever
-- writes (the API roles, the service role, or `postgres` editing rows in Supabase Studio).
--
-- The append-only ledger (UPDATE, DELETE and TRUNCATE refused for every role) and wallets that are never
-- deleted come from 20261123300000_wallet.sql. What was missing is the link between the two tables:
-- `update wallets set balance = 1000000` or an inserted ledger row with no wallet change went through
-- for the table owner. Two deferred constraint triggers check, at commit, what every writer of the
-- wallet (post_wallet_entry, use_tool, settle_earnings) does already:
-- - every new ledger entry continues its wallet's chain: balance_after = the previous entry's
--   balance_after + amount (entries of one wallet are ordered by id; all writers hold the wallet's row
--   lock while they append, so the previous entry is final);
-- - a wallet that was created or changed in the transaction ends it with the balance_after of its
--   newest ledger entry (0 with no entry at all);
-- together: the balance is the sum of the entries, after every committed transaction.
-- They run at commit, so they do not care how a writer orders its statements (use_tool debits and
-- appends in one statement, settle_earnings credits a batch of entries with one update).
--
-- Cost: one index (wallet_ledger (user_id, id), so "the previous/newest entry of a wallet" is one index
-- probe however long the history is) and two deferred row triggers per spend. Measured with
-- `npm run bench wallet` (see the README's Performance section).
--
-- What no trigger can stop: the table owner may ALTER TABLE … DISABLE TRIGGER or drop these triggers.
-- That is a schema change (a migration, reviewed), not a row edit.

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
  select w.balance into wallet_balance from public.wallets as w where w.user_id = new.user_id;
  select l.balance_after into newest_balance from public.wallet_ledger as l
  where l.user_id = new.user_id order by l.id desc limit 1;
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
  'Deferred check of a created or changed wallet: at commit its balance is its newest ledger entry''s balance_after.';
revoke execute on function private.check_wallet_change() from public, anon, authenticated;

create function private.check_wallet_ledger_entry()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  previous_balance integer;
  wallet_balance integer;
  newest_balance integer;
begin
  select l.balance_after into previous_balance from public.wallet_ledger as l
  where l.user_id = new.user_id and l.id < new.id order by l.id desc limit 1;
  if new.balance_after is distinct from coalesce(previous_balance, 0) + new.amount then
    raise exception 'Ledger entry % of wallet % does not continue its ledger: % + % <> %',
      new.id, new.user_id, coalesce(previous_balance, 0), new.amount, new.balance_after
      using errcode = '23514',
            hint = 'Use public.admin_adjust_points(user_id, amount, reason, idempotency_key) to change a balance; it writes the ledger entry.';
  end if;
  select w.balance into wallet_balance from public.wallets as w where w.user_id = new.user_id;
  select l.balance_after into newest_balance from public.wallet_ledger as l
  where l.user_id = new.user_id order by l.id desc limit 1;
  if coalesce(wallet_balance, 0) is distinct from coalesce(newest_balance, 0) then
    raise exception 'The balance of wallet % (%) does not match its ledger (%): a balance changes only together with a ledger entry',
      new.user_id, coalesce(wallet_balance, 0), coalesce(newest_balance, 0)
      using errcode = '23514',
            hint = 'Use public.admin_adjust_points(user_id, amount, reason, idempotency_key) to change a balance; it writes the ledger entry.';
  end if;
  return null;
end;
$$;
comment on function private.check_wallet_ledger_entry() is
  'Deferred check of a new ledger entry: it continues its wallet''s chain (previous balance_after + amount) and the wallet ends the transaction at its newest entry''s balance_after.';
revoke execute on function private.check_wallet_ledger_entry() from public, anon, authenticated;

create constraint trigger wallets_balance_matches_ledger_on_insert
  after insert on public.wallets
  deferrable initially deferred
  for each row when (new.balance <> 0)
  execute function private.check_wallet_change();

create constraint trigger wallets_balance_matches_ledger_on_update
  after update on public.wallets
  deferrable initially deferred
  for each row
  execute function private.check_wallet_change();

create constraint trigger wallet_ledger_entry_continues_ledger
  after insert on public.wallet_ledger
  deferrable initially deferred
  for each row
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
