-- Workflow integrity under any writer: usages, payouts, refunds, payments, points debts and vouchers move
-- only along their allowed transitions, and only through the SQL function that owns each transition —
-- also for `postgres` editing rows in Supabase Studio and for the service role. A refused edit says which
-- function to call instead ("use public.decide_payout(payout_id, decision, reason)").
--
-- How a guard knows its caller without any cooperation from the workflow functions: PL/pgSQL keeps the
-- call stack (GET DIAGNOSTICS … = PG_CONTEXT), in which every PL/pgSQL frame reads
-- "PL/pgSQL function <schema>.<name>(<argument types>) line …" (schema-qualified, because the guards run
-- with an empty search_path). A guarded change is accepted when one of the functions that own it is on
-- that stack; a direct UPDATE from Studio, PostgREST or a DO block has none of them. The workflow functions
-- are matched by name, so their bodies and signatures may change; a NEW function that changes a guarded
-- column must be added to the lists below. Independently of the caller, the transitions themselves are
-- checked (a payout is never "un-paid", a refunded usage never completes again), so the workflow
-- functions cannot jump a status either.
--
-- The guards fire only when a guarded column changes (trigger WHEN clauses), so the hot path (use_tool's
-- usage insert, settle_earnings' settled_at) pays nothing for them. The table owner can still disable a
-- trigger or define a function with one of these names: schema changes, which go through migrations.

-- ============================================================================================
-- Helpers
-- ============================================================================================
create function private.called_from(p_functions text[])
returns boolean
language plpgsql
stable
set search_path = ''
as $$
declare
  stack text;
  fn text;
begin
  get diagnostics stack = pg_context;
  foreach fn in array p_functions loop
    if strpos(stack, 'PL/pgSQL function ' || fn || '(') > 0 then
      return true;
    end if;
  end loop;
  return false;
end;
$$;
comment on function private.called_from(text[]) is
  'True when one of the named PL/pgSQL functions (schema-qualified, e.g. private.decide_payout) is on the current call stack. Used by the workflow guards to accept changes made by the function that owns them.';
revoke execute on function private.called_from(text[]) from public, anon, authenticated;

create function private.refuse_workflow_bypass(p_what text, p_use text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  raise exception '%: use %', p_what, p_use
    using errcode = '42501',
          hint = 'Money records change only through their workflow functions, which keep the wallet, the ledger and the audit log consistent.';
end;
$$;
comment on function private.refuse_workflow_bypass(text, text) is
  'Raises 42501 "<what>: use <function>": the message names the function that performs the change correctly.';
revoke execute on function private.refuse_workflow_bypass(text, text) from public, anon, authenticated;

create function private.refuse_money_record_truncate()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  raise exception 'public.% is never truncated: it holds money records', tg_table_name
    using errcode = '42501', hint = 'Change single rows through their workflow functions.';
end;
$$;
comment on function private.refuse_money_record_truncate() is 'Refuses TRUNCATE of the money tables, for every role.';
revoke execute on function private.refuse_money_record_truncate() from public, anon, authenticated;

-- ============================================================================================
-- Usages: facts of a use. Only a refund changes one (completed → refunded); settled stays settled.
-- ============================================================================================
create function private.guard_usage_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform private.refuse_workflow_bypass('Usages are never deleted (they carry the ledger''s spends and earnings)',
      'public.request_refund(usage_id, reason, idempotency_key) and public.decide_refund(refund_id, decision, note) to give the points back');
  end if;
  if (new.tool_id, new.client_id, new.creator_id, new.points_charged, new.creator_share, new.idempotency_key)
     is distinct from (old.tool_id, old.client_id, old.creator_id, old.points_charged, old.creator_share, old.idempotency_key) then
    perform private.refuse_workflow_bypass('A usage''s tool, client, creator, price and share are fixed when it is used',
      'public.decide_refund(refund_id, decision, note) to reverse it');
  end if;
  if old.settled_at is not null and new.settled_at is null then
    perform private.refuse_workflow_bypass('A settled usage stays settled (its earning is in the creator''s ledger)',
      'public.admin_adjust_points(user_id, amount, reason, idempotency_key) to correct an earning');
  end if;
  if new.status is distinct from old.status then
    if not (old.status = 'completed' and new.status = 'refunded') then
      perform private.refuse_workflow_bypass(format('A usage cannot go from %s to %s', old.status, new.status),
        'public.decide_refund(refund_id, decision, note)');
    end if;
    if not private.called_from(array['private.decide_refund']) then
      perform private.refuse_workflow_bypass('A usage is refunded only with its refund request',
        'public.decide_refund(refund_id, decision, note)');
    end if;
  end if;
  return new;
end;
$$;
comment on function private.guard_usage_change() is
  'Usages: never deleted; tool, client, creator, price, share and key fixed; settled_at never cleared; status completed → refunded only inside private.decide_refund.';
revoke execute on function private.guard_usage_change() from public, anon, authenticated;

create trigger usages_guard_workflow
  before update on public.usages
  for each row
  when ((new.status, new.tool_id, new.client_id, new.creator_id, new.points_charged, new.creator_share, new.idempotency_key)
        is distinct from (old.status, old.tool_id, old.client_id, old.creator_id, old.points_charged, old.creator_share, old.idempotency_key)
        or (old.settled_at is not null and new.settled_at is null))
  execute function private.guard_usage_change();
create trigger usages_guard_delete
  before delete on public.usages
  for each row execute function private.guard_usage_change();
create trigger usages_no_truncate before truncate on public.usages
  for each statement execute function private.refuse_money_record_truncate();

-- ============================================================================================
-- Payouts: requested → approved → paid; requested | approved → rejected; requested → paid.
-- A payout holds points from its creation: it exists only with its payout debit (checked at commit).
-- ============================================================================================
create function private.guard_payout_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform private.refuse_workflow_bypass('Payouts are never deleted (their points are held in the ledger)',
      'public.decide_payout(payout_id, ''reject'', reason) to return the points');
  end if;
  if (new.creator_id, new.amount_points, new.idempotency_key) is distinct from (old.creator_id, old.amount_points, old.idempotency_key) then
    perform private.refuse_workflow_bypass('A payout''s creator and amount are fixed when it is requested',
      'public.decide_payout(payout_id, ''reject'', reason) and public.request_payout(amount, idempotency_key) for another amount');
  end if;
  if new.status is distinct from old.status then
    if not ((old.status = 'requested' and new.status in ('approved', 'rejected', 'paid'))
            or (old.status = 'approved' and new.status in ('rejected', 'paid'))) then
      perform private.refuse_workflow_bypass(format('A payout cannot go from %s to %s', old.status, new.status),
        'public.decide_payout(payout_id, decision, reason)');
    end if;
    if not private.called_from(array['private.decide_payout']) then
      perform private.refuse_workflow_bypass(format('A payout goes from %s to %s only by an admin''s decision', old.status, new.status),
        'public.decide_payout(payout_id, decision, reason)');
    end if;
  end if;
  return new;
end;
$$;
comment on function private.guard_payout_change() is
  'Payouts: never deleted; creator and amount fixed; status moves along its transitions only inside private.decide_payout.';
revoke execute on function private.guard_payout_change() from public, anon, authenticated;

create trigger payouts_guard_workflow
  before update on public.payouts
  for each row
  when ((new.status, new.creator_id, new.amount_points, new.idempotency_key) is distinct from (old.status, old.creator_id, old.amount_points, old.idempotency_key))
  execute function private.guard_payout_change();
create trigger payouts_guard_delete
  before delete on public.payouts
  for each row execute function private.guard_payout_change();
create trigger payouts_no_truncate before truncate on public.payouts
  for each statement execute function private.refuse_money_record_truncate();

-- A new payout starts requested, with its points taken from the wallet in the same transaction.
create function private.check_new_payout()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status <> 'requested' then
    perform private.refuse_workflow_bypass(format('A payout starts as requested, not %s', new.status),
      'public.request_payout(amount, idempotency_key)');
  end if;
  if not exists (
    select 1 from public.wallet_ledger as l
    where l.user_id = new.creator_id and l.created_at = now() and l.kind = 'payout' and l.reference_id = new.id
      and l.amount = -new.amount_points
  ) then
    perform private.refuse_workflow_bypass('A payout holds its points from the start (a payout debit of the creator''s wallet)',
      'public.request_payout(amount, idempotency_key)');
  end if;
  return null;
end;
$$;
comment on function private.check_new_payout() is
  'Deferred check of a new payout: status requested and a payout debit of its amount in the creator''s ledger, written in the same transaction.';
revoke execute on function private.check_new_payout() from public, anon, authenticated;

create constraint trigger payouts_hold_points
  after insert on public.payouts
  deferrable initially deferred
  for each row execute function private.check_new_payout();

-- ============================================================================================
-- Refunds: requested → approved | rejected, only by an admin's decision.
-- ============================================================================================
create function private.guard_refund_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'requested' then
      perform private.refuse_workflow_bypass(format('A refund starts as requested, not %s', new.status),
        'public.request_refund(usage_id, reason, idempotency_key)');
    end if;
    return new;
  end if;
  if tg_op = 'DELETE' then
    perform private.refuse_workflow_bypass('Refund requests are never deleted',
      'public.decide_refund(refund_id, ''reject'', note)');
  end if;
  if (new.usage_id, new.client_id, new.creator_id, new.tool_id, new.points) is distinct from (old.usage_id, old.client_id, old.creator_id, old.tool_id, old.points) then
    perform private.refuse_workflow_bypass('A refund''s usage, parties and points are fixed when it is requested',
      'public.decide_refund(refund_id, decision, note)');
  end if;
  if new.status is distinct from old.status then
    if not (old.status = 'requested' and new.status in ('approved', 'rejected')) then
      perform private.refuse_workflow_bypass(format('A refund cannot go from %s to %s', old.status, new.status),
        'public.decide_refund(refund_id, decision, note)');
    end if;
    if not private.called_from(array['private.decide_refund']) then
      perform private.refuse_workflow_bypass(format('A refund goes from %s to %s only by an admin''s decision', old.status, new.status),
        'public.decide_refund(refund_id, decision, note)');
    end if;
  end if;
  return new;
end;
$$;
comment on function private.guard_refund_change() is
  'Refunds: start requested; never deleted; usage, parties and points fixed; requested → approved | rejected only inside private.decide_refund.';
revoke execute on function private.guard_refund_change() from public, anon, authenticated;

create trigger refunds_guard_insert
  before insert on public.refunds
  for each row when (new.status <> 'requested')
  execute function private.guard_refund_change();
create trigger refunds_guard_workflow
  before update on public.refunds
  for each row
  when ((new.status, new.usage_id, new.client_id, new.creator_id, new.tool_id, new.points)
        is distinct from (old.status, old.usage_id, old.client_id, old.creator_id, old.tool_id, old.points))
  execute function private.guard_refund_change();
create trigger refunds_guard_delete
  before delete on public.refunds
  for each row execute function private.guard_refund_change();
create trigger refunds_no_truncate before truncate on public.refunds
  for each statement execute function private.refuse_money_record_truncate();

-- ============================================================================================
-- Points debts: the amount is fixed, payments only ever reduce what is open, nothing is deleted.
-- ============================================================================================
create function private.guard_points_debt_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform private.refuse_workflow_bypass('Points debts are never deleted',
      'public.settle_points_debts(user_id) to collect one from the wallet');
  end if;
  if (new.user_id, new.payment_id, new.points) is distinct from (old.user_id, old.payment_id, old.points) then
    perform private.refuse_workflow_bypass('A points debt''s user, payment and points are fixed',
      'public.settle_points_debts(user_id) to collect it');
  end if;
  if new.settled_points < old.settled_points then
    perform private.refuse_workflow_bypass('A points debt''s settled points never decrease',
      'public.admin_adjust_points(user_id, amount, reason, idempotency_key) to give points back');
  end if;
  return new;
end;
$$;
comment on function private.guard_points_debt_change() is 'Points debts: never deleted; user, payment and points fixed; settled_points never decreases.';
revoke execute on function private.guard_points_debt_change() from public, anon, authenticated;

create trigger points_debts_guard_update
  before update on public.points_debts
  for each row
  when ((new.user_id, new.payment_id, new.points) is distinct from (old.user_id, old.payment_id, old.points)
        or new.settled_points < old.settled_points)
  execute function private.guard_points_debt_change();
create trigger points_debts_guard_delete
  before delete on public.points_debts
  for each row execute function private.guard_points_debt_change();
create trigger points_debts_no_truncate before truncate on public.points_debts
  for each statement execute function private.refuse_money_record_truncate();

-- ============================================================================================
-- Vouchers: uses only go down, a deactivated voucher stays deactivated, the owner is fixed.
-- ============================================================================================
create function private.guard_voucher_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.uses_remaining > old.uses_remaining or new.total_uses <> old.total_uses then
    perform private.refuse_workflow_bypass('A voucher''s uses only go down, by redemption',
      'public.grant_voucher(user_id, voucher_type_id) to give a user a new voucher');
  end if;
  if new.owner_id <> old.owner_id or new.voucher_type_id <> old.voucher_type_id or new.payment_id is distinct from old.payment_id then
    perform private.refuse_workflow_bypass('A voucher''s owner, type and payment are fixed',
      'public.grant_voucher(user_id, voucher_type_id) to give a user a new voucher');
  end if;
  if new.is_active and not old.is_active and not private.called_from(array['private.close_payment_dispute']) then
    perform private.refuse_workflow_bypass('A deactivated voucher stays deactivated',
      'public.grant_voucher(user_id, voucher_type_id) to give the user a new voucher');
  end if;
  return new;
end;
$$;
comment on function private.guard_voucher_change() is
  'Vouchers: uses only decrease; owner, type, payment fixed; reactivated only when the dispute that deactivated it is won (private.close_payment_dispute).';
revoke execute on function private.guard_voucher_change() from public, anon, authenticated;

create trigger vouchers_guard_update
  before update on public.vouchers
  for each row
  when (new.uses_remaining > old.uses_remaining or new.total_uses <> old.total_uses or new.owner_id <> old.owner_id
        or new.voucher_type_id <> old.voucher_type_id or new.payment_id is distinct from old.payment_id
        or (new.is_active and not old.is_active))
  execute function private.guard_voucher_change();
