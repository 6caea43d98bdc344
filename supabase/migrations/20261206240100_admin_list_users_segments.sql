-- The admin user list filters B2B users (members of a business account) and B2C users (no business),
-- as seed 001's user list does. public.admin_list_users gains `segment` as its last parameter with a
-- default, so every existing call keeps working; the old signature is dropped rather than overloaded
-- (PostgREST could not choose between two candidates for a call that names neither).

-- ============================================================================================
-- Helper functions
-- ============================================================================================
create function private.list_users(
  p_role public.platform_role,
  p_search text,
  p_created_from timestamptz,
  p_created_to timestamptz,
  p_limit integer,
  p_offset integer,
  p_segment text
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
begin
  if not private.is_admin() then
    raise exception 'Only an admin can list users' using errcode = '42501';
  end if;
  if p_segment is not null and p_segment not in ('b2b', 'b2c') then
    perform private.refuse(400, 'validation_failed', 'segment must be b2b or b2c', 'segment');
  end if;
  if p_segment is null then
    return query select * from private.list_users(p_role, p_search, p_created_from, p_created_to, p_limit, p_offset);
    return;
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
       and (nullif(btrim(p_search), '') is null
            or p.first_name ilike private.contains_pattern(btrim(p_search))
            or p.last_name ilike private.contains_pattern(btrim(p_search))
            or p.username ilike private.contains_pattern(btrim(p_search))
            or p.email ilike private.contains_pattern(btrim(p_search))
            or (coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '')) ilike private.contains_pattern(btrim(p_search)))
       and (exists (select 1 from public.account_members m where m.user_id = p.id)) = (p_segment = 'b2b')
     order by p.created_at desc, p.id
     limit p_limit offset p_offset;
end;
$$;
comment on function private.list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer, text) is
  'Admin user list with the B2B/B2C segment filter: b2b = member of at least one business account (any status), b2c = of none.';
revoke execute on function private.list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer, text) from public, anon;
grant execute on function private.list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer, text) to authenticated;

-- ============================================================================================
-- API functions
-- ============================================================================================
drop function public.admin_list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer);

create function public.admin_list_users(
  role_filter public.platform_role default null,
  search text default null,
  created_from timestamptz default null,
  created_to timestamptz default null,
  page_limit integer default 50,
  page_offset integer default 0,
  segment text default null
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
  select * from private.list_users(role_filter, search, created_from, created_to, page_limit, page_offset, segment);
$$;
comment on function public.admin_list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer, text) is
  'Admin: list users, newest first. Filters: role, search (names, username, e-mail), created_from <= created_at < '
  'created_to, segment (b2b: members of a business account; b2c: members of none); pages of page_limit (1–1000) '
  'from page_offset. total_count = matching users. 403 for non-admins; 400 validation_failed for another segment.';
revoke execute on function public.admin_list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer, text) from public, anon;
grant execute on function public.admin_list_users(public.platform_role, text, timestamptz, timestamptz, integer, integer, text) to authenticated;
