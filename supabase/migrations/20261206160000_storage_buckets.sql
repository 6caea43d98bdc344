-- Storage: the product's buckets and the RLS policies on storage.objects that decide who reads and
-- writes which files, plus the clean-up of a user's or an account's files when they are deleted.
-- Plain SQL on the storage schema every Supabase project has, so it works unchanged on hosted.
--
-- Paths:
--   avatars/<user id>/<file>         public read (public bucket), the owner writes; png/jpeg/webp, ≤ 2 MB
--   media/<user id>/<file…>          private: the owner reads and writes; platform admins read all; ≤ 20 MB
--   account-files/<account id>/<…>   private per business account: active members holding view_payments
--                                    read (owners and admins hold every permission); owners/admins write
--
-- The first folder of the path decides. storage.foldername() is empty for a root-level name, so a
-- file outside any folder matches no policy. Public buckets are read through the Storage API without
-- RLS; the SELECT policies below only add listing and the RETURNING an upsert needs.

-- ============================================================================================
-- Buckets
-- ============================================================================================
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types) values
  ('avatars', 'avatars', true, 2 * 1024 * 1024, array['image/png', 'image/jpeg', 'image/webp']),
  ('media', 'media', false, 20 * 1024 * 1024, null),
  ('account-files', 'account-files', false, 20 * 1024 * 1024, null)
on conflict (id) do update
  set public = excluded.public, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types;

-- ============================================================================================
-- Helpers
-- ============================================================================================

-- Whether an avatar's file extension agrees with its declared MIME type (a PNG named .jpg, or a
-- text file named .png, is refused). Immutable, no table access: safe inside policies.
create function private.avatar_type_matches(object_name text, object_metadata jsonb)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select lower(storage.extension(object_name)) = any (
    case object_metadata ->> 'mimetype'
      when 'image/png' then array['png']
      when 'image/jpeg' then array['jpg', 'jpeg']
      when 'image/webp' then array['webp']
      else array[]::text[]
    end
  );
$$;
comment on function private.avatar_type_matches(text, jsonb) is
  'Whether an avatar object''s extension matches its MIME type (png, jpg/jpeg, webp).';
revoke execute on function private.avatar_type_matches(text, jsonb) from public, anon;
grant execute on function private.avatar_type_matches(text, jsonb) to authenticated, service_role;

-- ============================================================================================
-- Policies on storage.objects
-- ============================================================================================

-- avatars: the owner sees (lists, upserts) and writes only avatars/<own id>/…; reads of the public
-- URL need no policy. Platform admins list and remove any avatar (moderation).
create policy "avatars: owner or admin lists" on storage.objects
  for select to authenticated
  using (bucket_id = 'avatars' and ((storage.foldername(name))[1] = (select auth.uid())::text or (select private.is_admin())));

create policy "avatars: owner uploads images to own folder" on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'avatars'
    and (storage.foldername(name))[1] = (select auth.uid())::text
    and array_length(storage.foldername(name), 1) = 1
    and private.avatar_type_matches(name, metadata)
  );

create policy "avatars: owner replaces own images" on storage.objects
  for update to authenticated
  using (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid())::text)
  with check (
    bucket_id = 'avatars'
    and (storage.foldername(name))[1] = (select auth.uid())::text
    and array_length(storage.foldername(name), 1) = 1
    and private.avatar_type_matches(name, metadata)
  );

create policy "avatars: owner or admin deletes" on storage.objects
  for delete to authenticated
  using (bucket_id = 'avatars' and ((storage.foldername(name))[1] = (select auth.uid())::text or (select private.is_admin())));

-- media: private per user; admins read everything (support, moderation) but write nothing of others.
create policy "media: owner or admin reads" on storage.objects
  for select to authenticated
  using (bucket_id = 'media' and ((storage.foldername(name))[1] = (select auth.uid())::text or (select private.is_admin())));

create policy "media: owner uploads to own folder" on storage.objects
  for insert to authenticated
  with check (bucket_id = 'media' and (storage.foldername(name))[1] = (select auth.uid())::text);

create policy "media: owner updates own files" on storage.objects
  for update to authenticated
  using (bucket_id = 'media' and (storage.foldername(name))[1] = (select auth.uid())::text)
  with check (bucket_id = 'media' and (storage.foldername(name))[1] = (select auth.uid())::text);

create policy "media: owner deletes own files" on storage.objects
  for delete to authenticated
  using (bucket_id = 'media' and (storage.foldername(name))[1] = (select auth.uid())::text);

-- account-files: the account id is the first folder. Reading needs view_payments (contracts and
-- invoices belong with payments); owners and admins of the active account hold it and alone write.
create policy "account-files: members with view_payments read" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'account-files'
    and (storage.foldername(name))[1] = any ((select private.account_ids_with('view_payments'))::text[])
  );

create policy "account-files: owners and admins upload" on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'account-files'
    and (storage.foldername(name))[1] = any ((select private.managed_account_ids())::text[])
  );

create policy "account-files: owners and admins update" on storage.objects
  for update to authenticated
  using (
    bucket_id = 'account-files'
    and (storage.foldername(name))[1] = any ((select private.managed_account_ids())::text[])
  )
  with check (
    bucket_id = 'account-files'
    and (storage.foldername(name))[1] = any ((select private.managed_account_ids())::text[])
  );

create policy "account-files: owners and admins delete" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'account-files'
    and (storage.foldername(name))[1] = any ((select private.managed_account_ids())::text[])
  );

-- ============================================================================================
-- Clean-up: a deleted user's avatars and media, a deleted account's files
-- ============================================================================================

-- Deletes the object rows under `folder` in `buckets`, with the Storage API's delete switch on for
-- this statement only, and announces each on the `storage_orphans` channel. The local Storage server
-- removes those bytes; on hosted Supabase they can no longer be read (every read goes through the
-- row) and are left to the project's storage clean-up.
create function private.remove_storage_folder(buckets text[], folder text)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  previous text := current_setting('storage.allow_delete_query', true);
  deleted_count bigint;
begin
  perform set_config('storage.allow_delete_query', 'true', true);
  with deleted as (
    delete from storage.objects o
     where o.bucket_id = any (buckets)
       and o.name like replace(replace(replace(folder, '\', '\\'), '%', '\%'), '_', '\_') || '/%'
    returning o.bucket_id, o.name, o.version
  )
  -- Delivered at commit to whoever listens (the local Storage server removes those blobs).
  select count(pg_notify('storage_orphans', json_build_object('bucket', d.bucket_id, 'name', d.name, 'version', d.version)::text))
    into deleted_count
    from deleted d;
  perform set_config('storage.allow_delete_query', coalesce(previous, ''), true);
  return deleted_count;
end;
$$;
comment on function private.remove_storage_folder(text[], text) is
  'Deletes the storage object rows under <folder>/ in the given buckets (clean-up of deleted users and accounts); returns how many.';
revoke execute on function private.remove_storage_folder(text[], text) from public, anon, authenticated;

create function private.remove_storage_of_deleted_profile()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.remove_storage_folder(array['avatars', 'media'], old.id::text);
  return old;
end;
$$;
comment on function private.remove_storage_of_deleted_profile() is
  'Trigger: when a profile (its user) is deleted, its avatars and media go with it.';
revoke execute on function private.remove_storage_of_deleted_profile() from public, anon, authenticated;

create trigger remove_storage_after_delete after delete on public.profiles
  for each row execute function private.remove_storage_of_deleted_profile();

create function private.remove_storage_of_deleted_account()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.remove_storage_folder(array['account-files'], old.id::text);
  return old;
end;
$$;
comment on function private.remove_storage_of_deleted_account() is
  'Trigger: when a business account is deleted, its files go with it.';
revoke execute on function private.remove_storage_of_deleted_account() from public, anon, authenticated;

create trigger remove_storage_after_delete after delete on public.accounts
  for each row execute function private.remove_storage_of_deleted_account();
