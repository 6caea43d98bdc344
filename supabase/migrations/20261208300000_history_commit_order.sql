-- =====================================================================================================
-- Histories in commit order. Every list the SDK reads "newest first" sorted by created_at, the start
-- of the writing transaction: two concurrent writers for one owner could commit in the other order,
-- and a statement read from one row to the next then contradicted the wallet ledger. Each history
-- table gets `seq`, a bigint identity drawn when the row is inserted; where a workflow holds the
-- owner's row lock while it inserts, the rows of one owner are numbered in commit order. The uuid
-- stays the public id; `seq` is only the order key. Rows already stored are numbered in their old
-- order (created_at, then id).
-- =====================================================================================================

do $$
declare
  t record;
begin
  for t in
    select * from (values
      ('public', 'usages', 'created_at'),
      ('public', 'payouts', 'created_at'),
      ('public', 'refunds', 'created_at'),
      ('public', 'vouchers', 'purchased_at'),
      ('public', 'voucher_redemptions', 'redeemed_at'),
      ('public', 'payments', 'created_at'),
      ('public', 'points_debts', 'created_at'),
      ('public', 'payment_disputes', 'created_at'),
      ('public', 'tool_revisions', 'created_at'),
      ('public', 'support_messages', 'created_at'),
      ('public', 'billing_allowance_credits', 'created_at'),
      ('public', 'member_batches', 'created_at'),
      ('public', 'feedback', 'created_at'),
      ('public', 'waitlist', 'created_at'),
      ('public', 'crm_clients', 'created_at'),
      ('public', 'crm_packages', 'created_at'),
      ('public', 'crm_client_packages', 'created_at'),
      ('public', 'crm_payments', 'created_at'),
      ('public', 'crm_instalments', 'created_at'),
      ('public', 'crm_stripe_customers', 'created_at'),
      ('private', 'jobs', 'created_at')
    ) as v(schema_name, table_name, started_at)
  loop
    execute format('alter table %I.%I add column seq bigint', t.schema_name, t.table_name);
    -- Numbering the stored rows is no workflow change: guards and updated_at stamps stay out of it.
    execute format('alter table %I.%I disable trigger user', t.schema_name, t.table_name);
    execute format(
      'update %1$I.%2$I as r set seq = o.n from (select x.id, row_number() over (order by x.%3$I, x.id) as n from %1$I.%2$I as x) as o where r.id = o.id',
      t.schema_name, t.table_name, t.started_at);
    execute format('alter table %I.%I enable trigger user', t.schema_name, t.table_name);
    execute format('alter table %I.%I alter column seq set not null', t.schema_name, t.table_name);
    execute format('alter table %I.%I alter column seq add generated always as identity', t.schema_name, t.table_name);
    execute format('select setval(pg_get_serial_sequence(%L, ''seq''), (select coalesce(max(x.seq), 0) + 1 from %I.%I as x), false)',
      format('%I.%I', t.schema_name, t.table_name), t.schema_name, t.table_name);
    execute format('comment on column %I.%I.seq is %L', t.schema_name, t.table_name,
      'Commit-order key: drawn at insert, so newest first is seq descending (the id stays the public id).');
  end loop;
end;
$$;

-- Each list's filter, then its order.
create index usages_client_seq_idx on public.usages (client_id, seq);
create index usages_creator_seq_idx on public.usages (creator_id, seq);
create index usages_tool_seq_idx on public.usages (tool_id, seq);
create index payouts_creator_seq_idx on public.payouts (creator_id, seq);
create index payouts_status_seq_idx on public.payouts (status, seq);
create index refunds_client_seq_idx on public.refunds (client_id, seq);
create index refunds_creator_seq_idx on public.refunds (creator_id, seq);
create index refunds_status_seq_idx on public.refunds (status, seq);
create index vouchers_owner_seq_idx on public.vouchers (owner_id, seq);
create index voucher_redemptions_owner_seq_idx on public.voucher_redemptions (voucher_owner_id, seq);
create index voucher_redemptions_redeemed_by_seq_idx on public.voucher_redemptions (redeemed_by, seq);
create index payments_user_seq_idx on public.payments (user_id, seq);
create index payments_seq_idx on public.payments (seq);
create index points_debts_user_seq_idx on public.points_debts (user_id, seq);
create index payment_disputes_user_seq_idx on public.payment_disputes (user_id, seq);
create index tool_revisions_creator_seq_idx on public.tool_revisions (creator_id, seq);
create index tool_revisions_status_seq_idx on public.tool_revisions (status, seq);
create index support_messages_ticket_seq_idx on public.support_messages (ticket_id, seq);
create index billing_allowance_credits_user_seq_idx on public.billing_allowance_credits (user_id, seq);
create index member_batches_account_seq_idx on public.member_batches (account_id, seq);
create index feedback_tool_seq_idx on public.feedback (tool_id, seq);
create index waitlist_seq_idx on public.waitlist (seq);
create index crm_clients_account_seq_idx on public.crm_clients (account_id, seq);
create index crm_packages_account_seq_idx on public.crm_packages (account_id, seq);
create index crm_client_packages_account_seq_idx on public.crm_client_packages (account_id, seq);
create index crm_payments_account_seq_idx on public.crm_payments (account_id, seq);
create index crm_instalments_account_seq_idx on public.crm_instalments (account_id, seq);
create index crm_stripe_customers_account_seq_idx on public.crm_stripe_customers (account_id, seq);
create index jobs_owner_seq_idx on private.jobs (owner_id, seq);
create index crm_assignment_history_account_id_idx on public.crm_assignment_history (account_id, id);

-- Reviews are read through column grants: the order key is one of the columns anyone may read.
grant select (seq) on public.feedback to anon, authenticated;

-- The CRM's own sorts break ties by seq in their direction; these replace the indexes that broke ties by uuid.
create index crm_clients_account_name_seq_idx on public.crm_clients (account_id, last_name, first_name, seq);
create index crm_client_packages_account_start_seq_idx on public.crm_client_packages (account_id, start_date desc, seq desc);
create index crm_payments_account_date_seq_idx on public.crm_payments (account_id, payment_date desc, seq desc);
create index crm_instalments_account_schedule_seq_idx on public.crm_instalments (account_id, schedule_date, seq);
drop index public.crm_clients_account_name_idx;
drop index public.crm_clients_account_created_idx;
drop index public.crm_payments_account_date_idx;
drop index public.crm_instalments_account_schedule_idx;
create index jobs_seq_idx on private.jobs (seq);

/**
 * Numbers a new usage or payout only once it holds the owner's wallet row (tg_argv[0] names the owner
 * column, tg_argv[1] the seq sequence). use_tool and request_payout insert their row first, to claim
 * the idempotency key, and lock the wallet after: numbered at the insert, two concurrent spends of
 * one wallet could be numbered in the opposite order to their ledger entries. Taking the lock here
 * keeps the wallet-first lock order of settle_earnings and post_wallet_entry.
 */
create function private.number_after_wallet_lock()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform 1 from public.wallets as w where w.user_id = (to_jsonb(new) ->> tg_argv[0])::uuid for update;
  new.seq := nextval(tg_argv[1]::regclass);
  return new;
end;
$$;
comment on function private.number_after_wallet_lock() is
  'Before insert of a usage or payout: locks the owner''s wallet, then draws seq, so per wallet seq follows commit order.';
revoke execute on function private.number_after_wallet_lock() from public, anon, authenticated;

create trigger usages_number_after_wallet_lock
before insert on public.usages
for each row execute function private.number_after_wallet_lock('client_id', 'public.usages_seq_seq');

create trigger payouts_number_after_wallet_lock
before insert on public.payouts
for each row execute function private.number_after_wallet_lock('creator_id', 'public.payouts_seq_seq');

-- Open debts are paid oldest first in commit order, as the debts list shows them.
create or replace function private.settle_points_debts(user_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  debt record;
  taken integer;
  total integer := 0;
begin
  for debt in
    select d.id, d.payment_id, d.points - d.settled_points as open_points
      from public.points_debts d
     where d.user_id = settle_points_debts.user_id and d.settled_at is null
     order by d.seq
       for update
  loop
    taken := private.payments_debit_points_up_to(
      settle_points_debts.user_id, debt.open_points, 'points_debt', debt.id, 'Points debt of a refunded top-up settled',
      'points_debt:' || debt.id || ':' || debt.open_points::text);
    exit when taken = 0;
    update public.points_debts d
       set settled_points = d.settled_points + taken,
           settled_at = case when d.settled_points + taken = d.points then now() end
     where d.id = debt.id;
    total := total + taken;
    exit when taken < debt.open_points;
  end loop;
  return total;
end;
$$;

create or replace function private.list_jobs(p_status text, p_type text, p_page integer, p_per_page integer)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  admin boolean := private.is_admin();
  me uuid := (select auth.uid());
  page integer := coalesce(p_page, 1);
  per_page integer := coalesce(p_per_page, 50);
  total bigint;
  items jsonb;
begin
  if p_status is not null and not p_status = any (enum_range(null::private.job_status)::text[]) then
    perform private.payments_raise('invalid_status', 400, 'Unknown job status', jsonb_build_object('status', p_status));
  end if;
  if page < 1 or per_page < 1 or per_page > 1000 then
    perform private.payments_raise('invalid_page', 400, 'Use page ≥ 1 and 1 ≤ per_page ≤ 1000',
      jsonb_build_object('page', p_page, 'per_page', p_per_page));
  end if;
  select count(*) into total
    from private.jobs as x
   where (x.owner_id = me or admin)
     and (p_status is null or x.status::text = p_status)
     and (p_type is null or x.type = p_type);
  select coalesce(jsonb_agg(private.job_json(j) order by j.seq desc), '[]'::jsonb) into items
    from (select * from private.jobs as x
           where (x.owner_id = me or admin)
             and (p_status is null or x.status::text = p_status)
             and (p_type is null or x.type = p_type)
           order by x.seq desc
           limit per_page offset (page - 1)::bigint * per_page) as j;
  return jsonb_build_object('items', items, 'total', total, 'page', page, 'per_page', per_page,
    'page_count', ceil(total::numeric / per_page)::integer);
end;
$$;

create or replace function private.list_tasks(p_page integer, p_per_page integer)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  items jsonb;
  total bigint;
begin
  if p_page is null or p_page < 1 or p_per_page is null or p_per_page < 1 or p_per_page > 1000 then
    perform private.refuse(400, 'validation_failed', 'page from 1, per_page from 1 to 1000');
  end if;
  select count(*) into total from private.jobs j where j.owner_id = (select auth.uid()) and j.type like 'tasks.%';
  select coalesce(jsonb_agg(private.task_json(j) order by j.seq desc), '[]'::jsonb) into items
  from (
    select * from private.jobs j
    where j.owner_id = (select auth.uid()) and j.type like 'tasks.%'
    order by j.seq desc
    limit p_per_page offset (p_page - 1) * p_per_page
  ) j;
  return jsonb_build_object('items', items, 'total', total, 'page', p_page, 'per_page', p_per_page);
end;
$$;

-- seq is filled per attempt, like id and created_at: the insert idempotency fingerprint leaves it out,
-- or a retry with the same fields would read as another request.
drop trigger zz_claim_idempotency on public.crm_clients;
create trigger zz_claim_idempotency before insert on public.crm_clients
  for each row execute function private.claim_insert_idempotency('seq');
drop trigger zz_claim_idempotency on public.crm_packages;
create trigger zz_claim_idempotency before insert on public.crm_packages
  for each row execute function private.claim_insert_idempotency('seq');
drop trigger zz_claim_idempotency on public.crm_client_packages;
create trigger zz_claim_idempotency before insert on public.crm_client_packages
  for each row execute function private.claim_insert_idempotency('seq');
drop trigger zz_claim_idempotency on public.crm_payments;
create trigger zz_claim_idempotency before insert on public.crm_payments
  for each row execute function private.claim_insert_idempotency('seq');
drop trigger zz_claim_idempotency on public.crm_instalments;
create trigger zz_claim_idempotency before insert on public.crm_instalments
  for each row execute function private.claim_insert_idempotency('seq');
drop trigger zz_claim_idempotency on public.crm_stripe_customers;
create trigger zz_claim_idempotency before insert on public.crm_stripe_customers
  for each row execute function private.claim_insert_idempotency('seq');
drop trigger zz_claim_idempotency on public.vouchers;
create trigger zz_claim_idempotency before insert on public.vouchers
  for each row execute function private.claim_insert_idempotency('code', 'purchased_at', 'expires_at', 'seq');
drop trigger zz_claim_idempotency on public.feedback;
create trigger zz_claim_idempotency before insert on public.feedback
  for each row execute function private.claim_insert_idempotency('seq');
drop trigger zz_claim_idempotency on public.support_messages;
create trigger zz_claim_idempotency before insert on public.support_messages
  for each row execute function private.claim_insert_idempotency('seq');
