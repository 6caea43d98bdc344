-- =====================================================================================================
-- The admin decisions and the member removal that took `options.idempotencyKey` in the SDK without
-- the database holding it: review_tool, review_tool_revision, set_user_role, deactivate_voucher and
-- remove_account_member now claim the request's `Idempotency-Key` like the other transitions
-- (private.claim_request_idempotency, 20261208600000_write_idempotency.sql): a retry with the same key
-- and arguments answers the first answer (a removed member's removal, not member_not_found; a tool's
-- review as it was decided, even once someone has decided again); the key with other arguments is
-- 422 idempotency_key_reused. Without a key they behave as before.
-- =====================================================================================================

create function private.review_tool_once(p_tool_id uuid, p_decision text, p_note text)
returns public.tools
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer public.tools;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('review_tool', jsonb_build_object('tool_id', p_tool_id, 'decision', p_decision, 'note', p_note));
    if replay is not null then
      return jsonb_populate_record(null::public.tools, replay);
    end if;
  end if;
  answer := private.review_tool(p_tool_id, p_decision, p_note);
  perform private.record_request_idempotency('review_tool', to_jsonb(answer));
  return answer;
end;
$$;
comment on function private.review_tool_once(uuid, text, text) is 'private.review_tool under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.review_tool_once(uuid, text, text) from public, anon;
grant execute on function private.review_tool_once(uuid, text, text) to authenticated;

create or replace function public.review_tool(tool_id uuid, decision text, note text default null)
returns public.tools
language sql
set search_path = ''
as $$
  select * from private.review_tool_once(tool_id, decision, note);
$$;

create function private.review_tool_revision_once(p_revision_id uuid, p_decision text, p_note text)
returns public.tool_revisions
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer public.tool_revisions;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('review_tool_revision', jsonb_build_object('revision_id', p_revision_id, 'decision', p_decision, 'note', p_note));
    if replay is not null then
      return jsonb_populate_record(null::public.tool_revisions, replay);
    end if;
  end if;
  answer := private.review_tool_revision(p_revision_id, p_decision, p_note);
  perform private.record_request_idempotency('review_tool_revision', to_jsonb(answer));
  return answer;
end;
$$;
comment on function private.review_tool_revision_once(uuid, text, text) is 'private.review_tool_revision under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.review_tool_revision_once(uuid, text, text) from public, anon;
grant execute on function private.review_tool_revision_once(uuid, text, text) to authenticated;

create or replace function public.review_tool_revision(revision_id uuid, decision text, note text default null)
returns public.tool_revisions
language sql
set search_path = ''
as $$
  select * from private.review_tool_revision_once(revision_id, decision, note);
$$;

create function private.set_platform_role_once(p_user_id uuid, p_role public.platform_role)
returns public.profiles
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer public.profiles;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('set_user_role', jsonb_build_object('user_id', p_user_id, 'role', p_role));
    if replay is not null then
      return jsonb_populate_record(null::public.profiles, replay);
    end if;
  end if;
  answer := private.set_platform_role(p_user_id, p_role);
  perform private.record_request_idempotency('set_user_role', to_jsonb(answer));
  return answer;
end;
$$;
comment on function private.set_platform_role_once(uuid, public.platform_role) is 'private.set_platform_role under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.set_platform_role_once(uuid, public.platform_role) from public, anon;
grant execute on function private.set_platform_role_once(uuid, public.platform_role) to authenticated;

create or replace function public.set_user_role(user_id uuid, role public.platform_role)
returns public.profiles
language sql
security invoker
set search_path = ''
as $$
  select * from private.set_platform_role_once(user_id, role);
$$;

create function private.deactivate_voucher_once(p_voucher_id uuid, p_reason text)
returns public.vouchers
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer public.vouchers;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('deactivate_voucher', jsonb_build_object('voucher_id', p_voucher_id, 'reason', p_reason));
    if replay is not null then
      return jsonb_populate_record(null::public.vouchers, replay);
    end if;
  end if;
  answer := private.deactivate_voucher(p_voucher_id, p_reason);
  perform private.record_request_idempotency('deactivate_voucher', to_jsonb(answer));
  return answer;
end;
$$;
comment on function private.deactivate_voucher_once(uuid, text) is 'private.deactivate_voucher under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.deactivate_voucher_once(uuid, text) from public, anon;
grant execute on function private.deactivate_voucher_once(uuid, text) to authenticated, service_role;

create or replace function public.deactivate_voucher(voucher_id uuid, reason text default null)
returns public.vouchers
language sql
set search_path = ''
as $$
  select * from private.deactivate_voucher_once(voucher_id, reason)
$$;

create function private.remove_account_member_once(p_account_id uuid, p_user_id uuid, p_assignments text, p_reassign_to uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer jsonb;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('remove_account_member',
      jsonb_build_object('account_id', p_account_id, 'user_id', p_user_id, 'assignments', p_assignments, 'reassign_to', p_reassign_to));
    if replay is not null then
      return replay;
    end if;
  end if;
  answer := private.remove_account_member(p_account_id, p_user_id, p_assignments, p_reassign_to);
  perform private.record_request_idempotency('remove_account_member', answer);
  return answer;
end;
$$;
comment on function private.remove_account_member_once(uuid, uuid, text, uuid) is 'private.remove_account_member under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.remove_account_member_once(uuid, uuid, text, uuid) from public, anon;
grant execute on function private.remove_account_member_once(uuid, uuid, text, uuid) to authenticated;

create or replace function public.remove_account_member(
  account_id uuid,
  user_id uuid,
  assignments text default 'keep_history',
  reassign_to uuid default null
)
returns jsonb
language sql
set search_path = ''
as $$
  select private.remove_account_member_once(account_id, user_id, assignments, reassign_to);
$$;
