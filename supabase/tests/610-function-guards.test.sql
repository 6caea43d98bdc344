-- What the Edge Functions ask the database about their callers and their limits: whether a session is
-- still alive for a user in good standing, API keys revoked by a ban however it is set, invitation
-- budgets taken both or neither, and formula-safe CSV cells.
begin;
select plan(21);

select tests.create_user('guard-user@example.test') as user_id \gset
select tests.create_user('guard-creator@example.test') as creator_id \gset
select gen_random_uuid() as session_id \gset
select gen_random_uuid() as account_id \gset
insert into auth.sessions (id, user_id, created_at, updated_at, aal) values (:'session_id', :'user_id', now(), now(), 'aal1');

-- live sessions ---------------------------------------------------------------------------------
select is((select email from private.live_session_user(:'user_id', :'session_id')), 'guard-user@example.test',
  'a live session of a user in good standing should be recognised');
select is((select count(*) from private.live_session_user(:'creator_id', :'session_id'))::int, 0,
  'a session should not be accepted for another user');
select is((select count(*) from private.live_session_user(:'user_id', gen_random_uuid()))::int, 0,
  'a session that does not exist (signed out) should not be accepted');
update auth.sessions set not_after = now() - interval '1 second' where id = :'session_id';
select is((select count(*) from private.live_session_user(:'user_id', :'session_id'))::int, 0,
  'a session past its not_after should not be accepted');
update auth.sessions set not_after = null where id = :'session_id';
update auth.users set banned_until = now() + interval '1 hour' where id = :'user_id';
select is((select count(*) from private.live_session_user(:'user_id', :'session_id'))::int, 0,
  'a session of a banned user should not be accepted');
update auth.users set banned_until = now() - interval '1 second' where id = :'user_id';
select is((select count(*) from private.live_session_user(:'user_id', :'session_id'))::int, 1,
  'a session should be accepted again once a ban has passed');
update auth.users set deleted_at = now() where id = :'user_id';
select is((select count(*) from private.live_session_user(:'user_id', :'session_id'))::int, 0,
  'a session of a deleted user should not be accepted');
select ok(not has_function_privilege('authenticated', 'private.live_session_user(uuid, uuid)', 'execute')
  and not has_function_privilege('anon', 'private.live_session_user(uuid, uuid)', 'execute'),
  'the API roles should not call live_session_user');

-- bans revoke API keys ----------------------------------------------------------------------------
insert into public.api_keys (id, creator_id, name, prefix) values ('a1000000-0000-4000-8000-000000000001', :'creator_id', 'Backend', 'mk_a10000000001');
insert into private.api_key_secrets (api_key_id, secret_hash)
values ('a1000000-0000-4000-8000-000000000001', extensions.digest('mk_a10000000001_' || repeat('A', 43), 'sha256'));
select is(private.creator_for_api_key('mk_a10000000001_' || repeat('A', 43)), :'creator_id'::uuid, 'the key should work before the ban');
update auth.users set banned_until = now() + interval '1 day' where id = :'creator_id';
select isnt((select revoked_at from public.api_keys where id = 'a1000000-0000-4000-8000-000000000001'), null,
  'banning the creator (any way, here a direct update) should revoke the key at once');
select throws_like($$select private.creator_for_api_key('mk_a10000000001_' || repeat('A', 43))$$, '%api_key_revoked%',
  'the key of a banned creator should be refused');
update public.api_keys set revoked_at = null where id = 'a1000000-0000-4000-8000-000000000001';
select throws_like($$select private.creator_for_api_key('mk_a10000000001_' || repeat('A', 43))$$, '%api_key_revoked%',
  'an unrevoked key should still be refused while its creator is banned');
update auth.users set banned_until = null where id = :'creator_id';
select is(private.creator_for_api_key('mk_a10000000001_' || repeat('A', 43)), :'creator_id'::uuid,
  'a key that was never revoked should work again after the ban');

-- invitation budgets -----------------------------------------------------------------------------
insert into private.rate_limits (bucket, key, window_started_at, hits) values ('invitations:caller', :'user_id', now(), 499);
select is(private.take_invitation_budget(:'user_id', :'account_id', 2, 500, 500, interval '1 hour') ->> 'scope', 'caller',
  'a request over the caller''s budget should be refused, naming the caller''s budget');
select is((select hits from private.rate_limits where bucket = 'invitations:account' and key = :'account_id'::text), 0,
  'a refused request should take nothing from the account''s budget');
select is(private.take_invitation_budget(:'user_id', :'account_id', 1, 500, 500, interval '1 hour'), null,
  'a request that fits both budgets should be taken');
select is((select array_agg(hits order by bucket) from private.rate_limits where key in (:'user_id'::text, :'account_id'::text)
  and bucket like 'invitations:%'), array[1, 500], 'taking should count on both budgets');
update private.rate_limits set window_started_at = now() - interval '2 hours' where key = :'user_id'::text and bucket = 'invitations:caller';
select is(private.take_invitation_budget(:'user_id', :'account_id', 3, 500, 500, interval '1 hour'), null,
  'the caller''s budget should be whole again in a new window');

-- CSV cells ---------------------------------------------------------------------------------------
select is(array[private.csv_cell('=HYPERLINK("http://x")'), private.csv_cell('+1'), private.csv_cell('-1'), private.csv_cell('@SUM(A1)'), private.csv_cell(E'\tx')],
  array['"''=HYPERLINK(""http://x"")"', '''+1', '''-1', '''@SUM(A1)', E'''\tx'],
  'cells a spreadsheet would run should get a leading quote');
select is(array[private.csv_cell('plain'), private.csv_cell('a,b'), private.csv_cell(null)], array['plain', '"a,b"', ''],
  'other cells should be quoted only when RFC 4180 needs it');
select throws_ok($$insert into public.waitlist (email, source) values ('formula@example.test', '=1+1')$$, '23514', null,
  'the waitlist should refuse a source that starts like a formula');

select * from finish();
rollback;
