-- Request guards used by the Edge Functions: idempotency keys and rate limits; and the private schema
-- staying out of the API roles' reach.
begin;
select plan(14);

-- ------------------------------------------------------------------ idempotency
select is((select outcome from private.begin_idempotent_request('t:scope', 'key-1', 'hash-a')), 'started', 'a new key should start the request');
select is((select outcome from private.begin_idempotent_request('t:scope', 'key-1', 'hash-a')), 'in_progress', 'the same key while running should be in progress');
select is((select outcome from private.begin_idempotent_request('t:scope', 'key-1', 'hash-b')), 'mismatch', 'the same key with another request should be a mismatch');
select private.finish_idempotent_request('t:scope', 'key-1', 201::smallint, '{"id":1}');
select results_eq($$select outcome, response_status, response_body from private.begin_idempotent_request('t:scope', 'key-1', 'hash-a')$$,
  $$values ('replay'::text, 201::smallint, '{"id":1}'::jsonb)$$, 'a finished key should replay the stored response');
select is((select outcome from private.begin_idempotent_request('t:other-scope', 'key-1', 'hash-c')), 'started', 'keys should be separate per scope');
select private.release_idempotent_request('t:other-scope', 'key-1');
select is((select outcome from private.begin_idempotent_request('t:other-scope', 'key-1', 'hash-d')), 'started', 'a released key should start again');
update private.idempotency_keys set started_at = now() - interval '10 minutes' where scope = 't:other-scope';
select is((select outcome from private.begin_idempotent_request('t:other-scope', 'key-1', 'hash-d')), 'started', 'an abandoned attempt should be taken over');

-- ------------------------------------------------------------------ rate limits
select results_eq($$select private.take_rate_limit('t:bucket', '10.0.0.1', 2, interval '1 minute') from generate_series(1, 3)$$,
  $$values (true), (true), (false)$$, 'the third hit within the window should be refused when the limit is 2');
select ok(private.take_rate_limit('t:bucket', '10.0.0.2', 2, interval '1 minute'), 'another key should have its own budget');
update private.rate_limits set window_started_at = now() - interval '2 minutes' where key = '10.0.0.1';
select ok(private.take_rate_limit('t:bucket', '10.0.0.1', 2, interval '1 minute'), 'a new window should reset the budget');

-- ------------------------------------------------------------------ the private schema is not the API's
select ok(not has_schema_privilege('anon', 'private', 'USAGE'), 'anon should not use the private schema');
select ok(not has_function_privilege('authenticated', 'private.take_rate_limit(text, text, integer, interval)', 'EXECUTE'),
  'authenticated should not execute the rate limiter');
select ok(not has_table_privilege('authenticated', 'private.idempotency_keys', 'SELECT'), 'authenticated should not read idempotency keys');
select ok(not has_function_privilege('authenticated', 'private.password_matches(uuid, text)', 'EXECUTE'),
  'authenticated should not execute the password check');

select * from finish();
rollback;
