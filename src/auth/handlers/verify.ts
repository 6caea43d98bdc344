/**
 * `POST /verify` (supabase-js `verifyOtp`: `{email, token, type}` or `{token_hash, type}`) and
 * `GET /verify?token=…&type=…&redirect_to=…` (the e-mailed link, answered with a 303 redirect carrying
 * the session in the fragment, a PKCE `?code=`, or the error).
 *
 * Types: signup and invite match the confirmation token; recovery and magiclink the recovery token;
 * `email` tries confirmation (→ signup) then recovery (→ magiclink); email_change either change token.
 * A token hash is looked up in `auth.one_time_tokens`; an e-mail + code in the user row.
 */
import { enforceRateLimit, isBanned, requestAud, userActor, type AuthDeps } from '../context.ts';
import { randomPassword, tokenHash } from '../crypto/random.ts';
import { CommitWithError, withTransaction, type Queryable } from '../db/pool.ts';
import type { UserRow } from '../db/rows.ts';
import { clearAllOneTimeTokens, clearOneTimeToken, findFlowStateByUser, findOneTimeToken, insertAuditLog, markAuthCodeIssued, type OneTimeTokenType } from '../db/tokens.ts';
import { findUserByEmail, findUserById, findUserByPhone, updateIdentityData, updateUserColumns } from '../db/users.ts';
import { SINGLE_CONFIRMATION_ACCEPTED, verifyEmailChange } from '../flows/email-change.ts';
import { confirmEmail, setPassword, updateProviders } from '../flows/users.ts';
import { ApiError, badRequest, forbidden, unprocessable } from '../http/errors.ts';
import { decodeParams, type AuthRequest } from '../http/request.ts';
import { json, type Handler, type Reply } from '../http/router.ts';
import { issueSession, type SessionResponse } from '../tokens/session.ts';
import { referrer, validateEmail, validatePhone } from '../validation.ts';

const LINK_INVALID = 'Email link is invalid or has expired';
const TOKEN_INVALID = 'Token has expired or is invalid';

/** The AMR method of a PKCE flow started for a verification type. */
const PKCE_METHODS: Record<string, string> = {
  signup: 'email/signup',
  invite: 'invite',
  recovery: 'recovery',
  magiclink: 'magiclink',
  email_change: 'email_change',
};

function expired(deps: AuthDeps, sentAt: string | null): boolean {
  return sentAt === null || Date.now() > Date.parse(sentAt) + deps.config.otpExpirySeconds * 1000;
}

/** Finds the user of a token hash in `one_time_tokens`; resolves type `email` to signup or magiclink. */
async function userByTokenHash(deps: AuthDeps, tx: Queryable, type: string, hash: string): Promise<{ user: UserRow; type: string }> {
  const types: Record<string, OneTimeTokenType[]> = {
    email: ['confirmation_token', 'recovery_token'],
    signup: ['confirmation_token'],
    invite: ['confirmation_token'],
    recovery: ['recovery_token'],
    magiclink: ['recovery_token'],
    email_change: ['email_change_token_current', 'email_change_token_new'],
  };
  const wanted = types[type];
  if (!wanted) throw badRequest('validation_failed', 'Invalid email verification type');
  const ott = await findOneTimeToken(tx, hash, wanted);
  const user = ott ? await findUserById(tx, ott.user_id) : undefined;
  if (!user) throw forbidden('otp_expired', LINK_INVALID);
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
  let resolved = type;
  let sentAt: string | null;
  if (type === 'email') {
    resolved = 'signup';
    sentAt = user.confirmation_sent_at;
    if (user.recovery_token === hash) {
      resolved = 'magiclink';
      sentAt = user.recovery_sent_at;
    }
  } else if (type === 'signup' || type === 'invite') {
    sentAt = user.confirmation_sent_at;
  } else if (type === 'recovery' || type === 'magiclink') {
    sentAt = user.recovery_sent_at;
  } else {
    sentAt = user.email_change_sent_at;
  }
  if (expired(deps, sentAt)) throw forbidden('otp_expired', LINK_INVALID);
  return { user, type: resolved };
}

/** A code matches a stored hash (also in its `pkce_` form) and is not expired. */
function otpValid(deps: AuthDeps, hash: string, expected: string, sentAt: string | null): boolean {
  if (expected === '' || sentAt === null) return false;
  return !expired(deps, sentAt) && (hash === expected || `pkce_${hash}` === expected);
}

/** Finds the user of an e-mail (or phone) + code; resolves type `email` to signup or magiclink. */
async function userByCode(
  deps: AuthDeps,
  tx: Queryable,
  req: AuthRequest,
  params: { type: string; email: string; phone: string; hash: string },
): Promise<{ user: UserRow; type: string }> {
  const aud = requestAud(deps, req);
  let user: UserRow | undefined;
  if (params.type === 'sms' || params.type === 'phone_change') {
    user = await findUserByPhone(tx, params.phone, aud);
  } else if (params.type === 'email_change') {
    for (const type of ['email_change_token_current', 'email_change_token_new'] as const) {
      if (type === 'email_change_token_current' && !deps.config.secureEmailChange) continue;
      const ott = (await findOneTimeToken(tx, params.hash, [type])) ?? (await findOneTimeToken(tx, `pkce_${params.hash}`, [type]));
      if (ott) {
        user = await findUserById(tx, ott.user_id);
        break;
      }
    }
  } else {
    user = await findUserByEmail(tx, params.email, aud);
  }
  if (!user) throw forbidden('otp_expired', TOKEN_INVALID);
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
  let type = params.type;
  let valid = false;
  switch (params.type) {
    case 'email':
      if (otpValid(deps, params.hash, user.confirmation_token, user.confirmation_sent_at)) {
        valid = true;
        type = 'signup';
      } else if (otpValid(deps, params.hash, user.recovery_token, user.recovery_sent_at)) {
        valid = true;
        type = 'magiclink';
      }
      break;
    case 'signup':
    case 'invite':
      valid = otpValid(deps, params.hash, user.confirmation_token, user.confirmation_sent_at);
      break;
    case 'recovery':
    case 'magiclink':
      valid = otpValid(deps, params.hash, user.recovery_token, user.recovery_sent_at);
      break;
    case 'email_change':
      valid =
        otpValid(deps, params.hash, user.email_change_token_current, user.email_change_sent_at) ||
        otpValid(deps, params.hash, user.email_change_token_new, user.email_change_sent_at);
      break;
    case 'sms':
      valid = otpValid(deps, params.hash, user.confirmation_token, user.confirmation_sent_at);
      break;
    case 'phone_change':
      valid = otpValid(deps, params.hash, user.phone_change_token, user.phone_change_sent_at);
      break;
    default:
      break;
  }
  if (!valid) {
    await countWrongCode(deps, tx, user, params.type);
    throw forbidden('otp_expired', TOKEN_INVALID);
  }
  return { user, type };
}

/** The user-row columns holding the codes a verification type accepts, and their one-time-token kinds. */
const CODE_COLUMNS: Record<string, { column: keyof UserRow; kind: OneTimeTokenType }[]> = {
  email: [
    { column: 'confirmation_token', kind: 'confirmation_token' },
    { column: 'recovery_token', kind: 'recovery_token' },
  ],
  signup: [{ column: 'confirmation_token', kind: 'confirmation_token' }],
  invite: [{ column: 'confirmation_token', kind: 'confirmation_token' }],
  recovery: [{ column: 'recovery_token', kind: 'recovery_token' }],
  magiclink: [{ column: 'recovery_token', kind: 'recovery_token' }],
};

/**
 * Counts a wrong code against every code of the user this type could have matched; a code that took
 * `CODE_FAILURE_LIMIT` wrong guesses is dead (its column emptied, its one-time token deleted), so a new
 * address per guess does not buy the 10^6 tries a 6-digit code would need. Committed even though the
 * request fails.
 */
async function countWrongCode(deps: AuthDeps, tx: Queryable, user: UserRow, type: string): Promise<void> {
  const dead: { column: string; kind: OneTimeTokenType }[] = [];
  for (const { column, kind } of CODE_COLUMNS[type] ?? []) {
    const stored = user[column];
    if (typeof stored !== 'string' || stored === '') continue;
    if (deps.guard.codeFailed(`${user.id}:${column}:${stored}`)) dead.push({ column, kind });
  }
  if (dead.length === 0) return;
  await updateUserColumns(tx, user, Object.fromEntries(dead.map(({ column }) => [column, ''])));
  for (const { kind } of dead) await clearOneTimeToken(tx, user.id, kind);
  throw new CommitWithError(forbidden('otp_expired', TOKEN_INVALID));
}

/** GoTrue's `signupVerify`: an invitee without password gets a random one; then the user is confirmed. */
async function signupVerify(deps: AuthDeps, tx: Queryable, user: UserRow): Promise<UserRow> {
  let row = user;
  if (!row.encrypted_password && row.invited_at !== null) {
    const hash = await deps.bcrypt.hash(randomPassword(64), deps.config.bcryptCost);
    row = await setPassword(tx, row, hash, undefined);
  }
  await insertAuditLog(tx, userActor(row), 'user_signedup', { provider: 'email' });
  row = await confirmEmail(tx, row);
  for (const identity of row.identities) {
    if (identity.email && row.email && identity.email === row.email) {
      await updateIdentityData(tx, identity, { email_verified: true });
    }
  }
  return row;
}

/** GoTrue's `recoverVerify`: the recovery token is spent; an unconfirmed user becomes confirmed. */
async function recoverVerify(tx: Queryable, user: UserRow): Promise<UserRow> {
  let row = await updateUserColumns(tx, user, { recovery_token: '' });
  await clearAllOneTimeTokens(tx, row.id);
  if (row.email_confirmed_at === null) {
    await insertAuditLog(tx, userActor(row), 'user_signedup', { provider: 'email' });
    row = await confirmEmail(tx, row);
  } else {
    await insertAuditLog(tx, userActor(row), 'login');
  }
  return row;
}

type VerifyOutcome = { kind: 'verified'; user: UserRow } | { kind: 'single-confirmation' };

async function applyVerification(deps: AuthDeps, tx: Queryable, user: UserRow, type: string, presented: { token?: string; tokenHash: string }): Promise<VerifyOutcome> {
  let row: UserRow;
  switch (type) {
    case 'signup':
    case 'invite':
      row = await signupVerify(deps, tx, user);
      break;
    case 'recovery':
    case 'magiclink':
      row = await recoverVerify(tx, user);
      break;
    case 'email_change': {
      const changed = await verifyEmailChange(deps, tx, user, presented);
      if (!changed) return { kind: 'single-confirmation' };
      row = changed;
      break;
    }
    default:
      throw badRequest('validation_failed', 'Unsupported verification type');
  }
  row = await updateProviders(tx, row);
  return { kind: 'verified', user: (await findUserById(tx, row.id)) ?? row };
}

/** `POST /verify`. */
export function verifyPostHandler(deps: AuthDeps): Handler {
  return async (req) => {
    enforceRateLimit(deps, 'verify', req);
    const params = decodeParams(await req.json(), 'VerifyParams', {
      type: 'string',
      token: 'string',
      token_hash: 'string',
      email: 'string',
      phone: 'string',
      redirect_to: 'string',
    });
    if (params.type === '') throw badRequest('validation_failed', 'Verify requires a verification type');
    if ((params.token === '') === (params.token_hash === '')) {
      throw badRequest('validation_failed', 'Verify requires either a token or a token hash');
    }
    let hash = params.token_hash;
    let email = params.email;
    let phone = params.phone;
    if (params.token !== '') {
      if (phone !== '' && email === '') {
        phone = validatePhone(phone);
        hash = tokenHash(phone, params.token);
      } else if (email !== '' && phone === '') {
        try {
          email = validateEmail(email);
        } catch {
          throw unprocessable('validation_failed', 'Invalid email format');
        }
        hash = tokenHash(email, params.token);
      } else {
        throw badRequest('validation_failed', 'Only an email address or phone number should be provided on verify');
      }
    } else if (email !== '' || phone !== '' || params.redirect_to !== '') {
      throw badRequest('validation_failed', 'Only the token_hash and type should be provided');
    }
    const usingHash = params.token === '';
    const result = await withTransaction(deps.pool, async (tx) => {
      const found = usingHash ? await userByTokenHash(deps, tx, params.type, hash) : await userByCode(deps, tx, req, { type: params.type, email, phone, hash });
      if (found.type === 'sms' || found.type === 'phone_change') {
        throw badRequest('validation_failed', 'Unsupported verification type');
      }
      const outcome = await applyVerification(deps, tx, found.user, found.type, {
        ...(params.token ? { token: params.token } : {}),
        tokenHash: hash,
      });
      if (outcome.kind === 'single-confirmation') return undefined;
      return issueSession(deps, tx, req, outcome.user, 'otp');
    });
    if (!result) return json({ msg: SINGLE_CONFIRMATION_ACCEPTED, code: '200' });
    return json(result);
  };
}

const OAUTH_ERRORS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized_client',
  403: 'access_denied',
  500: 'server_error',
  503: 'temporarily_unavailable',
};

/** Go's `url.Values.Encode`: keys sorted, `+` for spaces. */
function encodeValues(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(values[key]!).replace(/%20/g, '+')}`)
    .join('&');
}

function withQuery(target: string, extra: Record<string, string>): string {
  const url = new URL(target);
  for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
  return url.toString();
}

function withFragment(target: string, fragment: Record<string, string>): string {
  const base = target.split('#')[0]!;
  return `${base}#${encodeValues(fragment)}`;
}

/** `GET /verify`: the link in an e-mail. */
export function verifyGetHandler(deps: AuthDeps): Handler {
  return async (req) => {
    enforceRateLimit(deps, 'verify', req);
    const token = req.query.get('token') ?? '';
    const type = req.query.get('type') ?? '';
    const redirectTo = referrer(deps.config, req);
    if (type === '') throw badRequest('validation_failed', 'Verify requires a verification type');
    if (token === '') throw badRequest('validation_failed', 'Verify requires a token or a token hash');
    const pkce = token.startsWith('pkce_');
    const pkceMethod = pkce ? PKCE_METHODS[type] : undefined;
    if (pkce && !pkceMethod) throw badRequest('validation_failed', 'Unsupported verification type');

    let session: SessionResponse | undefined;
    let authCode: string | undefined;
    // Set inside the transaction below, which TypeScript's narrowing cannot see.
    let singleConfirmation = false as boolean;
    try {
      await withTransaction(deps.pool, async (tx) => {
        const found = await userByTokenHash(deps, tx, type, token);
        const outcome = await applyVerification(deps, tx, found.user, found.type, { token, tokenHash: token });
        if (outcome.kind === 'single-confirmation') {
          singleConfirmation = true;
          return;
        }
        if (!pkce) {
          session = await issueSession(deps, tx, req, outcome.user, 'otp');
          return;
        }
        const flow = await findFlowStateByUser(tx, outcome.user.id, pkceMethod!);
        if (!flow) {
          throw badRequest('flow_state_not_found', 'No associated flow state found. No valid flow state found for user.');
        }
        await markAuthCodeIssued(tx, flow.id);
        authCode = flow.auth_code;
      });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      return redirectWithError(redirectTo, error, pkce);
    }
    if (singleConfirmation) {
      const target = pkce ? withQuery(redirectTo, { message: SINGLE_CONFIRMATION_ACCEPTED }) : redirectTo;
      return { kind: 'redirect', location: withFragment(target, { message: SINGLE_CONFIRMATION_ACCEPTED, sb: '' }) };
    }
    if (authCode) return { kind: 'redirect', location: withQuery(redirectTo, { code: authCode }) };
    const s = session!;
    return {
      kind: 'redirect',
      location: withFragment(redirectTo, {
        access_token: s.access_token,
        expires_at: String(s.expires_at),
        expires_in: String(s.expires_in),
        refresh_token: s.refresh_token,
        sb: '',
        token_type: s.token_type,
        type,
      }),
    };
  };
}

function redirectWithError(redirectTo: string, error: ApiError, pkce: boolean): Reply {
  const values: Record<string, string> = { error_code: error.code, error_description: error.message };
  const oauth = OAUTH_ERRORS[error.status];
  if (oauth) values.error = oauth;
  const target = pkce ? withQuery(redirectTo, values) : redirectTo;
  return { kind: 'redirect', location: withFragment(target, { ...values, sb: '' }) };
}
