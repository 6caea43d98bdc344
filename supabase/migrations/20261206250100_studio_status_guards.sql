-- Status edits in Studio's Table Editor for accounts, tools and tool revisions: refused with a message
-- naming the function that performs the change (which also stamps the reviewer, checks the transition,
-- writes the audit entry, and — through the accounts-review function — sends the notice). Same
-- mechanism as 20261206110200_integrity_workflow_guards.sql: the change is accepted when the function
-- that owns it is on the PL/pgSQL call stack (private.called_from). The triggers fire only when the
-- status column changes.

create function private.guard_review_status_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  case tg_table_name
    when 'accounts' then
      if not private.called_from(array['private.review_account']) then
        perform private.refuse_workflow_bypass(format('A business account goes from %s to %s only by a review', old.status, new.status),
          'private.review_account(account_id, decision, reason) with decision approve, reject, suspend or reactivate (the accounts-review function also e-mails the owner)');
      end if;
    when 'tools' then
      if not private.called_from(array['private.review_tool', 'private.submit_tool', 'private.retire_deleted_user']) then
        perform private.refuse_workflow_bypass(format('A tool goes from %s to %s only by its creator''s submission or an admin''s review', old.status, new.status),
          'public.review_tool(tool_id, decision, note) with decision approve, reject, suspend or reinstate (or public.submit_tool(tool_id) for its creator)');
      end if;
    when 'tool_revisions' then
      if not private.called_from(array['private.review_tool_revision', 'private.hold_live_tool_changes', 'private.retire_deleted_user']) then
        perform private.refuse_workflow_bypass(format('A tool revision goes from %s to %s only by an admin''s review', old.status, new.status),
          'public.review_tool_revision(revision_id, decision, note) with decision approve or reject');
      end if;
  end case;
  return new;
end;
$$;
comment on function private.guard_review_status_change() is
  'Refuses a status change of accounts, tools or tool_revisions made outside the function that owns it, naming that function.';
revoke execute on function private.guard_review_status_change() from public, anon, authenticated;

create trigger accounts_guard_status before update of status on public.accounts
  for each row when (old.status is distinct from new.status)
  execute function private.guard_review_status_change();
create trigger tools_guard_status before update of status on public.tools
  for each row when (old.status is distinct from new.status)
  execute function private.guard_review_status_change();
create trigger tool_revisions_guard_status before update of status on public.tool_revisions
  for each row when (old.status is distinct from new.status)
  execute function private.guard_review_status_change();
