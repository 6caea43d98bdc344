/**
 * `auth.one_time_tokens`, `auth.flow_state` and `auth.audit_log_entries`: the small tables every
 * e-mail flow touches.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from './pool.ts';
import { NIL_UUID, type FlowStateRow } from './rows.ts';
import type { Pkce } from '../validation.ts';

/** `auth.one_time_token_type` values. */
export type OneTimeTokenType = 'confirmation_token' | 'reauthentication_token' | 'recovery_token' | 'email_change_token_new' | 'email_change_token_current' | 'phone_change_token';

/** GoTrue's `CreateOneTimeToken`: replaces the user's token of that type. */
export async function createOneTimeToken(db: Queryable, userId: string, relatesTo: string, tokenHash: string, type: OneTimeTokenType): Promise<void> {
  await clearOneTimeToken(db, userId, type);
  await db.query({
    name: 'auth_insert_one_time_token',
    text: `insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
           values ($1, $2, $3, $4, $5, now(), now())`,
    values: [randomUUID(), userId, type, tokenHash, relatesTo.toLowerCase()],
  });
}

/** Deletes the user's token of one type. */
export async function clearOneTimeToken(db: Queryable, userId: string, type: OneTimeTokenType): Promise<void> {
  await db.query({
    name: 'auth_clear_one_time_token',
    text: 'delete from auth.one_time_tokens where token_type = $1 and user_id = $2',
    values: [type, userId],
  });
}

/** Deletes all of the user's one-time tokens. */
export async function clearAllOneTimeTokens(db: Queryable, userId: string): Promise<void> {
  await db.query({
    name: 'auth_clear_all_one_time_tokens',
    text: 'delete from auth.one_time_tokens where user_id = $1',
    values: [userId],
  });
}

/** The one-time token with this hash and one of these types. */
export async function findOneTimeToken(
  db: Queryable,
  tokenHash: string,
  types: OneTimeTokenType[],
): Promise<{ user_id: string; token_type: OneTimeTokenType; token_hash: string } | undefined> {
  const result = await db.query<{ user_id: string; token_type: OneTimeTokenType; token_hash: string }>({
    name: 'auth_find_one_time_token',
    text: `select user_id, token_type::text as token_type, token_hash from auth.one_time_tokens
           where token_type::text = any($2::text[]) and token_hash = $1 limit 1`,
    values: [tokenHash, types],
  });
  return result.rows[0];
}

/** Starts the PKCE flow of a mailed link (a flow state with a fresh auth code); nothing without PKCE. */
export async function createFlowState(db: Queryable, pkce: Pkce, userId: string, providerType: string, authenticationMethod = providerType): Promise<void> {
  if (!pkce) return;
  await db.query({
    name: 'auth_insert_flow_state',
    text: `insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge, provider_type,
             provider_access_token, provider_refresh_token, created_at, updated_at, authentication_method)
           values ($1, $2, $3, $4, $5, $6, null, null, now(), now(), $7)`,
    values: [randomUUID(), userId, randomUUID(), pkce.method, pkce.challenge, providerType, authenticationMethod],
  });
}

/** The flow state with this auth code. */
export async function findFlowStateByAuthCode(db: Queryable, authCode: string): Promise<FlowStateRow | undefined> {
  const result = await db.query<FlowStateRow>({
    name: 'auth_flow_state_by_code',
    text: `select id, user_id, auth_code, code_challenge_method::text as code_challenge_method, code_challenge,
             provider_type, authentication_method, created_at
           from auth.flow_state where auth_code = $1 limit 1`,
    values: [authCode],
  });
  return result.rows[0];
}

/** The newest flow state of a user for one authentication method. */
export async function findFlowStateByUser(db: Queryable, userId: string, authenticationMethod: string): Promise<FlowStateRow | undefined> {
  const result = await db.query<FlowStateRow>({
    name: 'auth_flow_state_by_user',
    text: `select id, user_id, auth_code, code_challenge_method::text as code_challenge_method, code_challenge,
             provider_type, authentication_method, created_at
           from auth.flow_state where user_id = $1 and authentication_method = $2
           order by created_at desc limit 1`,
    values: [userId, authenticationMethod],
  });
  return result.rows[0];
}

/** Records when the auth code was handed out (GoTrue's `RecordAuthCodeIssuedAtTime`). */
export async function markAuthCodeIssued(db: Queryable, flowStateId: string): Promise<void> {
  await db.query({
    name: 'auth_flow_state_issued',
    text: 'update auth.flow_state set auth_code_issued_at = now(), updated_at = now() where id = $1',
    values: [flowStateId],
  });
}

/** Deletes a flow state once exchanged. */
export async function deleteFlowState(db: Queryable, id: string): Promise<void> {
  await db.query({ name: 'auth_delete_flow_state', text: 'delete from auth.flow_state where id = $1', values: [id] });
}

/** Audit actions and their log types, as GoTrue records them. */
const LOG_TYPES = {
  login: 'account',
  logout: 'account',
  user_signedup: 'team',
  user_invited: 'team',
  user_deleted: 'team',
  token_revoked: 'token',
  token_refreshed: 'token',
  user_modified: 'user',
  user_recovery_requested: 'user',
  user_confirmation_requested: 'user',
  user_repeated_signup: 'user',
  user_updated_password: 'user',
  user_reauthenticate: 'user',
} as const;

/** An audit action. */
export type AuditAction = keyof typeof LOG_TYPES;

/** Who an audit entry is about: a user, or an admin token (`{id: nil uuid, username: role}`). */
export interface AuditActor {
  id: string;
  username: string;
  fullName?: unknown;
}

/** Inserts an audit log entry with GoTrue's payload (keys sorted, as Go encodes maps). */
export async function insertAuditLog(db: Queryable, actor: AuditActor, action: AuditAction, traits?: Record<string, unknown>): Promise<void> {
  const payload: Record<string, unknown> = {
    action,
    actor_id: actor.id,
    ...(actor.fullName !== undefined ? { actor_name: actor.fullName } : {}),
    actor_username: actor.username,
    actor_via_sso: false,
    log_type: LOG_TYPES[action],
    ...(traits ? { traits: Object.fromEntries(Object.entries(traits).sort(([a], [b]) => (a < b ? -1 : 1))) } : {}),
  };
  await db.query({
    name: 'auth_insert_audit_log',
    text: `insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
           values ($1, $2, $3::json, now(), '')`,
    values: [NIL_UUID, randomUUID(), JSON.stringify(payload)],
  });
}
