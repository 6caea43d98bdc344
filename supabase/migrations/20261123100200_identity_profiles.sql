-- =====================================================================================================
-- Identity: profiles and platform roles.
--
-- Every auth.users row gets exactly one public.profiles row, created by a trigger on auth.users that
-- works with GoTrue's write order (contract §3.3: the INSERT carries role = '' and only the client's
-- `data`; identities, confirmation and the role come in later UPDATEs).
--
-- The platform role (client | tool_creator | admin) lives in profiles.role — the authority for every
-- privileged check. A copy is kept in auth.users.raw_app_meta_data.role so it reaches the access token
-- as `app_metadata.role` (on the next sign-in or refresh). app_metadata is only writable with the
-- service role, and even then a trigger puts the profile's role back: the copy cannot drift.
--
-- Nobody can raise their own role: `role` is not in the columns the API roles may update, and a
-- trigger refuses a role change made on behalf of a signed-in user unless that user is an admin
-- changing someone else's role (public.set_user_role()).
-- =====================================================================================================

-- ----------------------------------------------------------------------------- types

create type public.platform_role as enum ('client', 'tool_creator', 'admin');
comment on type public.platform_role is
  'A user''s platform role: client (uses tools), tool_creator (publishes tools), admin (platform staff).';

-- ----------------------------------------------------------------------------- tables

create table public.profiles (
  id uuid not null,
  email text,
  first_name text,
  last_name text,
  username text,
  phone text,
  avatar_url text,
  date_of_birth date,
  address_line1 text,
  address_line2 text,
  city text,
  region text,
  postal_code text,
  country_code text,
  locale text not null default 'en',
  notification_preferences jsonb not null default '{"email": true, "push": true, "sms": false, "marketing": false}',
  role public.platform_role not null default 'client',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint profiles_pkey primary key (id),
  constraint profiles_id_fkey foreign key (id) references auth.users (id) on delete cascade,
  constraint profiles_first_name_length check (char_length(first_name) between 1 and 100),
  constraint profiles_last_name_length check (char_length(last_name) between 1 and 100),
  constraint profiles_username_format check (username ~ '^[A-Za-z0-9_.]{3,30}$'),
  constraint profiles_phone_format check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  constraint profiles_avatar_url_format check (avatar_url ~ '^https?://' and char_length(avatar_url) <= 2048),
  constraint profiles_date_of_birth_range check (date_of_birth between date '1900-01-01' and current_date),
  constraint profiles_address_line1_length check (char_length(address_line1) between 1 and 200),
  constraint profiles_address_line2_length check (char_length(address_line2) between 1 and 200),
  constraint profiles_city_length check (char_length(city) between 1 and 100),
  constraint profiles_region_length check (char_length(region) between 1 and 100),
  constraint profiles_postal_code_length check (char_length(postal_code) between 1 and 20),
  constraint profiles_country_code_format check (country_code ~ '^[A-Z]{2}$'),
  constraint profiles_locale_format check (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
  constraint profiles_notification_preferences_shape check (
    jsonb_typeof(notification_preferences) = 'object'
    and notification_preferences - array['email', 'push', 'sms', 'marketing'] = '{}'::jsonb
    and not jsonb_path_exists(notification_preferences, '$.* ? (@.type() != "boolean")')
  )
);
comment on table public.profiles is
  'One row per auth user (created by a trigger on auth.users): names, contact, address, preferences and the '
  'platform role. Users read and edit their own row except protected columns; admins read and edit all.';
comment on column public.profiles.email is 'Copy of auth.users.email, kept in sync by a trigger; change it through Auth.';
comment on column public.profiles.username is 'Optional public handle, unique case-insensitively.';
comment on column public.profiles.phone is 'Contact phone in E.164 form (+ and 7–15 digits). Not the Auth phone login.';
comment on column public.profiles.country_code is 'ISO 3166-1 alpha-2, upper case.';
comment on column public.profiles.locale is 'BCP 47 language tag such as en or pt-BR.';
comment on column public.profiles.notification_preferences is
  'Channels the user accepts notifications on: booleans under email, push, sms, marketing.';
comment on column public.profiles.role is
  'Platform role; the authority for privileged checks. Only an admin can change it (public.set_user_role), '
  'never its owner. Mirrored to the access token as app_metadata.role.';

create unique index profiles_username_key on public.profiles (lower(username));
create index profiles_role_created_at_idx on public.profiles (role, created_at desc);
create index profiles_created_at_idx on public.profiles (created_at desc);

-- ----------------------------------------------------------------------------- helper functions

/** True when `p_user_id` is an admin who is neither banned nor deleted. */
create function private.is_active_admin(p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
      from public.profiles p
      join auth.users u on u.id = p.id
     where p.id = p_user_id
       and p.role = 'admin'
       and u.deleted_at is null
       and (u.banned_until is null or u.banned_until <= now())
  );
$$;
comment on function private.is_active_admin(uuid) is
  'Whether the user is a platform admin right now (per profiles.role; banned or deleted admins are not).';
revoke execute on function private.is_active_admin(uuid) from public;

/**
 * True when the caller of the current request is an active admin. Reads the database, not the token,
 * so a demotion or a ban takes effect at once. Security definer: it reads profiles from inside the
 * profiles policies without recursing into them.
 */
create function private.is_admin()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.is_active_admin((select auth.uid()));
$$;
comment on function private.is_admin() is 'Whether the requesting user is an active platform admin (database check).';
revoke execute on function private.is_admin() from public;
grant execute on function private.is_admin() to authenticated;

/** A trimmed, length-capped text from user metadata, or null. */
create function private.metadata_text(p_value text, p_max_length integer)
returns text
language sql
immutable
set search_path = ''
as $$
  select nullif(left(btrim(p_value), p_max_length), '');
$$;
comment on function private.metadata_text(text, integer) is 'Cleans a free-text value taken from Auth user metadata.';
revoke execute on function private.metadata_text(text, integer) from public;

/** `raw_app_meta_data` as an object whatever it holds (GoTrue always writes an object; be safe anyway). */
create function private.as_object(p_value jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select case when jsonb_typeof(p_value) = 'object' then p_value else '{}'::jsonb end;
$$;
comment on function private.as_object(jsonb) is 'The value if it is a JSON object, else {}.';
revoke execute on function private.as_object(jsonb) from public;

-- ----------------------------------------------------------------------------- triggers

/**
 * BEFORE INSERT on auth.users: stamps the platform role into raw_app_meta_data. A role already there is
 * kept only if valid — only privileged writers (service role, SQL seeds) can set app_metadata at insert;
 * user-supplied `data` (user_metadata) is never trusted for the role. Everyone else starts as client.
 */
create function private.stamp_new_user_role()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  requested text := private.as_object(new.raw_app_meta_data) ->> 'role';
begin
  new.raw_app_meta_data := private.as_object(new.raw_app_meta_data) || jsonb_build_object(
    'role', case when requested in ('client', 'tool_creator', 'admin') then requested else 'client' end
  );
  return new;
end;
$$;
comment on function private.stamp_new_user_role() is
  'Trigger: gives a new auth user app_metadata.role (the valid role given by a privileged writer, else client).';
revoke execute on function private.stamp_new_user_role() from public;

/**
 * AFTER INSERT on auth.users: creates the profile. Names, username, phone, avatar and locale are taken
 * from user metadata (sign-up `data`, or an OAuth provider's claims) only when valid, so no client input
 * can make the sign-up fail; a taken username is simply left empty.
 */
create function private.create_profile_for_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  meta jsonb := private.as_object(new.raw_user_meta_data);
  full_name text := private.metadata_text(coalesce(meta ->> 'full_name', meta ->> 'name'), 201);
  first text := private.metadata_text(meta ->> 'first_name', 100);
  last text := private.metadata_text(meta ->> 'last_name', 100);
  wanted_username text := meta ->> 'username';
  wanted_phone text := meta ->> 'phone';
  wanted_avatar text := coalesce(meta ->> 'avatar_url', meta ->> 'picture');
  wanted_locale text := meta ->> 'locale';
  profile_role public.platform_role := (private.as_object(new.raw_app_meta_data) ->> 'role')::public.platform_role;
begin
  if first is null and last is null and full_name is not null then
    first := private.metadata_text(split_part(full_name, ' ', 1), 100);
    last := private.metadata_text(substr(full_name, char_length(split_part(full_name, ' ', 1)) + 2), 100);
  end if;
  if wanted_username !~ '^[A-Za-z0-9_.]{3,30}$' then wanted_username := null; end if;
  if wanted_phone !~ '^\+[1-9][0-9]{6,14}$' then wanted_phone := null; end if;
  if wanted_avatar !~ '^https?://' or char_length(wanted_avatar) > 2048 then wanted_avatar := null; end if;
  if wanted_locale !~ '^[a-z]{2,3}(-[A-Z]{2})?$' then wanted_locale := null; end if;

  begin
    insert into public.profiles (id, email, first_name, last_name, username, phone, avatar_url, locale, role)
    values (new.id, new.email, first, last, wanted_username, wanted_phone, wanted_avatar,
            coalesce(wanted_locale, 'en'), coalesce(profile_role, 'client'))
    on conflict on constraint profiles_pkey do nothing;
  exception when unique_violation then
    -- the username is taken: create the profile without it rather than fail the sign-up
    insert into public.profiles (id, email, first_name, last_name, phone, avatar_url, locale, role)
    values (new.id, new.email, first, last, wanted_phone, wanted_avatar,
            coalesce(wanted_locale, 'en'), coalesce(profile_role, 'client'))
    on conflict on constraint profiles_pkey do nothing;
  end;
  return null;
end;
$$;
comment on function private.create_profile_for_new_user() is
  'Trigger: creates the profile of a new auth user from its (validated) metadata and app_metadata.role.';
revoke execute on function private.create_profile_for_new_user() from public;

/**
 * BEFORE UPDATE on auth.users when app_metadata.role changes: puts the profile's role back. GoTrue
 * rewrites raw_app_meta_data from its in-memory copy (which never saw our key), and the service role
 * may try to set a role there; either way the token's role stays equal to profiles.role.
 */
create function private.keep_app_metadata_role()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  current_role_value public.platform_role;
begin
  select p.role into current_role_value from public.profiles p where p.id = new.id;
  if current_role_value is not null then
    new.raw_app_meta_data := private.as_object(new.raw_app_meta_data)
      || jsonb_build_object('role', current_role_value::text);
  elsif private.as_object(old.raw_app_meta_data) ? 'role' then
    new.raw_app_meta_data := private.as_object(new.raw_app_meta_data)
      || jsonb_build_object('role', old.raw_app_meta_data -> 'role');
  end if;
  return new;
end;
$$;
comment on function private.keep_app_metadata_role() is
  'Trigger: keeps auth.users.raw_app_meta_data.role equal to profiles.role whatever else rewrites app_metadata.';
revoke execute on function private.keep_app_metadata_role() from public;

/** AFTER UPDATE OF email on auth.users: keeps profiles.email in step with Auth (e-mail change, admin update). */
create function private.sync_profile_email()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.profiles set email = new.email where id = new.id;
  return null;
end;
$$;
comment on function private.sync_profile_email() is 'Trigger: copies a changed auth.users.email into profiles.email.';
revoke execute on function private.sync_profile_email() from public;

/**
 * BEFORE UPDATE on profiles when the role changes: a change made on behalf of a signed-in user (an API
 * request, or any function it calls) is allowed only for an active admin changing another user's role.
 * Changes without a user (service role, migrations, seeds, Edge Functions over their own connection)
 * pass: those callers are trusted and check permissions themselves.
 */
create function private.guard_profile_role()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  actor uuid := (select auth.uid());
begin
  if actor is null and coalesce((select auth.role()), '') not in ('anon', 'authenticated') then
    return new;
  end if;
  if actor is null or not private.is_active_admin(actor) then
    raise exception 'Only an admin can change a platform role' using errcode = '42501';
  end if;
  if actor = new.id then
    raise exception 'Admins cannot change their own platform role' using errcode = 'PT422';
  end if;
  return new;
end;
$$;
comment on function private.guard_profile_role() is
  'Trigger: refuses role changes by non-admins and admins changing their own role.';
revoke execute on function private.guard_profile_role() from public;

/** AFTER UPDATE OF role on profiles: mirrors the role into the token's app_metadata. */
create function private.sync_app_metadata_role()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update auth.users
     set raw_app_meta_data = private.as_object(raw_app_meta_data) || jsonb_build_object('role', new.role::text),
         updated_at = now()
   where id = new.id;
  return null;
end;
$$;
comment on function private.sync_app_metadata_role() is
  'Trigger: writes profiles.role into auth.users.raw_app_meta_data.role (reaches the token on refresh).';
revoke execute on function private.sync_app_metadata_role() from public;

/** BEFORE UPDATE on profiles: bumps updated_at. */
create function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.touch_updated_at() is 'Trigger: sets updated_at to now() on every update.';
revoke execute on function private.touch_updated_at() from public;

create trigger on_auth_user_before_insert_stamp_role
  before insert on auth.users
  for each row execute function private.stamp_new_user_role();

create trigger on_auth_user_created_create_profile
  after insert on auth.users
  for each row execute function private.create_profile_for_new_user();

create trigger on_auth_user_app_metadata_keep_role
  before update on auth.users
  for each row
  when ((new.raw_app_meta_data ->> 'role') is distinct from (old.raw_app_meta_data ->> 'role'))
  execute function private.keep_app_metadata_role();

create trigger on_auth_user_email_changed_sync_profile
  after update of email on auth.users
  for each row
  when (new.email is distinct from old.email)
  execute function private.sync_profile_email();

create trigger guard_role
  before update of role on public.profiles
  for each row
  when (new.role is distinct from old.role)
  execute function private.guard_profile_role();

create trigger touch_updated_at
  before update on public.profiles
  for each row execute function private.touch_updated_at();

create trigger sync_role_to_app_metadata
  after update of role on public.profiles
  for each row
  when (new.role is distinct from old.role)
  execute function private.sync_app_metadata_role();

-- ----------------------------------------------------------------------------- RLS policies

alter table public.profiles enable row level security;

-- Writes other than updates happen only through triggers and privileged code; column privileges keep
-- id, email, role and the timestamps out of reach of the API roles (defence in depth next to RLS).
revoke all on public.profiles from anon, authenticated;
grant select on public.profiles to authenticated;
grant update (
  first_name, last_name, username, phone, avatar_url, date_of_birth,
  address_line1, address_line2, city, region, postal_code, country_code,
  locale, notification_preferences
) on public.profiles to authenticated;

create policy "Profiles are viewable by their owner and by admins"
  on public.profiles for select
  to authenticated
  using (id = (select auth.uid()) or (select private.is_admin()));

create policy "Profiles are editable by their owner and by admins"
  on public.profiles for update
  to authenticated
  using (id = (select auth.uid()) or (select private.is_admin()))
  with check (id = (select auth.uid()) or (select private.is_admin()));

-- ----------------------------------------------------------------------------- API functions

/**
 * Changes a user's platform role. Admins only (checked in the database), never their own; answers the
 * updated profile. The new role reaches that user's token on their next refresh.
 */
create function private.set_platform_role(p_user_id uuid, p_role public.platform_role)
returns public.profiles
language plpgsql
security definer
set search_path = ''
as $$
declare
  actor uuid := (select auth.uid());
  result public.profiles;
begin
  if actor is null or not private.is_active_admin(actor) then
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
$$;
comment on function private.set_platform_role(uuid, public.platform_role) is
  'Sets a user''s platform role on behalf of the requesting admin (database-checked).';
revoke execute on function private.set_platform_role(uuid, public.platform_role) from public;
grant execute on function private.set_platform_role(uuid, public.platform_role) to authenticated;

create function public.set_user_role(user_id uuid, role public.platform_role)
returns public.profiles
language sql
security invoker
set search_path = ''
as $$
  select * from private.set_platform_role(user_id, role);
$$;
comment on function public.set_user_role(uuid, public.platform_role) is
  'Admin: change a user''s platform role (not your own). 403 for non-admins, 404 for an unknown user. '
  'The user''s token carries the new role from their next refresh.';
revoke execute on function public.set_user_role(uuid, public.platform_role) from public, anon;
grant execute on function public.set_user_role(uuid, public.platform_role) to authenticated;
