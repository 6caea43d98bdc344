/**
 * `POST /functions/v1/delete-account`: deletes a user through the Auth admin API. The database keeps
 * the books (an anonymised tombstone profile keeps the ledger, usages, payouts, payments, refunds,
 * vouchers and CRM memberships; see the user_deletion migrations).
 * - Yourself: `{current_password}` or `{nonce}` (the code `reauthenticate()` mails). 422
 *   `invalid_current_password`; 403 `reauthentication_needed` without either or with a wrong code.
 * - Admins: `{user_id}` deletes any other user, no reauthentication. 403 `forbidden` for non-admins.
 * 200 `{user_id, deleted: true}`; 404 unknown user; 409 `account_owner` when the user owns a business
 * account (delete the account first); 400 field details; 429 after too many attempts. Accepts
 * `Idempotency-Key`.
 */
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse, HttpError } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { enforceRateLimit, limitFromEnv } from '../_shared/rate-limit.ts';
import { instrument } from '../_shared/request-metrics.ts';
import { allowMethods, forwardedHeaders, readBody } from '../_shared/request.ts';
import { deleteAccountSchema } from '../_shared/schemas/user-data.ts';
import { requireUser, serviceClient } from '../_shared/supabase.ts';

const attempts = limitFromEnv('delete-account', 'DELETE_ACCOUNT_RATE_LIMIT', 10, 900);

export async function handleDeleteAccount(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const caller = await requireUser(request);
    const input = await readBody(request, deleteAccountSchema);
    await enforceRateLimit(attempts, caller.id);
    const target = input.user_id ?? caller.id;
    const sql = database();
    if (target === caller.id) {
      // Deleting yourself: prove it is you, with the password or the mailed code.
      if (input.current_password === undefined && input.nonce === undefined) {
        throw new HttpError('reauthentication_needed', 'Confirm it is you: send your current_password, or the code reauthenticate() mailed as nonce', {
          fieldErrors: { current_password: ['Required (or nonce)'] },
          formErrors: [],
        });
      }
      if (input.current_password !== undefined) {
        const [check] = await sql<{ ok: boolean }[]>`select private.password_matches(${caller.id}, ${input.current_password}) as ok`;
        if (!check?.ok) {
          throw new HttpError('invalid_current_password', 'The current password is not correct', {
            fieldErrors: { current_password: ['Not correct'] },
            formErrors: [],
          });
        }
      } else {
        const [check] = await sql<{ ok: boolean }[]>`select private.reauthentication_nonce_matches(${caller.id}, ${input.nonce ?? ''}) as ok`;
        if (!check?.ok) {
          throw new HttpError('reauthentication_needed', 'The code is not valid or has expired: request a new one with reauthenticate()', {
            fieldErrors: { nonce: ['Not valid or expired'] },
            formErrors: [],
          });
        }
      }
    } else {
      const [admin] = await sql<{ ok: boolean }[]>`select private.is_active_admin(${caller.id}) as ok`;
      if (!admin?.ok) throw new HttpError('forbidden', 'Only an admin can delete another user');
    }
    return await idempotent(request, `delete-account:${caller.id}`, input, async () => {
      const [user] = await sql<{ blocker: string | null }[]>`
        select private.user_deletion_blocker(u.id) as blocker from auth.users as u where u.id = ${target}`;
      if (!user) throw new HttpError('not_found', 'No user with this id');
      if (user.blocker) throw new HttpError('account_owner', user.blocker);
      const { error } = await serviceClient(forwardedHeaders(request)).auth.admin.deleteUser(target);
      if (error?.code === 'user_not_found') throw new HttpError('not_found', 'No user with this id');
      if (error) throw new Error(`Auth refused the deletion: ${error.status} ${error.code} ${error.message}`);
      return { status: 200, body: { user_id: target, deleted: true } };
    });
  } catch (error) {
    return errorResponse(error);
  }
}

Deno.serve(instrument('delete-account', handleDeleteAccount));
