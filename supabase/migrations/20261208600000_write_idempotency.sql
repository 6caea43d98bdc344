-- =====================================================================================================
-- Idempotency keys for updates, removals and state transitions, as creations already have them: a
-- request that carries an `Idempotency-Key` header claims the key in `private.idempotency_keys` in the
-- same transaction as its change, so the claim commits exactly when the change does.
--
-- Updates through PostgREST (PATCH) on the tables the SDK changes:
-- - first time: the change is made; the claim records the row and the columns the request changed
--   (their new values only as an HMAC under private.idempotency_fingerprint_secret);
-- - the same key again for the same row, setting the same columns to the same values (a retry after a
--   lost answer): nothing is written again — the row is answered as it stands, so a change someone
--   else made in between is kept, not overwritten by the retry;
-- - the same key with another row or other values: 422 `idempotency_key_reused`, nothing changes.
-- Removals through PostgREST (DELETE):
-- - first time: the row is deleted and the claim records its id;
-- - the same key again once the row is gone: 409 `idempotent_replay` with `details.id`, the row the
--   key deleted (the SDK answers that as the removal's success);
-- - the same key deleting another row: 422 `idempotency_key_reused`.
-- A key stands for one row (scope `update:<table>:<user>` / `delete:<table>:<user>`). Writes that
-- triggers or SQL functions make inside a request (trigger depth > 1, or a request to /rpc/…) do not
-- claim: an RPC claims its own key (private.claim_request_idempotency).
--
-- State transitions through RPC (submit_tool, revoke_api_key, cancel_job, sign_out_device,
-- settle_points_debts, request_data_export) claim the request's key like the creating functions: a
-- retry with the same key and arguments answers the first answer instead of doing the transition
-- again (which would otherwise answer `invalid_transition`, or 0 points settled).
--
-- No-op updates (every column as it was) no longer move updated_at nor write an audit entry, so a
-- replayed update leaves no trace either.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- updates

/** The HMAC of a write's row and changes under the private fingerprint secret. */
create function private.write_fingerprint(p_target jsonb, p_changes jsonb)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select 'hmac:' || encode(extensions.hmac(convert_to(jsonb_build_object('row', p_target, 'changes', p_changes)::text, 'UTF8'), s.secret, 'sha256'), 'hex')
    from private.idempotency_fingerprint_secret as s;
$$;
comment on function private.write_fingerprint(jsonb, jsonb) is 'The HMAC fingerprint of an update or delete claimed under an Idempotency-Key.';
revoke execute on function private.write_fingerprint(jsonb, jsonb) from public, anon, authenticated;

/**
 * BEFORE UPDATE, fired first (its name sorts before every other trigger's), so the changes it sees are
 * the request's own: claims the request's Idempotency-Key for the row (see the header of this file).
 * Trigger arguments name the row's key columns (default: id).
 */
create function private.claim_update_idempotency()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  idem_key text;
  claim_scope text;
  target jsonb;
  changes jsonb;
  recorded text[];
  existing private.idempotency_keys;
begin
  if pg_trigger_depth() > 1 or coalesce(current_setting('request.path', true), '') like '/rpc/%' then
    return new;
  end if;
  idem_key := nullif(current_setting('request.headers', true), '')::jsonb ->> 'idempotency-key';
  if idem_key is null then
    return new;
  end if;
  if char_length(idem_key) not between 1 and 255 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An Idempotency-Key of 1 to 255 characters is required.');
  end if;
  claim_scope := format('update:%s:%s', tg_table_name, coalesce((select auth.uid())::text, current_user));
  select jsonb_object_agg(c, to_jsonb(old) -> c) into target
    from unnest(case when tg_nargs > 0 then tg_argv else array['id'] end) as c;
  -- The columns this request changes, with their new values.
  -- (Generated columns are not computed yet in a BEFORE trigger: they are not the request's.)
  select coalesce(jsonb_object_agg(n.key, n.value), '{}'::jsonb) into changes
    from jsonb_each(to_jsonb(new)) as n
   where n.value is distinct from to_jsonb(old) -> n.key
     and not exists (select 1 from pg_catalog.pg_attribute as a where a.attrelid = tg_relid and a.attname = n.key and a.attgenerated <> '');

  insert into private.idempotency_keys as k (scope, key, request_hash, response_status, response_body)
  values (claim_scope, idem_key, private.write_fingerprint(target, changes), 200,
          jsonb_build_object('id', target, 'columns', (select coalesce(jsonb_agg(c), '[]'::jsonb) from jsonb_object_keys(changes) as c)))
  on conflict on constraint idempotency_keys_pkey do update
    set request_hash = excluded.request_hash, response_status = excluded.response_status,
        response_body = excluded.response_body, started_at = now(), expires_at = now() + interval '24 hours'
    where k.expires_at < now();
  if found then
    return new;
  end if;

  -- The key was used before: a replay sets exactly the recorded columns, to the recorded values.
  select * into existing from private.idempotency_keys as k where k.scope = claim_scope and k.key = idem_key;
  select array(select jsonb_array_elements_text(existing.response_body -> 'columns')) into recorded;
  if (select bool_and(c = any (recorded)) from jsonb_object_keys(changes) as c) is not false
     and existing.request_hash = private.write_fingerprint(
           target, (select coalesce(jsonb_object_agg(c, to_jsonb(new) -> c), '{}'::jsonb) from unnest(recorded) as c)) then
    return old;
  end if;
  perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
  return null;
end;
$$;
comment on function private.claim_update_idempotency() is
  'BEFORE UPDATE trigger: claims the request''s Idempotency-Key for the row in private.idempotency_keys (same transaction); '
  'a retry of the same change writes nothing and answers the row as it stands, another change under the key is 422 idempotency_key_reused.';
revoke execute on function private.claim_update_idempotency() from public, anon, authenticated;

-- "a0_" sorts before every other trigger name on these tables (touch_updated_at, guards, holds).
create trigger a0_claim_update_idempotency before update on public.crm_clients
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.crm_packages
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.crm_client_packages
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.crm_payments
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.crm_instalments
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.crm_stripe_customers
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.profiles
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.voucher_types
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.support_tickets
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.site_content
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.points_packages
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.accounts
  for each row execute function private.claim_update_idempotency();
create trigger a0_claim_update_idempotency before update on public.account_members
  for each row execute function private.claim_update_idempotency('account_id', 'user_id');
create trigger a0_claim_update_idempotency before update on public.tools
  for each row execute function private.claim_update_idempotency();

-- ----------------------------------------------------------------------------- no-op updates

/**
 * A no-op update (every other column as it was) keeps updated_at, so a replayed update leaves no trace.
 * Trigger arguments name generated columns, which a BEFORE trigger sees before they are computed.
 */
create or replace function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  before_change jsonb := to_jsonb(old) - 'updated_at';
  after_change jsonb := to_jsonb(new) - 'updated_at';
begin
  if tg_nargs > 0 then
    before_change := before_change - tg_argv;
    after_change := after_change - tg_argv;
  end if;
  if after_change is distinct from before_change then
    new.updated_at := now();
  end if;
  return new;
end;
$$;
comment on function private.touch_updated_at() is
  'Trigger: sets updated_at to now() on every update that changes another column (arguments: generated columns to leave out).';

drop trigger crm_clients_touch_updated_at on public.crm_clients;
create trigger crm_clients_touch_updated_at before update on public.crm_clients
  for each row execute function private.touch_updated_at('search_text');
drop trigger tools_touch_updated_at on public.tools;
create trigger tools_touch_updated_at before update on public.tools
  for each row execute function private.touch_updated_at('rating_average', 'search');

-- The audit of site content and voucher types recorded every update, a no-op one too.
drop trigger audit_content_change on public.site_content;
create trigger audit_content_change after insert or delete on public.site_content
  for each row execute function private.audit_privileged_change();
create trigger audit_content_update after update on public.site_content
  for each row when (old.* is distinct from new.*) execute function private.audit_privileged_change();
drop trigger audit_voucher_type_change on public.voucher_types;
create trigger audit_voucher_type_change after insert on public.voucher_types
  for each row execute function private.audit_privileged_change();
create trigger audit_voucher_type_update after update on public.voucher_types
  for each row when (old.* is distinct from new.*) execute function private.audit_privileged_change();

-- ----------------------------------------------------------------------------- removals

/** AFTER DELETE (each row): claims the request's Idempotency-Key for the deleted row. */
create function private.claim_delete_idempotency()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  idem_key text;
  claim_scope text;
  fingerprint text;
begin
  if pg_trigger_depth() > 1 or coalesce(current_setting('request.path', true), '') like '/rpc/%' then
    return null;
  end if;
  idem_key := nullif(current_setting('request.headers', true), '')::jsonb ->> 'idempotency-key';
  if idem_key is null then
    return null;
  end if;
  if char_length(idem_key) not between 1 and 255 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An Idempotency-Key of 1 to 255 characters is required.');
  end if;
  claim_scope := format('delete:%s:%s', tg_table_name, coalesce((select auth.uid())::text, current_user));
  fingerprint := private.write_fingerprint(jsonb_build_object('id', old.id), '{}'::jsonb);
  insert into private.idempotency_keys as k (scope, key, request_hash, response_status, response_body)
  values (claim_scope, idem_key, fingerprint, 200, jsonb_build_object('id', old.id))
  on conflict on constraint idempotency_keys_pkey do update
    set request_hash = excluded.request_hash, response_status = excluded.response_status,
        response_body = excluded.response_body, started_at = now(), expires_at = now() + interval '24 hours'
    where k.expires_at < now();
  if not found and (select k.request_hash from private.idempotency_keys as k where k.scope = claim_scope and k.key = idem_key) is distinct from fingerprint then
    perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
  end if;
  return null;
end;
$$;
comment on function private.claim_delete_idempotency() is
  'AFTER DELETE row trigger: claims the request''s Idempotency-Key for the deleted row (same transaction); another row under the key is 422 idempotency_key_reused.';
revoke execute on function private.claim_delete_idempotency() from public, anon, authenticated;

/**
 * AFTER DELETE (the statement): a request that deleted nothing but carries a key that already deleted
 * a row of this table is a replay: 409 idempotent_replay with details.id, the row the key deleted.
 */
create function private.replay_delete_idempotency()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  idem_key text;
  deleted_id text;
begin
  if pg_trigger_depth() > 1 or coalesce(current_setting('request.path', true), '') like '/rpc/%' then
    return null;
  end if;
  idem_key := nullif(current_setting('request.headers', true), '')::jsonb ->> 'idempotency-key';
  if idem_key is null or exists (select 1 from deleted_rows) then
    return null;
  end if;
  select k.response_body ->> 'id' into deleted_id
    from private.idempotency_keys as k
   where k.scope = format('delete:%s:%s', tg_table_name, coalesce((select auth.uid())::text, current_user))
     and k.key = idem_key and k.expires_at >= now();
  if deleted_id is null then
    return null;
  end if;
  raise sqlstate 'PGRST' using
    message = json_build_object('code', 'idempotent_replay', 'message', 'This request was already done: it deleted the row details.id.',
                                'details', json_build_object('id', deleted_id)::text, 'hint', null)::text,
    detail = json_build_object('status', 409, 'headers', json_build_object('Idempotent-Replayed', 'true'))::text;
end;
$$;
comment on function private.replay_delete_idempotency() is
  'AFTER DELETE statement trigger: a keyed delete of nothing whose key already deleted a row answers 409 idempotent_replay with that row''s id.';
revoke execute on function private.replay_delete_idempotency() from public, anon, authenticated;

create trigger claim_delete_idempotency after delete on public.crm_clients
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.crm_clients
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();
create trigger claim_delete_idempotency after delete on public.crm_packages
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.crm_packages
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();
create trigger claim_delete_idempotency after delete on public.crm_client_packages
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.crm_client_packages
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();
create trigger claim_delete_idempotency after delete on public.crm_payments
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.crm_payments
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();
create trigger claim_delete_idempotency after delete on public.crm_instalments
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.crm_instalments
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();
create trigger claim_delete_idempotency after delete on public.crm_stripe_customers
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.crm_stripe_customers
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();
create trigger claim_delete_idempotency after delete on public.waitlist
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.waitlist
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();
create trigger claim_delete_idempotency after delete on public.site_content
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.site_content
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();
create trigger claim_delete_idempotency after delete on public.feedback
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.feedback
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();
create trigger claim_delete_idempotency after delete on public.points_packages
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.points_packages
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();
create trigger claim_delete_idempotency after delete on public.tool_revisions
  for each row execute function private.claim_delete_idempotency();
create trigger replay_delete_idempotency after delete on public.tool_revisions
  referencing old table as deleted_rows for each statement execute function private.replay_delete_idempotency();

-- ----------------------------------------------------------------------------- state transitions

/** submit_tool under the request's Idempotency-Key: a retry answers the first answer. */
create function private.submit_tool_once(p_tool_id uuid)
returns public.tools
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer public.tools;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('submit_tool', jsonb_build_object('tool_id', p_tool_id));
    if replay is not null then
      return jsonb_populate_record(null::public.tools, replay);
    end if;
  end if;
  answer := private.submit_tool(p_tool_id);
  perform private.record_request_idempotency('submit_tool', to_jsonb(answer));
  return answer;
end;
$$;
comment on function private.submit_tool_once(uuid) is 'private.submit_tool under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.submit_tool_once(uuid) from public, anon;
grant execute on function private.submit_tool_once(uuid) to authenticated;

create or replace function public.submit_tool(tool_id uuid)
returns public.tools
language sql
set search_path = ''
as $$
  select * from private.submit_tool_once(tool_id);
$$;

/** revoke_api_key under the request's Idempotency-Key: a retry answers the first answer. */
create function private.revoke_api_key_once(p_api_key_id uuid)
returns public.api_keys
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer public.api_keys;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('revoke_api_key', jsonb_build_object('api_key_id', p_api_key_id));
    if replay is not null then
      return jsonb_populate_record(null::public.api_keys, replay);
    end if;
  end if;
  answer := private.revoke_api_key(p_api_key_id);
  perform private.record_request_idempotency('revoke_api_key', to_jsonb(answer));
  return answer;
end;
$$;
comment on function private.revoke_api_key_once(uuid) is 'private.revoke_api_key under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.revoke_api_key_once(uuid) from public, anon;
grant execute on function private.revoke_api_key_once(uuid) to authenticated;

create or replace function public.revoke_api_key(api_key_id uuid)
returns public.api_keys
language sql
set search_path = ''
as $$
  select * from private.revoke_api_key_once(api_key_id);
$$;

/** cancel_job under the request's Idempotency-Key: a retry answers the first answer. */
create function private.cancel_job_once(p_job_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer jsonb;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('cancel_job', jsonb_build_object('job_id', p_job_id));
    if replay is not null then
      return replay;
    end if;
  end if;
  answer := private.cancel_job(p_job_id);
  perform private.record_request_idempotency('cancel_job', answer);
  return answer;
end;
$$;
comment on function private.cancel_job_once(uuid) is 'private.cancel_job under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.cancel_job_once(uuid) from public, anon;
grant execute on function private.cancel_job_once(uuid) to authenticated;

create or replace function public.cancel_job(job_id uuid)
returns jsonb
language sql
set search_path = ''
as $$
  select private.cancel_job_once(job_id);
$$;

/** sign_out_device under the request's Idempotency-Key: a retry answers the first answer. */
create function private.sign_out_device_once(p_device_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer integer;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('sign_out_device', jsonb_build_object('device_id', p_device_id));
    if replay is not null then
      return (replay #>> '{}')::integer;
    end if;
  end if;
  answer := private.sign_out_device(p_device_id);
  perform private.record_request_idempotency('sign_out_device', to_jsonb(answer));
  return answer;
end;
$$;
comment on function private.sign_out_device_once(uuid) is 'private.sign_out_device under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.sign_out_device_once(uuid) from public, anon;
grant execute on function private.sign_out_device_once(uuid) to authenticated;

create or replace function public.sign_out_device(device_id uuid)
returns integer
language sql
security invoker
set search_path = ''
as $$
  select private.sign_out_device_once(device_id);
$$;

/** settle_points_debts under the request's Idempotency-Key: a retry answers the first answer. */
create function private.settle_points_debts_once(p_user_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer integer;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('settle_points_debts', jsonb_build_object('user_id', p_user_id));
    if replay is not null then
      return (replay #>> '{}')::integer;
    end if;
  end if;
  answer := private.settle_points_debts_as_admin(p_user_id);
  perform private.record_request_idempotency('settle_points_debts', to_jsonb(answer));
  return answer;
end;
$$;
comment on function private.settle_points_debts_once(uuid) is 'private.settle_points_debts_as_admin under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.settle_points_debts_once(uuid) from public, anon;
grant execute on function private.settle_points_debts_once(uuid) to authenticated, service_role;

create or replace function public.settle_points_debts(user_id uuid)
returns integer
language sql
set search_path = ''
as $$
  select private.settle_points_debts_once(user_id)
$$;

/** request_data_export under the request's Idempotency-Key: a retry answers the first answer. */
create function private.request_data_export_once(p_user_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  replay jsonb;
  answer jsonb;
begin
  if (select auth.uid()) is not null then
    replay := private.claim_request_idempotency('request_data_export', jsonb_build_object('user_id', p_user_id));
    if replay is not null then
      return replay;
    end if;
  end if;
  answer := private.request_data_export(p_user_id);
  perform private.record_request_idempotency('request_data_export', answer);
  return answer;
end;
$$;
comment on function private.request_data_export_once(uuid) is 'private.request_data_export under the request''s Idempotency-Key (a retry answers the first answer).';
revoke execute on function private.request_data_export_once(uuid) from public, anon;
grant execute on function private.request_data_export_once(uuid) to authenticated;

create or replace function public.request_data_export(user_id uuid default null)
returns jsonb
language sql
set search_path = ''
as $$
  select private.request_data_export_once(user_id);
$$;
