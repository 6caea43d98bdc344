/**
 * `POST /functions/v1/accounts-register` (signed-in users): register a business. The caller becomes
 * the owner of a new **pending** account; a platform admin approves or rejects it (`accounts-review`).
 * Body `{name, slug?, contact_name?, contact_email?, contact_phone?}`; 201 `{account}`. 400 field
 * details; 401 without a session; 409 `application_pending` (one pending application per user) or
 * `slug_taken`. Accepts `Idempotency-Key`.
 */
import { asCaller } from '../_shared/as-caller.ts';
import { preflight } from '../_shared/cors.ts';
import { errorResponse } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { allowMethods, readBody } from '../_shared/request.ts';
import { businessRegistrationSchema } from '../_shared/schemas/accounts.ts';
import { requireUser } from '../_shared/supabase.ts';

export async function handleAccountsRegister(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const caller = await requireUser(request);
    const input = await readBody(request, businessRegistrationSchema);
    return await idempotent(request, `accounts-register:${caller.id}`, input, async () => {
      const [row] = await asCaller(caller, (sql) => sql<{ account: Record<string, unknown> }[]>`
        select to_jsonb(a.*) as account
        from private.register_business(${input.name}, ${input.slug ?? null}, ${input.contact_name ?? null},
                                       ${input.contact_email ?? null}, ${input.contact_phone ?? null}) as a`);
      return { status: 201, body: { account: row!.account } };
    });
  } catch (error) {
    return errorResponse(error);
  }
}
