-- =====================================================================================================
-- Idempotency keys for creations through PostgREST: the CRM's rows (clients, packages, client packages,
-- payments, instalments, Stripe customer links), feedback, tools, support tickets and messages, site
-- content, voucher types, granted vouchers and points packages. A request that carries an
-- `Idempotency-Key` header claims the key in `private.idempotency_keys` — the same table the Edge
-- Functions use — in the same transaction as the row it creates, so the claim commits exactly when the
-- row does:
-- - first time: the row is created and the claim records its id;
-- - the same key again with the same fields (a retry after a lost answer): nothing is created; the
--   request is answered 409 `idempotent_replay` with `details.id`, the row created the first time
--   (the SDK reads that row and answers it as the result of the call);
-- - the same key with other fields: 422 `idempotency_key_reused`, nothing is created.
-- Keys are per caller and table (scope `insert:<table>:<user>`) and live 24 hours like every key there.
-- The fingerprint is an HMAC of the row's fields under a secret kept in the private schema, never a
-- plain hash. Concurrent requests with one key serialise on the claim's primary key: the second waits
-- for the first to commit (then replays) or roll back (then runs).
-- =====================================================================================================

-- ----------------------------------------------------------------------------- fingerprint secret

create table private.idempotency_fingerprint_secret (
  singleton boolean primary key default true constraint idempotency_fingerprint_secret_singleton check (singleton),
  secret bytea not null default extensions.gen_random_bytes(32)
);
comment on table private.idempotency_fingerprint_secret is
  'The secret that SQL-side idempotency fingerprints (private.claim_insert_idempotency) are keyed with. One row.';
insert into private.idempotency_fingerprint_secret default values;
revoke all on table private.idempotency_fingerprint_secret from public, anon, authenticated;

-- ----------------------------------------------------------------------------- the trigger

/**
 * BEFORE INSERT: claims the request's Idempotency-Key for the new row (see the header of this file).
 * Only the statement's own rows (trigger depth 1) claim: rows other triggers insert are left alone.
 * A statement that inserts several rows under one key is refused with idempotency_key_reused (a key
 * stands for one row). Trigger arguments name further columns the database fills per attempt (a
 * generated code, a timestamp), left out of the fingerprint like id, created_at and updated_at.
 */
create function private.claim_insert_idempotency()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  headers jsonb;
  idem_key text;
  claim_scope text;
  fingerprint text;
  fields jsonb;
  existing private.idempotency_keys;
begin
  if pg_trigger_depth() > 1 then
    return new;
  end if;
  headers := nullif(current_setting('request.headers', true), '')::jsonb;
  idem_key := headers ->> 'idempotency-key';
  if idem_key is null then
    return new;
  end if;
  if char_length(idem_key) not between 1 and 255 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An Idempotency-Key of 1 to 255 characters is required.');
  end if;
  claim_scope := format('insert:%s:%s', tg_table_name, coalesce((select auth.uid())::text, current_user));
  -- The fields the caller chose: the row without what the database fills in per attempt.
  fields := to_jsonb(new) - 'id' - 'created_at' - 'updated_at';
  if tg_nargs > 0 then
    fields := fields - tg_argv;
  end if;
  select 'hmac:' || encode(extensions.hmac(convert_to(fields::text, 'UTF8'), s.secret, 'sha256'), 'hex')
    into fingerprint
    from private.idempotency_fingerprint_secret as s;

  insert into private.idempotency_keys as k (scope, key, request_hash, response_status, response_body)
  values (claim_scope, idem_key, fingerprint, 201, jsonb_build_object('id', new.id))
  on conflict on constraint idempotency_keys_pkey do update
    set request_hash = excluded.request_hash, response_status = excluded.response_status,
        response_body = excluded.response_body, started_at = now(), expires_at = now() + interval '24 hours'
    where k.expires_at < now();
  if found then
    return new;
  end if;

  select * into existing from private.idempotency_keys as k where k.scope = claim_scope and k.key = idem_key;
  if existing.request_hash is distinct from fingerprint then
    perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
  end if;
  raise sqlstate 'PGRST' using
    message = json_build_object('code', 'idempotent_replay', 'message', 'This request was already done: the row it created is details.id.',
                                'details', json_build_object('id', existing.response_body ->> 'id')::text, 'hint', null)::text,
    detail = json_build_object('status', 409, 'headers', json_build_object('Idempotent-Replayed', 'true'))::text;
end;
$$;
comment on function private.claim_insert_idempotency() is
  'BEFORE INSERT trigger: claims the request''s Idempotency-Key for the new row in private.idempotency_keys (same transaction); '
  'a retry with the same fields answers 409 idempotent_replay with the first row''s id, other fields 422 idempotency_key_reused.';
revoke execute on function private.claim_insert_idempotency() from public, anon, authenticated;

-- Runs after the other BEFORE INSERT triggers (they fire in name order), so the fingerprint is of the
-- row as it will be stored.
create trigger zz_claim_idempotency before insert on public.crm_clients
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.crm_packages
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.crm_client_packages
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.crm_payments
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.crm_instalments
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.crm_stripe_customers
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.feedback
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.tools
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.support_tickets
  for each row execute function private.claim_insert_idempotency('last_message_at');
create trigger zz_claim_idempotency before insert on public.support_messages
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.site_content
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.voucher_types
  for each row execute function private.claim_insert_idempotency();
create trigger zz_claim_idempotency before insert on public.vouchers
  for each row execute function private.claim_insert_idempotency('code', 'purchased_at', 'expires_at');
create trigger zz_claim_idempotency before insert on public.points_packages
  for each row execute function private.claim_insert_idempotency();
