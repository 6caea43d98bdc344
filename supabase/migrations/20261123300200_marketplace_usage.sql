-- Using a tool: the client's points pay for one use, recorded as a usage with the creator's share.
-- Part of the marketplace module; the charge is one SQL function.
--
-- One use is one transaction in private.use_tool(): the usage row (which claims the idempotency key),
-- the client's debit (a conditional update) and its ledger entry. The creator's share is part of the
-- usage from that moment on: revenue stats and the payout limit count it at once. It is credited to
-- the creator's wallet (kind earning, one ledger entry per usage) by private.settle_earnings(), in
-- batches: whenever the creator reads their wallet, requests a payout or a refund touches their
-- earnings, and every minute through pg_cron where it runs. Crediting the creator inside every use
-- would make the creator's wallet row a lock every client of a popular tool queues on.
--
-- Rules enforced here:
-- - insufficient points: 422 insufficient_points and nothing written;
-- - a retry with the same idempotency key returns the first usage and never charges twice, even
--   when both requests run at the same time (the unique key makes the second wait for the first);
-- - nobody writes usages through the API.

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.usage_status as enum ('completed', 'refunded');
comment on type public.usage_status is 'completed: the client paid and the creator earned their share; refunded: an admin approved a refund, the points went back and the creator''s share was reversed.';

-- ============================================================================================
-- Tables
-- ============================================================================================
-- No foreign keys on this table, on purpose: every use would take a KEY SHARE lock on its tool's,
-- client's and creator's rows, and a popular tool's row would become a lock (and MultiXact) hot spot.
-- The references still hold: private.use_tool() reads the approved tool and debits the client's
-- wallet in the same transaction, creator_id is copied from tools.creator_id (a restrict foreign key),
-- wallets restrict deleting their users, and tools with usages cannot be deleted (trigger below).
create table public.usages (
  id uuid primary key default gen_random_uuid(),
  tool_id uuid not null,
  client_id uuid not null,
  creator_id uuid not null,
  points_charged integer not null constraint usages_points_charged_positive check (points_charged > 0),
  creator_share integer not null constraint usages_creator_share_range check (creator_share between 0 and points_charged),
  status public.usage_status not null default 'completed',
  idempotency_key text not null constraint usages_idempotency_key_length check (char_length(idempotency_key) between 1 and 200),
  settled_at timestamptz,
  refunded_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.usages is
  'One use of a tool: the points charged, the creator''s share (fixed at use time), the status. The basis of revenue stats, feedback and refunds. Written only by private.use_tool() and the refund flow.';
comment on column public.usages.creator_id is 'The tool''s creator at the time of use (copied, so stats and policies need no join).';
comment on column public.usages.creator_share is 'floor(points_charged × creator_share_percent / 100), fixed when the tool was used.';
comment on column public.usages.idempotency_key is 'The client''s Idempotency-Key: one usage per client and key.';
comment on column public.usages.settled_at is 'When the creator''s share was credited to their wallet (kind earning); null until then.';

create unique index usages_client_id_idempotency_key_idx on public.usages (client_id, idempotency_key);
create index usages_creator_id_created_at_idx on public.usages (creator_id, created_at);
create index usages_unsettled_idx on public.usages (creator_id) where settled_at is null and status = 'completed';

-- ============================================================================================
-- Triggers
-- ============================================================================================
create function private.refuse_deleting_used_tool()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if exists (select 1 from public.usages as u where u.tool_id = old.id) then
    raise exception 'A tool that has been used cannot be deleted; suspend it instead' using errcode = '23503';
  end if;
  return old;
end;
$$;
comment on function private.refuse_deleting_used_tool() is 'Keeps usages.tool_id pointing at a tool (usages carry no foreign key, see the table).';
revoke execute on function private.refuse_deleting_used_tool() from public, anon, authenticated;

create trigger tools_refuse_deleting_used before delete on public.tools
  for each row execute function private.refuse_deleting_used_tool();

-- ============================================================================================
-- Helper functions
-- ============================================================================================
-- Credits a creator's wallet with the shares of their unsettled usages: one earning entry per usage,
-- one wallet update per batch. The creator's wallet row lock serialises settlements of one creator;
-- usages locked by a refund being approved are skipped now and settled (or not, if refunded) later.
create function private.settle_earnings(p_creator_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  settled_count integer;
begin
  if not exists (
    select 1 from public.usages as u where u.creator_id = p_creator_id and u.settled_at is null and u.status = 'completed'
  ) then
    return 0;
  end if;
  insert into public.wallets (user_id) values (p_creator_id) on conflict (user_id) do nothing;
  perform 1 from public.wallets as w where w.user_id = p_creator_id for update;

  with due as (
    select u.id from public.usages as u
    where u.creator_id = p_creator_id and u.settled_at is null and u.status = 'completed'
    for update skip locked
  ),
  settled as (
    update public.usages as u set settled_at = now()
    from due where u.id = due.id
    returning u.id, u.tool_id, u.creator_share, u.created_at
  ),
  counted as (
    update public.tools as t set usage_count = t.usage_count + c.uses
    from (select s.tool_id, count(*) as uses from settled as s group by s.tool_id) as c
    where t.id = c.tool_id
  ),
  credited as (
    update public.wallets as w set balance = w.balance + total.points, updated_at = now()
    from (select sum(s.creator_share)::integer as points from settled as s having sum(s.creator_share) > 0) as total
    where w.user_id = p_creator_id
    returning w.balance, total.points
  ),
  entries as (
    insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type, reference_id)
    select p_creator_id, s.creator_share, 'earning',
      c.balance - c.points + sum(s.creator_share) over (order by s.created_at, s.id),
      'usage', s.id
    from settled as s cross join credited as c
    where s.creator_share > 0
    order by s.created_at, s.id
  )
  select count(*) into settled_count from settled;
  return settled_count;
end;
$$;
comment on function private.settle_earnings(uuid) is
  'Credits a creator''s wallet with the shares of their unsettled, completed usages (one earning ledger entry each, one balance update for the batch) and adds them to the tools'' usage_count. Returns how many usages it settled. The batch form of private.post_wallet_entry: same invariant, balance = sum of entries.';
revoke execute on function private.settle_earnings(uuid) from public, anon, authenticated;

create function private.settle_all_earnings()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  creator uuid;
  total integer := 0;
begin
  for creator in
    select distinct u.creator_id from public.usages as u where u.settled_at is null and u.status = 'completed'
  loop
    total := total + private.settle_earnings(creator);
  end loop;
  return total;
end;
$$;
comment on function private.settle_all_earnings() is 'Settles every creator''s pending earnings (pg_cron runs it every minute where pg_cron can run jobs). Returns how many usages it settled.';
revoke execute on function private.settle_all_earnings() from public, anon, authenticated;

-- A usage as the use-tool function answers it.
create function private.usage_json(used public.usages)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', used.id, 'tool_id', used.tool_id, 'client_id', used.client_id, 'creator_id', used.creator_id,
    'points_charged', used.points_charged, 'creator_share', used.creator_share, 'status', used.status,
    'created_at', used.created_at);
$$;
comment on function private.usage_json(public.usages) is 'The public fields of a usage as JSON (what use-tool and its replays answer).';
revoke execute on function private.usage_json(public.usages) from public, anon, authenticated;

-- ============================================================================================
-- Row-level security
-- ============================================================================================
alter table public.usages enable row level security;

revoke all on public.usages from anon, authenticated, service_role;
grant select on public.usages to authenticated, service_role;

create policy "Usages are visible to their client, creator and admins" on public.usages
  for select to authenticated
  using (client_id = (select auth.uid()) or creator_id = (select auth.uid()) or (select private.is_admin()));

-- ============================================================================================
-- API functions
-- ============================================================================================
create function private.use_tool(p_client_id uuid, p_tool_id uuid, p_idempotency_key text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  tool_creator uuid;
  tool_price integer;
  tool_share integer;
  tool_status public.tool_status;
  used public.usages;
  entry public.wallet_ledger;
begin
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An Idempotency-Key of 1 to 200 characters is required.');
  end if;
  select t.creator_id, t.price_points, t.creator_share_percent, t.status into tool_creator, tool_price, tool_share, tool_status
  from public.tools as t where t.id = p_tool_id;
  if tool_status is distinct from 'approved' then
    -- A retry returns the first usage, whatever happened to the tool since.
    select * into used from public.usages as u where u.client_id = p_client_id and u.idempotency_key = p_idempotency_key;
    if found and used.tool_id = p_tool_id then
      return jsonb_build_object('usage', private.usage_json(used), 'balance', null, 'replayed', true);
    elsif not found and tool_status is distinct from 'suspended' then
      -- Drafts and tools under review are not in the catalogue: to clients they do not exist.
      perform private.raise_marketplace_error(404, 'tool_not_found', 'There is no such tool.');
    elsif not found then
      perform private.raise_marketplace_error(409, 'tool_unavailable', format('The tool is %s and cannot be used.', tool_status));
    end if;
    perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another tool.');
  end if;

  -- Claims the key first (a retry, or a concurrent request with the same key, lands on the first
  -- usage here: the unique index makes it wait for the first to commit).
  insert into public.usages (tool_id, client_id, creator_id, points_charged, creator_share, idempotency_key)
  values (p_tool_id, p_client_id, tool_creator, tool_price, tool_price * tool_share / 100, p_idempotency_key)
  on conflict (client_id, idempotency_key) do nothing
  returning * into used;
  if not found then
    select * into used from public.usages as u where u.client_id = p_client_id and u.idempotency_key = p_idempotency_key;
    if used.tool_id <> p_tool_id then
      perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another tool.');
    end if;
    return jsonb_build_object('usage', private.usage_json(used), 'balance', null, 'replayed', true);
  end if;

  entry := private.post_wallet_entry(p_client_id, -tool_price, 'spend', 'usage', used.id, p_client_id, null, p_idempotency_key);
  return jsonb_build_object('usage', private.usage_json(used), 'balance', entry.balance_after, 'replayed', false);
end;
$$;
comment on function private.use_tool(uuid, uuid, text) is
  'Uses an approved tool for a client, in one transaction: records the usage with the creator''s share and debits the price (422 insufficient_points and nothing written when the balance is short). Answers {usage, balance, replayed}. A retry with the same idempotency key returns the first usage ({usage, balance: null, replayed: true}) and charges nothing. 404 tool_not_found (also for tools not yet approved), 409 tool_unavailable (suspended), 422 idempotency_key_reused. Called by the use-tool Edge Function for the verified caller.';
revoke execute on function private.use_tool(uuid, uuid, text) from public, anon, authenticated;
grant execute on function private.use_tool(uuid, uuid, text) to service_role;

create function private.get_wallet()
returns table (user_id uuid, balance integer, updated_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
begin
  if me is null then
    perform private.raise_marketplace_error(401, 'unauthorized', 'Sign in to see your wallet.');
  end if;
  perform private.settle_earnings(me);
  return query
    select me, coalesce(w.balance, 0), w.updated_at
    from (select 1) as one left join public.wallets as w on w.user_id = me;
end;
$$;
comment on function private.get_wallet() is 'Implements public.get_wallet for the signed-in caller.';
revoke execute on function private.get_wallet() from public, anon;
grant execute on function private.get_wallet() to authenticated;

create function public.get_wallet()
returns table (user_id uuid, balance integer, updated_at timestamptz)
language sql
set search_path = ''
as $$
  select * from private.get_wallet();
$$;
comment on function public.get_wallet() is
  'The caller''s wallet: balance in points (0 before the first entry). For creators it first credits pending earnings, so the balance and the history are up to date.';
revoke execute on function public.get_wallet() from public, anon;
grant execute on function public.get_wallet() to authenticated;

-- ============================================================================================
-- Jobs
-- ============================================================================================
-- Every minute, where pg_cron runs jobs (hosted Supabase; locally it needs cron.use_background_workers).
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('settle-creator-earnings', '* * * * *', 'select private.settle_all_earnings()');
  end if;
end;
$$;
