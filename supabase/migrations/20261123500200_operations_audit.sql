-- =====================================================================================================
-- Audit log (operations module): one append-only row per privileged action, written by AFTER triggers on the
-- tables those actions change — so in the same transaction as the action, without touching the SQL
-- functions that perform it. The actor is the requesting user (auth.uid()) when the change came
-- through the API, otherwise null with the database role that made it (e.g. supabase_auth_admin for
-- a ban through the Auth admin API). Admins read and filter it through RLS; nobody updates or deletes it.
--
-- Audited: platform role changes (profiles.role), bans and unbans (auth.users.banned_until), account
-- approval / rejection / suspension (accounts.status), member role / permission / active changes and
-- removals (account_members), admin points adjustments (wallet_ledger kind admin_adjustment), payout
-- decisions (payouts.status), refund decisions (refunds.status), tool reviews (tools.status →
-- approved / rejected / suspended), site content and voucher type changes, voucher grants and
-- deactivations (including the scheduled expiry, as voucher.expired).
-- =====================================================================================================

-- ----------------------------------------------------------------------------- tables
create table public.audit_log (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  actor_id uuid,
  actor_role text not null,
  action text not null check (action ~ '^[a-z_]+\.[a-z_]+$'),
  target_type text not null,
  target_id text,
  before jsonb,
  after jsonb,
  transaction_id bigint not null default txid_current()
);
comment on table public.audit_log is
  'Append-only record of privileged actions (who, what, on which target, before/after, when), written by triggers in the same transaction as the action. Admins read it; nobody edits or deletes it.';
comment on column public.audit_log.actor_id is 'The requesting user (auth.uid()); null when the database was changed without a user session (service role, Auth server, pg_cron).';
comment on column public.audit_log.actor_role is 'The API role of the request (authenticated, service_role) or else the database role that made the change.';
comment on column public.audit_log.action is 'What happened, as <target>.<verb>: user.role_changed, user.banned, user.unbanned, account.approved, account.rejected, account.suspended, account.reactivated, member.access_changed, member.removed, wallet.admin_adjustment, payout.approved/rejected/paid, refund.approved/rejected, tool.approved/rejected/suspended, content.created/updated/deleted, voucher_type.created/updated, voucher.granted/deactivated/expired.';
comment on column public.audit_log.target_id is 'The id of the changed row (account_id:user_id for a membership).';

create index audit_log_occurred_at_idx on public.audit_log (occurred_at desc, id desc);
create index audit_log_actor_idx on public.audit_log (actor_id, occurred_at desc);
create index audit_log_target_idx on public.audit_log (target_type, target_id, occurred_at desc);
create index audit_log_action_idx on public.audit_log (action, occurred_at desc);

alter table public.audit_log enable row level security;

revoke all on public.audit_log from public, anon, authenticated, service_role;
grant select on public.audit_log to authenticated, service_role;

-- ----------------------------------------------------------------------------- triggers

create function private.refuse_audit_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'The audit log is append-only' using errcode = '42501';
end;
$$;
comment on function private.refuse_audit_change() is 'Refuses UPDATE, DELETE and TRUNCATE on public.audit_log, whoever asks.';
revoke execute on function private.refuse_audit_change() from public, anon, authenticated;

create trigger audit_log_append_only before update or delete on public.audit_log
  for each row execute function private.refuse_audit_change();
create trigger audit_log_no_truncate before truncate on public.audit_log
  for each statement execute function private.refuse_audit_change();

/** Appends one entry, attributed to the requesting user (or the database role without one). */
create function private.write_audit(p_action text, p_target_type text, p_target_id text, p_before jsonb, p_after jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.audit_log (actor_id, actor_role, action, target_type, target_id, before, after)
  values ((select auth.uid()), coalesce(nullif(auth.role(), ''), session_user::text), p_action, p_target_type, p_target_id, p_before, p_after);
end;
$$;
comment on function private.write_audit(text, text, text, jsonb, jsonb) is 'Appends one audit entry for the current request.';
revoke execute on function private.write_audit(text, text, text, jsonb, jsonb) from public, anon, authenticated;
grant execute on function private.write_audit(text, text, text, jsonb, jsonb) to service_role;

/** The trigger behind every audited table; what counts as an action is decided per table. */
create function private.audit_privileged_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  o jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  n jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
begin
  case tg_table_name
    when 'profiles' then
      perform private.write_audit('user.role_changed', 'user', n ->> 'id', jsonb_build_object('role', o -> 'role'), jsonb_build_object('role', n -> 'role'));
    when 'users' then
      perform private.write_audit(
        case when (n ->> 'banned_until') is not null and (n ->> 'banned_until')::timestamptz > now() then 'user.banned' else 'user.unbanned' end,
        'user', n ->> 'id', jsonb_build_object('banned_until', o -> 'banned_until'), jsonb_build_object('banned_until', n -> 'banned_until'));
    when 'accounts' then
      perform private.write_audit(
        'account.' || case n ->> 'status' when 'active' then case when o ->> 'status' = 'suspended' then 'reactivated' else 'approved' end
                                          when 'rejected' then 'rejected' when 'suspended' then 'suspended' else 'status_changed' end,
        'account', n ->> 'id', jsonb_build_object('status', o -> 'status'),
        jsonb_build_object('status', n -> 'status', 'review_reason', n -> 'review_reason'));
    when 'account_members' then
      if tg_op = 'DELETE' then
        perform private.write_audit('member.removed', 'account_member', (o ->> 'account_id') || ':' || (o ->> 'user_id'),
          jsonb_build_object('role', o -> 'role', 'permissions', o -> 'permissions', 'is_active', o -> 'is_active'), null);
      else
        perform private.write_audit('member.access_changed', 'account_member', (n ->> 'account_id') || ':' || (n ->> 'user_id'),
          jsonb_build_object('role', o -> 'role', 'permissions', o -> 'permissions', 'is_active', o -> 'is_active'),
          jsonb_build_object('role', n -> 'role', 'permissions', n -> 'permissions', 'is_active', n -> 'is_active'));
      end if;
    when 'wallet_ledger' then
      perform private.write_audit('wallet.admin_adjustment', 'wallet', n ->> 'user_id',
        jsonb_build_object('balance', (n ->> 'balance_after')::integer - (n ->> 'amount')::integer),
        jsonb_build_object('balance', n -> 'balance_after', 'amount', n -> 'amount', 'reason', n -> 'reason', 'ledger_entry_id', n -> 'id'));
    when 'payouts' then
      perform private.write_audit('payout.' || (n ->> 'status'), 'payout', n ->> 'id',
        jsonb_build_object('status', o -> 'status'),
        jsonb_build_object('status', n -> 'status', 'amount_points', n -> 'amount_points', 'decision_reason', n -> 'decision_reason'));
    when 'refunds' then
      perform private.write_audit('refund.' || (n ->> 'status'), 'refund', n ->> 'id',
        jsonb_build_object('status', o -> 'status'),
        jsonb_build_object('status', n -> 'status', 'points', n -> 'points', 'decision_note', n -> 'decision_note'));
    when 'tools' then
      perform private.write_audit('tool.' || (n ->> 'status'), 'tool', n ->> 'id',
        jsonb_build_object('status', o -> 'status'), jsonb_build_object('status', n -> 'status', 'review_note', n -> 'review_note'));
    when 'site_content' then
      perform private.write_audit('content.' || case tg_op when 'INSERT' then 'created' when 'UPDATE' then 'updated' else 'deleted' end,
        'site_content', coalesce(n, o) ->> 'id', o, n);
    when 'vouchers' then
      -- Never the code: it is the secret that redeems the voucher.
      perform private.write_audit(
        case when tg_op = 'INSERT' then 'voucher.granted' when n ->> 'deactivation_reason' = 'expired' then 'voucher.expired' else 'voucher.deactivated' end,
        'voucher', n ->> 'id',
        case when tg_op = 'UPDATE' then jsonb_build_object('is_active', o -> 'is_active') end,
        jsonb_build_object('is_active', n -> 'is_active', 'owner_id', n -> 'owner_id', 'voucher_type_id', n -> 'voucher_type_id',
                           'deactivation_reason', n -> 'deactivation_reason'));
    when 'voucher_types' then
      perform private.write_audit('voucher_type.' || case tg_op when 'INSERT' then 'created' else 'updated' end,
        'voucher_type', n ->> 'id', o, n);
    else
      raise exception 'audit_privileged_change: no rule for table %', tg_table_name;
  end case;
  return null;
end;
$$;
comment on function private.audit_privileged_change() is
  'AFTER trigger on the tables privileged actions change: writes one public.audit_log entry per action, in the same transaction.';
revoke execute on function private.audit_privileged_change() from public, anon, authenticated;

create trigger audit_role_change after update of role on public.profiles
  for each row when (old.role is distinct from new.role) execute function private.audit_privileged_change();
create trigger audit_ban after update of banned_until on auth.users
  for each row when (old.banned_until is distinct from new.banned_until) execute function private.audit_privileged_change();
create trigger audit_account_status after update of status on public.accounts
  for each row when (old.status is distinct from new.status) execute function private.audit_privileged_change();
create trigger audit_member_access after update of role, permissions, is_active on public.account_members
  for each row when (old.role is distinct from new.role or old.permissions is distinct from new.permissions or old.is_active is distinct from new.is_active)
  execute function private.audit_privileged_change();
create trigger audit_member_removed after delete on public.account_members
  for each row execute function private.audit_privileged_change();
create trigger audit_admin_adjustment after insert on public.wallet_ledger
  for each row when (new.kind = 'admin_adjustment') execute function private.audit_privileged_change();
create trigger audit_payout_decision after update of status on public.payouts
  for each row when (old.status is distinct from new.status) execute function private.audit_privileged_change();
create trigger audit_refund_decision after update of status on public.refunds
  for each row when (old.status is distinct from new.status) execute function private.audit_privileged_change();
create trigger audit_tool_review after update of status on public.tools
  for each row when (old.status is distinct from new.status and new.status in ('approved', 'rejected', 'suspended'))
  execute function private.audit_privileged_change();
create trigger audit_content_change after insert or update or delete on public.site_content
  for each row execute function private.audit_privileged_change();
create trigger audit_voucher_granted after insert on public.vouchers
  for each row when (new.granted_by is not null) execute function private.audit_privileged_change();
create trigger audit_voucher_deactivated after update of is_active on public.vouchers
  for each row when (old.is_active and not new.is_active) execute function private.audit_privileged_change();
create trigger audit_voucher_type_change after insert or update on public.voucher_types
  for each row execute function private.audit_privileged_change();

-- ----------------------------------------------------------------------------- RLS policies
create policy "Audit entries are viewable by admins" on public.audit_log
  for select to authenticated
  using ((select private.is_admin()));
