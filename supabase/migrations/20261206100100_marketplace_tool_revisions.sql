-- Approved tools change only after review. What clients see and pay (name, description, category,
-- price) and what the creator earns (share) were reviewed when the tool was approved; a creator's edit
-- of a live tool (approved, or suspended) no longer applies at once. It becomes a pending revision
-- that an admin approves or rejects, while the approved values stay in force: the tool stays in the
-- catalogue and clients keep paying the approved price.
--
-- - A creator's UPDATE of those columns on a live tool is held by a trigger: the tool row keeps its
--   values and the change is stored in public.tool_revisions (merged with a revision already pending).
--   The same REST call as before (PATCH /rest/v1/tools), so existing clients keep working.
-- - A revision is never edited: a further change supersedes it with a new one, so an admin always
--   approves exactly the values they looked at (approving a superseded revision is 409 invalid_status).
-- - public.review_tool_revision(revision, 'approve' | 'reject', note) — admins only — applies the
--   revision to the tool, or records why not. The creator withdraws a pending revision by deleting it.
-- - Admins, and SQL without a signed-in user (the service role, Studio as postgres), edit tools
--   directly: they are the reviewers.
-- Drafts, rejected tools and tools under review are edited directly, as before; their values are
-- reviewed when they are (re)submitted.

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.tool_revision_status as enum ('pending', 'approved', 'rejected', 'superseded');
comment on type public.tool_revision_status is
  'pending: waiting for an admin; approved: applied to the tool; rejected: not applied (with a note); superseded: replaced by a newer change of the creator before anyone decided.';

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.tool_revisions (
  id uuid primary key default gen_random_uuid(),
  tool_id uuid not null references public.tools (id) on delete cascade,
  creator_id uuid not null references auth.users (id) on delete restrict,
  name text not null constraint tool_revisions_name_length check (char_length(btrim(name)) between 2 and 100),
  description text not null constraint tool_revisions_description_length check (char_length(description) <= 5000),
  category text not null constraint tool_revisions_category_format check (category ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(category) <= 40),
  price_points integer not null constraint tool_revisions_price_positive check (price_points between 1 and 1000000),
  creator_share_percent integer not null constraint tool_revisions_creator_share_range check (creator_share_percent between 0 and 100),
  status public.tool_revision_status not null default 'pending',
  reviewed_by uuid references auth.users (id) on delete set null,
  reviewed_at timestamptz,
  review_note text constraint tool_revisions_review_note_length check (char_length(review_note) <= 1000),
  created_at timestamptz not null default now(),
  constraint tool_revisions_note_when_rejected check (status <> 'rejected' or review_note is not null)
);
comment on table public.tool_revisions is
  'Changes a creator proposed to a live (approved or suspended) tool: the complete proposed name, description, category, price and share. They apply only when an admin approves them (review_tool_revision); until then the tool keeps its approved values. Visible to the tool''s creator and admins; written only by the tools trigger and review_tool_revision; the creator may delete a pending one (withdraw it).';

create unique index tool_revisions_one_pending_idx on public.tool_revisions (tool_id) where status = 'pending';
create index tool_revisions_tool_id_created_at_idx on public.tool_revisions (tool_id, created_at);
create index tool_revisions_creator_id_idx on public.tool_revisions (creator_id);
create index tool_revisions_reviewed_by_idx on public.tool_revisions (reviewed_by);
create index tool_revisions_status_created_at_idx on public.tool_revisions (status, created_at);

-- ============================================================================================
-- Triggers
-- ============================================================================================
create function private.hold_live_tool_changes()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  held public.tool_revisions;
begin
  if old.status not in ('approved', 'suspended')
     or (new.name, new.description, new.category, new.price_points, new.creator_share_percent)
        is not distinct from (old.name, old.description, old.category, old.price_points, old.creator_share_percent)
     or (select auth.uid()) is null
     or (select private.is_admin()) then
    return new;
  end if;
  -- A further change supersedes the pending revision with the two merged.
  update public.tool_revisions as r set status = 'superseded'
  where r.tool_id = old.id and r.status = 'pending'
  returning * into held;
  insert into public.tool_revisions (tool_id, creator_id, name, description, category, price_points, creator_share_percent)
  values (
    old.id, old.creator_id,
    case when new.name is distinct from old.name or held.id is null then new.name else held.name end,
    case when new.description is distinct from old.description or held.id is null then new.description else held.description end,
    case when new.category is distinct from old.category or held.id is null then new.category else held.category end,
    case when new.price_points is distinct from old.price_points or held.id is null then new.price_points else held.price_points end,
    case when new.creator_share_percent is distinct from old.creator_share_percent or held.id is null then new.creator_share_percent else held.creator_share_percent end);
  -- The live tool keeps its approved values.
  new.name := old.name;
  new.description := old.description;
  new.category := old.category;
  new.price_points := old.price_points;
  new.creator_share_percent := old.creator_share_percent;
  return new;
end;
$$;
comment on function private.hold_live_tool_changes() is
  'Keeps a live tool''s reviewed values (name, description, category, price, share) when its creator changes them: the change becomes a pending public.tool_revisions row (superseding and merging with the one pending). Admins and SQL without a signed-in user change tools directly.';
revoke execute on function private.hold_live_tool_changes() from public, anon, authenticated;

create trigger tools_hold_live_changes before update of name, description, category, price_points, creator_share_percent on public.tools
  for each row execute function private.hold_live_tool_changes();

-- What clients pay and creators earn on a live tool is audited whoever changes it (an approved
-- revision, an admin through the API, Studio as postgres).
create function private.audit_live_tool_pricing()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.write_audit('tool.pricing_changed', 'tool', new.id::text,
    jsonb_build_object('price_points', old.price_points, 'creator_share_percent', old.creator_share_percent),
    jsonb_build_object('price_points', new.price_points, 'creator_share_percent', new.creator_share_percent));
  return null;
end;
$$;
comment on function private.audit_live_tool_pricing() is 'Writes an audit entry when the price or share of a live (approved or suspended) tool changes.';
revoke execute on function private.audit_live_tool_pricing() from public, anon, authenticated;

create trigger audit_live_tool_pricing after update of price_points, creator_share_percent on public.tools
  for each row when (old.status in ('approved', 'suspended')
                     and (old.price_points, old.creator_share_percent) is distinct from (new.price_points, new.creator_share_percent))
  execute function private.audit_live_tool_pricing();

-- ============================================================================================
-- Row-level security
-- ============================================================================================
alter table public.tool_revisions enable row level security;

revoke all on public.tool_revisions from anon, authenticated, service_role;
grant select, delete on public.tool_revisions to authenticated;
grant select on public.tool_revisions to service_role;

create policy "Revisions are visible to the tool's creator and to admins" on public.tool_revisions
  for select to authenticated
  using (creator_id = (select auth.uid()) or (select private.is_admin()));

create policy "Creators withdraw their pending revisions" on public.tool_revisions
  for delete to authenticated
  using (creator_id = (select auth.uid()) and status = 'pending');

-- ============================================================================================
-- API functions
-- ============================================================================================
create function private.review_tool_revision(p_revision_id uuid, p_decision text, p_note text default null)
returns public.tool_revisions
language plpgsql
security definer
set search_path = ''
as $$
declare
  admin_id uuid := (select auth.uid());
  to_status public.tool_revision_status;
  decided public.tool_revisions;
  current_status public.tool_revision_status;
  note text := nullif(btrim(p_note), '');
begin
  if admin_id is null or not (select private.is_admin()) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only admins review tool changes.');
  end if;
  case p_decision
    when 'approve' then to_status := 'approved';
    when 'reject' then to_status := 'rejected';
    else perform private.raise_marketplace_error(400, 'invalid_decision', 'Decide approve or reject.');
  end case;
  if to_status = 'rejected' and note is null then
    perform private.raise_marketplace_error(400, 'note_required', 'Say why the change is rejected.');
  end if;
  if char_length(note) > 1000 then
    perform private.raise_marketplace_error(400, 'note_too_long', 'Keep the note under 1,000 characters.');
  end if;

  update public.tool_revisions as r
  set status = to_status, reviewed_by = admin_id, reviewed_at = now(), review_note = note
  where r.id = p_revision_id and r.status = 'pending'
  returning * into decided;
  if not found then
    select r.status into current_status from public.tool_revisions as r where r.id = p_revision_id;
    if not found then
      perform private.raise_marketplace_error(404, 'revision_not_found', 'There is no such tool revision.');
    end if;
    if current_status = to_status then
      select * into decided from public.tool_revisions as r where r.id = p_revision_id;
      return decided; -- the same decision again: a retry gets the same answer
    end if;
    perform private.raise_marketplace_error(409, 'invalid_status', format('Cannot %s a %s revision.', p_decision, current_status));
  end if;
  if to_status = 'approved' then
    update public.tools as t
    set name = decided.name, description = decided.description, category = decided.category,
        price_points = decided.price_points, creator_share_percent = decided.creator_share_percent,
        reviewed_by = admin_id, reviewed_at = now()
    where t.id = decided.tool_id;
  end if;
  perform private.write_audit('tool_revision.' || to_status::text, 'tool_revision', decided.id::text,
    jsonb_build_object('status', 'pending'),
    jsonb_build_object('status', to_status, 'tool_id', decided.tool_id, 'price_points', decided.price_points,
                       'creator_share_percent', decided.creator_share_percent, 'review_note', note));
  return decided;
end;
$$;
comment on function private.review_tool_revision(uuid, text, text) is 'Implements public.review_tool_revision for admins.';
revoke execute on function private.review_tool_revision(uuid, text, text) from public, anon;
grant execute on function private.review_tool_revision(uuid, text, text) to authenticated;

create function public.review_tool_revision(revision_id uuid, decision text, note text default null)
returns public.tool_revisions
language sql
set search_path = ''
as $$
  select * from private.review_tool_revision(revision_id, decision, note);
$$;
comment on function public.review_tool_revision(uuid, text, text) is
  'Admins only: approve a creator''s pending change of a live tool (its name, description, category, price and share apply to the tool at once) or reject it (note required; the tool keeps its approved values). 403 forbidden, 404 revision_not_found, 409 invalid_status (already decided, or superseded by a newer change); the same decision twice returns the revision unchanged.';
revoke execute on function public.review_tool_revision(uuid, text, text) from public, anon;
grant execute on function public.review_tool_revision(uuid, text, text) to authenticated;
