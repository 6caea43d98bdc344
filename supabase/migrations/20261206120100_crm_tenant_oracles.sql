-- Nothing in the CRM answers a question about another tenant. Three oracles are closed here:
-- - the assignee check (a security definer trigger that reads account_members) ran before the RLS
--   check of the new row, so any signed-in user could insert a client into any account with any
--   user as coach and learn from 422 `invalid_assignee` versus 403 whether that user is an active
--   member of that business. It now first asks whether the caller may write clients in the row's
--   account and otherwise raises the very error RLS raises (42501, 403 through the API);
-- - unique indexes keyed by a client or a client package alone (one active Stripe link per client,
--   one instalment number per client package) answered "exists" with 23505 for another tenant's
--   client or package id before the composite foreign key could refuse it: they now include the
--   account, so a foreign id meets only the foreign key (23503) whether it exists or not;
-- - client-chosen primary keys: inserting a row with an id taken anywhere answered 23505, a free id
--   created the row. The API no longer writes `id` (the column default draws a fresh UUID); a
--   request that names one is refused (42501) whatever the id.

-- ============================================================================================
-- Schema and grants (client-chosen ids)
-- ============================================================================================
revoke insert (id) on public.crm_clients, public.crm_packages, public.crm_client_packages, public.crm_payments,
  public.crm_instalments, public.crm_stripe_customers from authenticated;

-- ============================================================================================
-- Tables (uniqueness scoped by account)
-- ============================================================================================
drop index public.crm_stripe_customers_one_active_idx;
create unique index crm_stripe_customers_one_active_idx on public.crm_stripe_customers (account_id, client_id)
  where status = 'active';

drop index public.crm_instalments_package_number_idx;
create unique index crm_instalments_package_number_idx on public.crm_instalments (account_id, client_package_id, instalment_number)
  where client_package_id is not null;

-- ============================================================================================
-- Triggers
-- ============================================================================================
-- A coach, closer or setter must be an active member of the client's account: 422 with the field —
-- but only for a caller who may write clients in that account; anyone else gets RLS's own refusal.
create or replace function private.check_crm_assignees()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  field text;
  assignee uuid;
begin
  -- API callers first: the same error the insert/update policy would raise after this trigger.
  if (select auth.uid()) is not null
     and not (new.account_id = any (private.account_ids_with('manage_all_clients'))) then
    raise exception using
      errcode = '42501',
      message = format('new row violates row-level security policy for table "%s"', tg_table_name);
  end if;
  foreach field in array array['coach_id', 'closer_id', 'setter_id'] loop
    assignee := case field when 'coach_id' then new.coach_id when 'closer_id' then new.closer_id else new.setter_id end;
    continue when assignee is null;
    if tg_op = 'UPDATE' and assignee is not distinct from
       (case field when 'coach_id' then old.coach_id when 'closer_id' then old.closer_id else old.setter_id end)
       and new.account_id = old.account_id then
      continue;
    end if;
    if not exists (
      select 1 from public.account_members m
      where m.account_id = new.account_id and m.user_id = assignee and m.is_active
    ) then
      perform private.refuse(422, 'invalid_assignee', format('%s must be an active member of the client''s account', field),
        field, 'Assign an active member of this account.');
    end if;
  end loop;
  return new;
end;
$$;
comment on function private.check_crm_assignees() is
  'Trigger: coach_id, closer_id and setter_id must name active members of the same account (422 naming the field). An API caller without manage_all_clients in the row''s account gets the RLS refusal (42501) before any membership is looked at.';
revoke execute on function private.check_crm_assignees() from public, anon, authenticated;
