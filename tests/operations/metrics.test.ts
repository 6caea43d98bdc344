/**
 * The metrics function: Prometheus text that parses, restricted to the service role and platform
 * admins, and counters
 * that move when the flows they count run.
 */
import { describe, expect, it } from 'vitest';
import { parsePrometheus, type MetricSample } from '../../src/sdk/index.ts';
import { createUser, kit, operatorKit, sql, stack } from './support.ts';

function value(samples: MetricSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, v]) => sample.labels[key] === v))?.value;
}

async function scrape(): Promise<MetricSample[]> {
  const { data, error } = await operatorKit().system.metrics();
  if (error) throw error;
  return data.samples;
}

describe('GET /functions/v1/metrics', () => {
  it('answers Prometheus text that parses, with a TYPE for every family', async () => {
    const response = await fetch(`${stack.url}/functions/v1/metrics`, { headers: { apikey: stack.secretKey } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const { types, samples } = parsePrometheus(text);
    for (const family of [
      'kit_users',
      'kit_accounts',
      'kit_wallet_points_in_circulation',
      'kit_tool_usages',
      'kit_voucher_redemptions_total',
      'kit_payments',
      'kit_jobs',
      'kit_job_queue_depth',
      'kit_jobs_with_failed_attempts',
      'kit_function_requests_total',
      'kit_function_request_duration_seconds',
    ]) {
      expect(types[family], family).toBeDefined();
    }
    for (const sample of samples) {
      const family = sample.name.replace(/_(bucket|sum|count)$/, '');
      expect(types[sample.name] ?? types[family], sample.name).toBeDefined();
      expect(Number.isFinite(sample.value) || sample.value === Infinity).toBe(true);
    }
    expect(value(samples, 'kit_users', { role: 'admin' })).toBeGreaterThanOrEqual(1);
    // A histogram's +Inf bucket equals its count.
    expect(value(samples, 'kit_function_request_duration_seconds_bucket', { function: 'metrics', le: '+Inf' })).toBe(
      value(samples, 'kit_function_request_duration_seconds_count', { function: 'metrics' }),
    );
  });

  it('moves its counters when users sign up, jobs run and requests are served', async () => {
    const before = await scrape();
    await createUser('tool_creator');
    // Top priority, so this claim takes this test's job and not one another suite queued meanwhile.
    const [job] = await sql<{ id: string }>(`select (private.enqueue_job('diagnostics.echo', '{"message":"metrics"}'::jsonb, p_priority => 32767::smallint)).id`);
    const id = job!.id;
    await sql(`select private.complete_job(id, lease_token, '{}') from private.claim_jobs('metrics-test', 1, 60, array['diagnostics.echo']) where id = $1`, [id]);
    const after = await scrape();
    expect(value(after, 'kit_users', { role: 'tool_creator' })).toBeGreaterThanOrEqual(value(before, 'kit_users', { role: 'tool_creator' })! + 1);
    expect(value(after, 'kit_jobs', { type: 'diagnostics.echo', status: 'succeeded' })).toBeGreaterThanOrEqual(
      value(before, 'kit_jobs', { type: 'diagnostics.echo', status: 'succeeded' })! + 1,
    );
    expect(value(after, 'kit_function_requests_total', { function: 'metrics', status: '200' })).toBeGreaterThan(
      value(before, 'kit_function_requests_total', { function: 'metrics', status: '200' }) ?? 0,
    );
  });

  it('counts and times requests to every function, e.g. health and use-tool', async () => {
    const before = await scrape();
    const health = await fetch(`${stack.url}/functions/v1/health`);
    expect(health.status).toBe(200);
    await health.body?.cancel();
    const client = await createUser('client');
    const useTool = await fetch(`${stack.url}/functions/v1/use-tool`, {
      method: 'POST',
      headers: { apikey: stack.publishableKey, authorization: `Bearer ${client.accessToken}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ tool_id: crypto.randomUUID() }),
    });
    expect(useTool.status).toBeGreaterThanOrEqual(400); // no such tool: answered by the function, still counted
    await useTool.body?.cancel();
    const after = await scrape();
    for (const [fn, status] of [
      ['health', '200'],
      ['use-tool', String(useTool.status)],
    ] as const) {
      expect(value(after, 'kit_function_requests_total', { function: fn, status }), fn).toBeGreaterThanOrEqual(
        (value(before, 'kit_function_requests_total', { function: fn, status }) ?? 0) + 1,
      );
      const count = value(after, 'kit_function_request_duration_seconds_count', { function: fn });
      expect(count, fn).toBeGreaterThanOrEqual((value(before, 'kit_function_request_duration_seconds_count', { function: fn }) ?? 0) + 1);
      expect(value(after, 'kit_function_request_duration_seconds_bucket', { function: fn, le: '+Inf' }), fn).toBe(count);
      expect(value(after, 'kit_function_request_duration_seconds_sum', { function: fn }), fn).toBeGreaterThan(0);
    }
  });

  it('refuses callers without credentials (401), a client and a tool creator (403)', async () => {
    const anonymous = await fetch(`${stack.url}/functions/v1/metrics`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('unauthorized');
    for (const role of ['client', 'tool_creator'] as const) {
      const user = await createUser(role);
      const asUser = await fetch(`${stack.url}/functions/v1/metrics`, { headers: { apikey: stack.publishableKey, authorization: `Bearer ${user.accessToken}` } });
      expect(asUser.status, role).toBe(403);
      expect((await asUser.json()).error.code, role).toBe('forbidden');
      const viaSdk = await user.kit.system.metrics();
      expect(viaSdk.data, role).toBeNull();
      expect(viaSdk.error?.code, role).toBe('forbidden');
    }
    // Signed out, the SDK sends the publishable key, which the function refuses (403); the SDK says
    // what it means: sign in first.
    const { data, error } = await kit().system.metrics();
    expect(data).toBeNull();
    expect(error?.code).toBe('unauthorized');
  });

  it('answers a signed-in platform admin (the admin console) with the Prometheus text', async () => {
    const admin = await createUser('admin');
    const response = await fetch(`${stack.url}/functions/v1/metrics`, { headers: { apikey: stack.publishableKey, authorization: `Bearer ${admin.accessToken}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples } = parsePrometheus(await response.text());
    expect(value(samples, 'kit_users', { role: 'admin' })).toBeGreaterThanOrEqual(1);
    // The same through the SDK, as the console calls it.
    const { data, error } = await admin.kit.system.metrics();
    expect(error).toBeNull();
    expect(data!.samples.some((sample) => sample.name === 'kit_users')).toBe(true);
  });
});
