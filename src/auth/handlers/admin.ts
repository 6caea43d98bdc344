/**
 * Admin endpoints (a bearer token with role `service_role`): `POST /invite`, `GET/POST /admin/users`,
 * `GET/PUT/DELETE /admin/users/{id}` and `POST /admin/generate_link`.
 */
import { authenticateAdmin, requestAud, userActor, type AuthDeps } from '../context.ts';
import { newOtp, obfuscate, randomPassword, tokenHash } from '../crypto/random.ts';
import { withTransaction, type Queryable } from '../db/pool.ts';
import type { UserRow } from '../db/rows.ts';
import { deleteAllSessions } from '../db/sessions.ts';
import { clearAllOneTimeTokens, createOneTimeToken, insertAuditLog } from '../db/tokens.ts';
import {
  deleteUser,
  findDuplicateEmailUser,
  findIdentitiesByUser,
  findIdentity,
  findUserByEmail,
  findUserById,
  findUserByPhone,
  insertUser,
  listUsers,
  NOW,
  reloadIdentities,
  setIdentityProviderId,
  updateIdentityData,
  updateUserColumns,
} from '../db/users.ts';
import { parseGoDuration } from '../config.ts';
import { actionLink, sendInvite } from '../flows/mail.ts';
import { addIdentity, ban, confirmEmail, emailIdentityData, insertUserWithRole, setPassword, updateAppMetadata, updateUserMetadata } from '../flows/users.ts';
import { ApiError, badRequest, internal, notFound, unprocessable } from '../http/errors.ts';
import { decodeParams, type AuthRequest } from '../http/request.ts';
import { json, type Handler } from '../http/router.ts';
import { BCRYPT_MAX_BYTES, isBcryptHash } from '../passwords/bcrypt-pool.ts';
import { checkPasswordStrength } from '../passwords/strength.ts';
import { userJson } from '../serialize.ts';
import { canonicalUuid, isRedirectUrlValid, isUuid, referrer, validateEmail, validatePhone } from '../validation.ts';

const DUPLICATE_EMAIL = 'A user with this email address has already been registered';

const ADMIN_USER_FIELDS = {
  id: 'string',
  aud: 'string',
  role: 'string',
  email: 'string',
  phone: 'string',
  password: 'optionalString',
  password_hash: 'string',
  email_confirm: 'bool',
  phone_confirm: 'bool',
  user_metadata: 'object',
  app_metadata: 'object',
  ban_duration: 'string',
} as const;

/** `ban_duration` as milliseconds: a Go duration, `none` = 0; 400 when unparseable. */
function parseBanDuration(value: string): number | undefined {
  if (value === '') return undefined;
  if (value === 'none') return 0;
  const ms = parseGoDuration(value);
  if (ms === undefined) {
    throw badRequest('validation_failed', `invalid format for ban duration: time: invalid duration ${JSON.stringify(value)}`);
  }
  return ms;
}

function phoneIdentityData(user: UserRow, phone: string, verified = false): Record<string, unknown> {
  return { sub: user.id, phone, email_verified: false, phone_verified: verified };
}

async function confirmPhone(tx: Queryable, user: UserRow): Promise<UserRow> {
  const row = await updateUserColumns(tx, user, { confirmation_token: '', phone_confirmed_at: NOW });
  await clearAllOneTimeTokens(tx, row.id);
  return row;
}

/** Loads `{user_id}` like GoTrue's `loadUser`: 404 `validation_failed` for a non-UUID, 404 `user_not_found`. */
async function loadUser(deps: AuthDeps, req: AuthRequest): Promise<UserRow> {
  const id = req.params.user_id ?? '';
  if (!isUuid(id)) throw notFound('validation_failed', 'user_id must be an UUID');
  const user = await findUserById(deps.pool, canonicalUuid(id));
  if (!user) throw notFound('user_not_found', 'User not found');
  return user;
}

/** `POST /invite`. */
export function inviteHandler(deps: AuthDeps): Handler {
  return async (req) => {
    const { claims, actor } = await authenticateAdmin(deps, req);
    const params = decodeParams(await req.json(), 'InviteParams', { email: 'string', data: 'object' });
    const email = validateEmail(params.email);
    const aud = requestAud(deps, req, claims);
    const existing = await findUserByEmail(deps.pool, email, aud);
    const user = await withTransaction(deps.pool, async (tx) => {
      let row: UserRow;
      if (existing) {
        if (existing.email_confirmed_at !== null) throw unprocessable('email_exists', DUPLICATE_EMAIL);
        row = existing;
      } else {
        row = await insertUserWithRole(
          tx,
          {
            aud,
            email,
            encryptedPassword: '',
            appMetaData: { provider: 'email', providers: ['email'] },
            userMetaData: params.data ?? {},
          },
          deps.config.jwt.defaultRole,
        );
        row = await addIdentity(tx, row, 'email', emailIdentityData(row));
      }
      await insertAuditLog(tx, actor, 'user_invited', { user_email: row.email, user_id: row.id });
      return sendInvite(deps, tx, row, { redirectTo: referrer(deps.config, req), ip: req.ip, pkce: false });
    });
    return json(userJson(user));
  };
}

/** `GET /admin/users?page=&per_page=&filter=`: newest first, with `X-Total-Count` and `Link`. */
export function listUsersHandler(deps: AuthDeps): Handler {
  return async (req) => {
    const { claims } = await authenticateAdmin(deps, req);
    const parse = (name: string, fallback: number): number => {
      const raw = req.query.get(name) ?? '';
      if (raw === '') return fallback;
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
        throw badRequest('validation_failed', `Bad Pagination Parameters: strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`);
      }
      return Number(raw);
    };
    const page = Math.max(1, parse('page', 1));
    const perPage = parse('per_page', 50);
    if (perPage === 0) throw badRequest('validation_failed', 'Bad Pagination Parameters: per_page must be at least 1');
    const aud = requestAud(deps, req, claims);
    const { users, total } = await listUsers(deps.pool, aud, page, perPage, req.query.get('filter') ?? '');
    return json({ users: users.map(userJson), aud }, 200, {
      'X-Total-Count': String(total),
      Link: paginationLink(req, page, perPage, total),
    });
  };
}

/** GoTrue's pagination `Link` header: `next` while more pages exist, always `last`; query keys sorted. */
function paginationLink(req: AuthRequest, page: number, perPage: number, total: number): string {
  const totalPages = Math.ceil(total / perPage);
  const query = new URLSearchParams(req.query);
  const link = (p: number): string => {
    query.set('page', String(p));
    const sorted = [...query.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const encoded = sorted.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    return `<${req.path}?${encoded}>`;
  };
  let header = '';
  if (totalPages > page) header += `${link(page + 1)}; rel="next", `;
  header += `${link(totalPages)}; rel="last"`;
  return header;
}

/** `POST /admin/users`. */
export function createUserHandler(deps: AuthDeps): Handler {
  return async (req) => {
    const { claims, actor } = await authenticateAdmin(deps, req);
    const params = decodeParams(await req.json(), 'AdminUserParams', ADMIN_USER_FIELDS);
    const aud = params.aud !== '' ? params.aud : requestAud(deps, req, claims);
    if (params.email === '' && params.phone === '') {
      throw badRequest('validation_failed', 'Cannot create a user without either an email or phone');
    }
    const providers: string[] = [];
    let email: string | null = null;
    let phone: string | null = null;
    if (params.email !== '') {
      email = validateEmail(params.email);
      if (await findDuplicateEmailUser(deps.pool, email, aud)) throw unprocessable('email_exists', DUPLICATE_EMAIL);
      providers.push('email');
    }
    if (params.phone !== '') {
      phone = validatePhone(params.phone);
      if (await findUserByPhone(deps.pool, phone, aud)) {
        throw unprocessable('phone_exists', 'Phone number already registered by another user');
      }
      providers.push('phone');
    }
    if (params.password !== undefined && params.password_hash !== '') {
      throw badRequest('validation_failed', 'Only a password or a password hash should be provided');
    }
    let id: string | undefined;
    if (params.id !== '') {
      if (!isUuid(params.id)) throw badRequest('validation_failed', 'ID must conform to the uuid v4 format');
      id = canonicalUuid(params.id);
      if (id === '00000000-0000-0000-0000-000000000000') throw badRequest('validation_failed', 'ID cannot be a nil uuid');
    }
    const banMs = parseBanDuration(params.ban_duration);
    let encryptedPassword: string;
    if (params.password_hash !== '') {
      if (!isBcryptHash(params.password_hash)) {
        throw badRequest('validation_failed', 'Invalid password hash: only bcrypt hashes are supported');
      }
      encryptedPassword = params.password_hash;
    } else {
      const password = params.password || randomPassword(64);
      if (Buffer.byteLength(password) > BCRYPT_MAX_BYTES) {
        throw badRequest('validation_failed', 'bcrypt: password length exceeds 72 bytes');
      }
      encryptedPassword = await deps.bcrypt.hash(password, deps.config.bcryptCost);
    }

    try {
      const user = await withTransaction(deps.pool, async (tx) => {
        let row = await insertUser(tx, {
          ...(id ? { id } : {}),
          aud,
          email,
          phone,
          encryptedPassword,
          appMetaData: { provider: providers[0], providers },
          userMetaData: params.user_metadata ?? {},
        });
        if (email) row = await addIdentity(tx, row, 'email', emailIdentityData(row));
        if (phone) row = await addIdentity(tx, row, 'phone', phoneIdentityData(row, phone));
        await insertAuditLog(tx, actor, 'user_signedup', {
          provider: providers[0],
          user_email: row.email ?? '',
          user_id: row.id,
          user_phone: row.phone ?? '',
        });
        row = await updateUserColumns(tx, row, { role: params.role !== '' ? params.role : deps.config.jwt.defaultRole });
        if (params.app_metadata !== undefined) row = await updateAppMetadata(tx, row, params.app_metadata);
        if (params.email_confirm) row = await confirmEmail(tx, row);
        if (params.phone_confirm) row = await confirmPhone(tx, row);
        if (banMs !== undefined) row = await ban(tx, row, banMs);
        return row;
      });
      return json(userJson(user));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw internal('Database error creating new user', error);
    }
  };
}

/** `GET /admin/users/{user_id}`. */
export function getUserByIdHandler(deps: AuthDeps): Handler {
  return async (req) => {
    await authenticateAdmin(deps, req);
    return json(userJson(await loadUser(deps, req)));
  };
}

/** `PUT /admin/users/{user_id}`: metadata merge, password, e-mail, role, confirmation, ban. */
export function updateUserByIdHandler(deps: AuthDeps): Handler {
  return async (req) => {
    const { actor } = await authenticateAdmin(deps, req);
    const user = await loadUser(deps, req);
    const params = decodeParams(await req.json(), 'AdminUserParams', ADMIN_USER_FIELDS);
    const email = params.email !== '' ? validateEmail(params.email) : '';
    const phone = params.phone !== '' ? validatePhone(params.phone) : '';
    const banMs = parseBanDuration(params.ban_duration);
    let newHash: string | null | undefined;
    if (params.password !== undefined) {
      const weak = checkPasswordStrength(params.password, deps.config.password);
      if (weak) throw weak;
      newHash = params.password === '' ? null : await deps.bcrypt.hash(params.password, deps.config.bcryptCost);
    }
    try {
      const updated = await withTransaction(deps.pool, async (tx) => {
        let row = user;
        if (params.role !== '') row = await updateUserColumns(tx, row, { role: params.role.trim() });
        if (params.email_confirm) row = await confirmEmail(tx, row);
        if (params.phone_confirm) row = await confirmPhone(tx, row);
        if (newHash !== undefined) row = await setPassword(tx, row, newHash, undefined);
        if (email !== '') {
          const identity = await findIdentity(tx, row.id, 'email');
          if (!identity) {
            row = await addIdentity(tx, row, 'email', {
              sub: row.id,
              email,
              email_verified: params.email_confirm,
              phone_verified: false,
            });
          } else {
            await updateIdentityData(tx, identity, { email, email_verified: params.email_confirm });
          }
          if (row.is_anonymous && params.email_confirm) row = await updateUserColumns(tx, row, { is_anonymous: false });
          row = await updateUserColumns(tx, row, { email });
        }
        if (phone !== '') {
          const identity = await findIdentity(tx, row.id, 'phone');
          if (!identity) row = await addIdentity(tx, row, 'phone', phoneIdentityData(row, phone, params.phone_confirm));
          else await updateIdentityData(tx, identity, { phone, phone_verified: params.phone_confirm });
          if (row.is_anonymous && params.phone_confirm) row = await updateUserColumns(tx, row, { is_anonymous: false });
          row = await updateUserColumns(tx, row, { phone });
        }
        if (params.app_metadata !== undefined) row = await updateAppMetadata(tx, row, params.app_metadata);
        if (params.user_metadata !== undefined) row = await updateUserMetadata(tx, row, params.user_metadata);
        if (banMs !== undefined) row = await ban(tx, row, banMs);
        await insertAuditLog(tx, actor, 'user_modified', {
          user_email: row.email ?? '',
          user_id: row.id,
          user_phone: row.phone ?? '',
        });
        return reloadIdentities(tx, row);
      });
      return json(userJson(updated));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw internal('Error updating user', error);
    }
  };
}

/** `DELETE /admin/users/{user_id}` with optional `{should_soft_delete}`. */
export function deleteUserHandler(deps: AuthDeps): Handler {
  return async (req) => {
    const { actor } = await authenticateAdmin(deps, req);
    const user = await loadUser(deps, req);
    const body = await req.body();
    const soft = body.length > 0 ? decodeParams(await req.json(), 'adminUserDeleteParams', { should_soft_delete: 'bool' }).should_soft_delete : false;
    try {
      await withTransaction(deps.pool, async (tx) => {
        await insertAuditLog(tx, actor, 'user_deleted', {
          user_email: user.email ?? '',
          user_id: user.id,
          user_phone: user.phone ?? '',
        });
        if (!soft) {
          await deleteUser(tx, user.id);
          return;
        }
        if (user.deleted_at !== null) return;
        await softDelete(tx, user);
      });
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw internal('Database error deleting user', error);
    }
    return json({});
  };
}

/** GoTrue's soft delete: obfuscated e-mail/phone, no password, empty metadata, obfuscated identities, logged out. */
async function softDelete(tx: Queryable, user: UserRow): Promise<void> {
  let row = await updateUserColumns(tx, user, {
    email: obfuscate(user.id, user.email ?? ''),
    phone: obfuscate(user.id, user.phone ?? '').slice(0, 15),
    encrypted_password: null,
    email_change: obfuscate(user.id, user.email_change ?? ''),
    phone_change: obfuscate(user.id, user.phone_change).slice(0, 15),
    confirmation_token: '',
    recovery_token: '',
    email_change_token_current: '',
    email_change_token_new: '',
    phone_change_token: '',
    deleted_at: NOW,
  });
  await clearAllOneTimeTokens(tx, row.id);
  row = await updateUserColumns(tx, row, { raw_user_meta_data: {} });
  row = await updateUserColumns(tx, row, { raw_app_meta_data: {} });
  await deleteAllSessions(tx, row.id);
  for (const identity of await findIdentitiesByUser(tx, row.id)) {
    const cleared = Object.fromEntries(Object.keys(identity.identity_data).map((k) => [k, null]));
    await updateIdentityData(tx, identity, cleared);
    await setIdentityProviderId(tx, identity.id, obfuscate(identity.user_id, `${identity.provider}:${identity.provider_id}`));
  }
  await tx.query({ name: 'auth_delete_factors', text: 'delete from auth.mfa_factors where user_id = $1', values: [row.id] });
  await deleteAllSessions(tx, row.id);
}

const LINK_TYPES = new Set(['signup', 'invite', 'magiclink', 'recovery', 'email_change_current', 'email_change_new']);

/** `POST /admin/generate_link`: creates the token a mail would carry and returns it instead of mailing. */
export function generateLinkHandler(deps: AuthDeps): Handler {
  const { config } = deps;
  return async (req) => {
    const { claims, actor } = await authenticateAdmin(deps, req);
    const params = decodeParams(await req.json(), 'GenerateLinkParams', {
      type: 'string',
      email: 'string',
      new_email: 'string',
      password: 'string',
      data: 'object',
      redirect_to: 'string',
    });
    const email = validateEmail(params.email);
    const redirectTo = isRedirectUrlValid(config, params.redirect_to) ? params.redirect_to : referrer(config, req);
    const aud = requestAud(deps, req, claims);
    const existing = await findUserByEmail(deps.pool, email, aud);
    let type = params.type;
    let password = params.password;
    if (!existing) {
      if (type === 'magiclink') {
        type = 'signup';
        password = randomPassword(64);
      } else if (type === 'recovery' || type === 'email_change_current' || type === 'email_change_new') {
        throw notFound('user_not_found', 'User with this email not found');
      }
    }
    if (!LINK_TYPES.has(type)) {
      throw badRequest('validation_failed', `Invalid email action link type requested: ${type}`);
    }
    const otp = newOtp(config.otpLength);
    const hashed = tokenHash(email, otp);
    let signupHash = '';
    if (type === 'signup' && !existing) {
      if (password === '') throw badRequest('validation_failed', 'Signup requires a valid password');
      const weak = checkPasswordStrength(password, config.password);
      if (weak) throw weak;
      signupHash = await deps.bcrypt.hash(password, config.bcryptCost);
    }
    let newEmail = '';
    if (type === 'email_change_current' || type === 'email_change_new') {
      if (!config.secureEmailChange && type === 'email_change_current') {
        throw badRequest('validation_failed', 'Enable secure email change to generate link for current email');
      }
      newEmail = validateEmail(params.new_email);
      if (await findDuplicateEmailUser(deps.pool, newEmail, existing!.aud, existing!.id)) {
        throw unprocessable('email_exists', DUPLICATE_EMAIL);
      }
    }

    const user = await withTransaction(deps.pool, async (tx) => {
      let row: UserRow | undefined = existing;
      const createUser = async (encryptedPassword: string): Promise<UserRow> => {
        const created = await insertUserWithRole(
          tx,
          {
            aud,
            email,
            encryptedPassword,
            appMetaData: { provider: 'email', providers: ['email'] },
            userMetaData: params.data ?? {},
          },
          config.jwt.defaultRole,
        );
        return addIdentity(tx, created, 'email', emailIdentityData(created));
      };
      switch (type) {
        case 'magiclink':
        case 'recovery':
          await insertAuditLog(tx, userActor(row!), 'user_recovery_requested');
          row = await updateUserColumns(tx, row!, { recovery_token: hashed, recovery_sent_at: NOW });
          await createOneTimeToken(tx, row.id, row.email ?? '', hashed, 'recovery_token');
          break;
        case 'invite':
          if (row && row.email_confirmed_at !== null) throw unprocessable('email_exists', DUPLICATE_EMAIL);
          row ??= await createUser('');
          await insertAuditLog(tx, actor, 'user_invited', { user_email: row.email, user_id: row.id });
          row = await updateUserColumns(tx, row, {
            confirmation_token: hashed,
            confirmation_sent_at: NOW,
            invited_at: NOW,
          });
          await createOneTimeToken(tx, row.id, row.email ?? '', hashed, 'confirmation_token');
          break;
        case 'signup':
          if (row) {
            if (row.email_confirmed_at !== null) throw unprocessable('email_exists', DUPLICATE_EMAIL);
            row = await updateUserMetadata(tx, row, params.data ?? {});
          } else {
            row = await createUser(signupHash);
          }
          row = await updateUserColumns(tx, row, { confirmation_token: hashed, confirmation_sent_at: NOW });
          await createOneTimeToken(tx, row.id, row.email ?? '', hashed, 'confirmation_token');
          break;
        default: {
          const current = type === 'email_change_current';
          row = await updateUserColumns(tx, row!, {
            email_change_token_current: current ? hashed : row!.email_change_token_current,
            email_change_token_new: current ? row!.email_change_token_new : tokenHash(newEmail, otp),
            email_change: newEmail,
            email_change_sent_at: NOW,
            email_change_confirm_status: 0,
          });
          if (row.email_change_token_current !== '') {
            await createOneTimeToken(tx, row.id, row.email ?? '', row.email_change_token_current, 'email_change_token_current');
          }
          if (row.email_change_token_new !== '') {
            await createOneTimeToken(tx, row.id, newEmail, row.email_change_token_new, 'email_change_token_new');
          }
        }
      }
      return reloadIdentities(tx, row);
    });

    const linkToken =
      type === 'magiclink' || type === 'recovery'
        ? user.recovery_token
        : type === 'invite' || type === 'signup'
          ? user.confirmation_token
          : type === 'email_change_current'
            ? user.email_change_token_current
            : user.email_change_token_new;
    const linkType = type.startsWith('email_change') ? 'email_change' : type;
    return json({
      ...userJson(user),
      action_link: actionLink(deps, linkToken, linkType, redirectTo),
      email_otp: otp,
      hashed_token: hashed,
      verification_type: type,
      redirect_to: redirectTo,
    });
  };
}
