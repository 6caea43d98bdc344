/**
 * The JSON Web Key Set the stack's verifiers trust: the public halves of the asymmetric signing keys
 * in `[auth] signing_keys_path` (if any), plus — for PostgREST — the legacy JWT secret as an `oct`
 * key, exactly as the Supabase CLI configures PostgREST (contract §2.2).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StackConfig } from './config.ts';
import { supabaseDir } from './config.ts';

export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  [key: string]: unknown;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The private signing keys from `signing_keys_path`, or none (user tokens are then HS256). */
export function signingKeys(config: StackConfig): Jwk[] {
  if (!config.auth.signingKeysPath) return [];
  const file = path.resolve(supabaseDir, config.auth.signingKeysPath);
  if (!existsSync(file)) throw new Error(`[auth] signing_keys_path points at ${file}, which does not exist`);
  const keys = JSON.parse(readFileSync(file, 'utf8')) as Jwk[];
  if (!Array.isArray(keys)) throw new Error(`${file} must hold a JSON array of JWKs`);
  return keys;
}

export function publicJwks(config: StackConfig, options: { withSecret?: boolean } = {}): { keys: Jwk[] } {
  const keys: Jwk[] = signingKeys(config)
    .filter((k) => k.kty !== 'oct')
    .map((k) => {
      const pub: Jwk = { ...k, use: 'sig', key_ops: ['verify'] };
      for (const member of PRIVATE_MEMBERS) delete pub[member];
      return pub;
    });
  if (options.withSecret) keys.push({ kty: 'oct', k: Buffer.from(config.keys.jwtSecret).toString('base64url'), alg: 'HS256' });
  return { keys };
}
