-- Refunds: a client asks for a usage to be refunded, with a reason; an admin approves (the points go
-- back to the client and the creator's share is reversed, in one transaction) or rejects.
--
-- The reversal depends on settlement: a share not yet credited to the creator's wallet is simply
-- never credited (the usage is refunded); a credited one is debited back with one conditional update,
-- after crediting the creator's other pending earnings. If the creator has already been paid it out, approval fails with 422 creator_balance_insufficient
-- and nothing is written — an admin decides (reject, or adjust the creator's wallet first).

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.refund_status as enum ('requested', 'approved', 'rejected');
comment on type public.refund_status is 'requested → approved (points returned) | rejected (with a note). One refund request per usage.';

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.refunds (
  id uuid primary key default gen_random_uuid(),
  usage_id uuid not null unique references public.usages (id) on delete restrict,
  client_id uuid not null references auth.users (id) on delete restrict,
  creator_id uuid not null references auth.users (id) on delete restrict,
  tool_id uuid not null references public.tools (id) on delete restrict,
  points integer not null constraint refunds_points_positive check (points > 0),
  reason text not null constraint refunds_reason_length check (char_length(btrim(reason)) between 3 and 1000),
  status public.refund_status not null default 'requested',
  decided_by uuid references auth.users (id) on delete set null,
  decided_at timestamptz,
  decision_note text constraint refunds_decision_note_length check (char_length(decision_note) <= 1000),
  idempotency_key text not null constraint refunds_idempotency_key_length check (char_length(idempotency_key) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint refunds_note_when_rejected check (status <> 'rejected' or decision_note is not null)
);
comment on table public.refunds is
  'A client''s request to refund one usage (once per usage), and an admin''s decision. Visible to the client, the tool''s creator and admins. Written through request_refund and decide_refund.';
comment on column public.refunds.points is 'What the client gets back: the points charged for the usage.';

create unique index refunds_client_id_idempotency_key_idx on public.refunds (client_id, idempotency_key);
create index refunds_creator_id_idx on public.refunds (creator_id);
create index refunds_tool_id_idx on public.refunds (tool_id);
create index refunds_status_created_at_idx on public.refunds (status, created_at);
create index refunds_decided_by_idx on public.refunds (decided_by);

-- ============================================================================================
-- Triggers
-- ============================================================================================
create trigger refunds_touch_updated_at before update on public.refunds
  for each row execute function private.touch_updated_at();

-- ============================================================================================
-- Row-level security
-- ============================================================================================
alter table public.refunds enable row level security;

revoke all on public.refunds from anon, authenticated, service_role;
grant select on public.refunds to authenticated, service_role;

create policy "Refunds are visible to their client, the tool's creator and admins" on public.refunds
  for select to authenticated
  using (client_id = (select auth.uid()) or creator_id = (select auth.uid()) or (select private.is_admin()));

-- ============================================================================================
-- API functions
-- ============================================================================================
create function private.request_refund(p_usage_id uuid, p_reason text, p_idempotency_key text)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  used public.usages;
  requested public.refunds;
  reason text := btrim(p_reason);
begin
  if me is null then
    perform private.raise_marketplace_error(401, 'unauthorized', 'Sign in to ask for a refund.');
  end if;
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An idempotency key of 1 to 200 characters is required.');
  end if;
  select * into requested from public.refunds as r where r.client_id = me and r.idempotency_key = p_idempotency_key;
  if found then
    if requested.usage_id <> p_usage_id then
      perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This idempotency key was used for another refund.');
    end if;
    return requested;
  end if;
  if char_length(coalesce(reason, '')) not between 3 and 1000 then
    perform private.raise_marketplace_error(400, 'reason_required', 'Say why, in 3 to 1,000 characters.');
  end if;
  select * into used from public.usages as u where u.id = p_usage_id and u.client_id = me;
  if not found then
    perform private.raise_marketplace_error(404, 'usage_not_found', 'You can ask for a refund only of one of your usages.');
  end if;
  if used.status = 'refunded' then
    perform private.raise_marketplace_error(409, 'already_refunded', 'This usage was already refunded.');
  end if;
  insert into public.refunds (usage_id, client_id, creator_id, tool_id, points, reason, idempotency_key)
  values (used.id, me, used.creator_id, used.tool_id, used.points_charged, reason, p_idempotency_key)
  on conflict do nothing
  returning * into requested;
  if not found then
    select * into requested from public.refunds as r where r.client_id = me and r.idempotency_key = p_idempotency_key;
    if found and requested.usage_id = p_usage_id then
      return requested; -- the same request, committed by a concurrent retry
    end if;
    perform private.raise_marketplace_error(409, 'refund_exists', 'A refund was already requested for this usage.');
  end if;
  return requested;
end;
$$;
comment on function private.request_refund(uuid, text, text) is 'Implements public.request_refund for the signed-in client.';
revoke execute on function private.request_refund(uuid, text, text) from public, anon;
grant execute on function private.request_refund(uuid, text, text) to authenticated;

create function public.request_refund(usage_id uuid, reason text, idempotency_key text)
returns public.refunds
language sql
set search_path = ''
as $$
  select * from private.request_refund(usage_id, reason, idempotency_key);
$$;
comment on function public.request_refund(uuid, text, text) is
  'The client asks for one of their usages to be refunded, with a reason (3–1,000 characters). 404 usage_not_found (not yours or none), 409 refund_exists / already_refunded, 422 idempotency_key_reused, 400 reason_required; a retry with the same key returns the first request.';
revoke execute on function public.request_refund(uuid, text, text) from public, anon;
grant execute on function public.request_refund(uuid, text, text) to authenticated;

create function private.decide_refund(p_refund_id uuid, p_decision text, p_note text default null)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
  admin_id uuid := (select auth.uid());
  decided public.refunds;
  current_status public.refund_status;
  to_status public.refund_status;
  reversed public.usages;
  note text := nullif(btrim(p_note), '');
  failure text;
begin
  if admin_id is null or not (select private.is_admin()) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only admins decide refunds.');
  end if;
  case p_decision
    when 'approve' then to_status := 'approved';
    when 'reject' then to_status := 'rejected';
    else perform private.raise_marketplace_error(400, 'invalid_decision', 'Decide approve or reject.');
  end case;
  if to_status = 'rejected' and note is null then
    perform private.raise_marketplace_error(400, 'note_required', 'Say why the refund is rejected.');
  end if;
  if char_length(note) > 1000 then
    perform private.raise_marketplace_error(400, 'note_too_long', 'Keep the note under 1,000 characters.');
  end if;

  update public.refunds as r
  set status = to_status, decided_by = admin_id, decided_at = now(), decision_note = note
  where r.id = p_refund_id and r.status = 'requested'
  returning * into decided;
  if not found then
    select r.status into current_status from public.refunds as r where r.id = p_refund_id;
    if not found then
      perform private.raise_marketplace_error(404, 'refund_not_found', 'There is no such refund request.');
    end if;
    if current_status = to_status then
      select * into decided from public.refunds as r where r.id = p_refund_id;
      return decided; -- the same decision again: a retry gets the same answer
    end if;
    perform private.raise_marketplace_error(409, 'invalid_status', format('This refund was already %s.', current_status));
  end if;
  if to_status = 'rejected' then
    return decided;
  end if;

  -- Locks the usage: a settlement running now either credited it already (settled_at is set) or
  -- skips it and never will (it is refunded).
  update public.usages as u set status = 'refunded', refunded_at = now()
  where u.id = decided.usage_id and u.status = 'completed'
  returning * into reversed;
  if not found then
    perform private.raise_marketplace_error(409, 'already_refunded', 'This usage was already refunded.');
  end if;
  perform private.post_wallet_entry(decided.client_id, decided.points, 'refund', 'refund', decided.id, admin_id, note, null);
  if reversed.settled_at is not null and reversed.creator_share > 0 then
    -- The creator's pending earnings are theirs too: credit them before taking the share back.
    perform private.settle_earnings(decided.creator_id);
    begin
      perform private.post_wallet_entry(decided.creator_id, -reversed.creator_share, 'refund', 'refund', decided.id, admin_id, note, null);
    exception when sqlstate 'PGRST' then
      get stacked diagnostics failure = message_text;
      if private.marketplace_error_code(failure) is distinct from 'insufficient_points' then
        raise;
      end if;
      perform private.raise_marketplace_error(422, 'creator_balance_insufficient',
        format('The creator''s wallet no longer holds the %s points to reverse (already paid out?).', reversed.creator_share));
    end;
  end if;
  return decided;
end;
$$;
comment on function private.decide_refund(uuid, text, text) is 'Implements public.decide_refund for admins.';
revoke execute on function private.decide_refund(uuid, text, text) from public, anon;
grant execute on function private.decide_refund(uuid, text, text) to authenticated;

create function public.decide_refund(refund_id uuid, decision text, note text default null)
returns public.refunds
language sql
set search_path = ''
as $$
  select * from private.decide_refund(refund_id, decision, note);
$$;
comment on function public.decide_refund(uuid, text, text) is
  'Admins only: approve a refund request (in one transaction: the usage becomes refunded, the client gets the points back, the creator''s share is reversed) or reject it (note required). 403 forbidden, 404 refund_not_found, 409 invalid_status, 422 creator_balance_insufficient (nothing written); the same decision twice returns the refund unchanged.';
revoke execute on function public.decide_refund(uuid, text, text) from public, anon;
grant execute on function public.decide_refund(uuid, text, text) to authenticated;
