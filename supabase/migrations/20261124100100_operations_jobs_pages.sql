-- Job lists page like every other list of the kit: `page` from 1 and `per_page` rows (50 by default,
-- at most 1000), answered as {items, total, page, per_page, page_count} (the SDK's Page). It replaced
-- list_jobs(status, type, max_rows), whose `max_rows` was the one `limit`-style list left.

drop function public.list_jobs(text, text, integer);
drop function private.list_jobs(text, text, integer);

create function private.list_jobs(p_status text, p_type text, p_page integer, p_per_page integer)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  admin boolean := private.is_admin();
  me uuid := (select auth.uid());
  page integer := coalesce(p_page, 1);
  per_page integer := coalesce(p_per_page, 50);
  total bigint;
  items jsonb;
begin
  if p_status is not null and not p_status = any (enum_range(null::private.job_status)::text[]) then
    perform private.payments_raise('invalid_status', 400, 'Unknown job status', jsonb_build_object('status', p_status));
  end if;
  if page < 1 or per_page < 1 or per_page > 1000 then
    perform private.payments_raise('invalid_page', 400, 'Use page ≥ 1 and 1 ≤ per_page ≤ 1000',
      jsonb_build_object('page', p_page, 'per_page', p_per_page));
  end if;
  select count(*) into total
    from private.jobs as x
   where (x.owner_id = me or admin)
     and (p_status is null or x.status::text = p_status)
     and (p_type is null or x.type = p_type);
  select coalesce(jsonb_agg(private.job_json(j) order by j.created_at desc, j.id), '[]'::jsonb) into items
    from (select * from private.jobs as x
           where (x.owner_id = me or admin)
             and (p_status is null or x.status::text = p_status)
             and (p_type is null or x.type = p_type)
           order by x.created_at desc, x.id
           limit per_page offset (page - 1)::bigint * per_page) as j;
  return jsonb_build_object('items', items, 'total', total, 'page', page, 'per_page', per_page,
    'page_count', ceil(total::numeric / per_page)::integer);
end;
$$;
comment on function private.list_jobs(text, text, integer, integer) is 'Implements public.list_jobs.';
revoke execute on function private.list_jobs(text, text, integer, integer) from public, anon, authenticated;
grant execute on function private.list_jobs(text, text, integer, integer) to authenticated;

create function public.list_jobs(status text default null, type text default null, page integer default 1, per_page integer default 50)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.list_jobs(status, type, page, per_page);
$$;
comment on function public.list_jobs(text, text, integer, integer) is
  'Your background jobs, newest first (admins: everyone''s), optionally by status and type, one page at a time: {items, total, page, per_page, page_count}. 400 invalid_status / invalid_page.';
revoke execute on function public.list_jobs(text, text, integer, integer) from public, anon;
grant execute on function public.list_jobs(text, text, integer, integer) to authenticated;
