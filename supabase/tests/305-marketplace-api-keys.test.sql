-- API keys: shown once, stored hashed, listed by prefix, revocable, expiring; with a key a creator's
-- backend verifies usages of its own tools and reads its stats — and nothing else.
begin;
select plan(22);
select tests.mp_fixture();

select hasnt_column('public', 'api_keys', 'secret', 'the key table should hold no secret');
select hasnt_column('public', 'api_keys', 'secret_hash', 'the exposed key table should hold no hash either');
select is((select secret from tests.mp_secrets where name = 'key_creator') ~ '^mk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$', true,
  'a key should look like mk_<12 hex>_<43 random characters>');
select is((select prefix from public.api_keys where id = tests.mp('key_creator')), left((select secret from tests.mp_secrets where name = 'key_creator'), 15),
  'a key should be listed by its prefix');
select is((select secret_hash from private.api_key_secrets where api_key_id = tests.mp('key_creator')),
  extensions.digest((select secret from tests.mp_secrets where name = 'key_creator'), 'sha256'),
  'only the SHA-256 of the key should be stored');

-- creating -------------------------------------------------------------------------------------
select is(tests.mp_try_as('client', $$select public.create_api_key('Mine')$$), 'error:forbidden', 'a client should not create API keys');
select is(tests.mp_try_as('anon', $$select public.create_api_key('Mine')$$), 'error:42501', 'anonymous visitors should not create API keys');
select is(tests.mp_try_as('creator', $$select public.create_api_key('')$$), 'error:invalid_name', 'a key needs a name');
select is(tests.mp_try_as('creator', $$select public.create_api_key('Old', now() - interval '1 day')$$), 'error:invalid_expiry',
  'a key should not be created already expired');
select is(tests.mp_try_as('creator', $$select public.create_api_key('Expiring', now() + interval '30 days')$$), 'rows:1',
  'a key may carry an expiry date');

-- authenticating -------------------------------------------------------------------------------
select is(private.creator_for_api_key((select secret from tests.mp_secrets where name = 'key_creator')), tests.mp('creator'),
  'a valid key should authenticate its creator');
select isnt((select last_used_at from public.api_keys where id = tests.mp('key_creator')), null, 'using a key should record when');
select is(tests.mp_try($$select private.creator_for_api_key(left((select secret from tests.mp_secrets where name = 'key_creator'), 57) || 'x')$$),
  'error:invalid_api_key', 'a tampered key should be refused');
select is(tests.mp_try($$select private.creator_for_api_key('not-a-key')$$), 'error:invalid_api_key', 'a malformed key should be refused');

-- what a key may ask ---------------------------------------------------------------------------
select is(private.verify_usage_with_api_key((select secret from tests.mp_secrets where name = 'key_creator'), tests.mp('usage_client')) ->> 'id',
  tests.mp('usage_client')::text, 'a key should verify a usage of its creator''s tools');
select is(tests.mp_try($$select private.verify_usage_with_api_key((select secret from tests.mp_secrets where name = 'key_creator'), tests.mp('usage_other'))$$),
  'error:usage_not_found', 'a key should not see usages of other creators'' tools');
select is(private.revenue_stats_with_api_key((select secret from tests.mp_secrets where name = 'key_creator'), null, null) ->> 'creator_id',
  tests.mp('creator')::text, 'a key should read its own creator''s revenue');

-- revoking and expiry --------------------------------------------------------------------------
select is(tests.mp_try_as('other_creator', $$select public.revoke_api_key(tests.mp('key_creator'))$$), 'error:api_key_not_found',
  'a creator should not revoke someone else''s key');
select tests.mp_do_as('creator', $$select public.revoke_api_key(tests.mp('key_creator'))$$);
select is(tests.mp_try($$select private.creator_for_api_key((select secret from tests.mp_secrets where name = 'key_creator'))$$),
  'error:api_key_revoked', 'a revoked key should be refused at once');
select is(tests.mp_try($$select private.verify_usage_with_api_key((select secret from tests.mp_secrets where name = 'key_creator'), tests.mp('usage_client'))$$),
  'error:api_key_revoked', 'a revoked key should not verify usages');
update public.api_keys set expires_at = now() - interval '1 second' where id = tests.mp('key_other');
select is(tests.mp_try($$select private.creator_for_api_key((select secret from tests.mp_secrets where name = 'key_other'))$$),
  'error:api_key_expired', 'an expired key should be refused');

select tests.mp_as('creator');
do $$ begin for i in 1..20 loop perform public.create_api_key('Key ' || i); end loop; end $$;
select is(tests.mp_try($$select public.create_api_key('One too many')$$), 'error:too_many_api_keys', 'a creator should hold at most 20 active keys');
select tests.clear_authentication();

select * from finish();
rollback;
