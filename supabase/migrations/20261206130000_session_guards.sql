-- =====================================================================================================
-- Sessions and bans as the Edge Functions see them. A function that acts for a user verifies the
-- access token itself (supabase/functions/_shared/auth.ts) and then asks here, in one statement,
-- whether the token's session is still alive and its user in good standing, so signing out or a ban
-- stops the user at once instead of when the token expires. A ban (or a soft delete) revokes every API
-- key of the user in the same transaction, whoever sets it: the ban-user function, the Auth admin API or
-- an edit in Studio. The user's sessions are refused from that moment (Auth answers user_banned, the
-- functions check the ban here); the ban-user function also deletes them. API keys of a banned or
-- deleted creator are refused even if they were not revoked.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- helper functions

/**
 * The user's e-mail when session `p_session_id` of user `p_user_id` still exists, has not passed its
 * `not_after`, and the user is neither banned nor deleted; no row otherwise. One primary-key lookup
 * on each of auth.sessions and auth.users.
 */
create function private.live_session_user(p_user_id uuid, p_session_id uuid)
returns table (email text)
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(u.email, '')::text
  from auth.sessions as s
  join auth.users as u on u.id = s.user_id
  where s.id = p_session_id
    and s.user_id = p_user_id
    and (s.not_after is null or s.not_after > now())
    and (u.banned_until is null or u.banned_until <= now())
    and u.deleted_at is null;
$$;
comment on function private.live_session_user(uuid, uuid) is
  'For Edge Functions: the user''s e-mail when the access token''s session is alive and the user neither banned nor deleted; no row otherwise.';
revoke execute on function private.live_session_user(uuid, uuid) from public, anon, authenticated;

/**
 * AFTER UPDATE OF banned_until, deleted_at on auth.users: when a user becomes banned or deleted,
 * revokes all their API keys (lifting the ban later does not bring them back: the creator makes new
 * ones). Sessions stay for Auth to refuse with user_banned, as GoTrue does; nothing accepts them
 * while the ban lasts.
 */
create function private.end_access_of_banned_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if (new.banned_until is not null and new.banned_until > now()) or new.deleted_at is not null then
    update public.api_keys as k set revoked_at = now() where k.creator_id = new.id and k.revoked_at is null;
  end if;
  return null;
end;
$$;
comment on function private.end_access_of_banned_user() is
  'Trigger: a banned or deleted user loses every API key at once, however the ban was set.';
revoke execute on function private.end_access_of_banned_user() from public, anon, authenticated;

create trigger end_access_of_banned_user
  after update of banned_until, deleted_at on auth.users
  for each row
  when (new.banned_until is distinct from old.banned_until or new.deleted_at is distinct from old.deleted_at)
  execute function private.end_access_of_banned_user();

-- Keys of users banned before this migration.
update public.api_keys as k set revoked_at = now()
from auth.users as u
where u.id = k.creator_id and k.revoked_at is null
  and ((u.banned_until is not null and u.banned_until > now()) or u.deleted_at is not null);

/** The creator an API key belongs to, or a 401 error; a banned or deleted creator's key is refused too. */
create or replace function private.creator_for_api_key(p_key text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  key_row public.api_keys;
begin
  if p_key is null or p_key !~ '^mk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$' then
    perform private.raise_marketplace_error(401, 'invalid_api_key', 'The API key is missing or malformed.');
  end if;
  select k.* into key_row
  from private.api_key_secrets as s join public.api_keys as k on k.id = s.api_key_id
  where s.secret_hash = extensions.digest(p_key, 'sha256');
  if not found then
    perform private.raise_marketplace_error(401, 'invalid_api_key', 'The API key is not valid.');
  end if;
  if key_row.revoked_at is not null then
    perform private.raise_marketplace_error(401, 'api_key_revoked', 'The API key was revoked.');
  end if;
  if key_row.expires_at is not null and key_row.expires_at <= now() then
    perform private.raise_marketplace_error(401, 'api_key_expired', 'The API key has expired.');
  end if;
  if not exists (
    select 1 from auth.users as u
    where u.id = key_row.creator_id and (u.banned_until is null or u.banned_until <= now()) and u.deleted_at is null
  ) then
    perform private.raise_marketplace_error(401, 'api_key_revoked', 'The API key''s owner may no longer use it.');
  end if;
  if key_row.last_used_at is null or key_row.last_used_at < now() - interval '1 minute' then
    update public.api_keys as k set last_used_at = now() where k.id = key_row.id;
  end if;
  return key_row.creator_id;
end;
$$;
comment on function private.creator_for_api_key(text) is
  'Authenticates an API key: the owning creator''s id, or 401 invalid_api_key / api_key_revoked (also for a banned or deleted owner) / api_key_expired.';
revoke execute on function private.creator_for_api_key(text) from public, anon, authenticated;
