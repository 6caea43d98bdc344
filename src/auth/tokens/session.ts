/**
 * Issuing sessions and access tokens (GoTrue's `IssueRefreshToken` and `GenerateAccessToken`): a new
 * `auth.sessions` row with the client's user agent and IP, its first v1 refresh token, the user's
 * `last_sign_in_at`, the AMR claim, then an access token with the claims of contract §2.1.
 */
import type { Queryable } from '../db/pool.ts';
import type { UserRow } from '../db/rows.ts';
import { findAmrClaims, insertRefreshToken, insertSession, upsertAmrClaim } from '../db/sessions.ts';
import { NOW, updateUserColumns } from '../db/users.ts';
import type { AuthDeps } from '../context.ts';
import { newRefreshToken } from '../crypto/random.ts';
import type { AuthRequest } from '../http/request.ts';
import { userJson } from '../serialize.ts';

/** The session response supabase-js parses. */
export interface SessionResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: Record<string, unknown>;
  weak_password?: { message: string; reasons: string[] };
}

/** Signs an access token for `user` in `sessionId` (AMR read from the session unless known); returns it with its expiry. */
export async function generateAccessToken(
  deps: AuthDeps,
  db: Queryable,
  user: UserRow,
  sessionId: string,
  knownAmr?: { method: string; timestamp: number }[],
): Promise<{ token: string; expiresAt: number }> {
  const amr = knownAmr ?? (await findAmrClaims(db, sessionId));
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + deps.config.jwt.expirySeconds;
  const claims = {
    iss: deps.config.externalUrl,
    sub: user.id,
    aud: user.aud,
    exp,
    iat,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role,
    aal: 'aal1',
    amr,
    session_id: sessionId,
    is_anonymous: user.is_anonymous,
  };
  return { token: deps.keys.sign(claims), expiresAt: exp };
}

/** Builds the session response from its parts (`expires_in` = exp − now, as GoTrue computes it). */
export function sessionResponse(user: UserRow, accessToken: string, expiresAt: number, refreshToken: string): SessionResponse {
  return {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: expiresAt - Math.floor(Date.now() / 1000),
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user),
  };
}

/**
 * Starts a session for `user` inside transaction `tx`, in GoTrue's write order: session, refresh token,
 * `users.last_sign_in_at`, AMR claim `method`. Returns the session response with the updated user.
 */
export async function issueSession(deps: AuthDeps, tx: Queryable, req: AuthRequest, user: UserRow, method: string): Promise<SessionResponse> {
  const session = await insertSession(tx, user.id, req.userAgent, req.ip);
  const refresh = await insertRefreshToken(tx, newRefreshToken(), user.id, session.id, null);
  const signedIn = await updateUserColumns(tx, user, { last_sign_in_at: NOW });
  await upsertAmrClaim(tx, session.id, method);
  // A new session has exactly this claim, written at the transaction's now() like the session itself.
  const amr = [{ method, timestamp: Math.floor(Date.parse(session.created_at) / 1000) }];
  const { token, expiresAt } = await generateAccessToken(deps, tx, signedIn, session.id, amr);
  return sessionResponse(signedIn, token, expiresAt, refresh.token);
}
