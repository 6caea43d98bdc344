-- Feedback: a client rates (1–5) and reviews a tool after using it, once per usage. Tools carry their
-- rating count and average, kept by a trigger.

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.feedback (
  id uuid primary key default gen_random_uuid(),
  usage_id uuid not null unique references public.usages (id) on delete restrict,
  tool_id uuid not null references public.tools (id) on delete restrict,
  client_id uuid not null references auth.users (id) on delete restrict,
  rating smallint not null constraint feedback_rating_range check (rating between 1 and 5),
  review text constraint feedback_review_length check (char_length(review) <= 2000),
  created_at timestamptz not null default now()
);
comment on table public.feedback is
  'A client''s rating (1–5) and optional review of a tool, for one of their usages (once per usage). Public for approved tools, without the client''s id. Written through submit_feedback; admins may delete (moderation).';

create index feedback_tool_id_created_at_idx on public.feedback (tool_id, created_at desc);
create index feedback_client_id_idx on public.feedback (client_id);

-- ============================================================================================
-- Triggers
-- ============================================================================================
create function private.count_tool_rating()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.tools as t set rating_count = t.rating_count + 1, rating_sum = t.rating_sum + new.rating where t.id = new.tool_id;
  elsif tg_op = 'DELETE' then
    update public.tools as t set rating_count = t.rating_count - 1, rating_sum = t.rating_sum - old.rating where t.id = old.tool_id;
  end if;
  return null;
end;
$$;
comment on function private.count_tool_rating() is 'Keeps tools.rating_count and rating_sum (hence rating_average) in step with public.feedback.';
revoke execute on function private.count_tool_rating() from public, anon, authenticated;

create trigger feedback_count_tool_rating after insert or delete on public.feedback
  for each row execute function private.count_tool_rating();

-- ============================================================================================
-- Row-level security
-- ============================================================================================
alter table public.feedback enable row level security;

-- Reviews are public, their authors are not: client_id is not granted (submit_feedback returns it to its author).
revoke all on public.feedback from anon, authenticated, service_role;
grant select (id, usage_id, tool_id, rating, review, created_at) on public.feedback to anon, authenticated;
grant select, delete on public.feedback to service_role;
grant delete on public.feedback to authenticated;

create policy "Feedback on approved tools is public" on public.feedback
  for select to anon
  using (exists (select 1 from public.tools as t where t.id = tool_id and t.status = 'approved'));

create policy "Feedback is visible on approved and own tools, to its author and admins" on public.feedback
  for select to authenticated
  using (
    exists (select 1 from public.tools as t where t.id = tool_id and (t.status = 'approved' or t.creator_id = (select auth.uid())))
    or client_id = (select auth.uid())
    or (select private.is_admin())
  );

create policy "Admins delete feedback" on public.feedback
  for delete to authenticated
  using ((select private.is_admin()));

-- ============================================================================================
-- API functions
-- ============================================================================================
create function private.submit_feedback(p_usage_id uuid, p_rating integer, p_review text)
returns public.feedback
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  used public.usages;
  submitted public.feedback;
  review text := nullif(btrim(p_review), '');
begin
  if me is null then
    perform private.raise_marketplace_error(401, 'unauthorized', 'Sign in to rate a tool.');
  end if;
  if p_rating is null or p_rating not between 1 and 5 then
    perform private.raise_marketplace_error(400, 'invalid_rating', 'Rate from 1 to 5.');
  end if;
  if char_length(review) > 2000 then
    perform private.raise_marketplace_error(400, 'review_too_long', 'Keep the review under 2,000 characters.');
  end if;
  select * into used from public.usages as u where u.id = p_usage_id and u.client_id = me;
  if not found then
    perform private.raise_marketplace_error(404, 'usage_not_found', 'You can rate a tool only for one of your usages.');
  end if;
  insert into public.feedback (usage_id, tool_id, client_id, rating, review)
  values (used.id, used.tool_id, me, p_rating, review)
  on conflict (usage_id) do nothing
  returning * into submitted;
  if not found then
    perform private.raise_marketplace_error(409, 'feedback_exists', 'You already rated this usage.');
  end if;
  return submitted;
end;
$$;
comment on function private.submit_feedback(uuid, integer, text) is 'Implements public.submit_feedback for the signed-in client.';
revoke execute on function private.submit_feedback(uuid, integer, text) from public, anon;
grant execute on function private.submit_feedback(uuid, integer, text) to authenticated;

create function public.submit_feedback(usage_id uuid, rating integer, review text default null)
returns public.feedback
language sql
set search_path = ''
as $$
  select * from private.submit_feedback(usage_id, rating, review);
$$;
comment on function public.submit_feedback(uuid, integer, text) is
  'The client rates (1–5) and optionally reviews (≤ 2,000 characters) the tool of one of their usages, once per usage. 400 invalid_rating / review_too_long, 404 usage_not_found (not yours or none), 409 feedback_exists.';
revoke execute on function public.submit_feedback(uuid, integer, text) from public, anon;
grant execute on function public.submit_feedback(uuid, integer, text) to authenticated;
