/**
 * `Idempotency-Key` for mutating functions: a retry with the same key and the same body gets the first
 * answer again (header `Idempotent-Replayed: true`) instead of doing the work twice. The same key with
 * another body is 422 `idempotency_key_reused`; a retry while the first is still running is 409
 * `idempotency_key_in_use`. Answers of 4xx are kept too (the work was decided); 5xx are not, so a
 * retry after a failure on our side runs again. Keys live 24 hours (private.idempotency_keys).
 */
import { database } from './database.ts';
import { errorPayload, HttpError, json } from './errors.ts';

/** What a function's work answers: status and JSON body. */
export interface Outcome {
  status: number;
  body: unknown;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
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
  const hash = await sha256(JSON.stringify(fingerprint));
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
    if (payload.status >= 500) {
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
