/**
 * `GET /user`, `PUT /user` and `POST /logout?scope=global|local|others` — the endpoints that act on the
 * user named by the bearer token.
 */
import { authenticateUser, enforceRateLimit, requestAud, userActor, type AuthDeps } from '../context.ts';
import { tokenHash } from '../crypto/random.ts';
import { CommitWithError, withTransaction } from '../db/pool.ts';
import type { UserRow } from '../db/rows.ts';
import { deleteAllSessions, deleteOtherSessions, deleteSession } from '../db/sessions.ts';
import { clearOneTimeToken, createFlowState, insertAuditLog } from '../db/tokens.ts';
import { findDuplicateEmailUser, reloadIdentities, updateUserColumns } from '../db/users.ts';
import { verifyEmailChange } from '../flows/email-change.ts';
import { sendEmailChange, sendReauthentication } from '../flows/mail.ts';
import { setPassword, updateAppMetadata, updateUserMetadata } from '../flows/users.ts';
import { badRequest, forbidden, tooManyRequests, unprocessable } from '../http/errors.ts';
import { decodeParams } from '../http/request.ts';
import { json, type Handler } from '../http/router.ts';
import { checkPasswordStrength } from '../passwords/strength.ts';
import { userJson } from '../serialize.ts';
import { referrer, validateEmail, validatePhone, validatePkce } from '../validation.ts';

/** `GET /user`: the caller's user. */
export function getUserHandler(deps: AuthDeps): Handler {
  return async (req) => {
    const { claims, user } = await authenticateUser(deps, req);
    const tokenAud: unknown = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    if (typeof tokenAud !== 'string' || tokenAud === '' || requestAud(deps, req, claims) !== tokenAud) {
      throw badRequest('validation_failed', "Token audience doesn't match request audience");
    }
    return json(userJson(user));
  };
}

const USER_UPDATE_FIELDS = {
  email: 'string',
  password: 'optionalString',
  current_password: 'optionalString',
  nonce: 'string',
  data: 'object',
  app_metadata: 'object',
  phone: 'string',
  channel: 'string',
  code_challenge: 'string',
  code_challenge_method: 'string',
} as const;

/** `PUT /user`: password, e-mail change (by confirmation), metadata merge. */
export function updateUserHandler(deps: AuthDeps): Handler {
  const { config } = deps;
  return async (req) => {
    const { claims, user, session } = await authenticateUser(deps, req);
    enforceRateLimit(deps, 'user', req);
    const params = decodeParams(await req.json(), 'UserUpdateParams', USER_UPDATE_FIELDS);
    const aud = requestAud(deps, req, claims);

    const email = params.email !== '' ? validateEmail(params.email) : '';
    if (params.phone !== '') validatePhone(params.phone);
    if (params.password !== undefined) {
      const weak = checkPasswordStrength(params.password, config.password);
      if (weak) throw weak;
    }
    if (params.app_metadata !== undefined) {
      throw forbidden('not_admin', 'Updating app_metadata requires admin privileges');
    }
    if (user.is_anonymous && params.password && params.email === '' && params.phone === '') {
      throw unprocessable('validation_failed', 'Updating password of an anonymous user without an email or phone is not allowed');
    }
    if (email !== '' && email !== user.email) {
      if (await findDuplicateEmailUser(deps.pool, email, aud, user.id)) {
        throw unprocessable('email_exists', 'A user with this email address has already been registered');
      }
    }
    if (params.phone !== '' && params.phone !== user.phone) {
      throw badRequest('phone_provider_disabled', 'Unsupported phone provider');
    }
    const pkce = validatePkce(params.code_challenge, params.code_challenge_method);

    let newHash: string | null | undefined;
    let reauthenticated = false;
    if (params.password !== undefined) {
      if (config.securePasswordChange) {
        // GoTrue's rule: a session created in the last 24 h needs no nonce; an older one needs the
        // nonce mailed by GET /reauthenticate.
        const fresh = session && Date.now() <= Date.parse(session.created_at) + 24 * 3600 * 1000;
        if (!fresh) {
          if (params.nonce === '') {
            throw badRequest('reauthentication_needed', 'Password update requires reauthentication');
          }
          await checkNonce(deps, user, params.nonce);
          reauthenticated = true;
        }
      }
      if (config.requireCurrentPassword && params.password !== '' && user.encrypted_password) {
        // A fresh session stolen with its token must not be enough: the current password is asked,
        // except on sessions opened by an e-mailed code or link (recovery, invite, magic link).
        if (!session || !(await isRecoverySession(deps, session.id))) {
          if (params.current_password === undefined || params.current_password === '') {
            throw badRequest('current_password_required', 'Password update requires the current password');
          }
          if (deps.guard.passwordLocked(user.email ?? user.id)) {
            throw tooManyRequests('over_request_rate_limit', 'Too many failed password attempts for this account; try again later');
          }
          if (!(await deps.bcrypt.compare(params.current_password, user.encrypted_password))) {
            deps.guard.passwordFailed(user.email ?? user.id);
            throw badRequest('current_password_mismatch', 'Current password is incorrect');
          }
        }
      }
      if (params.password !== '' && user.encrypted_password) {
        if (await deps.bcrypt.compare(params.password, user.encrypted_password)) {
          throw unprocessable('same_password', 'New password should be different from the old password.');
        }
      }
      newHash = params.password === '' ? null : await deps.bcrypt.hash(params.password, config.bcryptCost);
    }

    const updated = await withTransaction(deps.pool, async (tx) => {
      let row = user;
      if (reauthenticated) row = await updateUserColumns(tx, row, { reauthentication_token: '', reauthentication_sent_at: null });
      if (newHash !== undefined) {
        row = await setPassword(tx, row, newHash, session?.id);
        await insertAuditLog(tx, userActor(row), 'user_updated_password');
      }
      if (params.data !== undefined) row = await updateUserMetadata(tx, row, params.data);
      if (params.app_metadata !== undefined) row = await updateAppMetadata(tx, row, params.app_metadata);
      if (email !== '' && email !== row.email) {
        if (row.is_anonymous && config.mailerAutoconfirm) {
          row = await updateUserColumns(tx, row, { email_change: email });
          row = (await verifyEmailChange(deps, tx, row, { tokenHash: '' })) ?? row;
        } else {
          await createFlowState(tx, pkce, row.id, 'email_change');
          row = await sendEmailChange(deps, tx, row, email, {
            redirectTo: referrer(config, req),
            ip: req.ip,
            pkce: pkce !== undefined,
          });
        }
      }
      await insertAuditLog(tx, userActor(row), 'user_modified');
      return reloadIdentities(tx, row);
    });
    return json(userJson(updated));
  };
}

/** `POST /logout`: deletes the caller's sessions by scope; 204. */
export function logoutHandler(deps: AuthDeps): Handler {
  return async (req) => {
    const { user, session } = await authenticateUser(deps, req);
    const scope = req.query.get('scope') ?? '';
    if (!['', 'global', 'local', 'others'].includes(scope)) {
      throw badRequest('validation_failed', `Unsupported logout scope ${JSON.stringify(scope)}`);
    }
    await withTransaction(deps.pool, async (tx) => {
      await insertAuditLog(tx, userActor(user), 'logout');
      if (session && scope === 'local') await deleteSession(tx, session.id);
      else if (session && scope === 'others') await deleteOtherSessions(tx, user.id, session.id);
      else await deleteAllSessions(tx, user.id);
    });
    return { kind: 'empty', status: 204 };
  };
}

/** The AMR methods of GoTrue's `Session.IsRecovery()`: sessions opened by an e-mailed code or link. */
const RECOVERY_METHODS = ['otp', 'magiclink', 'recovery'];

async function isRecoverySession(deps: AuthDeps, sessionId: string): Promise<boolean> {
  const result = await deps.pool.query<{ found: boolean }>({
    name: 'auth_session_is_recovery',
    text: `select exists (select 1 from auth.mfa_amr_claims
                           where session_id = $1 and authentication_method = any($2::text[])) as found`,
    values: [sessionId, RECOVERY_METHODS],
  });
  return result.rows[0]?.found === true;
}

const INVALID_NONCE = 'Nonce has expired or is invalid';

/**
 * GoTrue's `verifyReauthentication`: the nonce must match the mailed one and be unexpired. Each wrong
 * nonce counts against the stored one; after a few it is dead and a new one must be requested.
 */
async function checkNonce(deps: AuthDeps, user: UserRow, nonce: string): Promise<void> {
  const expected = user.reauthentication_token;
  const sentAt = user.reauthentication_sent_at;
  if (expected === '' || sentAt === null) throw badRequest('reauthentication_not_valid', INVALID_NONCE);
  const valid = Date.now() <= Date.parse(sentAt) + deps.config.otpExpirySeconds * 1000 && tokenHash(user.email ?? '', nonce) === expected;
  if (valid) return;
  if (deps.guard.codeFailed(`${user.id}:reauthentication_token:${expected}`)) {
    await withTransaction(deps.pool, async (tx) => {
      await updateUserColumns(tx, user, { reauthentication_token: '', reauthentication_sent_at: null });
      await clearOneTimeToken(tx, user.id, 'reauthentication_token');
      throw new CommitWithError(badRequest('reauthentication_not_valid', INVALID_NONCE));
    });
  }
  throw badRequest('reauthentication_not_valid', INVALID_NONCE);
}

/** `GET /reauthenticate`: mails the signed-in user a nonce for a password change (200 `{}`). */
export function reauthenticateHandler(deps: AuthDeps): Handler {
  return async (req) => {
    const { user } = await authenticateUser(deps, req);
    enforceRateLimit(deps, 'user', req);
    const email = user.email ?? '';
    if (email === '') {
      throw unprocessable('validation_failed', 'Reauthentication requires the user to have an email or a phone number');
    }
    if (user.email_confirmed_at === null) throw badRequest('email_not_confirmed', 'Please verify your email first.');
    await withTransaction(deps.pool, async (tx) => {
      await insertAuditLog(tx, userActor(user), 'user_reauthenticate');
      await sendReauthentication(deps, tx, user, { redirectTo: '', ip: req.ip, pkce: false });
    });
    return json({});
  };
}
