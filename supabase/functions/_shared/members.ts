/**
 * Adding members to a business account, shared by `account-members` (one) and `account-batches`
 * (up to 500): create the Auth user (unconfirmed, no usable password, no mail yet), add the membership
 * as the caller (the database checks the caller's rights again), then send Auth's invite so the member
 * sets a password. When a step after the Auth user fails, the user is deleted again: a member is
 * either complete or absent. The same sequence (`withInvitedUser`) creates the owner of a business a
 * platform admin creates (`accounts-register` with `owner`).
 */
import { asCaller } from './as-caller.ts';
import { database } from './database.ts';
import { HttpError } from './errors.ts';
import { forwardedHeaders } from './request.ts';
import type { AccountPermission, AccountRole } from './schemas/accounts.ts';
import { serviceClient, type Caller } from './supabase.ts';

/** Who to add and with which access. */
export interface MemberToAdd {
  email: string;
  full_name: string;
  phone?: string | undefined;
  job_title?: string | undefined;
  role?: Exclude<AccountRole, 'owner'> | undefined;
  permissions?: AccountPermission[] | undefined;
}

/** Where the invite link lands, the batch the member belongs to, and whether to invite now. */
export interface AddOptions {
  redirectTo?: string | undefined;
  batchId?: string | undefined;
  /** false: create the user and membership only; a background job sends the invite (large batches). */
  sendInvite?: boolean | undefined;
}

/** The membership row as the API shows it. */
export type Member = Record<string, unknown> & { user_id: string };

/** The outcome of one add: created, or the e-mail already belongs to a user. */
export type AddOutcome = { status: 'created'; member: Member } | { status: 'already_exists' };

/** 403 (or 404-like refusals) before anything is created: may the caller add this kind of member? */
export async function assertCanAddMembers(caller: Caller, accountId: string, role: AccountRole = 'member', permissions: AccountPermission[] = []): Promise<void> {
  await asCaller(
    caller,
    (sql) => sql`
    select private.assert_can_add_members(${accountId}::uuid, ${role}::public.account_role, ${permissions}::public.account_permission[])`,
  );
}

/**
 * Invitations per hour: each one mails an address and creates an Auth user, so one caller (across all
 * their accounts) and one account (across all its members) get a budget each. 500 is one full batch;
 * `INVITATIONS_PER_CALLER_MAX`, `INVITATIONS_PER_ACCOUNT_MAX` and `INVITATIONS_WINDOW_SECONDS` override.
 */
export function invitationLimits(): { callerMax: number; accountMax: number; windowSeconds: number } {
  const read = (name: string, fallback: number) => {
    const value = Number(Deno.env.get(name));
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return {
    callerMax: read('INVITATIONS_PER_CALLER_MAX', 500),
    accountMax: read('INVITATIONS_PER_ACCOUNT_MAX', 500),
    windowSeconds: read('INVITATIONS_WINDOW_SECONDS', 3600),
  };
}

/**
 * Takes `count` invitations from the caller's and the account's hourly budgets, both or neither; 429
 * `rate_limited` (details: which budget, its limit and what is left) before anything is written when
 * either lacks room. A batch that does not fit is refused whole, never trimmed.
 */
export async function takeInvitationBudget(caller: Caller, accountId: string, count: number): Promise<void> {
  const limits = invitationLimits();
  const [row] = await database()<{ refused: { scope: string; limit: number; remaining: number; retry_after_seconds: number } | null }[]>`
    select private.take_invitation_budget(${caller.id}::uuid, ${accountId}::uuid, ${count}, ${limits.callerMax}, ${limits.accountMax},
      make_interval(secs => ${limits.windowSeconds})) as refused`;
  const refused = row?.refused;
  if (!refused) return;
  const who = refused.scope === 'caller' ? 'you' : 'this account';
  throw new HttpError(
    'rate_limited',
    `Too many invitations: ${who} may send ${refused.limit} an hour and ${refused.remaining} are left; this request needs ${count}`,
    { scope: refused.scope, limit: refused.limit, remaining: refused.remaining, requested: count },
    { 'Retry-After': String(refused.retry_after_seconds) },
  );
}

/** The e-mails (lower-case) among `emails` that already belong to an Auth user. */
export async function existingEmails(emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await database()<{ email: string }[]>`
    select lower(email) as email from auth.users where lower(email) = any(${emails}::text[])`;
  return new Set(rows.map((r) => r.email));
}

/** Deletes an Auth user we created a moment ago: through the admin API, else directly. */
export async function removeUser(userId: string): Promise<void> {
  const { error } = await serviceClient().auth.admin.deleteUser(userId);
  if (!error) return;
  console.error(`members: Auth could not delete half-created user ${userId}: ${error.message}`);
  await database()`delete from auth.users where id = ${userId}`;
}

const isEmailTaken = (code: string | undefined) => code === 'email_exists' || code === 'user_already_exists';

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A well-formed bcrypt hash of random bytes: no password matches it, so the member cannot sign in
 * until they set one from the invite. Handing Auth a hash (instead of letting it bcrypt a random
 * password) saves a bcrypt round per member, which is most of a 500-member batch's time.
 */
export function unusablePasswordHash(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(53));
  return `$2a$10$${Array.from(bytes, (b) => BCRYPT_ALPHABET[b % 64]).join('')}`;
}

/** Who an invited user is: their e-mail, Auth user metadata, and where the invite link lands. */
export interface Invitee {
  email: string;
  metadata: Record<string, unknown>;
  redirectTo?: string | undefined;
  /** false: leave the invite to someone else (a background job); default true. */
  sendInvite?: boolean | undefined;
}

/** The outcome of `withInvitedUser`: what `attach` answered, or the e-mail already belongs to a user. */
export type InviteOutcome<T> = { status: 'created'; userId: string; value: T } | { status: 'already_exists' };

/**
 * Creates an Auth user who can only get in through Auth's invite (unconfirmed, no usable password),
 * runs `attach` with the new user's id (the database part: a membership, a business), then sends the
 * invite. When `attach` or the invite fails, the Auth user is deleted again and the error rethrown.
 * Shared by members, batches and the businesses platform admins create for an owner.
 */
export async function withInvitedUser<T>(request: Request, invitee: Invitee, attach: (userId: string) => Promise<T>): Promise<InviteOutcome<T>> {
  const email = invitee.email.toLowerCase();
  if ((await existingEmails([email])).size > 0) return { status: 'already_exists' };

  const admin = serviceClient(forwardedHeaders(request)).auth.admin;
  const created = await admin.createUser({
    email,
    email_confirm: false,
    password_hash: unusablePasswordHash(),
    user_metadata: invitee.metadata,
  });
  if (created.error || !created.data.user) {
    if (isEmailTaken(created.error?.code)) return { status: 'already_exists' };
    throw new Error(`Auth refused to create the user: ${created.error?.status} ${created.error?.code} ${created.error?.message}`);
  }
  const userId = created.data.user.id;

  try {
    const value = await attach(userId);
    if (invitee.sendInvite === false) return { status: 'created', userId, value };
    const invite = await admin.inviteUserByEmail(email, {
      data: invitee.metadata,
      ...(invitee.redirectTo ? { redirectTo: invitee.redirectTo } : {}),
    });
    if (invite.error) throw new Error(`Auth refused the invite: ${invite.error.status} ${invite.error.code} ${invite.error.message}`);
    return { status: 'created', userId, value };
  } catch (error) {
    await removeUser(userId);
    throw error;
  }
}

/** Adds one member; see the module comment for the order of steps and the clean-up. */
export async function addMember(request: Request, caller: Caller, accountId: string, member: MemberToAdd, options: AddOptions = {}): Promise<AddOutcome> {
  const email = member.email.toLowerCase();
  const invitee = { email, metadata: { full_name: member.full_name }, redirectTo: options.redirectTo, sendInvite: options.sendInvite };
  const outcome = await withInvitedUser(request, invitee, async (userId) => {
    const [row] = await asCaller(
      caller,
      (sql) => sql<{ member: Member }[]>`
      select to_jsonb(m.*) as member
      from private.add_member(
        ${accountId}::uuid, ${userId}::uuid, ${email}, ${member.full_name}, ${member.phone ?? null}, ${member.job_title ?? null},
        ${member.role ?? 'member'}::public.account_role, ${member.permissions ?? []}::public.account_permission[],
        ${options.batchId ?? null}::uuid) as m`,
    );
    if (!row) throw new Error('add_member returned nothing');
    return row.member;
  });
  return outcome.status === 'created' ? { status: 'created', member: outcome.value } : outcome;
}

/** A failure's message safe to show (HttpErrors keep theirs; anything else is logged and hidden). */
export function failureMessage(error: unknown): string {
  if (error instanceof HttpError) return error.message;
  console.error(error);
  return 'Something went wrong on our side';
}
