-- A platform admin creates a business together with its owner (seed 001's "B2B admin registration
-- (Admin only)"). The accounts-register function creates the owner's Auth user (an invite to set a
-- password) and then calls private.create_business_for_owner() as the admin. Because an admin creates
-- it, approval is implied: the account starts `active`, reviewed by that admin.
--
-- The insert of the account and its owner membership is shared with self-registration
-- (private.register_business) through private.insert_business(), so both paths derive slugs and
-- report `slug_taken` the same way.

create function private.insert_business(
  owner_id uuid,
  owner_email text,
  owner_name text,
  business_name text,
  business_slug text,
  contact_name text,
  contact_email text,
  contact_phone text,
  creator_id uuid,
  initial_status public.account_status default 'pending',
  reviewer_id uuid default null
)
returns public.accounts
language plpgsql
security definer
set search_path = ''
as $$
declare
  chosen_slug text;
  created public.accounts;
begin
  chosen_slug := coalesce(business_slug, private.slugify(business_name));
  if char_length(chosen_slug) < 2 then
    chosen_slug := 'business';
  end if;
  if business_slug is null and exists (select 1 from public.accounts a where a.slug = chosen_slug) then
    chosen_slug := chosen_slug || '-' || substr(md5(gen_random_uuid()::text), 1, 6);
  end if;

  begin
    insert into public.accounts (name, slug, status, contact_name, contact_email, contact_phone, created_by, reviewed_by, reviewed_at)
    values (btrim(business_name), chosen_slug, initial_status, contact_name, lower(contact_email), contact_phone, creator_id,
            reviewer_id, case when reviewer_id is not null then now() end)
    returning * into created;
  exception when unique_violation then
    perform private.refuse(409, 'slug_taken', format('The slug "%s" is taken', chosen_slug), 'slug', 'Choose another slug.');
  end;

  insert into public.account_members (account_id, user_id, role, full_name, email, invited_by)
  values (created.id, owner_id, 'owner', coalesce(owner_name, contact_name, ''), lower(owner_email),
          case when creator_id is distinct from owner_id then creator_id end);
  return created;
end;
$$;
comment on function private.insert_business(uuid, text, text, text, text, text, text, text, uuid, public.account_status, uuid) is
  'Inserts an account (slug derived from the name when not given; 409 slug_taken) and its owner membership. Shared by register_business and create_business_for_owner; checks nobody''s rights itself.';
revoke execute on function private.insert_business(uuid, text, text, text, text, text, text, text, uuid, public.account_status, uuid) from public, anon, authenticated;

-- The display name of an Auth user: user_metadata.full_name, else first and last name.
create function private.user_display_name(meta jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select coalesce(nullif(meta ->> 'full_name', ''),
                  nullif(btrim(concat_ws(' ', meta ->> 'first_name', meta ->> 'last_name')), ''));
$$;
comment on function private.user_display_name(jsonb) is 'A user''s name from Auth user metadata: full_name, else "first_name last_name".';
revoke execute on function private.user_display_name(jsonb) from public, anon, authenticated;

create or replace function private.register_business(
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
begin
  if owner_id is null then
    perform private.refuse(401, 'unauthorized', 'Sign in to register a business');
  end if;
  select u.email, private.user_display_name(u.raw_user_meta_data)
    into owner_email, owner_name
  from auth.users u where u.id = owner_id;
  if not found then
    perform private.refuse(401, 'unauthorized', 'Sign in to register a business');
  end if;
  if exists (select 1 from public.accounts a where a.created_by = owner_id and a.status = 'pending') then
    perform private.refuse(409, 'application_pending', 'You already have a business waiting for approval');
  end if;
  return private.insert_business(owner_id, owner_email, owner_name, business_name, business_slug,
                                 contact_name, contact_email, contact_phone, owner_id);
end;
$$;

create function private.create_business_for_owner(
  owner_id uuid,
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
  admin_id uuid := (select auth.uid());
  owner_email text;
  owner_name text;
begin
  if admin_id is null or not (select private.is_admin()) then
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
$$;
comment on function private.create_business_for_owner(uuid, text, text, text, text, text) is
  'Platform admins only (403): creates an active account (approval implied: reviewed_by/at are the admin and now) owned by an existing user who belongs to no business yet (409 already_member). Called by accounts-register after it created the owner''s Auth user.';
revoke execute on function private.create_business_for_owner(uuid, text, text, text, text, text) from public, anon, authenticated;
