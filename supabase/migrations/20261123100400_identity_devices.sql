-- =====================================================================================================
-- Identity: sign-in devices (seed 004's device tracking), derived from auth.sessions so it works with
-- the real Supabase Auth as well as the local one.
--
-- A device is one user agent of one user: every new Auth session (a sign-in) either creates the device
-- or bumps its last-seen time, IP and sign-in count; a refresh bumps last seen. When a user who already
-- had a device signs in from a new one, that device is flagged (`is_new_device`), the hook for a
-- "new sign-in from …" notice. Signing a device out ends every Auth session that device holds.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- tables

create table public.devices (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  user_agent text not null default '',
  ip inet,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  sign_in_count integer not null default 1,
  active_sessions integer not null default 0,
  is_new_device boolean not null default false,
  signed_out_at timestamptz,
  constraint devices_pkey primary key (id),
  constraint devices_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade,
  constraint devices_active_sessions_not_negative check (active_sessions >= 0)
);
comment on table public.devices is
  'Sign-in devices of a user (one per user agent), recorded from Auth sessions: first/last seen, last IP, '
  'sign-ins, sessions still open. Read-only through the API; sign one out with public.sign_out_device().';
comment on column public.devices.ip is 'The IP address of the latest sign-in or refresh from this device.';
comment on column public.devices.active_sessions is 'Auth sessions currently open on this device (0 = signed out).';
comment on column public.devices.is_new_device is
  'True when this device first signed in while the user already had another device: a new-device sign-in.';
comment on column public.devices.signed_out_at is 'When the device was last signed out with sign_out_device().';

-- one device per user agent of a user (md5 keeps the index small; user agents can be long)
create unique index devices_user_agent_key on public.devices (user_id, md5(user_agent));
create index devices_user_id_last_seen_at_idx on public.devices (user_id, last_seen_at desc);

create table private.device_sessions (
  session_id uuid not null,
  device_id uuid not null,
  created_at timestamptz not null default now(),
  constraint device_sessions_pkey primary key (session_id),
  constraint device_sessions_session_id_fkey foreign key (session_id) references auth.sessions (id) on delete cascade,
  constraint device_sessions_device_id_fkey foreign key (device_id) references public.devices (id) on delete cascade
);
comment on table private.device_sessions is
  'Which device each open Auth session belongs to. Rows go with their session (cascade), whoever deletes it.';
create index device_sessions_device_id_idx on private.device_sessions (device_id);

-- ----------------------------------------------------------------------------- triggers

/** AFTER INSERT on auth.sessions: records the sign-in on its device (creating the device if new). */
create function private.record_device_sign_in()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  had_devices boolean;
  device_id uuid;
begin
  select exists (select 1 from public.devices d where d.user_id = new.user_id) into had_devices;
  insert into public.devices as d (user_id, user_agent, ip, is_new_device)
  values (new.user_id, coalesce(new.user_agent, ''), new.ip, had_devices)
  on conflict (user_id, md5(user_agent)) do update
     set ip = excluded.ip,
         last_seen_at = now(),
         sign_in_count = d.sign_in_count + 1
  returning d.id into device_id;
  insert into private.device_sessions (session_id, device_id) values (new.id, device_id)
  on conflict on constraint device_sessions_pkey do nothing;
  return null;
end;
$$;
comment on function private.record_device_sign_in() is 'Trigger: records a new Auth session as a sign-in of its device.';
revoke execute on function private.record_device_sign_in() from public;

/** AFTER UPDATE OF refreshed_at on auth.sessions: a refresh means the device was seen again. */
create function private.record_device_refresh()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.devices d
     set last_seen_at = now(), ip = coalesce(new.ip, d.ip)
    from private.device_sessions s
   where s.session_id = new.id and d.id = s.device_id;
  return null;
end;
$$;
comment on function private.record_device_refresh() is 'Trigger: bumps last_seen_at (and IP) of the device of a refreshed session.';
revoke execute on function private.record_device_refresh() from public;

/** AFTER INSERT/DELETE on private.device_sessions: keeps devices.active_sessions exact. */
create function private.count_device_sessions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.devices set active_sessions = active_sessions + 1 where id = new.device_id;
  else
    update public.devices set active_sessions = greatest(active_sessions - 1, 0) where id = old.device_id;
  end if;
  return null;
end;
$$;
comment on function private.count_device_sessions() is 'Trigger: maintains devices.active_sessions.';
revoke execute on function private.count_device_sessions() from public;

create trigger on_auth_session_created_record_device
  after insert on auth.sessions
  for each row execute function private.record_device_sign_in();

create trigger on_auth_session_refreshed_record_device
  after update of refreshed_at on auth.sessions
  for each row
  when (new.refreshed_at is distinct from old.refreshed_at)
  execute function private.record_device_refresh();

create trigger count_sessions
  after insert or delete on private.device_sessions
  for each row execute function private.count_device_sessions();

-- ----------------------------------------------------------------------------- RLS policies

alter table public.devices enable row level security;

revoke all on public.devices from anon, authenticated;
grant select on public.devices to authenticated;

create policy "Devices are viewable by their user and by admins"
  on public.devices for select
  to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

-- ----------------------------------------------------------------------------- API functions

/**
 * Signs one of the caller's devices out: deletes every Auth session it holds (their refresh tokens go
 * with them, as with Auth's own sign-out; access tokens already issued expire on their own). Answers how
 * many sessions ended. 404 when the device is not the caller's.
 */
create function private.sign_out_device(p_device_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  ended integer;
begin
  perform 1 from public.devices d where d.id = p_device_id and d.user_id = (select auth.uid()) for update;
  if not found then
    raise exception 'No such device' using errcode = 'PT404';
  end if;
  delete from auth.sessions s
   where s.id in (select ds.session_id from private.device_sessions ds where ds.device_id = p_device_id);
  get diagnostics ended = row_count;
  update public.devices set signed_out_at = now() where id = p_device_id;
  return ended;
end;
$$;
comment on function private.sign_out_device(uuid) is 'Ends every Auth session of one of the requesting user''s devices.';
revoke execute on function private.sign_out_device(uuid) from public;
grant execute on function private.sign_out_device(uuid) to authenticated;

create function public.sign_out_device(device_id uuid)
returns integer
language sql
security invoker
set search_path = ''
as $$
  select private.sign_out_device(device_id);
$$;
comment on function public.sign_out_device(uuid) is
  'Signs one of your devices out (ends its Auth sessions); answers the number of sessions ended. 404 if not yours.';
revoke execute on function public.sign_out_device(uuid) from public, anon;
grant execute on function public.sign_out_device(uuid) to authenticated;
