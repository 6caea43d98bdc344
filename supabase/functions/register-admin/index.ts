/**
 * `POST /functions/v1/register-admin` (admins only): create another platform admin. With a password
 * (and its confirmation) the account is ready to use; without one the new admin is invited by e-mail
 * and sets a password through the invite link (seed 001's password set-up token, as an Auth invite).
 * 201 `{user, profile}`; 401 without a session, 403 for non-admins (checked in the database), 400 field
 * details, 409 `email_taken` / `username_taken`. Accepts `Idempotency-Key`.
 */
import { preflight } from '../_shared/cors.ts';
import { errorResponse } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { register } from '../_shared/registration.ts';
import { instrument } from '../_shared/request-metrics.ts';
import { allowMethods, readBody } from '../_shared/request.ts';
import { adminRegistrationSchema } from '../_shared/schemas/identity.ts';
import { requireAdmin } from '../_shared/supabase.ts';

export async function handleRegisterAdmin(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const caller = await requireAdmin(request);
    const input = await readBody(request, adminRegistrationSchema);
    return await idempotent(request, `register-admin:${caller.id}`, input, async () => ({
      status: 201,
      body: await register(request, input, 'admin', { revealTaken: true }),
    }));
  } catch (error) {
    return errorResponse(error);
  }
}

Deno.serve(instrument('register-admin', handleRegisterAdmin));
