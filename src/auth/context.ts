/**
 * What every handler works with (configuration, pool, keys, bcrypt workers, limits, mailer), and the
 * request guards GoTrue puts in front of its routes: bearer-token authentication of a user, admin
 * credentials, rate limits, and the request audience.
 */
import type pg from 'pg';
import type { AuthConfig } from './config.ts';
import { findSession } from './db/sessions.ts';
import { findUserById } from './db/users.ts';
import type { SessionRow, UserRow } from './db/rows.ts';
import type { AuditActor } from './db/tokens.ts';
import { ApiError, badRequest, forbidden, tooManyRequests, unauthorized } from './http/errors.ts';
import type { AuthRequest } from './http/request.ts';
import type { Mailer } from './mail/mailer.ts';
import type { BcryptPool } from './passwords/bcrypt-pool.ts';
import type { AccountGuard, LimitName, RateLimits } from './rate-limit.ts';
import { JwtError, type JwtKeys } from './tokens/jwt.ts';
import { isUuid } from './validation.ts';

/** Shared services of one auth server. */
export interface AuthDeps {
  config: AuthConfig;
  pool: pg.Pool;
  keys: JwtKeys;
  bcrypt: BcryptPool;
  limits: RateLimits;
  /** Per-account limits on wrong passwords and wrong one-time codes. */
  guard: AccountGuard;
  mailer: Mailer;
}

/** A verified bearer token's claims (the keys GoTrue reads). */
export interface Claims {
  sub?: unknown;
  aud?: unknown;
  role?: unknown;
  session_id?: unknown;
  is_anonymous?: unknown;
  [key: string]: unknown;
}

/** The result of `authenticateUser`. */
export interface Authenticated {
  claims: Claims;
  user: UserRow;
  session: SessionRow | undefined;
}

/** 429 `over_request_rate_limit` when `ip` used up the limiter. */
export function enforceRateLimit(deps: AuthDeps, name: LimitName, req: AuthRequest): void {
  if (!deps.limits.allow(name, req.ip)) throw tooManyRequests('over_request_rate_limit', 'Request rate limit reached');
}

/** The bearer token of the request, or 401 `no_authorization`. */
export function bearerToken(req: AuthRequest): string {
  const match = /^(?:B|b)earer (\S+)$/.exec(req.header('authorization'));
  if (!match) throw unauthorized('no_authorization', 'This endpoint requires a valid Bearer token');
  return match[1]!;
}

/** Verified claims of the request's bearer token, or 403 `bad_jwt`. */
export function verifiedClaims(deps: AuthDeps, req: AuthRequest): Claims {
  const token = bearerToken(req);
  try {
    return deps.keys.verify(token);
  } catch (error) {
    if (error instanceof JwtError) {
      throw forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${error.message}`);
    }
    throw error;
  }
}

/** GoTrue's `requireAuthentication`: a valid user token whose user and session still exist, user not banned. */
export async function authenticateUser(deps: AuthDeps, req: AuthRequest): Promise<Authenticated> {
  const claims = verifiedClaims(deps, req);
  return loadUserAndSession(deps, claims);
}

async function loadUserAndSession(deps: AuthDeps, claims: Claims): Promise<Authenticated> {
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  if (sub === '') throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
  if (!isUuid(sub)) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID');
  const user = await findUserById(deps.pool, sub.toLowerCase());
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
  let session: SessionRow | undefined;
  const sessionId = typeof claims.session_id === 'string' ? claims.session_id : '';
  if (sessionId !== '' && sessionId !== '00000000-0000-0000-0000-000000000000') {
    if (!isUuid(sessionId)) throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID');
    session = await findSession(deps.pool, sessionId.toLowerCase());
    if (!session) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
  }
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned');
  return { claims, user, session };
}

/** GoTrue's `requireAdminCredentials`: a token whose `role` is an admin role (the CLI: `service_role`). */
export async function authenticateAdmin(deps: AuthDeps, req: AuthRequest): Promise<{ claims: Claims; actor: AuditActor }> {
  const claims = verifiedClaims(deps, req);
  const sessionId = typeof claims.session_id === 'string' ? claims.session_id : '';
  if (sessionId !== '' && sessionId !== '00000000-0000-0000-0000-000000000000') {
    // A user token that names a session must still have it, even when its role is admin.
    await loadUserAndSession(deps, claims);
  }
  const role = typeof claims.role === 'string' ? claims.role : '';
  if (!deps.config.jwt.adminRoles.includes(role)) throw forbidden('not_admin', 'User not allowed');
  return { claims, actor: { id: '00000000-0000-0000-0000-000000000000', username: role } };
}

/** GoTrue's `requestAud`: `X-JWT-AUD`, else a non-admin token's `aud`, else `authenticated`. */
export function requestAud(deps: AuthDeps, req: AuthRequest, claims?: Claims): string {
  const header = req.header('x-jwt-aud');
  if (header) return header;
  if (claims && !deps.config.jwt.adminRoles.includes(typeof claims.role === 'string' ? claims.role : '')) {
    const aud: unknown = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    if (typeof aud === 'string' && aud !== '') return aud;
  }
  return deps.config.jwt.aud;
}

/** Whether `banned_until` lies in the future. */
export function isBanned(user: UserRow): boolean {
  return user.banned_until !== null && Date.parse(user.banned_until) > Date.now();
}

/** The audit actor for a user (GoTrue uses the phone as username when there is one). */
export function userActor(user: UserRow): AuditActor {
  const fullName = user.raw_user_meta_data?.full_name;
  return {
    id: user.id,
    username: user.phone || (user.email ?? ''),
    ...(fullName !== undefined ? { fullName } : {}),
  };
}

/** Re-throws anything but an ApiError as a 500 with `message` (GoTrue's "Database error …" wording). */
export function asInternal(error: unknown, message: string): never {
  if (error instanceof ApiError) throw error;
  const wrapped = new ApiError(500, 'unexpected_failure', message);
  wrapped.cause = error;
  throw wrapped;
}
