-- No CRM write answers a question about another tenant: the owner of account B (and a signed-in user
-- of no account) probing account A gets the same answer whether A's member, client, client package
-- or row exists or not. Inside its own account a writer still gets the precise errors.
begin;
select plan(16);
select tests.crm_fixture();

-- The assignee check: is <user> an active member of account A?
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('other', $q$insert into public.crm_clients (account_id, first_name, coach_id) values (:account_a, 'Probe', :member_without)$q$, 'error:42501', 'another account''s owner naming an active member of A as coach should get the RLS refusal'),
  ('other', $q$insert into public.crm_clients (account_id, first_name, coach_id) values (:account_a, 'Probe', :outsider)$q$, 'error:42501', 'another account''s owner naming a non-member as coach should get the same RLS refusal'),
  ('outsider', $q$insert into public.crm_clients (account_id, first_name, setter_id) values (:account_a, 'Probe', :payments_viewer)$q$, 'error:42501', 'a user of no account naming an active member of A as setter should get the RLS refusal'),
  ('outsider', $q$insert into public.crm_clients (account_id, first_name, setter_id) values (:account_a, 'Probe', :other)$q$, 'error:42501', 'a user of no account naming a non-member as setter should get the same RLS refusal'),
  ('member_without', $q$insert into public.crm_clients (account_id, first_name, closer_id) values (:account_a, 'Probe', :other)$q$, 'error:42501', 'a member without manage_all_clients should get the RLS refusal, not the assignee check'),
  ('owner', $q$insert into public.crm_clients (account_id, first_name, coach_id) values (:account_a, 'Probe', :other)$q$, 'error:invalid_assignee', 'the owner naming a non-member as coach should still get invalid_assignee'),
  ('owner', $q$update public.crm_clients set closer_id = :outsider where id = :client_a1$q$, 'error:invalid_assignee', 'the owner assigning a non-member should still get invalid_assignee'),
  ('owner', $q$insert into public.crm_clients (account_id, first_name, coach_id) values (:account_a, 'Probe', :member_without)$q$, 'rows:1', 'the owner should assign an active member')
) as matrix (actor, statement, expected, description);

-- Unique indexes: does another tenant's client have an active Stripe link, its package an instalment 1?
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('other', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id) values (:account_b, :client_a1, 'cus_probe')$q$, 'error:23503', 'a Stripe link on another tenant''s client with an active link should fail on the foreign key'),
  ('other', $q$insert into public.crm_stripe_customers (account_id, client_id, stripe_customer_id) values (:account_b, :no_such_client, 'cus_probe')$q$, 'error:23503', 'a Stripe link on a client that does not exist should fail the same way'),
  ('other', $q$insert into public.crm_instalments (account_id, client_id, client_package_id, instalment_number, amount, currency, schedule_date) values (:account_b, :client_b1, :client_package_a1, 1, 1, 'EUR', current_date)$q$, 'error:23503', 'instalment 1 of another tenant''s client package should fail on the foreign key'),
  ('other', $q$insert into public.crm_instalments (account_id, client_id, client_package_id, instalment_number, amount, currency, schedule_date) values (:account_b, :client_b1, :no_such_package, 1, 1, 'EUR', current_date)$q$, 'error:23503', 'instalment 1 of a client package that does not exist should fail the same way')
) as matrix (actor, statement, expected, description);

-- Chosen primary keys: is <id> taken anywhere?
select is(tests.try_as(actor, statement), expected, description)
from (values
  ('other', $q$insert into public.crm_clients (id, account_id, first_name) values (:client_a1, :account_b, 'Probe')$q$, 'error:42501', 'a client with another tenant''s client id should be refused for naming an id'),
  ('other', $q$insert into public.crm_clients (id, account_id, first_name) values (:free_id, :account_b, 'Probe')$q$, 'error:42501', 'a client with a free id should be refused the same way'),
  ('other', $q$insert into public.crm_payments (id, account_id, client_id, amount, currency) values (:payment_a1, :account_b, :client_b1, 1, 'EUR')$q$, 'error:42501', 'a payment with another tenant''s payment id should be refused for naming an id'),
  ('other', $q$insert into public.crm_payments (id, account_id, client_id, amount, currency) values (:free_id, :account_b, :client_b1, 1, 'EUR')$q$, 'error:42501', 'a payment with a free id should be refused the same way')
) as matrix (actor, statement, expected, description);

select * from finish();
rollback;
