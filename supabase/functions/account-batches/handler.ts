/**
 * `POST /functions/v1/account-batches`: create a named batch of up to 500 members in one call (seed
 * 001's batches). Owners, admins and members holding `manage_members` may; every member is a plain
 * member, invited by e-mail to set a password. Each row is answered on its own:
 * - `created`: the Auth user, the membership (with this batch) and the invite exist;
 * - `already_exists`: the e-mail already belongs to a user; nothing was done;
 * - `invalid`: the row is malformed, or repeats an earlier row's e-mail (`errors` says which field);
 * - `failed`: creating it failed on our side; whatever was created for it was removed again.
 * Body `{account_id, name, members: [{email, full_name, phone?, job_title?}], redirect_to?}`.
 * 201 `{batch, results, counts, invites}`. Batches of more than 50 created rows send their invites
 * from a background job (`accounts.send_batch_invites`, see _shared/batch-invites.ts) so the call
 * returns fast: `invites` is `{delivery: 'background', job_id}` (the caller may follow the job with
 * `kit.jobs.get(job_id)`), else `{delivery: 'inline', job_id: null}` (already sent). 400 when the
 * batch itself is malformed or has more than 500 rows (nothing written); 403 when the caller may not
 * add members; 409 `batch_name_taken`; 422 `nothing_to_create` (with the per-row results) when no row
 * can be created, so no empty batch is left behind; 429 `rate_limited` when the rows to create do not
 * fit the caller's or the account's hourly invitation budget (refused whole, nothing written). Accepts
 * `Idempotency-Key`.
 */
import { asCaller } from '../_shared/as-caller.ts';
import { addMemberWithoutInvite, BACKGROUND_INVITE_THRESHOLD, queueBatchInvites, type PendingInvite } from '../_shared/batch-invites.ts';
import { preflight } from '../_shared/cors.ts';
import { errorResponse, HttpError } from '../_shared/errors.ts';
import { idempotent } from '../_shared/idempotency.ts';
import { addMember, assertCanAddMembers, existingEmails, failureMessage, takeInvitationBudget } from '../_shared/members.ts';
import { allowMethods, readBody } from '../_shared/request.ts';
import { memberBatchSchema, newMemberSchema, type BatchRowResult, type NewMemberInput } from '../_shared/schemas/accounts.ts';
import { validate } from '../_shared/schemas/identity.ts';
import { requireUser, type Caller } from '../_shared/supabase.ts';

/** Rows created at the same time (the Auth server and the database are shared with everyone else). */
const CONCURRENCY = 4;

/** 500 rows of names, e-mails and phones fit easily; the shared reader's 64 KiB would not. */
const MAX_BODY_BYTES = 1024 * 1024;

interface Plan {
  results: BatchRowResult[];
  toCreate: { index: number; member: NewMemberInput & { email: string } }[];
}

/** Validates every row and finds repeats and existing users, before anything is written. */
export async function planBatch(rows: unknown[], existing: (emails: string[]) => Promise<Set<string>>): Promise<Plan> {
  const results: BatchRowResult[] = [];
  const valid: { index: number; member: NewMemberInput & { email: string } }[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const parsed = validate(newMemberSchema, row);
    const rawEmail = (row as { email?: unknown } | null)?.email;
    if (!parsed.success) {
      results[index] = { index, email: typeof rawEmail === 'string' ? rawEmail : null, status: 'invalid', errors: parsed.details.fieldErrors };
      return;
    }
    const email = parsed.data.email.toLowerCase();
    const first = seen.get(email);
    if (first !== undefined) {
      results[index] = { index, email, status: 'invalid', errors: { email: [`Repeats row ${first}`] } };
      return;
    }
    seen.set(email, index);
    valid.push({ index, member: { ...parsed.data, email } });
  });
  const taken = await existing(valid.map((v) => v.member.email));
  const toCreate = valid.filter((v) => {
    if (!taken.has(v.member.email)) return true;
    results[v.index] = { index: v.index, email: v.member.email, status: 'already_exists' };
    return false;
  });
  return { results, toCreate };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

const countOf = (results: BatchRowResult[], status: BatchRowResult['status']) => results.filter((r) => r.status === status).length;

async function createBatch(request: Request, caller: Caller, input: { account_id: string; name: string; members: unknown[]; redirect_to?: string | undefined }) {
  await assertCanAddMembers(caller, input.account_id);
  const plan = await planBatch(input.members, existingEmails);
  if (plan.toCreate.length === 0) {
    throw new HttpError('nothing_to_create', 'No member of this batch can be created', { results: plan.results });
  }
  // Every row to create is an invitation: the whole batch fits the hourly budgets or nothing is written.
  await takeInvitationBudget(caller, input.account_id, plan.toCreate.length);
  const [created] = await asCaller(
    caller,
    (sql) => sql<{ batch: { id: string } }[]>`
    select to_jsonb(b.*) as batch from private.create_member_batch(${input.account_id}::uuid, ${input.name}, ${input.members.length}) as b`,
  );
  const batchId = created!.batch.id;

  // Large batches create every row here but leave the invites to a background job.
  const background = plan.toCreate.length > BACKGROUND_INVITE_THRESHOLD;
  const pendingInvites: PendingInvite[] = [];
  await eachLimited(plan.toCreate, CONCURRENCY, async ({ index, member }) => {
    try {
      const outcome = background
        ? await addMemberWithoutInvite(request, caller, input.account_id, member, batchId)
        : await addMember(request, caller, input.account_id, member, { batchId, redirectTo: input.redirect_to });
      if (outcome.status === 'created' && background) pendingInvites.push({ user_id: outcome.member.user_id, email: member.email, full_name: member.full_name });
      plan.results[index] =
        outcome.status === 'created'
          ? { index, email: member.email, status: 'created', user_id: outcome.member.user_id }
          : { index, email: member.email, status: 'already_exists' };
    } catch (error) {
      plan.results[index] = { index, email: member.email, status: 'failed', errors: { row: [failureMessage(error)] } };
    }
  });

  const counts = {
    created: countOf(plan.results, 'created'),
    already_exists: countOf(plan.results, 'already_exists'),
    invalid: countOf(plan.results, 'invalid'),
    failed: countOf(plan.results, 'failed'),
  };
  const [finished] = await asCaller(
    caller,
    (sql) => sql<{ batch: Record<string, unknown> }[]>`
    select to_jsonb(b.*) as batch
    from private.finish_member_batch(${batchId}::uuid, ${counts.created}, ${counts.already_exists}, ${counts.invalid}, ${counts.failed}) as b`,
  );
  const jobId = pendingInvites.length > 0 ? await queueBatchInvites(batchId, caller.id, input.redirect_to, pendingInvites) : null;
  const invites = { delivery: background ? 'background' : 'inline', job_id: jobId };
  return { status: 201, body: { batch: finished!.batch, results: plan.results, counts, invites } };
}

export async function handleAccountBatches(request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight();
  try {
    allowMethods(request, 'POST');
    const caller = await requireUser(request);
    const input = await readBody(request, memberBatchSchema, { maxBytes: MAX_BODY_BYTES });
    return await idempotent(request, `account-batches:${caller.id}`, input, () => createBatch(request, caller, input));
  } catch (error) {
    return errorResponse(error);
  }
}
