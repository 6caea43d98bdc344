-- =====================================================================================================
-- Idempotency keys for the creating SQL functions that had none: create_api_key, submit_task and
-- enqueue_job. A request that carries an `Idempotency-Key` header claims the key in
-- `private.idempotency_keys` (the table the Edge Functions and the insert trigger use) as the first
-- thing the function does after checking who calls, in the same transaction as the row it creates, so
-- the claim commits exactly when the row does:
-- - first time: the work is done and the claim records the new row's id;
-- - the same key again with the same arguments (a retry after a lost answer): nothing is created, the
--   function answers the row created the first time (an API key without its secret, which only the
--   first answer carried and which is never stored; a task or job as it stands now). Quotas are not
--   counted again, so the retry of the creation that reached a quota is still answered;
-- - the same key with other arguments: 422 `idempotency_key_reused`, nothing is created.
-- Keys are per caller and function (scope `rpc:<function>:<user>`) and live 24 hours like every key
-- there. The fingerprint is an HMAC of the arguments under private.idempotency_fingerprint_secret.
-- Concurrent requests with one key serialise on the claim's primary key: the second waits for the
-- first to commit (then replays) or roll back (then runs).
-- =====================================================================================================

-- ----------------------------------------------------------------------------- helpers

/**
 * Claims the request's Idempotency-Key for p_operation with the fingerprint of p_arguments. Answers
 * null when the request has no key or has just claimed it (go ahead, then record the result), and the
 * first request's recorded response when it is a replay. 422 idempotency_key_reused for other
 * arguments, 400 invalid_idempotency_key for a key that is not 1 to 255 characters.
 */
create function private.claim_request_idempotency(p_operation text, p_arguments jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  idem_key text := nullif(current_setting('request.headers', true), '')::jsonb ->> 'idempotency-key';
  claim_scope text;
  fingerprint text;
  existing private.idempotency_keys;
begin
  if idem_key is null then
    return null;
  end if;
  if char_length(idem_key) not between 1 and 255 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An Idempotency-Key of 1 to 255 characters is required.');
  end if;
  claim_scope := format('rpc:%s:%s', p_operation, coalesce((select auth.uid())::text, current_user));
  select 'hmac:' || encode(extensions.hmac(convert_to(coalesce(p_arguments, 'null'::jsonb)::text, 'UTF8'), s.secret, 'sha256'), 'hex')
    into fingerprint
    from private.idempotency_fingerprint_secret as s;

  insert into private.idempotency_keys as k (scope, key, request_hash)
  values (claim_scope, idem_key, fingerprint)
  on conflict on constraint idempotency_keys_pkey do update
    set request_hash = excluded.request_hash, response_status = null, response_body = null,
        started_at = now(), expires_at = now() + interval '24 hours'
    where k.expires_at < now();
  if found then
    return null;
  end if;

  select * into existing from private.idempotency_keys as k where k.scope = claim_scope and k.key = idem_key;
  if existing.request_hash is distinct from fingerprint then
    perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
  end if;
  if existing.response_body is null then
    perform private.raise_marketplace_error(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key has not finished.');
  end if;
  return existing.response_body;
end;
$$;
comment on function private.claim_request_idempotency(text, jsonb) is
  'Claims the request''s Idempotency-Key for a creating SQL function (same transaction): null to go ahead (no key, or first use), '
  'the first request''s recorded response on a replay; 422 idempotency_key_reused for other arguments.';
revoke execute on function private.claim_request_idempotency(text, jsonb) from public, anon, authenticated;

/** Records what the request that claimed its Idempotency-Key (private.claim_request_idempotency) created. */
create function private.record_request_idempotency(p_operation text, p_response jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  idem_key text := nullif(current_setting('request.headers', true), '')::jsonb ->> 'idempotency-key';
begin
  if idem_key is null then
    return;
  end if;
  update private.idempotency_keys as k
     set response_status = 200, response_body = p_response
   where k.scope = format('rpc:%s:%s', p_operation, coalesce((select auth.uid())::text, current_user))
     and k.key = idem_key;
end;
$$;
comment on function private.record_request_idempotency(text, jsonb) is
  'Records the response (the created row''s id) of the request that claimed its Idempotency-Key with private.claim_request_idempotency.';
revoke execute on function private.record_request_idempotency(text, jsonb) from public, anon, authenticated;

-- ----------------------------------------------------------------------------- API keys

create or replace function private.create_api_key(p_name text, p_expires_at timestamptz default null)
returns table (id uuid, name text, prefix text, expires_at timestamptz, created_at timestamptz, secret text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  replay jsonb;
  new_prefix text;
  new_secret text;
  created public.api_keys;
begin
  if me is null or not (select private.caller_has_platform_role('tool_creator')) then
    perform private.raise_marketplace_error(403, 'forbidden', 'Only tool creators create API keys.');
  end if;
  replay := private.claim_request_idempotency('create_api_key', jsonb_build_object('name', p_name, 'expires_at', p_expires_at));
  if replay is not null then
    -- The secret was shown once, by the first answer, and is not stored: a replay answers it as null.
    return query
      select k.id, k.name, k.prefix, k.expires_at, k.created_at, null::text
      from public.api_keys as k
      where k.id = (replay ->> 'id')::uuid;
    return;
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
  perform private.record_request_idempotency('create_api_key', jsonb_build_object('id', created.id));
  return query select created.id, created.name, created.prefix, created.expires_at, created.created_at, new_secret;
end;
$$;

comment on function public.create_api_key(text, timestamptz) is
  'Tool creators only: creates an API key and returns it with its secret — the only time the secret is shown; only its hash is kept. Optional expiry (in the future). At most 20 active keys. With an Idempotency-Key header, a retry with the same name and expiry creates nothing and answers the first key with secret null (never stored, never shown again); other arguments 422 idempotency_key_reused. 403 forbidden, 400 invalid_name / invalid_expiry, 409 too_many_api_keys.';

-- ----------------------------------------------------------------------------- tasks

create or replace function private.submit_task(p_type text, p_input jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  limits jsonb := private.task_limits();
  input jsonb := coalesce(p_input, '{}'::jsonb);
  replay jsonb;
  payload jsonb;
  object_size bigint;
  unfinished integer;
  recent integer;
  job private.jobs;
begin
  if caller is null then
    perform private.refuse(401, 'unauthorized', 'Sign in to submit a task');
  end if;
  replay := private.claim_request_idempotency('submit_task', jsonb_build_object('type', p_type, 'input', input));
  if replay is not null then
    select * into job from private.jobs as j where j.id = (replay ->> 'id')::uuid and j.owner_id = caller;
    if not found then
      perform private.refuse(404, 'task_not_found', 'The task this Idempotency-Key submitted is gone');
    end if;
    return private.task_json(job);
  end if;
  if p_type is null or p_type not in ('add', 'process_csv') then
    perform private.refuse(400, 'unknown_task_type', 'Unknown task type: use add or process_csv', 'type');
  end if;
  if octet_length(input::text) > (limits ->> 'max_input_bytes')::int then
    perform private.refuse(413, 'input_too_large', format('A task''s input may be at most %s bytes', limits ->> 'max_input_bytes'), 'input');
  end if;
  if jsonb_typeof(input) <> 'object' then
    perform private.refuse(400, 'validation_failed', 'input must be an object', 'input');
  end if;

  if p_type = 'add' then
    if (select count(*) from jsonb_object_keys(input) k where k not in ('a', 'b')) > 0
       or jsonb_typeof(input -> 'a') is distinct from 'number' or jsonb_typeof(input -> 'b') is distinct from 'number' then
      perform private.refuse(400, 'validation_failed', 'add takes {a, b}: two numbers', 'input');
    end if;
    if abs((input ->> 'a')::numeric) > (limits ->> 'max_number')::numeric or abs((input ->> 'b')::numeric) > (limits ->> 'max_number')::numeric then
      perform private.refuse(400, 'validation_failed', 'add''s numbers must lie between -1e15 and 1e15', 'input');
    end if;
    payload := jsonb_build_object('a', input -> 'a', 'b', input -> 'b');
  else
    if (select count(*) from jsonb_object_keys(input) k where k <> 'path') > 0
       or jsonb_typeof(input -> 'path') is distinct from 'string'
       or char_length(input ->> 'path') not between 1 and 1024 then
      perform private.refuse(400, 'validation_failed', 'process_csv takes {path}: a file of yours in the media bucket', 'input');
    end if;
    -- Only the submitter's own files (the media bucket's folder per user), never another user's.
    select coalesce((o.metadata ->> 'size')::bigint, 0) into object_size
    from storage.objects o
    where o.bucket_id = 'media' and o.name = input ->> 'path' and (storage.foldername(o.name))[1] = caller::text;
    if not found then
      perform private.refuse(404, 'file_not_found', 'No file of yours at this path in the media bucket', 'path');
    end if;
    if object_size > (limits ->> 'max_csv_bytes')::bigint then
      perform private.refuse(413, 'input_too_large', format('A CSV file may be at most %s bytes', limits ->> 'max_csv_bytes'), 'path');
    end if;
    payload := jsonb_build_object('path', input ->> 'path', 'owner_id', caller);
  end if;

  -- One submission at a time per user, so the quota checks and the insert cannot interleave.
  perform pg_advisory_xact_lock(hashtextextended('tasks:' || caller::text, 0));
  select count(*) filter (where j.status in ('queued', 'running')),
         count(*) filter (where j.created_at > now() - interval '1 hour')
    into unfinished, recent
  from private.jobs j
  where j.owner_id = caller and j.type like 'tasks.%' and j.created_at > now() - interval '30 days';
  if unfinished >= (limits ->> 'max_unfinished')::int then
    perform private.refuse(429, 'task_quota_exceeded',
      format('You have %s unfinished tasks; wait until one finishes (at most %s at once)', unfinished, limits ->> 'max_unfinished'));
  end if;
  if recent >= (limits ->> 'max_per_hour')::int then
    perform private.refuse(429, 'rate_limited', format('At most %s tasks an hour', limits ->> 'max_per_hour'));
  end if;

  job := private.enqueue_job('tasks.' || p_type, payload, caller, null, 3, null, 5);
  perform private.record_request_idempotency('submit_task', jsonb_build_object('id', job.id));
  return private.task_json(job);
end;
$$;

comment on function public.submit_task(text, jsonb) is
  'Submits a background task (seed 004''s POST /tasks): type add with input {a, b} (numbers), or process_csv with input {path} (a CSV of yours in the media bucket, at most 5 MiB). Answers the task (status PENDING). With an Idempotency-Key header, a retry with the same type and input submits nothing and answers the first task as it stands; other arguments 422 idempotency_key_reused. 400 unknown_task_type / validation_failed, 404 file_not_found, 413 input_too_large (input over 4 KiB, CSV over 5 MiB), 429 task_quota_exceeded (5 unfinished) / rate_limited (60 an hour).';

-- ----------------------------------------------------------------------------- jobs

create or replace function private.admin_enqueue_job(p_type text, p_payload jsonb, p_run_after timestamptz, p_max_attempts integer)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  job private.jobs;
begin
  if not private.is_admin() then
    perform private.payments_raise('forbidden', 403, 'Only admins enqueue jobs');
  end if;
  replay := private.claim_request_idempotency('enqueue_job',
    jsonb_build_object('type', p_type, 'payload', p_payload, 'run_after', p_run_after, 'max_attempts', p_max_attempts));
  if replay is not null then
    select * into job from private.jobs as j where j.id = (replay ->> 'id')::uuid;
    if not found then
      perform private.payments_raise('job_not_found', 404, 'The job this Idempotency-Key enqueued is gone');
    end if;
    return private.job_json(job);
  end if;
  if not exists (select 1 from private.job_types t where t.type = p_type) then
    perform private.payments_raise('unknown_job_type', 400, 'Unknown job type', jsonb_build_object('type', p_type));
  end if;
  if p_payload is not null and jsonb_typeof(p_payload) <> 'object' then
    perform private.payments_raise('invalid_payload', 400, 'The payload must be a JSON object');
  end if;
  if p_max_attempts is not null and (p_max_attempts < 1 or p_max_attempts > 25) then
    perform private.payments_raise('invalid_max_attempts', 400, 'max_attempts must be between 1 and 25');
  end if;
  job := private.enqueue_job(p_type, p_payload, (select auth.uid()), p_run_after, coalesce(p_max_attempts, 5));
  perform private.record_request_idempotency('enqueue_job', jsonb_build_object('id', job.id));
  return private.job_json(job);
end;
$$;

comment on function public.enqueue_job(text, jsonb, timestamptz, integer) is
  'Admins: enqueue a background job of a known type (vouchers.expire, crm.close_overdue_instalments, statistics.recompute_daily, diagnostics.echo), owned by the admin. With an Idempotency-Key header, a retry with the same arguments enqueues nothing and answers the first job as it stands; other arguments 422 idempotency_key_reused. 403 forbidden, 400 unknown_job_type / invalid_payload / invalid_max_attempts.';
