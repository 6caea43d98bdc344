-- Tool creators' API keys: machine access for a creator's backend, which may verify usages of its own
-- tools and read its revenue stats — and nothing else.
--
-- A key looks like `mk_<12 hex prefix>_<43 random characters>`. Only its SHA-256 hash is stored, in
-- private.api_key_secrets (not exposed); the secret is returned once, by create_api_key. Lists show
-- the prefix. A key stops working when revoked or expired; a tampered key matches no hash.

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  creator_id uuid not null references auth.users (id) on delete cascade,
  name text not null constraint api_keys_name_length check (char_length(btrim(name)) between 1 and 100),
  prefix text not null unique constraint api_keys_prefix_format check (prefix ~ '^mk_[0-9a-f]{12}$'),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.api_keys is
  'A tool creator''s API keys (metadata only: name, display prefix, expiry, revocation, last use). The hash of each secret lives in private.api_key_secrets. Created and revoked through create_api_key / revoke_api_key.';
comment on column public.api_keys.prefix is 'The public start of the key (mk_ + 12 hex digits), to recognise it in lists.';
comment on column public.api_keys.last_used_at is 'When the key last authenticated a request (updated at most once a minute).';

create index api_keys_creator_id_idx on public.api_keys (creator_id);

create table private.api_key_secrets (
  api_key_id uuid primary key references public.api_keys (id) on delete cascade,
  secret_hash bytea not null unique
);
comment on table private.api_key_secrets is 'SHA-256 of each API key. Never exposed; the key itself is never stored.';

-- ============================================================================================
-- Helper functions
-- ============================================================================================
-- The creator an API key belongs to, or a 401 error. One hash lookup; a tampered key simply matches nothing.
create function private.creator_for_api_key(p_key text)
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
  if key_row.last_used_at is null or key_row.last_used_at < now() - interval '1 minute' then
    update public.api_keys as k set last_used_at = now() where k.id = key_row.id;
  end if;
  return key_row.creator_id;
end;
$$;
comment on function private.creator_for_api_key(text) is 'Authenticates an API key: the owning creator''s id, or 401 invalid_api_key / api_key_revoked / api_key_expired.';
revoke execute on function private.creator_for_api_key(text) from public, anon, authenticated;

-- ============================================================================================
-- Row-level security
-- ============================================================================================
alter table public.api_keys enable row level security;
alter table private.api_key_secrets enable row level security;

revoke all on public.api_keys from anon, authenticated, service_role;
grant select on public.api_keys to authenticated, service_role;
revoke all on private.api_key_secrets from public, anon, authenticated, service_role;

create policy "API keys are visible to their creator and to admins" on public.api_keys
  for select to authenticated
  using (creator_id = (select auth.uid()) or (select private.is_admin()));

-- ============================================================================================
-- API functions
-- ============================================================================================
create function private.create_api_key(p_name text, p_expires_at timestamptz default null)
returns table (id uuid, name text, prefix text, expires_at timestamptz, created_at timestamptz, secret text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  new_prefix text;
  new_secret text;
  created public.api_keys;
begin
  if me is null or not (select private.caller_has_platform_role('tool_creator')) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only tool creators create API keys.');
  end if;
  if char_length(btrim(coalesce(p_name, ''))) not between 1 and 100 then
    perform private.raise_marketplace_error(400, 'invalid_name', 'Name the key in 1 to 100 characters.');
  end if;
  if p_expires_at is not null and p_expires_at <= now() then
    perform private.raise_marketplace_error(400, 'invalid_expiry', 'The expiry must be in the future.');
  end if;
  if (select count(*) from public.api_keys as k where k.creator_id = me and k.revoked_at is null) >= 20 then
    perform private.raise_marketplace_error(409, 'too_many_api_keys', 'Revoke a key first: at most 20 active keys.');
  end if;
  new_prefix := 'mk_' || encode(extensions.gen_random_bytes(6), 'hex');
  new_secret := new_prefix || '_' || translate(rtrim(encode(extensions.gen_random_bytes(32), 'base64'), '='), '+/', '-_');
  insert into public.api_keys (creator_id, name, prefix, expires_at)
  values (me, btrim(p_name), new_prefix, p_expires_at)
  returning * into created;
  insert into private.api_key_secrets (api_key_id, secret_hash) values (created.id, extensions.digest(new_secret, 'sha256'));
  return query select created.id, created.name, created.prefix, created.expires_at, created.created_at, new_secret;
end;
$$;
comment on function private.create_api_key(text, timestamptz) is 'Implements public.create_api_key for the signed-in creator.';
revoke execute on function private.create_api_key(text, timestamptz) from public, anon;
grant execute on function private.create_api_key(text, timestamptz) to authenticated;

create function public.create_api_key(name text, expires_at timestamptz default null)
returns table (id uuid, name text, prefix text, expires_at timestamptz, created_at timestamptz, secret text)
language sql
set search_path = ''
as $$
  select * from private.create_api_key(name, expires_at);
$$;
comment on function public.create_api_key(text, timestamptz) is
  'Tool creators only: creates an API key and returns it with its secret — the only time the secret is shown; only its hash is kept. Optional expiry (in the future). At most 20 active keys. 403 forbidden, 400 invalid_name / invalid_expiry, 409 too_many_api_keys.';
revoke execute on function public.create_api_key(text, timestamptz) from public, anon;
grant execute on function public.create_api_key(text, timestamptz) to authenticated;

create function private.revoke_api_key(p_api_key_id uuid)
returns public.api_keys
language plpgsql
security definer
set search_path = ''
as $$
declare
  revoked public.api_keys;
begin
  update public.api_keys as k set revoked_at = coalesce(k.revoked_at, now())
  where k.id = p_api_key_id and (k.creator_id = (select auth.uid()) or (select private.is_admin()))
  returning * into revoked;
  if not found then
    perform private.raise_marketplace_error(404, 'api_key_not_found', 'You have no such API key.');
  end if;
  return revoked;
end;
$$;
comment on function private.revoke_api_key(uuid) is 'Implements public.revoke_api_key.';
revoke execute on function private.revoke_api_key(uuid) from public, anon;
grant execute on function private.revoke_api_key(uuid) to authenticated;

create function public.revoke_api_key(api_key_id uuid)
returns public.api_keys
language sql
set search_path = ''
as $$
  select * from private.revoke_api_key(api_key_id);
$$;
comment on function public.revoke_api_key(uuid) is
  'Revokes one of the caller''s API keys (admins: anyone''s) at once and for good; revoking twice keeps the first time. 404 api_key_not_found.';
revoke execute on function public.revoke_api_key(uuid) from public, anon;
grant execute on function public.revoke_api_key(uuid) to authenticated;

-- What a creator's backend may ask with its key: is this a usage of my tools? (the creator-api function)
create function private.verify_usage_with_api_key(p_key text, p_usage_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  creator uuid := private.creator_for_api_key(p_key);
  found_usage jsonb;
begin
  select jsonb_build_object(
    'id', u.id, 'tool_id', u.tool_id, 'tool_name', t.name, 'client_id', u.client_id,
    'points_charged', u.points_charged, 'creator_share', u.creator_share, 'status', u.status, 'created_at', u.created_at)
  into found_usage
  from public.usages as u join public.tools as t on t.id = u.tool_id
  where u.id = p_usage_id and u.creator_id = creator;
  if found_usage is null then
    perform private.raise_marketplace_error(404, 'usage_not_found', 'No usage of your tools has this id.');
  end if;
  return found_usage;
end;
$$;
comment on function private.verify_usage_with_api_key(text, uuid) is
  'For the creator-api function: the usage with this id if it is a usage of the key owner''s tools (status tells whether it was refunded), else 404 usage_not_found; 401 for a bad key.';
revoke execute on function private.verify_usage_with_api_key(text, uuid) from public, anon, authenticated;
