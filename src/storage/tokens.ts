/**
 * JWTs the Storage server reads and writes: the caller's access token (HS256 with the project JWT
 * secret, or a key from the auth server's JWKS), and the signed-URL tokens it issues itself —
 * HS256 over the same secret, `{url, scope, iat, exp}` for downloads and `{owner, url, upsert, scope}`
 * for uploads, so any server sharing the secret verifies them as storage-api does.
 */
import { createLocalJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { StorageConfig } from './config.ts';

export class Tokens {
  private readonly secret: Uint8Array;
  private readonly keys: JWTVerifyGetKey | undefined;

  constructor(config: Pick<StorageConfig, 'jwtSecret' | 'jwks'>) {
    this.secret = new TextEncoder().encode(config.jwtSecret);
    this.keys = config.jwks.length ? createLocalJWKSet({ keys: config.jwks }) : undefined;
  }

  /** Verifies a token (signature and `exp`); throws jose's error, whose message storage-api returns. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, async (header, input) => {
      if (header.alg === 'HS256' || !this.keys) return this.secret;
      return this.keys(header, input);
    });
    return payload;
  }

  /** A download token for `<bucket>/<key>`, valid `expiresIn` seconds. */
  signDownload(url: string, expiresIn: number): Promise<string> {
    return this.sign({ url, scope: 'download' }, expiresIn);
  }

  /** An upload token: the upload runs as service with this owner and upsert rule. */
  signUpload(url: string, owner: string | undefined, upsert: boolean, expiresIn: number): Promise<string> {
    return this.sign({ ...(owner ? { owner } : {}), url, upsert, scope: 'upload' }, expiresIn);
  }

  private sign(claims: Record<string, unknown>, expiresIn: number): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + expiresIn)
      .sign(this.secret);
  }
}
