/**
 * `POST /functions/v1/change-password` (signed-in users): `{current_password, password,
 * password_confirmation, nonce?}`. The current password is checked in the database (no sign-in session
 * is created for it) and by Auth again; the new one is set through Auth as the user, which keeps this
 * session and ends the user's other sessions. On a session more than a day old Auth also wants the
 * code `reauthenticate()` mails (`nonce`). 200 `{password_changed: true}`; 422
 * `invalid_current_password`; 403 `reauthentication_needed` (send the mailed code as `nonce`); 400
 * field details; 429 after too many attempts. Accepts `Idempotency-Key`.
 */
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse, HttpError } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { enforceRateLimit, limitFromEnv } from '../_shared/rate-limit.ts';
import { instrument } from '../_shared/request-metrics.ts';
import { allowMethods, forwardedHeaders, readBody } from '../_shared/request.ts';
import { changePasswordSchema } from '../_shared/schemas/identity.ts';
import { authRequest, requireUser } from '../_shared/supabase.ts';

const attempts = limitFromEnv('change-password', 'CHANGE_PASSWORD_RATE_LIMIT', 10, 900);

export async function handleChangePassword(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const caller = await requireUser(request);
    const input = await readBody(request, changePasswordSchema);
    await enforceRateLimit(attempts, caller.id);
    return await idempotent(request, `change-password:${caller.id}`, input, async () => {
      const [check] = await database()<{ ok: boolean }[]>`
        select private.password_matches(${caller.id}, ${input.current_password}) as ok`;
      if (!check?.ok) {
        throw new HttpError('invalid_current_password', 'The current password is not correct', {
          fieldErrors: { current_password: ['Not correct'] },
          formErrors: [],
        });
      }
      const result = await authRequest('/user', {
        method: 'PUT',
        body: { password: input.password, current_password: input.current_password, ...(input.nonce ? { nonce: input.nonce } : {}) },
        accessToken: caller.accessToken,
        headers: forwardedHeaders(request),
      });
      if (result.status === 200) return { status: 200, body: { password_changed: true } };
      if (result.body.code === 'reauthentication_needed' || result.body.code === 'reauthentication_not_valid') {
        throw new HttpError('reauthentication_needed', 'Confirm it is you: send the code reauthenticate() mailed as nonce', {
          fieldErrors: { nonce: [result.body.code === 'reauthentication_needed' ? 'Required' : 'Not valid or expired'] },
          formErrors: [],
        });
      }
      if (result.body.code === 'current_password_mismatch') {
        throw new HttpError('invalid_current_password', 'The current password is not correct', {
          fieldErrors: { current_password: ['Not correct'] },
          formErrors: [],
        });
      }
      if (result.body.code === 'same_password') {
        throw new HttpError('same_password', 'Choose a password different from the current one', {
          fieldErrors: { password: ['Same as the current password'] },
          formErrors: [],
        });
      }
      if (result.body.code === 'weak_password') {
        throw new HttpError('validation_failed', 'Some fields are not valid', {
          fieldErrors: { password: [result.body.message ?? 'Too weak'] },
          formErrors: [],
        });
      }
      throw new Error(`Auth refused the password change: ${result.status} ${result.body.code ?? ''} ${result.body.message ?? ''}`);
    });
  } catch (error) {
    return errorResponse(error);
  }
}

Deno.serve(instrument('change-password', handleChangePassword));
