-- Voucher redemption: the use first, the redemption row second. The stampede change before this one
-- inserted the row before taking the voucher's row lock, which drew the row's seq (the order every
-- history reads in) before the lock: two redemptions of one voucher could commit in the other order.
-- Measured, inserting first gained nothing beyond the noise; the quick answer for a voucher already
-- used up is kept.

create or replace function private.redeem_voucher(code text, service_type text, details jsonb, idempotency_key text)
returns table (redemption_id uuid, voucher_id uuid, voucher_code text, redeemed_service_type text, redeemed_at timestamptz, uses_remaining integer, replayed boolean)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_variable
declare
  caller uuid := (select auth.uid());
  wanted text := private.normalize_voucher_code(code);
  previous record;
  found_voucher record;
  now_state record;
  left_after integer;
  redemption public.voucher_redemptions;
begin
  if caller is null then
    perform private.payments_raise('unauthorized', 401, 'Sign in to redeem a voucher');
  end if;
  if wanted is null then
    perform private.payments_raise('invalid_voucher_code', 400, 'A voucher code is 16 letters and digits, like ABCD-EFGH-JKMN-PQRS');
  end if;
  if service_type is null or service_type !~ '^[a-z][a-z0-9_]{0,62}$' then
    perform private.payments_raise('validation_failed', 400, 'service_type must be a service type identifier', jsonb_build_object('field', 'service_type'));
  end if;
  if details is null or jsonb_typeof(details) <> 'object' or octet_length(details::text) > 4096 then
    perform private.payments_raise('validation_failed', 400, 'details must be a JSON object of at most 4 kB', jsonb_build_object('field', 'details'));
  end if;
  if idempotency_key is not null and char_length(idempotency_key) not between 1 and 200 then
    perform private.payments_raise('validation_failed', 400, 'The idempotency key must be 1 to 200 characters', jsonb_build_object('field', 'idempotency_key'));
  end if;

  -- A retry of a redemption that already happened returns it, and uses nothing.
  if idempotency_key is not null then
    select r.id, r.voucher_id, v.code, r.service_type, r.redeemed_at, v.uses_remaining
      into previous
      from public.voucher_redemptions r
      join public.vouchers v on v.id = r.voucher_id
     where r.redeemed_by = caller and r.idempotency_key = redeem_voucher.idempotency_key;
    if found then
      if previous.code <> wanted then
        perform private.payments_raise('idempotency_key_reused', 422, 'This Idempotency-Key was already used for another voucher');
      end if;
      return query select previous.id, previous.voucher_id, previous.code, previous.service_type,
                          previous.redeemed_at, previous.uses_remaining, true;
      return;
    end if;
  end if;

  select v.id, v.owner_id, v.is_active, v.expires_at, v.uses_remaining,
         t.service_type as type_service, t.is_active as type_active, t.redeemable_by_code_holder
    into found_voucher
    from public.vouchers v
    join public.voucher_types t on t.id = v.voucher_type_id
   where v.code = wanted;
  -- Someone who may not redeem a code learns nothing about it beyond "not found".
  if not found or (found_voucher.owner_id <> caller and not found_voucher.redeemable_by_code_holder) then
    perform private.payments_raise('voucher_not_found', 404, 'No voucher with this code');
  end if;
  -- Expiry first: the hourly expiry job also deactivates expired vouchers, and their holders should
  -- still hear "expired", not "inactive".
  if found_voucher.expires_at <= now() then
    perform private.payments_raise('voucher_expired', 422, 'This voucher has expired', jsonb_build_object('expires_at', found_voucher.expires_at));
  end if;
  if not found_voucher.is_active or not found_voucher.type_active then
    perform private.payments_raise('voucher_inactive', 422, 'This voucher is no longer active');
  end if;
  if found_voucher.type_service <> service_type then
    perform private.payments_raise('wrong_service_type', 422, 'This voucher is for another service',
      jsonb_build_object('voucher_service_type', found_voucher.type_service));
  end if;

  -- Already used up when this transaction started: answer at once, without writing or waiting for
  -- the voucher's row lock (in a stampede, every request after the last use ends here).
  if found_voucher.uses_remaining = 0 then
    perform private.payments_raise('voucher_exhausted', 422, 'This voucher has no uses left');
  end if;

  -- The conditional write that makes concurrent redemptions safe: exactly uses_remaining succeed.
  update public.vouchers v
     set uses_remaining = v.uses_remaining - 1
   where v.id = found_voucher.id and v.is_active and v.expires_at > now() and v.uses_remaining > 0
  returning v.uses_remaining into left_after;
  if not found then
    -- Changed since the read above (a concurrent redemption or deactivation): say which rule now fails.
    select v.is_active, v.expires_at into now_state from public.vouchers v where v.id = found_voucher.id;
    if now_state.expires_at <= now() then
      perform private.payments_raise('voucher_expired', 422, 'This voucher has expired');
    elsif not now_state.is_active then
      perform private.payments_raise('voucher_inactive', 422, 'This voucher is no longer active');
    end if;
    perform private.payments_raise('voucher_exhausted', 422, 'This voucher has no uses left');
  end if;

  -- The redemption row second, once this transaction holds the voucher's row lock: its seq (the
  -- histories' order key) is drawn in the order redemptions of one voucher commit. A key in flight
  -- twice at once waits on the lock, then finds the first row and rolls its use back with it.
  insert into public.voucher_redemptions (voucher_id, voucher_owner_id, redeemed_by, service_type, details, idempotency_key)
  values (found_voucher.id, found_voucher.owner_id, caller, service_type, details, idempotency_key)
  on conflict on constraint voucher_redemptions_idempotency_key do nothing
  returning * into redemption;
  if not found then
    -- The same key in flight twice at once: this one loses and uses nothing.
    perform private.payments_raise('idempotency_key_in_use', 409, 'A request with this Idempotency-Key is in progress; retry it');
  end if;

  return query select redemption.id, redemption.voucher_id, wanted, redemption.service_type, redemption.redeemed_at, left_after, false;
end;
$$;
comment on function private.redeem_voucher(text, text, jsonb, text) is 'Implementation of public.redeem_voucher.';
