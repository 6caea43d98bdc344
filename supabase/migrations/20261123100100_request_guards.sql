-- =====================================================================================================
-- Request guards for Edge Functions: idempotency keys (a retried mutating request returns the first
-- result) and fixed-window rate limits. Both are private machinery that functions call over their
-- direct database connection; no API role can touch them.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- tables

create table private.idempotency_keys (
  scope text not null,
  key text not null,
  request_hash text not null,
  -- null while the first request is still running
  response_status smallint,
  response_body jsonb,
  started_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '24 hours',
  constraint idempotency_keys_pkey primary key (scope, key),
  constraint idempotency_keys_key_length check (char_length(key) between 1 and 255)
);
comment on table private.idempotency_keys is
  'One row per Idempotency-Key seen by a mutating Edge Function: the request fingerprint and, once finished, '
  'the response to replay. Kept 24 hours. `scope` is the function name plus the caller.';
create index idempotency_keys_expires_at_idx on private.idempotency_keys (expires_at);

create table private.rate_limits (
  bucket text not null,
  key text not null,
  window_started_at timestamptz not null,
  hits integer not null,
  constraint rate_limits_pkey primary key (bucket, key)
);
comment on table private.rate_limits is
  'Fixed-window request counters per (bucket, key), e.g. (''waitlist'', <client ip>). One row per key, reset '
  'in place when its window has passed.';
create index rate_limits_window_started_at_idx on private.rate_limits (window_started_at);

-- ----------------------------------------------------------------------------- API functions

/**
 * Claims an idempotency key. Outcomes:
 * - `started`: first time (or the earlier attempt was abandoned): go ahead, then finish or release it;
 * - `replay`: finished before with the same request: answer `response_status` / `response_body`;
 * - `in_progress`: the first request is still running;
 * - `mismatch`: the key was used for a different request.
 * An attempt that never finished is considered abandoned after 5 minutes.
 */
create function private.begin_idempotent_request(p_scope text, p_key text, p_request_hash text)
returns table (outcome text, response_status smallint, response_body jsonb)
language plpgsql
security definer
set search_path = ''
as $$
declare
  existing private.idempotency_keys;
begin
  -- Expired keys go a few at a time, so no job is needed to keep the table small.
  delete from private.idempotency_keys
   where ctid in (select ctid from private.idempotency_keys where expires_at < now() limit 50);

  insert into private.idempotency_keys (scope, key, request_hash)
  values (p_scope, p_key, p_request_hash)
  on conflict on constraint idempotency_keys_pkey do nothing;
  if found then
    return query select 'started'::text, null::smallint, null::jsonb;
    return;
  end if;

  select * into existing from private.idempotency_keys k
   where k.scope = p_scope and k.key = p_key
   for update;
  if existing.request_hash <> p_request_hash then
    return query select 'mismatch'::text, null::smallint, null::jsonb;
  elsif existing.response_status is not null then
    return query select 'replay'::text, existing.response_status, existing.response_body;
  elsif existing.started_at < now() - interval '5 minutes' then
    update private.idempotency_keys k set started_at = now()
     where k.scope = p_scope and k.key = p_key;
    return query select 'started'::text, null::smallint, null::jsonb;
  else
    return query select 'in_progress'::text, null::smallint, null::jsonb;
  end if;
end;
$$;
comment on function private.begin_idempotent_request(text, text, text) is
  'Claims an Idempotency-Key for a request fingerprint: started | replay | in_progress | mismatch.';
revoke execute on function private.begin_idempotent_request(text, text, text) from public;

/** Stores the response of a request that claimed a key, for replays. */
create function private.finish_idempotent_request(p_scope text, p_key text, p_status smallint, p_body jsonb)
returns void
language sql
security definer
set search_path = ''
as $$
  update private.idempotency_keys
     set response_status = p_status, response_body = p_body
   where scope = p_scope and key = p_key;
$$;
comment on function private.finish_idempotent_request(text, text, smallint, jsonb) is
  'Records the response of a finished idempotent request so a retry with the same key replays it.';
revoke execute on function private.finish_idempotent_request(text, text, smallint, jsonb) from public;

/** Forgets a claimed key (the request failed on our side), so a retry runs again. */
create function private.release_idempotent_request(p_scope text, p_key text)
returns void
language sql
security definer
set search_path = ''
as $$
  delete from private.idempotency_keys where scope = p_scope and key = p_key and response_status is null;
$$;
comment on function private.release_idempotent_request(text, text) is
  'Releases an unfinished idempotency key after a server-side failure, so the client may retry.';
revoke execute on function private.release_idempotent_request(text, text) from public;

/**
 * Counts one hit for (bucket, key) in a fixed window and says whether it is within `p_max_hits`.
 * Atomic (one upsert), so concurrent requests cannot both take the last slot.
 */
create function private.take_rate_limit(p_bucket text, p_key text, p_max_hits integer, p_window interval)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  counted integer;
begin
  delete from private.rate_limits
   where ctid in (select ctid from private.rate_limits where window_started_at < now() - interval '1 day' limit 50);

  insert into private.rate_limits as r (bucket, key, window_started_at, hits)
  values (p_bucket, p_key, now(), 1)
  on conflict on constraint rate_limits_pkey do update
     set window_started_at = case when r.window_started_at + p_window <= now() then now() else r.window_started_at end,
         hits = case when r.window_started_at + p_window <= now() then 1 else r.hits + 1 end
  returning hits into counted;
  return counted <= p_max_hits;
end;
$$;
comment on function private.take_rate_limit(text, text, integer, interval) is
  'Takes one request from a fixed-window rate limit; false when the window''s budget is spent.';
revoke execute on function private.take_rate_limit(text, text, integer, interval) from public;
