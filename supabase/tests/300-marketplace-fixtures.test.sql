-- Fixtures for the wallet and marketplace tests (files 3xx): the six personas every RLS check runs as,
-- a small marketplace built through the real functions, and helpers that run a statement as one or
-- all personas and report `rows:<n>` or `error:<code>` without keeping its effect.
-- Committed on purpose, like 000-test-helpers; each later file calls tests.mp_fixture() inside its
-- own transaction and rolls it back.
begin;

-- Names → ids: personas have ids derived from their name; other fixture rows are registered here.
create table if not exists tests.mp_rows (name text primary key, id uuid not null);
grant select on tests.mp_rows to anon, authenticated, service_role;

create or replace function tests.mp_id(name text)
returns uuid
language sql
immutable
set search_path = ''
as $$
  select md5('marketplace-fixture:' || name)::uuid;
$$;

-- The id of a persona or of a registered fixture row.
create or replace function tests.mp(name text)
returns uuid
language sql
stable
set search_path = ''
as $$
  select coalesce((select r.id from tests.mp_rows as r where r.name = mp.name), tests.mp_id(name));
$$;

-- Several ids at once: `where id = any (tests.mp_ids('tool', 'other_tool'))`.
create or replace function tests.mp_ids(variadic names text[])
returns uuid[]
language sql
stable
set search_path = ''
as $$
  select array_agg(tests.mp(n) order by o) from unnest(names) with ordinality as x(n, o);
$$;

create or replace function tests.mp_register(name text, id uuid)
returns uuid
language sql
set search_path = ''
as $$
  insert into tests.mp_rows (name, id) values (mp_register.name, mp_register.id)
  on conflict (name) do update set id = excluded.id
  returning mp_rows.id;
$$;

-- An auth user with a stable id and a platform role (identity's trigger creates the profile).
create or replace function tests.mp_user(name text, platform_role text default 'client')
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  new_id uuid := tests.mp_id(name);
  email text := replace(name, '_', '-') || '@marketplace-fixture.test';
begin
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
    confirmation_token, recovery_token, email_change_token_new, email_change_token_current,
    email_change, phone_change, phone_change_token, reauthentication_token
  ) values (
    '00000000-0000-0000-0000-000000000000', new_id, 'authenticated', 'authenticated', email,
    extensions.crypt('password', extensions.gen_salt('bf', 4)), now(),
    jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'), 'role', platform_role), '{}',
    now(), now(), '', '', '', '', '', '', '', ''
  );
  return new_id;
end;
$$;

-- Acts as a persona ('anon' for the anonymous role) until the transaction ends or the next call.
create or replace function tests.mp_as(who text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform tests.clear_authentication();
  if who = 'anon' then
    perform tests.authenticate_as_anon();
  elsif who = 'service_role' then
    perform tests.authenticate_as_service_role();
  else
    perform tests.authenticate_as(tests.mp_id(who));
  end if;
end;
$$;

-- Runs a statement as the current role and undoes it: `rows:<n>`, or `error:<code>` (the stable code
-- of an API error, else the SQLSTATE).
create or replace function tests.mp_try(statement text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  affected bigint;
  outcome text;
  state text;
  message text;
begin
  begin
    execute statement;
    get diagnostics affected = row_count;
    outcome := 'rows:' || affected;
    raise exception 'undo' using errcode = 'MPUND';
  exception
    when sqlstate 'MPUND' then
      return outcome;
    when others then
      get stacked diagnostics state = returned_sqlstate, message = message_text;
      if state = 'PGRST' and message like '{%' then
        return 'error:' || (message::jsonb ->> 'code');
      end if;
      return 'error:' || state;
  end;
end;
$$;

-- Runs a statement as a persona (undone) and returns to the connecting role.
create or replace function tests.mp_try_as(who text, statement text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  outcome text;
begin
  perform tests.mp_as(who);
  outcome := tests.mp_try(statement);
  perform tests.clear_authentication();
  return outcome;
end;
$$;

-- The same statement as each of the six personas: 'anon=… client=… other_client=… creator=… other_creator=… admin=…'.
create or replace function tests.mp_matrix(statement text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  who text;
  outcomes text[] := array[]::text[];
begin
  foreach who in array array['anon', 'client', 'other_client', 'creator', 'other_creator', 'admin'] loop
    outcomes := outcomes || (who || '=' || tests.mp_try_as(who, statement));
  end loop;
  return array_to_string(outcomes, ' ');
end;
$$;

-- Runs a statement as a persona and keeps its effect (for set-up inside a test file).
create or replace function tests.mp_do_as(who text, statement text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform tests.mp_as(who);
  execute statement;
  perform tests.clear_authentication();
end;
$$;

/*
 * Personas (tests.mp(<name>) is their user id): client, other_client (clients), creator,
 * other_creator (tool creators), admin.
 * Rows, all made through the real functions where one exists:
 *   tools          tool (creator, approved, 10 points, 70 %), draft_tool (creator, draft),
 *                  other_tool (other_creator, approved, 4 points, 50 %), suspended_tool (other_creator)
 *   wallets        client 100 then −10 (one use of tool), other_client 50 then −4, creator and
 *                  other_creator credited with their settled shares (7 and 2), then −3 and −1 for payouts
 *   usages         usage_client (client → tool), usage_other (other_client → other_tool), both settled
 *   api_keys       key_creator, key_other (their secrets in tests.mp_secrets)
 *   payouts        payout_creator (3, requested), payout_other (1, requested)
 *   feedback       feedback_client (client on usage_client, rating 5)
 *   refunds        refund_other (other_client on usage_other, requested)
 *   support        ticket_client, ticket_other (one message each: message_client, message_other)
 *   site_content   page_published, page_draft
 */
create or replace function tests.mp_fixture()
returns void
language plpgsql
set search_path = ''
as $$
declare
  secret text;
begin
  perform tests.mp_user('client');
  perform tests.mp_user('other_client');
  perform tests.mp_user('creator', 'tool_creator');
  perform tests.mp_user('other_creator', 'tool_creator');
  perform tests.mp_user('admin', 'admin');

  insert into public.tools (id, creator_id, name, description, category, price_points, creator_share_percent) values
    (tests.mp_register('tool', gen_random_uuid()), tests.mp('creator'), 'Fixture summariser', 'Summarises text', 'text', 10, 70),
    (tests.mp_register('draft_tool', gen_random_uuid()), tests.mp('creator'), 'Fixture draft', '', 'text', 5, 70),
    (tests.mp_register('other_tool', gen_random_uuid()), tests.mp('other_creator'), 'Fixture translator', 'Translates text', 'language', 4, 50),
    (tests.mp_register('suspended_tool', gen_random_uuid()), tests.mp('other_creator'), 'Fixture suspended', '', 'data', 3, 50);
  perform tests.mp_do_as('creator', format('select public.submit_tool(%L)', tests.mp('tool')));
  perform tests.mp_do_as('other_creator', format('select public.submit_tool(%L)', tests.mp('other_tool')));
  perform tests.mp_do_as('other_creator', format('select public.submit_tool(%L)', tests.mp('suspended_tool')));
  perform tests.mp_do_as('admin', format('select public.review_tool(%L, %L)', tests.mp('tool'), 'approve'));
  perform tests.mp_do_as('admin', format('select public.review_tool(%L, %L)', tests.mp('other_tool'), 'approve'));
  perform tests.mp_do_as('admin', format('select public.review_tool(%L, %L)', tests.mp('suspended_tool'), 'approve'));
  perform tests.mp_do_as('admin', format('select public.review_tool(%L, %L, %L)', tests.mp('suspended_tool'), 'suspend', 'Fixture: broken'));

  perform tests.mp_do_as('admin', format('select public.admin_adjust_points(%L, 100, %L, %L)', tests.mp('client'), 'Fixture top-up', 'fixture-top-up-client'));
  perform tests.mp_do_as('admin', format('select public.admin_adjust_points(%L, 50, %L, %L)', tests.mp('other_client'), 'Fixture top-up', 'fixture-top-up-other'));

  perform private.use_tool(tests.mp('client'), tests.mp('tool'), 'fixture-usage-client');
  perform private.use_tool(tests.mp('other_client'), tests.mp('other_tool'), 'fixture-usage-other');
  perform tests.mp_register('usage_client', (select u.id from public.usages as u where u.idempotency_key = 'fixture-usage-client'));
  perform tests.mp_register('usage_other', (select u.id from public.usages as u where u.idempotency_key = 'fixture-usage-other'));
  perform private.settle_earnings(tests.mp('creator'));
  perform private.settle_earnings(tests.mp('other_creator'));

  perform tests.mp_as('creator');
  select k.secret into secret from public.create_api_key('Fixture key') as k;
  perform tests.clear_authentication();
  perform tests.mp_register('key_creator', (select k.id from public.api_keys as k where k.creator_id = tests.mp('creator') and k.name = 'Fixture key'));
  insert into tests.mp_secrets (name, secret) values ('key_creator', secret) on conflict (name) do update set secret = excluded.secret;
  perform tests.mp_as('other_creator');
  select k.secret into secret from public.create_api_key('Fixture key') as k;
  perform tests.clear_authentication();
  perform tests.mp_register('key_other', (select k.id from public.api_keys as k where k.creator_id = tests.mp('other_creator') and k.name = 'Fixture key'));
  insert into tests.mp_secrets (name, secret) values ('key_other', secret) on conflict (name) do update set secret = excluded.secret;

  perform tests.mp_do_as('creator', 'select public.request_payout(3, ''fixture-payout-creator'')');
  perform tests.mp_do_as('other_creator', 'select public.request_payout(1, ''fixture-payout-other'')');
  perform tests.mp_register('payout_creator', (select p.id from public.payouts as p where p.idempotency_key = 'fixture-payout-creator'));
  perform tests.mp_register('payout_other', (select p.id from public.payouts as p where p.idempotency_key = 'fixture-payout-other'));

  perform tests.mp_do_as('client', format('select public.submit_feedback(%L, 5, %L)', tests.mp('usage_client'), 'Great summaries'));
  perform tests.mp_register('feedback_client', (select f.id from public.feedback as f where f.usage_id = tests.mp('usage_client')));

  perform tests.mp_do_as('other_client', format('select public.request_refund(%L, %L, %L)', tests.mp('usage_other'), 'It did not translate', 'fixture-refund-other'));
  perform tests.mp_register('refund_other', (select r.id from public.refunds as r where r.idempotency_key = 'fixture-refund-other'));

  perform tests.mp_do_as('client', 'select public.open_support_ticket(''Fixture question'', ''How do points work?'')');
  perform tests.mp_do_as('other_client', 'select public.open_support_ticket(''Other question'', ''Where is my refund?'')');
  perform tests.mp_register('ticket_client', (select t.id from public.support_tickets as t where t.user_id = tests.mp('client')));
  perform tests.mp_register('ticket_other', (select t.id from public.support_tickets as t where t.user_id = tests.mp('other_client')));
  perform tests.mp_register('message_client', (select m.id from public.support_messages as m where m.ticket_id = tests.mp('ticket_client')));
  perform tests.mp_register('message_other', (select m.id from public.support_messages as m where m.ticket_id = tests.mp('ticket_other')));

  insert into public.site_content (id, kind, slug, title, body, published, author_id) values
    (tests.mp_register('page_published', gen_random_uuid()), 'page', 'fixture-published', 'Published', 'Hello', true, tests.mp('admin')),
    (tests.mp_register('page_draft', gen_random_uuid()), 'announcement', 'fixture-draft', 'Draft', 'Soon', false, tests.mp('admin'));
end;
$$;

-- API key secrets of the fixture (only the fixture knows them; the database keeps hashes).
create table if not exists tests.mp_secrets (name text primary key, secret text not null);

grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(1);
select has_function('tests', 'mp_fixture', 'the marketplace fixture should be installed');
select * from finish();
commit;
