-- =====================================================================================================
-- Invitations are throttled: every invitation mails an address and creates its Auth user, so adding
-- members (account-members, one) and member batches (account-batches, up to 500) take from two hourly
-- budgets at once: the caller's and the account's. A request that would exceed either is refused whole
-- before anything is written, and takes nothing from either budget.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- helper functions

/**
 * Takes `p_invitations` from the caller's and the account's invitation budgets (fixed windows of
 * `p_window` in private.rate_limits, buckets `invitations:caller` / `invitations:account`) when both
 * have room, else takes nothing. Answers null when taken, or which budget refused with what it had
 * left: `{scope: 'caller'|'account', limit, remaining, retry_after_seconds}`. Rows are locked in a
 * fixed order (caller, then account), so concurrent requests queue instead of both taking the last room.
 */
create function private.take_invitation_budget(
  p_caller uuid,
  p_account uuid,
  p_invitations integer,
  p_caller_max integer,
  p_account_max integer,
  p_window interval
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller_row private.rate_limits;
  account_row private.rate_limits;
  caller_used integer;
  account_used integer;
begin
  if p_invitations is null or p_invitations < 1 then
    return null;
  end if;
  insert into private.rate_limits (bucket, key, window_started_at, hits)
  values ('invitations:caller', p_caller::text, now(), 0), ('invitations:account', p_account::text, now(), 0)
  on conflict on constraint rate_limits_pkey do nothing;

  select * into caller_row from private.rate_limits as r
   where r.bucket = 'invitations:caller' and r.key = p_caller::text for update;
  select * into account_row from private.rate_limits as r
   where r.bucket = 'invitations:account' and r.key = p_account::text for update;
  caller_used := case when caller_row.window_started_at + p_window <= now() then 0 else caller_row.hits end;
  account_used := case when account_row.window_started_at + p_window <= now() then 0 else account_row.hits end;

  if caller_used + p_invitations > p_caller_max then
    return jsonb_build_object('scope', 'caller', 'limit', p_caller_max, 'remaining', greatest(p_caller_max - caller_used, 0),
      'retry_after_seconds', greatest(ceil(extract(epoch from caller_row.window_started_at + p_window - now())), 1)::integer);
  end if;
  if account_used + p_invitations > p_account_max then
    return jsonb_build_object('scope', 'account', 'limit', p_account_max, 'remaining', greatest(p_account_max - account_used, 0),
      'retry_after_seconds', greatest(ceil(extract(epoch from account_row.window_started_at + p_window - now())), 1)::integer);
  end if;

  update private.rate_limits as r
     set window_started_at = case when r.window_started_at + p_window <= now() then now() else r.window_started_at end,
         hits = case when r.window_started_at + p_window <= now() then p_invitations else r.hits + p_invitations end
   where (r.bucket = 'invitations:caller' and r.key = p_caller::text)
      or (r.bucket = 'invitations:account' and r.key = p_account::text);
  return null;
end;
$$;
comment on function private.take_invitation_budget(uuid, uuid, integer, integer, integer, interval) is
  'Takes invitations from the caller''s and the account''s budgets, both or neither; null when taken, else which refused.';
revoke execute on function private.take_invitation_budget(uuid, uuid, integer, integer, integer, interval) from public, anon, authenticated;
