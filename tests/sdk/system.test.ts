/** The SDK's system namespace: the health check through the gateway and the functions server. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClient, isSdkError } from '../../src/sdk/index.ts';
import { stack } from '../helpers/stack.ts';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('system.health()', () => {
  it('reports ok, the package version and a reachable database', async () => {
    const kit = createClient(stack.url, stack.publishableKey, { auth: { persistSession: false } });
    const { data, error } = await kit.system.health();
    expect(error).toBeNull();
    expect(data).toEqual({ status: 'ok', version: packageVersion, database: 'ok' });
  });

  it('answers without any key, as monitors call it', async () => {
    const response = await fetch(`${stack.url}/functions/v1/health`);
    expect(response.status).toBe(200);
  });

  it('returns a network error, not a throw, when the backend is unreachable', async () => {
    const kit = createClient('http://127.0.0.1:9', stack.publishableKey, { auth: { persistSession: false } });
    const { data, error } = await kit.system.health();
    expect(data).toBeNull();
    expect(isSdkError(error)).toBe(true);
    expect(error?.code).toBe('network_error');
  });

  it('refuses other methods with a stable error code', async () => {
    const response = await fetch(`${stack.url}/functions/v1/health`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ error: { code: 'method_not_allowed', message: 'Use GET' } });
  });
});

describe('the functions server', () => {
  it('answers 404 for an unknown function', async () => {
    const response = await fetch(`${stack.url}/functions/v1/no-such-function`);
    expect(response.status).toBe(404);
  });
});
