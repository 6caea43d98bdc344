-- Using a tool, faster: the same rules as 20261123300200_marketplace_usage.sql, with less work per use.
-- Marketplace performance ("use a tool" at the SQL level against a raw conditional update).
--
-- Measured with `npm run bench wallet` and perf: most of what private.use_tool() cost beyond its three
-- writes was per-statement overhead that does not depend on the data:
-- - the CHECK constraints of wallet_ledger and usages are deserialised and planned again for every
--   INSERT (Postgres caches them per statement, not per session): about 10 % of the function's time;
-- - private.usage_json(), a SQL function, is parsed and planned on every call; private.post_wallet_entry()
--   is one more function call with its own search_path switch.
-- So:
-- - length limits become varchar(n) column types (checked by the planned INSERT itself), and the ledger's
--   rules about an entry's shape are checked by its writers (see Constraints); every rule still holds,
--   in the database;
-- - a ledger reason may be up to 1,000 characters, the limit of the refund and payout notes that become
--   reasons (a 501–1,000 character note used to fail with a constraint error);
-- - use_tool() does its work in two statements: the usage insert (which reads the tool and claims the
--   idempotency key) and one statement that debits the wallet and appends the ledger entry. It writes
--   exactly what private.post_wallet_entry() would, and errors and replays answer as before.

-- ============================================================================================
-- Constraints
-- ============================================================================================
-- The table keeps the checks that carry the ledger's invariant (no zero entry, never a negative balance
-- after an entry). The rules about an entry's shape move to its three writers, which are the only code
-- with the right to insert: post_wallet_entry() checks its arguments (below) and raises check_violation
-- (23514) as the constraints did; use_tool() writes spends of -price (price > 0, a usages check) and
-- settle_earnings() earnings of share > 0, by construction. pgTAP checks every entry after a random
-- workload of every operation (301-wallet-ledger).
alter table public.wallet_ledger
  drop constraint wallet_ledger_sign_matches_kind,
  drop constraint wallet_ledger_adjustment_has_reason,
  drop constraint wallet_ledger_reference_type_format,
  drop constraint wallet_ledger_idempotency_key_length,
  drop constraint wallet_ledger_reason_length;
-- Maximum lengths as column types: the planned INSERT enforces them, for every writer.
alter table public.wallet_ledger
  alter column idempotency_key type varchar(200),
  alter column reason type varchar(1000);

-- use_tool() checks the key (1 to 200 characters) before anything else; the type keeps the maximum.
alter table public.usages drop constraint usages_idempotency_key_length;
alter table public.usages alter column idempotency_key type varchar(200);

-- ============================================================================================
-- Helper functions
-- ============================================================================================
create or replace function private.post_wallet_entry(
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
  -- The shape of an entry (a mistake of the calling code, never of a user): spend is always a debit; purchase,
  -- voucher and earning are always credits; an admin adjustment says why; no empty strings.
  if (p_kind = 'spend' and p_amount > 0)
     or (p_kind in ('purchase', 'voucher', 'earning') and p_amount < 0)
     or (p_kind = 'admin_adjustment' and p_reason is null) then
    raise exception 'A % entry of % points is not a valid ledger entry', p_kind, p_amount using errcode = 'check_violation';
  end if;
  if p_kind is null or p_reference_type is null or char_length(p_reference_type) > 40 or p_reference_type !~ '^[a-z][a-z_]*\Z' then
    raise exception 'A ledger entry needs a kind and a lower-case reference type, not %', p_reference_type using errcode = 'check_violation';
  end if;
  if p_reason = '' or p_idempotency_key = '' then
    raise exception 'The reason and idempotency key of a ledger entry are null or not empty' using errcode = 'check_violation';
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
  'Changes a balance and appends its ledger entry, atomically. Credits (+) upsert the wallet; debits (−) are one conditional update (balance >= amount) and raise 422 insufficient_points otherwise, writing nothing. Refuses a malformed entry (sign against kind, adjustment without reason, bad reference type, empty strings) with 23514. For privileged SQL only (purchases, vouchers, the marketplace); never exposed.';

-- ============================================================================================
-- API functions
-- ============================================================================================
-- Everything but the first use of a key for an approved tool: replays, unknown or unavailable tools.
create function private.use_tool_refusal(p_client_id uuid, p_tool_id uuid, p_idempotency_key text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  used public.usages;
  tool_status public.tool_status;
begin
  -- A retry returns the first usage, whatever happened to the tool since.
  select * into used from public.usages as u where u.client_id = p_client_id and u.idempotency_key = p_idempotency_key;
  if found then
    if used.tool_id <> p_tool_id then
      perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another tool.');
    end if;
    return jsonb_build_object('usage', private.usage_json(used), 'balance', null, 'replayed', true);
  end if;
  select t.status into tool_status from public.tools as t where t.id = p_tool_id;
  if tool_status = 'suspended' then
    perform private.raise_marketplace_error(409, 'tool_unavailable', format('The tool is %s and cannot be used.', tool_status));
  end if;
  -- Drafts and tools under review are not in the catalogue: to clients they do not exist.
  perform private.raise_marketplace_error(404, 'tool_not_found', 'There is no such tool.');
  return null;
end;
$$;
comment on function private.use_tool_refusal(uuid, uuid, text) is
  'The answers of private.use_tool() when it records nothing: the first usage for a retried key (replayed), 422 idempotency_key_reused, 409 tool_unavailable, 404 tool_not_found.';
revoke execute on function private.use_tool_refusal(uuid, uuid, text) from public, anon, authenticated;

create or replace function private.use_tool(p_client_id uuid, p_tool_id uuid, p_idempotency_key text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  used public.usages;
  new_balance integer;
  current_balance integer;
begin
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An Idempotency-Key of 1 to 200 characters is required.');
  end if;

  -- Reads the approved tool and claims the key (a concurrent request with the same key waits here for
  -- the first to commit, then finds its usage).
  insert into public.usages (tool_id, client_id, creator_id, points_charged, creator_share, idempotency_key)
  select t.id, p_client_id, t.creator_id, t.price_points, t.price_points * t.creator_share_percent / 100, p_idempotency_key
  from public.tools as t
  where t.id = p_tool_id and t.status = 'approved'
  on conflict (client_id, idempotency_key) do nothing
  returning * into used;
  if not found then
    return private.use_tool_refusal(p_client_id, p_tool_id, p_idempotency_key);
  end if;

  -- The debit is one conditional update (never below zero) and its ledger entry, as in post_wallet_entry().
  with debit as (
    update public.wallets as w set balance = w.balance - used.points_charged, updated_at = now()
    where w.user_id = p_client_id and w.balance >= used.points_charged
    returning w.balance
  ), entry as (
    insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type, reference_id, actor_id, idempotency_key)
    select p_client_id, -used.points_charged, 'spend', debit.balance, 'usage', used.id, p_client_id, p_idempotency_key
    from debit
  )
  select debit.balance into new_balance from debit;
  if new_balance is null then
    select w.balance into current_balance from public.wallets as w where w.user_id = p_client_id;
    -- Raising rolls back the usage too: nothing is written.
    perform private.raise_marketplace_error(422, 'insufficient_points',
      format('This needs %s points; the balance is %s.', used.points_charged, coalesce(current_balance, 0)));
  end if;

  return jsonb_build_object(
    'usage', jsonb_build_object(
      'id', used.id, 'tool_id', used.tool_id, 'client_id', used.client_id, 'creator_id', used.creator_id,
      'points_charged', used.points_charged, 'creator_share', used.creator_share, 'status', used.status,
      'created_at', used.created_at),
    'balance', new_balance,
    'replayed', false);
end;
$$;
comment on function private.use_tool(uuid, uuid, text) is
  'Uses an approved tool for a client, in one transaction: records the usage with the creator''s share and debits the price (422 insufficient_points and nothing written when the balance is short). Answers {usage, balance, replayed}. A retry with the same idempotency key returns the first usage ({usage, balance: null, replayed: true}) and charges nothing. 404 tool_not_found (also for tools not yet approved), 409 tool_unavailable (suspended), 422 idempotency_key_reused. Called by the use-tool Edge Function for the verified caller.';
