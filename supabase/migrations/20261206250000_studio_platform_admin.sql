-- Admins in Supabase Studio: the SQL editor acts as "the platform".
--
-- Studio's SQL editor (and psql, pg_cron, the Edge Functions' own direct connection) runs as `postgres`
-- without a request token. Those sessions are the platform itself: they already bypass RLS and own the
-- tables, so refusing them the admin functions ("Only admins decide payouts.") only pushed admins to edit
-- rows by hand, past the workflows. They now pass every admin check, and the audit log records them with
-- actor_role 'platform' (actor_id null). A session that carries request claims (PostgREST, the
-- functions' as-caller transactions, Studio's "impersonate role") is judged by its token as before.
--
-- A status edit in the Table Editor is refused with a message naming the function to call (payouts,
-- refunds, usages, payments, vouchers and points debts since 20261206110200_integrity_workflow_guards;
-- here: accounts, tools and tool revisions).

-- ============================================================================================
-- Helper functions
-- ============================================================================================

/**
 * True when the current session is the platform: a privileged database login (`postgres`, or
 * `supabase_admin` on hosted) with no API request claims. Never true for a PostgREST request, whose
 * session user is `authenticator`, nor for a transaction that set `request.jwt.claims`.
 */
create function private.is_platform()
returns boolean
language sql
stable
set search_path = ''
as $$
  select session_user::text in ('postgres', 'supabase_admin')
     and nullif(current_setting('request.jwt.claims', true), '') is null
     and nullif(current_setting('request.jwt.claim.sub', true), '') is null
     and nullif(current_setting('request.jwt.claim.role', true), '') is null;
$$;
comment on function private.is_platform() is
  'Whether the session is the platform itself (postgres/supabase_admin in the SQL editor, psql, pg_cron, a function''s own connection) and not an API request: such sessions pass the admin checks and are audited as "platform".';
revoke execute on function private.is_platform() from public, anon, authenticated;

create or replace function private.is_admin()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.is_active_admin((select auth.uid())) or private.is_platform();
$$;
comment on function private.is_admin() is
  'Whether the requesting user is an active platform admin (database check), or the session is the platform itself (private.is_platform: the SQL editor as postgres).';

/** Appends one audit entry: the requesting user, else "platform" for the SQL editor, else the database role. */
create or replace function private.write_audit(p_action text, p_target_type text, p_target_id text, p_before jsonb, p_after jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.audit_log (actor_id, actor_role, action, target_type, target_id, before, after)
  values ((select auth.uid()),
          case when private.is_platform() then 'platform' else coalesce(nullif(auth.role(), ''), session_user::text) end,
          p_action, p_target_type, p_target_id, p_before, p_after);
end;
$$;
comment on column public.audit_log.actor_role is
  'The API role of the request (authenticated, service_role); "platform" for the SQL editor, psql, pg_cron and the functions'' own connection (postgres without a request token); else the database role that made the change (e.g. supabase_auth_admin).';

-- ============================================================================================
-- Admin functions: the admin check is private.is_admin(), which the platform passes. The acting admin
-- (decided_by, reviewed_by, the ledger's actor) is null for the platform, as for a scheduled job.
-- Bodies unchanged otherwise; admin_adjust_points matches its idempotency key for a null actor too.
-- ============================================================================================
create or replace function private.review_account(target_account uuid, decision text, reason text DEFAULT NULL::text)
returns public.accounts
language plpgsql
security definer
set search_path = ''
as $$
declare
  reviewer uuid := (select auth.uid());
  from_status public.account_status;
  to_status public.account_status;
  current_status public.account_status;
  reviewed public.accounts;
begin
  if not (select private.is_admin()) then
    perform private.refuse(403, 'forbidden', 'Only platform admins review business accounts');
  end if;
  case decision
    when 'approve' then from_status := 'pending'; to_status := 'active';
    when 'reject' then from_status := 'pending'; to_status := 'rejected';
    when 'suspend' then from_status := 'active'; to_status := 'suspended';
    when 'reactivate' then from_status := 'suspended'; to_status := 'active';
    else perform private.refuse(400, 'validation_failed', format('Unknown decision "%s"', decision), 'decision');
  end case;
  if to_status in ('rejected', 'suspended') and coalesce(btrim(reason), '') = '' then
    perform private.refuse(400, 'validation_failed', format('A reason is required to %s an account', decision), 'reason');
  end if;
  update public.accounts a
  set status = to_status, reviewed_by = reviewer, reviewed_at = now(), review_reason = nullif(btrim(reason), '')
  where a.id = target_account and a.status = from_status
  returning * into reviewed;
  if not found then
    select a.status into current_status from public.accounts a where a.id = target_account;
    if not found then
      perform private.refuse(404, 'not_found', 'No such account');
    end if;
    perform private.refuse(409, 'invalid_transition', format('Cannot %s an account that is %s', decision, current_status), current_status::text);
  end if;
  return reviewed;
end;
$$
;

create or replace function private.create_business_for_owner(owner_id uuid, business_name text, business_slug text DEFAULT NULL::text, contact_name text DEFAULT NULL::text, contact_email text DEFAULT NULL::text, contact_phone text DEFAULT NULL::text)
returns public.accounts
language plpgsql
security definer
set search_path = ''
as $$
declare
  admin_id uuid := (select auth.uid());
  owner_email text;
  owner_name text;
begin
  if not (select private.is_admin()) then
    perform private.refuse(403, 'forbidden', 'Only platform admins create businesses for someone else');
  end if;
  select u.email, private.user_display_name(u.raw_user_meta_data)
    into owner_email, owner_name
  from auth.users u where u.id = owner_id;
  if not found then
    perform private.refuse(404, 'not_found', 'No such user', 'owner_id');
  end if;
  if exists (select 1 from public.account_members m where m.user_id = owner_id) then
    perform private.refuse(409, 'already_member', 'This user already belongs to a business', 'owner_id');
  end if;
  return private.insert_business(owner_id, owner_email, owner_name, business_name, business_slug,
                                 contact_name, contact_email, contact_phone, admin_id, 'active', admin_id);
end;
$$
;

create or replace function private.admin_adjust_points(p_user_id uuid, p_amount integer, p_reason text, p_idempotency_key text)
returns public.wallet_ledger
language plpgsql
security definer
set search_path = ''
as $$
declare
  admin_id uuid := (select auth.uid());
  first public.wallet_ledger;
begin
  if not (select private.is_admin()) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only admins adjust wallets.');
  end if;
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An idempotency key of 1 to 200 characters is required.');
  end if;
  select * into first from public.wallet_ledger as l
  where l.actor_id is not distinct from admin_id and l.idempotency_key = p_idempotency_key and l.kind = 'admin_adjustment';
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
    where l.actor_id is not distinct from admin_id and l.idempotency_key = p_idempotency_key and l.kind = 'admin_adjustment';
    return first;
end;
$$
;

create or replace function private.review_tool(p_tool_id uuid, p_decision text, p_note text DEFAULT NULL::text)
returns public.tools
language plpgsql
security definer
set search_path = ''
as $$
declare
  from_status public.tool_status[];
  to_status public.tool_status;
  reviewed public.tools;
  current_status public.tool_status;
  note text := nullif(btrim(p_note), '');
begin
  if not (select private.is_admin()) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only admins review tools.');
  end if;
  case p_decision
    when 'approve' then from_status := '{pending_review}'; to_status := 'approved';
    when 'reject' then from_status := '{pending_review}'; to_status := 'rejected';
    when 'suspend' then from_status := '{approved}'; to_status := 'suspended';
    when 'reinstate' then from_status := '{suspended}'; to_status := 'approved';
    else perform private.raise_marketplace_error(400, 'invalid_decision', 'Decide approve, reject, suspend or reinstate.');
  end case;
  if to_status in ('rejected', 'suspended') and note is null then
    perform private.raise_marketplace_error(400, 'note_required', format('Say why the tool is %s.', to_status));
  end if;
  if char_length(note) > 1000 then
    perform private.raise_marketplace_error(400, 'note_too_long', 'Keep the note under 1,000 characters.');
  end if;
  update public.tools as t
  set status = to_status, reviewed_by = (select auth.uid()), reviewed_at = now(), review_note = note
  where t.id = p_tool_id and t.status = any (from_status)
  returning * into reviewed;
  if found then
    return reviewed;
  end if;
  select t.status into current_status from public.tools as t where t.id = p_tool_id;
  if not found then
    perform private.raise_marketplace_error(404, 'tool_not_found', 'There is no such tool.');
  end if;
  if current_status = to_status then
    select * into reviewed from public.tools as t where t.id = p_tool_id;
    return reviewed; -- the same decision again: a retry gets the same answer
  end if;
  perform private.raise_marketplace_error(409, 'invalid_status', format('Cannot %s a %s tool.', p_decision, current_status));
  return null;
end;
$$
;

create or replace function private.decide_payout(p_payout_id uuid, p_decision text, p_reason text DEFAULT NULL::text)
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
  if not (select private.is_admin()) then
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
$$
;

create or replace function private.decide_refund(p_refund_id uuid, p_decision text, p_note text DEFAULT NULL::text)
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
  if not (select private.is_admin()) then
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
$$
;

create or replace function private.review_tool_revision(p_revision_id uuid, p_decision text, p_note text DEFAULT NULL::text)
returns public.tool_revisions
language plpgsql
security definer
set search_path = ''
as $$
declare
  admin_id uuid := (select auth.uid());
  to_status public.tool_revision_status;
  decided public.tool_revisions;
  current_status public.tool_revision_status;
  note text := nullif(btrim(p_note), '');
begin
  if not (select private.is_admin()) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only admins review tool changes.');
  end if;
  case p_decision
    when 'approve' then to_status := 'approved';
    when 'reject' then to_status := 'rejected';
    else perform private.raise_marketplace_error(400, 'invalid_decision', 'Decide approve or reject.');
  end case;
  if to_status = 'rejected' and note is null then
    perform private.raise_marketplace_error(400, 'note_required', 'Say why the change is rejected.');
  end if;
  if char_length(note) > 1000 then
    perform private.raise_marketplace_error(400, 'note_too_long', 'Keep the note under 1,000 characters.');
  end if;
  update public.tool_revisions as r
  set status = to_status, reviewed_by = admin_id, reviewed_at = now(), review_note = note
  where r.id = p_revision_id and r.status = 'pending'
  returning * into decided;
  if not found then
    select r.status into current_status from public.tool_revisions as r where r.id = p_revision_id;
    if not found then
      perform private.raise_marketplace_error(404, 'revision_not_found', 'There is no such tool revision.');
    end if;
    if current_status = to_status then
      select * into decided from public.tool_revisions as r where r.id = p_revision_id;
      return decided; -- the same decision again: a retry gets the same answer
    end if;
    perform private.raise_marketplace_error(409, 'invalid_status', format('Cannot %s a %s revision.', p_decision, current_status));
  end if;
  if to_status = 'approved' then
    update public.tools as t
    set name = decided.name, description = decided.description, category = decided.category,
        price_points = decided.price_points, creator_share_percent = decided.creator_share_percent,
        reviewed_by = admin_id, reviewed_at = now()
    where t.id = decided.tool_id;
  end if;
  perform private.write_audit('tool_revision.' || to_status::text, 'tool_revision', decided.id::text,
    jsonb_build_object('status', 'pending'),
    jsonb_build_object('status', to_status, 'tool_id', decided.tool_id, 'price_points', decided.price_points,
                       'creator_share_percent', decided.creator_share_percent, 'review_note', note));
  return decided;
end;
$$
;

create or replace function private.set_platform_role(p_user_id uuid, p_role public.platform_role)
returns public.profiles
language plpgsql
security definer
set search_path = ''
as $$
declare
  actor uuid := (select auth.uid());
  result public.profiles;
begin
  if not private.is_admin() then
    raise exception 'Only an admin can change a platform role' using errcode = '42501';
  end if;
  if p_user_id = actor then
    raise exception 'Admins cannot change their own platform role' using errcode = 'PT422';
  end if;
  update public.profiles set role = p_role where id = p_user_id returning * into result;
  if not found then
    raise exception 'No user with id %', p_user_id using errcode = 'PT404';
  end if;
  return result;
end;
$$
;

