-- Card disputes (Stripe `charge.dispute.created` / `charge.dispute.closed`) and the payment workflow guard.
--
-- A dispute takes the money back from us until it is decided, so it takes back what the payment gave:
-- - created: the points the payment credited (and not yet reversed) are debited up to the balance, the
--   rest becomes a points debt (the refund machinery: payments_debit_points_up_to + points_debts); a
--   voucher is deactivated; the payment becomes `disputed`; an audit entry records it;
-- - closed as won (or an inquiry closed as warning_closed): what the dispute took is given back once —
--   the points it debited and the part of its debt already collected are credited again, the open rest of
--   the debt is waived, the voucher is reactivated (unless it expired meanwhile); the payment returns to
--   the status it had before;
-- - closed as lost: the reversal stands; the payment stays `disputed`.
-- Exactly once under replayed and reordered events: every event id is recorded once (stripe_events), the
-- dispute itself is one row keyed by Stripe's dispute id, and both functions lock the payment first. A
-- dispute that closes before its `created` event arrived is applied by the close (lost: reversed then;
-- won: nothing to take back) and the late `created` changes nothing. A success that arrives while the
-- payment is disputed is remembered but not fulfilled; a won dispute fulfils it then.

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.payment_disputes (
  id text primary key check (id ~ '^(dp|du)_[A-Za-z0-9_]+$'),
  payment_id uuid not null references public.payments (id) on delete restrict,
  user_id uuid references auth.users (id) on delete set null,
  stripe_charge_id text check (char_length(stripe_charge_id) <= 255),
  amount integer not null check (amount >= 0),
  currency text not null check (currency ~ '^[a-z]{3}$'),
  reason text check (char_length(reason) <= 100),
  status text not null check (status ~ '^[a-z_]{1,40}$'),
  payment_status_before public.payment_status not null,
  points_reversed integer not null default 0 check (points_reversed >= 0),
  points_debt integer not null default 0 check (points_debt >= 0),
  voucher_deactivated boolean not null default false,
  points_restored integer not null default 0 check (points_restored >= 0),
  opened_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index payment_disputes_payment_id_idx on public.payment_disputes (payment_id);
create index payment_disputes_user_id_idx on public.payment_disputes (user_id, created_at desc);
comment on table public.payment_disputes is
  'Card disputes of payments, one row per Stripe dispute: what the dispute took back (points debited, points debt, voucher deactivated) and, when it was won, what was restored. Written only by private.open_payment_dispute and private.close_payment_dispute (the stripe-webhook function); read by the payer and admins.';
comment on column public.payment_disputes.status is 'Stripe''s dispute status as last received: needs_response, under_review, won, lost, warning_needs_response, warning_closed…';
comment on column public.payment_disputes.payment_status_before is 'The payment''s status before the dispute; a won dispute returns it there (fulfilling it if it was paid meanwhile).';
comment on column public.payment_disputes.points_debt is 'Points the dispute could not take back (already spent): recorded in points_debts (dispute_id) and collected like a refund''s debt.';

alter table public.payment_disputes enable row level security;
revoke all on public.payment_disputes from anon, authenticated;
grant select on public.payment_disputes to authenticated;
grant select on public.payment_disputes to service_role;
create policy "Disputes are visible to the payer and to admins" on public.payment_disputes
  for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_admin()));

create trigger payment_disputes_touch_updated_at
  before update on public.payment_disputes
  for each row execute function private.vouchers_touch_updated_at();

-- A refund's debt is one per payment; a dispute's debt is one per dispute.
alter table public.points_debts
  add column dispute_id text references public.payment_disputes (id) on delete restrict,
  add column waived_points integer not null default 0;
alter table public.points_debts
  add constraint points_debts_waived_points_range check (waived_points between 0 and settled_points);
alter table public.points_debts drop constraint points_debts_payment_id_key;
create unique index points_debts_refund_payment_id_key on public.points_debts (payment_id) where dispute_id is null;
create unique index points_debts_dispute_id_key on public.points_debts (dispute_id);
create index points_debts_payment_id_idx on public.points_debts (payment_id);
comment on column public.points_debts.dispute_id is 'The card dispute that left this debt; null for a refund''s debt.';
comment on column public.points_debts.waived_points is 'Part of settled_points that was waived rather than collected: the open rest of a dispute''s debt when the dispute was won.';

-- A debt is settled by debits that reference it (or waived by a won dispute), never just marked settled.
create function private.guard_points_debt_settlement()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  collected integer;
begin
  select coalesce(-sum(l.amount), 0) into collected from public.wallet_ledger as l
  where l.user_id = new.user_id and l.created_at = now() and l.reference_id = new.id and l.amount < 0;
  if (new.settled_points - new.waived_points) - (old.settled_points - old.waived_points) > collected then
    perform private.refuse_workflow_bypass('A points debt is settled only by points debited from the wallet for it',
      'public.settle_points_debts(user_id)');
  end if;
  return new;
end;
$$;
comment on function private.guard_points_debt_settlement() is
  'Points debts: settled_points (less waived_points) grows only by what this transaction debited from the wallet with the debt as reference.';
revoke execute on function private.guard_points_debt_settlement() from public, anon, authenticated;

create trigger points_debts_guard_settlement
  before update on public.points_debts
  for each row
  when (new.settled_points - new.waived_points > old.settled_points - old.waived_points)
  execute function private.guard_points_debt_settlement();

-- Waiving is the won dispute's business only.
create function private.guard_points_debt_waiver()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.dispute_id is distinct from old.dispute_id then
    perform private.refuse_workflow_bypass('A points debt''s dispute is fixed', 'the stripe-webhook function (charge.dispute.*)');
  end if;
  if not private.called_from(array['private.close_payment_dispute']) then
    perform private.refuse_workflow_bypass('A points debt is waived only when the dispute that caused it is won',
      'public.settle_points_debts(user_id) to collect it, or public.admin_adjust_points(user_id, amount, reason, idempotency_key) to compensate');
  end if;
  return new;
end;
$$;
comment on function private.guard_points_debt_waiver() is 'Points debts: waived_points (and dispute_id) change only inside private.close_payment_dispute.';
revoke execute on function private.guard_points_debt_waiver() from public, anon, authenticated;

create trigger points_debts_guard_waiver
  before update on public.points_debts
  for each row
  when (new.waived_points is distinct from old.waived_points or new.dispute_id is distinct from old.dispute_id)
  execute function private.guard_points_debt_waiver();

-- ============================================================================================
-- Helper functions
-- ============================================================================================
-- Gives back points a won dispute had taken (adapter to the wallet module, like payments_credit_points).
create function private.payments_restore_points(user_id uuid, points integer, payment_id uuid, dispute_id text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.post_wallet_entry(
    payments_restore_points.user_id, payments_restore_points.points, 'purchase', 'payment', payments_restore_points.payment_id,
    null, 'Card dispute won: points restored', 'dispute:' || payments_restore_points.dispute_id || ':restore');
end;
$$;
comment on function private.payments_restore_points(uuid, integer, uuid, text) is 'Credits back the points a won card dispute had taken (adapter to the wallet module).';
revoke execute on function private.payments_restore_points(uuid, integer, uuid, text) from public, anon, authenticated;

-- Takes back what a payment gave, for a dispute; returns the dispute row updated.
create function private.reverse_disputed_payment(p_payment public.payments, p_dispute public.payment_disputes)
returns public.payment_disputes
language plpgsql
security definer
set search_path = ''
as $$
declare
  dispute public.payment_disputes := p_dispute;
  due integer;
  taken integer := 0;
  deactivated integer := 0;
begin
  if p_payment.status in ('refunded', 'disputed') then
    return dispute; -- a refund or another dispute took it back already
  end if;
  if p_payment.fulfilled_at is not null and p_payment.user_id is not null then
    if p_payment.purpose = 'points' then
      due := p_payment.points_credited - p_payment.points_reversed;
      if due > 0 then
        taken := private.payments_debit_points_up_to(p_payment.user_id, due, 'payment', p_payment.id,
          'Card payment disputed', 'dispute:' || dispute.id || ':reverse');
        if taken < due then
          insert into public.points_debts (user_id, payment_id, points, dispute_id)
          values (p_payment.user_id, p_payment.id, due - taken, dispute.id);
        end if;
        update public.payments as p set points_reversed = p.points_reversed + taken where p.id = p_payment.id;
        dispute.points_reversed := taken;
        dispute.points_debt := due - taken;
      end if;
    else
      update public.vouchers as v
         set is_active = false, deactivated_at = now(), deactivation_reason = 'payment disputed'
       where v.payment_id = p_payment.id and v.is_active;
      get diagnostics deactivated = row_count;
      dispute.voucher_deactivated := deactivated > 0;
    end if;
  end if;
  update public.payments as p set status = 'disputed' where p.id = p_payment.id;
  update public.payment_disputes as d
     set points_reversed = dispute.points_reversed, points_debt = dispute.points_debt,
         voucher_deactivated = dispute.voucher_deactivated, opened_at = coalesce(d.opened_at, now())
   where d.id = dispute.id
  returning * into dispute;
  return dispute;
end;
$$;
comment on function private.reverse_disputed_payment(public.payments, public.payment_disputes) is
  'For a new dispute: debits the points the payment credited up to the balance (the rest a points debt) or deactivates its voucher, and marks the payment disputed.';
revoke execute on function private.reverse_disputed_payment(public.payments, public.payment_disputes) from public, anon, authenticated;

-- ============================================================================================
-- The transitions (the stripe-webhook function; one call = one transaction)
-- ============================================================================================
-- charge.dispute.created
create function private.open_payment_dispute(
  dispute_id text, stripe_charge_id text, stripe_payment_intent_id text, amount integer, currency text,
  reason text, status text, event_id text default null
)
returns table (payment public.payments, outcome text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := private.find_payment(null, stripe_payment_intent_id);
  current public.payments;
  dispute public.payment_disputes;
  result text;
begin
  if not private.record_stripe_event(event_id, 'charge.dispute.created', target) then
    return query select (select p from public.payments p where p.id = target), 'duplicate'::text;
    return;
  end if;
  select * into current from public.payments p where p.id = target for update;
  if not found then
    result := 'unknown_payment';
  else
    insert into public.payment_disputes as d (id, payment_id, user_id, stripe_charge_id, amount, currency, reason, status, payment_status_before)
    values (open_payment_dispute.dispute_id, current.id, current.user_id, open_payment_dispute.stripe_charge_id,
            greatest(coalesce(open_payment_dispute.amount, 0), 0), lower(coalesce(open_payment_dispute.currency, current.currency)),
            left(open_payment_dispute.reason, 100), coalesce(open_payment_dispute.status, 'needs_response'), current.status)
    on conflict (id) do nothing
    returning * into dispute;
    if not found then
      -- Another event of this dispute came first (a close delivered before its creation): it applied it.
      result := 'already_recorded';
    elsif current.status = 'refunded' then
      result := 'already_refunded';
    elsif current.status = 'disputed' then
      result := 'already_disputed';
    else
      dispute := private.reverse_disputed_payment(current, dispute);
      select * into current from public.payments p where p.id = current.id;
      perform private.write_audit('payment.disputed', 'payment', current.id::text,
        jsonb_build_object('status', dispute.payment_status_before),
        jsonb_build_object('status', current.status, 'dispute_id', dispute.id, 'points_reversed', dispute.points_reversed,
                           'points_debt', dispute.points_debt, 'voucher_deactivated', dispute.voucher_deactivated));
      result := 'disputed';
    end if;
  end if;
  if event_id is not null then
    perform private.finish_stripe_event(event_id, result);
  end if;
  return query select current, result;
end;
$$;
comment on function private.open_payment_dispute(text, text, text, integer, text, text, text, text) is
  'Applies charge.dispute.created: records the dispute and takes back what the payment gave (points debited up to the balance, the rest a points debt; or the voucher deactivated); the payment becomes disputed; audited. Duplicates and a dispute already recorded change nothing.';
revoke execute on function private.open_payment_dispute(text, text, text, integer, text, text, text, text) from public, anon, authenticated;
grant execute on function private.open_payment_dispute(text, text, text, integer, text, text, text, text) to service_role;

-- charge.dispute.closed
create function private.close_payment_dispute(
  dispute_id text, stripe_charge_id text, stripe_payment_intent_id text, amount integer, currency text,
  reason text, status text, event_id text default null
)
returns table (payment public.payments, outcome text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := private.find_payment(null, stripe_payment_intent_id);
  current public.payments;
  dispute public.payment_disputes;
  debt public.points_debts;
  collected integer := 0;
  restore integer := 0;
  won boolean := close_payment_dispute.status in ('won', 'warning_closed');
  result text;
begin
  if not private.record_stripe_event(event_id, 'charge.dispute.closed', target) then
    return query select (select p from public.payments p where p.id = target), 'duplicate'::text;
    return;
  end if;
  select * into current from public.payments p where p.id = target for update;
  if not found then
    result := 'unknown_payment';
  else
    select * into dispute from public.payment_disputes d where d.id = close_payment_dispute.dispute_id for update;
    if not found then
      -- The close arrived before the creation: record the dispute; a lost one takes back what the payment gave.
      insert into public.payment_disputes (id, payment_id, user_id, stripe_charge_id, amount, currency, reason, status, payment_status_before)
      values (close_payment_dispute.dispute_id, current.id, current.user_id, close_payment_dispute.stripe_charge_id,
              greatest(coalesce(close_payment_dispute.amount, 0), 0), lower(coalesce(close_payment_dispute.currency, current.currency)),
              left(close_payment_dispute.reason, 100), coalesce(close_payment_dispute.status, 'lost'), current.status)
      returning * into dispute;
      if not won and current.status not in ('refunded', 'disputed') then
        dispute := private.reverse_disputed_payment(current, dispute);
        select * into current from public.payments p where p.id = current.id;
      end if;
    elsif dispute.closed_at is not null then
      result := 'already_closed';
    end if;

    if result is null then
      if won and dispute.opened_at is not null and current.status = 'disputed' then
        -- Give back exactly what this dispute took: its debit, and the part of its debt collected since.
        select * into debt from public.points_debts pd where pd.dispute_id = dispute.id for update;
        if found then
          collected := debt.settled_points - debt.waived_points;
          update public.points_debts pd
             set waived_points = pd.waived_points + (pd.points - pd.settled_points),
                 settled_points = pd.points, settled_at = coalesce(pd.settled_at, now())
           where pd.id = debt.id;
        end if;
        restore := dispute.points_reversed + collected;
        if restore > 0 and current.user_id is not null then
          perform private.payments_restore_points(current.user_id, restore, current.id, dispute.id);
        end if;
        if dispute.points_reversed > 0 then
          update public.payments p set points_reversed = p.points_reversed - dispute.points_reversed where p.id = current.id;
        end if;
        if dispute.voucher_deactivated then
          update public.vouchers v
             set is_active = true, deactivated_at = null, deactivation_reason = null
           where v.payment_id = current.id and not v.is_active and v.deactivation_reason = 'payment disputed' and v.expires_at > now();
        end if;
        update public.payments p set status = dispute.payment_status_before where p.id = current.id
        returning * into current;
        -- Paid while disputed (the success was remembered, not fulfilled): fulfil it now, once.
        if current.completed_at is not null and current.fulfilled_at is null and current.user_id is not null then
          update public.payments p set status = 'completed' where p.id = current.id returning * into current;
          if current.purpose = 'voucher' then
            perform private.issue_voucher(current.user_id, current.voucher_type_id, current.id, null);
          else
            perform private.payments_credit_points(current.user_id, current.points, current.id);
            perform private.settle_points_debts(current.user_id);
          end if;
          update public.payments p set fulfilled_at = now(), points_credited = coalesce(current.points, 0)
           where p.id = current.id returning * into current;
        end if;
        result := 'won';
      elsif won then
        result := 'won'; -- nothing had been taken back (the close came first, or a refund did it)
      else
        result := 'lost';
      end if;
      update public.payment_disputes d
         set status = coalesce(close_payment_dispute.status, d.status), closed_at = now(), points_restored = restore
       where d.id = dispute.id
      returning * into dispute;
      select * into current from public.payments p where p.id = current.id;
      perform private.write_audit('payment.dispute_' || result, 'payment', current.id::text,
        jsonb_build_object('status', dispute.payment_status_before),
        jsonb_build_object('status', current.status, 'dispute_id', dispute.id, 'dispute_status', dispute.status,
                           'points_reversed', dispute.points_reversed, 'points_debt', dispute.points_debt, 'points_restored', restore));
    end if;
  end if;
  if event_id is not null then
    perform private.finish_stripe_event(event_id, result);
  end if;
  return query select current, result;
end;
$$;
comment on function private.close_payment_dispute(text, text, text, integer, text, text, text, text) is
  'Applies charge.dispute.closed: won (or an inquiry closed) gives back exactly once what the dispute took (points debited, debt collected; the open debt is waived; the voucher reactivated) and returns the payment to its status before; lost keeps the reversal. Audited. A close before the creation records the dispute (and, when lost, applies the reversal).';
revoke execute on function private.close_payment_dispute(text, text, text, integer, text, text, text, text) from public, anon, authenticated;
grant execute on function private.close_payment_dispute(text, text, text, integer, text, text, text, text) to service_role;

-- ============================================================================================
-- The other transitions know the disputed status (same functions as in 20261123400100_payments.sql)
-- ============================================================================================
-- payment_intent.succeeded while disputed: remembered, not fulfilled (a won dispute fulfils it).
create or replace function private.complete_payment(
  payment_id uuid, stripe_payment_intent_id text, amount_received integer, currency text,
  event_id text default null, event_type text default 'payment_intent.succeeded'
)
returns table (payment public.payments, outcome text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := private.find_payment(payment_id, stripe_payment_intent_id);
  current public.payments;
  result text;
begin
  if not private.record_stripe_event(event_id, event_type, target) then
    return query select (select p from public.payments p where p.id = target), 'duplicate'::text;
    return;
  end if;
  select * into current from public.payments p where p.id = target for update;
  if not found then
    result := 'unknown_payment';
  elsif current.status = 'refunded' then
    -- The refund arrived first: remember the success, never fulfil.
    update public.payments p set completed_at = coalesce(p.completed_at, now()) where p.id = current.id returning * into current;
    result := 'already_refunded';
  elsif current.status = 'completed' then
    result := 'already_completed';
  elsif current.status = 'disputed' then
    -- Disputed before the success arrived: remember that it was paid (at the price), fulfil only if the dispute is won.
    if amount_received is distinct from current.amount or lower(complete_payment.currency) is distinct from current.currency then
      result := 'amount_mismatch';
    else
      update public.payments p set completed_at = coalesce(p.completed_at, now()) where p.id = current.id returning * into current;
      result := 'already_disputed';
    end if;
  elsif current.user_id is null then
    -- The buyer's account was deleted meanwhile: nobody to fulfil for (support refunds it).
    update public.payments p set status = 'completed', completed_at = now() where p.id = current.id returning * into current;
    result := 'buyer_deleted';
  elsif amount_received is distinct from current.amount or lower(complete_payment.currency) is distinct from current.currency then
    -- Not what we priced: do not fulfil; support looks at it (the outcome says why).
    result := 'amount_mismatch';
  else
    update public.payments p
       set status = 'completed', completed_at = now(), failed_at = null, failure_code = null, failure_message = null,
           stripe_payment_intent_id = coalesce(p.stripe_payment_intent_id, complete_payment.stripe_payment_intent_id)
     where p.id = current.id
    returning * into current;
    if current.fulfilled_at is null then
      if current.purpose = 'voucher' then
        perform private.issue_voucher(current.user_id, current.voucher_type_id, current.id, null);
      else
        perform private.payments_credit_points(current.user_id, current.points, current.id);
        perform private.settle_points_debts(current.user_id);
      end if;
      update public.payments p
         set fulfilled_at = now(), points_credited = coalesce(current.points, 0)
       where p.id = current.id
      returning * into current;
    end if;
    result := 'completed';
  end if;
  if event_id is not null then
    perform private.finish_stripe_event(event_id, result);
  end if;
  return query select current, result;
end;
$$;

comment on function private.complete_payment(uuid, text, integer, text, text, text) is
  'Applies payment_intent.succeeded: marks the payment completed and issues the voucher or credits the points, exactly once; a duplicate event or a payment already refunded changes nothing; a disputed payment is only marked paid (a won dispute fulfils it).';

-- payment_intent.payment_failed: a late failure never touches a disputed payment.
create or replace function private.fail_payment(
  payment_id uuid, stripe_payment_intent_id text, failure_code text, failure_message text, event_id text default null
)
returns table (payment public.payments, outcome text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := private.find_payment(payment_id, stripe_payment_intent_id);
  current public.payments;
  result text;
begin
  if not private.record_stripe_event(event_id, 'payment_intent.payment_failed', target) then
    return query select (select p from public.payments p where p.id = target), 'duplicate'::text;
    return;
  end if;
  select * into current from public.payments p where p.id = target for update;
  if not found then
    result := 'unknown_payment';
  elsif current.status in ('completed', 'refunded', 'disputed') then
    -- A late failure of an earlier attempt: the payment went through after all.
    result := 'ignored_' || current.status::text;
  else
    update public.payments p
       set status = 'failed', failed_at = now(),
           failure_code = left(fail_payment.failure_code, 100), failure_message = left(fail_payment.failure_message, 500)
     where p.id = current.id
    returning * into current;
    result := 'failed';
  end if;
  if event_id is not null then
    perform private.finish_stripe_event(event_id, result);
  end if;
  return query select current, result;
end;
$$;

-- charge.refunded while disputed: the payment becomes refunded; the dispute's reversal already took the fulfilment back.
create or replace function private.refund_payment(
  payment_id uuid, stripe_payment_intent_id text, amount_refunded integer, event_id text default null
)
returns table (payment public.payments, outcome text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := private.find_payment(payment_id, stripe_payment_intent_id);
  current public.payments;
  result text;
  taken integer;
begin
  if not private.record_stripe_event(event_id, 'charge.refunded', target) then
    return query select (select p from public.payments p where p.id = target), 'duplicate'::text;
    return;
  end if;
  select * into current from public.payments p where p.id = target for update;
  if not found then
    result := 'unknown_payment';
  elsif current.status = 'refunded' then
    result := 'already_refunded';
  elsif current.status = 'disputed' and coalesce(amount_refunded, 0) >= current.amount then
    -- Refunded while disputed: the dispute took the fulfilment back already (its debt stands); only the status moves.
    update public.payments p set status = 'refunded', refunded_at = now(), amount_refunded = p.amount
     where p.id = current.id
    returning * into current;
    result := 'refunded';
  elsif coalesce(amount_refunded, 0) < current.amount then
    update public.payments p set amount_refunded = greatest(p.amount_refunded, least(coalesce(refund_payment.amount_refunded, 0), p.amount))
     where p.id = current.id
    returning * into current;
    result := 'partially_refunded';
  else
    update public.payments p
       set status = 'refunded', refunded_at = now(), amount_refunded = p.amount
     where p.id = current.id
    returning * into current;
    if current.fulfilled_at is not null then
      if current.purpose = 'voucher' then
        update public.vouchers v
           set is_active = false, deactivated_at = now(), deactivation_reason = 'payment refunded'
         where v.payment_id = current.id;
      else
        taken := private.payments_debit_points_up_to(current.user_id, current.points_credited, 'payment', current.id,
                                                     'Points top-up refunded', 'payment:' || current.id || ':refund');
        if taken < current.points_credited then
          insert into public.points_debts (user_id, payment_id, points)
          values (current.user_id, current.id, current.points_credited - taken);
        end if;
        update public.payments p set points_reversed = taken where p.id = current.id returning * into current;
      end if;
    end if;
    result := 'refunded';
  end if;
  if event_id is not null then
    perform private.finish_stripe_event(event_id, result);
  end if;
  return query select current, result;
end;
$$;

-- ============================================================================================
-- Payments move only along their transitions, only through their functions (as for payouts, see
-- 20261206110200_integrity_workflow_guards.sql): pending → completed | failed | refunded | disputed;
-- failed → completed | refunded | disputed; completed → refunded | disputed; disputed → completed |
-- pending | failed (won: back to where it was) | refunded; refunded is final. A new payment starts pending
-- with nothing fulfilled, and none is ever deleted.
-- ============================================================================================
create function private.guard_payment_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  use_instead constant text := 'the payments function (POST /functions/v1/payments, /payments/<id>/refund for admins) and the stripe-webhook function, which apply private.create_payment / complete_payment / fail_payment / refund_payment / open_payment_dispute / close_payment_dispute';
begin
  if tg_op = 'DELETE' then
    perform private.refuse_workflow_bypass('Payments are never deleted (they are the record of money received)', use_instead);
  end if;
  if tg_op = 'INSERT' then
    if new.status <> 'pending' or new.points_credited <> 0 or new.points_reversed <> 0 or new.amount_refunded <> 0 or new.fulfilled_at is not null then
      perform private.refuse_workflow_bypass('A payment starts pending, with nothing paid, fulfilled or refunded', use_instead);
    end if;
    return new;
  end if;
  if new.status is distinct from old.status and not (
       (old.status = 'pending' and new.status in ('completed', 'failed', 'refunded', 'disputed'))
    or (old.status = 'failed' and new.status in ('completed', 'refunded', 'disputed'))
    or (old.status = 'completed' and new.status in ('refunded', 'disputed'))
    or (old.status = 'disputed' and new.status in ('completed', 'pending', 'failed', 'refunded'))) then
    perform private.refuse_workflow_bypass(format('A payment cannot go from %s to %s', old.status, new.status), use_instead);
  end if;
  if not private.called_from(array['private.complete_payment', 'private.fail_payment', 'private.refund_payment',
                                    'private.attach_payment_intent', 'private.open_payment_dispute', 'private.close_payment_dispute']) then
    perform private.refuse_workflow_bypass('A payment''s status, amounts, fulfilment and Stripe ids change only as Stripe reports them', use_instead);
  end if;
  return new;
end;
$$;
comment on function private.guard_payment_change() is
  'Payments: start pending and unfulfilled; never deleted; status moves along its transitions and status, amounts, fulfilment and PaymentIntent change only inside the payment transition functions.';
revoke execute on function private.guard_payment_change() from public, anon, authenticated;

create trigger payments_guard_insert
  before insert on public.payments
  for each row
  when (new.status <> 'pending' or new.points_credited <> 0 or new.points_reversed <> 0 or new.amount_refunded <> 0 or new.fulfilled_at is not null)
  execute function private.guard_payment_change();
create trigger payments_guard_workflow
  before update on public.payments
  for each row
  when ((new.status, new.purpose, new.voucher_type_id, new.points_package_id, new.points, new.amount, new.currency, new.amount_refunded,
         new.points_credited, new.points_reversed, new.fulfilled_at, new.stripe_payment_intent_id, new.idempotency_key)
        is distinct from
        (old.status, old.purpose, old.voucher_type_id, old.points_package_id, old.points, old.amount, old.currency, old.amount_refunded,
         old.points_credited, old.points_reversed, old.fulfilled_at, old.stripe_payment_intent_id, old.idempotency_key))
  execute function private.guard_payment_change();
create trigger payments_guard_delete
  before delete on public.payments
  for each row execute function private.guard_payment_change();
create trigger payments_no_truncate before truncate on public.payments
  for each statement execute function private.refuse_money_record_truncate();

-- Disputes are written by their two functions only.
create function private.guard_payment_dispute_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' or not private.called_from(array['private.open_payment_dispute', 'private.close_payment_dispute']) then
    perform private.refuse_workflow_bypass('Card disputes follow Stripe''s events', 'the stripe-webhook function (charge.dispute.created / charge.dispute.closed)');
  end if;
  return coalesce(new, old);
end;
$$;
comment on function private.guard_payment_dispute_change() is 'payment_disputes: written only by private.open_payment_dispute / close_payment_dispute; never deleted.';
revoke execute on function private.guard_payment_dispute_change() from public, anon, authenticated;

create trigger payment_disputes_guard
  before insert or update or delete on public.payment_disputes
  for each row execute function private.guard_payment_dispute_change();
create trigger payment_disputes_no_truncate before truncate on public.payment_disputes
  for each statement execute function private.refuse_money_record_truncate();
