-- Member batches: a named group of members an account's owner or admin (or a member holding
-- manage_members) creates in one call; each member gets an Auth invite to set a password. The
-- account-batches function creates the Auth users; this file holds the rows and the privileged
-- functions it calls. Batch management for business accounts.

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.member_batches (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 120),
  created_by uuid references auth.users (id) on delete set null,
  requested_count integer not null default 0 check (requested_count between 0 and 500),
  created_count integer not null default 0 check (created_count >= 0),
  existing_count integer not null default 0 check (existing_count >= 0),
  invalid_count integer not null default 0 check (invalid_count >= 0),
  failed_count integer not null default 0 check (failed_count >= 0),
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  unique (account_id, id)
);
comment on table public.member_batches is
  'A named group of members created at once (at most 500), with the outcome counts of that call: created, already existing, invalid, failed. The members are the account_members rows with this batch_id.';

create unique index member_batches_account_name_idx on public.member_batches (account_id, lower(name));
create index member_batches_created_by_idx on public.member_batches (created_by);

alter table public.account_members
  add column batch_id uuid,
  add constraint account_members_batch_fkey foreign key (account_id, batch_id)
    references public.member_batches (account_id, id) on delete set null (batch_id);
comment on column public.account_members.batch_id is 'The batch the member was created in, if any.';
create index account_members_batch_idx on public.account_members (account_id, batch_id);

-- ============================================================================================
-- RLS policies
-- ============================================================================================
alter table public.member_batches enable row level security;

revoke all on public.member_batches from anon, authenticated;
grant select on public.member_batches to authenticated;

create policy "Batches are visible to those who may add members"
  on public.member_batches for select to authenticated
  using (account_id = any ((select private.account_ids_with('manage_members'))::uuid[]));

-- ============================================================================================
-- API functions (privileged; called by the account-members and account-batches functions)
-- ============================================================================================
create function private.add_member(
  target_account uuid,
  new_user uuid,
  new_email text,
  new_full_name text default '',
  new_phone text default null,
  new_job_title text default null,
  new_role public.account_role default 'member',
  new_permissions public.account_permission[] default '{}',
  batch uuid default null
)
returns public.account_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  added public.account_members;
begin
  perform private.assert_can_add_members(target_account, new_role, new_permissions);
  begin
    insert into public.account_members (account_id, user_id, role, permissions, full_name, email, phone, job_title, batch_id, invited_by)
    values (target_account, new_user, new_role, new_permissions, coalesce(new_full_name, ''), lower(new_email),
            new_phone, new_job_title, batch, (select auth.uid()))
    returning * into added;
  exception when unique_violation then
    perform private.refuse(409, 'already_member', 'This user is already a member of the account');
  end;
  return added;
end;
$$;
comment on function private.add_member(uuid, uuid, text, text, text, text, public.account_role, public.account_permission[], uuid) is
  'Adds an (already created) Auth user to the account as the caller, under private.assert_can_add_members'' rules; 409 when already a member.';
revoke execute on function private.add_member(uuid, uuid, text, text, text, text, public.account_role, public.account_permission[], uuid) from public, anon, authenticated;

create function private.create_member_batch(target_account uuid, batch_name text, requested integer)
returns public.member_batches
language plpgsql
security definer
set search_path = ''
as $$
declare
  created public.member_batches;
begin
  perform private.assert_can_add_members(target_account);
  begin
    insert into public.member_batches (account_id, name, created_by, requested_count)
    values (target_account, btrim(batch_name), (select auth.uid()), requested)
    returning * into created;
  exception when unique_violation then
    perform private.refuse(409, 'batch_name_taken', format('A batch named "%s" already exists in this account', btrim(batch_name)), 'name');
  end;
  return created;
end;
$$;
comment on function private.create_member_batch(uuid, text, integer) is
  'Creates an empty batch as the caller (who must be allowed to add members); 409 when the name is taken in the account.';
revoke execute on function private.create_member_batch(uuid, text, integer) from public, anon, authenticated;

create function private.finish_member_batch(batch uuid, created integer, existing integer, invalid integer, failed integer)
returns public.member_batches
language sql
security definer
set search_path = ''
as $$
  update public.member_batches b
  set created_count = created, existing_count = existing, invalid_count = invalid, failed_count = failed, completed_at = now()
  where b.id = batch
  returning *;
$$;
comment on function private.finish_member_batch(uuid, integer, integer, integer, integer) is 'Records the outcome counts of a batch once every row is processed.';
revoke execute on function private.finish_member_batch(uuid, integer, integer, integer, integer) from public, anon, authenticated;
