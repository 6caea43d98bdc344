-- The batch-invite and Stripe re-apply jobs' SQL: privileges, one job per batch / event, invites
-- claimed one at a time and never twice, rows Auth already invited counted as sent, the last attempt
-- failing what is left.
begin;
select plan(17);

create temporary table t (name text primary key, id uuid) on commit drop;
insert into t values
  ('owner', tests.create_user('ops-invite-owner@example.test')),
  ('a', tests.create_user('ops-invite-a@example.test')),
  ('b', tests.create_user('ops-invite-b@example.test')),
  ('c', tests.create_user('ops-invite-c@example.test'));
with a as (
  insert into public.accounts (name, slug, status, created_by, reviewed_at)
  values ('Invite Test', 'ops-invite-test', 'active', (select id from t where name = 'owner'), now()) returning id)
insert into t select 'account', id from a;
with b as (
  insert into public.member_batches (account_id, name) values ((select id from t where name = 'account'), 'Big') returning id)
insert into t select 'batch', id from b;
update auth.users set invited_at = null where id in (select id from t where name in ('a', 'b', 'c'));

-- ---------------------------------------------------------------- privileges
select ok(not has_table_privilege('authenticated', 'private.member_invites', 'select'), 'users should not read the invite table');
select ok(not has_function_privilege('authenticated', 'private.claim_member_invite(uuid, uuid[], integer)', 'execute'), 'users should not claim invites');
select ok(not has_function_privilege('authenticated', 'private.record_stripe_event_failure(text, text, jsonb, text)', 'execute'), 'users should not record webhook failures');
select ok(has_function_privilege('service_role', 'private.queue_batch_invites(uuid, uuid, text, jsonb)', 'execute'), 'the service role should queue invites');

-- ---------------------------------------------------------------- batch invites
create temporary table q (n integer primary key, job uuid) on commit drop;
insert into q select 1, (private.queue_batch_invites((select id from t where name = 'batch'), (select id from t where name = 'owner'), null,
  (select jsonb_agg(jsonb_build_object('user_id', id, 'email', name || '@x.test', 'full_name', upper(name))) from t where name in ('a', 'b', 'c')))).id;
insert into q select 2, (private.queue_batch_invites((select id from t where name = 'batch'), (select id from t where name = 'owner'), null, '[]')).id;
select is((select count(distinct job)::integer from q), 1, 'a batch should have one live invite job');
select is((select type || '/' || status::text || '/' || owner_id::text from private.jobs where id = (select job from q where n = 1)),
  'accounts.send_batch_invites/queued/' || (select id from t where name = 'owner')::text, 'the job should be queued for the caller');
select is((select count(*)::integer from private.member_invites where batch_id = (select id from t where name = 'batch') and status = 'pending'), 3,
  'each created row should have a pending invite');

create temporary table c (n integer primary key, user_id uuid) on commit drop;
insert into c select 1, user_id from private.claim_member_invite((select id from t where name = 'batch'));
insert into c select 2, user_id from private.claim_member_invite((select id from t where name = 'batch'));
select isnt((select user_id from c where n = 1), (select user_id from c where n = 2), 'two claims should never get the same invite');
select is((select status from private.member_invites where user_id = (select user_id from c where n = 1)), 'sending', 'a claimed invite should be sending');

select private.finish_member_invite((select user_id from c where n = 1), null);
select private.finish_member_invite((select user_id from c where n = 2), 'Auth said no');
select is((select status from private.member_invites where user_id = (select user_id from c where n = 2)), 'pending', 'a failed send should be pending again');
select is((select count(*)::integer from private.claim_member_invite((select id from t where name = 'batch'),
  array[(select user_id from c where n = 2)]::uuid[])
  where user_id = (select user_id from c where n = 2)), 0, 'a run should not retry the rows it already tried');

-- The third row: Auth already invited it (its sender died before recording) — it is sent, never claimed.
update private.member_invites set status = 'pending', claimed_until = null, attempts = 0
  where user_id not in (select user_id from c);
update auth.users set invited_at = now() where id = (select user_id from private.member_invites
  where batch_id = (select id from t where name = 'batch') and user_id not in (select user_id from c));
select is((select count(*)::integer from private.claim_member_invite((select id from t where name = 'batch'), array(select user_id from c))), 0,
  'an invite Auth already sent should not be claimed');
select is((select count(*)::integer from private.member_invites where batch_id = (select id from t where name = 'batch') and status = 'sent'), 2,
  'it should be marked sent instead');
select is(private.settle_member_invites((select id from t where name = 'batch'), true), '{"sent": 2, "failed": 1, "pending": 0}'::jsonb,
  'the last attempt should fail what is still pending');

-- ---------------------------------------------------------------- Stripe events kept for re-applying
create temporary table w (n integer primary key, job uuid) on commit drop;
insert into w select 1, private.record_stripe_event_failure('evt_ops_test_1', 'payment_intent.succeeded', '{"id":"evt_ops_test_1"}', 'boom');
insert into w select 2, private.record_stripe_event_failure('evt_ops_test_1', 'payment_intent.succeeded', '{"id":"evt_ops_test_1"}', 'boom again');
select is((select count(distinct job)::integer from w), 1, 'a failed event should have one live re-apply job');
select is((select failures || '/' || last_error from private.stripe_event_failures where event_id = 'evt_ops_test_1'), '2/boom again',
  'each failure should be counted');
select private.resolve_stripe_event_failure('evt_ops_test_1', 'completed');
select is((select outcome from private.stripe_event_failures where event_id = 'evt_ops_test_1' and resolved_at is not null), 'completed',
  'a re-applied event should be resolved with its outcome');

select * from finish();
rollback;
