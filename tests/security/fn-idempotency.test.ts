/**
 * Attack on stored idempotency fingerprints: someone who reads private.idempotency_keys (a backup, a
 * leaked dump, an operator) must not be able to confirm a guessed password by hashing candidate bodies.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sql } from '../helpers/db.ts';
import { strongPassword } from '../helpers/http.ts';
import { stack, uniqueEmail } from '../helpers/stack.ts';

describe('idempotency fingerprints', () => {
  it('a stored fingerprint of a registration cannot be matched by hashing the body with the right password', async () => {
    const password = strongPassword();
    const input = { email: uniqueEmail('fp'), password, password_confirmation: password, first_name: 'Finger', last_name: 'Print' };
    const key = randomUUID();
    const response = await fetch(`${stack.url}/functions/v1/register-client`, {
      method: 'POST',
      headers: {
        apikey: stack.publishableKey,
        'content-type': 'application/json',
        'idempotency-key': key,
        'x-forwarded-for': `203.0.113.${randomInt(1, 255)}`,
      },
      body: JSON.stringify(input),
    });
    expect(response.status).toBeLessThan(300);
    const [row] = await sql<{ request_hash: string }>(`select request_hash from private.idempotency_keys where scope = 'register-client:anonymous' and key = $1`, [key]);
    expect(row).toBeDefined();
    const stored = row!.request_hash;
    // The attacker hashes candidate bodies, the right password among them.
    const candidates = [JSON.stringify(input), JSON.stringify({ ...input, password: 'wrong-guess-1', password_confirmation: 'wrong-guess-1' })];
    for (const body of candidates) {
      const plain = createHash('sha256').update(body).digest('hex');
      expect(stored).not.toContain(plain);
    }
    expect(stored).not.toContain(password);
    expect(stored).toMatch(/^hmac:[0-9a-f]{64}$/);

    // The fingerprint still does its job: the same key with another body is refused.
    const reused = await fetch(`${stack.url}/functions/v1/register-client`, {
      method: 'POST',
      headers: { apikey: stack.publishableKey, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ ...input, first_name: 'Other' }),
    });
    expect(reused.status).toBe(422);
  });
});
