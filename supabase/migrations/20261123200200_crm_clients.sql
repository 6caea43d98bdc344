-- The CRM's clients: the customers of a business account (seed 002). Named `crm_clients` to keep
-- them apart from the marketplace's *client* users (see the domain model). Every row belongs to one
-- account; other accounts never see it. Members read every client of the account with
-- view_all_clients, otherwise only the clients assigned to them as coach, closer or setter
-- ("my clients"); writes need manage_all_clients (owners and admins hold every permission).

-- ============================================================================================
-- Schema and grants
-- ============================================================================================
create extension if not exists pg_trgm with schema extensions;

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.crm_client_status as enum ('active', 'inactive', 'onboarding', 'paused', 'cancelled');
comment on type public.crm_client_status is 'Where a CRM client stands with the business.';

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.crm_clients (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  first_name text not null check (char_length(btrim(first_name)) between 1 and 100),
  last_name text not null default '' check (char_length(last_name) <= 100),
  email text check (char_length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  country text check (country ~ '^[A-Z]{2}$'),
  currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  status public.crm_client_status not null default 'onboarding',
  coach_id uuid,
  closer_id uuid,
  setter_id uuid,
  notes text check (char_length(notes) <= 5000),
  search_text text generated always as (lower(first_name || ' ' || last_name || ' ' || coalesce(email, ''))) stored,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, id),
  foreign key (account_id, coach_id) references public.account_members (account_id, user_id) on delete set null (coach_id),
  foreign key (account_id, closer_id) references public.account_members (account_id, user_id) on delete set null (closer_id),
  foreign key (account_id, setter_id) references public.account_members (account_id, user_id) on delete set null (setter_id)
);
comment on table public.crm_clients is
  'Customers of a business account (the CRM''s clients; not the marketplace''s client users). Visible to members with view_all_clients, or to the members assigned as coach, closer or setter; written with manage_all_clients.';
comment on column public.crm_clients.coach_id is 'The member coaching this client (an active member of the same account when assigned).';
comment on column public.crm_clients.closer_id is 'The member who closed the sale.';
comment on column public.crm_clients.setter_id is 'The member who set the appointment.';
comment on column public.crm_clients.country is 'ISO 3166-1 alpha-2 country code, upper case.';
comment on column public.crm_clients.currency is 'ISO 4217 currency code the client pays in.';
comment on column public.crm_clients.search_text is 'Lower-cased "first last email", for `search_text=ilike.*term*` (trigram-indexed).';

-- Lists: the account first (every query is account-scoped), then the sort keys.
create index crm_clients_account_name_idx on public.crm_clients (account_id, last_name, first_name, id);
create index crm_clients_account_created_idx on public.crm_clients (account_id, created_at desc, id);
create index crm_clients_account_status_idx on public.crm_clients (account_id, status);
create index crm_clients_account_country_idx on public.crm_clients (account_id, country);
-- "My clients" (account_id = any(<caller's accounts>) and coach_id = <caller>) and the assignee
-- foreign keys, which are (account_id, coach_id) → account_members.
create index crm_clients_coach_idx on public.crm_clients (account_id, coach_id);
create index crm_clients_closer_idx on public.crm_clients (account_id, closer_id);
create index crm_clients_setter_idx on public.crm_clients (account_id, setter_id);
create index crm_clients_created_by_idx on public.crm_clients (created_by);
create index crm_clients_search_idx on public.crm_clients using gin (search_text extensions.gin_trgm_ops);

-- ============================================================================================
-- Triggers
-- ============================================================================================
create trigger crm_clients_touch_updated_at before update on public.crm_clients
  for each row execute function private.touch_updated_at();

-- A coach, closer or setter must be an active member of the client's account: 422 with the field.
create function private.check_crm_assignees()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  field text;
  assignee uuid;
begin
  foreach field in array array['coach_id', 'closer_id', 'setter_id'] loop
    assignee := case field when 'coach_id' then new.coach_id when 'closer_id' then new.closer_id else new.setter_id end;
    continue when assignee is null;
    if tg_op = 'UPDATE' and assignee is not distinct from
       (case field when 'coach_id' then old.coach_id when 'closer_id' then old.closer_id else old.setter_id end)
       and new.account_id = old.account_id then
      continue;
    end if;
    if not exists (
      select 1 from public.account_members m
      where m.account_id = new.account_id and m.user_id = assignee and m.is_active
    ) then
      perform private.refuse(422, 'invalid_assignee', format('%s must be an active member of the client''s account', field),
        field, 'Assign an active member of this account.');
    end if;
  end loop;
  return new;
end;
$$;
comment on function private.check_crm_assignees() is
  'Trigger: coach_id, closer_id and setter_id must name active members of the same account (422 naming the field).';
revoke execute on function private.check_crm_assignees() from public, anon, authenticated;

create trigger crm_clients_check_assignees before insert or update of coach_id, closer_id, setter_id, account_id
  on public.crm_clients for each row execute function private.check_crm_assignees();

-- ============================================================================================
-- Helper functions
-- ============================================================================================
-- Clients assigned to the caller (coach, closer or setter) in the accounts where they are active:
-- the "my clients" set the child tables' policies test `client_id in (…)` against. A set, not an
-- array: `in (select …)` becomes one hashed lookup per row, where `= any (<array>)` would scan it.
create function private.assigned_client_ids()
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return query
    select c.id
    from public.crm_clients c
    where (c.coach_id = (select auth.uid()) or c.closer_id = (select auth.uid()) or c.setter_id = (select auth.uid()))
      and c.account_id = any ((select private.active_account_ids())::uuid[]);
end;
$$;
comment on function private.assigned_client_ids() is
  'Ids of the CRM clients assigned to the caller (coach, closer or setter) in accounts where the caller is an active member.';
revoke execute on function private.assigned_client_ids() from public, anon;
grant execute on function private.assigned_client_ids() to authenticated, service_role;

-- ============================================================================================
-- RLS policies
-- ============================================================================================
alter table public.crm_clients enable row level security;

revoke all on public.crm_clients from anon, authenticated;
grant select, delete on public.crm_clients to authenticated;
grant insert (id, account_id, first_name, last_name, email, phone, country, currency, status, coach_id, closer_id, setter_id, notes)
  on public.crm_clients to authenticated;
grant update (first_name, last_name, email, phone, country, currency, status, coach_id, closer_id, setter_id, notes)
  on public.crm_clients to authenticated;

create policy "Clients are visible with view_all_clients or when assigned"
  on public.crm_clients for select to authenticated
  using (
    -- The account test comes first and alone, so the planner combines it with the request's own
    -- account filter and keeps the sorted (account_id, …) index scan.
    account_id = any ((select private.active_account_ids())::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or coach_id = (select auth.uid()) or closer_id = (select auth.uid()) or setter_id = (select auth.uid())
    )
  );

create policy "Clients are created with manage_all_clients"
  on public.crm_clients for insert to authenticated
  with check (account_id = any ((select private.account_ids_with('manage_all_clients'))::uuid[]));

create policy "Clients are updated with manage_all_clients"
  on public.crm_clients for update to authenticated
  using (account_id = any ((select private.account_ids_with('manage_all_clients'))::uuid[]))
  with check (account_id = any ((select private.account_ids_with('manage_all_clients'))::uuid[]));

create policy "Clients are deleted with manage_all_clients"
  on public.crm_clients for delete to authenticated
  using (account_id = any ((select private.account_ids_with('manage_all_clients'))::uuid[]));
