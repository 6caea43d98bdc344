/**
 * `POST /token?grant_type=password|refresh_token|pkce`.
 *
 * Refresh uses GoTrue's v1 algorithm (contract §2.4): the presented token row and its session are locked
 * (`SKIP LOCKED`, retried for up to 5 s, then 409), the token is revoked and a child issued. A revoked
 * token that is the parent of the session's active token returns the active one; within the reuse
 * interval it rotates again; after it, every active token of the session is revoked (committed) and the
 * request fails with `refresh_token_already_used`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { enforceRateLimit, isBanned, requestAud, userActor, type AuthDeps } from '../context.ts';
import { newRefreshToken, pkceVerifierMatches, randomPassword } from '../crypto/random.ts';
import { CommitWithError, withTransaction } from '../db/pool.ts';
import {
  deleteRefreshToken,
  findActiveRefreshToken,
  findRefreshToken,
  findSession,
  insertRefreshToken,
  revokeRefreshToken,
  revokeSessionTokens,
  updateSessionRefreshInfo,
} from '../db/sessions.ts';
import { deleteFlowState, findFlowStateByAuthCode, insertAuditLog } from '../db/tokens.ts';
import { findUserByEmail, findUserById, updateUserColumns } from '../db/users.ts';
import { ApiError, badRequest, conflict, internal, notFound, OAuthError, tooManyRequests, unprocessable } from '../http/errors.ts';
import { decodeParams, type AuthRequest } from '../http/request.ts';
import { json, type Handler, type Reply } from '../http/router.ts';
import { checkPasswordStrength } from '../passwords/strength.ts';
import { generateAccessToken, issueSession, sessionResponse } from '../tokens/session.ts';
import { isUuid } from '../validation.ts';
import { sessionValidity } from '../tokens/validity.ts';

const INVALID_LOGIN = 'Invalid login credentials';
const TOO_MANY_FAILURES = 'Too many failed sign-in attempts for this account; try again later or reset the password';

const dummyHashes = new WeakMap<AuthDeps, Promise<string>>();

/** A bcrypt hash of a random password at the configured cost, compared against for unknown users. */
export function dummyHash(deps: AuthDeps): Promise<string> {
  let hash = dummyHashes.get(deps);
  if (!hash) {
    hash = deps.bcrypt.hash(randomPassword(32), deps.config.bcryptCost);
    dummyHashes.set(deps, hash);
  }
  return hash;
}

/** `POST /token`. */
export function tokenHandler(deps: AuthDeps): Handler {
  const grants: Record<string, (req: AuthRequest) => Promise<Reply>> = {
    password: (req) => passwordGrant(deps, req),
    refresh_token: (req) => refreshTokenGrant(deps, req),
    pkce: (req) => pkceGrant(deps, req),
  };
  return async (req) => {
    const grant = grants[req.query.get('grant_type') ?? ''];
    if (!grant) throw badRequest('invalid_credentials', 'unsupported_grant_type');
    enforceRateLimit(deps, 'token', req);
    return grant(req);
  };
}

async function passwordGrant(deps: AuthDeps, req: AuthRequest): Promise<Reply> {
  const params = decodeParams(await req.json(), 'PasswordGrantParams', {
    email: 'string',
    phone: 'string',
    password: 'string',
  });
  if (params.email !== '' && params.phone !== '') {
    throw badRequest('validation_failed', 'Only an email address or phone number should be provided on login.');
  }
  if (params.email === '' && params.phone === '') throw badRequest('validation_failed', 'missing email or phone');
  if (params.email === '') throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  if (!deps.config.emailProviderEnabled) throw unprocessable('email_provider_disabled', 'Email logins are disabled');

  // Per-account guessing limit, checked before anything is looked up so that it answers the same for
  // every address, registered or not.
  if (deps.guard.passwordLocked(params.email)) throw tooManyRequests('over_request_rate_limit', TOO_MANY_FAILURES);
  const user = await findUserByEmail(deps.pool, params.email, requestAud(deps, req));
  // An unknown address (or a user without a password) costs one bcrypt too, so timing does not tell.
  const valid = await deps.bcrypt.compare(params.password, user?.encrypted_password || (await dummyHash(deps)));
  if (!user?.encrypted_password || !valid) {
    deps.guard.passwordFailed(params.email);
    throw badRequest('invalid_credentials', INVALID_LOGIN);
  }
  // Only the right password learns of a ban or of a pending confirmation.
  if (isBanned(user)) throw badRequest('user_banned', 'User is banned');
  if (user.email_confirmed_at === null) throw badRequest('email_not_confirmed', 'Email not confirmed');
  const weak = checkPasswordStrength(params.password, deps.config.password);

  const session = await withTransaction(deps.pool, async (tx) => {
    await insertAuditLog(tx, userActor(user), 'login', { provider: 'email' });
    return issueSession(deps, tx, req, user, 'password');
  });
  if (weak?.reasons) session.weak_password = { message: weak.message, reasons: weak.reasons };
  return json(session);
}

const REFRESH_RETRY_MS = 5000;

class RetryRefresh extends Error {}

async function refreshTokenGrant(deps: AuthDeps, req: AuthRequest): Promise<Reply> {
  const { refresh_token: presented } = decodeParams(await req.json(), 'RefreshTokenGrantParams', {
    refresh_token: 'string',
  });
  if (presented === '') throw new OAuthError('invalid_request', 'refresh_token required');
  const notFoundError = () => badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
  if (presented.length !== 12) throw notFoundError();

  const started = Date.now();
  while (Date.now() - started < REFRESH_RETRY_MS) {
    const token = await findRefreshToken(deps.pool, presented, false);
    if (!token) throw notFoundError();
    const user = isUuid(token.user_id) ? await findUserById(deps.pool, token.user_id) : undefined;
    if (!user) throw notFoundError();
    if (isBanned(user)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned');
    const session = token.session_id ? await findSession(deps.pool, token.session_id) : undefined;
    if (!session) {
      await deleteRefreshToken(deps.pool, token.id);
      throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found');
    }
    if (sessionValidity(session, deps.config.sessions) !== 'valid') {
      throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired');
    }

    try {
      const reply = await withTransaction(deps.pool, async (tx) => {
        const locked = await findRefreshToken(tx, presented, true);
        if (!locked) throw new RetryRefresh();
        const lockedSession = await tx.query({
          name: 'auth_lock_session',
          text: 'select id from auth.sessions where id = $1 for update skip locked',
          values: [session.id],
        });
        if (lockedSession.rowCount === 0) throw new RetryRefresh();
        let current = (await findUserById(tx, user.id)) ?? user;

        let issued = '';
        if (locked.revoked) {
          const active = await findActiveRefreshToken(tx, session.id);
          if (active?.parent === locked.token) {
            issued = active.token;
          } else {
            const reuseUntil = Date.parse(locked.updated_at) + deps.config.refreshTokenReuseIntervalSeconds * 1000;
            if (Date.now() > reuseUntil) {
              if (deps.config.refreshTokenRotation) await revokeSessionTokens(tx, session.id);
              throw new CommitWithError(badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used'));
            }
          }
        }
        await insertAuditLog(tx, userActor(current), 'token_refreshed');
        if (issued === '') {
          await insertAuditLog(tx, userActor(current), 'token_revoked');
          await revokeRefreshToken(tx, locked.id);
          const child = await insertRefreshToken(tx, newRefreshToken(), current.id, session.id, locked.token);
          // GoTrue's v1 swap rewrites last_sign_in_at with the value it loaded (only updated_at moves).
          current = await updateUserColumns(tx, current, { last_sign_in_at: current.last_sign_in_at });
          issued = child.token;
        }
        const { token: accessToken, expiresAt } = await generateAccessToken(deps, tx, current, session.id);
        await updateSessionRefreshInfo(tx, session.id, req.userAgent, req.ip);
        return json(sessionResponse(current, accessToken, expiresAt, issued));
      });
      return reply;
    } catch (error) {
      if (!(error instanceof RetryRefresh)) throw error;
      await sleep(10 + Math.floor(Math.random() * 20));
    }
  }
  throw conflict('Too many concurrent token refresh requests on the same session or refresh token');
}

async function pkceGrant(deps: AuthDeps, req: AuthRequest): Promise<Reply> {
  const params = decodeParams(await req.json(), 'PKCEGrantParams', { auth_code: 'string', code_verifier: 'string' });
  if (params.auth_code === '' || params.code_verifier === '') {
    throw badRequest('validation_failed', 'invalid request: both auth code and code verifier should be non-empty');
  }
  const flow = isUuid(params.auth_code) ? await findFlowStateByAuthCode(deps.pool, params.auth_code) : undefined;
  if (flow?.user_id == null) {
    throw notFound('flow_state_not_found', 'invalid flow state, no valid flow state found');
  }
  if (Date.now() > Date.parse(flow.created_at) + deps.config.flowStateExpirySeconds * 1000) {
    throw unprocessable('flow_state_expired', 'invalid flow state, flow state has expired');
  }
  const user = await findUserById(deps.pool, flow.user_id);
  if (!user) throw internal('Database error finding user');
  if (!pkceVerifierMatches(flow.code_challenge_method, flow.code_challenge, params.code_verifier)) {
    throw badRequest('bad_code_verifier', 'code challenge does not match previously saved code verifier');
  }
  try {
    return await withTransaction(deps.pool, async (tx) => {
      await insertAuditLog(tx, userActor(user), 'login', { provider_type: flow.provider_type });
      const session = await issueSession(deps, tx, req, user, flow.authentication_method);
      await deleteFlowState(tx, flow.id);
      return json(session);
    });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw internal('Database error granting user', error);
  }
}
