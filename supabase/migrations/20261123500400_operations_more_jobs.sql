-- Two more background jobs (operations module): the invites of large member batches, and re-applying Stripe
-- webhook events whose application failed.

-- ============================================================================================
-- Batch invitations
-- ============================================================================================
-- A large batch (more than 50 rows, see
-- account-batches) creates its Auth users and memberships in the call, records one pending invite
-- per created row here, and enqueues one `accounts.send_batch_invites` job; the job-worker sends
-- the invites and records each row's outcome. Retries are safe: a row already sent is never sent
-- again (its status, and Auth's own auth.users.invited_at, say so), and rows are claimed one at a
-- time under a short claim, so two workers never send the same row at once.

insert into private.job_types (type, runs_in, description) values
  ('accounts.send_batch_invites', 'edge', 'Sends the Auth invites of member batch payload.batch_id still pending in private.member_invites, each at most once. Result: {sent_now, sent, failed, pending}.');

create table private.member_invites (
  user_id uuid primary key references auth.users (id) on delete cascade,
  batch_id uuid not null references public.member_batches (id) on delete cascade,
  email text not null,
  full_name text not null default '',
  redirect_to text,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  claimed_until timestamptz,
  last_error text check (char_length(last_error) <= 2000),
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table private.member_invites is
  'One Auth invite of a large member batch, sent by the accounts.send_batch_invites job: pending → sending (claimed by a worker until claimed_until) → sent, or failed after the job''s last attempt.';
create index member_invites_batch_idx on private.member_invites (batch_id, status);
revoke all on private.member_invites from public, anon, authenticated;

/** Records the pending invites of a batch's created rows ([{user_id, email, full_name}]) and enqueues their job. */
create function private.queue_batch_invites(p_batch_id uuid, p_owner_id uuid, p_redirect_to text, p_rows jsonb)
returns private.jobs
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.member_invites (user_id, batch_id, email, full_name, redirect_to)
  select (r ->> 'user_id')::uuid, p_batch_id, lower(r ->> 'email'), coalesce(r ->> 'full_name', ''), p_redirect_to
  from jsonb_array_elements(p_rows) as r
  on conflict (user_id) do nothing;
  return private.enqueue_job('accounts.send_batch_invites', jsonb_build_object('batch_id', p_batch_id), p_owner_id,
                             null, 5, 'accounts.send_batch_invites:' || p_batch_id::text, 10);
end;
$$;
comment on function private.queue_batch_invites(uuid, uuid, text, jsonb) is
  'Records pending invites for a batch''s created rows and enqueues (once per batch) the accounts.send_batch_invites job.';
revoke execute on function private.queue_batch_invites(uuid, uuid, text, jsonb) from public, anon, authenticated;
grant execute on function private.queue_batch_invites(uuid, uuid, text, jsonb) to service_role;

/**
 * Claims the next invite of a batch to send (skipping p_skip, the rows this run already tried):
 * pending ones, and ones whose sender's claim expired. Rows whose user Auth has already invited
 * (invited_at set, e.g. the sender died after sending) are marked sent instead of being claimed.
 */
create function private.claim_member_invite(p_batch_id uuid, p_skip uuid[] default '{}', p_claim_seconds integer default 120)
returns setof private.member_invites
language plpgsql
security definer
set search_path = ''
as $$
begin
  update private.member_invites i
  set status = 'sent', sent_at = coalesce(i.sent_at, u.invited_at), claimed_until = null, updated_at = now()
  from auth.users u
  where i.batch_id = p_batch_id and u.id = i.user_id and u.invited_at is not null
    and (i.status = 'pending' or (i.status = 'sending' and i.claimed_until < now()));
  return query
  update private.member_invites i
  set status = 'sending', attempts = i.attempts + 1, claimed_until = now() + make_interval(secs => p_claim_seconds), updated_at = now()
  where i.user_id = (
    select c.user_id from private.member_invites c
    where c.batch_id = p_batch_id
      and (c.status = 'pending' or (c.status = 'sending' and c.claimed_until < now()))
      and c.user_id <> all (coalesce(p_skip, '{}'))
    order by c.created_at, c.user_id
    for update skip locked
    limit 1)
  returning i.*;
end;
$$;
comment on function private.claim_member_invite(uuid, uuid[], integer) is
  'Claims one unsent invite of a batch for sending (or marks already-invited rows sent); nothing when none is left.';
revoke execute on function private.claim_member_invite(uuid, uuid[], integer) from public, anon, authenticated;
grant execute on function private.claim_member_invite(uuid, uuid[], integer) to service_role;

/** Records the outcome of sending one claimed invite: sent (p_error null) or back to pending with the error. */
create function private.finish_member_invite(p_user_id uuid, p_error text default null)
returns void
language sql
security definer
set search_path = ''
as $$
  update private.member_invites
  set status = case when p_error is null then 'sent' else 'pending' end,
      sent_at = case when p_error is null then now() else sent_at end,
      last_error = case when p_error is null then last_error else left(p_error, 2000) end,
      claimed_until = null, updated_at = now()
  where user_id = p_user_id and status = 'sending';
$$;
comment on function private.finish_member_invite(uuid, text) is 'Marks a claimed invite sent, or pending again with the error.';
revoke execute on function private.finish_member_invite(uuid, text) from public, anon, authenticated;
grant execute on function private.finish_member_invite(uuid, text) to service_role;

/** The job's last attempt: the invites still unsent are failed for good. Answers the per-status counts. */
create function private.settle_member_invites(p_batch_id uuid, p_final boolean)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_final then
    update private.member_invites
    set status = 'failed', claimed_until = null, updated_at = now()
    where batch_id = p_batch_id and status = 'pending';
  end if;
  return (
    select jsonb_build_object(
      'sent', count(*) filter (where status = 'sent'),
      'failed', count(*) filter (where status = 'failed'),
      'pending', count(*) filter (where status in ('pending', 'sending')))
    from private.member_invites where batch_id = p_batch_id);
end;
$$;
comment on function private.settle_member_invites(uuid, boolean) is
  'Counts a batch''s invites by status; on the job''s last attempt first fails the ones still pending.';
revoke execute on function private.settle_member_invites(uuid, boolean) from public, anon, authenticated;
grant execute on function private.settle_member_invites(uuid, boolean) to service_role;

-- ============================================================================================
-- Failed Stripe webhook applications
-- ============================================================================================
-- When applying a verified Stripe event fails (the transition rolled back), the stripe-webhook
-- function records the event here and enqueues one `payments.reapply_stripe_event` job for it, then
-- still answers 500 so Stripe retries too. Applying is idempotent by event id (private.stripe_events),
-- so whichever comes first — the job or Stripe's retry — applies it, and the other is a duplicate.

insert into private.job_types (type, runs_in, description) values
  ('payments.reapply_stripe_event', 'edge', 'Re-applies the Stripe event payload.event_id recorded in private.stripe_event_failures after its first application failed. Result: {event_id, outcome, payment_id, status}.');

create table private.stripe_event_failures (
  event_id text primary key check (char_length(event_id) between 1 and 255),
  event_type text not null,
  event jsonb not null check (jsonb_typeof(event) = 'object'),
  failures integer not null default 1 check (failures >= 1),
  last_error text check (char_length(last_error) <= 2000),
  job_id uuid,
  outcome text,
  first_failed_at timestamptz not null default now(),
  last_failed_at timestamptz not null default now(),
  resolved_at timestamptz
);
comment on table private.stripe_event_failures is
  'Verified Stripe events whose application failed, kept until a payments.reapply_stripe_event job (or Stripe''s own retry) applies them; resolved_at and outcome say when and how.';
create index stripe_event_failures_unresolved_idx on private.stripe_event_failures (last_failed_at) where resolved_at is null;
revoke all on private.stripe_event_failures from public, anon, authenticated;

/** Records (or counts again) a failed application of a verified event and enqueues its re-apply job; answers the job id. */
create function private.record_stripe_event_failure(p_event_id text, p_event_type text, p_event jsonb, p_error text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  job private.jobs;
begin
  insert into private.stripe_event_failures (event_id, event_type, event, last_error)
  values (p_event_id, p_event_type, p_event, left(p_error, 2000))
  on conflict (event_id) do update
    set failures = private.stripe_event_failures.failures + 1, last_error = excluded.last_error,
        last_failed_at = now(), event = excluded.event;
  job := private.enqueue_job('payments.reapply_stripe_event', jsonb_build_object('event_id', p_event_id), null,
                             null, 8, 'payments.reapply_stripe_event:' || p_event_id, 30);
  update private.stripe_event_failures set job_id = job.id where event_id = p_event_id;
  return job.id;
end;
$$;
comment on function private.record_stripe_event_failure(text, text, jsonb, text) is
  'Keeps a Stripe event whose application failed and enqueues (once while one is live) the job that re-applies it.';
revoke execute on function private.record_stripe_event_failure(text, text, jsonb, text) from public, anon, authenticated;
grant execute on function private.record_stripe_event_failure(text, text, jsonb, text) to service_role;

/** Marks a recorded failure resolved with the outcome of the application that finally went through. */
create function private.resolve_stripe_event_failure(p_event_id text, p_outcome text)
returns void
language sql
security definer
set search_path = ''
as $$
  update private.stripe_event_failures
  set resolved_at = coalesce(resolved_at, now()), outcome = coalesce(outcome, p_outcome)
  where event_id = p_event_id;
$$;
comment on function private.resolve_stripe_event_failure(text, text) is 'Marks a failed Stripe event applied (outcome: completed, duplicate, …).';
revoke execute on function private.resolve_stripe_event_failure(text, text) from public, anon, authenticated;
grant execute on function private.resolve_stripe_event_failure(text, text) to service_role;
