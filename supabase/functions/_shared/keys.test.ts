import assert from 'node:assert/strict';
import { databaseSettings } from './database.ts';
import { isOpaqueKey, publishableKey, secretKey, secretKeys } from './keys.ts';

const NAMES = ['SUPABASE_PUBLISHABLE_KEYS', 'SUPABASE_SECRET_KEYS', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'DB_POOLER_URL', 'SUPABASE_DB_URL', 'DB_POOL_MAX'];

/** Runs `check` with exactly `values` among the variables above (the others unset), then restores them. */
function withOnly(values: Record<string, string>, check: () => void): void {
  const previous = Object.fromEntries(NAMES.map((key) => [key, Deno.env.get(key)]));
  for (const key of NAMES) Deno.env.delete(key);
  for (const [key, value] of Object.entries(values)) Deno.env.set(key, value);
  try {
    check();
  } finally {
    for (const [key, value] of Object.entries(previous)) value === undefined ? Deno.env.delete(key) : Deno.env.set(key, value);
  }
}

Deno.test('keys: with only the new keys, the default publishable and secret keys are used', () => {
  withOnly({ SUPABASE_PUBLISHABLE_KEYS: '{"other":"sb_publishable_b","default":"sb_publishable_a"}', SUPABASE_SECRET_KEYS: '{"default":"sb_secret_a"}' }, () => {
    assert.equal(publishableKey(), 'sb_publishable_a');
    assert.equal(secretKey(), 'sb_secret_a');
    assert.ok(isOpaqueKey(secretKey()));
  });
});

Deno.test('keys: with only the legacy keys, the anon and service_role JWTs are used', () => {
  withOnly({ SUPABASE_ANON_KEY: 'eyJ.anon', SUPABASE_SERVICE_ROLE_KEY: 'eyJ.service' }, () => {
    assert.equal(publishableKey(), 'eyJ.anon');
    assert.equal(secretKey(), 'eyJ.service');
    assert.ok(!isOpaqueKey(secretKey()));
  });
});

Deno.test('keys: with both, the new keys come first and every secret key counts as the service role', () => {
  withOnly({ SUPABASE_SECRET_KEYS: '{"default":"sb_secret_a","ci":"sb_secret_b"}', SUPABASE_SERVICE_ROLE_KEY: 'eyJ.service' }, () => {
    assert.equal(secretKey(), 'sb_secret_a');
    assert.deepEqual(secretKeys(), ['sb_secret_a', 'sb_secret_b', 'eyJ.service']);
  });
});

Deno.test('keys: with none, a clear error names both variables', () => {
  withOnly({ SUPABASE_SECRET_KEYS: 'not json' }, () => {
    assert.throws(() => secretKey(), /SUPABASE_SECRET_KEYS nor SUPABASE_SERVICE_ROLE_KEY/);
    assert.throws(() => publishableKey(), /SUPABASE_PUBLISHABLE_KEYS nor SUPABASE_ANON_KEY/);
  });
});

Deno.test('database: the pooler URL wins over the direct one, with a small pool', () => {
  withOnly({ SUPABASE_DB_URL: 'postgresql://direct/postgres', DB_POOLER_URL: 'postgresql://pooler:6543/postgres' }, () => {
    assert.deepEqual(databaseSettings(), { url: 'postgresql://pooler:6543/postgres', pooled: true, max: 3 });
  });
  withOnly({ SUPABASE_DB_URL: 'postgresql://direct/postgres', DB_POOL_MAX: '2' }, () => {
    assert.deepEqual(databaseSettings(), { url: 'postgresql://direct/postgres', pooled: false, max: 2 });
  });
  withOnly({ SUPABASE_DB_URL: 'postgresql://direct/postgres', DB_POOL_MAX: '500' }, () => {
    assert.equal(databaseSettings().max, 3);
  });
});
