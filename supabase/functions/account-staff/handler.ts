/**
 * `POST /functions/v1/account-staff` (owners and admins of an active account): create an employee
 * WITH a password, as seed 002 does — active at once (or created inactive with `is_active: false`),
 * e-mail confirmed because the owner vouches for it, permissions `view_all_clients` + `view_payments`
 * unless given. 201 `{member}`; 400 field details; 403 (not an owner/admin, granting a role the caller
 * may not); 409 `already_exists` when the e-mail belongs to a user (an existing user is never adopted).
 *
 * `POST /functions/v1/account-staff/password`: set another member's password; the member is signed
 * out everywhere. Only for members this account alone holds (403 `member_not_managed` for a member of
 * another account, a tool creator or platform staff); admins set plain members' passwords, the owner
 * also admins'; nobody the owner's or their own (403). 200 `{password_set: true, sessions_ended}`.
 *
 * Both accept `Idempotency-Key`. Removing a member is the SQL function `remove_account_member`.
 */
import { asCaller } from '../_shared/as-caller.ts';
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse, HttpError } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { existingEmails, removeUser, takeInvitationBudget, type Member } from '../_shared/members.ts';
import { enforceRateLimit, limitFromEnv } from '../_shared/rate-limit.ts';
import { allowMethods, forwardedHeaders, readBody } from '../_shared/request.ts';
import { employeeCreateSchema, memberPasswordSchema } from '../_shared/schemas/staff.ts';
import { serviceClient, requireUser, type Caller } from '../_shared/supabase.ts';

const passwordChanges = limitFromEnv('account-staff-password', 'MEMBER_PASSWORD_RATE_LIMIT', 30, 3600);

function weakPassword(message: string | undefined): HttpError {
  return new HttpError('validation_failed', 'Some fields are not valid', { fieldErrors: { password: [message ?? 'Too weak'] }, formErrors: [] });
}

async function createEmployee(request: Request, caller: Caller): Promise<Response> {
  const input = await readBody(request, employeeCreateSchema);
  return await idempotent(request, `account-staff:${caller.id}`, input, async () => {
    const role = input.role ?? 'member';
    const [defaults] = await database()<{ permissions: string[] }[]>`select private.default_member_permissions()::text[] as permissions`;
    const permissions = input.permissions ?? (role === 'member' ? defaults!.permissions : []);
    // Owners and admins only (a member holding manage_members invites; it does not set passwords).
    const [actor] = await asCaller(
      caller,
      (sql) => sql<{ role: string }[]>`
      select private.assert_can_add_members(${input.account_id}::uuid, ${role}::public.account_role, ${permissions}::public.account_permission[])::text as role`,
    );
    if (actor?.role === 'member') throw new HttpError('forbidden', 'Only owners and admins create employees with a password');
    await takeInvitationBudget(caller, input.account_id, 1);

    const email = input.email.toLowerCase();
    const taken = () => new HttpError('already_exists', 'A user with this e-mail address already exists', { fieldErrors: { email: ['Already registered'] }, formErrors: [] });
    if ((await existingEmails([email])).size > 0) throw taken();
    const admin = serviceClient(forwardedHeaders(request)).auth.admin;
    const created = await admin.createUser({ email, password: input.password, email_confirm: true, user_metadata: { full_name: input.full_name } });
    if (created.error || !created.data.user) {
      if (created.error?.code === 'email_exists' || created.error?.code === 'user_already_exists') throw taken();
      if (created.error?.code === 'weak_password') throw weakPassword(created.error.message);
      throw new Error(`Auth refused to create the employee: ${created.error?.status} ${created.error?.code} ${created.error?.message}`);
    }
    const userId = created.data.user.id;
    try {
      const [row] = await asCaller(caller, async (sql) => {
        const rows = await sql<{ member: Member }[]>`
          select to_jsonb(m.*) as member
          from private.add_member(${input.account_id}::uuid, ${userId}::uuid, ${email}, ${input.full_name}, ${input.phone ?? null},
            ${input.job_title ?? null}, ${role}::public.account_role, ${permissions}::public.account_permission[]) as m`;
        if (input.is_active === false) {
          return await sql<{ member: Member }[]>`
            update public.account_members m set is_active = false
            where m.account_id = ${input.account_id}::uuid and m.user_id = ${userId}::uuid
            returning to_jsonb(m.*) as member`;
        }
        return rows;
      });
      if (!row) throw new Error('add_member returned nothing');
      return { status: 201, body: { member: row.member } };
    } catch (error) {
      await removeUser(userId);
      throw error;
    }
  });
}

async function setMemberPassword(request: Request, caller: Caller): Promise<Response> {
  const input = await readBody(request, memberPasswordSchema);
  await enforceRateLimit(passwordChanges, caller.id);
  return await idempotent(request, `account-staff-password:${caller.id}`, input, async () => {
    await asCaller(caller, (sql) => sql`select private.assert_can_set_member_password(${input.account_id}::uuid, ${input.user_id}::uuid)`);
    const updated = await serviceClient(forwardedHeaders(request)).auth.admin.updateUserById(input.user_id, { password: input.password });
    if (updated.error) {
      if (updated.error.code === 'weak_password') throw weakPassword(updated.error.message);
      throw new Error(`Auth refused the password: ${updated.error.status} ${updated.error.code} ${updated.error.message}`);
    }
    const [ended] = await database()<{ n: number }[]>`select private.end_user_sessions(${input.user_id}::uuid) as n`;
    return { status: 200, body: { password_set: true, sessions_ended: ended?.n ?? 0 } };
  });
}

export async function handleAccountStaff(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const caller = await requireUser(request);
    const path = new URL(request.url).pathname.replace(/\/+$/, '');
    if (path.endsWith('/account-staff/password')) return await setMemberPassword(request, caller);
    if (path.endsWith('/account-staff')) return await createEmployee(request, caller);
    throw new HttpError('not_found', 'No such route');
  } catch (error) {
    return errorResponse(error);
  }
}
