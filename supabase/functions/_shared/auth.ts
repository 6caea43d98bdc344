/**
 * Who is calling, decided by the function itself, so that it stays true with `verify_jwt` off (as
 * Supabase advises for projects on the new signing keys) and when the functions server is reached
 * without the gateway. Every function that acts for a user goes through `requireSession`:
 * 1. the access token's signature: ES256/RS256 against the project's JWKS (`SUPABASE_JWKS`, else the
 *    Auth server's `/.well-known/jwks.json`), HS256 against the legacy JWT secret (`SUPABASE_JWT_SECRET`
 *    or an `oct` key in `SUPABASE_JWKS`; where neither is set, Auth checks it); any other `alg`
 *    (`none` included) is refused;
 * 2. its expiry (`exp` required), a user `role`, a UUID `sub` and `session_id`;
 * 3. in one SQL round trip (private.live_session_user): the session still exists and has not passed
 *    its `not_after`, and the user is neither banned nor deleted. So signing out or a ban takes effect
 *    on the next request, not when the token expires.
 */
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, type JSONWebKeySet, type JWK, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { database } from './database.ts';
import { HttpError } from './errors.ts';
import { publishableKey } from './keys.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ASYMMETRIC = ['ES256', 'RS256'];

/** The verified claims of a user's access token. */
export interface SessionClaims extends JWTPayload {
  sub: string;
  session_id: string;
  role: 'authenticated';
  exp: number;
  email?: string;
}

/** The signed-in user making the request, with a live session. */
export interface Caller {
  id: string;
  email: string;
  sessionId: string;
  /** The caller's access token, for calls that must act as them (e.g. Auth's `PUT /user`). */
  accessToken: string;
  /** Its verified claims, e.g. for `request.jwt.claims` when SQL runs as the caller. */
  claims: SessionClaims;
}

interface Keys {
  /** The HS256 secrets, imported once as HMAC keys (jose would import a raw secret again on every call). */
  secrets: Promise<CryptoKey[]>;
  jwks: JWTVerifyGetKey | undefined;
}

let keys: Keys | undefined;

function base64UrlBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(value.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The keys from the environment, read once per worker. */
function loadKeys(): Keys {
  if (keys) return keys;
  const secrets: Uint8Array<ArrayBuffer>[] = [];
  const secret = Deno.env.get('SUPABASE_JWT_SECRET');
  if (secret) secrets.push(new TextEncoder().encode(secret));
  let published: JWK[] = [];
  try {
    published = (JSON.parse(Deno.env.get('SUPABASE_JWKS') ?? '{"keys":[]}') as JSONWebKeySet).keys ?? [];
  } catch {
    console.error('auth: SUPABASE_JWKS is not a JSON Web Key Set; ignoring it');
  }
  for (const key of published) if (key.kty === 'oct' && typeof key.k === 'string') secrets.push(base64UrlBytes(key.k));
  const asymmetric = published.filter((key) => key.kty !== 'oct');
  let jwks: JWTVerifyGetKey | undefined;
  if (asymmetric.length > 0) {
    jwks = createLocalJWKSet({ keys: asymmetric });
  } else if (Deno.env.get('SUPABASE_URL')) {
    jwks = createRemoteJWKSet(new URL(`${Deno.env.get('SUPABASE_URL')}/auth/v1/.well-known/jwks.json`), {
      headers: { apikey: anyPublishableKey() },
      cacheMaxAge: 600_000,
    });
  }
  const imported = Promise.all(secrets.filter((raw) => raw.length > 0).map((raw) => crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])));
  keys = { secrets: imported, jwks };
  return keys;
}

function anyPublishableKey(): string {
  try {
    return publishableKey();
  } catch {
    return '';
  }
}

/** Forgets the cached keys (tests that change the environment). */
export function resetKeys(): void {
  keys = undefined;
  verified.clear();
}

/**
 * Tokens this worker has verified, with their claims. A user sends the same access token with every
 * request until it expires, and checking its signature again was the largest CPU cost of a function
 * call after the HTTP server itself (docs/benchmarks.md has the profile). A hit still checks the
 * expiry against the clock, as `jwtVerify` does (`exp` ≤ now is expired); an entry is kept at most
 * 10 minutes (the JWKS cache's age, so a signing key withdrawn from the JWKS stops being trusted
 * here as soon as it would be without this cache), the oldest go first beyond 10,000 entries, and
 * `resetKeys` empties it. Only tokens verified here are kept — never a refusal, never a token Auth
 * checked — and the live-session check still runs on every request.
 */
const VERIFIED_MAX_ENTRIES = 10_000;
const VERIFIED_MAX_SECONDS = 600;
const verified = new Map<string, { claims: SessionClaims; until: number }>();

function remember(token: string, claims: SessionClaims): void {
  if (verified.size >= VERIFIED_MAX_ENTRIES) verified.delete(verified.keys().next().value!);
  verified.set(token, { claims, until: Math.floor(Date.now() / 1000) + VERIFIED_MAX_SECONDS });
}

/** The claims of a token verified here before, undefined when it is not (or no longer) known; 401 once it has expired. */
function recall(token: string): SessionClaims | undefined {
  const entry = verified.get(token);
  if (!entry) return undefined;
  const now = Math.floor(Date.now() / 1000);
  if (entry.claims.exp <= now) {
    verified.delete(token);
    throw new HttpError('unauthorized', 'Sign in again: the access token has expired');
  }
  if (entry.until <= now) {
    verified.delete(token);
    return undefined;
  }
  return entry.claims;
}

const refused = (why: string) => new HttpError('unauthorized', `Sign in first: ${why}`);

/** The bearer token of the request, or 401. */
export function bearerToken(request: Request): string {
  const token = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!token) throw refused('the request has no access token');
  return token;
}

/** Checks signature, expiry and the claims of a user session token (no database); 401 otherwise. */
export async function verifyAccessToken(token: string): Promise<SessionClaims> {
  const known = recall(token);
  if (known) return known;
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw refused('the access token is not readable');
  }
  const loaded = loadKeys();
  const { jwks } = loaded;
  const secrets = await loaded.secrets;
  let payload: JWTPayload | undefined;
  const options = { requiredClaims: ['exp', 'sub'] };
  if (alg === 'HS256' && secrets.length === 0) return verifiedByAuth(token);
  try {
    if (alg === 'HS256') {
      for (const secret of secrets) {
        try {
          payload = (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload;
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw error;
        }
      }
    } else if (alg && ASYMMETRIC.includes(alg) && jwks) {
      payload = (await jwtVerify(token, jwks, { ...options, algorithms: ASYMMETRIC })).payload;
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_JWT_EXPIRED') throw new HttpError('unauthorized', 'Sign in again: the access token has expired');
    throw refused('the access token is not valid');
  }
  if (!payload) throw refused('the access token is not valid');
  if (payload.role !== 'authenticated' || typeof payload.sub !== 'string' || !UUID.test(payload.sub)) {
    throw refused('this needs a user session, not an API key');
  }
  if (typeof payload.session_id !== 'string' || !UUID.test(payload.session_id)) throw refused('the access token names no session');
  remember(token, payload as SessionClaims);
  return payload as SessionClaims;
}

/**
 * Without the legacy secret in the environment (a hosted project may not expose it), an HS256 token is
 * checked by Auth itself (`GET /auth/v1/user`: signature, expiry, session, ban); its claims are then
 * read from the token Auth accepted.
 */
async function verifiedByAuth(token: string): Promise<SessionClaims> {
  const url = Deno.env.get('SUPABASE_URL');
  if (!url) throw refused('the access token cannot be checked here');
  const response = await fetch(`${url}/auth/v1/user`, {
    headers: { apikey: anyPublishableKey(), authorization: `Bearer ${token}` },
  });
  await response.body?.cancel();
  if (response.status !== 200) throw refused('the access token is not valid');
  const claims = JSON.parse(new TextDecoder().decode(base64UrlBytes(token.split('.')[1] ?? ''))) as JWTPayload;
  if (claims.role !== 'authenticated' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) {
    throw refused('this needs a user session, not an API key');
  }
  if (typeof claims.session_id !== 'string' || !UUID.test(claims.session_id)) throw refused('the access token names no session');
  return claims as SessionClaims;
}

/** A caller whose access token is verified (signature, expiry, claims), its session not yet looked up. */
export interface TokenCaller {
  id: string;
  sessionId: string;
  accessToken: string;
  claims: SessionClaims;
}

/**
 * Steps 1 and 2 of `requireSession`, without the database: for a function that checks the session in
 * the same SQL statement as its work (use-tool), so the check costs no round trip of its own. Such a
 * function must refuse with `sessionEnded()` whenever that statement finds no live session.
 */
export async function verifyCaller(request: Request): Promise<TokenCaller> {
  const token = bearerToken(request);
  const claims = await verifyAccessToken(token);
  return { id: claims.sub.toLowerCase(), sessionId: claims.session_id.toLowerCase(), accessToken: token, claims };
}

/** The 401 of a valid token whose session has ended or whose user is banned or deleted. */
export const sessionEnded = () => refused('the session has ended (signed out, banned or deleted)');

/** The user's e-mail when the session is live and the user neither banned nor deleted, else undefined. */
export type SessionLookup = (userId: string, sessionId: string) => Promise<{ email: string } | undefined>;

export const liveSessionInDatabase: SessionLookup = async (userId, sessionId) => {
  const [row] = await database()<{ email: string }[]>`select email from private.live_session_user(${userId}::uuid, ${sessionId}::uuid)`;
  return row;
};

/** 401 unless the request carries a valid access token of a live session of a user in good standing. */
export async function requireSession(request: Request, lookup: SessionLookup = liveSessionInDatabase): Promise<Caller> {
  const caller = await verifyCaller(request);
  const live = await lookup(caller.id, caller.sessionId);
  if (!live) throw sessionEnded();
  return { id: caller.id, email: live.email, sessionId: caller.claims.session_id, accessToken: caller.accessToken, claims: caller.claims };
}
