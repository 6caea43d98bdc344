/**
 * `Idempotency-Key` for mutating functions: a retry with the same key and the same body gets the first
 * answer again (header `Idempotent-Replayed: true`) instead of doing the work twice. The same key with
 * another body is 422 `idempotency_key_reused`; a retry while the first is still running is 409
 * `idempotency_key_in_use`. Answers of 4xx are kept too (the work was decided); 5xx and 429 are not, so
 * a retry after a failure on our side or a rate limit runs again. Keys live 24 hours
 * (private.idempotency_keys) with a keyed fingerprint of the request, never a plain hash of it.
 */
import { database } from './database.ts';
import { errorPayload, HttpError, json } from './errors.ts';

/** What a function's work answers: status and JSON body. */
export interface Outcome {
  status: number;
  body: unknown;
}

let fingerprintKey: Promise<CryptoKey> | undefined;

/** The server secret fingerprints are keyed with: a dedicated one if set, else the project's secret key. */
function fingerprintSecret(): string {
  const dedicated = Deno.env.get('IDEMPOTENCY_FINGERPRINT_SECRET');
  if (dedicated) return dedicated;
  try {
    const keys = JSON.parse(Deno.env.get('SUPABASE_SECRET_KEYS') ?? '{}') as Record<string, string>;
    if (keys.default) return keys.default;
  } catch {
    // fall through to the legacy key
  }
  const legacy = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY');
  if (legacy) return legacy;
  throw new Error('No server secret to key idempotency fingerprints with (IDEMPOTENCY_FINGERPRINT_SECRET, SUPABASE_SECRET_KEYS or SUPABASE_SERVICE_ROLE_KEY)');
}

/**
 * HMAC-SHA-256 of the request under a server secret: bodies hold passwords, and a plain hash kept for
 * 24 hours could be matched by hashing guesses; without the secret a fingerprint reveals nothing.
 */
export async function fingerprintOf(value: unknown): Promise<string> {
  fingerprintKey ??= crypto.subtle.importKey('raw', new TextEncoder().encode(`idempotency-fingerprint:${fingerprintSecret()}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const digest = await crypto.subtle.sign('HMAC', await fingerprintKey, new TextEncoder().encode(JSON.stringify(value)));
  return `hmac:${Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Runs `work` at most once per `Idempotency-Key` within `scope` (the function and the caller).
 * `fingerprint` is the validated request (anything JSON-serialisable).
 */
export async function idempotent(request: Request, scope: string, fingerprint: unknown, work: () => Promise<Outcome>): Promise<Response> {
  const key = request.headers.get('idempotency-key');
  if (key === null) {
    const outcome = await work();
    return json(outcome.body, outcome.status);
  }
  if (key.length < 1 || key.length > 255) {
    throw new HttpError('validation_failed', 'The Idempotency-Key header is not valid', {
      fieldErrors: { 'Idempotency-Key': ['Use 1 to 255 characters'] },
      formErrors: [],
    });
  }
  const sql = database();
  const hash = await fingerprintOf(fingerprint);
  const [claim] = await sql<{ outcome: string; response_status: number | null; response_body: unknown }[]>`
    select * from private.begin_idempotent_request(${scope}, ${key}, ${hash})`;
  switch (claim?.outcome) {
    case 'replay':
      return json(claim.response_body, claim.response_status ?? 200, { 'Idempotent-Replayed': 'true' });
    case 'in_progress':
      throw new HttpError('idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly');
    case 'mismatch':
      throw new HttpError('idempotency_key_reused', 'This Idempotency-Key was already used for a different request');
  }

  let outcome: Outcome;
  try {
    outcome = await work();
  } catch (error) {
    const payload = errorPayload(error);
    // A refusal for now (429) or a failure on our side is not the request's final answer: a retry runs again.
    if (payload.status >= 500 || payload.status === 429) {
      await sql`select private.release_idempotent_request(${scope}, ${key})`.catch(() => undefined);
      throw error;
    }
    outcome = { status: payload.status, body: payload.body };
    await sql`select private.finish_idempotent_request(${scope}, ${key}, ${outcome.status}, ${sql.json(outcome.body as never)})`;
    return json(outcome.body, outcome.status, payload.headers);
  }
  await sql`select private.finish_idempotent_request(${scope}, ${key}, ${outcome.status}, ${sql.json(outcome.body as never)})`;
  return json(outcome.body, outcome.status);
}
