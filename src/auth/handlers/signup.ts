/**
 * `POST /signup`: e-mail + password sign-up (autoconfirm → session; otherwise a confirmation mail and the
 * user), and anonymous sign-up when enabled. Writes follow contract §3.3 in one transaction, so an
 * AFTER INSERT trigger on auth.users sees `role = ''` and only the client's `data`.
 */
import { randomUUID } from 'node:crypto';
import { enforceRateLimit, requestAud, userActor, type AuthDeps } from '../context.ts';
import { createFlowState, insertAuditLog } from '../db/tokens.ts';
import { withTransaction } from '../db/pool.ts';
import type { UserRow } from '../db/rows.ts';
import { findDuplicateEmailUser, findIdentity, updateUserColumns } from '../db/users.ts';
import { deleteIdentitiesExcept } from './shared.ts';
import { sendConfirmation } from '../flows/mail.ts';
import { addIdentity, confirmEmail, emailIdentityData, insertUserWithRole, updateProviders, updateUserMetadata } from '../flows/users.ts';
import { ApiError, badRequest, unprocessable } from '../http/errors.ts';
import { decodeParams, type AuthRequest } from '../http/request.ts';
import { json, type Handler, type Reply } from '../http/router.ts';
import { checkPasswordStrength } from '../passwords/strength.ts';
import { userJson } from '../serialize.ts';
import { issueSession } from '../tokens/session.ts';
import { referrer, validateEmail, validatePkce } from '../validation.ts';

const SIGNUP_FIELDS = {
  email: 'string',
  phone: 'string',
  password: 'string',
  data: 'object',
  channel: 'string',
  code_challenge_method: 'string',
  code_challenge: 'string',
} as const;

/** `POST /signup`. */
export function signupHandler(deps: AuthDeps): Handler {
  return async (req) => {
    const params = decodeParams(await req.json(), 'SignupParams', SIGNUP_FIELDS);
    if (params.email === '' && params.phone === '') {
      if (!deps.config.anonymousSignIns) {
        throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
      }
      enforceRateLimit(deps, 'anonymous', req);
      return signupAnonymously(deps, req, params.data ?? {});
    }
    enforceRateLimit(deps, 'signup', req);
    return signupWithPassword(deps, req, { ...params, data: params.data ?? {} });
  };
}

class UserExists extends Error {
  constructor(readonly user: UserRow) {
    super('user already exists');
  }
}

/** E-mail + password sign-up (also used by the magic-link flow for unknown addresses). */
export async function signupWithPassword(
  deps: AuthDeps,
  req: AuthRequest,
  params: {
    email: string;
    phone: string;
    password: string;
    data: Record<string, unknown>;
    code_challenge: string;
    code_challenge_method: string;
  },
  /** False for the magic-link path, whose generated password must not count as a competing sign-up. */
  contestPassword = true,
): Promise<Reply> {
  const { config } = deps;
  if (config.disableSignup) throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
  if (params.password === '') throw badRequest('validation_failed', 'Signup requires a valid password');
  const weak = checkPasswordStrength(params.password, config.password);
  if (weak) throw weak;
  if (params.email !== '' && params.phone !== '') {
    throw badRequest('validation_failed', 'Only an email address or phone number should be provided on signup.');
  }
  const pkce = validatePkce(params.code_challenge, params.code_challenge_method);
  if (params.email === '') throw badRequest('phone_provider_disabled', 'Phone signups are disabled');
  if (!config.emailProviderEnabled) throw badRequest('email_provider_disabled', 'Email signups are disabled');
  const email = validateEmail(params.email);
  const aud = requestAud(deps, req);

  const existing = await findDuplicateEmailUser(deps.pool, email, aud);
  // bcrypt outside the transaction (GoTrue hashes there too): it must not hold a connection. Every
  // branch pays one bcrypt, so the time taken does not tell a registered address from a new one.
  let hash = '';
  let contested = false;
  if (contestPassword && existing?.email_confirmed_at === null && existing.encrypted_password) {
    // A second sign-up of an unconfirmed address with another password: nobody has proven the mailbox
    // yet, so neither password may survive the confirmation (else whoever signed up first — maybe not
    // the owner — would sign in once the owner confirms). The confirmation link signs the owner in.
    contested = !(await deps.bcrypt.compare(params.password, existing.encrypted_password));
  } else {
    const computed = await deps.bcrypt.hash(params.password, config.bcryptCost);
    if (!existing) hash = computed;
  }

  try {
    const result = await withTransaction(deps.pool, async (tx) => {
      let user: UserRow;
      if (existing) {
        if (existing.email_confirmed_at !== null) throw new UserExists(existing);
        user = existing;
        if (contested) user = await updateUserColumns(tx, user, { encrypted_password: '' });
      } else {
        user = await insertUserWithRole(
          tx,
          {
            aud,
            email,
            encryptedPassword: hash,
            appMetaData: { provider: 'email', providers: ['email'] },
            userMetaData: params.data,
          },
          config.jwt.defaultRole,
        );
      }
      const identity = await findIdentity(tx, user.id, 'email');
      if (!identity) {
        user = await addIdentity(tx, user, 'email', emailIdentityData(user, params.data));
        // GoTrue's RemoveUnconfirmedIdentities: metadata becomes the identity data, providers recomputed.
        const created = user.identities.find((i) => i.provider === 'email')!;
        user = await updateUserMetadata(tx, user, created.identity_data);
        user = await deleteIdentitiesExcept(tx, user, created.id);
        user = await updateProviders(tx, user);
      }
      let confirmedNow = false;
      if (user.email_confirmed_at === null) {
        if (config.mailerAutoconfirm) {
          await insertAuditLog(tx, userActor(user), 'user_signedup', { provider: 'email' });
          user = await confirmEmail(tx, user);
          confirmedNow = true;
        } else {
          await insertAuditLog(tx, userActor(user), 'user_confirmation_requested', { provider: 'email' });
          await createFlowState(tx, pkce, user.id, 'email', 'email/signup');
          user = await sendConfirmation(deps, tx, user, {
            redirectTo: referrer(config, req),
            ip: req.ip,
            pkce: pkce !== undefined,
          });
        }
      }
      if (user.email_confirmed_at !== null) {
        await insertAuditLog(tx, userActor(user), 'login', { provider: 'email' });
        const session = await issueSession(deps, tx, req, user, 'password');
        // GoTrue answers with its in-memory user, which never learns the generated confirmed_at.
        if (confirmedNow) delete session.user.confirmed_at;
        return json(session);
      }
      const body = userJson(user);
      if (user.invited_at !== null) {
        body.user_metadata = {};
        body.identities = [];
      }
      return json(body);
    });
    return result;
  } catch (error) {
    if (!(error instanceof UserExists)) {
      if (error instanceof ApiError) throw error;
      throw Object.assign(new ApiError(500, 'unexpected_failure', 'Database error saving new user'), { cause: error });
    }
    await withTransaction(deps.pool, (tx) => insertAuditLog(tx, userActor(error.user), 'user_repeated_signup', { provider: 'email' }));
    if (config.mailerAutoconfirm) throw unprocessable('user_already_exists', 'User already registered');
    return json(obfuscatedUser(error.user, params.data, aud));
  }
}

/** GoTrue's `sanitizeUser`: a fake user for an already registered address, so sign-up leaks nothing. */
function obfuscatedUser(user: UserRow, data: Record<string, unknown>, aud: string): Record<string, unknown> {
  const now = new Date().toISOString();
  return userJson({
    ...user,
    id: randomUUID(),
    role: '',
    email_change: '',
    created_at: now,
    updated_at: now,
    confirmation_sent_at: now,
    last_sign_in_at: null,
    confirmed_at: null,
    email_change_sent_at: null,
    email_confirmed_at: null,
    phone_confirmed_at: null,
    identities: [],
    raw_user_meta_data: data,
    aud,
    raw_app_meta_data: { provider: 'email', providers: ['email'] },
    phone: null,
  });
}

async function signupAnonymously(deps: AuthDeps, req: AuthRequest, data: Record<string, unknown>): Promise<Reply> {
  if (deps.config.disableSignup) throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
  const aud = requestAud(deps, req);
  try {
    return await withTransaction(deps.pool, async (tx) => {
      const user = await insertUserWithRole(tx, { aud, email: null, encryptedPassword: '', appMetaData: {}, userMetaData: data, isAnonymous: true }, deps.config.jwt.defaultRole);
      return json(await issueSession(deps, tx, req, user, 'anonymous'));
    });
  } catch (error) {
    throw Object.assign(new ApiError(500, 'unexpected_failure', 'Database error creating anonymous user'), {
      cause: error,
    });
  }
}
