/**
 * The invites of large member batches, sent by a background job instead of inside the call.
 * `account-batches` creates each row's Auth user and membership without an invite
 * (`addMemberWithoutInvite`), then `queueBatchInvites` records one pending invite per created row
 * (private.member_invites) and enqueues one `accounts.send_batch_invites` job for the batch. The
 * job-worker runs `sendBatchInvites`: it claims the batch's unsent invites one at a time, sends each
 * through Auth and records the outcome, so a retried or re-run job never sends a row twice.
 */
import type postgres from 'postgres';
import { database } from './database.ts';
import { addMember, type AddOutcome, type MemberToAdd } from './members.ts';
import { serviceClient, type Caller } from './supabase.ts';

/** Batches with more rows than this send their invites from a background job. */
export const BACKGROUND_INVITE_THRESHOLD = 50;

/** Invites sent at the same time by one job run. */
const SEND_CONCURRENCY = 4;

/** How long a worker holds one invite it is sending before another may take it over. */
const CLAIM_SECONDS = 120;

/**
 * Creates the member's Auth user (unconfirmed, no usable password) and membership, without sending
 * the invite; when the membership fails, the user is deleted again (a row is complete or absent).
 */
export function addMemberWithoutInvite(request: Request, caller: Caller, accountId: string, member: MemberToAdd, batchId: string): Promise<AddOutcome> {
  return addMember(request, caller, accountId, member, { batchId, sendInvite: false });
}

/** One created row whose invite is to be sent. */
export interface PendingInvite {
  user_id: string;
  email: string;
  full_name: string;
}

/** Records the batch's pending invites and enqueues (once per batch) the job that sends them; answers the job's id. */
export async function queueBatchInvites(batchId: string, ownerId: string, redirectTo: string | undefined, rows: PendingInvite[]): Promise<string> {
  const sql = database();
  const [job] = await sql<{ id: string }[]>`
    select (private.queue_batch_invites(${batchId}::uuid, ${ownerId}::uuid, ${redirectTo ?? null}, ${sql.json(rows as unknown as postgres.JSONValue)})).id`;
  return job!.id;
}

/** A claimed row of private.member_invites. */
interface InviteRow {
  user_id: string;
  email: string;
  full_name: string;
  redirect_to: string | null;
}

/** Sends one invite through Auth; throws when Auth refuses. */
export type SendInvite = (invite: InviteRow) => Promise<void>;

const sendThroughAuth: SendInvite = async (invite) => {
  const { error } = await serviceClient().auth.admin.inviteUserByEmail(invite.email, {
    data: { full_name: invite.full_name },
    ...(invite.redirect_to ? { redirectTo: invite.redirect_to } : {}),
  });
  if (error) throw new Error(`Auth refused the invite: ${error.status} ${error.code} ${error.message}`);
};

/** What one run of the job did, and where the batch's invites stand. */
export interface InviteRunResult {
  batch_id: string;
  sent_now: number;
  sent: number;
  failed: number;
  pending: number;
}

/**
 * Sends the batch's unsent invites. Each invite is claimed before sending and marked sent after; rows
 * whose user Auth already invited are marked sent without another mail. Throws (so the job retries
 * with backoff) while some invites failed and attempts remain; on the last attempt those are failed.
 */
export async function sendBatchInvites(sql: postgres.Sql, batchId: string, finalAttempt: boolean, send: SendInvite = sendThroughAuth): Promise<InviteRunResult> {
  const tried: string[] = [];
  let sentNow = 0;
  let lastError: string | undefined;
  const lane = async () => {
    for (;;) {
      const [invite] = await sql<InviteRow[]>`
        select user_id, email, full_name, redirect_to from private.claim_member_invite(${batchId}::uuid, ${tried}::uuid[], ${CLAIM_SECONDS})`;
      if (!invite) return;
      tried.push(invite.user_id);
      try {
        await send(invite);
        sentNow += 1;
        await sql`select private.finish_member_invite(${invite.user_id}::uuid, null)`;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        await sql`select private.finish_member_invite(${invite.user_id}::uuid, ${lastError})`;
      }
    }
  };
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, lane));
  const [counts] = await sql<{ counts: { sent: number; failed: number; pending: number } }[]>`
    select private.settle_member_invites(${batchId}::uuid, ${finalAttempt}) as counts`;
  const result = { batch_id: batchId, sent_now: sentNow, ...counts!.counts };
  if (result.pending > 0 && !finalAttempt) throw new Error(`${result.pending} invites of batch ${batchId} not sent yet: ${lastError ?? 'claimed by another worker'}`);
  return result;
}
