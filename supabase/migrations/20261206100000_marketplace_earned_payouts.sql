-- Payouts only from settled earnings. A wallet holds points of two origins: bought, credited by an
-- admin, from a voucher or a refund (spendable, never payable), and a creator's settled earnings
-- (spendable and payable). The wallet now tracks the second part exactly, next to the balance:
--
--   wallets.earnings_balance = settled earnings not yet paid out, spent or reversed; 0 ≤ it ≤ balance.
--
-- Who moves it (all in the statement that moves the balance, so both change atomically):
-- - settle_earnings() credits each usage's share to both;
-- - a payout request takes from both, with one conditional update (balance and earnings_balance ≥
--   amount); a rejected payout returns to both;
-- - a refund approved after settlement takes the creator's share back from both;
-- - every other debit (spending on tools, debts of refunded or disputed top-ups, admin deductions)
--   takes purchased points first and earnings only once the balance falls below them:
--   earnings_balance := least(earnings_balance, new balance). So a later top-up or credit can never
--   make spent earnings payable again, and a reversed top-up that was spent is paid from earnings.
-- Open points debts (top-ups refunded or disputed after their points were spent) are collected from
-- earnings as soon as they are settled, and before any payout.

-- ============================================================================================
-- Tables
-- ============================================================================================
alter table public.wallets add column earnings_balance integer not null default 0;
comment on column public.wallets.earnings_balance is
  'The part of the balance that is a creator''s settled earnings not yet paid out, spent or reversed: the most a payout request can take. Never negative, never above the balance. Purchased, credited and voucher points never count.';

-- One CHECK for both (an UPDATE prepares each CHECK expression again; one expression keeps spending cheap).
alter table public.wallets
  drop constraint wallets_balance_not_negative,
  add constraint wallets_balance_not_negative check (balance >= 0 and earnings_balance between 0 and balance);

-- Existing wallets: the net of earnings, payouts and reversed shares, capped by the balance.
update public.wallets as w
set earnings_balance = least(w.balance, greatest(0, e.net))
from (
  select l.user_id, sum(l.amount)::integer as net
  from public.wallet_ledger as l
  where l.kind in ('earning', 'payout') or (l.kind = 'refund' and l.reference_type = 'refund' and l.amount < 0)
  group by l.user_id
) as e
where w.user_id = e.user_id;

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
  -- Entries that move earnings as such: an earning, a payout (held or returned), a creator's share
  -- reversed by an approved refund. Every other debit only caps earnings at the new balance.
  moves_earnings boolean := p_kind in ('earning', 'payout') or (p_kind = 'refund' and p_reference_type = 'refund' and p_amount < 0);
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
    insert into public.wallets as w (user_id, balance, earnings_balance)
    values (p_user_id, p_amount, case when moves_earnings then p_amount else 0 end)
    on conflict (user_id) do update
      set balance = w.balance + excluded.balance, earnings_balance = w.earnings_balance + excluded.earnings_balance, updated_at = now()
    returning w.balance into new_balance;
  else
    -- A payout takes earnings only (both must cover it); a reversed share takes its earnings back
    -- (as far as they are left); anything else takes purchased points first.
    update public.wallets as w
    set balance = w.balance + p_amount,
        earnings_balance = least(case when moves_earnings then greatest(w.earnings_balance + p_amount, 0) else w.earnings_balance end,
                                 w.balance + p_amount),
        updated_at = now()
    where w.user_id = p_user_id and w.balance >= -p_amount and (p_kind <> 'payout' or w.earnings_balance >= -p_amount)
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
  'Changes a balance and appends its ledger entry, atomically. Credits (+) upsert the wallet; debits (−) are one conditional update (balance >= amount) and raise 422 insufficient_points otherwise, writing nothing. Keeps wallets.earnings_balance: earnings and returned payouts add to it, a payout needs and takes it (insufficient_points otherwise), a reversed share (refund of kind refund) takes it back, any other debit caps it at the new balance. Refuses a malformed entry (sign against kind, adjustment without reason, bad reference type, empty strings) with 23514. For privileged SQL only; never exposed.';

-- Credits a creator's settled shares to the balance and to earnings, then collects open points debts.
create or replace function private.settle_earnings(p_creator_id uuid)
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
    update public.wallets as w
    set balance = w.balance + total.points, earnings_balance = w.earnings_balance + total.points, updated_at = now()
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

  -- A debt of a refunded or disputed top-up whose points were spent is paid from these earnings.
  if exists (select 1 from public.points_debts as d where d.user_id = p_creator_id and d.settled_at is null) then
    perform private.settle_points_debts(p_creator_id);
  end if;
  return settled_count;
end;
$$;
comment on function private.settle_earnings(uuid) is
  'Credits a creator''s wallet (balance and earnings_balance) with the shares of their unsettled, completed usages (one earning ledger entry each, one balance update for the batch), adds them to the tools'' usage_count, then collects the creator''s open points debts from the wallet. Returns how many usages it settled.';

-- Admins settling a user's debts: pending earnings first, so the debt is paid from them too.
create or replace function private.settle_points_debts_as_admin(user_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.is_admin() then
    perform private.payments_raise('forbidden', 403, 'Only admins settle points debts');
  end if;
  perform private.settle_earnings(settle_points_debts_as_admin.user_id);
  return private.settle_points_debts(settle_points_debts_as_admin.user_id);
end;
$$;
comment on function private.settle_points_debts_as_admin(uuid) is
  'Implementation of public.settle_points_debts: credits the user''s pending earnings, then settles open debts from the wallet (purchased points first, then earnings).';

-- ============================================================================================
-- API functions
-- ============================================================================================
create or replace function private.request_payout(p_amount integer, p_idempotency_key text)
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

  -- Pending earnings become payable; open debts are paid from them first.
  perform private.settle_earnings(me);
  perform private.settle_points_debts(me);
  begin
    -- Takes earnings only: one conditional update of balance and earnings_balance.
    perform private.post_wallet_entry(me, -p_amount, 'payout', 'payout', requested.id, me, null, p_idempotency_key);
  exception when sqlstate 'PGRST' then
    get stacked diagnostics failure = message_text;
    if private.marketplace_error_code(failure) is distinct from 'insufficient_points' then
      raise;
    end if;
    select coalesce((select least(w.earnings_balance, w.balance) from public.wallets as w where w.user_id = me), 0) into available;
    perform private.raise_marketplace_error(422, 'payout_exceeds_available',
      format('You asked for %s points; %s of your earnings are available (purchased or credited points are never paid out).', p_amount, available));
  end;
  return requested;
end;
$$;
comment on function private.request_payout(integer, text) is 'Implements public.request_payout for the signed-in creator: bounded by settled earnings not yet paid out (wallets.earnings_balance), after collecting open points debts.';

comment on function public.request_payout(integer, text) is
  'Tool creators only: asks to be paid `amount` points of their settled earnings not yet paid out, spent or reversed, which are held at once (purchased, credited and voucher points are never paid out; open points debts are collected first). 422 payout_exceeds_available (nothing written), 400 invalid_amount, 403 forbidden, 422 idempotency_key_reused; a retry with the same key returns the first payout.';

-- No feedback on one's own tool (self-use is refused too; this covers usages from before).
create or replace function private.submit_feedback(p_usage_id uuid, p_rating integer, p_review text)
returns public.feedback
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  used public.usages;
  submitted public.feedback;
  review text := nullif(btrim(p_review), '');
begin
  if me is null then
    perform private.raise_marketplace_error(401, 'unauthorized', 'Sign in to rate a tool.');
  end if;
  if p_rating is null or p_rating not between 1 and 5 then
    perform private.raise_marketplace_error(400, 'invalid_rating', 'Rate from 1 to 5.');
  end if;
  if char_length(review) > 2000 then
    perform private.raise_marketplace_error(400, 'review_too_long', 'Keep the review under 2,000 characters.');
  end if;
  select * into used from public.usages as u where u.id = p_usage_id and u.client_id = me;
  if not found then
    perform private.raise_marketplace_error(404, 'usage_not_found', 'You can rate a tool only for one of your usages.');
  end if;
  if used.creator_id = me or exists (select 1 from public.tools as t where t.id = used.tool_id and t.creator_id = me) then
    perform private.raise_marketplace_error(403, 'own_tool', 'You cannot rate your own tool.');
  end if;
  insert into public.feedback (usage_id, tool_id, client_id, rating, review)
  values (used.id, used.tool_id, me, p_rating, review)
  on conflict (usage_id) do nothing
  returning * into submitted;
  if not found then
    perform private.raise_marketplace_error(409, 'feedback_exists', 'You already rated this usage.');
  end if;
  return submitted;
end;
$$;
comment on function public.submit_feedback(uuid, integer, text) is
  'The client rates (1–5) and optionally reviews (≤ 2,000 characters) the tool of one of their usages, once per usage; never one''s own tool. 400 invalid_rating / review_too_long, 403 own_tool, 404 usage_not_found (not yours or none), 409 feedback_exists.';

-- Revenue: what a payout request can take now = earnings (settled and pending) left after open debts.
create or replace function private.revenue_stats(p_creator_id uuid, p_from date, p_to date)
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
  earnings bigint;
  unsettled bigint;
  debt bigint;
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
  select coalesce(w.balance, 0), coalesce(w.earnings_balance, 0) into balance, earnings
  from (select 1) as one left join public.wallets as w on w.user_id = p_creator_id;
  select coalesce(sum(u.creator_share), 0) into unsettled
  from public.usages as u where u.creator_id = p_creator_id and u.settled_at is null and u.status = 'completed';
  select coalesce(sum(d.points - d.settled_points), 0) into debt
  from public.points_debts as d where d.user_id = p_creator_id and d.settled_at is null;

  select jsonb_build_object(
    'usages', count(*),
    'refunded_usages', count(*) filter (where u.status = 'refunded'),
    'points_earned', coalesce(sum(u.creator_share) filter (where u.status = 'completed'), 0),
    'points_paid_out', paid_out,
    'points_pending_payout', pending,
    -- After settling: balance + unsettled, minus the debt collected from it (purchased points first).
    'points_available', least(earnings + unsettled, balance + unsettled - least(debt, balance + unsettled)))
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
  'A creator''s revenue: totals (usages, refunded usages, points earned net of refunds, paid out, pending payout, available = what a payout request can take now: settled and pending earnings not yet paid out, spent or reversed, after open points debts) and, over [from, to] (UTC days, default the last 30, at most 367), usages and points per tool and per day.';
