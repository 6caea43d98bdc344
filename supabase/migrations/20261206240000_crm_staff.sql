-- CRM staff (seed 002's employees): removing a member with their client assignments kept as
-- history or moved to another member, the checks behind an owner or admin setting a member's
-- password, and the default permissions of a new employee. docs/crm-staff.md.
--
-- Rules enforced here:
-- - only an active owner or admin of an active account removes a member or sets their password;
--   an admin acts on plain members only, the owner on admins and members; nobody acts on the owner
--   (an account never loses its owner) or on themselves;
-- - a password is set only for a user who belongs to this account alone and holds the platform role
--   `client`: a user who is also a member elsewhere, a tool creator or platform staff is out of reach
--   (no account takeover across tenants);
-- - a removed member's coach/closer/setter assignments never dangle: each is written to
--   crm_assignment_history and then cleared, or moved to another active member, in one transaction.

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.crm_assignment_history (
  id bigint generated always as identity primary key,
  account_id uuid not null references public.accounts (id) on delete cascade,
  client_id uuid not null,
  assignment text not null check (assignment in ('coach', 'closer', 'setter')),
  member_id uuid not null,
  member_name text not null default '',
  member_email text,
  reassigned_to uuid,
  ended_at timestamptz not null default now(),
  ended_by uuid references auth.users (id) on delete set null,
  foreign key (account_id, client_id) references public.crm_clients (account_id, id) on delete cascade
);
comment on table public.crm_assignment_history is
  'Former coach/closer/setter assignments of CRM clients, written when a member is removed from the account: who held it (id, name and e-mail as they were), when it ended, who removed them, and the member it moved to (null when it was cleared). Visible to members who see all clients.';
comment on column public.crm_assignment_history.member_id is 'The removed member''s user id (no foreign key: the membership is gone).';
comment on column public.crm_assignment_history.reassigned_to is 'The member the assignment moved to; null when it was kept as history only.';

create index crm_assignment_history_client_idx on public.crm_assignment_history (account_id, client_id);
create index crm_assignment_history_member_idx on public.crm_assignment_history (account_id, member_id);
create index crm_assignment_history_ended_by_idx on public.crm_assignment_history (ended_by);

-- ============================================================================================
-- Helper functions
-- ============================================================================================
create function private.default_member_permissions()
returns public.account_permission[]
language sql
immutable
set search_path = ''
as $$
  select '{view_all_clients,view_payments}'::public.account_permission[];
$$;
comment on function private.default_member_permissions() is
  'Permissions of a new employee when the owner or admin names none: what a seed-002 employee sees (all clients of the account, payments read-only).';
revoke execute on function private.default_member_permissions() from public, anon;
grant execute on function private.default_member_permissions() to authenticated, service_role;

-- The caller's role when they may act on `target_user`'s membership of `target_account`; otherwise
-- the refusal. `action` words the messages ('remove' or 'set the password of').
create function private.assert_can_manage_member(target_account uuid, target_user uuid, action text)
returns public.account_role
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  actor uuid := (select auth.uid());
  actor_role public.account_role;
  target_role public.account_role;
begin
  if actor is null then
    perform private.refuse(401, 'unauthorized', 'Sign in first');
  end if;
  select m.role into actor_role
  from public.account_members m
  join public.accounts a on a.id = m.account_id
  where m.account_id = target_account and m.user_id = actor and m.is_active and a.status = 'active'
    and m.role in ('owner', 'admin');
  if actor_role is null then
    perform private.refuse(403, 'forbidden', format('Only an owner or admin of this account may %s a member', action));
  end if;
  select m.role into target_role
  from public.account_members m
  where m.account_id = target_account and m.user_id = target_user;
  if target_role is null then
    perform private.refuse(404, 'member_not_found', 'No member with this id in the account', 'user_id');
  end if;
  if target_user = actor then
    perform private.refuse(403, 'own_access_unchangeable', format('You cannot %s yourself here', action),
      error_hint => 'Change your own password with change-password; ask the owner to remove you.');
  end if;
  if target_role = 'owner' then
    perform private.refuse(403, 'owner_protected', format('Nobody may %s the account''s owner: an account keeps its owner', action));
  end if;
  if target_role = 'admin' and actor_role <> 'owner' then
    perform private.refuse(403, 'forbidden', format('Only the owner may %s an admin', action));
  end if;
  return actor_role;
end;
$$;
comment on function private.assert_can_manage_member(uuid, uuid, text) is
  'Raises unless the caller (active owner/admin of the active account) may act on this member: 403 forbidden, 404 member_not_found, 403 own_access_unchangeable, 403 owner_protected; admins act on plain members only.';
revoke execute on function private.assert_can_manage_member(uuid, uuid, text) from public, anon, authenticated;

-- ============================================================================================
-- API functions
-- ============================================================================================
create function private.remove_account_member(
  p_account_id uuid,
  p_user_id uuid,
  p_assignments text,
  p_reassign_to uuid
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  removed public.account_members;
  recorded integer;
  moved integer := 0;
begin
  if p_assignments is null or p_assignments not in ('keep_history', 'reassign') then
    perform private.refuse(400, 'validation_failed', 'assignments must be keep_history or reassign', 'assignments');
  end if;
  perform private.assert_can_manage_member(p_account_id, p_user_id, 'remove');
  if p_assignments = 'reassign' then
    if p_reassign_to is null or p_reassign_to = p_user_id or not exists (
      select 1 from public.account_members m
      where m.account_id = p_account_id and m.user_id = p_reassign_to and m.is_active
    ) then
      perform private.refuse(422, 'invalid_assignee', 'reassign_to must be another active member of the account', 'reassign_to');
    end if;
  elsif p_reassign_to is not null then
    perform private.refuse(400, 'validation_failed', 'reassign_to is only used with assignments = reassign', 'reassign_to');
  end if;

  -- Lock the membership so a concurrent assignment to it waits and then fails its foreign key.
  select * into removed from public.account_members m
  where m.account_id = p_account_id and m.user_id = p_user_id
  for update;

  insert into public.crm_assignment_history (account_id, client_id, assignment, member_id, member_name, member_email, reassigned_to, ended_by)
  select c.account_id, c.id, kind, p_user_id, removed.full_name, removed.email, p_reassign_to, (select auth.uid())
  from public.crm_clients c
  cross join lateral (values ('coach', c.coach_id), ('closer', c.closer_id), ('setter', c.setter_id)) as k(kind, assignee)
  where c.account_id = p_account_id and k.assignee = p_user_id;
  get diagnostics recorded = row_count;

  if p_assignments = 'reassign' then
    update public.crm_clients c
       set coach_id = case when c.coach_id = p_user_id then p_reassign_to else c.coach_id end,
           closer_id = case when c.closer_id = p_user_id then p_reassign_to else c.closer_id end,
           setter_id = case when c.setter_id = p_user_id then p_reassign_to else c.setter_id end
     where c.account_id = p_account_id
       and p_user_id in (c.coach_id, c.closer_id, c.setter_id);
    get diagnostics moved = row_count;
  end if;

  -- The assignee foreign keys clear whatever is still assigned (keep_history).
  delete from public.account_members m where m.account_id = p_account_id and m.user_id = p_user_id;

  return jsonb_build_object(
    'user_id', p_user_id,
    'account_id', p_account_id,
    'assignments', p_assignments,
    'reassigned_to', p_reassign_to,
    'history_rows', recorded,
    'clients_reassigned', moved);
end;
$$;
comment on function private.remove_account_member(uuid, uuid, text, uuid) is
  'Implements public.remove_account_member: checks (private.assert_can_manage_member), records every assignment in crm_assignment_history, moves or clears them, deletes the membership; one transaction.';
revoke execute on function private.remove_account_member(uuid, uuid, text, uuid) from public, anon;
grant execute on function private.remove_account_member(uuid, uuid, text, uuid) to authenticated;

create function public.remove_account_member(
  account_id uuid,
  user_id uuid,
  assignments text default 'keep_history',
  reassign_to uuid default null
)
returns jsonb
language sql
set search_path = ''
as $$
  select private.remove_account_member(account_id, user_id, assignments, reassign_to);
$$;
comment on function public.remove_account_member(uuid, uuid, text, uuid) is
  'Removes a member (an employee) from the account. assignments = keep_history: their coach/closer/setter assignments are recorded in crm_assignment_history and cleared; reassign: recorded and moved to reassign_to (another active member). Owners remove admins and members, admins remove members; nobody removes the owner (403 owner_protected) or themselves. 403 forbidden, 404 member_not_found, 422 invalid_assignee, 400 validation_failed. The Auth user stays (it may sign in but sees nothing of the account).';
revoke execute on function public.remove_account_member(uuid, uuid, text, uuid) from public, anon;
grant execute on function public.remove_account_member(uuid, uuid, text, uuid) to authenticated;

-- Checks behind the account-staff function's "set a member's password". The function then sets it
-- through the Auth admin API and ends the member's sessions (private.end_user_sessions).
create function private.assert_can_set_member_password(p_account_id uuid, p_user_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.assert_can_manage_member(p_account_id, p_user_id, 'set the password of');
  -- The account vouches only for users it alone holds: never a member of another account, never a
  -- tool creator or platform admin, never a banned or deleted user.
  if exists (select 1 from public.account_members m where m.user_id = p_user_id and m.account_id <> p_account_id)
     or exists (select 1 from public.profiles p where p.id = p_user_id and p.role <> 'client')
     or exists (select 1 from auth.users u where u.id = p_user_id and (u.deleted_at is not null or u.is_sso_user)) then
    perform private.refuse(403, 'member_not_managed', 'This member''s sign-in is not managed by this account',
      error_hint => 'They belong to other accounts or hold a platform role: they reset their own password.');
  end if;
end;
$$;
comment on function private.assert_can_set_member_password(uuid, uuid) is
  'Raises unless the caller may set this member''s password: private.assert_can_manage_member''s rules, and the member belongs to no other account and holds the platform role client (403 member_not_managed).';
revoke execute on function private.assert_can_set_member_password(uuid, uuid) from public, anon, authenticated;

create function private.end_user_sessions(p_user_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  ended integer;
begin
  delete from auth.refresh_tokens t where t.user_id = p_user_id::text;
  delete from auth.sessions s where s.user_id = p_user_id;
  get diagnostics ended = row_count;
  return ended;
end;
$$;
comment on function private.end_user_sessions(uuid) is
  'Signs a user out everywhere: deletes their sessions and refresh tokens (their access tokens stop working in the functions at once, and in PostgREST when they expire).';
revoke execute on function private.end_user_sessions(uuid) from public, anon, authenticated;

-- ============================================================================================
-- RLS policies
-- ============================================================================================
alter table public.crm_assignment_history enable row level security;
revoke all on public.crm_assignment_history from anon, authenticated;
grant select on public.crm_assignment_history to authenticated;

create policy "Assignment history is visible to members who see all clients"
  on public.crm_assignment_history for select to authenticated
  using (account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[]));
