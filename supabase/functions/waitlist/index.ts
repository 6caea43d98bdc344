/**
 * `POST /functions/v1/waitlist` (public): `{email, source?}` puts an address on the pre-registration
 * waitlist. The answer is the same whether the address is new or already listed (202
 * `{status: 'joined'}`), so the list cannot be probed; duplicates are counted, not stored twice.
 * Rate-limited per client address (429). Admins read and export the list through the API
 * (`waitlist` table, CSV with `Accept: text/csv`). Accepts `Idempotency-Key`.
 */
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { enforceRateLimit, limitFromEnv } from '../_shared/rate-limit.ts';
import { instrument } from '../_shared/request-metrics.ts';
import { allowMethods, clientIp, readBody } from '../_shared/request.ts';
import { waitlistJoinSchema } from '../_shared/schemas/identity.ts';

const limit = limitFromEnv('waitlist', 'WAITLIST_RATE_LIMIT', 5, 600);

export async function handleWaitlist(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const input = await readBody(request, waitlistJoinSchema);
    await enforceRateLimit(limit, clientIp(request));
    return await idempotent(request, 'waitlist:anonymous', input, async () => {
      await database()`select private.join_waitlist(${input.email.toLowerCase()}, ${input.source ?? null})`;
      return { status: 202, body: { status: 'joined' } };
    });
  } catch (error) {
    return errorResponse(error);
  }
}

Deno.serve(instrument('waitlist', handleWaitlist));
