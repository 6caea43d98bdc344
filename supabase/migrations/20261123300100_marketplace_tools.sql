-- Marketplace tools: paid services that tool creators publish, priced in points. A creator creates and
-- edits their tools and submits them for review; admins approve, reject, suspend, reinstate or edit
-- any; everyone browses approved tools.
--
-- Rules enforced here, in the database:
-- - only tool creators create tools, always as drafts of their own;
-- - the status moves only through private.submit_tool() and private.review_tool() (no column grant);
-- - a creator edits their own tools unless suspended; admins edit any;
-- - anonymous and signed-in users see approved tools; creators also see their own, admins all.
--
-- private.is_admin() and private.touch_updated_at() come from the identity migrations (202611231*).

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.tool_status as enum ('draft', 'pending_review', 'approved', 'rejected', 'suspended');
comment on type public.tool_status is
  'Lifecycle of a tool: draft → pending_review (submitted) → approved | rejected; rejected → pending_review (resubmitted); approved ↔ suspended (admins). Only approved tools can be browsed and used.';

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.tools (
  id uuid primary key default gen_random_uuid(),
  creator_id uuid not null default auth.uid() references auth.users (id) on delete restrict,
  name text not null constraint tools_name_length check (char_length(btrim(name)) between 2 and 100),
  description text not null default '' constraint tools_description_length check (char_length(description) <= 5000),
  category text not null constraint tools_category_format check (category ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(category) <= 40),
  price_points integer not null constraint tools_price_positive check (price_points between 1 and 1000000),
  creator_share_percent integer not null default 70 constraint tools_creator_share_range check (creator_share_percent between 0 and 100),
  status public.tool_status not null default 'draft',
  submitted_at timestamptz,
  reviewed_by uuid references auth.users (id) on delete set null,
  reviewed_at timestamptz,
  review_note text constraint tools_review_note_length check (char_length(review_note) <= 1000),
  usage_count bigint not null default 0,
  rating_count integer not null default 0,
  rating_sum integer not null default 0,
  rating_average numeric(3, 2) generated always as (
    case when rating_count > 0 then round(rating_sum::numeric / rating_count, 2) end
  ) stored,
  search tsvector generated always as (to_tsvector('simple', name || ' ' || description || ' ' || category)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint tools_note_when_refused check (status not in ('rejected', 'suspended') or review_note is not null)
);
comment on table public.tools is
  'Paid services published by tool creators, priced in whole points. Creators insert and edit them (name, description, category, price, revenue share); the status changes only through submit_tool and review_tool. usage_count and the rating columns are kept by the marketplace itself.';
comment on column public.tools.category is 'A lower-case slug such as text, image-generation or data.';
comment on column public.tools.price_points is 'What one use costs the client, in whole points (1 to 1,000,000).';
comment on column public.tools.creator_share_percent is 'The creator''s share of each use, in percent (0–100); the rest is the platform''s. The share of a use is floor(price × percent / 100).';
comment on column public.tools.usage_count is 'How many uses have been settled for the tool (its popularity); updated when earnings are settled.';
comment on column public.tools.rating_average is 'Average feedback rating (1–5, two decimals); null until the first rating.';
comment on column public.tools.search is 'Full-text search vector over name, description and category (simple configuration).';

create index tools_status_category_idx on public.tools (status, category);
create index tools_creator_id_idx on public.tools (creator_id);
create index tools_reviewed_by_idx on public.tools (reviewed_by);
create index tools_search_idx on public.tools using gin (search);

-- ============================================================================================
-- Triggers
-- ============================================================================================
create trigger tools_touch_updated_at before update on public.tools
  for each row execute function private.touch_updated_at();

-- ============================================================================================
-- Helper functions
-- ============================================================================================
-- Whether a user / the caller holds a platform role. The one place the marketplace reads how
-- the identity module stores roles; is_admin() is identity's own helper.
create function private.user_has_platform_role(p_user_id uuid, p_role text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.profiles as p where p.id = p_user_id and p.role::text = p_role);
$$;
comment on function private.user_has_platform_role(uuid, text) is 'True when the user''s platform role is the given one (client, tool_creator or admin).';
revoke execute on function private.user_has_platform_role(uuid, text) from public, anon, authenticated;

create function private.caller_has_platform_role(p_role text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.user_has_platform_role((select auth.uid()), p_role);
$$;
comment on function private.caller_has_platform_role(text) is 'True when the signed-in caller''s platform role is the given one.';
revoke execute on function private.caller_has_platform_role(text) from public, anon;
grant execute on function private.caller_has_platform_role(text) to authenticated, service_role;

-- ============================================================================================
-- Row-level security
-- ============================================================================================
alter table public.tools enable row level security;

revoke all on public.tools from anon, authenticated, service_role;
grant select on public.tools to anon, authenticated, service_role;
grant insert (name, description, category, price_points, creator_share_percent) on public.tools to authenticated;
grant update (name, description, category, price_points, creator_share_percent) on public.tools to authenticated;
grant insert, update on public.tools to service_role;

create policy "Approved tools are visible to everyone" on public.tools
  for select to anon
  using (status = 'approved');

create policy "Approved tools are visible, and your own, and all to admins" on public.tools
  for select to authenticated
  using (status = 'approved' or creator_id = (select auth.uid()) or (select private.is_admin()));

create policy "Tool creators create their own tools" on public.tools
  for insert to authenticated
  with check (creator_id = (select auth.uid()) and (select private.caller_has_platform_role('tool_creator')));

create policy "Creators edit their own tools unless suspended; admins edit any" on public.tools
  for update to authenticated
  using ((creator_id = (select auth.uid()) and status <> 'suspended') or (select private.is_admin()))
  with check ((creator_id = (select auth.uid()) and status <> 'suspended') or (select private.is_admin()));

-- ============================================================================================
-- API functions
-- ============================================================================================
create function private.submit_tool(p_tool_id uuid)
returns public.tools
language plpgsql
security definer
set search_path = ''
as $$
declare
  submitted public.tools;
  current_status public.tool_status;
begin
  update public.tools as t set status = 'pending_review', submitted_at = now()
  where t.id = p_tool_id and t.creator_id = (select auth.uid()) and t.status in ('draft', 'rejected')
  returning * into submitted;
  if found then
    return submitted;
  end if;
  select t.status into current_status from public.tools as t where t.id = p_tool_id and t.creator_id = (select auth.uid());
  if not found then
    perform private.raise_marketplace_error(404, 'tool_not_found', 'You have no such tool.');
  end if;
  if current_status = 'pending_review' then
    select * into submitted from public.tools as t where t.id = p_tool_id;
    return submitted; -- already submitted: a retry gets the same answer
  end if;
  perform private.raise_marketplace_error(409, 'invalid_status', format('A %s tool cannot be submitted for review.', current_status));
  return null;
end;
$$;
comment on function private.submit_tool(uuid) is 'Implements public.submit_tool for the signed-in creator.';
revoke execute on function private.submit_tool(uuid) from public, anon;
grant execute on function private.submit_tool(uuid) to authenticated;

create function public.submit_tool(tool_id uuid)
returns public.tools
language sql
set search_path = ''
as $$
  select * from private.submit_tool(tool_id);
$$;
comment on function public.submit_tool(uuid) is
  'The creator submits their draft or rejected tool for review (→ pending_review). 404 tool_not_found for someone else''s tool; 409 invalid_status when approved or suspended; submitting a pending tool again returns it unchanged.';
revoke execute on function public.submit_tool(uuid) from public, anon;
grant execute on function public.submit_tool(uuid) to authenticated;

create function private.review_tool(p_tool_id uuid, p_decision text, p_note text default null)
returns public.tools
language plpgsql
security definer
set search_path = ''
as $$
declare
  from_status public.tool_status[];
  to_status public.tool_status;
  reviewed public.tools;
  current_status public.tool_status;
  note text := nullif(btrim(p_note), '');
begin
  if (select auth.uid()) is null or not (select private.is_admin()) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only admins review tools.');
  end if;
  case p_decision
    when 'approve' then from_status := '{pending_review}'; to_status := 'approved';
    when 'reject' then from_status := '{pending_review}'; to_status := 'rejected';
    when 'suspend' then from_status := '{approved}'; to_status := 'suspended';
    when 'reinstate' then from_status := '{suspended}'; to_status := 'approved';
    else perform private.raise_marketplace_error(400, 'invalid_decision', 'Decide approve, reject, suspend or reinstate.');
  end case;
  if to_status in ('rejected', 'suspended') and note is null then
    perform private.raise_marketplace_error(400, 'note_required', format('Say why the tool is %s.', to_status));
  end if;
  if char_length(note) > 1000 then
    perform private.raise_marketplace_error(400, 'note_too_long', 'Keep the note under 1,000 characters.');
  end if;
  update public.tools as t
  set status = to_status, reviewed_by = (select auth.uid()), reviewed_at = now(), review_note = note
  where t.id = p_tool_id and t.status = any (from_status)
  returning * into reviewed;
  if found then
    return reviewed;
  end if;
  select t.status into current_status from public.tools as t where t.id = p_tool_id;
  if not found then
    perform private.raise_marketplace_error(404, 'tool_not_found', 'There is no such tool.');
  end if;
  if current_status = to_status then
    select * into reviewed from public.tools as t where t.id = p_tool_id;
    return reviewed; -- the same decision again: a retry gets the same answer
  end if;
  perform private.raise_marketplace_error(409, 'invalid_status', format('Cannot %s a %s tool.', p_decision, current_status));
  return null;
end;
$$;
comment on function private.review_tool(uuid, text, text) is 'Implements public.review_tool for admins.';
revoke execute on function private.review_tool(uuid, text, text) from public, anon;
grant execute on function private.review_tool(uuid, text, text) to authenticated;

create function public.review_tool(tool_id uuid, decision text, note text default null)
returns public.tools
language sql
set search_path = ''
as $$
  select * from private.review_tool(tool_id, decision, note);
$$;
comment on function public.review_tool(uuid, text, text) is
  'Admins only: approve or reject a submitted tool, suspend an approved one, reinstate a suspended one. A note is required to reject or suspend. 403 forbidden, 404 tool_not_found, 409 invalid_status; the same decision twice returns the tool unchanged.';
revoke execute on function public.review_tool(uuid, text, text) from public, anon;
grant execute on function public.review_tool(uuid, text, text) to authenticated;
