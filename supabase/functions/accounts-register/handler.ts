/**
 * `POST /functions/v1/accounts-register`, two ways:
 *
 * - **Self-registration** (signed-in users): register a business. The caller becomes the owner of a
 *   new **pending** account; a platform admin approves or rejects it (`accounts-review`).
 *   Body `{name, slug?, contact_name?, contact_email?, contact_phone?}`; 201 `{account}`. 409
 *   `application_pending` (one pending application per user) or `slug_taken`.
 * - **For an owner** (platform admins only; seed 001's "B2B admin registration (Admin only)"): the same
 *   fields plus `owner: {email, first_name, last_name}` and `redirect_to?`. Creates the owner's Auth user
 *   (unconfirmed, no usable password), an **active** account owned by them (approval implied:
 *   `reviewed_by/at` are the admin and now; `created_by` is the admin), then sends Auth's invite so the
 *   owner sets a password. 201 `{account, owner: {id, email}}`. 403 for non-admins (before anything is
 *   created); 409 `email_taken` when the owner's e-mail already belongs to a user, `slug_taken`. When
 *   the database part or the invite fails, the Auth user is deleted again.
 *
 * Both: 400 field details; 401 without a session. Accepts `Idempotency-Key`.
 */
import { asCaller } from '../_shared/as-caller.ts';
import { preflight } from '../_shared/cors.ts';
import { errorResponse, HttpError } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { withInvitedUser } from '../_shared/members.ts';
import { allowMethods, readBody } from '../_shared/request.ts';
import { accountsRegisterBodySchema } from '../_shared/schemas/accounts.ts';
import { requireAdmin, requireUser } from '../_shared/supabase.ts';

type AccountRow = Record<string, unknown>;

export async function handleAccountsRegister(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const caller = await requireUser(request);
    const input = await readBody(request, accountsRegisterBodySchema);
    const { owner } = input;
    if (owner) {
      // 403 before anything is created; the database checks again (private.create_business_for_owner).
      await requireAdmin(request);
      return await idempotent(request, `accounts-register:${caller.id}`, input, async () => {
        const outcome = await withInvitedUser(
          request,
          {
            email: owner.email,
            metadata: { first_name: owner.first_name, last_name: owner.last_name, full_name: `${owner.first_name} ${owner.last_name}` },
            redirectTo: input.redirect_to,
          },
          async (ownerId) => {
            const [row] = await asCaller(
              caller,
              (sql) => sql<{ account: AccountRow }[]>`
              select to_jsonb(a.*) as account
              from private.create_business_for_owner(${ownerId}::uuid, ${input.name}, ${input.slug ?? null}, ${input.contact_name ?? null},
                                                     ${input.contact_email ?? null}, ${input.contact_phone ?? null}) as a`,
            );
            if (!row) throw new Error('create_business_for_owner returned nothing');
            return row.account;
          },
        );
        if (outcome.status === 'already_exists') {
          throw new HttpError('email_taken', 'A user with this e-mail address already exists', {
            fieldErrors: { 'owner.email': ['Already registered'] },
            formErrors: [],
          });
        }
        return { status: 201, body: { account: outcome.value, owner: { id: outcome.userId, email: owner.email.toLowerCase() } } };
      });
    }
    return await idempotent(request, `accounts-register:${caller.id}`, input, async () => {
      const [row] = await asCaller(
        caller,
        (sql) => sql<{ account: AccountRow }[]>`
        select to_jsonb(a.*) as account
        from private.register_business(${input.name}, ${input.slug ?? null}, ${input.contact_name ?? null},
                                       ${input.contact_email ?? null}, ${input.contact_phone ?? null}) as a`,
      );
      return { status: 201, body: { account: row!.account } };
    });
  } catch (error) {
    return errorResponse(error);
  }
}
