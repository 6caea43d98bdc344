-- The product's Storage policies on storage.objects, as a matrix: each bucket (avatars, media,
-- account-files) × person (the file's owner, another user, a platform admin, anon; for account files
-- the account's owner / admin / member with and without view_payments, another account's owner) ×
-- select / insert / update / delete. tests.try_as runs each statement as that person and rolls it
-- back. Also: the storage helper functions, the delete guard, and the clean-up triggers.
begin;
select plan(70);
select tests.crm_fixture();
-- The Storage API sets this for its own deletes; the matrix deletes directly.
select set_config('storage.allow_delete_query', 'true', true);

insert into storage.objects (bucket_id, name, owner, owner_id, metadata) values
  ('avatars', tests.crm_id('owner') || '/avatar.png', tests.crm_id('owner'), tests.crm_id('owner')::text, '{"mimetype":"image/png","size":10}'),
  ('media', tests.crm_id('owner') || '/doc.txt', tests.crm_id('owner'), tests.crm_id('owner')::text, '{"mimetype":"text/plain","size":3}'),
  ('account-files', tests.crm_id('account_a') || '/contract.pdf', tests.crm_id('owner'), tests.crm_id('owner')::text, '{"mimetype":"application/pdf","size":8}');

-- helpers, as storage-api defines them
select is(storage.foldername('u1/a/b.png'), array['u1', 'a'], 'foldername gives the folders');
select is(storage.foldername('b.png'), '{}'::text[], 'foldername of a root-level name is empty');
select is(storage.filename('u1/a/b.png'), 'b.png', 'filename gives the last segment');
select is(storage.extension('u1/x.tar.gz'), 'gz', 'extension gives the last suffix');
select is(private.avatar_type_matches('u/a.JPG', '{"mimetype":"image/jpeg"}'), true, 'a .JPG name matches image/jpeg');
select is(private.avatar_type_matches('u/a.png', '{"mimetype":"image/jpeg"}'), false, 'a .png name does not match image/jpeg');
select is(private.avatar_type_matches('u/a.png', null), false, 'no MIME type matches nothing');

select is(tests.try_as(actor, statement), expected, description)
from (values
  -- avatars: public bucket; policies only for the owner's own folder (and admin removal)
  ('owner', $q$select 1 from storage.objects where bucket_id = 'avatars' and name = :owner || '/avatar.png'$q$, 'rows:1', 'avatars: the owner sees their avatar row'),
  ('outsider', $q$select 1 from storage.objects where bucket_id = 'avatars'$q$, 'rows:0', 'avatars: another user lists no avatar rows'),
  ('anon', $q$select 1 from storage.objects where bucket_id = 'avatars'$q$, 'rows:0', 'avatars: anon lists no avatar rows'),
  ('owner', $q$insert into storage.objects (bucket_id, name, owner_id, metadata) values ('avatars', :owner || '/new.png', :owner, '{"mimetype":"image/png"}')$q$, 'rows:1', 'avatars: the owner uploads a PNG into their folder'),
  ('owner', $q$insert into storage.objects (bucket_id, name, owner_id, metadata) values ('avatars', :owner || '/new.webp', :owner, '{"mimetype":"image/webp"}')$q$, 'rows:1', 'avatars: the owner uploads a WebP into their folder'),
  ('owner', $q$insert into storage.objects (bucket_id, name, owner_id, metadata) values ('avatars', :owner || '/new.png', :owner, '{"mimetype":"image/jpeg"}')$q$, 'error:42501', 'avatars: a JPEG type behind a .png name is refused'),
  ('owner', $q$insert into storage.objects (bucket_id, name, owner_id, metadata) values ('avatars', :owner || '/new.html', :owner, '{"mimetype":"text/html"}')$q$, 'error:42501', 'avatars: an HTML file is refused'),
  ('owner', $q$insert into storage.objects (bucket_id, name, owner_id, metadata) values ('avatars', :owner || '/deep/new.png', :owner, '{"mimetype":"image/png"}')$q$, 'error:42501', 'avatars: no subfolders'),
  ('owner', $q$insert into storage.objects (bucket_id, name, owner_id, metadata) values ('avatars', 'root.png', :owner, '{"mimetype":"image/png"}')$q$, 'error:42501', 'avatars: no root-level files'),
  ('outsider', $q$insert into storage.objects (bucket_id, name, owner_id, metadata) values ('avatars', :owner || '/planted.png', :outsider, '{"mimetype":"image/png"}')$q$, 'error:42501', 'avatars: another user cannot write into the owner''s folder'),
  ('anon', $q$insert into storage.objects (bucket_id, name, metadata) values ('avatars', :owner || '/anon.png', '{"mimetype":"image/png"}')$q$, 'error:42501', 'avatars: anon cannot upload'),
  ('owner', $q$update storage.objects set metadata = '{"mimetype":"image/png","size":11}' where bucket_id = 'avatars' and name = :owner || '/avatar.png'$q$, 'rows:1', 'avatars: the owner replaces their avatar'),
  ('owner', $q$update storage.objects set name = :outsider || '/avatar.png' where bucket_id = 'avatars' and name = :owner || '/avatar.png'$q$, 'error:42501', 'avatars: the owner cannot move their avatar into another folder'),
  ('outsider', $q$update storage.objects set metadata = '{}' where bucket_id = 'avatars'$q$, 'rows:0', 'avatars: another user updates nothing'),
  ('outsider', $q$delete from storage.objects where bucket_id = 'avatars'$q$, 'rows:0', 'avatars: another user deletes nothing'),
  ('platform_admin', $q$select 1 from storage.objects where bucket_id = 'avatars' and name = :owner || '/avatar.png'$q$, 'rows:1', 'avatars: a platform admin lists every avatar'),
  ('platform_admin', $q$delete from storage.objects where bucket_id = 'avatars' and name = :owner || '/avatar.png'$q$, 'rows:1', 'avatars: a platform admin removes an avatar (moderation)'),
  ('owner', $q$delete from storage.objects where bucket_id = 'avatars' and name = :owner || '/avatar.png'$q$, 'rows:1', 'avatars: the owner removes their avatar'),
  ('anon', $q$delete from storage.objects where bucket_id = 'avatars'$q$, 'rows:0', 'avatars: anon deletes nothing'),

  -- media: private per user; admins read all
  ('owner', $q$select 1 from storage.objects where bucket_id = 'media'$q$, 'rows:1', 'media: the owner sees their file'),
  ('outsider', $q$select 1 from storage.objects where bucket_id = 'media'$q$, 'rows:0', 'media: another user sees nothing'),
  ('platform_admin', $q$select 1 from storage.objects where bucket_id = 'media' and name like :owner || '/%'$q$, 'rows:1', 'media: a platform admin reads every file'),
  ('anon', $q$select 1 from storage.objects where bucket_id = 'media'$q$, 'rows:0', 'media: anon sees nothing'),
  ('owner', $q$insert into storage.objects (bucket_id, name, owner_id) values ('media', :owner || '/a/b/c.bin', :owner)$q$, 'rows:1', 'media: the owner uploads anywhere in their folder'),
  ('outsider', $q$insert into storage.objects (bucket_id, name, owner_id) values ('media', :owner || '/planted.bin', :outsider)$q$, 'error:42501', 'media: another user cannot write into the owner''s folder'),
  ('platform_admin', $q$insert into storage.objects (bucket_id, name) values ('media', :owner || '/admin.bin')$q$, 'error:42501', 'media: a platform admin cannot write into a user''s folder'),
  ('anon', $q$insert into storage.objects (bucket_id, name) values ('media', :owner || '/anon.bin')$q$, 'error:42501', 'media: anon cannot upload'),
  ('owner', $q$update storage.objects set name = :owner || '/renamed.txt' where bucket_id = 'media'$q$, 'rows:1', 'media: the owner renames within their folder'),
  ('owner', $q$update storage.objects set name = :outsider || '/doc.txt' where bucket_id = 'media'$q$, 'error:42501', 'media: the owner cannot move a file into another user''s folder'),
  ('owner', $q$update storage.objects set bucket_id = 'avatars', name = :owner || '/doc.png' where bucket_id = 'media'$q$, 'error:42501', 'media: the owner cannot move a private file into the public bucket as a non-image'),
  ('outsider', $q$update storage.objects set name = :outsider || '/stolen.txt' where bucket_id = 'media'$q$, 'rows:0', 'media: another user cannot take the owner''s file'),
  ('platform_admin', $q$update storage.objects set metadata = '{}' where bucket_id = 'media'$q$, 'rows:0', 'media: a platform admin changes nothing'),
  ('owner', $q$delete from storage.objects where bucket_id = 'media'$q$, 'rows:1', 'media: the owner deletes their file'),
  ('outsider', $q$delete from storage.objects where bucket_id = 'media'$q$, 'rows:0', 'media: another user deletes nothing'),
  ('platform_admin', $q$delete from storage.objects where bucket_id = 'media'$q$, 'rows:0', 'media: a platform admin deletes nothing'),

  -- account-files: members with view_payments read; owners and admins write
  ('owner', $q$select 1 from storage.objects where bucket_id = 'account-files'$q$, 'rows:1', 'account-files: the account owner reads'),
  ('admin', $q$select 1 from storage.objects where bucket_id = 'account-files'$q$, 'rows:1', 'account-files: an account admin reads'),
  ('payments_viewer', $q$select 1 from storage.objects where bucket_id = 'account-files'$q$, 'rows:1', 'account-files: a member with view_payments reads'),
  ('member_with', $q$select 1 from storage.objects where bucket_id = 'account-files'$q$, 'rows:1', 'account-files: a member with manage_payments (implies view_payments) reads'),
  ('member_without', $q$select 1 from storage.objects where bucket_id = 'account-files'$q$, 'rows:0', 'account-files: a member without permissions reads nothing'),
  ('other', $q$select 1 from storage.objects where bucket_id = 'account-files'$q$, 'rows:0', 'account-files: another account''s owner reads nothing'),
  ('platform_admin', $q$select 1 from storage.objects where bucket_id = 'account-files'$q$, 'rows:0', 'account-files: a platform admin reads nothing'),
  ('anon', $q$select 1 from storage.objects where bucket_id = 'account-files'$q$, 'rows:0', 'account-files: anon reads nothing'),
  ('owner', $q$insert into storage.objects (bucket_id, name) values ('account-files', :account_a || '/invoice.pdf')$q$, 'rows:1', 'account-files: the owner uploads'),
  ('admin', $q$insert into storage.objects (bucket_id, name) values ('account-files', :account_a || '/invoice.pdf')$q$, 'rows:1', 'account-files: an admin uploads'),
  ('payments_viewer', $q$insert into storage.objects (bucket_id, name) values ('account-files', :account_a || '/invoice.pdf')$q$, 'error:42501', 'account-files: a member with view_payments cannot upload'),
  ('member_without', $q$insert into storage.objects (bucket_id, name) values ('account-files', :account_a || '/invoice.pdf')$q$, 'error:42501', 'account-files: a member without permissions cannot upload'),
  ('other', $q$insert into storage.objects (bucket_id, name) values ('account-files', :account_a || '/invoice.pdf')$q$, 'error:42501', 'account-files: another account''s owner cannot upload'),
  ('pending_owner', $q$insert into storage.objects (bucket_id, name) values ('account-files', :account_p || '/invoice.pdf')$q$, 'error:42501', 'account-files: the owner of a pending account cannot upload'),
  ('anon', $q$insert into storage.objects (bucket_id, name) values ('account-files', :account_a || '/invoice.pdf')$q$, 'error:42501', 'account-files: anon cannot upload'),
  ('owner', $q$update storage.objects set metadata = '{}' where bucket_id = 'account-files'$q$, 'rows:1', 'account-files: the owner updates'),
  ('owner', $q$update storage.objects set name = :account_b || '/contract.pdf' where bucket_id = 'account-files'$q$, 'error:42501', 'account-files: the owner cannot move a file into another account'),
  ('payments_viewer', $q$update storage.objects set metadata = '{}' where bucket_id = 'account-files'$q$, 'rows:0', 'account-files: a member with view_payments updates nothing'),
  ('other', $q$update storage.objects set metadata = '{}' where bucket_id = 'account-files'$q$, 'rows:0', 'account-files: another account''s owner updates nothing'),
  ('admin', $q$delete from storage.objects where bucket_id = 'account-files'$q$, 'rows:1', 'account-files: an admin deletes'),
  ('payments_viewer', $q$delete from storage.objects where bucket_id = 'account-files'$q$, 'rows:0', 'account-files: a member with view_payments deletes nothing'),
  ('other', $q$delete from storage.objects where bucket_id = 'account-files'$q$, 'rows:0', 'account-files: another account''s owner deletes nothing')
) as matrix(actor, statement, expected, description);

-- buckets: nobody but the service role manages them
select is(tests.try_as('owner', $q$insert into storage.buckets (id, name) values ('mine', 'mine')$q$), 'error:42501', 'a user cannot create a bucket');
select is(tests.try_as('owner', $q$update storage.buckets set public = true where id = 'media'$q$), 'rows:0', 'a user cannot make a bucket public');

-- the delete guard and the clean-up
select set_config('storage.allow_delete_query', 'false', true);
select throws_ok($q$delete from storage.objects where bucket_id = 'media'$q$, '42501', 'Direct deletion from storage tables is not allowed. Use the Storage API instead.',
  'direct deletes are refused without the Storage API''s switch');
delete from public.accounts where id = tests.crm_id('account_a');
select is((select count(*)::int from storage.objects where bucket_id = 'account-files' and name like tests.crm_id('account_a') || '/%'), 0,
  'deleting an account removes its files');
delete from auth.users where id = tests.crm_id('owner');
select is((select count(*)::int from storage.objects where bucket_id in ('avatars', 'media') and name like tests.crm_id('owner') || '/%'), 0,
  'deleting a user removes their avatars and media');
select is(current_setting('storage.allow_delete_query', true), 'false', 'the clean-up leaves the delete switch as it found it');

select * from finish();
rollback;
