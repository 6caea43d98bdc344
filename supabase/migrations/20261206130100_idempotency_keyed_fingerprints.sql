-- =====================================================================================================
-- Idempotency fingerprints are keyed: the functions store an HMAC of the request under a server secret
-- (`hmac:` + hex, supabase/functions/_shared/idempotency.ts), never a plain SHA-256 that could be matched
-- by hashing guessed passwords. Fingerprints stored before this change are plain hashes of bodies that
-- may hold passwords; they are overwritten here rather than kept for the rest of their 24 hours (a retry
-- of such a request with the same key is then answered 422 idempotency_key_reused instead of replayed).
-- =====================================================================================================

update private.idempotency_keys
   set request_hash = 'retired'
 where request_hash !~ '^hmac:';

comment on column private.idempotency_keys.request_hash is
  'HMAC-SHA-256 (under a server secret) of the validated request, prefixed hmac:; never a plain hash of a body.';
