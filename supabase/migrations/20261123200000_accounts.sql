-- Business accounts (tenants) and their members: the account with its approval status, the
-- membership with an account role (owner / admin / member) and granular permissions, the helpers
-- every tenant-scoped policy uses, and the "who am I here" function. See the domain model (account, member).
--
-- Rules enforced here, in the database:
-- - a pending, rejected or suspended account gives its members nothing but its own row (its status);
-- - a deactivated member loses the account the same way;
-- - nobody raises their own rights: a member cannot change its own role, permissions or active flag;
--   an admin can never touch the owner; nobody grants `owner`; a plain member changes nobody else.

-- The `private` schema, private.is_admin() (platform admin, database-checked) and
-- private.touch_updated_at() come from the identity migrations (20261123100000, 20261123100200).

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.account_status as enum ('pending', 'active', 'rejected', 'suspended');
comment on type public.account_status is
  'Lifecycle of a business account: pending → active | rejected; active ↔ suspended. Only active accounts are usable.';

create type public.account_role as enum ('owner', 'admin', 'member');
comment on type public.account_role is
  'A member''s role in one account (the CRM''s SuperAdmin / Admin / Employee). Owners and admins hold every permission.';

create type public.account_permission as enum (
  'view_all_clients', 'manage_all_clients', 'manage_packages', 'view_payments', 'manage_payments', 'manage_members'
);
comment on type public.account_permission is
  'Granular rights of a plain member: view_all_clients (else only assigned "my clients"), manage_all_clients, manage_packages (client packages), view_payments, manage_payments, manage_members (invite members and batches).';

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 2 and 120),
  slug text not null unique check (char_length(slug) between 2 and 60 and slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  status public.account_status not null default 'pending',
  contact_name text check (char_length(contact_name) <= 120),
  contact_email text check (char_length(contact_email) <= 254 and contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  contact_phone text check (contact_phone ~ '^\+[1-9][0-9]{6,14}$'),
  created_by uuid references auth.users (id) on delete set null,
  reviewed_by uuid references auth.users (id) on delete set null,
  reviewed_at timestamptz,
  review_reason text check (char_length(review_reason) <= 1000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint accounts_reason_when_refused check (status not in ('rejected', 'suspended') or review_reason is not null)
);
comment on table public.accounts is
  'Business tenants. Registered as pending by a B2B admin (its owner); a platform admin approves or rejects them. Everything a tenant owns (members, batches, CRM rows) references an account.';
comment on column public.accounts.slug is 'URL-safe unique name, derived from the name when not given.';
comment on column public.accounts.reviewed_by is 'The platform admin who last approved, rejected, suspended or reactivated the account.';
comment on column public.accounts.review_reason is 'Why the account was rejected or suspended (required then); optional note on approval.';

create index accounts_status_created_at_idx on public.accounts (status, created_at);
create index accounts_created_by_idx on public.accounts (created_by);
create index accounts_reviewed_by_idx on public.accounts (reviewed_by);

create table public.account_members (
  account_id uuid not null references public.accounts (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.account_role not null default 'member',
  permissions public.account_permission[] not null default '{}',
  full_name text not null default '' check (char_length(full_name) <= 120),
  email text check (char_length(email) <= 254 and email = lower(email)),
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  job_title text check (char_length(job_title) <= 120),
  is_active boolean not null default true,
  invited_by uuid references auth.users (id) on delete set null,
  deactivated_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (account_id, user_id)
);
comment on table public.account_members is
  'A user''s membership in an account: account role, granular permissions, job title, phone, active flag. Created by the account-members and account-batches functions (with an Auth invite); changed through the API under the rules of private.guard_member_change().';
comment on column public.account_members.permissions is 'Granular permissions of a plain member; owners and admins implicitly hold all of them.';
comment on column public.account_members.email is 'The member''s e-mail at the time it joined, for listing colleagues (auth.users is not exposed).';
comment on column public.account_members.is_active is 'Deactivated members keep their row (assignments stay) but can use nothing in the account.';

create unique index account_members_one_owner_idx on public.account_members (account_id) where role = 'owner';
create index account_members_user_id_idx on public.account_members (user_id);
create index account_members_invited_by_idx on public.account_members (invited_by);

-- ============================================================================================
-- Helper functions (errors)
-- ============================================================================================
-- Refuses a request the way PostgREST understands (`raise sqlstate 'PGRST'`): REST callers get
-- `{code, message, details, hint}` with `http_status`, and the Edge Functions map the same error
-- through _shared/sql-errors.ts. `error_code` is one of the stable codes the SDK documents.
create function private.refuse(
  http_status integer,
  error_code text,
  error_message text,
  error_details text default null,
  error_hint text default null
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  raise sqlstate 'PGRST' using
    message = json_build_object('code', error_code, 'message', error_message, 'details', error_details, 'hint', error_hint)::text,
    detail = json_build_object('status', http_status, 'headers', json_build_object())::text;
end;
$$;
comment on function private.refuse(integer, text, text, text, text) is
  'Raises an API error: HTTP status, stable code, message, optional details (a field name) and hint.';
revoke execute on function private.refuse(integer, text, text, text, text) from public, anon, authenticated;

-- ============================================================================================
-- Triggers
-- ============================================================================================
create trigger accounts_touch_updated_at before update on public.accounts
  for each row execute function private.touch_updated_at();
create trigger account_members_touch_updated_at before update on public.account_members
  for each row execute function private.touch_updated_at();

-- Who may change what in a membership. Skipped without a signed-in caller (migrations, seeds and
-- the privileged functions' own writes as `postgres`); applies to every API request.
create function private.guard_member_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  actor uuid := (select auth.uid());
  actor_role public.account_role;
  access_changed boolean;
begin
  -- Keep the permission list canonical whoever writes it; managing implies viewing.
  new.permissions := array(
    select distinct p
    from unnest(new.permissions
      || case when 'manage_all_clients' = any (new.permissions) then '{view_all_clients}'::public.account_permission[] else '{}' end
      || case when 'manage_payments' = any (new.permissions) then '{view_payments}'::public.account_permission[] else '{}' end) as p
    order by p);
  if tg_op = 'INSERT' then
    -- Inserts come only from the privileged paths (private.add_member, register_business).
    new.deactivated_at := case when new.is_active then null else now() end;
    return new;
  end if;
  new.deactivated_at := case when new.is_active then null else coalesce(old.deactivated_at, now()) end;

  if actor is null then
    return new;
  end if;

  access_changed := new.role is distinct from old.role
    or new.permissions is distinct from old.permissions
    or new.is_active is distinct from old.is_active;

  if old.role = 'owner' and old.user_id <> actor then
    perform private.refuse(403, 'owner_protected', 'Nobody but the owner changes the owner''s membership');
  end if;
  if not access_changed then
    return new;
  end if;
  if old.user_id = actor then
    perform private.refuse(403, 'own_access_unchangeable', 'You cannot change your own role, permissions or active flag',
      error_hint => 'Ask an owner or admin of the account.');
  end if;
  if new.role = 'owner' then
    perform private.refuse(403, 'owner_role_not_grantable', 'The owner role cannot be granted');
  end if;

  select m.role into actor_role
  from public.account_members m
  join public.accounts a on a.id = m.account_id
  where m.account_id = old.account_id and m.user_id = actor and m.is_active and a.status = 'active';

  if actor_role is null or actor_role = 'member' then
    perform private.refuse(403, 'forbidden', 'Only owners and admins change roles, permissions and the active flag');
  end if;
  return new;
end;
$$;
comment on function private.guard_member_change() is
  'Trigger: nobody changes their own role/permissions/active flag, an admin never touches the owner, the owner role is never granted, plain members change nobody; keeps permissions sorted (manage_all_clients implies view_all_clients, manage_payments implies view_payments) and deactivated_at in step.';
revoke execute on function private.guard_member_change() from public, anon, authenticated;

create trigger account_members_guard before insert or update on public.account_members
  for each row execute function private.guard_member_change();

-- ============================================================================================
-- Helper functions (security definer, called by policies as `(select private.…())`)
-- ============================================================================================
-- PL/pgSQL rather than SQL: a non-inlinable SQL function is planned again in every statement that
-- calls it, while PL/pgSQL keeps its plan for the connection — PostgREST's pooled connections call
-- these on every request (measured with `npm run bench crm`).

-- Accounts in which the caller is an active member of an active account.
create function private.active_account_ids()
returns uuid[]
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (
    select coalesce(array_agg(m.account_id), '{}')
    from public.account_members m
    join public.accounts a on a.id = m.account_id
    where m.user_id = (select auth.uid()) and m.is_active and a.status = 'active'
  );
end;
$$;
comment on function private.active_account_ids() is 'Ids of the active accounts in which the caller is an active member.';
revoke execute on function private.active_account_ids() from public, anon;
grant execute on function private.active_account_ids() to authenticated, service_role;

-- Accounts in which the caller holds `permission` (owners and admins hold every permission).
create function private.account_ids_with(permission public.account_permission)
returns uuid[]
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (
    select coalesce(array_agg(m.account_id), '{}')
    from public.account_members m
    join public.accounts a on a.id = m.account_id
    where m.user_id = (select auth.uid()) and m.is_active and a.status = 'active'
      and (m.role in ('owner', 'admin') or permission = any (m.permissions))
  );
end;
$$;
comment on function private.account_ids_with(public.account_permission) is
  'Ids of the active accounts in which the caller (an active member) holds the permission; owners and admins hold all.';
revoke execute on function private.account_ids_with(public.account_permission) from public, anon;
grant execute on function private.account_ids_with(public.account_permission) to authenticated, service_role;

-- Accounts the caller runs: owner or admin, active, of an active account.
create function private.managed_account_ids()
returns uuid[]
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (
    select coalesce(array_agg(m.account_id), '{}')
    from public.account_members m
    join public.accounts a on a.id = m.account_id
    where m.user_id = (select auth.uid()) and m.is_active and a.status = 'active' and m.role in ('owner', 'admin')
  );
end;
$$;
comment on function private.managed_account_ids() is 'Ids of the active accounts the caller runs as an active owner or admin.';
revoke execute on function private.managed_account_ids() from public, anon;
grant execute on function private.managed_account_ids() to authenticated, service_role;

-- Every account the caller belongs to, whatever its status: enough to read its own status.
create function private.membership_account_ids()
returns uuid[]
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (
    select coalesce(array_agg(m.account_id), '{}')
    from public.account_members m
    where m.user_id = (select auth.uid())
  );
end;
$$;
comment on function private.membership_account_ids() is 'Ids of every account the caller belongs to, in any status (to read its status).';
revoke execute on function private.membership_account_ids() from public, anon;
grant execute on function private.membership_account_ids() to authenticated, service_role;

-- ============================================================================================
-- RLS policies
-- ============================================================================================
alter table public.accounts enable row level security;
alter table public.account_members enable row level security;

-- Writes go through the privileged functions; the API may only read, and owners/admins edit details.
revoke all on public.accounts from anon, authenticated;
grant select on public.accounts to authenticated;
grant update (name, contact_name, contact_email, contact_phone) on public.accounts to authenticated;

revoke all on public.account_members from anon, authenticated;
grant select on public.account_members to authenticated;
grant update (role, permissions, full_name, phone, job_title, is_active) on public.account_members to authenticated;

create policy "Accounts are visible to their members and platform admins"
  on public.accounts for select to authenticated
  using (id = any ((select private.membership_account_ids())::uuid[]) or (select private.is_admin()));

create policy "Active accounts are edited by their owners and admins"
  on public.accounts for update to authenticated
  using (id = any ((select private.managed_account_ids())::uuid[]))
  with check (id = any ((select private.managed_account_ids())::uuid[]));

create policy "Members see themselves and their colleagues in active accounts"
  on public.account_members for select to authenticated
  using (
    user_id = (select auth.uid())
    or account_id = any ((select private.active_account_ids())::uuid[])
    or (select private.is_admin())
  );

create policy "Members edit their profile; owners and admins edit members"
  on public.account_members for update to authenticated
  using (
    (user_id = (select auth.uid()) and account_id = any ((select private.active_account_ids())::uuid[]))
    or account_id = any ((select private.managed_account_ids())::uuid[])
  )
  with check (
    (user_id = (select auth.uid()) and account_id = any ((select private.active_account_ids())::uuid[]))
    or account_id = any ((select private.managed_account_ids())::uuid[])
  );

-- ============================================================================================
-- API functions
-- ============================================================================================
create function public.my_accounts()
returns table (
  account_id uuid,
  name text,
  slug text,
  status public.account_status,
  role public.account_role,
  permissions public.account_permission[],
  is_active boolean,
  usable boolean
)
language sql
stable
security invoker
set search_path = ''
as $$
  select a.id, a.name, a.slug, a.status, m.role,
         case when m.role in ('owner', 'admin') then enum_range(null::public.account_permission) else m.permissions end,
         m.is_active,
         m.is_active and a.status = 'active'
  from public.account_members m
  join public.accounts a on a.id = m.account_id
  where m.user_id = (select auth.uid())
  order by (m.is_active and a.status = 'active') desc, a.name, a.id;
$$;
comment on function public.my_accounts() is
  '"Who am I here": the caller''s accounts with status, account role and effective permissions (owners and admins hold all); `usable` is false for pending/rejected/suspended accounts and deactivated memberships. The SDK chooses the current account from it.';
revoke execute on function public.my_accounts() from public, anon;
grant execute on function public.my_accounts() to authenticated;

-- --------------------------------------------------------------------------------------------
-- Privileged flows. Not exposed: the Edge Functions call them as `postgres` after putting the
-- verified caller's claims into request.jwt.claims, so every rule below sees the real caller.
-- Errors use SQLSTATE `PT<status>` (PostgREST's convention) so the functions map them 1:1.
-- --------------------------------------------------------------------------------------------

create function private.slugify(value text)
returns text
language sql
immutable
set search_path = ''
as $$
  select left(trim(both '-' from regexp_replace(lower(value), '[^a-z0-9]+', '-', 'g')), 50);
$$;
comment on function private.slugify(text) is 'A URL-safe slug from a name: lower-case ASCII words joined by hyphens.';
revoke execute on function private.slugify(text) from public, anon, authenticated;

create function private.register_business(
  business_name text,
  business_slug text default null,
  contact_name text default null,
  contact_email text default null,
  contact_phone text default null
)
returns public.accounts
language plpgsql
security definer
set search_path = ''
as $$
declare
  owner_id uuid := (select auth.uid());
  owner_email text;
  owner_name text;
  chosen_slug text;
  created public.accounts;
begin
  if owner_id is null then
    perform private.refuse(401, 'unauthorized', 'Sign in to register a business');
  end if;
  select u.email,
         coalesce(nullif(u.raw_user_meta_data ->> 'full_name', ''),
                  nullif(btrim(concat_ws(' ', u.raw_user_meta_data ->> 'first_name', u.raw_user_meta_data ->> 'last_name')), ''))
    into owner_email, owner_name
  from auth.users u where u.id = owner_id;
  if not found then
    perform private.refuse(401, 'unauthorized', 'Sign in to register a business');
  end if;
  if exists (select 1 from public.accounts a where a.created_by = owner_id and a.status = 'pending') then
    perform private.refuse(409, 'application_pending', 'You already have a business waiting for approval');
  end if;

  chosen_slug := coalesce(business_slug, private.slugify(business_name));
  if char_length(chosen_slug) < 2 then
    chosen_slug := 'business';
  end if;
  if business_slug is null and exists (select 1 from public.accounts a where a.slug = chosen_slug) then
    chosen_slug := chosen_slug || '-' || substr(md5(gen_random_uuid()::text), 1, 6);
  end if;

  begin
    insert into public.accounts (name, slug, contact_name, contact_email, contact_phone, created_by)
    values (btrim(business_name), chosen_slug, contact_name, lower(contact_email), contact_phone, owner_id)
    returning * into created;
  exception when unique_violation then
    perform private.refuse(409, 'slug_taken', format('The slug "%s" is taken', chosen_slug), 'slug', 'Choose another slug.');
  end;

  insert into public.account_members (account_id, user_id, role, full_name, email)
  values (created.id, owner_id, 'owner', coalesce(owner_name, contact_name, ''), lower(owner_email));
  return created;
end;
$$;
comment on function private.register_business(text, text, text, text, text) is
  'Registers a business for the signed-in caller: a pending account owned by them. One pending application per user (409). Called by the accounts-register function.';
revoke execute on function private.register_business(text, text, text, text, text) from public, anon, authenticated;

create function private.review_account(target_account uuid, decision text, reason text default null)
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
  if reviewer is null or not (select private.is_admin()) then
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
$$;
comment on function private.review_account(uuid, text, text) is
  'Platform admins only: approve (pending → active), reject (pending → rejected, reason required), suspend (active → suspended, reason required) or reactivate (suspended → active). One conditional update; 409 when the account is not in the expected status.';
revoke execute on function private.review_account(uuid, text, text) from public, anon, authenticated;

-- The caller's role in an account where they may add members, or 403. Owners and admins add
-- anyone but an owner; a member holding manage_members adds plain members without permissions.
create function private.assert_can_add_members(
  target_account uuid,
  new_role public.account_role default 'member',
  new_permissions public.account_permission[] default '{}'
)
returns public.account_role
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  actor_role public.account_role;
begin
  select m.role into actor_role
  from public.account_members m
  join public.accounts a on a.id = m.account_id
  where m.account_id = target_account and m.user_id = (select auth.uid()) and m.is_active and a.status = 'active'
    and (m.role in ('owner', 'admin') or 'manage_members' = any (m.permissions));
  if actor_role is null then
    perform private.refuse(403, 'forbidden', 'You cannot add members to this account');
  end if;
  if new_role = 'owner' then
    perform private.refuse(403, 'owner_role_not_grantable', 'The owner role cannot be granted');
  end if;
  if actor_role = 'member' and (new_role <> 'member' or cardinality(new_permissions) > 0) then
    perform private.refuse(403, 'forbidden', 'Only owners and admins grant roles and permissions');
  end if;
  return actor_role;
end;
$$;
comment on function private.assert_can_add_members(uuid, public.account_role, public.account_permission[]) is
  'Raises 403 unless the caller may add a member with this role and these permissions to the account; returns the caller''s role.';
revoke execute on function private.assert_can_add_members(uuid, public.account_role, public.account_permission[]) from public, anon, authenticated;
