/**
 * Automatic network retries (maxNetworkRetries) are safe: a mutating call whose answer is lost after
 * the backend committed is retried with the same Idempotency-Key and charges once; a request that is
 * not safe to repeat is never retried.
 */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/sdk/index.ts';
import { isIdempotentRequest, retryingFetch } from '../../src/sdk/retries.ts';
import { createUser as createSignedInUser } from '../identity/support.ts';
import { approvedTool, createUser, stack, topUp, walletState } from '../marketplace/support.ts';

describe('network retries', () => {
  it('a use whose answer is dropped after commit is retried with the same key and charged once', async () => {
    const [creator, admin] = await Promise.all([createUser('tool_creator'), createUser('admin')]);
    const buyer = await createSignedInUser('client');
    const tool = await approvedTool(creator, admin, { price_points: 7 });
    await topUp(admin, { ...buyer, accessToken: '' }, 50);
    const keys: string[] = [];
    let dropped = false;
    const dropping = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await fetch(input, init);
      if ((typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).includes('/functions/v1/use-tool')) {
        keys.push(new Headers(init?.headers).get('Idempotency-Key') ?? '');
        if (!dropped) {
          dropped = true; // the backend committed; the connection drops before the answer arrives
          throw new TypeError('fetch failed');
        }
      }
      return response;
    }) as typeof fetch;
    const kit = createClient(stack.url, stack.publishableKey, { auth: { persistSession: false, autoRefreshToken: false }, global: { fetch: dropping } });
    expect((await kit.auth.signIn({ email: buyer.email, password: buyer.password })).error).toBeNull();

    const { data, error } = await kit.marketplace.usage.use(tool.id, { expected_price_points: 7 });
    expect(error).toBeNull();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(data).toMatchObject({ replayed: true, balance: 43 });
    expect(await walletState(buyer.id)).toMatchObject({ balance: 43, ledgerSum: 43 });
  });

  it('retries only requests safe to repeat, and never after an abort', async () => {
    expect(isIdempotentRequest('http://x/rest/v1/tools', { method: 'GET' })).toBe(true);
    expect(isIdempotentRequest('http://x/functions/v1/f', { method: 'POST', headers: { 'Idempotency-Key': 'k' } })).toBe(true);
    expect(isIdempotentRequest('http://x/rest/v1/tools', { method: 'POST' })).toBe(false);
    let calls = 0;
    const failing = (() => {
      calls++;
      return Promise.reject(new TypeError('fetch failed'));
    }) as typeof fetch;
    await expect(retryingFetch(failing, 2, 1)('http://x', { method: 'POST' })).rejects.toThrow('fetch failed');
    expect(calls).toBe(1);
    calls = 0;
    await expect(retryingFetch(failing, 2, 1)('http://x', { method: 'GET' })).rejects.toThrow('fetch failed');
    expect(calls).toBe(3);
    calls = 0;
    const controller = new AbortController();
    controller.abort();
    await expect(retryingFetch(failing, 2, 1)('http://x', { method: 'GET', signal: controller.signal })).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
