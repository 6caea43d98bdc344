-- Payouts and revenue: a tool creator asks to be paid their earnings; admins approve, reject (with a
-- reason) or mark it paid. Creators read their revenue stats.
--
-- A request holds the points at once: it debits the creator's wallet (kind payout) with one
-- conditional update, after crediting pending earnings. So the sum of open and paid payouts can never
-- exceed what was earned, however many requests run at the same time; a rejection returns the points.

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.payout_status as enum ('requested', 'approved', 'rejected', 'paid');
comment on type public.payout_status is 'requested → approved → paid; requested | approved → rejected (points returned to the wallet); requested → paid directly is allowed.';

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.payouts (
  id uuid primary key default gen_random_uuid(),
  creator_id uuid not null references auth.users (id) on delete restrict,
  amount_points integer not null constraint payouts_amount_positive check (amount_points > 0),
  status public.payout_status not null default 'requested',
  decided_by uuid references auth.users (id) on delete set null,
  decided_at timestamptz,
  decision_reason text constraint payouts_decision_reason_length check (char_length(decision_reason) <= 1000),
  paid_at timestamptz,
  idempotency_key text not null constraint payouts_idempotency_key_length check (char_length(idempotency_key) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payouts_reason_when_rejected check (status <> 'rejected' or decision_reason is not null)
);
comment on table public.payouts is
  'A creator''s request to be paid earned points. The points leave the wallet when requested (ledger kind payout) and come back if an admin rejects it. Written only through request_payout and decide_payout.';
comment on column public.payouts.decision_reason is 'Why an admin rejected the payout (required then), or a note on approval/payment.';

create unique index payouts_creator_id_idempotency_key_idx on public.payouts (creator_id, idempotency_key);
create index payouts_status_created_at_idx on public.payouts (status, created_at);
create index payouts_decided_by_idx on public.payouts (decided_by);

-- ============================================================================================
-- Triggers
-- ============================================================================================
create trigger payouts_touch_updated_at before update on public.payouts
  for each row execute function private.touch_updated_at();

-- ============================================================================================
-- Helper functions
-- ============================================================================================
-- Revenue of one creator: all-time totals and, over [from, to], per tool and per day.
create function private.revenue_stats(p_creator_id uuid, p_from date, p_to date)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  range_to date := coalesce(p_to, (now() at time zone 'utc')::date);
  range_from date := coalesce(p_from, coalesce(p_to, (now() at time zone 'utc')::date) - 29);
  totals jsonb;
  in_range jsonb;
  per_tool jsonb;
  per_day jsonb;
  paid_out bigint;
  pending bigint;
  balance bigint;
  unsettled bigint;
begin
  if range_from > range_to then
    perform private.raise_marketplace_error(400, 'invalid_range', 'The range starts after it ends.');
  end if;
  if range_to - range_from > 366 then
    perform private.raise_marketplace_error(400, 'invalid_range', 'Ask for at most 366 days at a time.');
  end if;

  select coalesce(sum(p.amount_points) filter (where p.status = 'paid'), 0),
         coalesce(sum(p.amount_points) filter (where p.status in ('requested', 'approved')), 0)
  into paid_out, pending
  from public.payouts as p where p.creator_id = p_creator_id;
  select coalesce((select w.balance from public.wallets as w where w.user_id = p_creator_id), 0) into balance;
  select coalesce(sum(u.creator_share), 0) into unsettled
  from public.usages as u where u.creator_id = p_creator_id and u.settled_at is null and u.status = 'completed';

  select jsonb_build_object(
    'usages', count(*),
    'refunded_usages', count(*) filter (where u.status = 'refunded'),
    'points_earned', coalesce(sum(u.creator_share) filter (where u.status = 'completed'), 0),
    'points_paid_out', paid_out,
    'points_pending_payout', pending,
    'points_available', balance + unsettled)
  into totals
  from public.usages as u where u.creator_id = p_creator_id;

  select jsonb_build_object(
    'usages', count(*),
    'points_earned', coalesce(sum(u.creator_share) filter (where u.status = 'completed'), 0))
  into in_range
  from public.usages as u
  where u.creator_id = p_creator_id and u.created_at >= range_from and u.created_at < range_to + 1;

  select coalesce(jsonb_agg(jsonb_build_object('tool_id', t.id, 'name', t.name, 'usages', coalesce(s.usages, 0),
           'points_earned', coalesce(s.points, 0)) order by coalesce(s.points, 0) desc, t.name), '[]')
  into per_tool
  from public.tools as t
  left join (
    select u.tool_id, count(*) as usages, sum(u.creator_share) filter (where u.status = 'completed') as points
    from public.usages as u
    where u.creator_id = p_creator_id and u.created_at >= range_from and u.created_at < range_to + 1
    group by u.tool_id
  ) as s on s.tool_id = t.id
  where t.creator_id = p_creator_id;

  select jsonb_agg(jsonb_build_object('day', d.day, 'usages', coalesce(s.usages, 0), 'points_earned', coalesce(s.points, 0)) order by d.day)
  into per_day
  from (select generate_series(range_from, range_to, interval '1 day')::date as day) as d
  left join (
    select (u.created_at at time zone 'utc')::date as day, count(*) as usages,
           sum(u.creator_share) filter (where u.status = 'completed') as points
    from public.usages as u
    where u.creator_id = p_creator_id and u.created_at >= range_from and u.created_at < range_to + 1
    group by 1
  ) as s on s.day = d.day;

  return jsonb_build_object(
    'creator_id', p_creator_id,
    'from', range_from,
    'to', range_to,
    'totals', totals,
    'in_range', in_range,
    'per_tool', per_tool,
    'per_day', per_day);
end;
$$;
comment on function private.revenue_stats(uuid, date, date) is
  'A creator''s revenue: totals (usages, refunded usages, points earned net of refunds, paid out, pending payout, available = what a payout request can take now) and, over [from, to] (UTC days, default the last 30, at most 367), usages and points per tool and per day.';
revoke execute on function private.revenue_stats(uuid, date, date) from public, anon, authenticated;

-- ============================================================================================
-- Row-level security
-- ============================================================================================
alter table public.payouts enable row level security;

revoke all on public.payouts from anon, authenticated, service_role;
grant select on public.payouts to authenticated, service_role;

create policy "Payouts are visible to their creator and to admins" on public.payouts
  for select to authenticated
  using (creator_id = (select auth.uid()) or (select private.is_admin()));

-- ============================================================================================
-- API functions
-- ============================================================================================
create function private.revenue_stats_for_caller(p_from date, p_to date, p_creator_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
begin
  if me is null then
    perform private.raise_marketplace_error(401, 'unauthorized', 'Sign in to see revenue.');
  end if;
  if p_creator_id is not null and p_creator_id <> me and not (select private.is_admin()) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only admins see other creators'' revenue.');
  end if;
  return private.revenue_stats(coalesce(p_creator_id, me), p_from, p_to);
end;
$$;
comment on function private.revenue_stats_for_caller(date, date, uuid) is 'Implements public.revenue_stats.';
revoke execute on function private.revenue_stats_for_caller(date, date, uuid) from public, anon;
grant execute on function private.revenue_stats_for_caller(date, date, uuid) to authenticated;

create function public.revenue_stats(from_date date default null, to_date date default null, creator_id uuid default null)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.revenue_stats_for_caller(from_date, to_date, creator_id);
$$;
comment on function public.revenue_stats(date, date, uuid) is
  'The caller''s revenue as a tool creator (admins: any creator''s, by creator_id): totals, and per tool and per day over [from_date, to_date] (UTC dates, default the last 30 days, at most 367 days). 400 invalid_range, 403 forbidden.';
revoke execute on function public.revenue_stats(date, date, uuid) from public, anon;
grant execute on function public.revenue_stats(date, date, uuid) to authenticated;

create function private.revenue_stats_with_api_key(p_key text, p_from date, p_to date)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  return private.revenue_stats(private.creator_for_api_key(p_key), p_from, p_to);
end;
$$;
comment on function private.revenue_stats_with_api_key(text, date, date) is 'For the creator-api function: the key owner''s revenue stats; 401 for a bad key.';
revoke execute on function private.revenue_stats_with_api_key(text, date, date) from public, anon, authenticated;

create function private.request_payout(p_amount integer, p_idempotency_key text)
returns public.payouts
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  requested public.payouts;
  available integer;
  failure text;
begin
  if me is null or not (select private.caller_has_platform_role('tool_creator')) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only tool creators request payouts.');
  end if;
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An idempotency key of 1 to 200 characters is required.');
  end if;
  select * into requested from public.payouts as p where p.creator_id = me and p.idempotency_key = p_idempotency_key;
  if found then
    if requested.amount_points <> p_amount then
      perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This idempotency key was used for another payout.');
    end if;
    return requested;
  end if;
  if p_amount is null or p_amount not between 1 and 1000000000 then
    perform private.raise_marketplace_error(400, 'invalid_amount', 'Request a positive whole number of points.');
  end if;

  insert into public.payouts (creator_id, amount_points, idempotency_key)
  values (me, p_amount, p_idempotency_key)
  on conflict (creator_id, idempotency_key) do nothing
  returning * into requested;
  if not found then
    select * into requested from public.payouts as p where p.creator_id = me and p.idempotency_key = p_idempotency_key;
    return requested;
  end if;

  perform private.settle_earnings(me);
  begin
    perform private.post_wallet_entry(me, -p_amount, 'payout', 'payout', requested.id, me, null, p_idempotency_key);
  exception when sqlstate 'PGRST' then
    get stacked diagnostics failure = message_text;
    if private.marketplace_error_code(failure) is distinct from 'insufficient_points' then
      raise;
    end if;
    select coalesce((select w.balance from public.wallets as w where w.user_id = me), 0) into available;
    perform private.raise_marketplace_error(422, 'payout_exceeds_available',
      format('You asked for %s points; %s are available.', p_amount, available));
  end;
  return requested;
end;
$$;
comment on function private.request_payout(integer, text) is 'Implements public.request_payout for the signed-in creator.';
revoke execute on function private.request_payout(integer, text) from public, anon;
grant execute on function private.request_payout(integer, text) to authenticated;

create function public.request_payout(amount integer, idempotency_key text)
returns public.payouts
language sql
set search_path = ''
as $$
  select * from private.request_payout(amount, idempotency_key);
$$;
comment on function public.request_payout(integer, text) is
  'Tool creators only: asks to be paid `amount` points of their available earnings, which are held at once. 422 payout_exceeds_available (nothing written), 400 invalid_amount, 403 forbidden, 422 idempotency_key_reused; a retry with the same key returns the first payout.';
revoke execute on function public.request_payout(integer, text) from public, anon;
grant execute on function public.request_payout(integer, text) to authenticated;

create function private.decide_payout(p_payout_id uuid, p_decision text, p_reason text default null)
returns public.payouts
language plpgsql
security definer
set search_path = ''
as $$
declare
  admin_id uuid := (select auth.uid());
  from_status public.payout_status[];
  to_status public.payout_status;
  decided public.payouts;
  current_status public.payout_status;
  reason text := nullif(btrim(p_reason), '');
begin
  if admin_id is null or not (select private.is_admin()) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only admins decide payouts.');
  end if;
  case p_decision
    when 'approve' then from_status := '{requested}'; to_status := 'approved';
    when 'reject' then from_status := '{requested,approved}'; to_status := 'rejected';
    when 'mark_paid' then from_status := '{requested,approved}'; to_status := 'paid';
    else perform private.raise_marketplace_error(400, 'invalid_decision', 'Decide approve, reject or mark_paid.');
  end case;
  if to_status = 'rejected' and reason is null then
    perform private.raise_marketplace_error(400, 'reason_required', 'Say why the payout is rejected.');
  end if;
  if char_length(reason) > 1000 then
    perform private.raise_marketplace_error(400, 'reason_too_long', 'Keep the reason under 1,000 characters.');
  end if;

  update public.payouts as p
  set status = to_status, decided_by = admin_id, decided_at = now(),
      decision_reason = coalesce(reason, p.decision_reason),
      paid_at = case when to_status = 'paid' then now() else p.paid_at end
  where p.id = p_payout_id and p.status = any (from_status)
  returning * into decided;
  if not found then
    select p.status into current_status from public.payouts as p where p.id = p_payout_id;
    if not found then
      perform private.raise_marketplace_error(404, 'payout_not_found', 'There is no such payout.');
    end if;
    if current_status = to_status then
      select * into decided from public.payouts as p where p.id = p_payout_id;
      return decided; -- the same decision again: a retry gets the same answer
    end if;
    perform private.raise_marketplace_error(409, 'invalid_status', format('Cannot %s a %s payout.', p_decision, current_status));
  end if;
  if to_status = 'rejected' then
    perform private.post_wallet_entry(decided.creator_id, decided.amount_points, 'payout', 'payout', decided.id, admin_id, reason, null);
  end if;
  return decided;
end;
$$;
comment on function private.decide_payout(uuid, text, text) is 'Implements public.decide_payout for admins.';
revoke execute on function private.decide_payout(uuid, text, text) from public, anon;
grant execute on function private.decide_payout(uuid, text, text) to authenticated;

create function public.decide_payout(payout_id uuid, decision text, reason text default null)
returns public.payouts
language sql
set search_path = ''
as $$
  select * from private.decide_payout(payout_id, decision, reason);
$$;
comment on function public.decide_payout(uuid, text, text) is
  'Admins only: approve a requested payout, reject a requested or approved one (reason required; the points return to the creator''s wallet in the same transaction), or mark it paid. 403 forbidden, 404 payout_not_found, 409 invalid_status; the same decision twice returns the payout unchanged.';
revoke execute on function public.decide_payout(uuid, text, text) from public, anon;
grant execute on function public.decide_payout(uuid, text, text) to authenticated;
