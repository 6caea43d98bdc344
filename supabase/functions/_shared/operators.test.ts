import assert from 'node:assert/strict';
import { HttpError } from './errors.ts';
import { requireOperator, requireOperatorOrAdmin } from './operators.ts';

function withEnv(values: Record<string, string>, run: () => void): void {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, Deno.env.get(key)]));
  for (const [key, value] of Object.entries(values)) Deno.env.set(key, value);
  try {
    run();
  } finally {
    for (const [key, value] of Object.entries(previous)) value === undefined ? Deno.env.delete(key) : Deno.env.set(key, value);
  }
}

const request = (headers: Record<string, string>) => new Request('http://localhost/metrics', { headers });
const code = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof HttpError ? error.code : 'other';
  }
};

Deno.test('requireOperator accepts the service-role key and, where allowed, the metrics key', () => {
  withEnv({ SUPABASE_SERVICE_ROLE_KEY: 'service-jwt', SUPABASE_SECRET_KEYS: '{"default":"sb_secret_x"}', METRICS_KEY: 'scrape-me' }, () => {
    assert.equal(requireOperator(request({ authorization: 'Bearer service-jwt' })), 'service_role');
    assert.equal(requireOperator(request({ apikey: 'sb_secret_x' })), 'service_role');
    assert.equal(requireOperator(request({ 'x-metrics-key': 'scrape-me' }), { allowMetricsKey: true }), 'metrics_key');
    assert.equal(
      code(() => requireOperator(request({ 'x-metrics-key': 'scrape-me' }))),
      'forbidden',
    );
    assert.equal(
      code(() => requireOperator(request({ 'x-metrics-key': 'scrape-me!' }), { allowMetricsKey: true })),
      'forbidden',
    );
    assert.equal(
      code(() => requireOperator(request({ authorization: 'Bearer a-user-token' }))),
      'forbidden',
    );
    assert.equal(
      code(() => requireOperator(request({}))),
      'unauthorized',
    );
  });
});

const codeOf = async (run: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error instanceof HttpError ? error.code : 'other';
  }
};

Deno.test('requireOperatorOrAdmin keeps 401 without credentials and 403 for a token that is not an admin session', async () => {
  const previous = { service: Deno.env.get('SUPABASE_SERVICE_ROLE_KEY'), metrics: Deno.env.get('METRICS_KEY') };
  Deno.env.set('SUPABASE_SERVICE_ROLE_KEY', 'service-jwt');
  Deno.env.set('METRICS_KEY', 'scrape-me');
  try {
    const both = { allowMetricsKey: true, allowPlatformAdmin: true };
    assert.equal(await requireOperatorOrAdmin(request({ authorization: 'Bearer service-jwt' }), both), 'service_role');
    assert.equal(await requireOperatorOrAdmin(request({ 'x-metrics-key': 'scrape-me' }), both), 'metrics_key');
    assert.equal(await codeOf(() => requireOperatorOrAdmin(request({}), both)), 'unauthorized');
    // A token that does not verify is refused before any database lookup, with the operators' 403.
    assert.equal(await codeOf(() => requireOperatorOrAdmin(request({ authorization: 'Bearer a-user-token' }), both)), 'forbidden');
    // Without the option (job-worker) a user token is never looked at.
    assert.equal(await codeOf(() => requireOperatorOrAdmin(request({ authorization: 'Bearer a-user-token' }))), 'forbidden');
  } finally {
    previous.service === undefined ? Deno.env.delete('SUPABASE_SERVICE_ROLE_KEY') : Deno.env.set('SUPABASE_SERVICE_ROLE_KEY', previous.service);
    previous.metrics === undefined ? Deno.env.delete('METRICS_KEY') : Deno.env.set('METRICS_KEY', previous.metrics);
  }
});
