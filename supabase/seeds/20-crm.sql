-- Demo data for business accounts and the CRM, applied after supabase/seed.sql.
--
-- - "Acme Coaching" (active, approved by the demo platform admin admin@example.test):
--     owner@acme.example.test   owner
--     admin@acme.example.test   admin
--     coach@acme.example.test   member, view_payments only: sees just "my clients"
--     sales@acme.example.test   member, view_all_clients + manage_all_clients
--   200 clients with packages, payments, instalments and a few Stripe customer links.
-- - "Pending Ventures" (pending, for the approval flow): owner founder@pending.example.test.
-- Every demo user's password is `demo-password-1`. Rows follow the auth server's conventions (empty
-- strings for unused token columns, `{}`-style metadata) and are marked `demo: true`.

with demo (id, email, full_name) as (
  values
    ('b0000000-0000-4000-8000-000000000001'::uuid, 'owner@acme.example.test', 'Olivia Owner'),
    ('b0000000-0000-4000-8000-000000000002'::uuid, 'admin@acme.example.test', 'Adam Admin'),
    ('b0000000-0000-4000-8000-000000000003'::uuid, 'coach@acme.example.test', 'Casey Coach'),
    ('b0000000-0000-4000-8000-000000000004'::uuid, 'sales@acme.example.test', 'Sam Sales'),
    ('b0000000-0000-4000-8000-000000000005'::uuid, 'founder@pending.example.test', 'Frida Founder')
)
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change_token_current,
  email_change, phone_change, phone_change_token, reauthentication_token
)
select
  '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated',
  email, extensions.crypt('demo-password-1', extensions.gen_salt('bf', 10)), now(),
  jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'), 'role', 'client'),
  jsonb_build_object('demo', true, 'full_name', full_name),
  now(), now(),
  '', '', '', '', '', '', '', ''
from demo;

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select
  u.id::text, u.id,
  jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
  'email', now(), now(), now()
from auth.users u
where u.id in ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000003',
               'b0000000-0000-4000-8000-000000000004', 'b0000000-0000-4000-8000-000000000005');

-- The accounts: one approved by the demo platform admin (seed.sql), one waiting for review.
insert into public.accounts (id, name, slug, status, contact_name, contact_email, contact_phone, created_by, reviewed_by, reviewed_at, created_at)
values
  ('a0000000-0000-4000-8000-000000000001', 'Acme Coaching', 'acme-coaching', 'active', 'Olivia Owner', 'hello@acme.example.test', '+14155550100',
   'b0000000-0000-4000-8000-000000000001', (select id from auth.users where email = 'admin@example.test'), now() - interval '30 days', now() - interval '31 days'),
  ('a0000000-0000-4000-8000-000000000002', 'Pending Ventures', 'pending-ventures', 'pending', 'Frida Founder', 'founder@pending.example.test', null,
   'b0000000-0000-4000-8000-000000000005', null, null, now() - interval '1 day');

insert into public.account_members (account_id, user_id, role, permissions, full_name, email, phone, job_title) values
  ('a0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'owner', '{}', 'Olivia Owner', 'owner@acme.example.test', '+14155550101', 'Founder'),
  ('a0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002', 'admin', '{}', 'Adam Admin', 'admin@acme.example.test', '+14155550102', 'Operations'),
  ('a0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000003', 'member', '{view_payments}', 'Casey Coach', 'coach@acme.example.test', '+14155550103', 'Coach'),
  ('a0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000004', 'member', '{view_all_clients,manage_all_clients}', 'Sam Sales', 'sales@acme.example.test', '+14155550104', 'Closer'),
  ('a0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000005', 'owner', '{}', 'Frida Founder', 'founder@pending.example.test', null, 'Founder');

insert into public.crm_packages (id, account_id, name, description, price, currency) values
  ('c0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'Starter', 'Four weeks of group coaching', 49000, 'usd'),
  ('c0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'Premium', 'Three months of 1:1 coaching', 240000, 'usd'),
  ('c0000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000001', 'VIP', 'Twelve months, unlimited access', 900000, 'usd');

-- 200 clients, deterministic: names, statuses, countries and assignees follow the row number.
insert into public.crm_clients (id, account_id, first_name, last_name, email, phone, country, currency, status, coach_id, closer_id, setter_id, created_by, created_at)
select
  ('e0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
  'a0000000-0000-4000-8000-000000000001',
  (array['Ana','Ben','Chloe','Dev','Elif','Farid','Greta','Hugo','Ines','Jon','Kira','Leo','Maya','Nils','Omar','Pia','Quinn','Rosa','Sven','Tara'])[1 + n % 20],
  (array['Silva','Chen','Martin','Patel','Yilmaz','Haddad','Berg','Laurent','Costa','Olsen','Novak','Rossi'])[1 + (n * 7) % 12],
  'client' || n || '@customers.example.test',
  '+1415555' || lpad((2000 + n)::text, 4, '0'),
  (array['US','US','GB','DE','FR','ES','CA','AU'])[1 + n % 8],
  case when n % 8 in (3, 4, 5) then 'eur' when n % 8 = 2 then 'gbp' else 'usd' end,
  (array['active','active','active','onboarding','paused','inactive','cancelled','active']::public.crm_client_status[])[1 + (n * 3) % 8],
  -- Casey coaches one client in four; the rest are coached by Sam or the admin.
  case when n % 4 = 0 then 'b0000000-0000-4000-8000-000000000003'::uuid
       when n % 4 = 1 then 'b0000000-0000-4000-8000-000000000004'::uuid
       else 'b0000000-0000-4000-8000-000000000002'::uuid end,
  'b0000000-0000-4000-8000-000000000004',
  case when n % 10 = 0 then 'b0000000-0000-4000-8000-000000000003'::uuid end,
  'b0000000-0000-4000-8000-000000000001',
  now() - make_interval(days => 200 - n)
from generate_series(1, 200) as n;

-- Every client but those still onboarding bought one package.
insert into public.crm_client_packages (id, account_id, client_id, package_id, custom_price, monthly_amount, currency, payment_schedule, start_date, status)
select
  ('f0000000-0000-4000-8000-' || lpad(c.n::text, 12, '0'))::uuid,
  c.account_id, c.id,
  ('c0000000-0000-4000-8000-00000000000' || (1 + c.n % 3))::uuid,
  case when c.n % 5 = 0 then (array[45000, 220000, 850000])[1 + c.n % 3] end,
  case when c.n % 4 = 1 then (array[12000, 80000, 75000])[1 + c.n % 3] end,
  c.currency,
  (array['PIF','Monthly','Quarterly','Yearly']::public.crm_payment_schedule[])[1 + c.n % 4],
  (c.created_at + interval '2 days')::date,
  case when c.status in ('inactive', 'cancelled') then 'inactive' else 'active' end::public.crm_client_package_status
from (select *, row_number() over (order by id) as n from public.crm_clients where account_id = 'a0000000-0000-4000-8000-000000000001') as c
where c.status <> 'onboarding';

-- One to three payments per client package; some failed, refunded or disputed.
insert into public.crm_payments (account_id, client_id, client_package_id, amount, currency, status, payment_date, description)
select
  cp.account_id, cp.client_id, cp.id,
  coalesce(cp.monthly_amount, cp.custom_price, p.price / 3),
  cp.currency,
  (array['paid','paid','paid','paid','failed','paid','refunded','paid','disputed','paid']::public.crm_payment_status[])[1 + (abs(hashtext(cp.id::text)) + k) % 10],
  cp.start_date + (k - 1) * 30,
  'Payment ' || k
from public.crm_client_packages cp
join public.crm_packages p on p.id = cp.package_id
cross join generate_series(1, 3) as k
where cp.account_id = 'a0000000-0000-4000-8000-000000000001' and k <= 1 + abs(hashtext(cp.id::text)) % 3;

-- Monthly packages have four instalments: past ones paid, the rest open.
insert into public.crm_instalments (account_id, client_id, client_package_id, instalment_number, amount, currency, schedule_date, status)
select
  cp.account_id, cp.client_id, cp.id, k,
  coalesce(cp.monthly_amount, 10000), cp.currency,
  cp.start_date + (k - 1) * 30,
  case when cp.start_date + (k - 1) * 30 < current_date then 'paid' else 'open' end::public.crm_instalment_status
from public.crm_client_packages cp
cross join generate_series(1, 4) as k
where cp.account_id = 'a0000000-0000-4000-8000-000000000001' and cp.payment_schedule = 'Monthly';

insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id)
select c.account_id, c.id, 'cus_demo' || lpad(row_number() over (order by c.id)::text, 6, '0')
from public.crm_clients c
where c.account_id = 'a0000000-0000-4000-8000-000000000001' and c.email like 'client%0@%';
