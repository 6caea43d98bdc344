-- What CRM clients buy and pay (seed 002): the account's packages, the packages a client bought
-- (client packages), payments, instalments and Stripe customer links. Every row belongs to one
-- account, and a child row's client (and package) must belong to the same account — enforced by
-- composite foreign keys on (account_id, …).
--
-- Who sees what:
-- - packages: every active member; written by owners and admins only;
-- - client packages: the members who see the client (view_all_clients, or assigned); written with
--   manage_packages;
-- - payments, instalments, Stripe customers: view_payments and seeing the client; written with
--   manage_payments.

-- ============================================================================================
-- Types
-- ============================================================================================
create type public.crm_payment_schedule as enum ('PIF', 'Monthly', 'Quarterly', 'Yearly');
comment on type public.crm_payment_schedule is 'How a client package is paid: PIF (paid in full), Monthly, Quarterly or Yearly.';

create type public.crm_client_package_status as enum ('active', 'inactive');
comment on type public.crm_client_package_status is 'Whether a client package is running.';

create type public.crm_payment_status as enum ('paid', 'failed', 'refunded', 'disputed');
comment on type public.crm_payment_status is 'Outcome of a CRM payment.';

create type public.crm_instalment_status as enum ('open', 'paid', 'failed', 'closed');
comment on type public.crm_instalment_status is 'State of one scheduled instalment.';

create type public.crm_stripe_customer_status as enum ('active', 'inactive');
comment on type public.crm_stripe_customer_status is 'Whether a Stripe customer link is the one in use.';

-- ============================================================================================
-- Tables
-- ============================================================================================
create table public.crm_packages (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 120),
  description text check (char_length(description) <= 2000),
  price numeric(12, 2) check (price >= 0),
  currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, id)
);
comment on table public.crm_packages is 'The services a business sells (its package catalogue). Read by every active member, managed by owners and admins.';
comment on column public.crm_packages.price is 'List price in `currency`; a client package may carry a custom price.';
create unique index crm_packages_account_name_idx on public.crm_packages (account_id, lower(name));

create table public.crm_client_packages (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  client_id uuid not null,
  package_id uuid not null,
  custom_price numeric(12, 2) check (custom_price >= 0),
  monthly_amount numeric(12, 2) check (monthly_amount >= 0),
  currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  payment_schedule public.crm_payment_schedule not null default 'PIF',
  start_date date not null default current_date,
  status public.crm_client_package_status not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, id),
  foreign key (account_id, client_id) references public.crm_clients (account_id, id) on delete cascade,
  foreign key (account_id, package_id) references public.crm_packages (account_id, id) on delete restrict
);
comment on table public.crm_client_packages is 'A package a client bought: custom price, monthly amount, payment schedule, start date, status.';
comment on column public.crm_client_packages.custom_price is 'The price agreed with this client in `currency` (null: the package''s list price).';
comment on column public.crm_client_packages.monthly_amount is 'What the client pays per month in `currency`, for Monthly schedules.';
create index crm_client_packages_client_idx on public.crm_client_packages (account_id, client_id);
create index crm_client_packages_package_idx on public.crm_client_packages (account_id, package_id);
create index crm_client_packages_client_id_idx on public.crm_client_packages (client_id);

create table public.crm_payments (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  client_id uuid not null,
  client_package_id uuid,
  amount numeric(12, 2) not null check (amount > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  status public.crm_payment_status not null default 'paid',
  payment_date date not null default current_date,
  stripe_payment_id text check (char_length(stripe_payment_id) <= 255),
  description text check (char_length(description) <= 1000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, id),
  foreign key (account_id, client_id) references public.crm_clients (account_id, id) on delete cascade,
  foreign key (account_id, client_package_id) references public.crm_client_packages (account_id, id) on delete set null (client_package_id)
);
comment on table public.crm_payments is 'A payment by a CRM client: amount in `currency`, status, date, optional client package and Stripe id.';
create index crm_payments_account_date_idx on public.crm_payments (account_id, payment_date desc, id);
create index crm_payments_account_status_idx on public.crm_payments (account_id, status, currency);
create index crm_payments_client_idx on public.crm_payments (account_id, client_id);
create index crm_payments_client_id_idx on public.crm_payments (client_id);
create index crm_payments_client_package_idx on public.crm_payments (account_id, client_package_id);

create table public.crm_instalments (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  client_id uuid not null,
  client_package_id uuid,
  payment_id uuid,
  instalment_number integer not null check (instalment_number between 1 and 1000),
  amount numeric(12, 2) not null check (amount > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  schedule_date date not null,
  status public.crm_instalment_status not null default 'open',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (account_id, client_id) references public.crm_clients (account_id, id) on delete cascade,
  foreign key (account_id, client_package_id) references public.crm_client_packages (account_id, id) on delete cascade,
  foreign key (account_id, payment_id) references public.crm_payments (account_id, id) on delete set null (payment_id)
);
comment on table public.crm_instalments is 'One scheduled instalment of a client (number, amount in `currency`, schedule date, status), optionally of a client package and settled by a payment.';
create unique index crm_instalments_package_number_idx on public.crm_instalments (client_package_id, instalment_number)
  where client_package_id is not null;
create index crm_instalments_account_schedule_idx on public.crm_instalments (account_id, schedule_date, id);
create index crm_instalments_account_status_idx on public.crm_instalments (account_id, status);
create index crm_instalments_client_idx on public.crm_instalments (account_id, client_id);
create index crm_instalments_client_id_idx on public.crm_instalments (client_id);
create index crm_instalments_client_package_idx on public.crm_instalments (account_id, client_package_id);
create index crm_instalments_payment_idx on public.crm_instalments (account_id, payment_id);

create table public.crm_stripe_customers (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  client_id uuid not null,
  stripe_customer_id text not null check (stripe_customer_id ~ '^cus_[A-Za-z0-9]{1,250}$'),
  status public.crm_stripe_customer_status not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (account_id, client_id) references public.crm_clients (account_id, id) on delete cascade
);
comment on table public.crm_stripe_customers is 'Links a CRM client to a Stripe customer (`cus_…`) of the business; at most one active link per client.';
create unique index crm_stripe_customers_account_customer_idx on public.crm_stripe_customers (account_id, stripe_customer_id);
create unique index crm_stripe_customers_one_active_idx on public.crm_stripe_customers (client_id) where status = 'active';
create index crm_stripe_customers_client_idx on public.crm_stripe_customers (account_id, client_id);
create index crm_stripe_customers_client_id_idx on public.crm_stripe_customers (client_id);

-- ============================================================================================
-- Triggers
-- ============================================================================================
create trigger crm_packages_touch_updated_at before update on public.crm_packages
  for each row execute function private.touch_updated_at();
create trigger crm_client_packages_touch_updated_at before update on public.crm_client_packages
  for each row execute function private.touch_updated_at();
create trigger crm_payments_touch_updated_at before update on public.crm_payments
  for each row execute function private.touch_updated_at();
create trigger crm_instalments_touch_updated_at before update on public.crm_instalments
  for each row execute function private.touch_updated_at();
create trigger crm_stripe_customers_touch_updated_at before update on public.crm_stripe_customers
  for each row execute function private.touch_updated_at();

-- ============================================================================================
-- RLS policies
-- ============================================================================================
alter table public.crm_packages enable row level security;
alter table public.crm_client_packages enable row level security;
alter table public.crm_payments enable row level security;
alter table public.crm_instalments enable row level security;
alter table public.crm_stripe_customers enable row level security;

-- The API may not move rows between accounts or rewrite bookkeeping columns.
revoke all on public.crm_packages, public.crm_client_packages, public.crm_payments, public.crm_instalments,
  public.crm_stripe_customers from anon, authenticated;
grant select, delete on public.crm_packages, public.crm_client_packages, public.crm_payments, public.crm_instalments,
  public.crm_stripe_customers to authenticated;
grant insert (id, account_id, name, description, price, currency, is_active) on public.crm_packages to authenticated;
grant update (name, description, price, currency, is_active) on public.crm_packages to authenticated;
grant insert (id, account_id, client_id, package_id, custom_price, monthly_amount, currency, payment_schedule, start_date, status)
  on public.crm_client_packages to authenticated;
grant update (custom_price, monthly_amount, currency, payment_schedule, start_date, status) on public.crm_client_packages to authenticated;
grant insert (id, account_id, client_id, client_package_id, amount, currency, status, payment_date, stripe_payment_id, description)
  on public.crm_payments to authenticated;
grant update (client_package_id, amount, currency, status, payment_date, stripe_payment_id, description) on public.crm_payments to authenticated;
grant insert (id, account_id, client_id, client_package_id, payment_id, instalment_number, amount, currency, schedule_date, status)
  on public.crm_instalments to authenticated;
grant update (payment_id, instalment_number, amount, currency, schedule_date, status) on public.crm_instalments to authenticated;
grant insert (id, account_id, client_id, stripe_customer_id, status) on public.crm_stripe_customers to authenticated;
grant update (status) on public.crm_stripe_customers to authenticated;

-- Packages
create policy "Packages are visible to active members"
  on public.crm_packages for select to authenticated
  using (account_id = any ((select private.active_account_ids())::uuid[]));
create policy "Packages are created by owners and admins"
  on public.crm_packages for insert to authenticated
  with check (account_id = any ((select private.managed_account_ids())::uuid[]));
create policy "Packages are updated by owners and admins"
  on public.crm_packages for update to authenticated
  using (account_id = any ((select private.managed_account_ids())::uuid[]))
  with check (account_id = any ((select private.managed_account_ids())::uuid[]));
create policy "Packages are deleted by owners and admins"
  on public.crm_packages for delete to authenticated
  using (account_id = any ((select private.managed_account_ids())::uuid[]));

-- Client packages
create policy "Client packages are visible with their client"
  on public.crm_client_packages for select to authenticated
  using (
    account_id = any ((select private.active_account_ids())::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Client packages are created with manage_packages"
  on public.crm_client_packages for insert to authenticated
  with check (account_id = any ((select private.account_ids_with('manage_packages'))::uuid[]));
create policy "Client packages are updated with manage_packages"
  on public.crm_client_packages for update to authenticated
  using (account_id = any ((select private.account_ids_with('manage_packages'))::uuid[]))
  with check (account_id = any ((select private.account_ids_with('manage_packages'))::uuid[]));
create policy "Client packages are deleted with manage_packages"
  on public.crm_client_packages for delete to authenticated
  using (account_id = any ((select private.account_ids_with('manage_packages'))::uuid[]));

-- Payments
create policy "Payments are visible with view_payments and the client"
  on public.crm_payments for select to authenticated
  using (
    account_id = any ((select private.account_ids_with('view_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Payments are created with manage_payments"
  on public.crm_payments for insert to authenticated
  with check (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]));
create policy "Payments are updated with manage_payments"
  on public.crm_payments for update to authenticated
  using (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]))
  with check (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]));
create policy "Payments are deleted with manage_payments"
  on public.crm_payments for delete to authenticated
  using (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]));

-- Instalments
create policy "Instalments are visible with view_payments and the client"
  on public.crm_instalments for select to authenticated
  using (
    account_id = any ((select private.account_ids_with('view_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Instalments are created with manage_payments"
  on public.crm_instalments for insert to authenticated
  with check (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]));
create policy "Instalments are updated with manage_payments"
  on public.crm_instalments for update to authenticated
  using (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]))
  with check (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]));
create policy "Instalments are deleted with manage_payments"
  on public.crm_instalments for delete to authenticated
  using (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]));

-- Stripe customer links
create policy "Stripe links are visible with view_payments and the client"
  on public.crm_stripe_customers for select to authenticated
  using (
    account_id = any ((select private.account_ids_with('view_payments'))::uuid[])
    and (
      account_id = any ((select private.account_ids_with('view_all_clients'))::uuid[])
      or client_id in (select private.assigned_client_ids())
    )
  );
create policy "Stripe links are created with manage_payments"
  on public.crm_stripe_customers for insert to authenticated
  with check (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]));
create policy "Stripe links are updated with manage_payments"
  on public.crm_stripe_customers for update to authenticated
  using (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]))
  with check (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]));
create policy "Stripe links are deleted with manage_payments"
  on public.crm_stripe_customers for delete to authenticated
  using (account_id = any ((select private.account_ids_with('manage_payments'))::uuid[]));
