-- Creations through PostgREST claim the request's Idempotency-Key in the row's own transaction
-- (private.claim_insert_idempotency on every crm_* table and feedback): the same key and fields again
-- create nothing and answer idempotent_replay with the first row's id; the same key with other fields
-- is idempotency_key_reused; keys are per caller; rows without a key are not affected.
begin;
select plan(9);
select tests.crm_fixture();

select set_config('request.headers', '{"idempotency-key":"pay-1"}', true);
do $$
declare
  first_id uuid;
begin
  perform tests.authenticate_as(tests.crm_id('owner'));
  insert into public.crm_payments (account_id, client_id, amount, currency)
  values (tests.crm_id('account_a'), tests.crm_id('client_a1'), 10, 'USD') returning id into first_id;
  perform set_config('tests.first_payment', first_id::text, true);
end;
$$;
select tests.clear_authentication();

select is(tests.try_as('owner', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a1, 10, 'USD')$q$),
  'error:idempotent_replay', 'the same key and fields again should create nothing and answer idempotent_replay');
select is(tests.try_as('owner', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a1, 10000, 'USD')$q$),
  'error:idempotency_key_reused', 'the same key with another amount should be refused');
select is(tests.try_as('owner', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a2, 10, 'USD')$q$),
  'error:idempotency_key_reused', 'the same key for another client should be refused');
select is(tests.try_as('admin', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a1, 10, 'USD')$q$),
  'rows:1', 'another caller with the same key should create their own payment');
select is(tests.try_as('owner', $q$insert into public.crm_clients (account_id, first_name) values (:account_a, 'Key per table')$q$),
  'rows:1', 'the key is per table: a client with the payment''s key should be created');

do $$
begin
  perform tests.authenticate_as(tests.crm_id('owner'));
  insert into public.crm_payments (account_id, client_id, amount, currency) values (tests.crm_id('account_a'), tests.crm_id('client_a1'), 10, 'USD');
exception when others then
  perform set_config('tests.replay_detail', (sqlerrm::jsonb ->> 'details'), true);
end;
$$;
select tests.clear_authentication();
select is(current_setting('tests.replay_detail')::jsonb ->> 'id', current_setting('tests.first_payment'), 'the replay should name the first payment');

select set_config('request.headers', '{"idempotency-key":"pay-2"}', true);
select is(tests.try_as('owner', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a1, 10, 'USD'), (:account_a, :client_a1, 20, 'USD')$q$),
  'error:idempotency_key_reused', 'two rows under one key should be refused');

select set_config('request.headers', '{}', true);
select is(tests.try_as('owner', $q$insert into public.crm_payments (account_id, client_id, amount, currency) values (:account_a, :client_a1, 10, 'USD')$q$),
  'rows:1', 'without a key the same payment should be recorded again (no key, no deduplication)');

select is((select count(*)::int from public.crm_payments where id = current_setting('tests.first_payment')::uuid), 1, 'the first payment should exist once');

select * from finish();
rollback;
