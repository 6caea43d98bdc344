/**
 * `POST /functions/v1/ban-user` (admins only): `{user_id, banned: true, duration_hours?}` bans a user
 * through the Auth admin API (for good unless a duration is given), ends all their sessions and (a
 * trigger on auth.users) revokes their API keys;
 * `{user_id, banned: false}` lifts the ban. 200 `{user_id, banned_until}`; 401, 403 (non-admin, checked
 * in the database), 404 unknown user, 422 `rule_broken` for banning yourself. Accepts `Idempotency-Key`.
 */
import { preflight } from '../_shared/cors.ts';
import { database } from '../_shared/database.ts';
import { errorResponse, HttpError } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { instrument } from '../_shared/request-metrics.ts';
import { allowMethods, forwardedHeaders, readBody } from '../_shared/request.ts';
import { banSchema } from '../_shared/schemas/identity.ts';
import { requireAdmin, serviceClient } from '../_shared/supabase.ts';

/** "For good": Supabase's documented way is a very long duration (here 100 years). */
const FOREVER_HOURS = 876_000;

export async function handleBanUser(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const caller = await requireAdmin(request);
    const input = await readBody(request, banSchema);
    return await idempotent(request, `ban-user:${caller.id}`, input, async () => {
      if (input.user_id === caller.id) throw new HttpError('rule_broken', 'You cannot ban or unban yourself');
      const sql = database();
      const [target] = await sql`select id from public.profiles where id = ${input.user_id}`;
      if (!target) throw new HttpError('not_found', 'No user with this id');
      const duration = input.banned ? `${input.duration_hours ?? FOREVER_HOURS}h` : 'none';
      const { data, error } = await serviceClient(forwardedHeaders(request)).auth.admin.updateUserById(input.user_id, {
        ban_duration: duration,
      });
      if (error?.code === 'user_not_found') throw new HttpError('not_found', 'No user with this id');
      if (error || !data.user) throw new Error(`Auth refused the ban change: ${error?.status} ${error?.code} ${error?.message}`);
      // A ban stops refreshes and new sign-ins; ending the sessions also signs the user out everywhere now.
      if (input.banned) await sql`delete from auth.sessions where user_id = ${input.user_id}`;
      return { status: 200, body: { user_id: input.user_id, banned_until: data.user.banned_until ?? null } };
    });
  } catch (error) {
    return errorResponse(error);
  }
}

Deno.serve(instrument('ban-user', handleBanUser));
