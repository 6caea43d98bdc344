-- Self-service account deletion and data export.
-- - private.reauthentication_nonce_matches: the delete-account function accepts, instead of the current
--   password, the code Auth mails on `reauthenticate()` (GoTrue stores hex(sha224(email || code)) with
--   the time it was sent; it is valid for [auth.email] otp_expiry, 3600 s).
-- - A deleted member's name, e-mail and phone in a business's member list are personal data too: cleared
--   with the rest of the tombstone (the membership stays for the CRM assignments).
-- - Export: public.request_data_export() queues a `users.export_data` job for the caller; the job-worker
--   writes private.user_data_export(user) as JSON to the Storage `media` bucket under the user's folder
--   (<user_id>/exports/<job_id>.json) and records a signed link (valid one hour) as the job's result,
--   which the user reads with public.get_job. Only the caller's own data, ever.

-- ============================================================================================
-- Helper functions
-- ============================================================================================

/** Whether `p_nonce` is the unexpired reauthentication code Auth mailed to the user. */
create function private.reauthentication_nonce_matches(p_user_id uuid, p_nonce text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select u.reauthentication_token <> ''
       and u.reauthentication_sent_at > now() - interval '3600 seconds'
       and u.reauthentication_token = encode(extensions.digest(coalesce(u.email, '') || coalesce(p_nonce, ''), 'sha224'), 'hex')
    from auth.users as u
    where u.id = p_user_id
  ), false);
$$;
comment on function private.reauthentication_nonce_matches(uuid, text) is
  'Whether the nonce is the user''s unexpired reauthentication code (as Auth stores it: hex sha224 of e-mail || code, valid otp_expiry = 3600 s).';
revoke execute on function private.reauthentication_nonce_matches(uuid, text) from public, anon, authenticated;

/** Clears the personal columns of a deleted user's memberships (the memberships themselves stay). */
create function private.anonymise_deleted_member()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.account_members as m
  set full_name = 'Deleted user', email = null, phone = null, job_title = null
  where m.user_id = old.id;
  return old;
end;
$$;
comment on function private.anonymise_deleted_member() is
  'Trigger before a user is deleted (after private.retire_deleted_user): their memberships keep the CRM assignments but no name, e-mail or phone.';
revoke execute on function private.anonymise_deleted_member() from public, anon, authenticated;

-- Named to fire after retire_deleted_user (triggers of one event fire in name order), so a refused
-- deletion (a business owner) is refused before anything is changed.
create trigger retire_deleted_user_memberships before delete on auth.users
  for each row execute function private.anonymise_deleted_member();

/**
 * Everything the platform holds about one user, as one JSON document: profile, devices, wallet and its
 * ledger, usages (as client and as creator), feedback, support tickets with their messages, vouchers
 * (with their codes: they are the user's), payments, refunds, payouts, tools, API keys (never the
 * secret) and business memberships. Nothing about anyone else beyond the ids the records carry.
 */
create function private.user_data_export(p_user_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'format', 'user-data-export/1',
    'user_id', p_user_id,
    'exported_at', now(),
    'account', (select jsonb_build_object('email', u.email, 'phone', nullif(u.phone, ''), 'created_at', u.created_at,
                                          'last_sign_in_at', u.last_sign_in_at, 'email_confirmed_at', u.email_confirmed_at)
                from auth.users as u where u.id = p_user_id),
    'profile', (select to_jsonb(p) from public.profiles as p where p.id = p_user_id),
    'devices', coalesce((select jsonb_agg(to_jsonb(d) order by d.first_seen_at) from public.devices as d where d.user_id = p_user_id), '[]'),
    'wallet', (select to_jsonb(w) from public.wallets as w where w.user_id = p_user_id),
    'wallet_ledger', coalesce((select jsonb_agg(to_jsonb(l) order by l.id) from public.wallet_ledger as l where l.user_id = p_user_id), '[]'),
    'usages', coalesce((select jsonb_agg(to_jsonb(x) - 'idempotency_key' order by x.created_at) from public.usages as x
                        where x.client_id = p_user_id or x.creator_id = p_user_id), '[]'),
    'feedback', coalesce((select jsonb_agg(to_jsonb(f) order by f.created_at) from public.feedback as f where f.client_id = p_user_id), '[]'),
    'support_tickets', coalesce((select jsonb_agg(to_jsonb(t) || jsonb_build_object('messages',
                                   coalesce((select jsonb_agg(jsonb_build_object('from_staff', m.from_staff, 'body', m.body, 'created_at', m.created_at,
                                                                                 'mine', m.author_id = p_user_id) order by m.created_at)
                                             from public.support_messages as m where m.ticket_id = t.id), '[]')) order by t.created_at)
                                 from public.support_tickets as t where t.user_id = p_user_id), '[]'),
    'vouchers', coalesce((select jsonb_agg(to_jsonb(v) order by v.created_at) from public.vouchers as v where v.owner_id = p_user_id), '[]'),
    'payments', coalesce((select jsonb_agg(to_jsonb(p) - 'idempotency_key' order by p.created_at) from public.payments as p where p.user_id = p_user_id), '[]'),
    'refunds', coalesce((select jsonb_agg(to_jsonb(r) - 'idempotency_key' order by r.created_at) from public.refunds as r where r.client_id = p_user_id), '[]'),
    'payouts', coalesce((select jsonb_agg(to_jsonb(p) - 'idempotency_key' order by p.created_at) from public.payouts as p where p.creator_id = p_user_id), '[]'),
    'tools', coalesce((select jsonb_agg(to_jsonb(t) order by t.created_at) from public.tools as t where t.creator_id = p_user_id), '[]'),
    'api_keys', coalesce((select jsonb_agg(to_jsonb(k) order by k.created_at) from public.api_keys as k where k.creator_id = p_user_id), '[]'),
    'memberships', coalesce((select jsonb_agg(jsonb_build_object('account_id', m.account_id, 'account_name', a.name, 'role', m.role,
                                                                  'permissions', m.permissions, 'full_name', m.full_name, 'email', m.email,
                                                                  'phone', m.phone, 'job_title', m.job_title, 'is_active', m.is_active,
                                                                  'created_at', m.created_at) order by m.created_at)
                             from public.account_members as m join public.accounts as a on a.id = m.account_id
                             where m.user_id = p_user_id), '[]')
  );
$$;
comment on function private.user_data_export(uuid) is
  'All data held about one user as one JSON document (the users.export_data job writes it to Storage). Only the user''s own records.';
revoke execute on function private.user_data_export(uuid) from public, anon, authenticated;

-- ============================================================================================
-- Job type
-- ============================================================================================
insert into private.job_types (type, runs_in, description) values
  ('users.export_data', 'edge', 'Writes all data of payload.user_id as JSON to the media bucket (<user_id>/exports/<job_id>.json). Result: {path, signed_url, expires_at, bytes}.');

-- ============================================================================================
-- API functions
-- ============================================================================================

/**
 * Queues an export of the caller's own data and answers the job (poll it with public.get_job(id)); a
 * second request while one is queued or running answers that one. `user_id`, when given, must be the
 * caller: nobody exports another user's data (403 forbidden). 401 without a signed-in user.
 */
create function private.request_data_export(p_user_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  job private.jobs;
begin
  if me is null then
    perform private.payments_raise('unauthorized', 401, 'Sign in to export your data');
  end if;
  if p_user_id is not null and p_user_id <> me then
    perform private.payments_raise('forbidden', 403, 'You can only export your own data');
  end if;
  job := private.enqueue_job('users.export_data', jsonb_build_object('user_id', me), me, null, 3, 'users.export_data:' || me::text);
  return jsonb_build_object('id', job.id, 'type', job.type, 'status', job.status, 'created_at', job.created_at);
end;
$$;
comment on function private.request_data_export(uuid) is
  'Queues a users.export_data job for the caller (only their own data); answers {id, type, status, created_at}.';
revoke execute on function private.request_data_export(uuid) from public, anon;
grant execute on function private.request_data_export(uuid) to authenticated;

create function public.request_data_export(user_id uuid default null)
returns jsonb
language sql
set search_path = ''
as $$
  select private.request_data_export(user_id);
$$;
comment on function public.request_data_export(uuid) is
  'Queues an export of the caller''s own data (profile, devices, wallet ledger, usages, feedback, tickets, vouchers, payments, memberships) as JSON in Storage with a signed link; answers the job {id, type, status, created_at}. Poll public.get_job(id): its result holds signed_url. 401 unauthorized, 403 forbidden for another user''s id.';
revoke execute on function public.request_data_export(uuid) from public, anon;
grant execute on function public.request_data_export(uuid) to authenticated;
