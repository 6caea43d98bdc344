import assert from 'node:assert/strict';
import { HttpError } from './errors.ts';
import { requireOperator } from './operators.ts';

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
