/**
 * `auth.sessions`, `auth.refresh_tokens` (v1 tokens) and `auth.mfa_amr_claims`.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from './pool.ts';
import { NIL_UUID, type RefreshTokenRow, type SessionRow } from './rows.ts';

const SESSION_COLUMNS = 'id, user_id, created_at, updated_at, aal, not_after, refreshed_at, user_agent, ip::text as ip';

/** Inserts an aal1 session carrying the client's user agent and IP (NULL when unknown, as GoTrue). */
export async function insertSession(db: Queryable, userId: string, userAgent: string, ip: string): Promise<SessionRow> {
  const result = await db.query<SessionRow>({
    name: 'auth_insert_session',
    text: `insert into auth.sessions (id, user_id, created_at, updated_at, factor_id, aal, not_after, refreshed_at,
             user_agent, ip, tag, oauth_client_id, refresh_token_hmac_key, refresh_token_counter, scopes)
           values ($1, $2, now(), now(), null, 'aal1', null, null, $3, $4::inet, null, null, null, null, null)
           returning ${SESSION_COLUMNS}`,
    values: [randomUUID(), userId, userAgent || null, ip || null],
  });
  return result.rows[0]!;
}

/** The session with this id, optionally locked (`FOR UPDATE SKIP LOCKED` like GoTrue's refresh). */
export async function findSession(db: Queryable, id: string): Promise<SessionRow | undefined> {
  const result = await db.query<SessionRow>({
    name: 'auth_session_by_id',
    text: `select ${SESSION_COLUMNS} from auth.sessions where id = $1 limit 1`,
    values: [id],
  });
  return result.rows[0];
}

/** Records a refresh: `refreshed_at` (UTC, no time zone), user agent and IP of the refreshing client. */
export async function updateSessionRefreshInfo(db: Queryable, sessionId: string, userAgent: string, ip: string): Promise<void> {
  await db.query({
    name: 'auth_session_refresh_info',
    text: `update auth.sessions set refreshed_at = (now() at time zone 'utc'), user_agent = $2, ip = $3::inet,
             updated_at = now() where id = $1`,
    values: [sessionId, userAgent || null, ip || null],
  });
}

/** Deletes one session (scope `local`); refresh tokens and AMR claims cascade. */
export async function deleteSession(db: Queryable, sessionId: string): Promise<void> {
  await db.query({ name: 'auth_delete_session', text: 'delete from auth.sessions where id = $1', values: [sessionId] });
}

/** Deletes every session of a user (scope `global`, password change by an admin, soft delete). */
export async function deleteAllSessions(db: Queryable, userId: string): Promise<void> {
  await db.query({
    name: 'auth_delete_user_sessions',
    text: 'delete from auth.sessions where user_id = $1',
    values: [userId],
  });
}

/** Deletes every session of a user but one (scope `others`, password change by the user). */
export async function deleteOtherSessions(db: Queryable, userId: string, keepSessionId: string): Promise<void> {
  await db.query({
    name: 'auth_delete_other_sessions',
    text: 'delete from auth.sessions where id != $1 and user_id = $2',
    values: [keepSessionId, userId],
  });
}

/** Inserts a v1 refresh token (12 chars) for a session; `parent` is the token it replaces, if any. */
export async function insertRefreshToken(db: Queryable, token: string, userId: string, sessionId: string, parent: string | null): Promise<RefreshTokenRow> {
  const result = await db.query<RefreshTokenRow>({
    name: 'auth_insert_refresh_token',
    text: `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent,
             session_id)
           values ($1, $2, $3, false, now(), now(), $4, $5) returning *`,
    values: [NIL_UUID, token, userId, parent, sessionId],
  });
  return result.rows[0]!;
}

/** The refresh token row; with `lock`, `FOR UPDATE SKIP LOCKED` (undefined if another refresh holds it). */
export async function findRefreshToken(db: Queryable, token: string, lock: boolean): Promise<RefreshTokenRow | undefined> {
  const result = await db.query<RefreshTokenRow>(
    lock
      ? {
          name: 'auth_refresh_token_for_update',
          text: 'select * from auth.refresh_tokens where token = $1 limit 1 for update skip locked',
          values: [token],
        }
      : { name: 'auth_refresh_token', text: 'select * from auth.refresh_tokens where token = $1 limit 1', values: [token] },
  );
  return result.rows[0];
}

/** Marks a token revoked (its `updated_at` becomes the start of the reuse interval). */
export async function revokeRefreshToken(db: Queryable, id: string): Promise<void> {
  await db.query({
    name: 'auth_revoke_refresh_token',
    text: 'update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1',
    values: [id],
  });
}

/** Revokes every still-active token of a session (reuse detected outside the reuse interval). */
export async function revokeSessionTokens(db: Queryable, sessionId: string): Promise<void> {
  await db.query({
    name: 'auth_revoke_session_tokens',
    text: 'update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and revoked = false',
    values: [sessionId],
  });
}

/** The newest not-revoked token of a session. */
export async function findActiveRefreshToken(db: Queryable, sessionId: string): Promise<RefreshTokenRow | undefined> {
  const result = await db.query<RefreshTokenRow>({
    name: 'auth_active_refresh_token',
    text: 'select * from auth.refresh_tokens where session_id = $1 and revoked is false order by id desc limit 1',
    values: [sessionId],
  });
  return result.rows[0];
}

/** Deletes a token whose session is gone. */
export async function deleteRefreshToken(db: Queryable, id: string): Promise<void> {
  await db.query({ name: 'auth_delete_refresh_token', text: 'delete from auth.refresh_tokens where id = $1', values: [id] });
}

/** Adds (or refreshes the time of) an authentication method claim on a session. */
export async function upsertAmrClaim(db: Queryable, sessionId: string, method: string): Promise<void> {
  await db.query({
    name: 'auth_upsert_amr_claim',
    text: `insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
           values ($1, $2, now(), now(), $3)
           on conflict on constraint mfa_amr_claims_session_id_authentication_method_pkey
           do update set updated_at = now()`,
    values: [randomUUID(), sessionId, method],
  });
}

/** The session's AMR claims, newest first, as the `amr` claim wants them. */
export async function findAmrClaims(db: Queryable, sessionId: string): Promise<{ method: string; timestamp: number }[]> {
  const result = await db.query<{ method: string; timestamp: string }>({
    name: 'auth_amr_claims',
    text: `select authentication_method as method, floor(extract(epoch from updated_at))::bigint::text as timestamp
           from auth.mfa_amr_claims where session_id = $1 order by updated_at desc`,
    values: [sessionId],
  });
  return result.rows.map((r) => ({ method: r.method, timestamp: Number(r.timestamp) }));
}
