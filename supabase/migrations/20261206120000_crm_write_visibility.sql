-- CRM writes reach only the rows their writer may read. Before this, the UPDATE and DELETE policies
-- of the CRM's child tables tested the account and the permission only, and Postgres applies the
-- SELECT policy to an UPDATE or DELETE only when the statement reads a column: an unfiltered
-- `PATCH /rest/v1/crm_payments {"status":"refunded"}` from a member who sees only "my clients"
-- changed every payment of the business.
--
-- Rules enforced here:
-- - every INSERT, UPDATE and DELETE policy of a crm_* table carries its SELECT policy's visibility
--   condition (the client seen through view_all_clients or an assignment) next to the write
--   permission, in USING and WITH CHECK, so a write never touches or creates a row its writer could
--   not read (manage_payments implies view_payments and manage_all_clients implies
--   view_all_clients: private.guard_member_change() keeps every permission list that way);
-- - a payment's client package, and an instalment's client package and payment, belong to the same
--   client as the row itself, so a visible row never points at, or is changed through, an invisible
--   client's records;
-- - a delete never removes through a cascade what its caller could not remove directly: deleting a
--   client whose payments, instalments or Stripe links exist needs manage_payments (and with client
--   packages, manage_packages), and deleting a client package with instalments or payments needs
--   manage_payments too (owners and admins hold every permission). Deactivating (status `cancelled` / `inactive`) keeps the records.
-- crm_packages needs no change: every active member reads the catalogue, and only owners and admins
-- (a subset) write it.

-- ============================================================================================
-- Tables (same-client references)
-- ============================================================================================
create unique index crm_client_packages_account_client_id_key on public.crm_client_packages (account_id, client_id, id);
create unique index crm_payments_account_client_id_key on public.crm_payments (account_id, client_id, id);

alter table public.crm_payments
  drop constraint crm_payments_account_id_client_package_id_fkey,
  add constraint crm_payments_client_package_fkey foreign key (account_id, client_id, client_package_id)
    references public.crm_client_packages (account_id, client_id, id) on delete set null (client_package_id);
comment on column public.crm_payments.client_package_id is 'The client package this payment is for: one of the same client''s packages.';

alter table public.crm_instalments
  drop constraint crm_instalments_account_id_client_package_id_fkey,
  drop constraint crm_instalments_account_id_payment_id_fkey,
  add constraint crm_instalments_client_package_fkey foreign key (account_id, client_id, client_package_id)
    references public.crm_client_packages (account_id, client_id, id) on delete cascade,
  add constraint crm_instalments_payment_fkey foreign key (account_id, client_id, payment_id)
    references public.crm_payments (account_id, client_id, id) on delete set null (payment_id);
comment on column public.crm_instalments.client_package_id is 'The client package this instalment belongs to: one of the same client''s packages.';
comment on column public.crm_instalments.payment_id is 'The payment that settled this instalment: one of the same client''s payments.';

-- ============================================================================================
-- Triggers (cascades that would destroy money records)
-- ============================================================================================
-- Security definer: it must see the payments the caller cannot, to refuse deleting them unseen.
-- Runs only for rows the delete policy let through; skipped without a signed-in caller (an account
-- removed as `postgres` takes its whole CRM with it).
create function private.guard_crm_client_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if (select auth.uid()) is null then
    return old;
  end if;
  if not (old.account_id = any (private.account_ids_with('manage_payments')))
     and (exists (select 1 from public.crm_payments p where p.account_id = old.account_id and p.client_id = old.id)
          or exists (select 1 from public.crm_instalments i where i.account_id = old.account_id and i.client_id = old.id)
          or exists (select 1 from public.crm_stripe_customers s where s.account_id = old.account_id and s.client_id = old.id)) then
    perform private.refuse(403, 'forbidden', 'Deleting this client would delete payment records you may not manage',
      error_hint => 'Set the client''s status to cancelled, or ask a member with manage_payments.');
  end if;
  if not (old.account_id = any (private.account_ids_with('manage_packages')))
     and exists (select 1 from public.crm_client_packages cp where cp.account_id = old.account_id and cp.client_id = old.id) then
    perform private.refuse(403, 'forbidden', 'Deleting this client would delete client packages you may not manage',
      error_hint => 'Set the client''s status to cancelled, or ask a member with manage_packages.');
  end if;
  return old;
end;
$$;
comment on function private.guard_crm_client_delete() is
  'Trigger: an API caller cannot delete a client whose payments, instalments or Stripe links (without manage_payments) or client packages (without manage_packages) the delete would cascade to (403 forbidden).';
revoke execute on function private.guard_crm_client_delete() from public, anon, authenticated;

create trigger crm_clients_guard_delete before delete on public.crm_clients
  for each row execute function private.guard_crm_client_delete();

create function private.guard_crm_client_package_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if (select auth.uid()) is null or old.account_id = any (private.account_ids_with('manage_payments')) then
    return old;
  end if;
  if exists (select 1 from public.crm_instalments i where i.account_id = old.account_id and i.client_package_id = old.id)
     or exists (select 1 from public.crm_payments p where p.account_id = old.account_id and p.client_package_id = old.id) then
    perform private.refuse(403, 'forbidden', 'Deleting this client package would delete or change payment records you may not manage',
      error_hint => 'Set the client package''s status to inactive, or ask a member with manage_payments.');
  end if;
  return old;
end;
$$;
comment on function private.guard_crm_client_package_delete() is
  'Trigger: an API caller without manage_payments cannot delete a client package with instalments (deleted by the cascade) or payments (unlinked by it) (403 forbidden).';
revoke execute on function private.guard_crm_client_package_delete() from public, anon, authenticated;

create trigger crm_client_packages_guard_delete before delete on public.crm_client_packages
  for each row execute function private.guard_crm_client_package_delete();

-- ============================================================================================
-- RLS policies
-- ============================================================================================
-- Clients
drop policy "Clients are created with manage_all_clients" on public.crm_clients;
drop policy "Clients are updated with manage_all_clients" on public.crm_clients;
drop policy "Clients are deleted with manage_all_clients" on public.crm_clients;

create policy "Clients are created with manage_all_clients"
  on public.crm_clients for insert to authenticated
  with check (
    account_id = any ((select private.account_ids_with('manage_all_clients'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or coach_id = (select auth.uid()) or closer_id = (select auth.uid()) or setter_id = (select auth.uid())
    )
  );
create policy "Visible clients are updated with manage_all_clients"
  on public.crm_clients for update to authenticated
  using (
    account_id = any ((select private.account_ids_with('manage_all_clients'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or coach_id = (select auth.uid()) or closer_id = (select auth.uid()) or setter_id = (select auth.uid())
    )
  )
  with check (
    account_id = any ((select private.account_ids_with('manage_all_clients'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or coach_id = (select auth.uid()) or closer_id = (select auth.uid()) or setter_id = (select auth.uid())
    )
  );
create policy "Visible clients are deleted with manage_all_clients"
  on public.crm_clients for delete to authenticated
  using (
    account_id = any ((select private.account_ids_with('manage_all_clients'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or coach_id = (select auth.uid()) or closer_id = (select auth.uid()) or setter_id = (select auth.uid())
    )
  );

-- Client packages
drop policy "Client packages are created with manage_packages" on public.crm_client_packages;
drop policy "Client packages are updated with manage_packages" on public.crm_client_packages;
drop policy "Client packages are deleted with manage_packages" on public.crm_client_packages;

create policy "Visible client packages are created with manage_packages"
  on public.crm_client_packages for insert to authenticated
  with check (
    account_id = any ((select private.account_ids_with('manage_packages'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Visible client packages are updated with manage_packages"
  on public.crm_client_packages for update to authenticated
  using (
    account_id = any ((select private.account_ids_with('manage_packages'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  )
  with check (
    account_id = any ((select private.account_ids_with('manage_packages'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Visible client packages are deleted with manage_packages"
  on public.crm_client_packages for delete to authenticated
  using (
    account_id = any ((select private.account_ids_with('manage_packages'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );

-- Payments
drop policy "Payments are created with manage_payments" on public.crm_payments;
drop policy "Payments are updated with manage_payments" on public.crm_payments;
drop policy "Payments are deleted with manage_payments" on public.crm_payments;

create policy "Payments of visible clients are created with manage_payments"
  on public.crm_payments for insert to authenticated
  with check (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Payments of visible clients are updated with manage_payments"
  on public.crm_payments for update to authenticated
  using (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  )
  with check (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Payments of visible clients are deleted with manage_payments"
  on public.crm_payments for delete to authenticated
  using (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );

-- Instalments
drop policy "Instalments are created with manage_payments" on public.crm_instalments;
drop policy "Instalments are updated with manage_payments" on public.crm_instalments;
drop policy "Instalments are deleted with manage_payments" on public.crm_instalments;

create policy "Instalments of visible clients are created with manage_payments"
  on public.crm_instalments for insert to authenticated
  with check (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Instalments of visible clients are updated with manage_payments"
  on public.crm_instalments for update to authenticated
  using (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  )
  with check (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Instalments of visible clients are deleted with manage_payments"
  on public.crm_instalments for delete to authenticated
  using (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );

-- Stripe customer links
drop policy "Stripe links are created with manage_payments" on public.crm_stripe_customers;
drop policy "Stripe links are updated with manage_payments" on public.crm_stripe_customers;
drop policy "Stripe links are deleted with manage_payments" on public.crm_stripe_customers;

create policy "Visible clients' Stripe links are created with manage_payments"
  on public.crm_stripe_customers for insert to authenticated
  with check (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Visible clients' Stripe links are updated with manage_payments"
  on public.crm_stripe_customers for update to authenticated
  using (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  )
  with check (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Visible clients' Stripe links are deleted with manage_payments"
  on public.crm_stripe_customers for delete to authenticated
  using (
    account_id = any ((select private.account_ids_with('manage_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
