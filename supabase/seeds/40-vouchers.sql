-- Demo data for vouchers and payments (seed 003's `create_sample_vouchers`): the four sample voucher
-- types, and three points packages for wallet top-ups. Prices are in cents.
insert into public.voucher_types (id, name, description, service_type, price_amount, currency, validity_days, max_uses)
values
  ('a0000000-0000-4000-8000-000000000001', 'Exam Results Checking',
   'Check your examination results online.', 'exam_results', 1000, 'usd', 365, 5),
  ('a0000000-0000-4000-8000-000000000002', 'School Application',
   'Apply to a school through the portal.', 'school_application', 2500, 'usd', 180, 1),
  ('a0000000-0000-4000-8000-000000000003', 'Placement Application',
   'Apply for a placement.', 'placement_application', 3500, 'usd', 180, 1),
  ('a0000000-0000-4000-8000-000000000004', 'Document Verification',
   'Have a certificate or transcript verified.', 'document_verification', 1500, 'usd', 90, 3)
on conflict (id) do nothing;

insert into public.points_packages (id, name, description, points, price_amount, currency)
values
  ('b0000000-0000-4000-8000-000000000001', 'Starter', '100 points to try the marketplace.', 100, 1000, 'usd'),
  ('b0000000-0000-4000-8000-000000000002', 'Regular', '550 points: 10% more for the price.', 550, 5000, 'usd'),
  ('b0000000-0000-4000-8000-000000000003', 'Pro', '1,200 points: 20% more for the price.', 1200, 10000, 'usd')
on conflict (id) do nothing;

-- The demo client holds one voucher, granted by the demo admin, so `kit.vouchers.mine()` and
-- `redeem` have something to show right away (code DEM0-C0DE-0000-0001, five exam-results checks).
insert into public.vouchers (code, owner_id, voucher_type_id, granted_by, purchased_at, expires_at, uses_remaining, total_uses)
select 'DEM0-C0DE-0000-0001', client.id, 'a0000000-0000-4000-8000-000000000001', admin.id, now(), now() + interval '365 days', 5, 5
  from auth.users client, auth.users admin
 where client.email = 'client@example.test' and admin.email = 'admin@example.test'
on conflict (code) do nothing;
