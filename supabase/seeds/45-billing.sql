-- The plan catalogue as the local fake Stripe starts with it (src/stripe-fake/billing.ts), so the dev
-- and test stacks have plans before any webhook or `npm run billing:sync`. Against a real Stripe
-- account, run the sync instead: these ids exist only in the fake.
insert into public.billing_products (id, name, description, active, plan_kind, monthly_points, seat_limit, features, trial_days, stripe_updated) values
  ('prod_user_starter', 'Starter', '500 points every month', true, 'user', 500, null, '{}', 0, 0),
  ('prod_user_plus', 'Plus', '2,000 points every month, 14 days free', true, 'user', 2000, null, '{}', 14, 0),
  ('prod_business_team', 'Team', 'Up to 5 seats with CRM statistics', true, 'business', 0, 5, '{crm_statistics}', 0, 0),
  ('prod_business_scale', 'Scale', 'Up to 50 seats, CRM statistics and member batches', true, 'business', 0, 50, '{batches,crm_statistics}', 0, 0)
on conflict (id) do nothing;

insert into public.billing_prices (id, product_id, active, currency, unit_amount, recurring_interval, recurring_interval_count, nickname, stripe_version) values
  ('price_user_starter_monthly', 'prod_user_starter', true, 'usd', 499, 'month', 1, 'Starter monthly', 0),
  ('price_user_plus_monthly', 'prod_user_plus', true, 'usd', 1499, 'month', 1, 'Plus monthly', 0),
  ('price_business_team_monthly', 'prod_business_team', true, 'usd', 4900, 'month', 1, 'Team monthly', 0),
  ('price_business_scale_monthly', 'prod_business_scale', true, 'usd', 19900, 'month', 1, 'Scale monthly', 0)
on conflict (id) do nothing;
