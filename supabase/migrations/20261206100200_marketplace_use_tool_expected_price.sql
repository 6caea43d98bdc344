-- Using a tool at the price the client expects, and never one's own tool.
--
-- - private.use_tool() takes the price the client saw (p_expected_price). A tool whose approved price is
--   another one is refused with 409 price_changed and nothing is written; the client reads the tool
--   again and decides. Null means "the current price" (callers from before this parameter; the SDK
--   always sends it).
-- - A creator cannot use its own tool (403 own_tool): a use would turn the creator's own points into
--   earnings (up to a 100 % share), payable, and inflate the tool's usage count.
-- Both are conditions of the one INSERT … SELECT that reads the tool: no extra statement on the hot
-- path. Every refusal is explained by use_tool_refusal(), which runs only when nothing was recorded.

drop function private.use_tool(uuid, uuid, text);
drop function private.use_tool_refusal(uuid, uuid, text);

create function private.use_tool_refusal(p_client_id uuid, p_tool_id uuid, p_idempotency_key text, p_expected_price integer)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  used public.usages;
  tool public.tools;
begin
  -- A retry returns the first usage, whatever happened to the tool (or its price) since.
  select * into used from public.usages as u where u.client_id = p_client_id and u.idempotency_key = p_idempotency_key;
  if found then
    if used.tool_id <> p_tool_id then
      perform private.raise_marketplace_error(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another tool.');
    end if;
    return jsonb_build_object('usage', private.usage_json(used), 'balance', null, 'replayed', true);
  end if;
  select * into tool from public.tools as t where t.id = p_tool_id;
  if tool.status = 'suspended' then
    perform private.raise_marketplace_error(409, 'tool_unavailable', format('The tool is %s and cannot be used.', tool.status));
  end if;
  if tool.status is distinct from 'approved' then
    -- Drafts and tools under review are not in the catalogue: to clients they do not exist.
    perform private.raise_marketplace_error(404, 'tool_not_found', 'There is no such tool.');
  end if;
  if tool.creator_id = p_client_id then
    perform private.raise_marketplace_error(403, 'own_tool', 'You cannot use your own tool: a use would pay you your own points.');
  end if;
  if p_expected_price <> tool.price_points then
    raise sqlstate 'PGRST' using
      message = json_build_object('code', 'price_changed',
        'message', format('The tool costs %s points now, not %s: nothing was charged.', tool.price_points, p_expected_price),
        'details', json_build_object('price_points', tool.price_points, 'expected_price_points', p_expected_price)::text,
        'hint', 'Read the tool again and confirm the new price.')::text,
      detail = json_build_object('status', 409, 'headers', json_build_object())::text;
  end if;
  -- The tool changed between the insert and this read (approved just now): ask for a retry.
  perform private.raise_marketplace_error(409, 'tool_unavailable', 'The tool changed while it was being used; try again.');
  return null;
end;
$$;
comment on function private.use_tool_refusal(uuid, uuid, text, integer) is
  'The answers of private.use_tool() when it records nothing: the first usage for a retried key (replayed), 422 idempotency_key_reused, 409 tool_unavailable, 404 tool_not_found, 403 own_tool, 409 price_changed (details: the current price_points).';
revoke execute on function private.use_tool_refusal(uuid, uuid, text, integer) from public, anon, authenticated;

create function private.use_tool(p_client_id uuid, p_tool_id uuid, p_idempotency_key text, p_expected_price integer default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  used public.usages;
  new_balance integer;
  current_balance integer;
begin
  if p_idempotency_key is null or char_length(p_idempotency_key) not between 1 and 200 then
    perform private.raise_marketplace_error(400, 'invalid_idempotency_key', 'An Idempotency-Key of 1 to 200 characters is required.');
  end if;

  -- Reads the approved tool at the expected price, not the caller's own, and claims the key (a
  -- concurrent request with the same key waits here for the first to commit, then finds its usage).
  insert into public.usages (tool_id, client_id, creator_id, points_charged, creator_share, idempotency_key)
  select t.id, p_client_id, t.creator_id, t.price_points, t.price_points * t.creator_share_percent / 100, p_idempotency_key
  from public.tools as t
  where t.id = p_tool_id and t.status = 'approved' and t.creator_id <> p_client_id
    and t.price_points = coalesce(p_expected_price, t.price_points)
  on conflict (client_id, idempotency_key) do nothing
  returning * into used;
  if not found then
    return private.use_tool_refusal(p_client_id, p_tool_id, p_idempotency_key, p_expected_price);
  end if;

  -- The debit is one conditional update (never below zero) and its ledger entry, as in post_wallet_entry():
  -- spending takes purchased points first, so earnings are capped at the new balance.
  with debit as (
    update public.wallets as w
    set balance = w.balance - used.points_charged,
        earnings_balance = least(w.earnings_balance, w.balance - used.points_charged),
        updated_at = now()
    where w.user_id = p_client_id and w.balance >= used.points_charged
    returning w.balance
  ), entry as (
    insert into public.wallet_ledger (user_id, amount, kind, balance_after, reference_type, reference_id, actor_id, idempotency_key)
    select p_client_id, -used.points_charged, 'spend', debit.balance, 'usage', used.id, p_client_id, p_idempotency_key
    from debit
  )
  select debit.balance into new_balance from debit;
  if new_balance is null then
    select w.balance into current_balance from public.wallets as w where w.user_id = p_client_id;
    -- Raising rolls back the usage too: nothing is written.
    perform private.raise_marketplace_error(422, 'insufficient_points',
      format('This needs %s points; the balance is %s.', used.points_charged, coalesce(current_balance, 0)));
  end if;

  return jsonb_build_object(
    'usage', jsonb_build_object(
      'id', used.id, 'tool_id', used.tool_id, 'client_id', used.client_id, 'creator_id', used.creator_id,
      'points_charged', used.points_charged, 'creator_share', used.creator_share, 'status', used.status,
      'created_at', used.created_at),
    'balance', new_balance,
    'replayed', false);
end;
$$;
comment on function private.use_tool(uuid, uuid, text, integer) is
  'Uses an approved tool for a client at the price the client expects, in one transaction: records the usage with the creator''s share and debits the price (422 insufficient_points and nothing written when the balance is short). Answers {usage, balance, replayed}. A retry with the same idempotency key returns the first usage ({usage, balance: null, replayed: true}) and charges nothing. 409 price_changed when the approved price is not p_expected_price (null: the current price), 403 own_tool for the tool''s own creator, 404 tool_not_found (also for tools not yet approved), 409 tool_unavailable (suspended), 422 idempotency_key_reused. Called by the use-tool Edge Function for the verified caller.';
revoke execute on function private.use_tool(uuid, uuid, text, integer) from public, anon, authenticated;
grant execute on function private.use_tool(uuid, uuid, text, integer) to service_role;
