/**
 * `POST /functions/v1/account-members`: add one member to a business account. Owners and admins add
 * admins or members with any permissions (never an owner); a member holding `manage_members` adds
 * plain members without permissions. The member gets Auth's invite e-mail to set a password.
 * Body `{account_id, email, full_name, phone?, job_title?, role?, permissions?, redirect_to?}`;
 * 201 `{member}`. 400 field details; 401; 403 when the caller may not add this member (or the account
 * is not active); 409 `already_exists` when the e-mail already belongs to a user; 429 `rate_limited`
 * when the caller's or the account's hourly invitation budget is spent (nothing written). Accepts
 * `Idempotency-Key`. Changing roles, permissions or deactivating happens through the REST API on
 * `account_members`, under the database's rules.
 */
import { preflight } from '../_shared/cors.ts';
import { errorResponse, HttpError } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { addMember, assertCanAddMembers, takeInvitationBudget } from '../_shared/members.ts';
import { allowMethods, readBody } from '../_shared/request.ts';
import { memberInviteSchema } from '../_shared/schemas/accounts.ts';
import { requireUser } from '../_shared/supabase.ts';

export async function handleAccountMembers(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const caller = await requireUser(request);
    const input = await readBody(request, memberInviteSchema);
    return await idempotent(request, `account-members:${caller.id}`, input, async () => {
      await assertCanAddMembers(caller, input.account_id, input.role, input.permissions);
      await takeInvitationBudget(caller, input.account_id, 1);
      const outcome = await addMember(request, caller, input.account_id, input, { redirectTo: input.redirect_to });
      if (outcome.status === 'already_exists') {
        throw new HttpError('already_exists', 'A user with this e-mail address already exists', {
          fieldErrors: { email: ['Already registered'] },
          formErrors: [],
        });
      }
      return { status: 201, body: { member: outcome.member } };
    });
  } catch (error) {
    return errorResponse(error);
  }
}
