/**
 * API keys and the JWT secret of a local stack. The defaults are the ones `supabase start` uses, so a
 * frontend configured for the CLI's local stack works against this one unchanged.
 */
import { createHmac } from 'node:crypto';

export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
export const DEFAULT_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const DEFAULT_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

export interface ApiKeys {
  jwtSecret: string;
  /** Legacy anon key: an HS256 JWT with `role: anon`. */
  anonKey: string;
  /** Legacy service-role key: an HS256 JWT with `role: service_role`. */
  serviceRoleKey: string;
  publishableKey: string;
  secretKey: string;
}

const base64url = (input: string | Buffer): string => Buffer.from(input).toString('base64url');

/** Signs `claims` as an HS256 JWT (header `{"alg":"HS256","typ":"JWT"}`, claims in the given order). */
export function signHs256(claims: Record<string, unknown>, secret: string): string {
  const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** The CLI's legacy key claims: `{iss: "supabase-demo", role, exp: 1983812996}`. */
export function legacyKey(role: 'anon' | 'service_role', secret: string): string {
  return signHs256({ iss: 'supabase-demo', role, exp: 1983812996 }, secret);
}

export function defaultKeys(jwtSecret = ''): ApiKeys {
  const secret = jwtSecret || process.env.STACK_JWT_SECRET || DEFAULT_JWT_SECRET;
  return {
    jwtSecret: secret,
    anonKey: legacyKey('anon', secret),
    serviceRoleKey: legacyKey('service_role', secret),
    publishableKey: process.env.STACK_PUBLISHABLE_KEY ?? DEFAULT_PUBLISHABLE_KEY,
    secretKey: process.env.STACK_SECRET_KEY ?? DEFAULT_SECRET_KEY,
  };
}
