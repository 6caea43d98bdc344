-- Site content: pages and announcements that admins write and publish; anyone reads the published
-- ones ("manage site content"). A plain table behind RLS.

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.content_kind as enum ('page', 'announcement');
comment on type public.content_kind is 'page: a standing page (about, terms, help); announcement: dated news.';

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.site_content (
  id uuid primary key default gen_random_uuid(),
  kind public.content_kind not null default 'page',
  slug text not null unique constraint site_content_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 100),
  title text not null constraint site_content_title_length check (char_length(btrim(title)) between 1 and 200),
  body text not null default '' constraint site_content_body_length check (char_length(body) <= 100000),
  published boolean not null default false,
  published_at timestamptz,
  author_id uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.site_content is
  'Pages and announcements (slug, title, Markdown body). Admins create, edit, publish and delete them; anyone, signed in or not, reads the published ones.';
comment on column public.site_content.body is 'Markdown.';
comment on column public.site_content.published_at is 'When it was first published (set by the database).';

create index site_content_published_kind_idx on public.site_content (published, kind, published_at desc);
create index site_content_author_id_idx on public.site_content (author_id);

-- ============================================================================================
-- Triggers
-- ============================================================================================
create trigger site_content_touch_updated_at before update on public.site_content
  for each row execute function private.touch_updated_at();

create function private.stamp_published_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.published and new.published_at is null then
    new.published_at := now();
  end if;
  return new;
end;
$$;
comment on function private.stamp_published_at() is 'Sets site_content.published_at the first time a row is published.';
revoke execute on function private.stamp_published_at() from public, anon, authenticated;

create trigger site_content_stamp_published_at before insert or update of published on public.site_content
  for each row execute function private.stamp_published_at();

-- ============================================================================================
-- Row-level security
-- ============================================================================================
alter table public.site_content enable row level security;

revoke all on public.site_content from anon, authenticated;
grant select on public.site_content to anon, authenticated;
grant insert (kind, slug, title, body, published), update (kind, slug, title, body, published), delete on public.site_content to authenticated;

create policy "Published content is public" on public.site_content
  for select to anon
  using (published);

create policy "Published content is visible, and all content to admins" on public.site_content
  for select to authenticated
  using (published or (select private.is_admin()));

create policy "Admins create content" on public.site_content
  for insert to authenticated
  with check ((select private.is_admin()));

create policy "Admins edit content" on public.site_content
  for update to authenticated
  using ((select private.is_admin()))
  with check ((select private.is_admin()));

create policy "Admins delete content" on public.site_content
  for delete to authenticated
  using ((select private.is_admin()));
