/**
 * Per-IP rate limits from `[auth.rate_limit]` (token bucket with GoTrue's bursts): `/token` allows a
 * burst of 30, sign-ups `sign_in_sign_ups` (30), `/verify` a burst of 30; the next request from the same
 * address is 429 `over_request_rate_limit`, while another address is unaffected.
 */
import { AuthApiError } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { authFetch, client, randomIp, uniqueEmail } from './support.ts';

/** Sends `count` requests from one address at once (so refills cannot hide the limit); returns the statuses. */
function burst(count: number, ip: string, send: (ip: string) => Promise<number>): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, () => send(ip)));
}

describe('request rate limits', () => {
  it('/token requests beyond the burst of 30 from one address are 429 over_request_rate_limit', async () => {
    const ip = randomIp();
    // Sent at once, so the bucket's refill (0.5 per second) cannot hide the limit on a slow machine.
    const statuses = await Promise.all(
      Array.from({ length: 35 }, async () => (await authFetch('/token?grant_type=password', { method: 'POST', body: '{}', headers: { 'X-Forwarded-For': ip } })).status),
    );
    expect(statuses.filter((s) => s === 400).length).toBeGreaterThanOrEqual(30);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    const { error } = await client(undefined, { ip }).auth.signInWithPassword({ email: uniqueEmail('rl'), password: 'x' });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error?.status).toBe(429);
    expect(error?.code).toBe('over_request_rate_limit');
    const other = await client().auth.signInWithPassword({ email: uniqueEmail('rl'), password: 'x' });
    expect(other.error?.code).toBe('invalid_credentials');
  });

  it('sign-ups beyond sign_in_sign_ups from one address are 429', async () => {
    const ip = randomIp();
    const statuses = await burst(
      32,
      ip,
      async (from) =>
        (
          await authFetch('/signup', {
            method: 'POST',
            body: JSON.stringify({ email: 'not an address', password: 'long-enough-password-6' }),
            headers: { 'X-Forwarded-For': from },
          })
        ).status,
    );
    expect(statuses.filter((s) => s === 400).length).toBeGreaterThanOrEqual(30);
    expect(statuses).toContain(429);
    const { error } = await client(undefined, { ip }).auth.signUp({ email: uniqueEmail('rl'), password: 'long-enough-7' });
    expect(error?.status).toBe(429);
    expect(error?.code).toBe('over_request_rate_limit');
  });

  it('verifications beyond token_verifications from one address are 429', async () => {
    const ip = randomIp();
    await burst(31, ip, async (from) => (await authFetch('/verify', { method: 'POST', body: '{}', headers: { 'X-Forwarded-For': from } })).status);
    const { error } = await client(undefined, { ip }).auth.verifyOtp({ token_hash: 'abc', type: 'magiclink' });
    expect(error?.status).toBe(429);
    expect(error?.code).toBe('over_request_rate_limit');
  });
});
