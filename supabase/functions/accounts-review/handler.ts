/**
 * `POST /functions/v1/accounts-review` (platform admins): decide about a business account —
 * `approve` (pending → active), `reject` (pending → rejected, reason required), `suspend` (active →
 * suspended, reason required) or `reactivate` (suspended → active). The database checks that the
 * caller is an admin and makes the change in one conditional update; then the owner is told by
 * e-mail. 200 `{account, notified}`; 400 field details; 401; 403 for non-admins; 404 unknown account;
 * 409 `invalid_transition`. Accepts `Idempotency-Key`.
 */
import { asCaller } from '../_shared/as-caller.ts';
import { preflight } from '../_shared/cors.ts';
import { errorResponse } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { sendNotice } from '../_shared/mailbox.ts';
import { allowMethods, readBody } from '../_shared/request.ts';
import { accountReviewSchema, type ReviewDecision } from '../_shared/schemas/accounts.ts';
import { requireUser } from '../_shared/supabase.ts';

interface Reviewed {
  account: { id: string; name: string; status: string; review_reason: string | null };
  owner_email: string | null;
  owner_name: string | null;
}

const SUBJECT: Record<ReviewDecision, string> = {
  approve: 'Your business account was approved',
  reject: 'Your business account was not approved',
  suspend: 'Your business account was suspended',
  reactivate: 'Your business account is active again',
};

/** The e-mail that tells the owner what was decided. */
export function reviewNotice(decision: ReviewDecision, reviewed: Reviewed): { subject: string; text: string } {
  const greeting = reviewed.owner_name ? `Hello ${reviewed.owner_name},` : 'Hello,';
  const { name, review_reason: reason } = reviewed.account;
  const lines: Record<ReviewDecision, string> = {
    approve: `"${name}" has been approved. You can now sign in, add members and use the CRM.`,
    reject: `"${name}" was not approved.`,
    suspend: `"${name}" has been suspended. Its members cannot use it until it is reactivated.`,
    reactivate: `"${name}" is active again.`,
  };
  const text = [greeting, lines[decision], reason ? `Reason: ${reason}` : ''].filter(Boolean).join('\n\n');
  return { subject: SUBJECT[decision], text };
}

export async function handleAccountsReview(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const caller = await requireUser(request);
    const input = await readBody(request, accountReviewSchema);
    return await idempotent(request, `accounts-review:${caller.id}`, input, async () => {
      const [reviewed] = await asCaller(
        caller,
        (sql) => sql<Reviewed[]>`
        select to_jsonb(a.*) as account, m.email as owner_email, nullif(m.full_name, '') as owner_name
        from private.review_account(${input.account_id}::uuid, ${input.decision}, ${input.reason ?? null}) as a
        left join public.account_members m on m.account_id = a.id and m.role = 'owner'`,
      );
      const notice = reviewNotice(input.decision, reviewed!);
      const notified = reviewed!.owner_email ? await sendNotice({ to: reviewed!.owner_email, ...notice }, 'account_review') : false;
      return { status: 200, body: { account: reviewed!.account, notified } };
    });
  } catch (error) {
    return errorResponse(error);
  }
}
