-- Fixtures for the accounts and CRM tests (files 2xx): one function that builds two active business
-- accounts, a pending one and the people the RLS matrix needs, plus `tests.try_as`, which runs one
-- statement as one of them and reports `rows:<n>` or `error:<sqlstate>` without keeping its effect.
-- Committed on purpose, like 000-test-helpers; each later file calls tests.crm_fixture() inside its
-- own transaction and rolls it back.
begin;

-- Stable ids by name, so statements can name rows (`:client_a1`) instead of carrying uuids.
create or replace function tests.crm_id(name text)
returns uuid
language sql
immutable
set search_path = ''
as $$
  select md5('crm-fixture:' || name)::uuid;
$$;

-- An auth user with a chosen id, as the auth server writes it.
create or replace function tests.crm_user(name text, app_metadata jsonb default '{}')
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  new_id uuid := tests.crm_id(name);
  email text := replace(name, '_', '-') || '@crm-fixture.test';
begin
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
    confirmation_token, recovery_token, email_change_token_new, email_change_token_current,
    email_change, phone_change, phone_change_token, reauthentication_token
  ) values (
    '00000000-0000-0000-0000-000000000000', new_id, 'authenticated', 'authenticated', email,
    extensions.crypt('password', extensions.gen_salt('bf', 4)), now(),
    '{"provider":"email","providers":["email"]}'::jsonb || app_metadata, jsonb_build_object('full_name', initcap(replace(name, '_', ' '))),
    now(), now(), '', '', '', '', '', '', '', ''
  );
  insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
  values (new_id::text, new_id, jsonb_build_object('sub', new_id::text, 'email', email, 'email_verified', true, 'phone_verified', false),
          'email', now(), now(), now());
  return new_id;
end;
$$;

/*
 * People (tests.crm_id(<name>) is their user id):
 *   owner, admin               owner and admin of account A
 *   member_with                member of A with view_all_clients, manage_all_clients, manage_packages, manage_payments
 *   member_without             member of A without permissions; coach of client_a1 ("my clients")
 *   payments_viewer            member of A with view_payments only; setter of client_a1
 *   other                      owner of account B (another tenant)
 *   platform_admin             platform role admin, member of nothing
 *   pending_owner              owner of the pending account P
 *   outsider                   signed in, member of nothing
 * Rows: accounts account_a, account_b, account_p; clients client_a1, client_a2, client_b1; packages
 * package_a, package_a_spare (no client packages), package_b; client packages client_package_a1, client_package_a2, client_package_b1;
 * payments payment_a1, payment_a2, payment_b1; instalments instalment_a1, instalment_a2, instalment_b1;
 * Stripe links stripe_a1, stripe_a2, stripe_b1.
 */
create or replace function tests.crm_fixture()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform tests.crm_user('owner');
  perform tests.crm_user('admin');
  perform tests.crm_user('member_with');
  perform tests.crm_user('member_without');
  perform tests.crm_user('payments_viewer');
  perform tests.crm_user('other');
  perform tests.crm_user('platform_admin', '{"role":"admin"}');
  perform tests.crm_user('pending_owner');
  perform tests.crm_user('outsider');

  insert into public.accounts (id, name, slug, status, created_by, reviewed_by, reviewed_at) values
    (tests.crm_id('account_a'), 'Account A', 'crm-fixture-a', 'active', tests.crm_id('owner'), tests.crm_id('platform_admin'), now()),
    (tests.crm_id('account_b'), 'Account B', 'crm-fixture-b', 'active', tests.crm_id('other'), tests.crm_id('platform_admin'), now()),
    (tests.crm_id('account_p'), 'Account P', 'crm-fixture-p', 'pending', tests.crm_id('pending_owner'), null, null);

  insert into public.account_members (account_id, user_id, role, permissions, full_name, email) values
    (tests.crm_id('account_a'), tests.crm_id('owner'), 'owner', '{}', 'Owner', 'owner@crm-fixture.test'),
    (tests.crm_id('account_a'), tests.crm_id('admin'), 'admin', '{}', 'Admin', 'admin@crm-fixture.test'),
    (tests.crm_id('account_a'), tests.crm_id('member_with'), 'member',
      '{view_all_clients,manage_all_clients,manage_packages,manage_payments}', 'Member With', 'member-with@crm-fixture.test'),
    (tests.crm_id('account_a'), tests.crm_id('member_without'), 'member', '{}', 'Member Without', 'member-without@crm-fixture.test'),
    (tests.crm_id('account_a'), tests.crm_id('payments_viewer'), 'member', '{view_payments}', 'Payments Viewer', 'payments-viewer@crm-fixture.test'),
    (tests.crm_id('account_b'), tests.crm_id('other'), 'owner', '{}', 'Other', 'other@crm-fixture.test'),
    (tests.crm_id('account_p'), tests.crm_id('pending_owner'), 'owner', '{}', 'Pending Owner', 'pending-owner@crm-fixture.test');

  insert into public.crm_clients (id, account_id, first_name, last_name, email, country, currency, status, coach_id, setter_id) values
    (tests.crm_id('client_a1'), tests.crm_id('account_a'), 'Ann', 'Assigned', 'ann@client.test', 'US', 'usd', 'active',
      tests.crm_id('member_without'), tests.crm_id('payments_viewer')),
    (tests.crm_id('client_a2'), tests.crm_id('account_a'), 'Bob', 'Unassigned', 'bob@client.test', 'DE', 'eur', 'onboarding', null, null),
    (tests.crm_id('client_b1'), tests.crm_id('account_b'), 'Cid', 'Elsewhere', 'cid@client.test', 'FR', 'eur', 'active', tests.crm_id('other'), null);

  insert into public.crm_packages (id, account_id, name, price, currency) values
    (tests.crm_id('package_a'), tests.crm_id('account_a'), 'Premium', 99900, 'usd'),
    (tests.crm_id('package_a_spare'), tests.crm_id('account_a'), 'Spare', null, 'usd'),
    (tests.crm_id('package_b'), tests.crm_id('account_b'), 'Basic', 9900, 'eur');

  insert into public.crm_client_packages (id, account_id, client_id, package_id, custom_price, monthly_amount, currency, payment_schedule) values
    (tests.crm_id('client_package_a1'), tests.crm_id('account_a'), tests.crm_id('client_a1'), tests.crm_id('package_a'), 90000, 7500, 'usd', 'Monthly'),
    (tests.crm_id('client_package_a2'), tests.crm_id('account_a'), tests.crm_id('client_a2'), tests.crm_id('package_a'), null, null, 'usd', 'PIF'),
    (tests.crm_id('client_package_b1'), tests.crm_id('account_b'), tests.crm_id('client_b1'), tests.crm_id('package_b'), null, null, 'eur', 'PIF');

  insert into public.crm_payments (id, account_id, client_id, client_package_id, amount, currency, status) values
    (tests.crm_id('payment_a1'), tests.crm_id('account_a'), tests.crm_id('client_a1'), tests.crm_id('client_package_a1'), 7500, 'usd', 'paid'),
    (tests.crm_id('payment_a2'), tests.crm_id('account_a'), tests.crm_id('client_a2'), tests.crm_id('client_package_a2'), 99900, 'usd', 'failed'),
    (tests.crm_id('payment_b1'), tests.crm_id('account_b'), tests.crm_id('client_b1'), tests.crm_id('client_package_b1'), 9900, 'eur', 'paid');

  insert into public.crm_instalments (id, account_id, client_id, client_package_id, instalment_number, amount, currency, schedule_date, status) values
    (tests.crm_id('instalment_a1'), tests.crm_id('account_a'), tests.crm_id('client_a1'), tests.crm_id('client_package_a1'), 1, 7500, 'usd', current_date, 'paid'),
    (tests.crm_id('instalment_a2'), tests.crm_id('account_a'), tests.crm_id('client_a2'), null, 1, 10000, 'usd', current_date + 30, 'open'),
    (tests.crm_id('instalment_b1'), tests.crm_id('account_b'), tests.crm_id('client_b1'), null, 1, 9900, 'eur', current_date, 'open');

  insert into public.crm_stripe_customers (id, account_id, client_id, stripe_customer_id) values
    (tests.crm_id('stripe_a1'), tests.crm_id('account_a'), tests.crm_id('client_a1'), 'cus_fixtureA1'),
    (tests.crm_id('stripe_a2'), tests.crm_id('account_a'), tests.crm_id('client_a2'), 'cus_fixtureA2'),
    (tests.crm_id('stripe_b1'), tests.crm_id('account_b'), tests.crm_id('client_b1'), 'cus_fixtureB1');
end;
$$;

-- `:name` in a statement becomes the quoted tests.crm_id(name).
create or replace function tests.crm_sql(statement text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  name text;
begin
  for name in select distinct m[1] from regexp_matches(statement, '(?<![:a-z0-9_]):([a-z][a-z0-9_]*)', 'g') as m loop
    statement := regexp_replace(statement, '(?<![:a-z0-9_]):' || name || '(?![a-z0-9_])', quote_literal(tests.crm_id(name)), 'g');
  end loop;
  return statement;
end;
$$;

-- Puts a fixture person's claims into the request without switching role: how the privileged Edge
-- Functions call private.* as `postgres` on behalf of a verified caller.
create or replace function tests.claims_as(actor text)
returns void
language sql
set search_path = ''
as $$
  select set_config('request.jwt.claims',
    jsonb_build_object('sub', tests.crm_id(actor)::text, 'role', 'authenticated', 'aud', 'authenticated')::text, true);
$$;

-- The outcome of an error: its SQLSTATE, or for an API error raised as `PGRST` its stable code.
create or replace function tests.error_code(state text, message text)
returns text
language sql
immutable
set search_path = ''
as $$
  select 'error:' || case when state = 'PGRST' then (message::jsonb ->> 'code') else state end;
$$;

/*
 * Runs `statement` as `actor` (a fixture person, or 'anon') and reports `rows:<n>` (rows returned or
 * changed) or `error:<sqlstate or API error code>`. The statement's effects are always rolled back,
 * so expectations in a matrix stay independent of each other.
 */
create or replace function tests.try_as(actor text, statement text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  affected bigint;
  outcome text;
begin
  begin
    if actor = 'anon' then
      perform tests.authenticate_as_anon();
    else
      perform tests.authenticate_as(tests.crm_id(actor));
    end if;
    execute tests.crm_sql(statement);
    get diagnostics affected = row_count;
    raise exception using errcode = 'TRY00', message = affected::text;
  exception
    when sqlstate 'TRY00' then outcome := 'rows:' || sqlerrm;
    when others then outcome := tests.error_code(sqlstate, sqlerrm);
  end;
  perform tests.clear_authentication();
  return outcome;
end;
$$;

/*
 * Like try_as, but only puts the actor's claims into the request and stays `postgres`: how the
 * privileged Edge Functions call private.* on behalf of a verified caller. Effects are rolled back
 * unless `keep` is true.
 */
create or replace function tests.try_claims(actor text, statement text, keep boolean default false)
returns text
language plpgsql
set search_path = ''
as $$
declare
  affected bigint;
  outcome text;
begin
  begin
    if actor is not null then
      perform tests.claims_as(actor);
    end if;
    execute tests.crm_sql(statement);
    get diagnostics affected = row_count;
    if not keep then
      raise exception using errcode = 'TRY00', message = affected::text;
    end if;
    outcome := 'rows:' || affected;
  exception
    when sqlstate 'TRY00' then outcome := 'rows:' || sqlerrm;
    when others then outcome := tests.error_code(sqlstate, sqlerrm);
  end;
  perform set_config('request.jwt.claims', '', true);
  return outcome;
end;
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(1);
select has_function('tests', 'crm_fixture', 'the CRM fixture should be installed');
select * from finish();
commit;
