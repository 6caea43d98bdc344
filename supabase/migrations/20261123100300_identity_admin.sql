-- =====================================================================================================
-- Identity, admin side: the user list with filters and pagination (profiles joined with the Auth facts
-- an admin needs: confirmation, last sign-in, ban), and the password check that change-password uses.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- helper functions

/**
 * Whether `p_password` is the user's current password. Compares against the bcrypt hash Auth stored
 * ($2a$ from GoTrue; $2b$/$2y$ are the same algorithm for passwords under 72 bytes, which pgcrypto only
 * knows as $2a$). Used by the change-password function so that checking the old password does not
 * create a sign-in session. Not granted to any API role.
 */
create function private.password_matches(p_user_id uuid, p_password text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select u.encrypted_password ~ '^\$2[abxy]\$[0-9]{2}\$.{53}$'
       and substr(extensions.crypt(p_password, '$2a$' || substr(u.encrypted_password, 5)), 5)
           = substr(u.encrypted_password, 5)
      from auth.users u
     where u.id = p_user_id
  ), false);
$$;
comment on function private.password_matches(uuid, text) is
  'Whether the password matches the user''s Auth bcrypt hash (no session is created).';
revoke execute on function private.password_matches(uuid, text) from public;

/** LIKE pattern matching `p_text` anywhere, with LIKE's wildcards in the text taken literally. */
create function private.contains_pattern(p_text text)
returns text
language sql
immutable
set search_path = ''
as $$
  select '%' || replace(replace(replace(p_text, '\', '\\'), '%', '\%'), '_', '\_') || '%';
$$;
comment on function private.contains_pattern(text) is 'An ILIKE pattern for "contains", escaping % and _.';
revoke execute on function private.contains_pattern(text) from public;

-- ----------------------------------------------------------------------------- API functions

/**
 * The admin user list: profiles with e-mail confirmation, last sign-in and ban from Auth, newest first.
 * Filters: role, text search on first/last name, username and e-mail, creation range [from, to).
 * `total_count` is the number of matching users (for pagination), repeated on every row.
 * Admins only (database check); 403 for anyone else. Caveat: the text search scans profiles (no
 * trigram index); fine for staff use on up to a few hundred thousand users.
 */
create function private.list_users(
  p_role public.platform_role,
  p_search text,
  p_created_from timestamptz,
  p_created_to timestamptz,
  p_limit integer,
  p_offset integer
)
returns table (
  id uuid,
  email text,
  first_name text,
  last_name text,
  username text,
  phone text,
  role public.platform_role,
  created_at timestamptz,
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  banned_until timestamptz,
  total_count bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  pattern text := case when nullif(btrim(p_search), '') is null then null
                       else private.contains_pattern(btrim(p_search)) end;
begin
  if not private.is_admin() then
    raise exception 'Only an admin can list users' using errcode = '42501';
  end if;
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'page_limit must be between 1 and 1000' using errcode = '22023';
  end if;
  if p_offset is null or p_offset < 0 then
    raise exception 'page_offset must be 0 or more' using errcode = '22023';
  end if;
  return query
    select p.id, p.email, p.first_name, p.last_name, p.username, p.phone, p.role, p.created_at,
           u.email_confirmed_at, u.last_sign_in_at,
           case when u.banned_until > now() then u.banned_until end,
           count(*) over ()
      from public.profiles p
      join auth.users u on u.id = p.id
     where (p_role is null or p.role = p_role)
       and (p_created_from is null or p.created_at >= p_created_from)
       and (p_created_to is null or p.created_at < p_created_to)
       and (pattern is null
            or p.first_name ilike pattern or p.last_name ilike pattern
            or p.username ilike pattern or p.email ilike pattern
            or (coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '')) ilike pattern)
     order by p.created_at desc, p.id
     limit p_limit offset p_offset;
end;
$$;
comment on function private.list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer) is
  'Admin user list with Auth facts, filters and pagination (database-checked admin).';
revoke execute on function private.list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer) from public;
grant execute on function private.list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer)
  to authenticated;

create function public.admin_list_users(
  role_filter public.platform_role default null,
  search text default null,
  created_from timestamptz default null,
  created_to timestamptz default null,
  page_limit integer default 50,
  page_offset integer default 0
)
returns table (
  id uuid,
  email text,
  first_name text,
  last_name text,
  username text,
  phone text,
  role public.platform_role,
  created_at timestamptz,
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  banned_until timestamptz,
  total_count bigint
)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.list_users(role_filter, search, created_from, created_to, page_limit, page_offset);
$$;
comment on function public.admin_list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer) is
  'Admin: list users, newest first. Filters: role, search (names, username, e-mail), created_from <= created_at < '
  'created_to; pages of page_limit (1–1000) from page_offset. total_count = matching users. 403 for non-admins.';
revoke execute on function public.admin_list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer)
  from public, anon;
grant execute on function public.admin_list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer)
  to authenticated;
