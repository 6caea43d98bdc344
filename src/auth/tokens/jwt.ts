/**
 * JWT signing and verification with node:crypto (no library on the hot path).
 *
 * Signing: HS256 with the project's JWT secret by default; with `[auth] signing_keys_path`, the key of the
 * JSON array of private JWKs whose `key_ops` contains `sign` (ES256, RS256, or an `oct` HS256 key), with
 * its `kid` in the header. Verification accepts HS256 (the secret, or an `oct` key by `kid`), ES256 and
 * RS256 (by `kid`), so legacy anon/service-role keys keep working next to asymmetric user tokens.
 */
import { createHmac, createPrivateKey, createPublicKey, sign as cryptoSign, timingSafeEqual, verify as cryptoVerify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Algorithms GoTrue accepts locally (`GOTRUE_JWT_VALID_METHODS` of the CLI). */
const VALID_ALGS = new Set(['HS256', 'RS256', 'ES256']);

interface LoadedKey {
  kid: string | undefined;
  alg: 'HS256' | 'RS256' | 'ES256';
  /** Private key (asymmetric) or secret bytes (oct). */
  signing?: KeyObject | Buffer;
  /** Public key (asymmetric) or secret bytes (oct). */
  verifying: KeyObject | Buffer;
  /** Public JWK for `/.well-known/jwks.json` (asymmetric keys only). */
  publicJwk?: Record<string, unknown>;
}

/** Raised when a bearer token does not verify; the message is GoTrue's detail text. */
export class JwtError extends Error {}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** The keys of one server: signs access tokens, verifies bearer tokens, publishes the JWKS. */
export class JwtKeys {
  private readonly byKid = new Map<string, LoadedKey>();
  private readonly signer: LoadedKey;
  private readonly encodedHeader: string;
  private readonly secret: Buffer;
  /** Body of `/.well-known/jwks.json`. */
  readonly jwks: { keys: Record<string, unknown>[] };

  constructor(jwtSecret: string, signingKeys: JsonWebKey[] = []) {
    this.secret = Buffer.from(jwtSecret);
    const loaded = signingKeys.map(loadJwk);
    for (const key of loaded) if (key.kid) this.byKid.set(key.kid, key);
    const flagged = signingKeys.findIndex((jwk) => Array.isArray(jwk.key_ops) && jwk.key_ops.includes('sign'));
    if (loaded.length > 0) {
      const chosen = loaded[flagged === -1 ? 0 : flagged]!;
      if (!chosen.signing) throw new Error('the signing JWK has no private part ("d")');
      this.signer = chosen;
    } else {
      this.signer = { kid: undefined, alg: 'HS256', signing: this.secret, verifying: this.secret };
    }
    const header: Record<string, string> = { alg: this.signer.alg };
    if (this.signer.kid) header.kid = this.signer.kid;
    header.typ = 'JWT';
    this.encodedHeader = b64url(JSON.stringify(header));
    this.jwks = { keys: loaded.filter((k) => k.publicJwk).map((k) => k.publicJwk!) };
  }

  /** Reads a JSON array of private JWKs from `path`. */
  static fromFile(jwtSecret: string, path: string): JwtKeys {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    const keys = Array.isArray(parsed) ? parsed : [parsed];
    return new JwtKeys(jwtSecret, keys as JsonWebKey[]);
  }

  /** The signing algorithm in use. */
  get algorithm(): string {
    return this.signer.alg;
  }

  /** Signs claims (serialised in the given key order). */
  sign(claims: Record<string, unknown>): string {
    const unsigned = `${this.encodedHeader}.${b64url(JSON.stringify(claims))}`;
    return `${unsigned}.${signWith(this.signer, unsigned)}`;
  }

  /** Verifies signature, algorithm and time claims; returns the claims or throws `JwtError`. */
  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
    const parts = token.split('.');
    if (parts.length !== 3) throw new JwtError('token is malformed: token contains an invalid number of segments');
    const [h, p, s] = parts as [string, string, string];
    let header: unknown;
    let claims: unknown;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      throw new JwtError('token is malformed: could not JSON decode header or claims');
    }
    if (!isJsonObject(header) || !isJsonObject(claims) || Array.isArray(claims)) {
      throw new JwtError('token is malformed: could not JSON decode header or claims');
    }
    const alg = header.alg;
    if (typeof alg !== 'string' || !VALID_ALGS.has(alg)) {
      throw new JwtError(`token is unverifiable: signing method ${String(alg)} is invalid`);
    }
    let key: LoadedKey | undefined;
    if (typeof header.kid === 'string') key = this.byKid.get(header.kid);
    if (!key && alg === 'HS256') key = { kid: undefined, alg: 'HS256', verifying: this.secret };
    if (!key) {
      throw new JwtError(`token is unverifiable: unrecognized JWT kid ${String(header.kid)} for algorithm ${alg}`);
    }
    if (key.alg !== alg) throw new JwtError('token signature is invalid: signing method mismatch');
    if (!verifyWith(key, `${h}.${p}`, s)) throw new JwtError('token signature is invalid: signature is invalid');
    if (typeof claims.exp === 'number' && nowSeconds > claims.exp) {
      throw new JwtError('token has invalid claims: token is expired');
    }
    if (typeof claims.nbf === 'number' && nowSeconds < claims.nbf) {
      throw new JwtError('token has invalid claims: token is not valid yet');
    }
    return claims;
  }
}

/** A decoded JSON value that is an object (or an array): `null` and scalars are not. */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function loadJwk(jwk: JsonWebKey): LoadedKey {
  const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
  if (jwk.kty === 'oct') {
    const secret = Buffer.from(jwk.k ?? '', 'base64url');
    return { kid, alg: 'HS256', signing: secret, verifying: secret };
  }
  let alg: LoadedKey['alg'];
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') alg = 'ES256';
  else if (jwk.kty === 'RSA') alg = 'RS256';
  else throw new Error(`unsupported signing key (kty ${String(jwk.kty)}, crv ${String(jwk.crv)}); use ES256 or RS256`);
  if (typeof jwk.alg === 'string' && jwk.alg !== alg) throw new Error(`signing key ${kid ?? ''} has alg ${jwk.alg}; only ${alg} fits it`);
  const signing = jwk.d ? createPrivateKey({ key: jwk, format: 'jwk' }) : undefined;
  const verifying = signing ? createPublicKey(signing) : createPublicKey({ key: jwk, format: 'jwk' });
  const pub = verifying.export({ format: 'jwk' }) as Record<string, unknown>;
  const publicJwk: Record<string, unknown> = { alg, ...pub, ...(kid ? { kid } : {}), key_ops: ['verify'], use: 'sig' };
  return { kid, alg, ...(signing ? { signing } : {}), verifying, publicJwk };
}

function signWith(key: LoadedKey, data: string): string {
  if (key.alg === 'HS256')
    return createHmac('sha256', key.signing as Buffer)
      .update(data)
      .digest('base64url');
  const signature = cryptoSign('sha256', Buffer.from(data), {
    key: key.signing as KeyObject,
    ...(key.alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  });
  return signature.toString('base64url');
}

function verifyWith(key: LoadedKey, data: string, signature: string): boolean {
  const sig = Buffer.from(signature, 'base64url');
  if (key.alg === 'HS256') {
    const expected = createHmac('sha256', key.verifying).update(data).digest();
    return sig.length === expected.length && timingSafeEqual(sig, expected);
  }
  try {
    return cryptoVerify('sha256', Buffer.from(data), { key: key.verifying as KeyObject, ...(key.alg === 'ES256' ? { dsaEncoding: 'ieee-p1363' as const } : {}) }, sig);
  } catch {
    return false;
  }
}
