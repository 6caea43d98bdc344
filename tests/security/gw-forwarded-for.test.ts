/**
 * Attack: escape the per-IP rate limits by claiming another address in a header the client writes
 * (X-Forwarded-For, X-Real-IP, Forwarded, True-Client-IP, CF-Connecting-IP, Sb-Forwarded-For). The
 * gateway overwrites every forwarding header with the address of the connection, so one attacker stays
 * one client however it rotates them; only a caller holding the secret key (a function acting for its
 * user) may name the end user's address, with Sb-Forwarded-For.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fetchFrom } from '../helpers/client-address.ts';
import { responseBody } from '../helpers/http.ts';
import { stack, uniqueEmail } from '../helpers/stack.ts';

/** One attacker: one real connection address, its own for this run (all of 127/8 is loopback). */
function attackerAddress(): string {
  return `127.${randomInt(200, 250)}.${randomInt(256)}.${randomInt(2, 255)}`;
}

/** A different claimed address in every forwarding header, for request `i`. */
function spoofedHeaders(i: number): Record<string, string> {
  const claimed = `203.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  return {
    'X-Forwarded-For': claimed,
    'X-Real-IP': claimed,
    Forwarded: `for=${claimed}`,
    'True-Client-IP': claimed,
    'CF-Connecting-IP': claimed,
    'X-Client-IP': claimed,
    'Sb-Forwarded-For': claimed,
  };
}

describe('forwarding headers cannot move a client to a fresh rate-limit bucket', () => {
  it('an attacker rotating X-Forwarded-For (and its cousins) is still stopped by the waitlist limit of 5 per address', async () => {
    const from = attackerAddress();
    const codes: (string | number)[] = [];
    for (let i = 0; i < 7; i += 1) {
      const response = await fetchFrom(from, `${stack.url}/functions/v1/waitlist`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', apikey: stack.publishableKey, ...spoofedHeaders(i) },
        body: JSON.stringify({ email: uniqueEmail('xff'), source: 'attack' }),
      });
      const body = await responseBody(response);
      codes.push(response.status === 202 ? 202 : (body?.error?.code ?? response.status));
    }
    expect(codes).toEqual([202, 202, 202, 202, 202, 'rate_limited', 'rate_limited']);
  });

  it('an attacker rotating X-Forwarded-For is still stopped by Auth’s per-address sign-in limit (burst of 30)', async () => {
    const from = attackerAddress();
    const statuses = await Promise.all(
      Array.from({ length: 36 }, async (_, i) => {
        const response = await fetchFrom(from, `${stack.url}/auth/v1/token?grant_type=password`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', apikey: stack.publishableKey, ...spoofedHeaders(i) },
          body: JSON.stringify({ email: uniqueEmail('xff'), password: 'wrong-password-1' }),
        });
        await response.body?.cancel();
        return response.status;
      }),
    );
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
  });

  it('Sb-Forwarded-For is believed only from a holder of the secret key, and never from a browser', async () => {
    const from = attackerAddress();
    // The publishable key cannot name an address: the limit still counts the connection's.
    const anon = await Promise.all(
      Array.from({ length: 34 }, async (_, i) => {
        const response = await fetchFrom(from, `${stack.url}/auth/v1/token?grant_type=password`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', apikey: stack.publishableKey, 'Sb-Forwarded-For': `192.0.2.${i + 1}` },
          body: '{}',
        });
        await response.body?.cancel();
        return response.status;
      }),
    );
    expect(anon).toContain(429);
    // A server holding the secret key speaks for its users: each named address has its own bucket.
    const server = await fetchFrom(from, `${stack.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', apikey: stack.secretKey, 'Sb-Forwarded-For': `192.0.2.${randomInt(1, 255)}` },
      body: '{}',
    });
    expect(server.status).toBe(400);
  });
});
