-- =====================================================================================================
-- Metrics (operations module): one snapshot of the platform's gauges and counters, read by the `metrics` Edge
-- Function and rendered as Prometheus text. Each row is one sample: metric name, type, help, labels.
-- =====================================================================================================

-- ----------------------------------------------------------------------------- helper functions

/** Every sample the metrics function exposes, from the live tables. */
create function private.metrics_snapshot()
returns table (metric text, kind text, help text, labels jsonb, value double precision)
language sql
stable
security definer
set search_path = ''
as $$
  select 'kit_users', 'gauge', 'Users by platform role.', jsonb_build_object('role', r.role::text),
         (select count(*) from public.profiles p where p.role = r.role)::double precision
    from unnest(enum_range(null::public.platform_role)) as r(role)
  union all
  select 'kit_accounts', 'gauge', 'Business accounts by status.', jsonb_build_object('status', s.status::text),
         (select count(*) from public.accounts a where a.status = s.status)::double precision
    from unnest(enum_range(null::public.account_status)) as s(status)
  union all
  select 'kit_wallet_points_in_circulation', 'gauge', 'Points held in all wallets.', '{}'::jsonb,
         coalesce((select sum(w.balance) from public.wallets w), 0)::double precision
  union all
  select 'kit_tool_usages', 'gauge', 'Tool usages recorded, by status.', jsonb_build_object('status', s.status::text),
         (select count(*) from public.usages u where u.status = s.status)::double precision
    from unnest(enum_range(null::public.usage_status)) as s(status)
  union all
  select 'kit_voucher_redemptions_total', 'counter', 'Voucher redemptions recorded.', '{}'::jsonb,
         (select count(*) from public.voucher_redemptions)::double precision
  union all
  select 'kit_payments', 'gauge', 'Payments by status.', jsonb_build_object('status', s.status::text),
         (select count(*) from public.payments p where p.status = s.status)::double precision
    from unnest(enum_range(null::public.payment_status)) as s(status)
  union all
  select 'kit_webhook_events_total', 'counter', 'Stripe webhook events recorded, by outcome.', jsonb_build_object('outcome', e.outcome),
         count(*)::double precision
    from private.stripe_events e group by e.outcome
  union all
  select 'kit_jobs', 'gauge', 'Background jobs by type and status.', jsonb_build_object('type', t.type, 'status', s.status::text),
         (select count(*) from private.jobs j where j.type = t.type and j.status = s.status)::double precision
    from private.job_types t cross join unnest(enum_range(null::private.job_status)) as s(status)
  union all
  select 'kit_job_queue_depth', 'gauge', 'Jobs queued and due now.', '{}'::jsonb,
         (select count(*) from private.jobs j where j.status = 'queued' and j.run_after <= now())::double precision
  union all
  select 'kit_job_oldest_due_seconds', 'gauge', 'Age of the oldest due queued job, in seconds (0 when none).', '{}'::jsonb,
         coalesce((select extract(epoch from now() - min(j.run_after)) from private.jobs j where j.status = 'queued' and j.run_after <= now()), 0)::double precision
  union all
  select 'kit_jobs_with_failed_attempts', 'gauge', 'Jobs with at least one failed attempt (retrying or failed), by type.', jsonb_build_object('type', t.type),
         (select count(*) from private.jobs j where j.type = t.type and j.last_error is not null)::double precision
    from private.job_types t
  union all
  select 'kit_audit_entries_total', 'counter', 'Audit log entries written.', '{}'::jsonb,
         (select count(*) from public.audit_log)::double precision;
$$;
comment on function private.metrics_snapshot() is
  'The samples of the metrics Edge Function: users by role, accounts by status, points in circulation, usages, redemptions, payments by status, webhook events by outcome, jobs by type/status, queue depth and age, failed attempts, audit entries.';
revoke execute on function private.metrics_snapshot() from public, anon, authenticated;
grant execute on function private.metrics_snapshot() to service_role;
