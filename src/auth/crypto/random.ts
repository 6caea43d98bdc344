/**
 * Random values and hashes the auth flows need: v1 refresh tokens, e-mail OTPs and their token hashes,
 * generated passwords, PKCE checks.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';

/** A v1 refresh token: 12 random characters of lowercase base32, as GoTrue's `SecureAlphanumeric(12)`. */
export function newRefreshToken(): string {
  const bytes = randomBytes(12);
  let token = '';
  for (const byte of bytes) token += BASE32_LOWER.charAt(byte & 31);
  return token;
}

/** A numeric one-time code of `length` digits (leading zeros kept). */
export function newOtp(length: number): string {
  let otp = '';
  for (let i = 0; i < length; i++) otp += String(randomInt(10));
  return otp;
}

/** GoTrue's e-mail token hash: lower-hex SHA-224 of `email + otp`. */
export function tokenHash(emailOrPhone: string, otp: string): string {
  return createHash('sha224')
    .update(emailOrPhone + otp)
    .digest('hex');
}

const PASSWORD_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random password (invites, magic-link sign-ups, admin users created without one). */
export function randomPassword(length = 64): string {
  let out = '';
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET.charAt(randomInt(PASSWORD_ALPHABET.length));
  return out;
}

/** Checks a PKCE verifier against the stored challenge (`s256`: base64url SHA-256, `plain`: equality). */
export function pkceVerifierMatches(method: 's256' | 'plain', challenge: string, verifier: string): boolean {
  const computed = method === 's256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(computed);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GoTrue's soft-delete obfuscation: base64url (no padding) of SHA-256 over `userId + value`. */
export function obfuscate(userId: string, value: string): string {
  return createHash('sha256')
    .update(userId + value)
    .digest('base64url');
}
